// Known-answer tests for saturation curves: half-saturation points, identities between families,
// monotonicity and bounds, and closed-form derivatives against central finite differences.

import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import {
  type SaturationSpec,
  saturate,
  saturateDerivative,
  saturateSeries,
  saturationKernel,
  saturationPass,
  saturationValue,
} from "../../src/model/saturation.js";

/** A family member together with its natural x scale (where the curve does its bending). */
const FAMILIES: { spec: SaturationSpec; scale: number }[] = [
  { spec: { type: "hill", halfSaturation: 2, slope: 1 }, scale: 2 },
  { spec: { type: "hill", halfSaturation: 50, slope: 2.5 }, scale: 50 },
  { spec: { type: "hill", halfSaturation: 0.3, slope: 0.6 }, scale: 0.3 },
  { spec: { type: "hill", halfSaturation: 1000, slope: 5 }, scale: 1000 },
  { spec: { type: "logistic", lambda: 0.5 }, scale: 2 },
  { spec: { type: "logistic", lambda: 3 }, scale: 1 / 3 },
  { spec: { type: "michaelis_menten", halfSaturation: 10 }, scale: 10 },
  { spec: { type: "michaelis_menten", halfSaturation: 0.05 }, scale: 0.05 },
  { spec: { type: "tanh", scale: 4 }, scale: 4 },
  { spec: { type: "tanh", scale: 250 }, scale: 250 },
];

const label = (spec: SaturationSpec) => JSON.stringify(spec);

describe("saturate: shape of every family", () => {
  for (const { spec, scale } of FAMILIES) {
    it(`${label(spec)}: 0 at 0 (and below), increasing, in [0, 1)`, () => {
      expect(saturate(0, spec)).toBe(0);
      expect(saturate(-1, spec)).toBe(0);
      let prev = 0;
      for (let i = 1; i <= 400; i++) {
        const x = (i / 40) * scale; // up to 10 × scale
        const y = saturate(x, spec);
        expect(y).toBeGreaterThan(prev);
        expect(y).toBeLessThan(1);
        prev = y;
      }
      // never above 1, even far out
      for (const x of [1e3 * scale, 1e9 * scale, Number.MAX_VALUE]) {
        const y = saturate(x, spec);
        expect(y).toBeLessThanOrEqual(1);
        expect(y).toBeGreaterThan(0.9);
      }
    });
  }
});

describe("saturate: known values", () => {
  it("hill is 1/2 at the half-saturation point for any slope", () => {
    for (const slope of [0.3, 1, 2, 7.5, 50, 500]) {
      for (const K of [0.01, 1, 3.7, 1e6]) {
        expect(saturate(K, { type: "hill", halfSaturation: K, slope })).toBe(0.5);
      }
    }
  });

  it("hill: x^n/(x^n + K^n) by hand, and the symmetry f(K²/x) = 1 − f(x)", () => {
    const spec: SaturationSpec = { type: "hill", halfSaturation: 2, slope: 3 };
    expect(saturate(4, spec)).toBeCloseTo(64 / (64 + 8), 15); // 8/9
    expect(saturate(1, spec)).toBeCloseTo(1 / 9, 15);
    for (const x of [0.1, 0.5, 1.3, 5, 40])
      expect(saturate(4 / x, spec)).toBeCloseTo(1 - saturate(x, spec), 14);
  });

  it("michaelis_menten is 1/2 at K and x/(x + K) by hand", () => {
    const spec: SaturationSpec = { type: "michaelis_menten", halfSaturation: 8 };
    expect(saturate(8, spec)).toBe(0.5);
    expect(saturate(24, spec)).toBe(0.75);
    expect(saturate(2, spec)).toBe(0.2);
  });

  it("hill with slope 1 equals michaelis_menten", () => {
    for (const x of [0.01, 0.5, 3, 17, 1e4]) {
      expect(saturate(x, { type: "hill", halfSaturation: 3, slope: 1 })).toBeCloseTo(
        saturate(x, { type: "michaelis_menten", halfSaturation: 3 }),
        15,
      );
    }
  });

  it("logistic is tanh(λx/2) and reaches 1/2 at x = ln 3 / λ", () => {
    for (const lambda of [0.1, 1, 4]) {
      for (const x of [0.05, 0.7, 2, 9]) {
        expect(saturate(x, { type: "logistic", lambda })).toBeCloseTo(Math.tanh((lambda * x) / 2), 15);
      }
      expect(saturate(Math.log(3) / lambda, { type: "logistic", lambda })).toBeCloseTo(0.5, 15);
    }
  });

  it("tanh is tanh(x/scale): tanh(1) = 0.7615941559557649 at the scale", () => {
    expect(saturate(5, { type: "tanh", scale: 5 })).toBeCloseTo(0.7615941559557649, 15);
    expect(saturate(5 * Math.atanh(0.5), { type: "tanh", scale: 5 })).toBeCloseTo(0.5, 15);
  });

  it("hill with a very large slope stays finite: a step at K", () => {
    for (const slope of [100, 1000, 1e5]) {
      const spec: SaturationSpec = { type: "hill", halfSaturation: 10, slope };
      for (const x of [1e-300, 1e-5, 1, 9.9, 10, 10.1, 1e3, 1e300]) {
        const y = saturate(x, spec);
        expect(Number.isFinite(y)).toBe(true);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(1);
      }
      expect(saturate(5, spec)).toBeLessThan(1e-15);
      expect(saturate(20, spec)).toBeGreaterThan(1 - 1e-15);
      expect(saturate(10, spec)).toBe(0.5);
    }
  });
});

