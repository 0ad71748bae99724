// Adstock (carryover) families: each maps a spend series to an effective-exposure series by a
// finite convolution with lag weights. Weights are normalised to sum to 1 by default so the
// adstocked series stays in spend units (a week's spend is spread over the following weeks).

import type { Prior } from "./priors.js";

export type AdstockSpec =
  | { type: "geometric"; alpha: number; maxLag: number; normalize?: boolean }
  | { type: "delayed_geometric"; alpha: number; delay: number; maxLag: number; normalize?: boolean }
  | { type: "weibull_cdf"; shape: number; scale: number; maxLag: number; normalize?: boolean }
  | { type: "weibull_pdf"; shape: number; scale: number; maxLag: number; normalize?: boolean };

export type AdstockType = AdstockSpec["type"];

/** Lag weights w[0..maxLag-1] of an adstock family, before normalisation. */
function rawWeights(spec: AdstockSpec): Float64Array {
  const w = new Float64Array(spec.maxLag);
  for (let l = 0; l < spec.maxLag; l++) {
    switch (spec.type) {
      case "geometric":
        w[l] = spec.alpha ** l;
        break;
      case "delayed_geometric":
        // peak at lag `delay`, decaying geometrically in squared distance from it
        w[l] = spec.alpha ** ((l - spec.delay) ** 2);
        break;
      case "weibull_cdf":
        // survival function of a Weibull: 1 at lag 0, shape sets how the decay accelerates
        w[l] = Math.exp(-((l / spec.scale) ** spec.shape));
        break;
      case "weibull_pdf": {
        // density at l + 1 (avoids the singularity at 0 for shape < 1); shape > 1 gives a delayed peak
        const x = (l + 1) / spec.scale;
        w[l] = (spec.shape / spec.scale) * x ** (spec.shape - 1) * Math.exp(-(x ** spec.shape));
        break;
      }
    }
  }
  return w;
}

export function adstockWeights(spec: AdstockSpec): Float64Array {
  const w = rawWeights(spec);
  if (spec.normalize ?? true) {
    let s = 0;
    for (let l = 0; l < w.length; l++) s += w[l];
    if (s > 0) for (let l = 0; l < w.length; l++) w[l] /= s;
  }
  return w;
}

/** y[t] = Σ_l w[l]·x[t−l], with no spend before the first week. Writes into `out` if given. */
export function applyAdstock(x: ArrayLike<number>, weights: Float64Array, out?: Float64Array): Float64Array {
  const y = out ?? new Float64Array(x.length);
  adstockInto(x, weights, weights.length, y, 0, x.length);
  return y;
}

/**
 * a[off + t] = Σ_{l ≤ min(t, L−1)} w_l·x[off + t − l] for t < T: the truncated adstock of one
 * series of T weeks starting at `off` (one geo of a geo-major array), no spend before its first
 * week. The head (t < L − 1) is split off so the body's inner loop has a fixed length.
 */
export function adstockInto(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  L: number,
  a: Float64Array,
  off: number,
  T: number,
): void {
  const head = Math.min(L - 1, T);
  for (let t = 0; t < head; t++) {
    let s = 0;
    for (let l = 0; l <= t; l++) s += w[l] * x[off + t - l];
    a[off + t] = s;
  }
  for (let t = head; t < T; t++) {
    let s = 0;
    for (let l = 0; l < L; l++) s += w[l] * x[off + t - l];
    a[off + t] = s;
  }
}

export function adstock(x: ArrayLike<number>, spec: AdstockSpec): Float64Array {
  return applyAdstock(x, adstockWeights(spec));
}

/** The parameters each adstock family estimates, their support and default prior. */
export const ADSTOCK_PARAMS: Record<
  AdstockType,
  { name: string; support: "unit" | "positive" | "lag"; prior: Prior; about: string }[]
