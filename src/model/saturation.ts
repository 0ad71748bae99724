// Saturation (diminishing returns) families: each maps effective exposure x ≥ 0 to a response in
// [0, 1), zero at zero and increasing; the channel coefficient scales it to KPI units.

import type { Prior } from "./priors.js";

export type SaturationSpec =
  | { type: "hill"; halfSaturation: number; slope: number }
  | { type: "logistic"; lambda: number }
  | { type: "michaelis_menten"; halfSaturation: number }
  | { type: "tanh"; scale: number };

export type SaturationType = SaturationSpec["type"];

export function saturate(x: number, spec: SaturationSpec): number {
  if (x <= 0) return 0;
  switch (spec.type) {
    case "hill": {
      // x^n / (x^n + K^n) written as 1 / (1 + (K/x)^n) to stay finite for large n
      return 1 / (1 + (spec.halfSaturation / x) ** spec.slope);
    }
    case "logistic": {
      const e = Math.exp(-spec.lambda * x);
      return (1 - e) / (1 + e);
    }
    case "michaelis_menten":
      return x / (x + spec.halfSaturation);
    case "tanh":
      return Math.tanh(x / spec.scale);
  }
}

/** d saturate / dx, in closed form. */
export function saturateDerivative(x: number, spec: SaturationSpec): number {
  if (x < 0) return 0;
  switch (spec.type) {
    case "hill": {
      if (x === 0)
        return spec.slope === 1 ? 1 / spec.halfSaturation : spec.slope > 1 ? 0 : Number.POSITIVE_INFINITY;
      // n·r / (x·(1+r)²) with r = (K/x)^n, written so that r → ∞ or r → 0 gives 0, not ∞/∞
      const r = (spec.halfSaturation / x) ** spec.slope;
      if (!Number.isFinite(r) || r === 0) return 0;
      return spec.slope / (x * (1 / r + 2 + r));
    }
    case "logistic": {
      const e = Math.exp(-spec.lambda * x);
      return (2 * spec.lambda * e) / (1 + e) ** 2;
    }
    case "michaelis_menten":
      return spec.halfSaturation / (x + spec.halfSaturation) ** 2;
    case "tanh": {
      const c = Math.cosh(x / spec.scale);
      return 1 / (spec.scale * c * c);
    }
  }
}

export function saturateSeries(x: ArrayLike<number>, spec: SaturationSpec, out?: Float64Array): Float64Array {
  const y = out ?? new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = saturate(x[i], spec);
  return y;
}

/** The parameters each saturation family estimates (exposure in units of its average active level). */
export const SATURATION_PARAMS: Record<SaturationType, { name: string; prior: Prior; about: string }[]> = {
  hill: [
    {
      name: "half_saturation",
      prior: { dist: "lognormal", mu: 0, sigma: 0.7 },
      about: "exposure (× the average) at which half the maximum effect is reached",
    },
    {
      name: "slope",
      prior: { dist: "lognormal", mu: 0.2, sigma: 0.5 },
      about: "> 1 is S-shaped, ≤ 1 concave",
    },
  ],
  logistic: [
    {
      name: "lambda",
      prior: { dist: "lognormal", mu: 0, sigma: 0.7 },
      about: "curvature: larger saturates sooner",
    },
  ],
  michaelis_menten: [
    {
      name: "half_saturation",
      prior: { dist: "lognormal", mu: 0, sigma: 0.7 },
      about: "exposure at half the maximum effect",
    },
  ],
  tanh: [
    {
      name: "scale",
      prior: { dist: "lognormal", mu: 0, sigma: 0.7 },
      about: "exposure where the curve bends",
    },
  ],
};

export function saturationSpec(type: SaturationType, v: ArrayLike<number>): SaturationSpec {
  switch (type) {
    case "hill":
      return { type, halfSaturation: v[0], slope: v[1] };
    case "logistic":
      return { type, lambda: v[0] };
    case "michaelis_menten":
      return { type, halfSaturation: v[0] };
    case "tanh":
      return { type, scale: v[0] };
  }
}

/** Derivatives of saturate(x) with respect to the family's parameters, written into `out`. */
export function saturateParamGradient(x: number, spec: SaturationSpec, out: Float64Array): void {
  if (x <= 0) {
    out.fill(0);
    return;
  }
  switch (spec.type) {
    case "hill": {
      const K = spec.halfSaturation;
      const n = spec.slope;
      const r = (K / x) ** n;
      if (!Number.isFinite(r) || r === 0) {
        out[0] = 0;
        out[1] = 0;
        return;
      }
      const q = 1 / (1 / r + 2 + r); // r / (1 + r)²
      out[0] = (-n * q) / K;
      out[1] = -q * Math.log(K / x);
      return;
    }
    case "logistic": {
      const e = Math.exp(-spec.lambda * x);
      out[0] = (2 * x * e) / (1 + e) ** 2;
      return;
    }
    case "michaelis_menten":
      out[0] = -x / (x + spec.halfSaturation) ** 2;
      return;
    case "tanh": {
      const c = Math.cosh(x / spec.scale);
      out[0] = -x / (spec.scale * spec.scale * c * c);
      return;
    }
  }
}

/**
 * One pass of a saturation family at exposure x with parameters (p0, p1): writes
 * [s, ds/dx, ds/dp0, ds/dp1] into `out`. Fused so the hot loop pays one log and one exp per week.
 */
export function saturationKernel(type: SaturationType): (x: number, p0: number, p1: number, out: Float64Array) => void {
  switch (type) {
    case "hill":
      return (x, K, n, out) => {
        if (x <= 0) {
          out.fill(0);
          return;
        }
        const logRatio = Math.log(K / x);
        const r = Math.exp(n * logRatio);
        if (!Number.isFinite(r)) {
          out.fill(0);
          return;
        }
        const s = 1 / (1 + r);
        const q = s * (1 - s); // r / (1 + r)²
        out[0] = s;
        out[1] = (n * q) / x;
        out[2] = (-n * q) / K;
        out[3] = -q * logRatio;
      };
    case "logistic":
      return (x, lambda, _p1, out) => {
        if (x <= 0) {
          out.fill(0);
          return;
        }
        const e = Math.exp(-lambda * x);
        const den = (1 + e) * (1 + e);
        out[0] = (1 - e) / (1 + e);
        out[1] = (2 * lambda * e) / den;
        out[2] = (2 * x * e) / den;
        out[3] = 0;
      };
    case "michaelis_menten":
      return (x, K, _p1, out) => {
        if (x <= 0) {
          out.fill(0);
          return;
        }
        const den = (x + K) * (x + K);
        out[0] = x / (x + K);
        out[1] = K / den;
        out[2] = -x / den;
        out[3] = 0;
      };
    case "tanh":
      return (x, c, _p1, out) => {
        if (x <= 0) {
          out.fill(0);
          return;
        }
        const th = Math.tanh(x / c);
        const sech2 = 1 - th * th;
        out[0] = th;
        out[1] = sech2 / c;
        out[2] = (-x * sech2) / (c * c);
        out[3] = 0;
      };
  }
}
