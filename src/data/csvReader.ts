// Streams a CSV file through csv-parse in chunks, handing each record and its file line to a
// sink, so memory follows what the sink keeps, not the file's size. Hashes the bytes as it reads.

import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { Parser } from "csv-parse";
import { MmmError } from "../core/errors.js";
import type { Cell } from "./frame.js";
import { LineIndex } from "./lineIndex.js";
import { ChunkDecoder, chooseEncoding, type Encoding, sniffBinary } from "./textEncoding.js";

/** Receives a source's header and rows, in file order. */
export interface RowSink {
  /** `format` says how rows are located in messages: CSV lines or Parquet rows. */
  header(columns: string[], format: "csv" | "parquet"): void;
  /** `line`: the CSV line the record ends on (1 = header), or the 1-based Parquet row. */
  row(cells: Cell[], line: number): void;
}

export interface CsvReadOptions {
  file: string;
  absPath: string;
  key?: string;
  /** Config key prefix of the source (`sources.<name>`), for fixes. */
  sourceKey?: string;
  delimiter?: string;
  encoding?: Encoding;
  /** Bytes per read; small values are for tests of chunk boundaries. */
  chunkSize?: number;
  /** The file's size, for progress. */
  size?: number;
  onProgress?: (bytes: number, size: number) => void;
}

export interface CsvReadResult {
  columns: string[];
  rowCount: number;
  bytes: number;
  sha256: string;
  encoding: Encoding;
  /** How the encoding was decided. */
  encodingReason: "default" | "config" | "bom";
}

/** A record (a line or a quoted field) longer than this is not a real export: stop before memory runs out. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;
const DEFAULT_CHUNK = 1 << 20;

/** Reads a CSV file from an open handle into `sink`; errors name the file, line and fix. */
export async function readCsv(
  handle: FileHandle,
  opts: CsvReadOptions,
  sink: RowSink,
): Promise<CsvReadResult> {
  const { file, key } = opts;
  const reader = new ChunkReader(handle, opts.chunkSize ?? DEFAULT_CHUNK);
  const head = await reader.head(8192);
  if (head.length === 0) throw emptyError(opts);
  const enc = chooseEncoding(head, opts.encoding);
  const binaryKind = sniffBinary(head, enc.encoding);
  if (binaryKind) {
    throw new MmmError(
      "E_NOT_CSV",
      `File ${file} is not a CSV text file: it looks like ${binaryKind}.`,
      { file, key },
      binaryKind.startsWith("a Parquet")
        ? "set format: parquet for this source"
        : binaryKind.startsWith("UTF-16")
          ? `re-save the file as UTF-8, or set ${opts.sourceKey ?? "sources.<name>"}.encoding: ${binaryKind.includes("utf-16be") ? "utf-16be" : "utf-16le"}`
          : "export the data as CSV (UTF-8, comma or semicolon separated) or Parquet",
    );
  }
  const decoder = new ChunkDecoder(enc.encoding, { file, key, sourceKey: opts.sourceKey });
  const records = new RecordStream(opts, sink);
  try {
    let first = true;
    for (;;) {
      let chunk = await reader.next();
      const end = chunk === null;
      if (first && chunk) {
        chunk = chunk.subarray(enc.bomLength);
        first = false;
      }
      const text = decoder.push(chunk ?? Buffer.alloc(0), end);
      if (text.length > 0) await records.write(text);
      opts.onProgress?.(reader.bytes, opts.size ?? reader.bytes);
      if (end) break;
    }
    await records.end();
  } catch (e) {
    if (!(e instanceof CsvParseFailure)) throw e;
    const openedAt = e.unclosedQuote ? await locateOpenQuote(handle, opts, enc) : null;
    throw parseError(e.cause as CsvErrorLike, openedAt ?? e.line ?? null, opts);
  }
  if (records.columns === null) throw emptyError(opts);
  if (records.rowCount === 0) {
    throw new MmmError(
      "E_FILE_EMPTY",
      `File ${file} has a header but no data rows.`,
      { file, row: 1, rowKind: "line", key },
      "re-export the file including its data",
    );
  }
  return {
    columns: records.columns,
    rowCount: records.rowCount,
    bytes: reader.bytes,
    sha256: reader.digest(),
    encoding: enc.encoding,
    encodingReason: enc.reason,
  };
}

interface CsvErrorLike extends Error {
  code?: string;
  lines?: number;
}

/** A csv-parse error on its way out of the stream, before it is turned into an MmmError. */
class CsvParseFailure extends Error {
  readonly unclosedQuote: boolean;
  constructor(
    override readonly cause: Error,
    readonly line: number | undefined,
  ) {
    super(cause.message);
    const code = (cause as CsvErrorLike).code;
    this.unclosedQuote = code === "CSV_QUOTE_NOT_CLOSED" || code === "CSV_MAX_RECORD_SIZE";
  }
}

