// Reads one date cell: the day in the configured format, an optional time of day, and a time-zone
// offset only when it cannot move the day (or as the config says). Anything after the date that
// is not a time is refused, and Excel serial day numbers are named as such.

import { type DateFormat, type DayNumber, dayFromDate, formatDay, parseDay } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { type Cell, cellText } from "./frame.js";

export type CellDateFormat = DateFormat | "excel";
/** What to do with a timestamp whose UTC offset puts it on another day in UTC than as written. */
export type OffsetPolicy = "error" | "local" | "utc";

export interface DateColumn {
  column: string;
  /** Config key of the date column, e.g. `sources.orders.date`. */
  key: string;
  format: CellDateFormat;
  offsets: OffsetPolicy;
}

const DATE_PART: Record<DateFormat, RegExp> = {
  "YYYY-MM-DD": /^\d{4}-\d{1,2}-\d{1,2}/,
  "YYYY/MM/DD": /^\d{4}\/\d{1,2}\/\d{1,2}/,
  YYYYMMDD: /^\d{8}/,
  "MM/DD/YYYY": /^\d{1,2}\/\d{1,2}\/\d{4}/,
  "DD/MM/YYYY": /^\d{1,2}\/\d{1,2}\/\d{4}/,
  "DD.MM.YYYY": /^\d{1,2}\.\d{1,2}\.\d{4}/,
};

// a time of day after the date: 13:45, 1:45:00 PM, 13:45:00.123, then an optional offset
const TIME_PART =
  /^[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(?: ?([AaPp][Mm]))?(?: ?(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?$/;

// Excel stores dates as days since 1899-12-30: 45292 is 2024-01-01. Five-digit serials cover
// 1927–2173, the only range an export of marketing data plausibly holds.
const EXCEL_EPOCH_OFFSET = 25569;
const EXCEL_SERIAL = /^\d{5}(\.\d+)?$/;

export type DateReading =
  | { day: DayNumber }
  | { problem: "unreadable" | "junk" | "excel"; detail?: string }
  | { problem: "offset"; local: DayNumber; utc: DayNumber; offset: string };

/** Reads a date text without throwing: the day, or what is wrong with it. */
export function readDateText(raw: string, format: CellDateFormat, offsets: OffsetPolicy): DateReading {
  const text = raw.trim();
  if (format === "excel") {
    if (!/^\d+(\.\d+)?$/.test(text)) return { problem: "unreadable" };
    const serial = Math.floor(Number(text));
    return serial >= 61 ? { day: serial - EXCEL_EPOCH_OFFSET } : { problem: "unreadable" };
  }
  const m = DATE_PART[format].exec(text);
  if (!m) return EXCEL_SERIAL.test(text) ? { problem: "excel" } : { problem: "unreadable" };
  const day = parseDay(m[0], format);
  if (day === null) return { problem: "unreadable" };
  const rest = text.slice(m[0].length);
  if (rest === "") return { day };
  const t = format === "YYYYMMDD" ? null : TIME_PART.exec(rest);
  if (!t) return { problem: "junk", detail: rest };
  const zone = t[5];
  if (zone === undefined || zone === "Z" || zone === "UTC" || zone === "GMT") return { day };
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0"));
  let hour = Number(t[1]) % 24;
  if (t[4] && /p/i.test(t[4]) && hour < 12) hour += 12;
  if (t[4] && /a/i.test(t[4]) && hour === 12) hour = 0;
  const utc = day + Math.floor((hour * 60 + Number(t[2]) - offsetMinutes) / 1440);
  if (utc === day || offsets === "local") return { day };
  if (offsets === "utc") return { day: utc };
  return { problem: "offset", local: day, utc, offset: zone };
}

/** The day of a cell, or an error naming the place and the fix. */
export function readDateCell(
  cell: Cell,
  col: DateColumn,
  where: { file: string; row: number; rowKind: "row" | "line" },
): DayNumber {
  if (cell instanceof Date) return dayFromDate(cell);
  if (typeof cell === "number" && col.format === "excel" && cell >= 61) return Math.floor(cell) - 25569;
  const text = cellText(cell);
  const r = readDateText(text, col.format, col.offsets);
  if ("day" in r) return r.day;
  throw dateError(text, r, col, where);
}

function dateError(
  text: string,
  r: Exclude<DateReading, { day: DayNumber }>,
  col: DateColumn,
  where: { file: string; row: number; rowKind: "row" | "line" },
): MmmError {
  const formatKey = col.key.replace(/\.date$/, ".date_format");
  const loc = { ...where, column: col.column };
  if (r.problem === "offset") {
    const offsetKey = col.key.replace(/\.date$/, ".date_offsets");
    return new MmmError(
      "E_DATE_OFFSET",
      `'${text.trim()}' carries the UTC offset ${r.offset}, which puts it on ${formatDay(r.local)} as written but on ${formatDay(r.utc)} in UTC: which day the row belongs to depends on the time zone.`,
      loc,
      `export plain dates in the business's own time zone, or set ${offsetKey}: local (the day as written) or ${offsetKey}: utc (the UTC day)`,
    );
  }
  if (r.problem === "excel") {
    const serial = Math.floor(Number(text.trim()));
    return new MmmError(
      "E_BAD_DATE",
      `'${text.trim()}' looks like an Excel serial day number (${serial} is ${formatDay(serial - EXCEL_EPOCH_OFFSET)}), not a date in the format ${col.format}.`,
      loc,
      `export the dates as YYYY-MM-DD (format the column as a date in Excel before saving), or set ${formatKey}: excel`,
    );
  }
  if (r.problem === "junk") {
    return new MmmError(
      "E_BAD_DATE",
      `'${text.trim()}' has text after the date ('${r.detail!.trim()}') that is not a time of day.`,
      loc,
      "remove what follows the date (a time such as 13:45:00, with an optional Z or +01:00 offset, is allowed)",
    );
  }
  return new MmmError(
    "E_BAD_DATE",
    `Cannot read '${text}' as a date in the format ${col.format}.`,
    loc,
    text === ""
      ? "every row needs a date; remove the row or fill the date"
      : `fix the value, or set ${formatKey} to the file's format (one of YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY, excel)`,
  );
}
