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

/**
 * The parameters each saturation family estimates in the model. Every family is parameterised by
 * its saturation at the channel's average active exposure, s(1) ∈ (0, 1): how much of the
 * maximum effect the average week already reaches. Hill adds its slope. With exposure scaled to
 * its average, this makes families comparable and, with the effect at average exposure as the
 * coefficient, leaves the data's best-identified quantity (the elasticity at the average,
 * n·(1 − s(1)) for Hill) nearly linear in the unconstrained parameters.
 */
/** Prior of every family's saturation at average exposure (see SATURATION_PARAMS). */
export const SATURATION_LEVEL_PRIOR: Prior = { dist: "beta", alpha: 2, beta: 2 };

export const SATURATION_PARAMS: Record<
  SaturationType,
  { name: string; support: "unit" | "positive"; prior: Prior; about: string }[]
> = {
  hill: [
    {
      name: "saturation",
      support: "unit",
      prior: SATURATION_LEVEL_PRIOR,
      about: "share of the maximum effect reached at average exposure",
    },
    {
      name: "slope",
      support: "positive",
      prior: { dist: "lognormal", mu: 0, sigma: 0.5 },
      about: "> 1 is S-shaped, ≤ 1 concave",
    },
  ],
  logistic: [
    {
      name: "saturation",
      support: "unit",
      prior: SATURATION_LEVEL_PRIOR,
      about: "share of the maximum effect reached at average exposure",
    },
  ],
  michaelis_menten: [
    {
      name: "saturation",
      support: "unit",
      prior: SATURATION_LEVEL_PRIOR,
      about: "share of the maximum effect reached at average exposure",
    },
  ],
  tanh: [
    {
      name: "saturation",
      support: "unit",
      prior: SATURATION_LEVEL_PRIOR,
      about: "share of the maximum effect reached at average exposure",
    },
  ],
};

/** The family's native parameters from its saturation at average exposure s1 (and Hill's slope n). */
export function saturationSpec(type: SaturationType, s1: number, n = 1): SaturationSpec {
  switch (type) {
    case "hill":
      // s(1) = 1 / (1 + K^n)  ⇒  K = ((1 − s1)/s1)^(1/n)
      return { type, halfSaturation: ((1 - s1) / s1) ** (1 / n), slope: n };
    case "logistic":
      // s(1) = tanh(λ/2)
      return { type, lambda: 2 * Math.atanh(s1) };
    case "michaelis_menten":
      return { type, halfSaturation: (1 - s1) / s1 };
    case "tanh":
      return { type, scale: 1 / Math.atanh(s1) };
  }
}

/**
 * The saturation value alone, s(x) with s(1) = s1 (and Hill's slope n): the planner evaluates
 * it millions of times per plan and needs no derivatives. Agrees with `saturationKernel`'s out[0].
 */
export function saturationValue(type: SaturationType): (x: number, s1: number, n: number) => number {
  switch (type) {
    case "hill":
      // 1/(1 + κ·x^(−n)) with κ = (1 − s1)/s1; x^(−n) overflowing to ∞ gives 0, the right limit
      return (x, s1, n) => (x > 0 ? 1 / (1 + ((1 - s1) / s1) * Math.exp(-n * Math.log(x))) : 0);
    case "logistic":
    case "tanh":
      return (x, s1) => (x > 0 ? Math.tanh(x * Math.atanh(s1)) : 0);
    case "michaelis_menten":
      return (x, s1) => (x > 0 ? x / (x + (1 - s1) / s1) : 0);
  }
}

/**
 * One pass of a saturation family at exposure x, parameterised by s1 = s(1) (and Hill's slope n):
 * writes [s, ds/dx, ds/ds1, ds/dn] into `out`. Fused so the hot loop pays one log and one exp.
 */
