// Reads one geo test: ridge-augmented synthetic control for the treated total, conformal
// inference from in-time placebos, in-space placebos and time-based regression as cross-checks,
// a verdict that refuses to call a test whose pre-period fit cannot be trusted, and iROAS.

import { formatDay } from "../../core/dates.js";
import { normalQuantile } from "../../core/quantileFunctions.js";
import type { Experiment, ExperimentKind } from "../experimentsFile.js";
import {
  type ConformalRead,
  conformalRead,
  donorMatrix,
  inTimePlaceboErrors,
  spacePlacebos,
  sumRows,
  treatedRmspeRatio,
} from "./inference.js";
import type { GeoPanel, TestWindow } from "./panel.js";
import { chooseLambda, fitSynth, gapSum, synthData, syntheticSeries } from "./synth.js";
import { timeBasedRegression } from "./tbr.js";

export interface AnalyzeOptions {
  /** Interval level (default 0.9). */
  level?: number;
  /** Test size for the verdict (default 0.1). */
  alpha?: number;
  /** Spend change over the test in the currency (negative for go-dark), for iROAS. */
  spendChange?: number;
  /** Ridge penalty scale; default: chosen by rolling-origin CV on the pre-period. */
  lambda?: number;
  /** Skip the in-space placebos (the design loop does not need them). */
  spacePlacebos?: boolean;
  /** Pre-period R² below which the read is not trusted (default 0.5). */
  minR2?: number;
}

export type Verdict = "detected" | "not_detected" | "not_trustworthy";

export interface GeoTestResult {
  format: "mmm-os/geotest-analysis@1";
  kpi: string;
  source: string;
  periodDays: number;
  treated: string[];
  controls: number;
  start: string;
  end: string;
  preperiods: number;
  testPeriods: number;
  level: number;
  alpha: number;
  method: "ridge_ascm" | "scm";
  /** Ridge penalty scale chosen by CV; null when plain SCM won. */
  lambda: number | null;
  lift: number;
  low: number | null;
  high: number | null;
  /** Lift as a share of the synthetic (counterfactual) KPI over the test. */
  relativeLift: number;
  counterfactual: number;
  pValue: number;
  inTimePlacebos: number;
  scmLift: number;
  tbr: { lift: number; low: number; high: number };
  space: { pValue: number; placebos: number; treatedRatio: number; relativeGaps: number[] } | null;
  preFit: { rmspe: number; relativeRmspe: number; r2: number };
  weights: { geo: string; weight: number }[];
  iroas: { estimate: number; low: number | null; high: number | null; spendChange: number } | null;
  verdict: Verdict;
  reasons: string[];
  series: { dates: string[]; treated: number[]; synthetic: number[] };
  placeboErrors: number[];
}

function preFit(treated: Float64Array, yhat: Float64Array, start: number) {
  let mean = 0;
  for (let t = 0; t < start; t++) mean += treated[t] / start;
  let sse = 0;
  let sst = 0;
  for (let t = 0; t < start; t++) {
    sse += (treated[t] - yhat[t]) ** 2;
    sst += (treated[t] - mean) ** 2;
  }
  const rmspe = Math.sqrt(sse / start);
  return { rmspe, relativeRmspe: rmspe / mean, r2: sst > 0 ? 1 - sse / sst : 0 };
}

/** The verdict: a read is only called when the pre-period fit and the placebo count allow it. */
function judge(r2: number, read: ConformalRead, level: number, alpha: number, minR2: number) {
  const reasons: string[] = [];
  if (r2 < minR2) reasons.push(`pre-period fit is poor (R² ${r2.toFixed(2)} < ${minR2})`);
  if (read.low === null)
    reasons.push(
      `only ${read.placebos} in-time placebo windows: too few for a ${Math.round(level * 100)}% interval`,
    );
  const verdict: Verdict =
    reasons.length > 0 ? "not_trustworthy" : read.pValue <= alpha ? "detected" : "not_detected";
  return { verdict, reasons };
}

/** Lift per unit of spend change; the interval is the lift's divided by it (order kept ascending). */
function iroasOf(lift: number, read: ConformalRead, sc: number | undefined): GeoTestResult["iroas"] {
  if (sc === undefined || sc === 0) return null;
  const bounded = read.low !== null && read.high !== null;
  return {
    estimate: lift / sc,
    low: bounded ? Math.min((read.low as number) / sc, (read.high as number) / sc) : null,
    high: bounded ? Math.max((read.low as number) / sc, (read.high as number) / sc) : null,
    spendChange: sc,
  };
}

