// Known-answer tests for the Cholesky kernels and the least-squares diagnostics built on them:
// a hand-factorised 3×3 system, R² of exact and hand-computed fits, and VIF = 1/(1 − r²).

import { describe, expect, it } from "vitest";
import { choleskyInPlace, choleskySolve, rSquared, varianceInflationFactors } from "../../src/core/linalg.js";
import { Rng } from "../../src/core/rng.js";
import { correlation } from "../../src/core/stats.js";

// The classic example: A = L Lᵀ with L = [[2,0,0],[6,1,0],[−8,5,3]]
const A = [4, 12, -16, 12, 37, -43, -16, -43, 98];
const L = [2, 0, 0, 6, 1, 0, -8, 5, 3];

function matVec(m: ArrayLike<number>, n: number, x: ArrayLike<number>): number[] {
  return Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += m[i * n + k] * x[k];
    return s;
  });
}

describe("choleskyInPlace", () => {
  it("factorises the hand-checked 3×3 matrix exactly and zeroes the upper triangle", () => {
    const a = new Float64Array(A);
    expect(choleskyInPlace(a, 3)).toBe(true);
    expect(Array.from(a)).toEqual(L);
  });

  it("reproduces A = L Lᵀ for a random SPD matrix", () => {
    const rng = new Rng(1);
    const n = 6;
    // A = B Bᵀ + n·I is symmetric positive definite
    const b = Array.from({ length: n * n }, () => rng.normal());
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
        a[i * n + j] = s;
      }
    const original = Float64Array.from(a);
    expect(choleskyInPlace(a, n)).toBe(true);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (j > i) expect(a[i * n + j]).toBe(0);
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k] * a[j * n + k];
        expect(s).toBeCloseTo(original[i * n + j], 10);
      }
  });

  it("handles 1×1 and identity", () => {
    const one = new Float64Array([9]);
    expect(choleskyInPlace(one, 1)).toBe(true);
    expect(one[0]).toBe(3);
    const eye = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(choleskyInPlace(eye, 3)).toBe(true);
    expect(Array.from(eye)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it("returns false for matrices that are not positive definite", () => {
    expect(choleskyInPlace(new Float64Array([1, 2, 2, 1]), 2)).toBe(false); // eigenvalues 3, −1
    expect(choleskyInPlace(new Float64Array([1, 1, 1, 1]), 2)).toBe(false); // singular
    expect(choleskyInPlace(new Float64Array([-4]), 1)).toBe(false);
    expect(choleskyInPlace(new Float64Array([0, 0, 0, 1]), 2)).toBe(false);
    expect(choleskyInPlace(new Float64Array([Number.NaN]), 1)).toBe(false);
  });
});

describe("choleskySolve", () => {
  it("solves the hand-checked system A x = (−20, −43, 192) with x = (1, 2, 3)", () => {
    const l = new Float64Array(A);
    choleskyInPlace(l, 3);
    const x = choleskySolve(l, 3, new Float64Array([-20, -43, 192]));
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(2, 12);
    expect(x[2]).toBeCloseTo(3, 12);
  });

  it("solves A x = e1 for the first column of A⁻¹ (hand-computed: 49.361…, −13.556, 2.111)", () => {
    // A⁻¹ = (1/36)·[[1777, −488, 76], [−488, 136, −20], [76, −20, 4]]
    const l = new Float64Array(A);
    choleskyInPlace(l, 3);
    const x = choleskySolve(l, 3, new Float64Array([1, 0, 0]));
    expect(x[0]).toBeCloseTo(1777 / 36, 10);
    expect(x[1]).toBeCloseTo(-488 / 36, 10);
    expect(x[2]).toBeCloseTo(76 / 36, 10);
  });

  it("has a residual at rounding level for random SPD systems", () => {
    const rng = new Rng(2);
    for (let trial = 0; trial < 20; trial++) {
      const n = rng.integer(1, 8);
      const b = Array.from({ length: n * n }, () => rng.normal());
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = i === j ? 1 : 0;
          for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
          a[i * n + j] = s;
        }
      const rhs = Float64Array.from({ length: n }, () => rng.normal());
      const l = Float64Array.from(a);
      expect(choleskyInPlace(l, n)).toBe(true);
      const x = choleskySolve(l, n, rhs);
      const back = matVec(a, n, x);
      for (let i = 0; i < n; i++) expect(back[i]).toBeCloseTo(rhs[i], 8);
    }
  });
});