export function saturationKernel(
  type: SaturationType,
): (x: number, s1: number, n: number, out: Float64Array) => void {
  switch (type) {
    case "hill":
      return (x, s1, n, out) => {
        if (x <= 0) {
          out.fill(0);
          return;
        }
        // r = (K/x)^n = κ·x^(−n) with κ = K^n = (1 − s1)/s1
        const logX = Math.log(x);
        const r = ((1 - s1) / s1) * Math.exp(-n * logX);
        if (!Number.isFinite(r)) {
          out.fill(0);
          return;
        }
        const s = 1 / (1 + r);
        const q = s * (1 - s);
        out[0] = s;
        out[1] = (n * q) / x;
        out[2] = q / (s1 * (1 - s1));
        out[3] = q * logX;
      };
    case "logistic":
    case "tanh":
      // tanh(x·atanh(s1)): the logistic (1 − e^(−λx))/(1 + e^(−λx)) is tanh(λx/2)
      return (x, s1, _n, out) => {
        if (x <= 0) {
          out.fill(0);
          return;
        }
        const h = Math.atanh(s1);
        const th = Math.tanh(x * h);
        const sech2 = 1 - th * th;
        out[0] = th;
        out[1] = sech2 * h;
        out[2] = (sech2 * x) / (1 - s1 * s1);
        out[3] = 0;
      };
    case "michaelis_menten":
      return (x, s1, _n, out) => {
        if (x <= 0) {
          out.fill(0);
          return;
        }
        const K = (1 - s1) / s1;
        const den = (x + K) * (x + K);
        out[0] = x / (x + K);
        out[1] = K / den;
        out[2] = x / (den * s1 * s1);
        out[3] = 0;
      };
  }
}

/** Per-cell outputs of a saturation pass: s, ds/dx, ds/ds1 and ds/dn per geo-week. */
export interface SaturationCache {
  sat: Float64Array;
  satDx: Float64Array;
  satDs1: Float64Array;
  satDn: Float64Array;
}

/**
 * `saturationKernel` over a run of cells [from, to) of an exposure series: the sampler's hot loop.
 * Returns Σ s over [from, sumTo), the cells the model centres on. With `mu`, also adds coef·s to
 * mu per cell, so the media term needs no second pass over the cells. Hill is written out so its
 * per-channel constants (κ = (1 − s1)/s1 and 1/(s1(1 − s1))) cost two divisions per channel
 * instead of per cell; the other families go through their kernel.
 */
export function saturationPass(
  type: SaturationType,
): (
  a: Float64Array,
  s1: number,
  n: number,
  out: SaturationCache,
  from: number,
  to: number,
  sumTo?: number,
  mu?: Float64Array,
  coef?: number,
) => number {
  if (type === "hill")
    return (a, s1, n, out, from, to, sumTo = to, mu, coef = 0) => {
      const kappa = (1 - s1) / s1;
      const dS1 = 1 / (s1 * (1 - s1));
      const { sat, satDx, satDs1, satDn } = out;
      let sum = 0;
      for (let i = from; i < to; i++) {
        const x = a[i];
        // r = κ·x^(−n); x ≤ 0 or an overflowing r gives s = 0 with zero derivatives
        const logX = x > 0 ? Math.log(x) : 0;
        const r = x > 0 ? kappa * Math.exp(-n * logX) : Number.POSITIVE_INFINITY;
        if (!(r < Number.POSITIVE_INFINITY)) {
          sat[i] = 0;
          satDx[i] = 0;
          satDs1[i] = 0;
          satDn[i] = 0;
          continue;
        }
        const s = 1 / (1 + r);
        const q = s * (1 - s);
        sat[i] = s;
        satDx[i] = (n * q) / x;
        satDs1[i] = q * dS1;
        satDn[i] = q * logX;
        if (i < sumTo) sum += s;
        if (mu !== undefined) mu[i] += coef * s;
      }
      return sum;
    };
  const kernel = saturationKernel(type);
  const k = new Float64Array(4);
  return (a, s1, n, out, from, to, sumTo = to, mu, coef = 0) => {
    let sum = 0;
    for (let i = from; i < to; i++) {
      kernel(a[i], s1, n, k);
      out.sat[i] = k[0];
      out.satDx[i] = k[1];
      out.satDs1[i] = k[2];
      out.satDn[i] = k[3];
      if (i < sumTo) sum += k[0];
      if (mu !== undefined) mu[i] += coef * k[0];
    }
    return sum;
  };
}
