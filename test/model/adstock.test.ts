// Known-answer tests for adstock: closed-form lag weights, impulse responses, the identities
// between families (Weibull with shape 1 is geometric), and convolution invariants.

import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { type AdstockSpec, adstock, adstockWeights, applyAdstock } from "../../src/model/adstock.js";

const argmax = (w: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < w.length; i++) if (w[i] > w[best]) best = i;
  return best;
};
const total = (w: ArrayLike<number>) => Array.from(w).reduce((a, b) => a + b, 0);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits = 12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], digits);
}

const SPECS: AdstockSpec[] = [
  { type: "geometric", alpha: 0, maxLag: 4 },
  { type: "geometric", alpha: 0.5, maxLag: 8 },
  { type: "geometric", alpha: 0.95, maxLag: 13 },
  { type: "delayed_geometric", alpha: 0.6, delay: 2, maxLag: 8 },
  { type: "delayed_geometric", alpha: 0.3, delay: 0, maxLag: 6 },
  { type: "weibull_cdf", shape: 0.7, scale: 3, maxLag: 10 },
  { type: "weibull_cdf", shape: 2, scale: 4, maxLag: 12 },
  { type: "weibull_pdf", shape: 0.5, scale: 2, maxLag: 10 },
  { type: "weibull_pdf", shape: 3, scale: 5, maxLag: 12 },
];

