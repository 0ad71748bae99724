// Known-answer tests for descriptive statistics: textbook data sets (Anscombe's quartet, the
// classic 2,4,4,4,5,5,7,9 example) and the values R gives for quantile(type = 7), median and mad.

import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { correlation, mad, mean, median, quantile, sd, sum, variance } from "../../src/core/stats.js";

// Anscombe's quartet, data set I (R: datasets::anscombe$x1, $y1)
const ANSCOMBE_X = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5];
const ANSCOMBE_Y = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68];

describe("sum / mean / variance / sd", () => {
  it("matches hand computations", () => {
    expect(sum([1, 2, 3, 4])).toBe(10);
    expect(sum([])).toBe(0);
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    const xs = [2, 4, 4, 4, 5, 5, 7, 9]; // mean 5, Σ(x − 5)² = 32
    expect(mean(xs)).toBe(5);
    expect(variance(xs)).toBeCloseTo(32 / 7, 14);
    expect(sd(xs)).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });

  it("matches R on Anscombe I: mean(x) = 9, var(x) = 11, mean(y) = 7.500909, var(y) = 4.127269", () => {
    expect(mean(ANSCOMBE_X)).toBe(9);
    expect(variance(ANSCOMBE_X)).toBeCloseTo(11, 12);
    expect(mean(ANSCOMBE_Y)).toBeCloseTo(7.500909, 6);
    expect(variance(ANSCOMBE_Y)).toBeCloseTo(4.127269, 6);
  });

  it("is accurate with a large offset (two-pass)", () => {
    const xs = [4, 7, 13, 16].map((v) => 1e9 + v); // deviations −6, −3, 3, 6
    expect(mean(xs)).toBe(1e9 + 10);
    expect(variance(xs)).toBe(30);
  });

  it("is invariant to shifts and scales quadratically", () => {
    const xs = [1.5, -2, 3.25, 8, 0];
    expect(variance(xs.map((x) => x + 100))).toBeCloseTo(variance(xs), 10);
    expect(variance(xs.map((x) => 3 * x))).toBeCloseTo(9 * variance(xs), 10);
    expect(sd(xs.map((x) => -3 * x))).toBeCloseTo(3 * sd(xs), 10);
  });

  it("is NaN where undefined and 0 for constants", () => {
    expect(mean([])).toBeNaN();
    expect(variance([])).toBeNaN();
    expect(variance([3])).toBeNaN();
    expect(sd([3])).toBeNaN();
    expect(variance([3, 3, 3])).toBe(0);
  });

  it("accepts typed arrays", () => {
    expect(mean(new Float64Array([1, 2, 3]))).toBe(2);
    expect(variance(new Float64Array([1, 2, 3]))).toBe(1);
  });
});

describe("correlation", () => {
  it("matches R on Anscombe I: cor = 0.8164205", () => {
    expect(correlation(ANSCOMBE_X, ANSCOMBE_Y)).toBeCloseTo(0.8164205, 6);
  });

  it("matches a hand computation: x = 1..5, y = (1,3,2,5,4) gives Sxy = 8, Sxx = Syy = 10, r = 0.8", () => {
    expect(correlation([1, 2, 3, 4, 5], [1, 3, 2, 5, 4])).toBeCloseTo(0.8, 14);
  });

  it("is ±1 for exact linear relations and symmetric", () => {
    const x = [0.3, 1.7, -2, 5, 4.4];
    expect(
      correlation(
        x,
        x.map((v) => 2 * v + 7),
      ),
    ).toBeCloseTo(1, 14);
    expect(
      correlation(
        x,
        x.map((v) => -0.5 * v + 1),
      ),
    ).toBeCloseTo(-1, 14);
    const y = [1, 0, 3, -1, 2];
    expect(correlation(x, y)).toBeCloseTo(correlation(y, x), 15);
  });

  it("is 0 for orthogonal centred series and NaN for a constant one", () => {
    expect(correlation([1, -1, 1, -1], [1, 1, -1, -1])).toBe(0);
    expect(correlation([1, 2, 3], [5, 5, 5])).toBeNaN();
    expect(correlation([4, 4, 4], [1, 2, 3])).toBeNaN();
  });

  it("is invariant to positive affine maps and flips sign under negative ones", () => {
    const x = ANSCOMBE_X;
    const y = ANSCOMBE_Y;
    const r = correlation(x, y);
    expect(
      correlation(
        x.map((v) => 10 * v - 3),
        y.map((v) => 0.1 * v + 50),
      ),
    ).toBeCloseTo(r, 12);
    expect(
      correlation(
        x.map((v) => -v),
        y,
      ),
    ).toBeCloseTo(-r, 12);
  });
});