function parseError(err: CsvErrorLike, line: number | null, opts: CsvReadOptions): MmmError {
  const { file, key } = opts;
  return new MmmError(
    "E_CSV_PARSE",
    err.code === "CSV_MAX_RECORD_SIZE"
      ? `File ${file} is not valid CSV: a record is longer than ${(MAX_RECORD_BYTES / 1048576).toFixed(0)} MB (a quote that is never closed?).`
      : `File ${file} is not valid CSV: ${err.message.replace(/ (on|at) line \d+$/, "")}.`,
    { file, row: line ?? err.lines, rowKind: "line", key },
    err.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH"
      ? "every row must have as many fields as the header; look for an unquoted delimiter in a value or a truncated row"
      : "check quoting: values containing the delimiter, quotes or newlines must be wrapped in double quotes",
  );
}

/**
 * Line on which a quoted field that is still open at the end of the file was opened, if any.
 * Only on the error path: the file is read a second time from its start.
 */
async function locateOpenQuote(
  handle: FileHandle,
  opts: CsvReadOptions,
  enc: ReturnType<typeof chooseEncoding>,
): Promise<number | null> {
  const decoder = new ChunkDecoder(enc.encoding, { file: opts.file, key: opts.key });
  const buf = Buffer.allocUnsafe(DEFAULT_CHUNK);
  let position = enc.bomLength;
  let line = 1;
  let open = false;
  let openedAt = 0;
  let pendingQuote = false; // a quote at the very end of the previous chunk, inside an open field
  for (;;) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, position);
    position += bytesRead;
    const text = decoder.push(Buffer.from(buf.subarray(0, bytesRead)), bytesRead === 0);
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (pendingQuote) {
        pendingQuote = false;
        if (ch === 0x22) continue; // '""': an escaped quote inside a quoted field
        open = false;
      }
      if (ch === 0x0a) line++;
      else if (ch === 0x22) {
        if (open) pendingQuote = true;
        else {
          open = true;
          openedAt = line;
        }
      }
    }
    if (bytesRead === 0) break;
  }
  if (pendingQuote) open = false;
  return open ? openedAt : null;
}

function emptyError(opts: CsvReadOptions): MmmError {
  return new MmmError(
    "E_FILE_EMPTY",
    `Input file is empty: ${opts.file}.`,
    { file: opts.file, key: opts.key },
    "re-export the file; it must have a header row and at least one data row",
  );
}

/** Sequential reads of a file handle, hashing every byte. */
class ChunkReader {
  private readonly hash = createHash("sha256");
  private pending: Buffer | null = null;
  bytes = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
  ) {}

  /** The first `n` bytes (fewer at end of file), kept to be returned again by `next`. */
  async head(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const c = await this.read();
      if (!c) break;
      parts.push(c);
      got += c.length;
    }
    this.pending = Buffer.concat(parts);
    return this.pending.subarray(0, n);
  }

  async next(): Promise<Buffer | null> {
    if (this.pending) {
      const p = this.pending;
      this.pending = null;
      if (p.length > 0) return p;
    }
    return this.read();
  }

  private async read(): Promise<Buffer | null> {
    const buf = Buffer.allocUnsafe(this.size);
    const { bytesRead } = await this.handle.read(buf, 0, this.size, null);
    if (bytesRead === 0) return null;
    const chunk = buf.subarray(0, bytesRead);
    this.hash.update(chunk);
    this.bytes += bytesRead;
    return chunk;
  }

  digest(): string {
    return this.hash.digest("hex");
  }
}

/**
 * Feeds UTF-8 text to csv-parse. Text is held back until the first non-blank line is complete,
 * so the delimiter can be detected from it and a file of blank lines is reported as empty.
 */
class RecordStream {
  columns: string[] | null = null;
  rowCount = 0;
  private parser: Parser | null = null;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private received = 0;
  private sinkError: unknown = null;
  private readonly lineIndex = new LineIndex();
  /** csv-parse's line count minus ours at the last record, to correct the lines of its errors. */
  private lineSkew = 0;

  constructor(
    private readonly opts: CsvReadOptions,
    private readonly sink: RowSink,
  ) {}