describe("rSquared", () => {
  it("is 1 for an exact linear relation", () => {
    const x1 = [1, 2, 3, 4, 5, 6, 7];
    const x2 = [3, -1, 4, 1, -5, 9, 2];
    expect(
      rSquared(
        x1.map((v) => 3 * v - 2),
        [x1],
      ),
    ).toBeCloseTo(1, 10);
    expect(
      rSquared(
        x1.map((v, i) => 1 + 2 * v - 3 * x2[i]),
        [x1, x2],
      ),
    ).toBeCloseTo(1, 10);
  });

  it("matches a hand computation: y = (1,3,2,5,4) on x = 1..5 gives r² = 0.64", () => {
    expect(rSquared([1, 3, 2, 5, 4], [[1, 2, 3, 4, 5]])).toBeCloseTo(0.64, 10);
  });

  it("matches Anscombe I: R² = 0.6665425 (R: summary(lm(y1 ~ x1))$r.squared)", () => {
    const x = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5];
    const y = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68];
    expect(rSquared(y, [x])).toBeCloseTo(0.6665425, 6);
  });

  it("with one regressor equals the squared correlation", () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 20; trial++) {
      const x = Array.from({ length: 50 }, () => rng.normal());
      const y = x.map((v) => 0.5 * v + rng.normal());
      expect(rSquared(y, [x])).toBeCloseTo(correlation(x, y) ** 2, 10);
    }
  });

  it("with two regressors matches (r1² + r2² − 2·r1·r2·r12) / (1 − r12²)", () => {
    const rng = new Rng(4);
    const x1 = Array.from({ length: 80 }, () => rng.normal());
    const x2 = x1.map((v) => 0.6 * v + rng.normal());
    const y = x1.map((v, i) => v - 0.7 * x2[i] + rng.normal());
    const r1 = correlation(y, x1);
    const r2 = correlation(y, x2);
    const r12 = correlation(x1, x2);
    const expected = (r1 ** 2 + r2 ** 2 - 2 * r1 * r2 * r12) / (1 - r12 ** 2);
    expect(rSquared(y, [x1, x2])).toBeCloseTo(expected, 9);
  });

  it("is 0 for a regressor orthogonal to y and 1 for a constant y", () => {
    expect(rSquared([1, -1, -1, 1], [[1, 1, -1, -1]])).toBeCloseTo(0, 12);
    expect(rSquared([5, 5, 5, 5], [[1, 2, 3, 4]])).toBe(1);
  });

  it("is unchanged by a duplicated regressor and by an intercept-collinear constant column", () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const y = [3, 1, 4, 1, 5, 9, 2, 6];
    const base = rSquared(y, [x]);
    expect(rSquared(y, [x, x])).toBeCloseTo(base, 8);
    expect(rSquared(y, [x, x.map((v) => 2 * v)])).toBeCloseTo(base, 8);
    expect(rSquared(y, [[5, 5, 5, 5, 5, 5, 5, 5]])).toBeCloseTo(0, 8);
  });

  it("never decreases when a regressor is added and stays in [0, 1]", () => {
    const rng = new Rng(5);
    const y = Array.from({ length: 30 }, () => rng.normal());
    const cols: number[][] = [];
    let prev = 0;
    for (let k = 0; k < 6; k++) {
      cols.push(Array.from({ length: 30 }, () => rng.normal()));
      const r2 = rSquared(y, cols);
      expect(r2).toBeGreaterThanOrEqual(prev - 1e-12);
      expect(r2).toBeLessThanOrEqual(1);
      prev = r2;
    }
  });
});

describe("varianceInflationFactors", () => {
  it("is 1 for mutually orthogonal centred columns (Hadamard)", () => {
    const vif = varianceInflationFactors([
      [1, -1, 1, -1],
      [1, 1, -1, -1],
      [1, -1, -1, 1],
    ]);
    for (const v of vif) expect(v).toBeCloseTo(1, 10);
  });

  it("is 1 for a single column", () => {
    expect(varianceInflationFactors([[1, 5, 2, 8]])).toEqual([1]);
  });

  it("equals 1/(1 − r²) for both columns of a correlated pair", () => {
    const rng = new Rng(6);
    const x1 = Array.from({ length: 200 }, () => rng.normal());
    const x2 = x1.map((v) => 0.8 * v + 0.6 * rng.normal());
    const r = correlation(x1, x2);
    const vif = varianceInflationFactors([x1, x2]);
    expect(vif[0]).toBeCloseTo(1 / (1 - r * r), 8);
    expect(vif[1]).toBeCloseTo(1 / (1 - r * r), 8);
  });

  it("hand case: x1 = 1..5, x2 = (1,3,2,5,4) has r = 0.8 so VIF = 1/0.36", () => {
    const vif = varianceInflationFactors([
      [1, 2, 3, 4, 5],
      [1, 3, 2, 5, 4],
    ]);
    expect(vif[0]).toBeCloseTo(1 / 0.36, 8);
    expect(vif[1]).toBeCloseTo(1 / 0.36, 8);
  });

  it("is at least 1, and very large or infinite for exactly collinear columns", () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const vif = varianceInflationFactors([x, x.map((v) => 2 * v + 1), [3, 1, 4, 1, 5, 9, 2, 6]]);
    expect(vif[0]).toBeGreaterThan(1e6);
    expect(vif[1]).toBeGreaterThan(1e6);
    expect(vif[2]).toBeGreaterThanOrEqual(1);
    expect(Number.isFinite(vif[2])).toBe(true);
    // a constant column is explained perfectly by the intercept
    expect(varianceInflationFactors([x, [5, 5, 5, 5, 5, 5, 5, 5]])[1]).toBe(Number.POSITIVE_INFINITY);
  });
});
