// A loaded input file: named columns of raw cells plus the file line of each row, so every later
// error can say exactly where the bad value sits.

export type Cell = string | number | boolean | bigint | Date | null | undefined;

export interface Frame {
  /** Path as the user gave it (relative to the config), for messages. */
  file: string;
  /** Absolute path on disk. */
  absPath: string;
  format: "csv" | "parquet";
  columns: string[];
  /** Row-major cells. */
  rows: Cell[][];
  /** Line of each row in the file (CSV: 1-based line, header on line 1) or 1-based row index (Parquet). */
  lines: number[];
  bytes: number;
  sha256: string;
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
  return { file: frame.file, row: frame.lines[i], rowKind: frame.format === "csv" ? "line" : "row" };
}
