// Synthetic control for a treated aggregate, plain (simplex weights) and ridge-augmented
// (Ben-Michael, Feller & Rothstein 2021), fitted on any prefix of the history in O(n²) per fit.

import { choleskyInPlace, choleskySolve } from "../../core/linalg.js";
import { simplexLeastSquares } from "./simplex.js";

/**
 * The treated aggregate and its donors, with prefix sums of every cross-product so that a fit on
 * periods [0, s) for any s needs no pass over the data (the in-time placebos fit one per window).
 */
export interface SynthData {
  T: number;
  /** Donor count. */
  n: number;
  treated: Float64Array;
  /** Donor-major: j·T + t. */
  donors: Float64Array;
  /** prefix[(s)·(n+1)² + i·(n+1) + k] = Σ_{t<s} z_i z_k, z = (donors…, treated). */
  prefix: Float64Array;
  /** prefixSum[s·(n+1) + i] = Σ_{t<s} z_i. */
  prefixSum: Float64Array;
}

export function synthData(treated: Float64Array, donors: Float64Array, n: number, T: number): SynthData {
  const m = n + 1;
  const prefix = new Float64Array((T + 1) * m * m);
  const prefixSum = new Float64Array((T + 1) * m);
  const z = new Float64Array(m);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < n; j++) z[j] = donors[j * T + t];
    z[n] = treated[t];
    const o = t * m * m;
    const p = (t + 1) * m * m;
    for (let i = 0; i < m; i++)
      for (let k = 0; k < m; k++) prefix[p + i * m + k] = prefix[o + i * m + k] + z[i] * z[k];
    for (let i = 0; i < m; i++) prefixSum[(t + 1) * m + i] = prefixSum[t * m + i] + z[i];
  }
  return { T, n, treated, donors, prefix, prefixSum };
}

export interface SynthFit {
  /** ŷ(t) = Σ_j coef_j · donor_j(t), in KPI units. */
  coef: Float64Array;
  /** Simplex weights on the scaled donors (before augmentation). */
  weights: Float64Array;
  /** Ridge penalty of the augmentation, relative to the mean eigenvalue (Infinity: plain SCM). */
  lambda: number;
}

/** Gram matrix and cross-products of the donors and treated, each scaled by its mean over [0, s). */
function scaledGram(d: SynthData, s: number) {
  const { n } = d;
  const m = n + 1;
  const mean = new Float64Array(m);
  for (let i = 0; i < m; i++) mean[i] = d.prefixSum[s * m + i] / s;
  const g = new Float64Array(n * n);
  const b = new Float64Array(n);
  const base = s * m * m;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) g[i * n + k] = d.prefix[base + i * m + k] / (mean[i] * mean[k]);
    b[i] = d.prefix[base + i * m + n] / (mean[i] * mean[n]);
  }
  return { g, b, mean };
}

/**
 * Fits on periods [0, s). Each series is divided by its mean there, so a treated group larger than
 * any single donor can still lie in the donors' convex hull (GeoLift compares averages for the same
 * reason). `lambda` adds the ridge correction of the remaining imbalance.
 */
export function fitSynth(d: SynthData, s: number, lambda: number): SynthFit {
  const { n } = d;
  const { g, b, mean } = scaledGram(d, s);
  const w = simplexLeastSquares(g, b, n);
  const total = Float64Array.from(w);
  if (Number.isFinite(lambda)) {
    const a = ridgeCorrection(g, b, w, n, lambda);
    for (let j = 0; j < n; j++) total[j] += a[j];
  }
  const coef = new Float64Array(n);
  for (let j = 0; j < n; j++) coef[j] = (mean[n] * total[j]) / mean[j];
  return { coef, weights: w, lambda };
}

/**
 * The ridge-ASCM weight shift: regress the donors' outcomes across units on their pre-period paths
 * (centred across units), evaluated at the treated-minus-synthetic imbalance d. By the push-through
 * identity this is a = (X̃ᵀX̃ + λI)⁻¹ X̃ᵀ d on the n×n unit Gram, shifted to sum to zero.
 */