describe("saturateDerivative", () => {
  it("matches central finite differences at random points for every family (≈1e-6 relative)", () => {
    const rng = new Rng(1);
    for (const { spec, scale } of FAMILIES) {
      for (let i = 0; i < 200; i++) {
        const x = scale * 10 ** rng.uniformIn(-2, 0.9); // 0.01 … 8 × scale
        const h = 1e-5 * x;
        const fd = (saturate(x + h, spec) - saturate(x - h, spec)) / (2 * h);
        const d = saturateDerivative(x, spec);
        expect(d).toBeGreaterThan(0);
        expect(Math.abs(fd - d), `${label(spec)} at x = ${x}`).toBeLessThanOrEqual(1e-6 * Math.abs(d));
      }
    }
  });

  it("has the known closed-form values", () => {
    // hill n = 2, K = 1 at x = 1: n/(4x) = 1/2
    expect(saturateDerivative(1, { type: "hill", halfSaturation: 1, slope: 2 })).toBeCloseTo(0.5, 15);
    // hill at K in general: n/(4K)
    expect(saturateDerivative(5, { type: "hill", halfSaturation: 5, slope: 3 })).toBeCloseTo(3 / 20, 15);
    // michaelis_menten: K/(x + K)²
    expect(saturateDerivative(2, { type: "michaelis_menten", halfSaturation: 2 })).toBeCloseTo(1 / 8, 15);
    // logistic at x = ln 3/λ: 2λ(1/3)/(4/3)² = 3λ/8
    expect(saturateDerivative(Math.log(3) / 2, { type: "logistic", lambda: 2 })).toBeCloseTo(3 / 4, 14);
    // tanh: sech²(x/s)/s; at x = 0 that is 1/s
    expect(saturateDerivative(3, { type: "tanh", scale: 3 })).toBeCloseTo(1 / (3 * Math.cosh(1) ** 2), 15);
  });

  it("at x = 0 gives the right-hand slope", () => {
    expect(saturateDerivative(0, { type: "hill", halfSaturation: 4, slope: 1 })).toBe(0.25);
    expect(saturateDerivative(0, { type: "hill", halfSaturation: 4, slope: 2 })).toBe(0);
    expect(saturateDerivative(0, { type: "hill", halfSaturation: 4, slope: 0.5 })).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(saturateDerivative(0, { type: "michaelis_menten", halfSaturation: 4 })).toBe(0.25);
    expect(saturateDerivative(0, { type: "logistic", lambda: 3 })).toBe(1.5);
    expect(saturateDerivative(0, { type: "tanh", scale: 4 })).toBe(0.25);
    // and 0 left of the origin, where saturate is flat
    for (const { spec } of FAMILIES) expect(saturateDerivative(-1, spec)).toBe(0);
  });

  it("integrates back to the curve (trapezoid rule over [0, 3·scale])", () => {
    for (const { spec, scale } of FAMILIES) {
      if (spec.type === "hill" && spec.slope < 1) continue; // infinite slope at 0
      const n = 4000;
      const b = 3 * scale;
      let integral = 0;
      for (let i = 0; i < n; i++) {
        const x0 = (i / n) * b;
        const x1 = ((i + 1) / n) * b;
        integral += ((saturateDerivative(x0, spec) + saturateDerivative(x1, spec)) / 2) * (x1 - x0);
      }
      expect(integral).toBeCloseTo(saturate(b, spec), 5);
    }
  });

  it("stays finite for hill with a large slope in the saturated region", () => {
    const spec: SaturationSpec = { type: "hill", halfSaturation: 1, slope: 1000 };
    for (const x of [0.5, 0.99, 1, 1.01, 2, 1e6]) {
      const d = saturateDerivative(x, spec);
      expect(Number.isFinite(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(0);
    }
    expect(saturateDerivative(1, spec)).toBe(250); // n/(4K)
  });

  // Regression test; the bug was: r = (K/x)^n overflows to Infinity when x ≪ K (large slope, or tiny x), and then
  // n·r / (x·(1 + r)²) = ∞/∞ = NaN instead of (essentially) 0.
  it("hill derivative is not NaN when (K/x)^slope overflows", () => {
    expect(saturateDerivative(0.1, { type: "hill", halfSaturation: 1, slope: 1000 })).toBe(0);
    expect(saturateDerivative(1e-200, { type: "hill", halfSaturation: 1, slope: 2 })).not.toBeNaN();
  });
});

describe("saturateSeries", () => {
  it("applies saturate elementwise and writes into `out` when given", () => {
    const spec: SaturationSpec = { type: "hill", halfSaturation: 2, slope: 2 };
    const x = [0, 1, 2, 4, -3];
    const y = saturateSeries(x, spec);
    expect(Array.from(y)).toEqual(x.map((v) => saturate(v, spec)));
    expect(y[2]).toBe(0.5);
    expect(y[4]).toBe(0);
    const out = new Float64Array(5);
    expect(saturateSeries(x, spec, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(y));
  });
});

describe("saturationValue (the planner's value-only pass)", () => {
  it("agrees with the fused kernel's value for every family, including x ≤ 0 and extreme x", () => {
    const out = new Float64Array(4);
    for (const type of ["hill", "logistic", "tanh", "michaelis_menten"] as const) {
      const value = saturationValue(type);
      const kernel = saturationKernel(type);
      for (const s1 of [0.01, 0.3, 0.5, 0.9, 0.999])
        for (const n of [0.5, 1, 3])
          for (const x of [-1, 0, 1e-300, 1e-6, 0.2, 1, 7, 1e6, 1e300]) {
            kernel(x, s1, n, out);
            expect(value(x, s1, n), `${type} s1=${s1} n=${n} x=${x}`).toBeCloseTo(out[0], 14);
          }
    }
  });
});

describe("saturationPass: the sampler's vectorised kernel", () => {
  it("agrees with saturationKernel cell by cell for every family, including x ≤ 0 and extremes", () => {
    const rng = new Rng(12);
    const xs = Float64Array.from([
      0,
      -1,
      1e-300,
      1e-9,
      0.5,
      1,
      3,
      1e6,
      ...Array.from({ length: 40 }, () => rng.uniform() * 4),
    ]);
    for (const type of ["hill", "logistic", "michaelis_menten", "tanh"] as const) {
      for (const [s1, n] of [
        [0.5, 1],
        [0.05, 3.2],
        [0.97, 0.4],
        [0.3, 40],
      ]) {
        const len = xs.length;
        const out = {
          sat: new Float64Array(len + 2),
          satDx: new Float64Array(len + 2),
          satDs1: new Float64Array(len + 2),
          satDn: new Float64Array(len + 2),
        };
        const a = new Float64Array(len + 2);
        a.set(xs, 1);
        saturationPass(type)(a, s1, n, out, 1, len + 1);
        const k = new Float64Array(4);
        const kernel = saturationKernel(type);
        for (let i = 0; i < len; i++) {
          kernel(xs[i], s1, n, k);
          const got = [out.sat[i + 1], out.satDx[i + 1], out.satDs1[i + 1], out.satDn[i + 1]];
          for (let j = 0; j < 4; j++) expect(got[j]).toBeCloseTo(k[j], 12);
        }
        // cells outside [from, to) are left alone
        expect(out.sat[0]).toBe(0);
        expect(out.sat[len + 1]).toBe(0);
      }
    }
  });
});
