// Reads CSV and Parquet inputs into Frames, refusing files that are not what they claim to be
// (binary, Excel, empty, ragged) with a message naming the file, the line and the fix.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { parquetReadObjects } from "hyparquet";
import { MmmError } from "../core/errors.js";
import type { Cell, Frame } from "./frame.js";

export interface LoadOptions {
  /** Path for messages (as written in the config). */
  file: string;
  absPath: string;
  format?: "csv" | "parquet";
  delimiter?: string;
  /** Config key that named this file, for "fix" hints. */
  key?: string;
}

export async function loadFrame(opts: LoadOptions): Promise<Frame> {
  const { file, absPath, key } = opts;
  if (!existsSync(absPath)) {
    throw new MmmError(
      "E_FILE_NOT_FOUND",
      `Input file not found: ${file} (looked at ${absPath}).`,
      { file, key },
      "check the path; relative paths are read from the config file's folder",
    );
  }
  if (statSync(absPath).isDirectory()) {
    throw new MmmError(
      "E_FILE_NOT_FOUND",
      `Input path is a folder, not a file: ${file}.`,
      { file, key },
      "point the config at a CSV or Parquet file",
    );
  }
  const bytes = readFileSync(absPath);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (bytes.length === 0 || bytes.toString("utf8").trim() === "") {
    throw new MmmError(
      "E_FILE_EMPTY",
      `Input file is empty: ${file}.`,
      { file, key },
      "re-export the file; it must have a header row and at least one data row",
    );
  }
  const isParquet = bytes.subarray(0, 4).toString("latin1") === "PAR1";
  const format = opts.format ?? (/\.parquet$/i.test(file) || isParquet ? "parquet" : "csv");
  if (format === "parquet") {
    if (!isParquet) {
      throw new MmmError(
        "E_NOT_PARQUET",
        `File ${file} is declared Parquet but does not start with the Parquet magic bytes 'PAR1'.`,
        { file, key },
        "set format: csv for this source, or re-export the file as Parquet",
      );
    }
    return loadParquet(opts, bytes, sha256);
  }
  const binaryKind = sniffBinary(bytes);
  if (binaryKind) {
    throw new MmmError(
      "E_NOT_CSV",
      `File ${file} is not a CSV text file: it looks like ${binaryKind}.`,
      { file, key },
      binaryKind.startsWith("a Parquet")
        ? "set format: parquet for this source"
        : "export the data as CSV (UTF-8, comma or semicolon separated) or Parquet",
    );
  }
  return loadCsv(opts, bytes, sha256);
}

function sniffBinary(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 8192);
  if (head.subarray(0, 4).toString("latin1") === "PAR1") return "a Parquet file";
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)
    return "a ZIP archive (an Excel .xlsx workbook?)";
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0)
    return "a legacy Excel .xls workbook";
  if (head[0] === 0x1f && head[1] === 0x8b) return "a gzip-compressed file";
  if (head.subarray(0, 5).toString("latin1") === "%PDF-") return "a PDF document";
  if (head[0] === 0x89 && head.subarray(1, 4).toString("latin1") === "PNG") return "a PNG image";
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "a JPEG image";
  if (head.includes(0)) return "a binary file (it contains NUL bytes)";
  return null;
}

function detectDelimiter(firstLine: string): string {
  const candidates = [",", ";", "\t", "|"];
  let best = ",";
  let bestCount = 0;
  for (const d of candidates) {
    // count delimiters outside double quotes
    let count = 0;
    let quoted = false;
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted;
      else if (ch === d && !quoted) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

function loadCsv(opts: LoadOptions, bytes: Buffer, sha256: string): Frame {
  const { file, key } = opts;
  const text = bytes.toString("utf8");
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0];
  const delimiter = opts.delimiter ?? detectDelimiter(firstLine);
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      bom: true,
      delimiter,
      info: true,
      skip_empty_lines: true,
    }) as unknown as typeof parsed;
  } catch (e) {
    const err = e as { code?: string; lines?: number; message: string };
    // csv-parse reports an unclosed quote where the file ends: find the line where it opened
    const line = err.code === "CSV_QUOTE_NOT_CLOSED" ? (openQuoteLine(text) ?? err.lines) : err.lines;
    throw new MmmError(
      "E_CSV_PARSE",
      `File ${file} is not valid CSV: ${err.message.replace(/ (on|at) line \d+$/, "")}.`,
      { file, row: line, rowKind: "line", key },
      err.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH"
        ? "every row must have as many fields as the header; look for an unquoted delimiter in a value or a truncated row"
        : "check quoting: values containing the delimiter, quotes or newlines must be wrapped in double quotes",
    );
  }
  if (parsed.length === 0) {
    throw new MmmError(
      "E_FILE_EMPTY",
      `File ${file} has no header row.`,
      { file, key },
      "re-export the file with a header row",
    );
  }
  const columns = parsed[0].record.map((c, i) => (c.trim() === "" ? `_col${i}` : c.trim()));
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    if (seen.has(c)) {
      throw new MmmError(
        "E_DUPLICATE_COLUMN",
        `File ${file} has two columns named '${c}' (positions ${seen.get(c)! + 1} and ${i + 1}).`,
        { file, row: 1, rowKind: "line", column: c, key },
        "rename one of the columns in the export",
      );
    }
    seen.set(c, i);
  });
  if (parsed.length === 1) {
    throw new MmmError(
      "E_FILE_EMPTY",
      `File ${file} has a header but no data rows.`,
      { file, row: 1, rowKind: "line", key },
      "re-export the file including its data",
    );
  }
  const rows: Cell[][] = new Array(parsed.length - 1);
  const lines = new Array<number>(parsed.length - 1);
  for (let i = 1; i < parsed.length; i++) {
    rows[i - 1] = parsed[i].record;
    lines[i - 1] = parsed[i].info.lines;
  }
  return { file, absPath: opts.absPath, format: "csv", columns, rows, lines, bytes: bytes.length, sha256 };
}

async function loadParquet(opts: LoadOptions, bytes: Buffer, sha256: string): Promise<Frame> {
  const { file, key } = opts;
  let objects: Record<string, unknown>[];
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    objects = (await parquetReadObjects({ file: ab })) as Record<string, unknown>[];
  } catch (e) {
    throw new MmmError(
      "E_PARQUET_READ",
      `File ${file} could not be read as Parquet: ${(e as Error).message}.`,
      { file, key },
      "re-export the file; it may be truncated or use an unsupported encoding",
    );
  }
  if (objects.length === 0) {
    throw new MmmError(
      "E_FILE_EMPTY",
      `Parquet file ${file} has no rows.`,
      { file, key },
      "re-export the file including its data",
    );
  }
  const columns = Object.keys(objects[0]);
  const rows = objects.map((o) => columns.map((c) => o[c] as Cell));
  return {
    file,
    absPath: opts.absPath,
    format: "parquet",
    columns,
    rows,
    lines: rows.map((_, i) => i + 1),
    bytes: bytes.length,
    sha256,
  };
}

/** Line on which a quoted field that never closes was opened, if any. */
function openQuoteLine(text: string): number | null {
  let line = 1;
  let open = false;
  let openedAt = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\n") line++;
    else if (ch === '"') {
      if (open && text[i + 1] === '"')
        i++; // an escaped quote inside a quoted field
      else {
        open = !open;
        if (open) openedAt = line;
      }
    }
  }
  return open ? openedAt : null;
}
