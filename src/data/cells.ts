// Typed reading of a Frame's columns: dates, numbers and labels, each failure reported with the
// file, line, column and the fix.

import { type DateFormat, type DayNumber, dayFromDate, parseDay } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { type Cell, cellText, type Frame, rowLocation } from "./frame.js";

/** Index of a required column, or an error listing the columns the file does have. */
export function requireColumn(frame: Frame, column: string, key: string): number {
  const i = frame.columns.indexOf(column);
  if (i < 0) {
    const near = frame.columns.find((c) => c.toLowerCase() === column.toLowerCase());
    throw new MmmError(
      "E_MISSING_COLUMN",
      `Column '${column}' not found in ${frame.file}.`,
      { file: frame.file, column, key },
      near
        ? `the file has '${near}' (column names are case-sensitive): set ${key}: ${near}`
        : `set ${key} to one of the file's columns: ${frame.columns.join(", ")}`,
    );
  }
  return i;
}

export function readDates(frame: Frame, column: string, key: string, format: DateFormat): DayNumber[] {
  const c = requireColumn(frame, column, key);
  const out = new Array<DayNumber>(frame.rows.length);
  for (let i = 0; i < frame.rows.length; i++) {
    const cell = frame.rows[i][c];
    let d: DayNumber | null = null;
    if (cell instanceof Date) d = dayFromDate(cell);
    else if (typeof cell === "string") d = parseDay(cell, format);
    if (d === null) {
      const text = cellText(cell);
      throw new MmmError(
        "E_BAD_DATE",
        `Cannot read '${text}' as a date in the format ${format}.`,
        { ...rowLocation(frame, i), column },
        text === ""
          ? "every row needs a date; remove the row or fill the date"
          : `fix the value, or set ${key.replace(/\.date$/, ".date_format")} to the file's format (one of YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY)`,
      );
    }
    out[i] = d;
  }
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
  const values = readNumbers(frame, column, key);
  return Array.from(values, (v, i) => {
    if (!Number.isInteger(v)) {
      throw new MmmError(
        "E_BAD_DATE",
        `Week index '${v}' is not a whole number.`,
        { ...rowLocation(frame, i), column },
        "the week_index column must hold integers",
      );
    }
    return origin + 7 * (v - first);
  });
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
  for (let i = 0; i < frame.rows.length; i++) {
    const cell = frame.rows[i][c];
    const v = parseNumberCell(cell);
    if (v !== null) {
      out[i] = v;
      continue;
    }
    const text = cellText(cell).trim();
    if (text === "" && opts.emptyAs !== undefined) {
      out[i] = opts.emptyAs;
      continue;
    }
    throw new MmmError(
      text === "" || /^(na|n\/a|nan|null|none|-)$/i.test(text) ? "E_MISSING_VALUE" : "E_NOT_A_NUMBER",
      text === "" || /^(na|n\/a|nan|null|none|-)$/i.test(text)
        ? `Missing value ('${text}') in numeric column '${column}'.`
        : `'${text}' is not a number.`,
      { ...rowLocation(frame, i), column },
      /[$€£¥]|,\d{3}/.test(text)
        ? "write plain numbers: remove currency symbols and thousands separators (use '.' as the decimal point)"
        : /^\d+,\d+$/.test(text)
          ? "use '.' as the decimal point (or export with a ';' delimiter and '.' decimals)"
          : "fill the value (0 if nothing happened that day) or remove the row",
    );
  }
  return out;
}

export function readLabels(frame: Frame, column: string, key: string): string[] {
  const c = requireColumn(frame, column, key);
  return frame.rows.map((r) => cellText(r[c]).trim());
}
