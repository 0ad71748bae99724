// Geo experiments in the lab: treated geos go dark or heavy up on one channel for some weeks,
// the KPI moves by exactly what the true adstock and saturation imply, and the truth records
// that incremental KPI (per geo and in total) and the true iROAS. A/A tests change nothing.

import { formatDay } from "../core/dates.js";
import { column, type ModelingTable } from "../core/modelingTable.js";
import { Rng } from "../core/rng.js";
import type { SimulatedDataset } from "./lab.js";
import { channelContribution } from "./response.js";
import { truthMediaParams } from "./truth.js";

export type GeoTestKind = "go_dark" | "heavy_up" | "aa";

export interface GeoTestSpec {
  channel: string;
  treated: string[];
  /** Index of the first test week in the table. */
  startWeek: number;
  weeks: number;
  kind: GeoTestKind;
  /** Heavy-up spend multiplier (default 2: spend doubles). */
  factor?: number;
  /** Weeks after the change whose carryover the truth counts (default 0). */
  readoutWeeks?: number;
}

export interface GeoTestTruth {
  format: "mmm-os/lab-geotest-truth@1";
  scenario: string;
  seed: number;
  channel: string;
  kind: GeoTestKind;
  treated: string[];
  /** First and last week start of the spend change. */
  start: string;
  end: string;
  readoutWeeks: number;
  /** Spend change over the test (USD; negative when spend is cut). */
  spendChange: number;
  /** True incremental KPI over the change plus readout weeks (negative for go-dark). */
  lift: number;
  liftByGeo: { geo: string; lift: number }[];
  weeklyLift: number[];
  /** KPI per USD of spend change; null for A/A. */
  iroas: number | null;
  /** Revenue per USD of spend change (value per KPI unit × iroas). */
  revenueIroas: number | null;
  /** Treated KPI over the measured window without the change (for relative lifts). */
  treatedBaseline: number;
}

export interface SimulatedGeoTest {
  /** The dataset's table with the test applied (treated KPI and spend changed). */
  table: ModelingTable;
  truth: GeoTestTruth;
}

/**
 * Applies a test to a simulated dataset. The KPI change is the difference of the true channel
 * contribution with and without the spend change, carried through adstock into later weeks, so
 * the same noise draw is kept and only the causal effect of the test is added.
 */
export function simulateGeoTest(ds: SimulatedDataset, spec: GeoTestSpec): SimulatedGeoTest {
  const table = ds.table;
  const N = table.weeks.length;
  const R = spec.readoutWeeks ?? 0;
  const last = spec.startWeek + spec.weeks - 1;
  if (spec.weeks < 1 || spec.startWeek < 1 || last + R >= N)
    throw new Error(`geo test weeks ${spec.startWeek}..${last}+${R} do not fit in ${N} weeks`);
  const params = truthMediaParams(ds.truth).find((p) => p.name === spec.channel);
  if (!params) throw new Error(`geo test: unknown channel '${spec.channel}'`);
  const spendCol = table.channels.find((c) => c.name === spec.channel)?.spend;
  if (!spendCol) throw new Error(`geo test: channel '${spec.channel}' has no spend column`);
  const factor = spec.kind === "go_dark" ? 0 : spec.kind === "heavy_up" ? (spec.factor ?? 2) : 1;
  const kpi = Float64Array.from(column(table, table.kpi).values);
  const spend = Float64Array.from(column(table, spendCol).values);
  const weeklyLift = new Array<number>(spec.weeks + R).fill(0);
  const liftByGeo: { geo: string; lift: number }[] = [];
  let spendChange = 0;
  let treatedBaseline = 0;
  for (const name of spec.treated) {
    const g = table.geos.indexOf(name);
    if (g < 0) throw new Error(`geo test: unknown geo '${name}'`);
    const before = spend.slice(g * N, (g + 1) * N);
    const after = Float64Array.from(before);
    for (let t = spec.startWeek; t <= last; t++) after[t] = before[t] * factor;
    const c0 = channelContribution(params, g, before);
    const c1 = channelContribution(params, g, after);
    let lift = 0;
    for (let t = spec.startWeek; t < N; t++) {
      const delta = c1[t] - c0[t];
      kpi[g * N + t] += delta;
      if (t <= last + R) {
        lift += delta;
        weeklyLift[t - spec.startWeek] += delta;
        treatedBaseline += column(table, table.kpi).values[g * N + t];
      }
    }
    for (let t = spec.startWeek; t <= last; t++) {
      spendChange += after[t] - before[t];
      spend[g * N + t] = after[t];
    }
    liftByGeo.push({ geo: name, lift });
  }
  const lift = liftByGeo.reduce((s, x) => s + x.lift, 0);
  const iroas = spec.kind === "aa" || spendChange === 0 ? null : lift / spendChange;
  const columns = table.columns.map((c) =>
    c.name === table.kpi ? { ...c, values: kpi } : c.name === spendCol ? { ...c, values: spend } : c,
  );
  return {
    table: { ...table, columns },
    truth: {
      format: "mmm-os/lab-geotest-truth@1",
      scenario: ds.truth.scenario,
      seed: ds.truth.seed,
      channel: spec.channel,
      kind: spec.kind,
      treated: [...spec.treated],
      start: formatDay(table.weeks[spec.startWeek]),
      end: formatDay(table.weeks[last]),
      readoutWeeks: R,
      spendChange,
      lift,
      liftByGeo,
      weeklyLift,
      iroas,
      revenueIroas: iroas === null ? null : iroas * ds.truth.kpi.valuePerUnit,
      treatedBaseline,
    },
  };
}

/** A random treated set of `k` geos (seeded), for benchmarks and `--treated random:k`. */
export function randomTreated(geos: string[], k: number, seed: string): string[] {
  if (k < 1 || k >= geos.length) throw new Error(`cannot treat ${k} of ${geos.length} geos`);
  const rng = new Rng(seed);
  const pool = [...geos];
  for (let i = 0; i < k; i++) {
    const j = rng.integer(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k).sort();
}
