// A geo panel: one KPI per (geo, period) on an evenly spaced calendar, read from a modeling table
// or a long CSV (date, geo, KPI), and the checks a geo test needs before any estimate is made.

import { parse as parseCsv } from "csv-parse/sync";
import { type DayNumber, formatDay, parseDay } from "../../core/dates.js";
import { MmmError } from "../../core/errors.js";
import { column, type ModelingTable } from "../../core/modelingTable.js";

export interface GeoPanel {
  /** Period start days, ascending, evenly spaced by `step` days. */
  dates: DayNumber[];
  step: 1 | 7;
  geos: string[];
  /** Geo-major KPI values (g·T + t); NaN where a geo has no value for a period. */
  y: Float64Array;
  kpi: string;
  source: string;
}

export interface CsvPanelOptions {
  dateColumn?: string;
  geoColumn?: string;
  kpiColumn?: string;
  /** Sum daily rows into weeks starting on the first date's weekday. */
  weekly?: boolean;
}

const DATE_NAMES = ["date", "week", "day", "time"];
const GEO_NAMES = ["geo", "location", "region", "market", "dma", "city"];
const KPI_NAMES = ["y", "kpi", "conversions", "sales", "orders", "revenue"];

function fail(
  what: string,
  where: { file?: string; row?: number; column?: string; option?: string },
  fix: string,
) {
  return new MmmError("E_GEO_PANEL", what, where, fix);
}

function pickColumn(
  header: string[],
  given: string | undefined,
  names: string[],
  role: string,
  file: string,
): string {
  if (given !== undefined) {
    if (!header.includes(given))
      throw fail(
        `Panel ${file} has no column '${given}' for the ${role}.`,
        { file, column: given },
        `columns are: ${header.join(", ")}`,
      );
    return given;
  }
  const found = header.find((h) => names.includes(h.trim().toLowerCase()));
  if (found === undefined)
    throw fail(
      `Panel ${file}: cannot tell which column holds the ${role}.`,
      { file },
      `name it (--${role}-column) or call it one of: ${names.join(", ")}`,
    );
  return found;
}

/** Parses a long panel CSV: one row per (date, geo) with the KPI; daily or weekly rows. */
export function parsePanelCsv(text: string, file: string, o: CsvPanelOptions = {}): GeoPanel {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, bom: true, skip_empty_lines: true });
  } catch (e) {
    throw fail(
      `Panel ${file} is not valid CSV (${(e as Error).message}).`,
      { file },
      "give a CSV with a header row",
    );
  }
  if (rows.length === 0) throw fail(`Panel ${file} has no rows.`, { file }, "give one row per date and geo");
  const header = Object.keys(rows[0]);
  const dc = pickColumn(header, o.dateColumn, DATE_NAMES, "date", file);
  const gc = pickColumn(header, o.geoColumn, GEO_NAMES, "geo", file);
  const kc = pickColumn(header, o.kpiColumn, KPI_NAMES, "kpi", file);
  const cells = new Map<string, { row: number; value: number }>();
  const dateSet = new Set<DayNumber>();
  const geoSet = new Set<string>();
  rows.forEach((r, i) => {
    const row = i + 1;
    const d = parseDay(String(r[dc]).trim());
    if (d === null)
      throw fail(
        `Panel ${file}: '${r[dc]}' is not a date (YYYY-MM-DD).`,
        { file, row, column: dc },
        "write dates as YYYY-MM-DD",
      );
    const g = String(r[gc]).trim();
    if (g === "")
      throw fail(`Panel ${file}: the geo is empty.`, { file, row, column: gc }, "name the geo on every row");
    const t = String(r[kc]).trim();
    const v = t === "" || /^(na|nan|null)$/i.test(t) ? Number.NaN : Number(t);
    if (t !== "" && !/^(na|nan|null)$/i.test(t) && !Number.isFinite(v))
      throw fail(
        `Panel ${file}: '${t}' is not a number.`,
        { file, row, column: kc },
        "write plain numbers, or leave the cell empty when missing",
      );
    const key = `${g}\u0000${d}`;
    const prev = cells.get(key);
    if (prev)
      throw fail(
        `Panel ${file}: geo '${g}' has two rows for ${formatDay(d)} (rows ${prev.row} and ${row}).`,
        { file, row, column: dc },
        "keep one row per geo and date (sum or drop the duplicates first)",
      );
    cells.set(key, { row, value: v });
    dateSet.add(d);
    geoSet.add(g);
  });
  const dates = [...dateSet].sort((a, b) => a - b);
  const step = inferStep(dates, file);
  const geos = [...geoSet].sort((a, b) => a.localeCompare(b, "en"));
  const T = Math.round((dates[dates.length - 1] - dates[0]) / step) + 1;
  const spine = Array.from({ length: T }, (_, t) => dates[0] + step * t);
  const y = new Float64Array(geos.length * T).fill(Number.NaN);
  geos.forEach((g, gi) => {
    for (let t = 0; t < T; t++) {
      const c = cells.get(`${g}\u0000${spine[t]}`);
      if (c) y[gi * T + t] = c.value;
    }
  });
  const panel: GeoPanel = { dates: spine, step, geos, y, kpi: kc, source: file };
  return o.weekly && step === 1 ? weeklyPanel(panel) : panel;
}

function inferStep(dates: DayNumber[], file: string): 1 | 7 {
  if (dates.length < 2)
    throw fail(`Panel ${file} has a single date.`, { file }, "give the pre-period and the test period");
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < dates.length; i++) gap = Math.min(gap, dates[i] - dates[i - 1]);
  if (gap !== 1 && gap !== 7)
    throw fail(
      `Panel ${file}: dates are ${gap} days apart; a geo panel is daily or weekly.`,
      { file },
      "aggregate to days or weeks first",
    );
  if (gap === 7 && dates.some((d) => (d - dates[0]) % 7 !== 0))
    throw fail(
      `Panel ${file}: weekly dates do not all fall on the same weekday.`,
      { file },
      "label each week by its first day",
    );
  return gap;
}

