// Saturation (diminishing returns) families: each maps effective exposure x ≥ 0 to a response in
// [0, 1), zero at zero and increasing; the channel coefficient scales it to KPI units.

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
