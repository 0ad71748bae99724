// What changed between two fits of the same brand: the data (weeks added or dropped, totals,
// values restated in weeks both runs share, channels, geos, taxonomy), the model spec (every
// changed key), and the measures (each channel's ROI and mROI, with the probability that it
// moved up). The probability compares the two posteriors as independent: P(after > before) over
// all pairs of draws, which is what "did this channel's ROI change?" asks of two separate fits.

import { formatDay } from "../core/dates.js";
import type { ModelingTable } from "../core/modelingTable.js";
import type { ChannelDraws } from "./channelMetrics.js";
import { compact, interval } from "./numberFormat.js";
import { type Interval, summarise } from "./summaries.js";

type Stat = Interval;

export interface ColumnChange {
  column: string;
  role: "kpi" | "spend";
  before: number;
  after: number;
  /** Totals over the geo-weeks both tables have. */
  beforeShared: number;
  afterShared: number;
  /** Shared geo-weeks whose value differs (a restatement of history), and the largest relative change. */
  restatedCells: number;
  largestRestatement: number;
}

export interface DataDiff {
  before: { first: string; last: string; weeks: number };
  after: { first: string; last: string; weeks: number };
  weeksAdded: string[];
  weeksDropped: string[];
  geosAdded: string[];
  geosDropped: string[];
  channelsAdded: string[];
  channelsDropped: string[];
  columns: ColumnChange[];
  taxonomy: { before: string | null; after: string | null; changed: boolean };
}

export interface SpecChange {
  key: string;
  before: unknown;
  after: unknown;
}

export interface MeasureChange {
  channel: string;
  roi: { before: Stat; after: Stat; pUp: number };
  mroi: { before: Stat; after: Stat; pUp: number };
  /** P(up) ≥ 0.9 or ≤ 0.1 for ROI. */
  moved: boolean;
}

export interface RunDiff {
  data: DataDiff;
  spec: SpecChange[];
  measures: MeasureChange[];
}

/** The identity of a taxonomy from a table's lineage (version and hash), if it had one. */
export function taxonomyId(lineage: unknown): string | null {
  const t = (lineage as { taxonomy?: { version?: string; sha256?: string } } | null)?.taxonomy;
  if (!t) return null;
  return `${t.version ?? "?"} (${(t.sha256 ?? "").slice(0, 12)})`;
}

export function diffData(
  before: ModelingTable,
  after: ModelingTable,
  lineage: { before: unknown; after: unknown },
): DataDiff {
  const day = (d: number) => formatDay(d);
  const weekSet = (t: ModelingTable) => new Set(t.weeks);
  const wb = weekSet(before);
  const wa = weekSet(after);
  const geosB = new Set(before.geos);
  const geosA = new Set(after.geos);
  const channelsB = new Set(before.channels.map((c) => c.name));
  const channelsA = new Set(after.channels.map((c) => c.name));
  const columns: ColumnChange[] = [];
  const roles: { column: string; role: "kpi" | "spend" }[] = [
    { column: before.kpi, role: "kpi" },
    ...before.channels.flatMap((c) =>
      c.spend && after.channels.some((a) => a.name === c.name && a.spend === c.spend)
        ? [{ column: c.spend, role: "spend" as const }]
        : [],
    ),
  ];
  for (const { column, role } of roles) {
    const cb = before.columns.find((c) => c.name === column);
    const ca = after.columns.find((c) => c.name === column);
    if (!cb || !ca) continue;
    const change: ColumnChange = {
      column,
      role,
      before: sum(cb.values),
      after: sum(ca.values),
      beforeShared: 0,
      afterShared: 0,
      restatedCells: 0,
      largestRestatement: 0,
    };
    const Tb = before.weeks.length;
    const Ta = after.weeks.length;
    const weekIndexA = new Map(after.weeks.map((w, i) => [w, i]));
    before.geos.forEach((geo, gb) => {
      const ga = after.geos.indexOf(geo);
      if (ga < 0) return;
      before.weeks.forEach((w, tb) => {
        const ta = weekIndexA.get(w);
        if (ta === undefined) return;
        const vb = cb.values[gb * Tb + tb];
        const va = ca.values[ga * Ta + ta];
        if (Number.isNaN(vb) || Number.isNaN(va)) return;
        change.beforeShared += vb;
        change.afterShared += va;
        // relative to the cell (or 1 for a cell at 0): rounding noise below 1e-9 is not a restatement
        const rel = Math.abs(va - vb) / Math.max(Math.abs(vb), 1);
        if (rel > 1e-9) {
          change.restatedCells++;
          change.largestRestatement = Math.max(change.largestRestatement, rel);
        }
      });
    });
    columns.push(change);
  }
  const tb = taxonomyId(lineage.before);
  const ta = taxonomyId(lineage.after);
  return {
    before: {
      first: day(before.weeks[0]),
      last: day(before.weeks[before.weeks.length - 1]),
      weeks: before.weeks.length,
    },
    after: {
      first: day(after.weeks[0]),
      last: day(after.weeks[after.weeks.length - 1]),
      weeks: after.weeks.length,
    },
    weeksAdded: after.weeks.filter((w) => !wb.has(w)).map(day),
    weeksDropped: before.weeks.filter((w) => !wa.has(w)).map(day),
    geosAdded: after.geos.filter((g) => !geosB.has(g)),
    geosDropped: before.geos.filter((g) => !geosA.has(g)),
    channelsAdded: [...channelsA].filter((c) => !channelsB.has(c)),
    channelsDropped: [...channelsB].filter((c) => !channelsA.has(c)),
    columns,
    taxonomy: { before: tb, after: ta, changed: tb !== ta },
  };
}

