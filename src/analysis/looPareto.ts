// Pareto-smoothed importance sampling of one column of log importance ratios, step for step as R's
// loo 2.5.1 (do_psis_i, psis_smooth_tail, gpdfit, qgpd): Vehtari, Simpson, Gelman, Yao & Gabry (2024).

import { accurateMean, accurateSum } from "../core/accurate.js";

/**
 * log Σ exp(xs[i]) as matrixStats::logSumExp: the largest term is left out of the sum and added
 * back through log1p, which keeps full precision when one term dominates. NaN if any term is NaN.
 */
export function logSumExp(xs: ArrayLike<number>, len = xs.length): number {
  if (len === 0) return Number.NEGATIVE_INFINITY;
  let iMax = 0;
  let xMax = xs[0];
  for (let i = 0; i < len; i++) {
    const x = xs[i];
    if (Number.isNaN(x)) return Number.NaN;
    if (x > xMax) {
      xMax = x;
      iMax = i;
    }
  }
  if (xMax === Number.POSITIVE_INFINITY || xMax === Number.NEGATIVE_INFINITY) return xMax;
  let s = 0;
  let c = 0;
  for (let i = 0; i < len; i++) {
    if (i === iMax) continue;
    const x = Math.exp(xs[i] - xMax);
    const t = s + x;
    c += s >= x ? s - t + x : x - t + s;
    s = t;
  }
  return xMax + Math.log1p(s + c);
}

// ---------------------------------------------------------------------------------------------
// Generalized Pareto distribution

export interface ParetoFit {
  /** Shape ξ (loo's k); Inf when the fit failed (loo turns a NaN k into Inf). */
  k: number;
  /** Scale σ, computed from the shape before the prior adjustment (as loo does). */
  sigma: number;
}

/** Scratch space for gpdFit, sized for tails of up to `maxLength` values. */
export class ParetoFitWorkspace {
  readonly theta: Float64Array;
  readonly logLik: Float64Array;
  readonly terms: Float64Array;

  constructor(maxLength: number) {
    const m = 30 + Math.floor(Math.sqrt(maxLength));
    this.theta = new Float64Array(m);
    this.logLik = new Float64Array(m);
    // Holds the n log1p terms and, later, the m grid weights.
    this.terms = new Float64Array(Math.max(maxLength, m));
  }
}

/**
 * Zhang & Stephens (2009) empirical-Bayes fit of a generalized Pareto distribution to the
 * exceedances x[0..len) (sorted ascending, location 0), with loo's weakly informative prior that
 * shrinks k towards 0.5 as if 10 more observations had k = 0.5: k ← (k·n + 10·0.5)/(n + 10).
 * The posterior mean of θ = −k/σ is taken over 30 + ⌊√n⌋ grid points of the profile likelihood.
 */
export function gpdFit(x: ArrayLike<number>, len: number, ws = new ParetoFitWorkspace(len)): ParetoFit {
  const prior = 3;
  const m = 30 + Math.floor(Math.sqrt(len));
  const xStar = x[Math.floor(len / 4 + 0.5) - 1];
  const xMax = x[len - 1];
  const { theta, logLik, terms } = ws;
  for (let j = 0; j < m; j++) {
    // R: 1/x[N] + (1 - sqrt(M/(jj - 0.5)))/prior/xstar, left to right
    theta[j] = 1 / xMax + (1 - Math.sqrt(m / (j + 1 - 0.5))) / prior / xStar;
    // Profile log-likelihood of θ (loo's lx): with a = −θ and k = mean(log1p(a x)), log(a/k) − k − 1.
    const a = -theta[j];
    for (let i = 0; i < len; i++) terms[i] = Math.log1p(a * x[i]);
    const k = accurateMean(terms, len);
    logLik[j] = len * (Math.log(a / k) - k - 1);
  }
  const norm = logSumExp(logLik, m);
  for (let j = 0; j < m; j++) terms[j] = theta[j] * Math.exp(logLik[j] - norm);
  const thetaHat = accurateSum(terms, m);
  for (let i = 0; i < len; i++) terms[i] = Math.log1p(-thetaHat * x[i]);
  let k = accurateMean(terms, len);
  const sigma = -k / thetaHat;
  const a = 10;
  k = (k * len) / (len + a) + (a * 0.5) / (len + a);
  return { k: Number.isNaN(k) ? Number.POSITIVE_INFINITY : k, sigma };
}