describe("adstockWeights", () => {
  it("geometric: w_l = α^l (1 − α)/(1 − α^L) when normalised", () => {
    for (const [alpha, L] of [
      [0.5, 8],
      [0.3, 4],
      [0.9, 20],
    ]) {
      const w = adstockWeights({ type: "geometric", alpha, maxLag: L });
      expectClose(
        w,
        Array.from({ length: L }, (_, l) => (alpha ** l * (1 - alpha)) / (1 - alpha ** L)),
        14,
      );
    }
    // α = 0.5, L = 3: 1, 1/2, 1/4 over 7/4
    expectClose(adstockWeights({ type: "geometric", alpha: 0.5, maxLag: 3 }), [4 / 7, 2 / 7, 1 / 7], 15);
  });

  it("geometric: raw α^l when normalize is false; α = 0 is the identity kernel", () => {
    expectClose(
      adstockWeights({ type: "geometric", alpha: 0.5, maxLag: 4, normalize: false }),
      [1, 0.5, 0.25, 0.125],
      15,
    );
    expect(Array.from(adstockWeights({ type: "geometric", alpha: 0, maxLag: 4 }))).toEqual([1, 0, 0, 0]);
    expect(Array.from(adstockWeights({ type: "geometric", alpha: 1, maxLag: 4 }))).toEqual([
      0.25, 0.25, 0.25, 0.25,
    ]);
  });

  for (const spec of SPECS) {
    it(`${spec.type} ${JSON.stringify(spec)}: non-negative, length maxLag, sums to 1`, () => {
      const w = adstockWeights(spec);
      expect(w.length).toBe(spec.maxLag);
      expect(Array.from(w).every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
      expect(total(w)).toBeCloseTo(1, 14);
      // normalisation only rescales
      const raw = adstockWeights({ ...spec, normalize: false });
      const s = total(raw);
      expectClose(
        w,
        Array.from(raw, (v) => v / s),
        14,
      );
    });
  }

  it("delayed_geometric: raw α^((l − δ)²), peak exactly at `delay`, symmetric around it", () => {
    for (const delay of [0, 1, 3, 5]) {
      const spec: AdstockSpec = { type: "delayed_geometric", alpha: 0.6, delay, maxLag: 12 };
      const w = adstockWeights(spec);
      expect(argmax(w)).toBe(delay);
      const raw = adstockWeights({ ...spec, normalize: false });
      expect(raw[delay]).toBe(1);
      for (let k = 1; k <= delay && delay + k < 12; k++)
        expect(raw[delay - k]).toBeCloseTo(raw[delay + k], 15);
      for (let l = 0; l < 12; l++) expect(raw[l]).toBeCloseTo(0.6 ** ((l - delay) ** 2), 15);
      // strictly increasing up to the peak, strictly decreasing after
      for (let l = 1; l <= delay; l++) expect(w[l]).toBeGreaterThan(w[l - 1]);
      for (let l = delay + 1; l < 12; l++) expect(w[l]).toBeLessThan(w[l - 1]);
    }
  });

  it("weibull_cdf: raw survival exp(−(l/scale)^shape), 1 at lag 0, non-increasing", () => {
    const raw = adstockWeights({ type: "weibull_cdf", shape: 2, scale: 4, maxLag: 6, normalize: false });
    expectClose(
      raw,
      [0, 1, 2, 3, 4, 5].map((l) => Math.exp(-((l / 4) ** 2))),
      15,
    );
    expect(raw[0]).toBe(1);
    expect(raw[4]).toBeCloseTo(Math.exp(-1), 15); // survival at the scale is 1/e
    for (const shape of [0.5, 1, 3]) {
      const w = adstockWeights({ type: "weibull_cdf", shape, scale: 3, maxLag: 10 });
      for (let l = 1; l < 10; l++) expect(w[l]).toBeLessThanOrEqual(w[l - 1]);
    }
  });

  it("weibull_pdf: raw density at l + 1, (k/λ)(x/λ)^(k−1) e^{−(x/λ)^k}", () => {
    const k = 2;
    const lam = 3;
    const raw = adstockWeights({ type: "weibull_pdf", shape: k, scale: lam, maxLag: 5, normalize: false });
    expectClose(
      raw,
      [1, 2, 3, 4, 5].map((x) => (k / lam) * (x / lam) ** (k - 1) * Math.exp(-((x / lam) ** k))),
      15,
    );
  });

  it("weibull_pdf with shape > 1 has an interior peak next to the Weibull mode λ((k−1)/k)^(1/k) − 1", () => {
    for (const [shape, scale] of [
      [3, 5],
      [2, 6],
      [4, 8],
    ]) {
      const w = adstockWeights({ type: "weibull_pdf", shape, scale, maxLag: 20 });
      const peak = argmax(w);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThan(19);
      const modeLag = scale * ((shape - 1) / shape) ** (1 / shape) - 1;
      expect(Math.abs(peak - modeLag)).toBeLessThanOrEqual(1);
    }
    // shape ≤ 1 is monotone decreasing from lag 0
    for (const shape of [0.5, 1]) {
      const w = adstockWeights({ type: "weibull_pdf", shape, scale: 3, maxLag: 10 });
      expect(argmax(w)).toBe(0);
      for (let l = 1; l < 10; l++) expect(w[l]).toBeLessThan(w[l - 1]);
    }
  });

  it("both Weibull families with shape 1 equal geometric with α = e^(−1/scale)", () => {
    for (const scale of [0.5, 2, 7]) {
      const geo = adstockWeights({ type: "geometric", alpha: Math.exp(-1 / scale), maxLag: 10 });
      expectClose(adstockWeights({ type: "weibull_cdf", shape: 1, scale, maxLag: 10 }), geo, 13);
      expectClose(adstockWeights({ type: "weibull_pdf", shape: 1, scale, maxLag: 10 }), geo, 13);
    }
  });

  it("delayed_geometric with delay 0 and maxLag 1 is the identity", () => {
    expect(
      Array.from(adstockWeights({ type: "delayed_geometric", alpha: 0.4, delay: 0, maxLag: 1 })),
    ).toEqual([1]);
  });
});

describe("applyAdstock / adstock", () => {
  it("a unit impulse at t = 0 returns the weights; at t = s, the weights shifted by s", () => {
    for (const spec of SPECS) {
      const w = adstockWeights(spec);
      const n = spec.maxLag + 5;
      const x = new Float64Array(n);
      x[0] = 1;
      const y = applyAdstock(x, w);
      expect(Array.from(y.subarray(0, spec.maxLag))).toEqual(Array.from(w));
      expect(Array.from(y.subarray(spec.maxLag))).toEqual([0, 0, 0, 0, 0]);
      const x2 = new Float64Array(n);
      x2[3] = 2;
      const y2 = adstock(x2, spec);
      for (let t = 0; t < n; t++) expect(y2[t]).toBe(t < 3 || t - 3 >= spec.maxLag ? 0 : 2 * w[t - 3]);
    }
  });

  it("hand example: geometric α = 0.5, L = 3 on (7, 0, 0, 7)", () => {
    // weights 4/7, 2/7, 1/7
    expectClose(adstock([7, 0, 0, 7], { type: "geometric", alpha: 0.5, maxLag: 3 }), [4, 2, 1, 4], 13);
  });

  it("unnormalised geometric with maxLag ≥ n follows the recursion y_t = x_t + α·y_{t−1}", () => {
    const rng = new Rng(1);
    const x = Array.from({ length: 40 }, () => rng.uniform() * 100);
    const y = adstock(x, { type: "geometric", alpha: 0.7, maxLag: 40, normalize: false });
    let prev = 0;
    for (let t = 0; t < 40; t++) {
      prev = x[t] + 0.7 * prev;
      expect(y[t]).toBeCloseTo(prev, 9);
    }
  });

  it("is linear: adstock(a·x + b·y) = a·adstock(x) + b·adstock(y)", () => {
    const rng = new Rng(2);
    for (const spec of SPECS) {
      const x = Array.from({ length: 30 }, () => rng.normal(50, 20));
      const z = Array.from({ length: 30 }, () => rng.uniform() * 10);
      const a = 2.5;
      const b = -0.75;
      const lhs = adstock(
        x.map((v, i) => a * v + b * z[i]),
        spec,
      );
      const ax = adstock(x, spec);
      const az = adstock(z, spec);
      for (let t = 0; t < 30; t++) expect(lhs[t]).toBeCloseTo(a * ax[t] + b * az[t], 9);
    }
  });

  it("is causal and time-invariant: delaying the input delays the output", () => {
    const rng = new Rng(3);
    const x = Array.from({ length: 25 }, () => rng.uniform());
    for (const spec of SPECS) {
      const y = adstock(x, spec);
      const shifted = adstock([0, 0, 0, ...x], spec);
      expect(Array.from(shifted.subarray(0, 3))).toEqual([0, 0, 0]);
      for (let t = 0; t < 25; t++) expect(shifted[t + 3]).toBeCloseTo(y[t], 13);
    }
  });

  it("conserves total spend when the series runs past the last spend by maxLag − 1 weeks", () => {
    const rng = new Rng(4);
    for (const spec of SPECS) {
      const x = [
        ...Array.from({ length: 20 }, () => rng.uniform() * 1000),
        ...new Array(spec.maxLag).fill(0),
      ];
      expect(total(adstock(x, spec))).toBeCloseTo(total(x), 8);
    }
  });

  it("maps a constant series to the same constant once the window is full", () => {
    for (const spec of SPECS) {
      const y = adstock(new Array(30).fill(5), spec);
      for (let t = spec.maxLag - 1; t < 30; t++) expect(y[t]).toBeCloseTo(5, 12);
      // and ramps up before that: partial sums of the weights
      const w = adstockWeights(spec);
      let cum = 0;
      for (let t = 0; t < spec.maxLag - 1; t++) {
        cum += w[t];
        expect(y[t]).toBeCloseTo(5 * cum, 12);
      }
    }
  });

  it("writes into `out` when given and handles empty input", () => {
    const out = new Float64Array(3);
    const w = adstockWeights({ type: "geometric", alpha: 0.5, maxLag: 2 });
    const y = applyAdstock([3, 3, 3], w, out);
    expect(y).toBe(out);
    expectClose(out, [2, 3, 3], 14);
    expect(applyAdstock([], w).length).toBe(0);
    expectClose(applyAdstock(new Float64Array([1, 2]), w), [2 / 3, (2 / 3) * 2 + 1 / 3], 14);
  });
});
