// The weekly calendar: which weekday weeks start on, the complete spine of weeks, and the
// aggregation of dated rows into (geo, week) cells with the rule each column needs
// (sum for spend and KPI, mean for prices, max for flags, …).

import type { DayNumber } from "../core/dates.js";
import type { AggregationRule } from "../core/modelingTable.js";

/** Accumulates values per (geo, week) cell and reduces them with one rule. */
export class WeeklyAccumulator {
  readonly geos: number;
  readonly weeks: number;
  private readonly total: Float64Array;
  private readonly count: Int32Array;
  private readonly extreme: Float64Array;
  private readonly firstDay: Float64Array;
  private readonly lastDay: Float64Array;

  constructor(
    geos: number,
    weeks: number,
    readonly rule: AggregationRule,
  ) {
    this.geos = geos;
    this.weeks = weeks;
    const n = geos * weeks;
    this.total = new Float64Array(n);
    this.count = new Int32Array(n);
    this.extreme = new Float64Array(n).fill(
      rule === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY,
    );
    this.firstDay = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    this.lastDay = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  }

  add(geo: number, week: number, value: number, day: DayNumber): void {
    const i = geo * this.weeks + week;
    this.count[i]++;
    switch (this.rule) {
      case "sum":
      case "mean":
        this.total[i] += value;
        break;
      case "max":
        if (value > this.extreme[i]) this.extreme[i] = value;
        break;
      case "min":
        if (value < this.extreme[i]) this.extreme[i] = value;
        break;
      case "first":
        if (day < this.firstDay[i]) {
          this.firstDay[i] = day;
          this.total[i] = value;
        }
        break;
      case "last":
        if (day > this.lastDay[i]) {
          this.lastDay[i] = day;
          this.total[i] = value;
        }
        break;
    }
  }

  /** Rows seen per cell. */
  counts(): Int32Array {
    return this.count;
  }

  /** Reduced values, geo-major; cells without rows get `empty`. */
  values(empty = Number.NaN): Float64Array {
    const out = new Float64Array(this.geos * this.weeks);
    for (let i = 0; i < out.length; i++) {
      if (this.count[i] === 0) {
        out[i] = empty;
        continue;
      }
      switch (this.rule) {
        case "sum":
        case "first":
        case "last":
          out[i] = this.total[i];
          break;
        case "mean":
          out[i] = this.total[i] / this.count[i];
          break;
        case "max":
        case "min":
          out[i] = this.extreme[i];
          break;
      }
    }
    return out;
  }
}

/** Week starts from `first` to `last` inclusive, every 7 days. */
export function weekSpine(first: DayNumber, last: DayNumber): DayNumber[] {
  const out: DayNumber[] = [];
  for (let w = first; w <= last; w += 7) out.push(w);
  return out;
}

/** Repeats a single-geo series (national) across `geos` geos. */
export function broadcast(values: Float64Array, geos: number): Float64Array {
  const T = values.length;
  const out = new Float64Array(T * geos);
  for (let g = 0; g < geos; g++) out.set(values, g * T);
  return out;
}