export function ridgeCorrection(
  g: Float64Array,
  b: Float64Array,
  w: Float64Array,
  n: number,
  lambda: number,
): Float64Array {
  const rowSum = new Float64Array(n);
  let all = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) rowSum[i] += g[i * n + k];
    all += rowSum[i];
  }
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) c[i * n + k] = g[i * n + k] - rowSum[i] / n - rowSum[k] / n + all / (n * n);
  // the penalty is relative to the mean eigenvalue of the centred Gram, so one scale suits any
  // fit length (the in-time placebos fit on shorter prefixes than the test itself)
  let trace = 0;
  for (let i = 0; i < n; i++) trace += c[i * n + i];
  const penalty = lambda * Math.max(trace / n, 1e-12);
  for (let i = 0; i < n; i++) c[i * n + i] += penalty;
  const gw = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) gw[i] += g[i * n + k] * w[k];
  let bBar = 0;
  let gwBar = 0;
  for (let i = 0; i < n; i++) {
    bBar += b[i] / n;
    gwBar += gw[i] / n;
  }
  const rhs = new Float64Array(n);
  for (let i = 0; i < n; i++) rhs[i] = b[i] - gw[i] - (bBar - gwBar);
  if (!choleskyInPlace(c, n)) return new Float64Array(n);
  const a = choleskySolve(c, n, rhs);
  let aBar = 0;
  for (let i = 0; i < n; i++) aBar += a[i] / n;
  for (let i = 0; i < n; i++) a[i] -= aBar;
  return a;
}

/** Σ_{t∈[from,to)} (treated − synthetic). */
export function gapSum(d: SynthData, coef: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let t = from; t < to; t++) {
    let yhat = 0;
    for (let j = 0; j < d.n; j++) yhat += coef[j] * d.donors[j * d.T + t];
    s += d.treated[t] - yhat;
  }
  return s;
}

export function syntheticSeries(d: SynthData, coef: Float64Array): Float64Array {
  const out = new Float64Array(d.T);
  for (let j = 0; j < d.n; j++) for (let t = 0; t < d.T; t++) out[t] += coef[j] * d.donors[j * d.T + t];
  return out;
}

/** Candidate penalties, relative to the mean eigenvalue of the centred unit Gram; Infinity is plain SCM. */
const LAMBDA_SCALES = [1e-3, 1e-2, 1e-1, 1, 10, Number.POSITIVE_INFINITY];

/**
 * Chooses the ridge penalty by rolling-origin CV on the pre-period: fit on [0, s), score the summed
 * gap over the next `h` periods (the quantity the test estimates), for `folds` origins.
 */
export function chooseLambda(d: SynthData, start: number, h: number, folds = 4): number {
  const origins: number[] = [];
  for (let k = 1; k <= folds; k++) {
    const s = start - k * h;
    if (s >= Math.max(2 * h, 8)) origins.push(s);
  }
  if (origins.length === 0) return Number.POSITIVE_INFINITY;
  const lambdas = LAMBDA_SCALES;
  const score = new Float64Array(lambdas.length);
  for (const s of origins) {
    const { g: gs, b: bs, mean } = scaledGram(d, s);
    const w = simplexLeastSquares(gs, bs, d.n);
    lambdas.forEach((lambda, li) => {
      const total = Float64Array.from(w);
      if (Number.isFinite(lambda)) {
        const a = ridgeCorrection(gs, bs, w, d.n, lambda);
        for (let j = 0; j < d.n; j++) total[j] += a[j];
      }
      const coef = total.map((x, j) => (mean[d.n] * x) / mean[j]);
      score[li] += gapSum(d, coef, s, s + h) ** 2;
    });
  }
  // ties go to the larger penalty: augmentation must earn its variance
  let best = lambdas.length - 1;
  for (let i = lambdas.length - 2; i >= 0; i--) if (score[i] < score[best] * 0.98) best = i;
  return lambdas[best];
}
