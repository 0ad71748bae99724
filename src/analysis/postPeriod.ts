// The post-period review: how did a fitted run do on weeks it never saw? The run's posterior
// predictive for the new weeks (its own draws, on the new weeks' actual spend, prices and
// calendar) against what happened: coverage of the 50% and 90% bands, the PIT of each week and its
// histogram, the CRPS, and the cumulative gap between actual and predicted with its own predictive
// band. Actuals that fall systematically outside — the cumulative gap beyond its 95% band, or far
// too few weeks inside the 90% band — raise an alarm: the relationships the run learned no longer
// hold (relationship drift), and the weeks and channels that explain it are named. A change in
// the last week or two, diluted in the sum, is looked for by a scan of every recent stretch
// (changeScan.ts); what it finds marks the review as borderline, to watch, not as an alarm: on the
// lab's clean brand the scan as an alarm rule raised 15% false alarms against the sum's 10%
// (`npm run bench:refresh`), and on the drift world it found the effect change no sooner.

import { formatDay } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import type { ModelingTable } from "../core/modelingTable.js";
import { quantile } from "../core/stats.js";
import { buildModelData } from "../model/design.js";
import { MmmModel } from "../model/mmm.js";
import type { ModelSpec } from "../model/spec.js";
import { type ChangeScan, scanRecentChange } from "./changeScan.js";
import { compact } from "./numberFormat.js";
import { predictiveDraws } from "./ppc.js";

export interface ReviewedWeek {
  week: string;
  actual: number;
  mean: number;
  q05: number;
  q25: number;
  q75: number;
  q95: number;
  /** Share of predictive draws below the actual (ties count half): 0.5 is dead centre. */
  pit: number;
  crps: number;
}

/** A cumulative PIT beyond these (either side) raises an alarm… */
export const ALARM_PIT = 0.025;
/** …and beyond these, without an alarm, the review is borderline; so is a scan p-value below SCAN_P. */
export const BORDERLINE_PIT = 0.1;
export const SCAN_P = 0.05;

export interface PostPeriodReview {
  weeks: ReviewedWeek[];
  coverage50: number;
  coverage90: number;
  /** Counts of the weeks' PIT in ten equal bins (flat when the forecast is calibrated). */
  pitHistogram: number[];
  /** Mean CRPS (KPI units) and as a share of the mean actual. */
  crps: number;
  crpsRelative: number;
  /** The new weeks summed: actual against the predictive distribution of the sum. */
  cumulative: { actual: number; mean: number; q05: number; q95: number; pit: number };
  alarm: boolean;
  reasons: string[];
  /** The recent stretch of weeks that departs most from its forecast, and how often the model's own paths depart as far. */
  scan: ChangeScan | null;
  /**
   * No alarm, but the sum lies in the outer 10% of its forecast either side, or some recent
   * stretch departs further than the model's own paths do in 95% of cases: too weak to act on,
   * worth watching next month.
   */
  borderline: boolean;
  /** Weeks outside the 90% band. */
  weeksOutside: string[];
  /** Channels spending beyond what the run was fitted on (its predictions there are extrapolations), and the weeks. */
  extrapolated: { channel: string; newMax: number; fittedMax: number; weeks: string[] }[];
}

/**
 * The fitted run's model on a longer table that starts with the run's weeks: the run's KPI and
 * input scales and its time axis, the new weeks held out of the likelihood. Its parameters must be
 * the run's, in the same order, so the run's draws apply as they are.
 */
