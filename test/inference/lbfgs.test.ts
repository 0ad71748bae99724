// L-BFGS on known targets: Rosenbrock, a badly conditioned quadratic, a density with a hard
// support boundary; convergence to the known optimum and bit-for-bit determinism.

import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { maximize } from "../../src/inference/lbfgs.js";

/** log p = −Rosenbrock(x, y) = −(100 (y − x²)² + (1 − x)²). */
function negRosenbrock(q: Float64Array, g: Float64Array): number {
  const [x, y] = q;
  const a = y - x * x;
  const b = 1 - x;
  g[0] = 400 * a * x + 2 * b;
  g[1] = -200 * a;
  return -(100 * a * a + b * b);
}

/** A 20-d Gaussian log density with eigenvalues from 1 to 1e6 in a random rotated basis, centred at c. */
function illConditioned(dim: number, seed: number) {
  const rng = new Rng(seed);
  // random orthogonal basis by Gram–Schmidt on Gaussian vectors
  const q = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let k = 0; k < dim; k++) q[i * dim + k] = rng.normal();
    for (let j = 0; j < i; j++) {
      let d = 0;
      for (let k = 0; k < dim; k++) d += q[i * dim + k] * q[j * dim + k];
      for (let k = 0; k < dim; k++) q[i * dim + k] -= d * q[j * dim + k];
    }
    let nrm = 0;
    for (let k = 0; k < dim; k++) nrm += q[i * dim + k] ** 2;
    for (let k = 0; k < dim; k++) q[i * dim + k] /= Math.sqrt(nrm);
  }
  const lambda = Float64Array.from({ length: dim }, (_, i) => 10 ** ((6 * i) / (dim - 1)));
  const a = new Float64Array(dim * dim); // A = Qᵀ diag(λ) Q
  for (let i = 0; i < dim; i++)
    for (let j = 0; j < dim; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += q[k * dim + i] * lambda[k] * q[k * dim + j];
      a[i * dim + j] = s;
    }
  const c = Float64Array.from({ length: dim }, () => rng.normal());
  const r = new Float64Array(dim);
  const logp = (x: Float64Array, g: Float64Array) => {
    for (let i = 0; i < dim; i++) r[i] = x[i] - c[i];
    let lp = 0;
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += a[i * dim + j] * r[j];
      g[i] = -s;
      lp -= 0.5 * r[i] * s;
    }
    return lp;
  };
  return { logp, c };
}

/** Gamma(shape 3, rate 2) log density in x itself: −∞ for x ≤ 0, mode at (3 − 1)/2 = 1. */
function gammaLogp(q: Float64Array, g: Float64Array): number {
  const x = q[0];
  if (!(x > 0)) return Number.NEGATIVE_INFINITY;
  g[0] = 2 / x - 2;
  return 2 * Math.log(x) - 2 * x;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("maximize (L-BFGS)", () => {
  it("finds the Rosenbrock minimum from (−1.2, 1)", () => {
    const r = maximize(negRosenbrock, Float64Array.of(-1.2, 1));
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-6);
    expect(Math.abs(r.x[1] - 1)).toBeLessThan(1e-6);
    expect(r.lp).toBeGreaterThan(-1e-12);
    expect(r.iterations).toBeLessThan(100);
  });

  it("converges on a badly scaled 20-d quadratic (condition number 1e6)", () => {
    const dim = 20;
    const lambda = Float64Array.from({ length: dim }, (_, i) => 10 ** ((6 * i) / (dim - 1)));
    const c = Float64Array.from({ length: dim }, (_, i) => Math.sin(i + 1));
    const logp = (x: Float64Array, g: Float64Array) => {
      let lp = 0;
      for (let i = 0; i < dim; i++) {
        const r = x[i] - c[i];
        g[i] = -lambda[i] * r;
        lp -= 0.5 * lambda[i] * r * r;
      }
      return lp;
    };
    const r = maximize(logp, new Float64Array(dim));
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThan(200);
    // the flattest direction has curvature 1, so lp within ~1e-12 of the optimum pins x to ~1e-6
    expect(maxAbsDiff(r.x, c)).toBeLessThan(1e-5);
    expect(r.lp).toBeGreaterThan(-1e-10);
    // Stan's scalar initial Hessian cannot get there in 2000 iterations: what the diagonal buys
    expect(maximize(logp, new Float64Array(dim), { scaling: "scalar" }).converged).toBe(false);
  });

  it("converges on a rotated 20-d quadratic (condition number 1e6)", () => {
    const { logp, c } = illConditioned(20, 3);
    // no diagonal helps when the axes are rotated: with 7 pairs L-BFGS needs thousands of
    // iterations (as SciPy's does); with a history of 2n it needs about 200
    const long = maximize(logp, new Float64Array(20), { maxIterations: 20_000 });
    expect(long.converged).toBe(true);
    expect(maxAbsDiff(long.x, c)).toBeLessThan(1e-3);
    expect(long.lp).toBeGreaterThan(-1e-7);
    const wide = maximize(logp, new Float64Array(20), { history: 40 });
    expect(wide.converged).toBe(true);
    expect(wide.iterations).toBeLessThan(400);
    expect(maxAbsDiff(wide.x, c)).toBeLessThan(1e-5);
    expect(wide.lp).toBeGreaterThan(-1e-10);
  });

  it("backs away from −∞ outside the support (gamma density, start near x = 0)", () => {
    for (const x0 of [1e-6, 1e-3, 0.05, 30]) {
      const r = maximize(gammaLogp, Float64Array.of(x0));
      expect(r.converged).toBe(true);
      // Stan's relative-gradient test stops once the step left is ~1e-5 of a posterior sd of 0.87
      expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-4);
      expect(r.lp).toBeGreaterThan(-2 - 1e-9);
    }
  });

  it("treats NaN like −∞", () => {
    const logp = (q: Float64Array, g: Float64Array) => {
      const x = q[0];
      g[0] = 1 / x - 1;
      return Math.log(x) - x; // NaN for x < 0
    };
    const r = maximize(logp, Float64Array.of(0.01));
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-6);
  });

  it("is deterministic", () => {
    const { logp } = illConditioned(20, 5);
    const a = maximize(logp, new Float64Array(20).fill(0.5));
    const b = maximize(logp, new Float64Array(20).fill(0.5));
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(a.lp).toBe(b.lp);
    expect(a.iterations).toBe(b.iterations);
    expect(a.evaluations).toBe(b.evaluations);
  });

  it("reports failure to converge within the iteration cap", () => {
    const r = maximize(negRosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 3 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(3);
    expect(r.message).toMatch(/maximum number of iterations/);
  });

  it("refuses a start outside the support", () => {
    expect(() => maximize(gammaLogp, Float64Array.of(-1))).toThrow(/not finite/);
  });
});
