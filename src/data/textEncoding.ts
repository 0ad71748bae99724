// Decides how a CSV file's bytes become text: UTF-8 (checked, so Windows-1252 bytes are refused
// with the line they are on instead of turning into '\ufffd'), UTF-16 by its byte-order mark, or
// the encoding the config names. Also recognises files that are not text at all.

import { isUtf8 } from "node:buffer";
import { MmmError } from "../core/errors.js";

export const ENCODINGS = ["utf-8", "windows-1252", "iso-8859-1", "utf-16le", "utf-16be"] as const;
export type Encoding = (typeof ENCODINGS)[number];

export interface EncodingChoice {
  encoding: Encoding;
  /** Bytes of a byte-order mark to skip. */
  bomLength: number;
  /** How the encoding was decided, for the QA note. */
  reason: "default" | "config" | "bom";
}

/** The encoding of a file from its first bytes and the config (a byte-order mark wins). */
export function chooseEncoding(head: Uint8Array, configured: Encoding | undefined): EncodingChoice {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
    return { encoding: "utf-8", bomLength: 3, reason: configured ? "config" : "default" };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf-16le", bomLength: 2, reason: "bom" };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf-16be", bomLength: 2, reason: "bom" };
  return configured
    ? { encoding: configured, bomLength: 0, reason: "config" }
    : { encoding: "utf-8", bomLength: 0, reason: "default" };
}

/** What a file that cannot be CSV text looks like, from its first bytes; null if it may be text. */
export function sniffBinary(head: Uint8Array, encoding: Encoding): string | null {
  const latin = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 8)).toString("latin1");
  if (latin.startsWith("PAR1")) return "a Parquet file";
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)
    return "a ZIP archive (an Excel .xlsx workbook?)";
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0)
    return "a legacy Excel .xls workbook";
  if (head[0] === 0x1f && head[1] === 0x8b) return "a gzip-compressed file";
  if (latin.startsWith("%PDF-")) return "a PDF document";
  if (head[0] === 0x89 && latin.slice(1, 4) === "PNG") return "a PNG image";
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "a JPEG image";
  if (encoding.startsWith("utf-16")) return null; // NUL bytes are normal in UTF-16 text
  const utf16 = looksLikeUtf16(head);
  if (utf16) return `UTF-16 text (${utf16}) without a byte-order mark`;
  if (head.includes(0)) return "a binary file (it contains NUL bytes)";
  return null;
}

/** ASCII text in UTF-16 has a NUL in every other byte: which half says the byte order. */
function looksLikeUtf16(head: Uint8Array): "utf-16le" | "utf-16be" | null {
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > 0.4 * pairs && evenNul < 0.05 * pairs) return "utf-16le";
  if (evenNul > 0.4 * pairs && oddNul < 0.05 * pairs) return "utf-16be";
  return null;
}

/**
 * Turns chunks of file bytes into UTF-8 bytes for the CSV parser. UTF-8 input passes through
 * after a check (a multi-byte character split between chunks is carried over); other encodings
 * are decoded and re-encoded.
 */
export class ChunkDecoder {
  private carry: Buffer = Buffer.alloc(0);
  private readonly decoder: TextDecoder | null;
  /** Newlines in the bytes already passed on, for the line of an invalid byte. */
  private lines = 0;

  constructor(
    readonly encoding: Encoding,
    private readonly where: { file: string; key?: string; sourceKey?: string },
  ) {
    // iso-8859-1 is decoded as windows-1252, as browsers do: they differ only in 0x80–0x9F,
    // which ISO-8859-1 leaves to control characters that never occur in real text
    const label = encoding === "iso-8859-1" ? "windows-1252" : encoding;
    this.decoder = encoding === "utf-8" ? null : new TextDecoder(label, { fatal: true });
  }

