// A dated source whose rows are placed on the table's (geo, week) cells, and what is computed
// from those rows: duplicate-key checks, weekly aggregates, and sums of the unused columns.

import { type DayNumber, formatDay } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { broadcast, WeeklyAccumulator } from "./calendar.js";
import { readNumbers } from "./cells.js";
import type { PrepareConfig, SourceConfig } from "./config.js";
import { type Frame, rowLocation } from "./frame.js";

/** A dated source after its dates are read and its rows placed on the spine. */
export interface PlacedSource {
  name: string;
  cfg: SourceConfig;
  frame: Frame;
  days: DayNumber[];
  granularity: "daily" | "weekly";
  /** Spine index of each row's week, −1 outside the spine. */
  week: Int32Array;
  /** Geo index of each row; −1 when the source has no geo column; −2 for a geo the KPI does not have. */
  geo: Int32Array;
  geoLabels: string[] | null;
}

/** The same (geo, date) twice in a wide source is an error: which row is right is unknowable. */
export function checkDuplicateKeys(p: PlacedSource, config: PrepareConfig): void {
  if (config.media.long?.source === p.name) return; // long exports legitimately repeat dates
  const seen = new Map<string, number>();
  for (let i = 0; i < p.days.length; i++) {
    const key = `${p.geoLabels?.[i] ?? ""}\u0000${p.days[i]}`;
    const prev = seen.get(key);
    if (prev !== undefined) {
      const what = p.granularity === "weekly" ? "week" : "day";
      throw new MmmError(
        "E_DUPLICATE_KEY",
        `Duplicate ${what} in ${p.frame.file}: ${formatDay(p.days[i])}${p.geoLabels ? ` for geo '${p.geoLabels[i]}'` : ""} appears on ${p.frame.format === "csv" ? "lines" : "rows"} ${p.frame.lines[prev]} and ${p.frame.lines[i]}.`,
        { ...rowLocation(p.frame, i), column: p.cfg.date },
        "remove the duplicate row (or, if the file holds several series, add its geo column as sources.<name>.geo)",
      );
    }
    seen.set(key, i);
  }
}

export function aggregateColumn(
  p: PlacedSource,
  column: string,
  key: string,
  rule: WeeklyAccumulator["rule"],
  G: number,
  T: number,
  geoLevel: boolean,
): Float64Array {
  return aggregateValues(p, readNumbers(p.frame, column, key), rule, G, T, geoLevel);
}

/** Aggregates row values to (geo, week); a source without geo in a geo table is broadcast. */
export function aggregateValues(
  p: PlacedSource,
  values: Float64Array,
  rule: WeeklyAccumulator["rule"],
  G: number,
  T: number,
  geoLevel: boolean,
): Float64Array {
  const national = p.geoLabels === null;
  const acc = new WeeklyAccumulator(national ? 1 : G, T, rule);
  for (let i = 0; i < values.length; i++) {
    if (p.week[i] < 0 || p.geo[i] === -2) continue;
    acc.add(national ? 0 : p.geo[i], p.week[i], values[i], p.days[i]);
  }
  const out = acc.values(rule === "sum" ? 0 : Number.NaN);
  return national && geoLevel ? broadcast(out, G) : out;
}

export function fillGaps(values: Float64Array, fill: number): Float64Array {
  return values.map((v) => (Number.isNaN(v) ? fill : v));
}

/** Numeric columns of the sources that the config does not use, summed per week: candidates for leakage. */
export function leakageCandidates(
  placed: Map<string, PlacedSource>,
  config: PrepareConfig,
  T: number,
): { source: string; file: string; column: string; weekly: Float64Array }[] {
  const used = new Set<string>();
  const mark = (source: string, col?: string) => col && used.add(`${source}\u0000${col}`);
  mark(config.kpi.source, config.kpi.column);
  mark(config.kpi.source, config.kpi.value_column);
  if (config.media.long) {
    const l = config.media.long;
    for (const c of [l.campaign, l.platform, l.spend, l.exposure, l.currency]) mark(l.source, c);
  }
  for (const c of config.media.channels) {
    mark(c.source, c.spend);
    mark(c.source, c.exposure);
  }
  for (const c of config.controls) mark(c.source, c.column);
  const out: { source: string; file: string; column: string; weekly: Float64Array }[] = [];
  for (const p of placed.values()) {
    p.frame.columns.forEach((col, ci) => {
      if (col === p.cfg.date || col === p.cfg.geo || used.has(`${p.name}\u0000${col}`)) return;
      const weekly = new Float64Array(T);
      for (let i = 0; i < p.frame.rows.length; i++) {
        const cell = p.frame.rows[i][ci];
        const v =
          typeof cell === "number" ? cell : typeof cell === "string" && cell.trim() !== "" ? Number(cell) : 0;
        if (!Number.isFinite(v)) return; // not a numeric column
        if (p.week[i] >= 0) weekly[p.week[i]] += v;
      }
      out.push({ source: p.name, file: p.frame.file, column: col, weekly });
    });
  }
  return out;
}
