// A loaded input file: named columns of raw cells plus the file line of each row, so every later
// error can say exactly where the bad value sits.

import type { QaFinding } from "./qaReport.js";

export type Cell = string | number | boolean | bigint | Date | null | undefined;

/** What is known of every source that was read, whether its rows were kept or streamed. */
export interface SourceFile {
  /** Path as the user gave it (relative to the config), for messages. */
  file: string;
  /** Absolute path on disk. */
  absPath: string;
  format: "csv" | "parquet";
  columns: string[];
  /** Data rows (the header is not counted). */
  rowCount: number;
  bytes: number;
  sha256: string;
  /** Text encoding the CSV was read in. */
  encoding?: string;
  /** Things worth telling about how the file was read (e.g. decoded as UTF-16). */
  notes: QaFinding[];
}

export interface Frame extends SourceFile {
  /** Row-major cells. */
  rows: Cell[][];
  /** Line of each row in the file (CSV: the line the record ends on, header on line 1) or 1-based row index (Parquet). */
  lines: number[];
}

export function columnIndex(frame: Frame, name: string): number {
  return frame.columns.indexOf(name);
}

export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return "";
  if (cell instanceof Date) return cell.toISOString();
  return String(cell);
}

/** The location of a row for error messages: a line for CSV, a row number for Parquet. */
export function rowLocation(frame: Frame, i: number): { file: string; row: number; rowKind: "row" | "line" } {
  return lineLocation(frame, frame.lines[i]);
}

/** The location of a CSV line or Parquet row of a source. */
export function lineLocation(
  source: Pick<SourceFile, "file" | "format">,
  line: number,
): { file: string; row: number; rowKind: "row" | "line" } {
  return { file: source.file, row: line, rowKind: source.format === "csv" ? "line" : "row" };
}