/** Quantile function of the generalized Pareto distribution (location 0), as loo's qgpd. */
export function gpdQuantile(p: number, k: number, sigma: number): number {
  if (Number.isNaN(sigma) || sigma <= 0) return Number.NaN;
  // k = 0 (exponential) is the limit; loo would divide 0 by 0 there.
  if (k === 0) return -sigma * Math.log1p(-p);
  return (sigma * Math.expm1(-k * Math.log1p(-p))) / k;
}

// ---------------------------------------------------------------------------------------------
// One column

/** Why a column's k is what it is: loo reports Inf for the last three. */
export type ParetoTailStatus = "smoothed" | "tail_too_short" | "tail_constant" | "fit_failed";

/** loo's n_pareto: ⌈min(0.2·S, 3·√(S/r_eff))⌉ draws in the tail. */
export function paretoTailLength(rEff: number, draws: number): number {
  return Math.ceil(Math.min(0.2 * draws, 3 * Math.sqrt(draws / rEff)));
}

/** Reusable buffers for psisSmoothColumn over many columns of the same length. */
export class PsisWorkspace {
  readonly sorted: Float64Array;
  readonly order: Int32Array;
  readonly exceedances: Float64Array;
  readonly fit: ParetoFitWorkspace;

  constructor(draws: number, maxTail = Math.ceil(0.2 * draws)) {
    this.sorted = new Float64Array(draws);
    this.order = new Int32Array(draws);
    this.exceedances = new Float64Array(maxTail);
    this.fit = new ParetoFitWorkspace(maxTail);
  }
}

export interface PsisColumnResult {
  k: number;
  status: ParetoTailStatus;
}

/**
 * Pareto-smooths the log importance ratios `logRatios` into `logWeights` (unnormalised, may be
 * the same array): the largest `tailLength` ratios are replaced by the expected order statistics
 * of the GPD fitted to them, then every weight is truncated at the largest raw weight. This is
 * loo's do_psis_i. loo 2.5.1 truncates at the largest raw weight; the S^(3/4)·mean rule was loo 1.x's
 * psislw (the 2015 preprint), and loo's "tis" method truncates at √S·mean instead.
 */
export function psisSmoothColumn(
  logRatios: ArrayLike<number>,
  tailLength: number,
  logWeights: Float64Array,
  ws: PsisWorkspace,
): PsisColumnResult {
  const s = logWeights.length;
  let maxRatio = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < s; i++) if (logRatios[i] > maxRatio) maxRatio = logRatios[i];
  for (let i = 0; i < s; i++) logWeights[i] = logRatios[i] - maxRatio;
  let k = Number.POSITIVE_INFINITY;
  let status: ParetoTailStatus = "tail_too_short";
  if (tailLength >= 5) {
    const sorted = ws.sorted;
    sorted.set(logWeights);
    sorted.sort();
    const first = s - tailLength;
    if (Math.abs(sorted[s - 1] - sorted[first]) < Number.EPSILON / 100) {
      status = "tail_constant";
    } else {
      const cutoff = sorted[first - 1];
      const expCutoff = Math.exp(cutoff);
      const x = ws.exceedances;
      for (let j = 0; j < tailLength; j++) x[j] = Math.exp(sorted[first + j]) - expCutoff;
      const fit = gpdFit(x, tailLength, ws.fit);
      k = fit.k;
      status = "fit_failed";
      if (Number.isFinite(k)) {
        status = "smoothed";
        // The tail draws in loo's order: sort.int is stable, so equal values keep their draw order
        // and the later draws of a tie straddling the cutoff are the ones in the tail.
        const order = ws.order;
        let c = 0;
        for (let i = 0; i < s; i++) if (logWeights[i] >= cutoff) order[c++] = i;
        const lw = logWeights;
        const candidates = order.subarray(0, c).sort((a, b) => lw[a] - lw[b] || a - b);
        const offset = c - tailLength;
        for (let j = 0; j < tailLength; j++) {
          const q = gpdQuantile((j + 1 - 0.5) / tailLength, k, fit.sigma) + expCutoff;
          // A non-positive scale cannot occur for a proper fit; keep the raw tail rather than NaN.
          if (!Number.isNaN(q)) lw[candidates[offset + j]] = Math.log(q);
        }
      }
    }
  }
  for (let i = 0; i < s; i++) {
    if (logWeights[i] > 0) logWeights[i] = 0;
    logWeights[i] += maxRatio;
  }
  return { k, status };
}