export function analyzeGeoTest(p: GeoPanel, w: TestWindow, o: AnalyzeOptions = {}): GeoTestResult {
  const level = o.level ?? 0.9;
  const alpha = o.alpha ?? 0.1;
  const T = w.end + 1;
  const L = w.end - w.start + 1;
  const full = p.dates.length;
  // only the pre-period and the test are used: later periods may hold the after-effects
  const y = new Float64Array(p.geos.length * T);
  for (let g = 0; g < p.geos.length; g++) y.set(p.y.subarray(g * full, g * full + T), g * T);
  const treated = sumRows(y, T, w.treated);
  const d = synthData(treated, donorMatrix(y, T, w.controls), w.controls.length, T);
  const lambda = o.lambda ?? chooseLambda(d, w.start, L);
  const fit = fitSynth(d, w.start, lambda);
  const scm = Number.isFinite(lambda) ? fitSynth(d, w.start, Number.POSITIVE_INFINITY) : fit;
  const yhat = syntheticSeries(d, fit.coef);
  const lift = gapSum(d, fit.coef, w.start, T);
  const errors = inTimePlaceboErrors(d, w.start, L, lambda);
  const read = conformalRead(lift, errors, level);
  const fitStats = preFit(treated, yhat, w.start);
  let counterfactual = 0;
  for (let t = w.start; t < T; t++) counterfactual += yhat[t];
  const tbr = timeBasedRegression(treated, sumRows(y, T, w.controls), w.start, w.end, level);
  const space =
    o.spacePlacebos === false
      ? null
      : spacePlacebos(y, T, treatedRmspeRatio(d, fit.coef, w.start, w.end), w.controls, w.treated.length, {
          start: w.start,
          end: w.end,
          lambda,
        });
  const { verdict, reasons } = judge(fitStats.r2, read, level, alpha, o.minR2 ?? 0.5);
  const iroas = iroasOf(lift, read, o.spendChange);
  return {
    format: "mmm-os/geotest-analysis@1",
    kpi: p.kpi,
    source: p.source,
    periodDays: p.step,
    treated: w.treated.map((g) => p.geos[g]),
    controls: w.controls.length,
    start: formatDay(p.dates[w.start]),
    end: formatDay(p.dates[w.end] + p.step - 1),
    preperiods: w.start,
    testPeriods: L,
    level,
    alpha,
    method: Number.isFinite(lambda) ? "ridge_ascm" : "scm",
    lambda: Number.isFinite(lambda) ? lambda : null,
    lift,
    low: read.low,
    high: read.high,
    relativeLift: lift / counterfactual,
    counterfactual,
    pValue: read.pValue,
    inTimePlacebos: read.placebos,
    scmLift: gapSum(d, scm.coef, w.start, T),
    tbr: { lift: tbr.lift, low: tbr.low, high: tbr.high },
    space: space && {
      pValue: space.pValue,
      placebos: space.placebos.length,
      treatedRatio: space.treatedRatio,
      relativeGaps: space.placebos.map((x) => x.relativeGap),
    },
    preFit: fitStats,
    weights: w.controls
      .map((g, j) => ({ geo: p.geos[g], weight: fit.weights[j] }))
      .filter((x) => x.weight > 1e-4)
      .sort((a, b) => b.weight - a.weight),
    iroas,
    verdict,
    reasons,
    series: {
      dates: p.dates.slice(0, T).map(formatDay),
      treated: Array.from(treated),
      synthetic: Array.from(yhat),
    },
    placeboErrors: Array.from(errors),
  };
}

export interface RowOptions {
  id: string;
  channel: string;
  spendChange: number;
  kind?: ExperimentKind;
  /** Last period of the spend change (the rest of the window is readout). */
  changeEnd: string;
  readoutWeeks: number;
}

/** The result as a row of the experiments file that `mmm fit --experiments` reads. */
export function experimentRow(r: GeoTestResult, o: RowOptions): Experiment {
  const z = normalQuantile(0.5 + r.level / 2);
  // the conformal interval need not be symmetric; its half-width ÷ z is the normal-equivalent SE
  const se =
    r.low !== null && r.high !== null
      ? (r.high - r.low) / (2 * z)
      : Math.abs(r.tbr.high - r.tbr.low) / (2 * z);
  return {
    id: o.id,
    channel: o.channel,
    geos: r.treated,
    start: r.start,
    end: o.changeEnd,
    kind: o.kind ?? (o.spendChange < 0 ? "go_dark" : "heavy_up"),
    spendChange: o.spendChange,
    lift: r.lift,
    liftSe: se,
    readoutWeeks: o.readoutWeeks,
    source: `mmm geotest analyze (${r.method}, conformal ${Math.round(r.level * 100)}% interval)`,
    kpi: r.kpi,
  };
}
