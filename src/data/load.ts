// Reads CSV and Parquet inputs, refusing files that are not what they claim to be (binary,
// Excel, empty, ragged, not a regular file) with a message naming the file, the line and the fix.
// CSV is streamed into a row sink; `loadFrame` is the sink that keeps every row.

import { createHash } from "node:crypto";
import { parquetReadObjects } from "hyparquet";
import { MmmError } from "../core/errors.js";
import { type RowSink, readCsv } from "./csvReader.js";
import type { Cell, Frame, SourceFile } from "./frame.js";
import { openInput } from "./inputFile.js";
import { finding } from "./qaReport.js";
import type { Encoding } from "./textEncoding.js";

export interface LoadOptions {
  /** Path for messages (as written in the config). */
  file: string;
  absPath: string;
  format?: "csv" | "parquet";
  delimiter?: string;
  encoding?: Encoding;
  /** Config key that named this file, for "fix" hints. */
  key?: string;
  /** Config key of the source (`sources.<name>`), for fixes that name another of its keys. */
  sourceKey?: string;
  /** Bytes per read (tests of chunk boundaries). */
  chunkSize?: number;
  /** Called after each chunk of a CSV with the bytes read so far and the file's size. */
  onProgress?: (bytes: number, size: number) => void;
}

/** Loads a whole source into memory as rows of cells. */
export async function loadFrame(opts: LoadOptions): Promise<Frame> {
  const rows: Cell[][] = [];
  const lines: number[] = [];
  const source = await readSource(opts, {
    header() {},
    row(cells, line) {
      rows.push(cells);
      lines.push(line);
    },
  });
  return { ...source, rows, lines };
}

/** Reads a source row by row into `sink`; returns what is known about the file. */
export async function readSource(opts: LoadOptions, sink: RowSink): Promise<SourceFile> {
  const { file, key } = opts;
  const { handle, size } = await openInput({ file, absPath: opts.absPath, key });
  try {
    if (size === 0) {
      throw new MmmError(
        "E_FILE_EMPTY",
        `Input file is empty: ${file}.`,
        { file, key },
        "re-export the file; it must have a header row and at least one data row",
      );
    }
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0);
    const isParquet = magic.toString("latin1") === "PAR1";
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
      return await readParquet(opts, await handle.readFile(), sink);
    }
    const r = await readCsv(handle, { ...opts, size }, sink);
    const notes =
      r.encodingReason === "bom" && r.encoding.startsWith("utf-16")
        ? [
            finding(
              "text_encoding",
              `File ${file} is ${r.encoding.toUpperCase()} text (it starts with a byte-order mark); it was decoded as such.`,
              { where: { file } },
            ),
          ]
        : [];
    return {
      file,
      absPath: opts.absPath,
      format: "csv",
      columns: r.columns,
      rowCount: r.rowCount,
      bytes: r.bytes,
      sha256: r.sha256,
      encoding: r.encoding,
      notes,
    };
  } finally {
    await handle.close();
  }
}

async function readParquet(opts: LoadOptions, bytes: Buffer, sink: RowSink): Promise<SourceFile> {
  const { file, key } = opts;
  const sha256 = createHash("sha256").update(bytes).digest("hex");
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
  sink.header(columns, "parquet");
  objects.forEach((o, i) => {
    sink.row(
      columns.map((c) => o[c] as Cell),
      i + 1,
    );
  });
  return {
    file,
    absPath: opts.absPath,
    format: "parquet",
    columns,
    rowCount: objects.length,
    bytes: bytes.length,
    sha256,
    notes: [],
  };
}
