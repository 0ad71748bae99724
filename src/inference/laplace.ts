// Laplace approximation at a mode: N(mode, (−∇²log p)⁻¹), with the Hessian from central finite
// differences of the analytic gradient and a scale-aware ridge when it is not negative definite.

import { symmetricEigenvalues } from "../core/eigen.js";
import { choleskyInPlace } from "../core/linalg.js";
import type { Rng } from "../core/rng.js";
import type { LogDensity } from "./nuts.js";

export interface LaplaceOptions {
  /** Relative finite-difference step: h_i = relStep · max(1, |x_i|). */
  relStep?: number;
}

export interface LaplaceApproximation {
  dim: number;
  mean: Float64Array;
  /** Row-major dim×dim covariance (inverse of the possibly regularised precision). */
  covariance: Float64Array;
  /** Lower Cholesky factor of `covariance`, row-major. */
  chol: Float64Array;
  /** Row-major precision −∇²log p actually inverted (after any regularisation). */
  precision: Float64Array;
  logDetCov: number;
  /** λ_max / λ_min of the precision before regularisation; +∞ when it is not positive definite. */
  hessianCondition: number;
  /** Smallest eigenvalue of the unregularised precision (≤ 0 means the mode is not a strict maximum). */
  minEigenvalue: number;
  /** True when a ridge had to be added to make the precision positive definite. */
  regularized: boolean;
  /** The ridge: the precision inverted is P + ridge·diag(s), s_i = P_ii (or the median P_ii where P_ii ≤ 0). */
  ridge: number;
  /** Log-density evaluations spent on the Hessian. */
  evaluations: number;
}

/**
 * The symmetrised Hessian of log p at x by central differences of the gradient, row-major.
 * Where one side of a difference leaves the support, the one-sided difference is used instead.
 */
export function finiteDifferenceHessian(
  logDensity: LogDensity,
  x: Float64Array,
  relStep = 1e-5,
): Float64Array {
  const n = x.length;
  const h = new Float64Array(n * n);
  const g0 = new Float64Array(n);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  const xt = Float64Array.from(x);
  if (!Number.isFinite(logDensity(xt, g0))) throw new Error("laplace: log density is not finite at the mode");
  for (let i = 0; i < n; i++) {
    const step = relStep * Math.max(1, Math.abs(x[i]));
    xt[i] = x[i] + step;
    const okP = Number.isFinite(logDensity(xt, gp)) && gp.every(Number.isFinite);
    xt[i] = x[i] - step;
    const okM = Number.isFinite(logDensity(xt, gm)) && gm.every(Number.isFinite);
    xt[i] = x[i];
    if (!okP && !okM)
      throw new Error(`laplace: log density not finite on either side of the mode in coordinate ${i}`);
    // row i holds ∂g_j/∂x_i; symmetrised below
    for (let j = 0; j < n; j++) {
      h[i * n + j] =
        okP && okM ? (gp[j] - gm[j]) / (2 * step) : okP ? (gp[j] - g0[j]) / step : (g0[j] - gm[j]) / step;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (h[i * n + j] + h[j * n + i]);
      h[i * n + j] = v;
      h[j * n + i] = v;
    }
  }
  return h;
}

/** Inverse of an SPD matrix from its lower Cholesky factor L: (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹. */
function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  // W = L⁻¹ (lower triangular), by forward substitution column by column
  const w = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    w[c * n + c] = 1 / l[c * n + c];
    for (let i = c + 1; i < n; i++) {
      let s = 0;
      for (let k = c; k < i; k++) s -= l[i * n + k] * w[k * n + c];
      w[i * n + c] = s / l[i * n + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += w[k * n + i] * w[k * n + j];
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  return inv;
}

/**
 * Laplace approximation of the density `logDensity` at `mode` (which should be a maximum, e.g.
 * from `maximize`). If −∇²log p is not positive definite there (a saddle, a flat direction, or
 * finite-difference noise), a ridge proportional to each parameter's own curvature is added,
 * doubling until the Cholesky factorisation succeeds; `regularized` then reports it.
 */
export function laplace(
  logDensity: LogDensity,
  mode: Float64Array,
  opts: LaplaceOptions = {},
): LaplaceApproximation {
  const n = mode.length;
  const hess = finiteDifferenceHessian(logDensity, mode, opts.relStep ?? 1e-5);
  const prec = hess.map((v) => -v);
  const ev = symmetricEigenvalues(prec, n);
  const minEigenvalue = ev[0];
  const hessianCondition = ev[0] > 0 ? ev[n - 1] / ev[0] : Number.POSITIVE_INFINITY;

  // scale-aware ridge: each coordinate is nudged relative to its own curvature (a ridge on the
  // correlation-scaled precision), so the fix does not swamp tightly identified parameters when a
  // loosely identified one is flat; a coordinate without positive curvature of its own is scaled
  // by the typical (median) curvature instead
  const positive: number[] = [];
  for (let i = 0; i < n; i++) if (prec[i * n + i] > 0) positive.push(prec[i * n + i]);
  positive.sort((a, b) => a - b);
  const typical = positive.length > 0 ? positive[positive.length >> 1] : 1;
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const pii = prec[i * n + i];
    scale[i] = pii > 0 ? Math.max(pii, 1e-12 * typical) : typical;
  }
  const l = new Float64Array(n * n);
  let ridge = 0;
  for (;;) {
    l.set(prec);
    for (let i = 0; i < n; i++) l[i * n + i] += ridge * scale[i];
    if (choleskyInPlace(l, n)) break;
    ridge = ridge === 0 ? 1e-10 : ridge * 2;
    if (ridge > 1e12) throw new Error("laplace: could not regularise the Hessian to positive definite");
  }
  const precision = Float64Array.from(prec);
  for (let i = 0; i < n; i++) precision[i * n + i] += ridge * scale[i];
  let logDetPrec = 0;
  for (let i = 0; i < n; i++) logDetPrec += 2 * Math.log(l[i * n + i]);
  const covariance = inverseFromCholesky(l, n);
  const chol = Float64Array.from(covariance);
  // the product L⁻ᵀL⁻¹ is SPD in exact arithmetic; rounding can break that only when the
  // precision is near-singular, and then a relative jitter of a few ulps restores it
  let jitter = 0;
  while (!choleskyInPlace(chol, n)) {
    jitter = jitter === 0 ? 1e-14 : jitter * 10;
    if (jitter > 1e-6) throw new Error("laplace: covariance is numerically singular");
    for (let i = 0; i < n; i++) covariance[i * n + i] *= 1 + jitter;
    chol.set(covariance);
  }
  return {
    dim: n,
    mean: Float64Array.from(mode),
    covariance,
    chol,
    precision,
    logDetCov: -logDetPrec,
    hessianCondition,
    minEigenvalue,
    regularized: ridge > 0,
    ridge,
    evaluations: 2 * n + 1,
  };
}

/** `n` draws from N(mean, covariance), row-major n×dim. */
export function laplaceDraws(approx: LaplaceApproximation, n: number, rng: Rng): Float64Array {
  const d = approx.dim;
  const { mean, chol } = approx;
  const out = new Float64Array(n * d);
  const z = new Float64Array(d);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < d; i++) z[i] = rng.normal();
    const row = k * d;
    for (let i = 0; i < d; i++) {
      let s = mean[i];
      for (let j = 0; j <= i; j++) s += chol[i * d + j] * z[j];
      out[row + i] = s;
    }
  }
  return out;
}