export function modelOnLongerTable(fitted: MmmModel, spec: ModelSpec, table: ModelingTable): MmmModel {
  const d = fitted.data;
  const T0 = d.T;
  const sameStart = table.weeks.length > T0 && d.weeks.every((w, t) => table.weeks[t] === w);
  if (!sameStart)
    throw new MmmError(
      "E_REVIEW_TABLE",
      `the new table must start with the run's ${T0} weeks (${formatDay(d.weeks[0])} .. ${formatDay(d.weeks[T0 - 1])}) and add weeks after them; it has ${table.weeks.length} weeks from ${formatDay(table.weeks[0])}`,
      {},
      "prepare the new exports with the same config and a window that starts where the run's did",
    );
  if (table.geos.join("\u0000") !== d.geos.join("\u0000"))
    throw new MmmError(
      "E_REVIEW_TABLE",
      "the new table's geos differ from the run's",
      {},
      "review a table with the run's geos",
    );
  const data = buildModelData(table, spec, {
    holdoutWeeks: table.weeks.length - T0,
    timeAxisWeeks: T0,
    kpiScale: d.yScale,
    inputScale: Object.fromEntries([...d.channels, ...d.organic].map((c) => [c.name, c.inputScale])),
  });
  const model = new MmmModel(data, spec);
  const missing = fitted.names.filter((n, i) => model.names[i] !== n);
  if (missing.length > 0 || model.dim !== fitted.dim)
    throw new MmmError(
      "E_REVIEW_TABLE",
      `on the new table the model has other parameters than the run (first difference: ${missing[0] ?? "their number"})`,
      {},
      "a channel, control or holiday was added or dropped: refit instead of reviewing",
    );
  return model;
}

/**
 * `model` is the fitted run's model on the longer table (its scales and time axis; see
 * DesignOptions), `draws` the run's constrained draws, `actual` the national KPI per week of the
 * longer table, and `from` the first week the run did not see.
 */
export function postPeriodReview(
  model: MmmModel,
  draws: Float64Array,
  actual: Float64Array,
  from: number,
  seed = 1,
): PostPeriodReview {
  const T = model.data.T;
  const pred = predictiveDraws(model, draws, seed);
  const S = pred.length;
  const weeks: ReviewedWeek[] = [];
  const cumulativeDraws = new Float64Array(S);
  let cumulativeActual = 0;
  const reviewed: number[] = [];
  for (let t = from; t < T; t++) {
    if (Number.isNaN(actual[t])) continue;
    reviewed.push(t);
    const column = Float64Array.from(pred, (p) => p[t]);
    for (let s = 0; s < S; s++) cumulativeDraws[s] += column[s];
    cumulativeActual += actual[t];
    const sorted = column.slice().sort();
    weeks.push({
      week: formatDay(model.data.weeks[t]),
      actual: actual[t],
      mean: mean(column),
      q05: quantile(sorted, 0.05),
      q25: quantile(sorted, 0.25),
      q75: quantile(sorted, 0.75),
      q95: quantile(sorted, 0.95),
      pit: pitOf(sorted, actual[t]),
      crps: crpsOf(sorted, actual[t]),
    });
  }
  const n = weeks.length;
  const inside = (lo: keyof ReviewedWeek, hi: keyof ReviewedWeek) =>
    weeks.filter((w) => w.actual >= (w[lo] as number) && w.actual <= (w[hi] as number)).length;
  const in90 = inside("q05", "q95");
  const sortedCum = cumulativeDraws.slice().sort();
  const cumulative = {
    actual: cumulativeActual,
    mean: mean(cumulativeDraws),
    q05: quantile(sortedCum, 0.05),
    q95: quantile(sortedCum, 0.95),
    pit: pitOf(sortedCum, cumulativeActual),
  };
  const scan =
    n > 0
      ? scanRecentChange(
          pred.map((p) => Float64Array.from(reviewed, (t) => p[t])),
          reviewed.map((t) => actual[t]),
          weeks.map((w) => w.week),
        )
      : null;
  const reasons: string[] = [];
  if (n > 0 && (cumulative.pit < ALARM_PIT || cumulative.pit > 1 - ALARM_PIT))
    reasons.push(
      `Over the ${n} new weeks the KPI came in ${cumulative.actual < cumulative.mean ? "below" : "above"} the run's forecast: ${compact(cumulative.actual)} against ${compact(cumulative.mean)} [90%: ${compact(cumulative.q05)} to ${compact(cumulative.q95)}], outside its 95% band (PIT ${cumulative.pit.toFixed(3)}).`,
    );
  // far too few weeks inside the 90% band for chance: binomial tail below 1%
  if (n > 0 && binomialCdf(in90, n, 0.9) < 0.01)
    reasons.push(`Only ${in90} of ${n} new weeks fell inside the 90% band (chance of so few: below 1%).`);
  // a miss where spend left the fitted range may be the response curve's extrapolation, not a new world
  const extrapolated = extrapolatedChannels(model, from);
  const outside = weeks.filter((w) => w.actual < w.q05 || w.actual > w.q95).map((w) => w.week);
  const extrapolatedWeeks = new Set(extrapolated.flatMap((e) => e.weeks));
  const explained = outside.filter((w) => extrapolatedWeeks.has(w)).length;
  if (reasons.length > 0 && extrapolated.length > 0)
    reasons.push(
      `${extrapolated.map((e) => e.channel).join(", ")} spent beyond the run's range in ${extrapolatedWeeks.size} of the new weeks (${explained} of the ${outside.length} weeks outside the band): part of the miss may be the response curve's extrapolation rather than a change in the world.`,
    );
  const crps = n > 0 ? mean(Float64Array.from(weeks, (w) => w.crps)) : Number.NaN;
  const meanActual = n > 0 ? cumulativeActual / n : Number.NaN;
  return {
    weeks,
    coverage50: n > 0 ? inside("q25", "q75") / n : Number.NaN,
    coverage90: n > 0 ? in90 / n : Number.NaN,
    pitHistogram: histogram(weeks.map((w) => w.pit)),
    crps,
    crpsRelative: crps / meanActual,
    cumulative,
    alarm: reasons.length > 0,
    reasons,
    scan,
    borderline:
      reasons.length === 0 &&
      n > 0 &&
      (cumulative.pit < BORDERLINE_PIT ||
        cumulative.pit > 1 - BORDERLINE_PIT ||
        (scan !== null && scan.p < SCAN_P)),
    weeksOutside: outside,
    extrapolated,
  };
}