/** Every leaf key whose value differs between two resolved specs (dotted paths, arrays by index). */
export function diffSpec(before: unknown, after: unknown, path = ""): SpecChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffSpec(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length)
    return before.flatMap((v, i) => diffSpec(v, after[i], `${path}[${i}]`));
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ key: path || "(spec)", before, after }];
}

export function diffMeasures(before: ChannelDraws[], after: ChannelDraws[]): MeasureChange[] {
  return after.flatMap((a) => {
    const b = before.find((x) => x.channel === a.channel);
    if (!b) return [];
    const roiUp = probabilityGreater(a.roi, b.roi);
    return [
      {
        channel: a.channel,
        roi: { before: summarise(b.roi), after: summarise(a.roi), pUp: roiUp },
        mroi: {
          before: summarise(b.mroi),
          after: summarise(a.mroi),
          pUp: probabilityGreater(a.mroi, b.mroi),
        },
        moved: roiUp >= 0.9 || roiUp <= 0.1,
      },
    ];
  });
}

/**
 * P(X > Y) for independent X and Y given by their draws: over all pairs, by sorting Y and counting
 * the draws of Y below each draw of X (ties count one half).
 */
export function probabilityGreater(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const ys = Float64Array.from(y).sort();
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    const below = lowerBound(ys, x[i]);
    const notAbove = upperBound(ys, x[i]);
    count += below + (notAbove - below) / 2;
  }
  return count / (x.length * ys.length);
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sum(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i])) s += v[i];
  return s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The diff as lines for a terminal. */
export function diffLines(
  d: RunDiff,
  names: { before: string; after: string },
  display: { factor: number; unit: string } = { factor: 1, unit: "KPI value per currency unit" },
): string[] {
  const out: string[] = [`${names.before} → ${names.after}`, "", "Data"];
  const { data } = d;
  const listed = (xs: string[]) =>
    xs.length === 0
      ? "none"
      : `${xs.length} (${xs.length > 3 ? `${xs[0]} … ${xs[xs.length - 1]}` : xs.join(", ")})`;
  out.push(
    `  window ${data.before.first} .. ${data.before.last} (${data.before.weeks} weeks) → ${data.after.first} .. ${data.after.last} (${data.after.weeks} weeks)`,
  );
  out.push(`  weeks added ${listed(data.weeksAdded)}; dropped ${listed(data.weeksDropped)}`);
  if (data.geosAdded.length || data.geosDropped.length)
    out.push(`  geos added ${listed(data.geosAdded)}; dropped ${listed(data.geosDropped)}`);
  out.push(
    `  channels added ${listed(data.channelsAdded)}; dropped ${listed(data.channelsDropped)}; taxonomy ${data.taxonomy.changed ? `${data.taxonomy.before ?? "none"} → ${data.taxonomy.after ?? "none"}` : "unchanged"}`,
  );
  for (const c of data.columns) {
    const restated =
      c.restatedCells > 0
        ? `; ${c.restatedCells} shared geo-weeks restated (largest change ${(100 * c.largestRestatement).toFixed(1)}%)`
        : "";
    out.push(
      `  ${c.role === "kpi" ? "KPI" : "spend"} ${c.column}: total ${compact(c.before)} → ${compact(c.after)}${restated}`,
    );
  }
  out.push("", d.spec.length === 0 ? "Model spec: unchanged" : `Model spec: ${d.spec.length} key(s) changed`);
  for (const s of d.spec) out.push(`  ${s.key}: ${JSON.stringify(s.before)} → ${JSON.stringify(s.after)}`);
  out.push(
    "",
    `Measures in ${display.unit}: mean [5%, 95%] before → after; P(up) = probability the after-run's value is higher`,
  );
  const f = display.factor;
  const iv = (s: Stat) =>
    interval({ mean: s.mean * f, median: s.median * f, q05: s.q05 * f, q95: s.q95 * f });
  const width = Math.max(8, ...d.measures.map((m) => m.channel.length));
  for (const m of d.measures) {
    out.push(
      `  ${m.channel.padEnd(width)}  ROI ${iv(m.roi.before)} → ${iv(m.roi.after)}  P(up) ${m.roi.pUp.toFixed(2)}${m.moved ? (m.roi.pUp >= 0.9 ? "  ▲ moved up" : "  ▼ moved down") : ""}`,
    );
    out.push(
      `  ${"".padEnd(width)}  mROI ${iv(m.mroi.before)} → ${iv(m.mroi.after)}  P(up) ${m.mroi.pUp.toFixed(2)}`,
    );
  }
  return out;
}
