// Typed reading of a Frame's columns: dates, numbers and labels, each failure reported with the
// file, line, column and the fix.

import type { DayNumber } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { type DateColumn, readDateCell } from "./dateCell.js";
import { type Cell, cellText, type Frame, rowLocation } from "./frame.js";

/** Index of a required column, or an error listing the columns the file does have. */
export function requireColumn(frame: Frame, column: string, key: string): number {
  return requireColumnIn(frame.columns, frame.file, column, key);
}

export function requireColumnIn(columns: string[], file: string, column: string, key: string): number {
  const i = columns.indexOf(column);
  if (i < 0) {
    const near = columns.find((c) => c.toLowerCase() === column.toLowerCase());
    throw new MmmError(
      "E_MISSING_COLUMN",
      `Column '${column}' not found in ${file}.`,
      { file, column, key },
      near
        ? `the file has '${near}' (column names are case-sensitive): set ${key}: ${near}`
        : `set ${key} to one of the file's columns: ${columns.join(", ")}`,
    );
  }
  return i;
}

export function readDates(frame: Frame, col: DateColumn): DayNumber[] {
  const c = requireColumn(frame, col.column, col.key);
  const out = new Array<DayNumber>(frame.rows.length);
  for (let i = 0; i < frame.rows.length; i++)
    out[i] = readDateCell(frame.rows[i][c], col, rowLocation(frame, i));
  return out;
}

/** Week numbers turned into week-start days: week `first` starts on `origin`. */
export function readWeekIndex(
  frame: Frame,
  column: string,
  key: string,
  origin: DayNumber,
  first: number,
): DayNumber[] {
  const c = requireColumn(frame, column, key);
  return frame.rows.map((r, i) => readWeekIndexCell(r[c], column, origin, first, rowLocation(frame, i)));
}

export function readWeekIndexCell(
  cell: Cell,
  column: string,
  origin: DayNumber,
  first: number,
  where: { file: string; row: number; rowKind: "row" | "line" },
): DayNumber {
  const v = readNumberCell(cell, column, {}, where);
  if (!Number.isInteger(v)) {
    throw new MmmError(
      "E_BAD_DATE",
      `Week index '${v}' is not a whole number.`,
      { ...where, column },
      "the week_index column must hold integers",
    );
  }
  return origin + 7 * (v - first);
}

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseNumberCell(cell: Cell): number | null {
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : null;
  if (typeof cell === "bigint") return Number(cell);
  if (typeof cell === "boolean") return cell ? 1 : 0;
  if (typeof cell !== "string") return null;
  const s = cell.trim();
  if (!PLAIN_NUMBER.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null; // '1e999' overflows to Infinity: not a usable number
}

export interface NumberOptions {
  /** Value for empty cells; without it an empty cell is an error. */
  emptyAs?: number;
}

export function readNumbers(
  frame: Frame,
  column: string,
  key: string,
  opts: NumberOptions = {},
): Float64Array {
  const c = requireColumn(frame, column, key);
  const out = new Float64Array(frame.rows.length);
  for (let i = 0; i < frame.rows.length; i++)
    out[i] = readNumberCell(frame.rows[i][c], column, opts, rowLocation(frame, i));
  return out;
}

/** Numbers this large are export or unit errors, and sums of them lose the cents. */
export const MAX_MAGNITUDE = 1e15;

/** The number in a cell, or an error naming the place and the fix. */
export function readNumberCell(
  cell: Cell,
  column: string,
  opts: NumberOptions,
  where: { file: string; row: number; rowKind: "row" | "line" },
): number {
  const v = parseNumberCell(cell);
  if (v !== null) {
    if (Math.abs(v) > MAX_MAGNITUDE) {
      throw new MmmError(
        "E_NUMBER_TOO_LARGE",
        `'${cellText(cell).trim()}' is implausibly large for column '${column}' (more than 1e15 in absolute value).`,
        { ...where, column },
        "check the value and the export's units (a mis-parsed or corrupted cell?); write the real amount",
      );
    }
    return v;
  }
  const text = cellText(cell).trim();
  if (text === "" && opts.emptyAs !== undefined) return opts.emptyAs;
  const missing = text === "" || /^(na|n\/a|nan|null|none|-)$/i.test(text);
  throw new MmmError(
    missing ? "E_MISSING_VALUE" : "E_NOT_A_NUMBER",
    missing ? `Missing value ('${text}') in numeric column '${column}'.` : `'${text}' is not a number.`,
    { ...where, column },
    /^[+-]?\d{1,3}(\.\d{3}){2,}(,\d+)?$/.test(text)
      ? "the value uses '.' as a thousands separator: export plain numbers (no thousands separators, '.' as the decimal point)"
      : /[$€£¥]|,\d{3}/.test(text)
        ? "write plain numbers: remove currency symbols and thousands separators (use '.' as the decimal point)"
        : /^\d+,\d+$/.test(text)
          ? "use '.' as the decimal point (or export with a ';' delimiter and '.' decimals)"
          : "fill the value (0 if nothing happened that day) or remove the row",
  );
}

export function readLabels(frame: Frame, column: string, key: string): string[] {
  const c = requireColumn(frame, column, key);
  return frame.rows.map((r) => cellText(r[c]).trim());
}