  async write(text: Buffer): Promise<void> {
    if (this.parser) {
      this.feed(text);
      return;
    }
    this.held.push(text);
    this.heldBytes += text.length;
    const all = this.held.length === 1 ? this.held[0] : Buffer.concat(this.held);
    this.held = [all];
    const firstLine = firstContentLine(all, false);
    if (firstLine === null) {
      if (this.heldBytes > MAX_RECORD_BYTES) {
        throw new MmmError(
          "E_NOT_CSV",
          `File ${this.opts.file} does not look like CSV: its first ${(MAX_RECORD_BYTES / 1048576).toFixed(0)} MB hold no complete line with content.`,
          { file: this.opts.file, key: this.opts.key },
          "export the data as CSV with one record per line",
        );
      }
      return;
    }
    await this.start(firstLine, all);
  }

  async end(): Promise<void> {
    if (!this.parser) {
      const all = Buffer.concat(this.held);
      const firstLine = firstContentLine(all, true);
      if (firstLine === null) return; // nothing but blank space: the caller reports an empty file
      await this.start(firstLine, all);
    }
    const parser = this.parser!;
    await new Promise<void>((resolve) => {
      parser.once("end", resolve);
      parser.once("close", resolve);
      parser.once("error", () => resolve());
      parser.end();
    });
    this.check();
  }

  private async start(firstLine: string, held: Buffer): Promise<void> {
    const delimiter = this.opts.delimiter ?? detectDelimiter(firstLine);
    const parser = new Parser({ delimiter, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES });
    // Records must reach the sink while parser.info still describes them (its byte offset gives
    // the line): data events are emitted synchronously inside write() once the stream is flowing
    // with an empty buffer. `received` is compared with the parser's count after every write.
    parser.on("data", (record: string[]) => {
      this.received++;
      if (this.sinkError !== null) return;
      try {
        const line = this.lineIndex.lineAt(parser.info.bytes);
        this.lineSkew = parser.info.lines - line;
        this.record(record, line);
      } catch (e) {
        this.sinkError = e;
      }
    });
    parser.on("error", () => {}); // read from parser.errored after each write
    // flowing mode starts on the next tick; records written before then would be buffered
    await new Promise((resolve) => setImmediate(resolve));
    this.parser = parser;
    this.held = [];
    this.feed(held);
  }

  private feed(text: Buffer): void {
    const parser = this.parser!;
    this.lineIndex.append(text);
    parser.write(text);
    this.check();
  }

  private check(): void {
    const parser = this.parser!;
    if (this.sinkError !== null) {
      parser.destroy();
      throw this.sinkError;
    }
    if (parser.errored) {
      const err = parser.errored as CsvErrorLike & { bytes?: number };
      // a wrong field count is detected at the record's end, where the byte offset is exact;
      // other errors carry csv-parse's line, corrected by its skew at the last good record
      const line =
        err.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" && err.bytes !== undefined
          ? this.lineIndex.lineAt(err.bytes)
          : err.lines !== undefined
            ? err.lines - this.lineSkew
            : undefined;
      throw new CsvParseFailure(parser.errored, line);
    }
    if (this.received !== parser.info.records) {
      throw new Error(
        `csv-parse delivered ${this.received} of ${parser.info.records} records synchronously; line numbers would be wrong`,
      );
    }
  }

  private record(record: string[], line: number): void {
    if (this.columns === null) {
      this.columns = headerColumns(record, this.opts);
      this.sink.header(this.columns, "csv");
      return;
    }
    this.rowCount++;
    this.sink.row(record, line);
  }
}

/** The first line with non-blank content, or null if none is complete yet. */
function firstContentLine(bytes: Buffer, atEnd: boolean): string | null {
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl < 0) {
      if (!atEnd) return null;
      const last = bytes.subarray(start).toString("utf8");
      return last.trim() === "" ? null : last;
    }
    const line = bytes.subarray(start, nl).toString("utf8");
    if (line.trim() !== "") return line.replace(/\r$/, "");
    start = nl + 1;
  }
}

function headerColumns(record: string[], opts: CsvReadOptions): string[] {
  const columns = record.map((c, i) => (c.trim() === "" ? `_col${i}` : c.trim()));
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    const prev = seen.get(c);
    if (prev !== undefined) {
      throw new MmmError(
        "E_DUPLICATE_COLUMN",
        `File ${opts.file} has two columns named '${c}' (positions ${prev + 1} and ${i + 1}).`,
        { file: opts.file, row: 1, rowKind: "line", column: c, key: opts.key },
        "rename one of the columns in the export",
      );
    }
    seen.set(c, i);
  });
  return columns;
}

/** The candidate separator that occurs most often outside double quotes in the header line. */
export function detectDelimiter(firstLine: string): string {
  const candidates = [",", ";", "\t", "|"];
  let best = ",";
  let bestCount = 0;
  for (const d of candidates) {
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
