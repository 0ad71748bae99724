// The modeling table: one row per (geo, week), typed columns with roles. `mmm prepare` produces
// it from raw exports, the lab produces it directly, and `mmm fit` reads it. A national table is
// a panel with a single geo named "national".

import type { DayNumber, Weekday } from "./dates.js";

export type ColumnRole = "kpi" | "kpi_value" | "spend" | "exposure" | "control" | "holiday" | "population";
export type AggregationRule = "sum" | "mean" | "max" | "min" | "first" | "last";

export interface TableColumn {
  name: string;
  role: ColumnRole;
  /** Geo-major values: index g·weeks + t. */
  values: Float64Array;
  /** The channel a spend or exposure column belongs to. */
  channel?: string;
  unit?: string;
  /** How daily values became weekly ones. */
  aggregation?: AggregationRule;
  description?: string;
  /** Expected sign of a control's effect, when the user knows it (price ≤ 0, promotion ≥ 0). */
  sign?: "positive" | "negative";
}

export interface ModelingTable {
  weekStart: Weekday;
  /** Week start days, ascending, one per week of the spine. */
  weeks: DayNumber[];
  geos: string[];
  geoLevel: "national" | "geo";
  /** Name of the KPI column. */
  kpi: string;
  currency: string;
  columns: TableColumn[];
  /** Channels and their spend/exposure column names. */
  channels: { name: string; spend?: string; exposure?: string }[];
  holidayCountry?: string;
  /** Value of one KPI unit in the currency (e.g. revenue per subscription), when the user gave it. */
  valuePerUnit?: number;
}

export const NATIONAL_GEO = "national";

export function column(table: ModelingTable, name: string): TableColumn {
  const c = table.columns.find((col) => col.name === name);
  if (!c) throw new Error(`modeling table has no column '${name}'`);
  return c;
}

/** The values of one geo's slice of a column (a view, not a copy). */
export function geoSlice(table: ModelingTable, name: string, geo: number): Float64Array {
  const T = table.weeks.length;
  return column(table, name).values.subarray(geo * T, (geo + 1) * T);
}

/** Sum over geos of a column, per week. */
export function nationalSeries(table: ModelingTable, name: string): Float64Array {
  const T = table.weeks.length;
  const out = new Float64Array(T);
  const v = column(table, name).values;
  for (let g = 0; g < table.geos.length; g++) for (let t = 0; t < T; t++) out[t] += v[g * T + t];
  return out;
}

/** The table's first `weeks` weeks, every geo and column (a copy): the data a past run was fitted on. */
export function firstWeeks(table: ModelingTable, weeks: number): ModelingTable {
  const T = table.weeks.length;
  const n = Math.max(0, Math.min(T, weeks));
  const G = table.geos.length;
  return {
    ...table,
    weeks: table.weeks.slice(0, n),
    columns: table.columns.map((c) => {
      const values = new Float64Array(G * n);
      for (let g = 0; g < G; g++) values.set(c.values.subarray(g * T, g * T + n), g * n);
      return { ...c, values };
    }),
  };
}