> = {
  geometric: [
    {
      name: "alpha",
      support: "unit",
      prior: { dist: "beta", alpha: 2, beta: 3 },
      about: "share of a week's effect carried to the next week",
    },
  ],
  delayed_geometric: [
    {
      name: "alpha",
      support: "unit",
      prior: { dist: "beta", alpha: 2, beta: 2 },
      about: "decay around the peak",
    },
    {
      name: "delay",
      support: "lag",
      prior: { dist: "beta", alpha: 1.5, beta: 3 },
      about: "lag of the peak effect, as a fraction of max_lag − 1",
    },
  ],
  weibull_cdf: [
    {
      name: "shape",
      support: "positive",
      prior: { dist: "lognormal", mu: 0, sigma: 0.5 },
      about: "how the decay accelerates (1 = geometric)",
    },
    {
      name: "scale",
      support: "positive",
      prior: { dist: "lognormal", mu: 0.7, sigma: 0.5 },
      about: "weeks until the effect has decayed to 1/e",
    },
  ],
  weibull_pdf: [
    {
      name: "shape",
      support: "positive",
      prior: { dist: "lognormal", mu: 0.4, sigma: 0.5 },
      about: "> 1 gives a delayed peak",
    },
    {
      name: "scale",
      support: "positive",
      prior: { dist: "lognormal", mu: 0.9, sigma: 0.5 },
      about: "weeks around which the effect peaks and fades",
    },
  ],
};

/** Builds an adstock spec from a family, its parameter values (in ADSTOCK_PARAMS order) and lags. */
export function adstockSpec(
  type: AdstockType,
  values: ArrayLike<number>,
  maxLag: number,
  normalize = true,
): AdstockSpec {
  switch (type) {
    case "geometric":
      return { type, alpha: values[0], maxLag, normalize };
    case "delayed_geometric":
      return { type, alpha: values[0], delay: values[1] * (maxLag - 1), maxLag, normalize };
    case "weibull_cdf":
    case "weibull_pdf":
      return { type, shape: values[0], scale: values[1], maxLag, normalize };
  }
}

/**
 * Weights of an adstock spec into `w`, and into `dw` (row-major [param][lag]) the derivative of
 * each weight with respect to each family parameter (ADSTOCK_PARAMS order, delay in its unit
 * scale). Returns false when the raw weights vanish (parameters far outside their priors).
 */
export function adstockWeightsWithGradient(spec: AdstockSpec, w: Float64Array, dw: Float64Array): boolean {
  const L = spec.maxLag;
  // raw weights and their derivatives
  for (let l = 0; l < L; l++) {
    switch (spec.type) {
      case "geometric": {
        const a = spec.alpha;
        w[l] = a ** l;
        dw[l] = l === 0 ? 0 : l * a ** (l - 1);
        break;
      }
      case "delayed_geometric": {
        const a = spec.alpha;
        const d = l - spec.delay;
        const v = a ** (d * d);
        w[l] = v;
        dw[l] = d * d === 0 ? 0 : d * d * a ** (d * d - 1);
        // d/d(delay fraction) = d/d(delay) · (L − 1)
        dw[L + l] = -v * Math.log(a) * 2 * d * (L - 1);
        break;
      }
      case "weibull_cdf": {
        const k = spec.shape;
        const lam = spec.scale;
        if (l === 0) {
          w[l] = 1;
          dw[l] = 0;
          dw[L + l] = 0;
          break;
        }
        const r = (l / lam) ** k;
        const v = Math.exp(-r);
        w[l] = v;
        dw[l] = -v * r * Math.log(l / lam);
        dw[L + l] = (v * r * k) / lam;
        break;
      }
      case "weibull_pdf": {
        const k = spec.shape;
        const lam = spec.scale;
        const x = (l + 1) / lam;
        const xk = x ** k;
        const v = (k / lam) * x ** (k - 1) * Math.exp(-xk);
        w[l] = v;
        dw[l] = v * (1 / k + Math.log(x) - xk * Math.log(x));
        dw[L + l] = v * (k / lam) * (xk - 1);
        break;
      }
    }
  }
  if (!(spec.normalize ?? true)) return true;
  let s = 0;
  for (let l = 0; l < L; l++) s += w[l];
  if (!(s > 0) || !Number.isFinite(s)) return false;
  const nParams = spec.type === "geometric" ? 1 : 2;
  for (let p = 0; p < nParams; p++) {
    // d(w_l / S)/dθ = (dw_l − w̃_l · Σ_j dw_j) / S
    let ds = 0;
    for (let l = 0; l < L; l++) ds += dw[p * L + l];
    for (let l = 0; l < L; l++) dw[p * L + l] = (dw[p * L + l] - (w[l] / s) * ds) / s;
  }
  for (let l = 0; l < L; l++) w[l] /= s;
  return true;
}
