// Posterior predictive checks: simulate the KPI from the fitted model (mean plus observation
// noise) for a sample of draws, and compare with what was observed — over time, by interval
// coverage at 50/80/95%, and by the autocorrelation left in the residuals.

import { formatDay } from "../core/dates.js";
import { Rng } from "../core/rng.js";
import { quantile } from "../core/stats.js";
import { sampleObservation } from "../model/likelihood.js";
import type { MmmModel } from "../model/mmm.js";
import type { ForecastMetrics, PpcData } from "./findings.js";
import { thinned } from "./measures.js";

/** National predictive draws per week: rows = draws, columns = weeks (KPI units). */
export function predictiveDraws(
  model: MmmModel,
  draws: Float64Array,
  seed: number,
  maxDraws = 1000,
): Float64Array[] {
  const { G, T } = model.data;
  const rng = new Rng(`ppc:${seed}`);
  const noise = model.layout.noise;
  return thinned(draws, model.dim, maxDraws).map((x) => {
    const mu = model.mean(model.unconstrain(x));
    const nz = noise.map((j) => x[j]);
    const y = new Float64Array(T);
    for (let g = 0; g < G; g++)
      for (let t = 0; t < T; t++)
        y[t] += sampleObservation(model.family, mu[g * T + t], model.data.yScale[g], nz, rng);
    return y;
  });
}

/** Observed national KPI per week (NaN where any geo is missing). */
export function observedNational(model: MmmModel, includeHeldOut = true): Float64Array {
  const { G, T, trainWeeks } = model.data;
  const y = new Float64Array(T);
  for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) y[t] += model.data.y[g * T + t];
  if (!includeHeldOut) for (let t = trainWeeks; t < T; t++) y[t] = Number.NaN;
  return y;
}

function weekQuantiles(pred: Float64Array[], t: number): number[] {
  return pred.map((p) => p[t]);
}

export function posteriorPredictiveCheck(
  model: MmmModel,
  draws: Float64Array,
  observed: Float64Array,
  seed = 1,
): PpcData {
  const T = model.data.T;
  const pred = predictiveDraws(model, draws, seed);
  const q = (p: number) => Array.from({ length: T }, (_, t) => quantile(weekQuantiles(pred, t), p));
  const mean = Array.from({ length: T }, (_, t) => pred.reduce((s, p) => s + p[t], 0) / pred.length);
  const sd = Array.from({ length: T }, (_, t) =>
    Math.sqrt(pred.reduce((s, p) => s + (p[t] - mean[t]) ** 2, 0) / (pred.length - 1)),
  );
  const weeks = Array.from({ length: T }, (_, t) => t).filter((t) => !Number.isNaN(observed[t]));
  const coverage = [0.5, 0.8, 0.95].map((level) => {
    const lo = q((1 - level) / 2);
    const hi = q((1 + level) / 2);
    const inside = weeks.filter((t) => observed[t] >= lo[t] && observed[t] <= hi[t]).length;
    return { level, observed: inside / weeks.length };
  });
  const resid = weeks.map((t) => (observed[t] - mean[t]) / sd[t]);
  const acf = autocorrelation(resid, 8);
  const verdicts: string[] = [];
  for (const c of coverage) {
    const gap = c.observed - c.level;
    if (gap < -0.1)
      verdicts.push(
        `The ${c.level * 100}% predictive interval covers only ${(100 * c.observed).toFixed(0)}% of weeks: the model is over-confident (missing a driver, or noise that is not constant).`,
      );
    else if (gap > 0.1 && c.level < 0.95)
      verdicts.push(
        `The ${c.level * 100}% predictive interval covers ${(100 * c.observed).toFixed(0)}% of weeks: the model is under-confident (intervals wider than needed).`,
      );
  }
  if (verdicts.length === 0)
    verdicts.push(
      `Predictive intervals are calibrated: ${coverage.map((c) => `${c.level * 100}% → ${(100 * c.observed).toFixed(0)}%`).join(", ")} of weeks covered.`,
    );
  const bound = 2 / Math.sqrt(resid.length);
  if (acf[0] > bound)
    verdicts.push(
      `Residuals are autocorrelated (lag-1 correlation ${acf[0].toFixed(2)} > ${bound.toFixed(2)}): the baseline misses slow movements; consider a time-varying intercept or a changepoint trend.`,
    );
  else if (acf[0] < -bound)
    verdicts.push(
      `Residuals alternate week to week (lag-1 correlation ${acf[0].toFixed(2)} < −${bound.toFixed(2)}): a week-to-week shift the model does not capture (the timing of spend or of the KPI's recording).`,
    );
  else
    verdicts.push(
      `Residuals show no significant lag-1 autocorrelation (${acf[0].toFixed(2)}, bound ±${bound.toFixed(2)}).`,
    );
  return {
    weeks: model.data.weeks.map(formatDay),
    observed: Array.from(observed),
    mean,
    q05: q(0.05),
    q25: q(0.25),
    q75: q(0.75),
    q95: q(0.95),
    coverage,
    residualAutocorrelation: acf,
    verdicts,
  };
}

export function autocorrelation(x: number[], lags: number): number[] {
  const n = x.length;
  const m = x.reduce((a, b) => a + b, 0) / n;
  const c0 = x.reduce((s, v) => s + (v - m) ** 2, 0);
  return Array.from({ length: lags }, (_, k) => {
    let s = 0;
    for (let t = k + 1; t < n; t++) s += (x[t] - m) * (x[t - k - 1] - m);
    return c0 > 0 ? s / c0 : 0;
  });
}

/** Forecast accuracy of predictive draws on the weeks [from, to) against the observed KPI. */
export function forecastMetrics(
  pred: Float64Array[],
  observed: Float64Array,
  from: number,
  to: number,
): ForecastMetrics {
  let se = 0;
  let ape = 0;
  let sape = 0;
  let absErr = 0;
  let absObs = 0;
  let in50 = 0;
  let in90 = 0;
  let n = 0;
  for (let t = from; t < to; t++) {
    const y = observed[t];
    if (Number.isNaN(y)) continue;
    const vals = pred.map((p) => p[t]);
    const m = vals.reduce((a, b) => a + b, 0) / vals.length;
    const e = y - m;
    se += e * e;
    ape += y !== 0 ? Math.abs(e / y) : 0;
    sape += Math.abs(y) + Math.abs(m) > 0 ? (2 * Math.abs(e)) / (Math.abs(y) + Math.abs(m)) : 0;
    absErr += Math.abs(e);
    absObs += Math.abs(y);
    if (y >= quantile(vals, 0.25) && y <= quantile(vals, 0.75)) in50++;
    if (y >= quantile(vals, 0.05) && y <= quantile(vals, 0.95)) in90++;
    n++;
  }
  return {
    rmse: Math.sqrt(se / n),
    mape: ape / n,
    smape: sape / n,
    wape: absErr / absObs,
    coverage50: in50 / n,
    coverage90: in90 / n,
  };
}