  /** UTF-8 bytes for `chunk` (with `end`, also for whatever was carried over). */
  push(chunk: Buffer, end = false): Buffer {
    if (this.decoder) return this.decodeOther(chunk, end);
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = end ? bytes.length : completeLength(bytes);
    const whole = bytes.subarray(0, cut);
    this.carry = Buffer.from(bytes.subarray(cut));
    if (!isUtf8(whole)) this.throwInvalid(whole);
    if (end && this.carry.length > 0) this.throwInvalid(this.carry);
    this.lines += countNewlines(whole);
    return whole;
  }

  private decodeOther(chunk: Buffer, end: boolean): Buffer {
    try {
      const text = this.decoder!.decode(chunk, { stream: !end });
      return Buffer.from(text, "utf8");
    } catch {
      throw new MmmError(
        "E_ENCODING",
        `File ${this.where.file} is not valid ${this.encoding} text.`,
        {
          file: this.where.file,
          key: this.where.sourceKey ? `${this.where.sourceKey}.encoding` : this.where.key,
        },
        `check the file's encoding and set ${this.where.sourceKey ?? "sources.<name>"}.encoding to it (one of ${ENCODINGS.join(", ")}), or re-save the file as UTF-8`,
      );
    }
  }

  private throwInvalid(bytes: Buffer): never {
    const at = firstInvalidUtf8(bytes);
    const line = this.lines + countNewlines(bytes.subarray(0, at)) + 1;
    const b = bytes[at];
    const start = bytes.lastIndexOf(0x0a, at) + 1;
    const endIx = bytes.indexOf(0x0a, at);
    const context = bytes.subarray(Math.max(start, at - 30), endIx < 0 ? at + 30 : Math.min(endIx, at + 30));
    const asCp1252 = new TextDecoder("windows-1252").decode(Buffer.from([b]));
    const looksCp1252 = b >= 0x80 && !/[\u0080-\u009f]/.test(asCp1252);
    throw new MmmError(
      "E_ENCODING",
      `File ${this.where.file} is not valid UTF-8: byte 0x${b.toString(16).toUpperCase().padStart(2, "0")} on line ${line} (in '${new TextDecoder("windows-1252").decode(context).replace(/[\r\n]/g, " ")}')${looksCp1252 ? `; in Windows-1252 (Latin-1) that byte is '${asCp1252}', so the file is probably Windows-1252` : ""}.`,
      {
        file: this.where.file,
        row: line,
        rowKind: "line",
        key: this.where.sourceKey ? `${this.where.sourceKey}.encoding` : undefined,
      },
      `re-save the file as UTF-8 (Excel: "CSV UTF-8"), or set ${this.where.sourceKey ?? "sources.<name>"}.encoding: windows-1252 in the config`,
    );
  }
}

/** Length of the prefix of `b` that does not end inside a multi-byte UTF-8 sequence. */
function completeLength(b: Buffer): number {
  const n = b.length;
  // look back at most 3 bytes for the lead byte of an unfinished sequence
  for (let k = 1; k <= Math.min(3, n); k++) {
    const c = b[n - k];
    if ((c & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > k ? n - k : n;
  }
  return n;
}

/** Index of the first byte where `b` stops being valid UTF-8. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const need =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    if (need === 0) {
      i++;
      continue;
    }
    if (i + need >= b.length) return i; // cut short by the end of the bytes
    for (let k = 1; k <= need; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    // overlong and surrogate forms that isUtf8 also rejects
    if (c === 0xe0 && b[i + 1] < 0xa0) return i;
    if (c === 0xed && b[i + 1] > 0x9f) return i;
    if (c === 0xf0 && b[i + 1] < 0x90) return i;
    if (c === 0xf4 && b[i + 1] > 0x8f) return i;
    i += need + 1;
  }
  return b.length;
}

function countNewlines(b: Uint8Array): number {
  let n = 0;
  let i = b.indexOf(0x0a);
  while (i >= 0) {
    n++;
    i = b.indexOf(0x0a, i + 1);
  }
  return n;
}
