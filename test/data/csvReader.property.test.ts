// Properties of the streaming CSV reader: any table written by csv-stringify (quotes, delimiters,
// line breaks, non-ASCII text) reads back cell for cell with every delimiter; the result does not
// depend on where the file is cut into chunks; and row and error line numbers are the file's.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { MmmError } from "../../src/core/errors.js";
import { readCsv } from "../../src/data/csvReader.js";
import { openInput } from "../../src/data/inputFile.js";

const dir = mkdtempSync(join(tmpdir(), "mmm-csv-prop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

interface Read {
  columns: string[];
  rows: string[][];
  lines: number[];
}

async function readText(
  content: string | Buffer,
  opts: { delimiter?: string; chunkSize?: number } = {},
): Promise<Read> {
  const file = join(dir, `t${n++}.csv`);
  writeFileSync(file, content);
  const rows: string[][] = [];
  const lines: number[] = [];
  let columns: string[] = [];
  const { handle } = await openInput({ file, absPath: file });
  try {
    await readCsv(
      handle,
      { file, absPath: file, ...opts },
      {
        header: (c) => {
          columns = c;
        },
        row: (cells, line) => {
          rows.push(cells as string[]);
          lines.push(line);
        },
      },
    );
  } finally {
    await handle.close();
  }
  return { columns, rows, lines };
}

const DELIMITERS = [",", ";", "\t", "|"] as const;

// cells mix the characters that need quoting with multi-byte text, so chunk cuts fall inside them
const cellUnit = fc.constantFrom(
  ",",
  ";",
  "\t",
  "|",
  '"',
  "\n",
  "\r\n",
  " ",
  "a",
  "Z",
  "7",
  ".",
  "é",
  "日本",
  "😀",
  "ß",
);
const cell = fc.string({ unit: cellUnit, maxLength: 12 });
// header names are trimmed by the reader and must be distinct and non-blank
const headerName = fc.string({
  unit: fc.constantFrom("a", "b", "c", "é", "_", "1", "日"),
  minLength: 1,
  maxLength: 6,
});

const table = fc.integer({ min: 2, max: 5 }).chain((cols) =>
  fc.record({
    header: fc.uniqueArray(headerName, { minLength: cols, maxLength: cols }),
    rows: fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 15 }),
    delimiter: fc.constantFrom(...DELIMITERS),
    crlf: fc.boolean(),
  }),
);

function csvOf(t: { header: string[]; rows: string[][]; delimiter: string; crlf: boolean }): string {
  return stringify([t.header, ...t.rows], {
    delimiter: t.delimiter,
    record_delimiter: t.crlf ? "windows" : "unix",
  });
}

/** Line each record ends on: the line breaks up to and including its own terminator. */
function recordEndLines(t: {
  header: string[];
  rows: string[][];
  delimiter: string;
  crlf: boolean;
}): number[] {
  let lines = 0;
  return [t.header, ...t.rows].map((r) => {
    lines += (stringify([r], { delimiter: t.delimiter }).match(/\n/g) ?? []).length;
    return lines;
  });
}

describe("streaming CSV reader (property-based)", () => {
  it("reads back any csv-stringify table, cell for cell, with each delimiter", async () => {
    await fc.assert(
      fc.asyncProperty(table, async (t) => {
        const r = await readText(csvOf(t), { delimiter: t.delimiter });
        expect(r.columns).toEqual(t.header);
        expect(r.rows).toEqual(t.rows);
      }),
      { numRuns: 150 },
    );
  });

  it("detects the delimiter from the header line", async () => {
    await fc.assert(
      fc.asyncProperty(table, async (t) => {
        const r = await readText(csvOf(t));
        expect(r.columns).toEqual(t.header);
        expect(r.rows).toEqual(t.rows);
      }),
      { numRuns: 60 },
    );
  });

  it("gives the same rows and lines whatever the read chunk size (cuts inside characters and quotes)", async () => {
    await fc.assert(
      fc.asyncProperty(table, fc.integer({ min: 1, max: 40 }), fc.boolean(), async (t, chunkSize, bom) => {
        const text = Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(csvOf(t))]);
        const whole = await readText(text, { delimiter: t.delimiter });
        const cut = await readText(text, { delimiter: t.delimiter, chunkSize });
        expect(cut).toEqual(whole);
        expect(whole.rows).toEqual(t.rows);
      }),
      { numRuns: 100 },
    );
  });

  it("numbers each row by the file line it ends on", async () => {
    await fc.assert(
      fc.asyncProperty(table, async (t) => {
        const r = await readText(csvOf(t), { delimiter: t.delimiter });
        expect(r.lines).toEqual(recordEndLines(t).slice(1));
      }),
      { numRuns: 100 },
    );
  });

  it("names the line of a row with a missing field", async () => {
    await fc.assert(
      fc.asyncProperty(
        table.chain((t) =>
          fc.record({ t: fc.constant(t), bad: fc.integer({ min: 0, max: t.rows.length - 1 }) }),
        ),
        fc.integer({ min: 1, max: 64 }),
        async ({ t, bad }, chunkSize) => {
          // a lone empty field would be a blank line, which CSV readers skip
          const short = (r: string[]) => (r.length === 2 && r[1] === "" ? ["x"] : r.slice(1));
          const rows = t.rows.map((r, i) => (i === bad ? short(r) : r));
          const broken = { ...t, rows };
          const expected = recordEndLines(broken)[bad + 1];
          const err = await readText(csvOf(broken), { delimiter: t.delimiter, chunkSize }).then(
            () => null,
            (e) => e,
          );
          expect(err).toBeInstanceOf(MmmError);
          expect((err as MmmError).code).toBe("E_CSV_PARSE");
          expect((err as MmmError).where.row).toBe(expected);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe("streaming CSV reader: limits that keep memory bounded", () => {
  const errorOf = (content: string | Buffer) =>
    readText(content).then(
      () => null,
      (e) => e as MmmError,
    );

  it("stops at a record longer than 8 MB, naming the line a never-closed quote opened on", async () => {
    const err = await errorOf(`date,x\n2024-01-01,1\n2024-01-02,"${"a".repeat(9 * 1024 * 1024)}`);
    expect(err?.code).toBe("E_CSV_PARSE");
    expect(err?.message).toContain("longer than 8 MB");
    expect(err?.where.row).toBe(3);
  });

  it("refuses a file whose first 8 MB hold no complete line", async () => {
    const err = await errorOf("x".repeat(9 * 1024 * 1024));
    expect(err?.code).toBe("E_NOT_CSV");
  });

  it("calls a file of blank lines empty, and a header alone a file without rows", async () => {
    expect((await errorOf("\n \n\t\n"))?.message).toContain("Input file is empty");
    const headerOnly = await errorOf("\n\ndate,x\n\n");
    expect(headerOnly?.code).toBe("E_FILE_EMPTY");
    expect(headerOnly?.message).toContain("header but no data rows");
  });
});