/** Sums days into weeks that start on the first date's weekday; a partial last week is dropped. */
export function weeklyPanel(p: GeoPanel): GeoPanel {
  if (p.step === 7) return p;
  const T = p.dates.length;
  const W = Math.floor(T / 7);
  const y = new Float64Array(p.geos.length * W);
  for (let g = 0; g < p.geos.length; g++)
    for (let w = 0; w < W; w++) {
      let s = 0;
      for (let d = 0; d < 7; d++) s += p.y[g * T + 7 * w + d];
      y[g * W + w] = s;
    }
  return { ...p, dates: Array.from({ length: W }, (_, w) => p.dates[0] + 7 * w), step: 7, y };
}

/** The KPI of a modeling table as a geo panel (weekly). */
export function panelFromTable(table: ModelingTable, source: string): GeoPanel {
  return {
    dates: [...table.weeks],
    step: 7,
    geos: [...table.geos],
    y: Float64Array.from(column(table, table.kpi).values),
    kpi: table.kpi,
    source,
  };
}

export interface TestWindow {
  /** Treated geo indices, ascending. */
  treated: number[];
  /** Control geo indices (every other geo not excluded). */
  controls: number[];
  /** First period of the change and last period measured (change end plus readout), inclusive. */
  start: number;
  end: number;
}

export interface WindowRequest {
  treated: string[];
  start: string;
  /** Last day of the spend change. */
  end: string;
  readoutPeriods?: number;
  /** Geos dropped from the control pool (spill-over, other tests). */
  exclude?: string[];
  minControls?: number;
}

/** Locates a test in a panel and refuses the tests no estimate could be trusted on. */
export function locateTest(p: GeoPanel, r: WindowRequest): TestWindow {
  const geoIndex = (g: string, option: string) => {
    const i = p.geos.indexOf(g);
    if (i < 0) {
      const near = p.geos.filter((x) => x.toLowerCase() === g.toLowerCase());
      throw fail(
        `Geo '${g}' is not in the panel ${p.source}.`,
        { option },
        near.length
          ? `did you mean '${near[0]}'?`
          : `geos are: ${p.geos.slice(0, 12).join(", ")}${p.geos.length > 12 ? ", …" : ""}`,
      );
    }
    return i;
  };
  if (r.treated.length === 0)
    throw fail("No treated geos given.", { option: "--treated" }, "e.g. --treated chicago,portland");
  const treated = [...new Set(r.treated.map((g) => geoIndex(g, "--treated")))].sort((a, b) => a - b);
  const excluded = new Set((r.exclude ?? []).map((g) => geoIndex(g, "--exclude")));
  const controls = p.geos.map((_, i) => i).filter((i) => !treated.includes(i) && !excluded.has(i));
  const minControls = r.minControls ?? 5;
  if (controls.length < minControls)
    throw fail(
      `Only ${controls.length} control geo(s) are left; a synthetic control needs at least ${minControls}.`,
      { option: "--treated" },
      "treat fewer geos, exclude fewer, or use a panel with more geos",
    );
  const start = periodOf(p, r.start, "--start");
  const last = periodOf(p, r.end, "--end");
  if (last < start)
    throw fail(
      `--end ${r.end} is before --start ${r.start}.`,
      { option: "--end" },
      "give the last day of the test",
    );
  const end = last + (r.readoutPeriods ?? 0);
  if (end >= p.dates.length)
    throw fail(
      `The test window with its readout runs to ${formatDay(p.dates[0] + p.step * end)}, after the panel ends (${formatDay(p.dates[p.dates.length - 1])}).`,
      { option: "--end" },
      "shorten the readout or use a panel that covers the whole test",
    );
  const L = end - start + 1;
  if (start < L)
    throw fail(
      `The pre-period (${start} ${unit(p)}) is shorter than the test (${L} ${unit(p)}).`,
      { option: "--start" },
      "a synthetic control needs a pre-period longer than the test; give more history",
    );
  checkComplete(p, [...treated, ...controls], end);
  return { treated, controls, start, end };
}

function unit(p: GeoPanel): string {
  return p.step === 7 ? "weeks" : "days";
}

function periodOf(p: GeoPanel, text: string, option: string): number {
  const d = parseDay(text.trim());
  if (d === null)
    throw fail(`${option} '${text}' is not a date (YYYY-MM-DD).`, { option }, "write dates as YYYY-MM-DD");
  const first = p.dates[0];
  const lastDay = p.dates[p.dates.length - 1] + p.step - 1;
  if (d < first || d > lastDay)
    throw fail(
      `${option} ${text} is outside the panel's dates (${formatDay(first)} … ${formatDay(lastDay)}).`,
      { option },
      "give a date inside the panel",
    );
  return Math.floor((d - first) / p.step);
}

/** Every used geo must have a value in every period up to `end` (the pre-period and the test). */
function checkComplete(p: GeoPanel, geos: number[], end: number): void {
  const T = p.dates.length;
  for (const g of geos)
    for (let t = 0; t <= end; t++)
      if (!Number.isFinite(p.y[g * T + t]))
        throw fail(
          `Geo '${p.geos[g]}' has no KPI value for ${formatDay(p.dates[t])}, inside the pre-period or the test.`,
          { file: p.source },
          "fill the gap (or exclude the geo with --exclude); a synthetic control needs every period",
        );
}