/**
 * Channels whose national spend in the new weeks exceeds 1.2× anything in the fitted weeks, with
 * the weeks it did so.
 */
function extrapolatedChannels(model: MmmModel, from: number): PostPeriodReview["extrapolated"] {
  const { G, T } = model.data;
  return model.data.channels.flatMap((c) => {
    const national = Float64Array.from({ length: T }, (_, t) => {
      let s = 0;
      for (let g = 0; g < G; g++) s += c.spend[g * T + t];
      return s;
    });
    const fittedMax = Math.max(0, ...national.subarray(0, from));
    const beyond = Array.from({ length: T - from }, (_, k) => from + k).filter(
      (t) => national[t] > 1.2 * fittedMax,
    );
    if (beyond.length === 0) return [];
    return [
      {
        channel: c.name,
        newMax: Math.max(...beyond.map((t) => national[t])),
        fittedMax,
        weeks: beyond.map((t) => formatDay(model.data.weeks[t])),
      },
    ];
  });
}

/** Share of sorted draws below y, ties counting half. */
function pitOf(sorted: Float64Array, y: number): number {
  let below = 0;
  let equal = 0;
  for (const v of sorted) {
    if (v < y) below++;
    else if (v === y) equal++;
  }
  return (below + equal / 2) / sorted.length;
}

/**
 * CRPS of an ensemble: E|X − y| − ½·E|X − X'|, the second term in O(n) from the sorted draws:
 * Σ_i Σ_j |x_i − x_j| = 2·Σ_i (2i − n − 1)·x_(i) (1-based ranks).
 */
export function crpsOf(sorted: Float64Array, y: number): number {
  const n = sorted.length;
  let absErr = 0;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    absErr += Math.abs(sorted[i] - y);
    spread += (2 * (i + 1) - n - 1) * sorted[i];
  }
  return absErr / n - spread / (n * n);
}

function histogram(pits: number[]): number[] {
  const bins = new Array(10).fill(0);
  for (const p of pits) bins[Math.min(9, Math.floor(p * 10))]++;
  return bins;
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
function binomialCdf(k: number, n: number, p: number): number {
  let term = (1 - p) ** n;
  let cdf = term;
  for (let i = 1; i <= k; i++) {
    term *= ((n - i + 1) / i) * (p / (1 - p));
    cdf += term;
  }
  return Math.min(1, cdf);
}

function mean(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}