describe("quantile (type 7, as R's default)", () => {
  const xs = [1, 2, 3, 4, 10];

  it("matches R: quantile(c(1,2,3,4,10), p)", () => {
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 0.25)).toBe(2);
    expect(quantile(xs, 0.3)).toBeCloseTo(2.2, 12);
    expect(quantile(xs, 0.5)).toBe(3);
    expect(quantile(xs, 0.75)).toBe(4);
    expect(quantile(xs, 0.9)).toBeCloseTo(7.6, 12);
    expect(quantile(xs, 0.95)).toBeCloseTo(8.8, 12);
    expect(quantile(xs, 1)).toBe(10);
  });

  it("matches R: quantile(1:10, c(0.1, 0.25, 0.33, 0.5, 0.975))", () => {
    const ten = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(quantile(ten, 0.1)).toBeCloseTo(1.9, 12);
    expect(quantile(ten, 0.25)).toBeCloseTo(3.25, 12);
    expect(quantile(ten, 0.33)).toBeCloseTo(3.97, 12);
    expect(quantile(ten, 0.5)).toBeCloseTo(5.5, 12);
    expect(quantile(ten, 0.975)).toBeCloseTo(9.775, 12);
  });

  it("matches R on Anscombe y1: quantile(anscombe$y1, c(.1, .9)) = 4.82, 9.96", () => {
    expect(quantile(ANSCOMBE_Y, 0.1)).toBeCloseTo(4.82, 12);
    expect(quantile(ANSCOMBE_Y, 0.9)).toBeCloseTo(9.96, 12);
    expect(quantile(ANSCOMBE_Y, 0.2)).toBeCloseTo(5.68, 12);
  });

  it("sorts numerically (not lexically), does not mutate its input, handles one value and none", () => {
    const input = [10, 9, 100, 1];
    expect(quantile(input, 0.5)).toBe(9.5);
    expect(input).toEqual([10, 9, 100, 1]);
    expect(quantile([42], 0.3)).toBe(42);
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile(new Float64Array([3, 1, 2]), 0.5)).toBe(2);
  });

  it("is monotone in p", () => {
    const rng = new Rng(1);
    const data = Array.from({ length: 37 }, () => rng.normal());
    let prev = Number.NEGATIVE_INFINITY;
    for (let p = 0; p <= 1.0000001; p += 0.01) {
      const q = quantile(data, Math.min(p, 1));
      expect(q).toBeGreaterThanOrEqual(prev);
      prev = q;
    }
  });

  // Known limitation: with an infinite order statistic at an exact index, 0·(∞ − ∞) gives NaN;
  // R returns Inf for quantile(c(1, Inf), 1).
  it("returns Inf rather than NaN at an infinite order statistic", () => {
    expect(quantile([1, Number.POSITIVE_INFINITY], 1)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("median and mad", () => {
  it("median matches R", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(median(ANSCOMBE_Y)).toBe(7.58);
    expect(median([5])).toBe(5);
  });

  it("mad matches R's mad() (constant 1.4826)", () => {
    expect(mad([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 12); // |x − 3| = 2,1,0,1,97 → median 1
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBeCloseTo(1.4826, 12); // |x − 2| median 1
    expect(mad([1, 2, 3, 4])).toBeCloseTo(1.4826, 12); // |x − 2.5| = 1.5,.5,.5,1.5 → 1
    expect(mad(ANSCOMBE_X)).toBeCloseTo(4.4478, 12); // R: mad(anscombe$x1) = 4.4478
    expect(mad([7, 7, 7])).toBe(0);
  });

  it("mad is robust to a gross outlier and consistent for the normal sd", () => {
    expect(mad([1, 2, 3, 4, 5])).toBe(mad([1, 2, 3, 4, 5e9]));
    const rng = new Rng(2);
    const zs = Array.from({ length: 100_000 }, () => rng.normal(0, 2));
    // asymptotic sd of the MAD estimate of σ is about 1.1678·σ/√n
    expect(Math.abs(mad(zs) - 2)).toBeLessThan((5 * 1.1678 * 2) / Math.sqrt(zs.length));
  });
});
