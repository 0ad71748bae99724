// Calendar dates as integer day numbers (days since 1970-01-01, UTC), which makes week
// arithmetic exact and free of time zones. Weekdays: 0 = Monday … 6 = Sunday (ISO order).

export type DayNumber = number;

export const WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const MS_PER_DAY = 86_400_000;

export function dayFromYmd(year: number, month: number, day: number): DayNumber {
  // setUTCFullYear, because Date.UTC maps years 0–99 to 1900–1999
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / MS_PER_DAY);
}

export function ymdFromDay(d: DayNumber): { year: number; month: number; day: number } {
  const date = new Date(d * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** ISO format YYYY-MM-DD. */
export function formatDay(d: DayNumber): string {
  const { year, month, day } = ymdFromDay(d);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** 0 = Monday … 6 = Sunday. 1970-01-01 was a Thursday. */
export function weekdayOf(d: DayNumber): number {
  return (((d + 3) % 7) + 7) % 7;
}

export function weekdayIndex(name: Weekday): number {
  return WEEKDAYS.indexOf(name);
}

/** The first day of the week containing `d`, for weeks starting on `startWeekday`. */
export function weekStartOf(d: DayNumber, startWeekday: number): DayNumber {
  return d - ((weekdayOf(d) - startWeekday + 7) % 7);
}

export const DATE_FORMATS = [
  "YYYY-MM-DD",
  "YYYY/MM/DD",
  "YYYYMMDD",
  "MM/DD/YYYY",
  "DD/MM/YYYY",
  "DD.MM.YYYY",
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const PATTERNS: Record<DateFormat, { re: RegExp; order: [number, number, number] }> = {
  // order gives the capture-group index of [year, month, day]
  "YYYY-MM-DD": { re: /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/, order: [1, 2, 3] },
  "YYYY/MM/DD": { re: /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[T ].*)?$/, order: [1, 2, 3] },
  YYYYMMDD: { re: /^(\d{4})(\d{2})(\d{2})$/, order: [1, 2, 3] },
  "MM/DD/YYYY": { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: .*)?$/, order: [3, 1, 2] },
  "DD/MM/YYYY": { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: .*)?$/, order: [3, 2, 1] },
  "DD.MM.YYYY": { re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: .*)?$/, order: [3, 2, 1] },
};

/** Parses a date string in the given format; returns null when it does not parse or is not a real date. */
export function parseDay(text: string, format: DateFormat = "YYYY-MM-DD"): DayNumber | null {
  const m = PATTERNS[format].re.exec(text.trim());
  if (!m) return null;
  const [yi, mi, di] = PATTERNS[format].order;
  const year = Number(m[yi]);
  const month = Number(m[mi]);
  const day = Number(m[di]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const d = dayFromYmd(year, month, day);
  const back = ymdFromDay(d);
  return back.year === year && back.month === month && back.day === day ? d : null;
}

/** Day number of a JS Date at its UTC calendar day (how Parquet DATE and TIMESTAMP values arrive). */
export function dayFromDate(date: Date): DayNumber {
  return Math.floor(date.getTime() / MS_PER_DAY);
}

/** Fractional year position of a day in [0, 1), for Fourier seasonality. */
export function yearFraction(d: DayNumber): number {
  return (((d / 365.25) % 1) + 1) % 1;
}
