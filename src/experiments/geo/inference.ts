// Conformal inference for a geo test: the estimate's error is judged against the errors the same
// estimator makes where nothing happened — in earlier windows of the treated group (in time) and
// in the test window of untreated geos (in space).

import { Rng } from "../../core/rng.js";
import { fitSynth, gapSum, type SynthData, synthData, syntheticSeries } from "./synth.js";

/** The fewest training periods a placebo fit may use. */
export function minTraining(start: number, L: number): number {
  return Math.max(2 * L, 8, Math.ceil(start / 4));
}

/**
 * Errors of the estimator on every fake test window wholly inside the pre-period: fit on [0, s),
 * sum the gap over [s, s + L). Under no effect these are exchangeable with the test's own error,
 * which is what makes the interval and p-value below valid without a noise model.
 */
export function inTimePlaceboErrors(d: SynthData, start: number, L: number, lambda: number): Float64Array {
  const first = minTraining(start, L);
  const out: number[] = [];
  for (let s = first; s + L <= start; s++) out.push(gapSum(d, fitSynth(d, s, lambda).coef, s, s + L));
  return Float64Array.from(out);
}

export interface ConformalRead {
  /** Equal-tailed interval for the total lift; null when there are too few placebos for the level. */
  low: number | null;
  high: number | null;
  /** Two-sided p-value of zero lift: twice the smaller tail, by rank among the placebo errors. */
  pValue: number;
  placebos: number;
}

/**
 * Inverts the placebo ranks: lift θ is inside the interval when est − θ is not in either α/2 tail
 * of the n placebo errors (with the (n + 1) conformal correction), so `p ≤ α` ⇔ 0 is outside.
 */
export function conformalRead(estimate: number, errors: ArrayLike<number>, level: number): ConformalRead {
  const n = errors.length;
  const sorted = Float64Array.from(errors).sort();
  const alpha = 1 - level;
  const k = Math.ceil((n + 1) * (1 - alpha / 2));
  const enough = k <= n;
  let above = 0;
  let below = 0;
  for (let i = 0; i < n; i++) {
    if (sorted[i] >= estimate) above++;
    if (sorted[i] <= estimate) below++;
  }
  const pValue = Math.min(1, (2 * (1 + Math.min(above, below))) / (n + 1));
  return {
    low: enough ? estimate - sorted[k - 1] : null,
    high: enough ? estimate - sorted[n - k] : null,
    pValue,
    placebos: n,
  };
}

export interface SpacePlacebo {
  geos: number[];
  /** Post-period RMSPE over pre-period RMSPE (Abadie, Diamond & Hainmueller 2010). */
  ratio: number;
  /** Summed gap in the test window divided by the group's mean level in the pre-period. */
  relativeGap: number;
}

export interface SpaceRead {
  placebos: SpacePlacebo[];
  treatedRatio: number;
  pValue: number;
}

function rmspeRatio(d: SynthData, coef: Float64Array, start: number, end: number): number {
  const yhat = syntheticSeries(d, coef);
  let pre = 0;
  let post = 0;
  for (let t = 0; t < start; t++) pre += (d.treated[t] - yhat[t]) ** 2;
  for (let t = start; t <= end; t++) post += (d.treated[t] - yhat[t]) ** 2;
  return Math.sqrt(post / (end - start + 1)) / Math.max(Math.sqrt(pre / start), 1e-300);
}

/** Sums geo rows of a geo-major panel into one series. */
export function sumRows(y: Float64Array, T: number, rows: number[]): Float64Array {
  const out = new Float64Array(T);
  for (const g of rows) for (let t = 0; t < T; t++) out[t] += y[g * T + t];
  return out;
}

export function donorMatrix(y: Float64Array, T: number, rows: number[]): Float64Array {
  const out = new Float64Array(rows.length * T);
  rows.forEach((g, j) => {
    out.set(y.subarray(g * T, (g + 1) * T), j * T);
  });
  return out;
}

/**
 * In-space placebos: each control geo (one treated geo) or random control groups of the treated
 * group's size, read as if they were the test with the other controls as donors. The p-value
 * ranks the treated group's post/pre RMSPE ratio among theirs.
 */
export function spacePlacebos(
  y: Float64Array,
  T: number,
  treatedRatio: number,
  controls: number[],
  groupSize: number,
  w: { start: number; end: number; lambda: number; groups?: number; seed?: string },
): SpaceRead {
  const rng = new Rng(w.seed ?? "geo-space-placebos");
  const groups: number[][] =
    groupSize === 1
      ? controls.map((g) => [g])
      : Array.from({ length: w.groups ?? 40 }, () => sample(controls, groupSize, rng));
  const placebos: SpacePlacebo[] = [];
  for (const grp of groups) {
    const donors = controls.filter((g) => !grp.includes(g));
    if (donors.length < 3) continue;
    const d = synthData(sumRows(y, T, grp), donorMatrix(y, T, donors), donors.length, T);
    const fit = fitSynth(d, w.start, w.lambda);
    let level = 0;
    for (let t = 0; t < w.start; t++) level += d.treated[t] / w.start;
    placebos.push({
      geos: grp,
      ratio: rmspeRatio(d, fit.coef, w.start, w.end),
      relativeGap: gapSum(d, fit.coef, w.start, w.end + 1) / level,
    });
  }
  const atLeast = placebos.filter((p) => p.ratio >= treatedRatio).length;
  return { placebos, treatedRatio, pValue: (1 + atLeast) / (1 + placebos.length) };
}

export function treatedRmspeRatio(d: SynthData, coef: Float64Array, start: number, end: number): number {
  return rmspeRatio(d, coef, start, end);
}

function sample(pool: number[], k: number, rng: Rng): number[] {
  const a = [...pool];
  for (let i = 0; i < k; i++) {
    const j = rng.integer(i, a.length - 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k).sort((x, y) => x - y);
}
