import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/core/rng.js";
import {
  projectToSimplex,
  simplexLeastSquares,
  simplexLeastSquaresGradient,
} from "../../../src/experiments/geo/simplex.js";

function randomProblem(n: number, T: number, seed: string) {
  const rng = new Rng(seed);
  const X = Array.from({ length: n }, () => Float64Array.from({ length: T }, () => 1 + rng.normal(0, 0.3)));
  const x = Float64Array.from({ length: T }, (_, t) => 0.6 * X[0][t] + 0.4 * X[1][t] + rng.normal(0, 0.05));
  const g = new Float64Array(n * n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) for (let t = 0; t < T; t++) g[i * n + k] += X[i][t] * X[k][t];
    for (let t = 0; t < T; t++) b[i] += X[i][t] * x[t];
  }
  return { g, b };
}

describe("simplex projection", () => {
  it("keeps points already on the simplex and projects others to it", () => {
    const v = Float64Array.of(0.2, 0.3, 0.5);
    projectToSimplex(v);
    expect(Array.from(v)).toEqual([0.2, 0.3, 0.5]);
    const u = Float64Array.of(2, 0, -1);
    projectToSimplex(u);
    expect(Array.from(u)).toEqual([1, 0, 0]);
    const e = Float64Array.of(1, 1);
    projectToSimplex(e);
    expect(Array.from(e)).toEqual([0.5, 0.5]);
  });
});

describe("simplex least squares", () => {
  it("recovers the mixing weights of an exact convex combination", () => {
    const { g, b } = randomProblem(6, 80, "exact");
    const w = simplexLeastSquares(g, b, 6);
    expect(w[0]).toBeCloseTo(0.6, 1);
    expect(w[1]).toBeCloseTo(0.4, 1);
    expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    for (const x of w) expect(x).toBeGreaterThanOrEqual(0);
  });

  it("agrees with accelerated projected gradient on random problems", () => {
    for (const seed of ["a", "b", "c", "d"]) {
      const n = 25;
      const { g, b } = randomProblem(n, 60, seed);
      const w1 = simplexLeastSquares(g, b, n);
      const w2 = simplexLeastSquaresGradient(g, b, n, undefined, 20000, 1e-12);
      const obj = (w: Float64Array) => {
        let s = 0;
        for (let i = 0; i < n; i++) {
          s -= b[i] * w[i];
          for (let k = 0; k < n; k++) s += 0.5 * w[i] * g[i * n + k] * w[k];
        }
        return s;
      };
      expect(obj(w1)).toBeLessThanOrEqual(obj(w2) + 1e-9 * Math.abs(obj(w2)));
      for (let i = 0; i < n; i++) expect(w1[i]).toBeCloseTo(w2[i], 3);
    }
  });

  it("handles identical donors (a singular Gram)", () => {
    const g = Float64Array.of(1, 1, 1, 1);
    const b = Float64Array.of(1, 1);
    const w = simplexLeastSquares(g, b, 2);
    expect(w[0] + w[1]).toBeCloseTo(1, 10);
  });
});
