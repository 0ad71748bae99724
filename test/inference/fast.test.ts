// The fast path (L-BFGS mode + Laplace draws) on known targets and on the real MMM for the lab's
// clean scenario, where it must converge well inside the interactive budget.

import { describe, expect, it } from "vitest";
import { choleskyInPlace } from "../../src/core/linalg.js";
import { fitFast } from "../../src/inference/fast.js";
import { laplace } from "../../src/inference/laplace.js";
import { maximize } from "../../src/inference/lbfgs.js";
import { buildModelData } from "../../src/model/design.js";
import { MmmModel } from "../../src/model/mmm.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { simulateScenario } from "../../src/simulate/lab.js";

/** Two 1-d Gaussian bumps (sd 0.5) at −3 (weight 0.2) and +3 (weight 0.8). */
function bimodal(q: Float64Array, g: Float64Array): number {
  const x = q[0];
  const a = Math.log(0.2) - 2 * (x + 3) ** 2;
  const b = Math.log(0.8) - 2 * (x - 3) ** 2;
  const m = Math.max(a, b);
  const wa = Math.exp(a - m);
  const wb = Math.exp(b - m);
  g[0] = (wa * -4 * (x + 3) + wb * -4 * (x - 3)) / (wa + wb);
  return m + Math.log(wa + wb);
}

describe("fitFast", () => {
  it("returns the mode, the Laplace covariance and draws from it (correlated Gaussian)", () => {
    // Σ = [[1, 0.9·2], [0.9·2, 4]] around (1, −2)
    const prec = [1 / 0.19, -0.9 / (0.19 * 2), -0.9 / (0.19 * 2), 1 / (0.19 * 4)];
    const logp = (x: Float64Array, g: Float64Array) => {
      const r0 = x[0] - 1;
      const r1 = x[1] + 2;
      g[0] = -(prec[0] * r0 + prec[1] * r1);
      g[1] = -(prec[2] * r0 + prec[3] * r1);
      return 0.5 * (g[0] * r0 + g[1] * r1);
    };
    const f = fitFast(logp, Float64Array.of(5, 5), { draws: 20_000, seed: 3 });
    expect(f.optimizer.converged).toBe(true);
    expect(Math.abs(f.mode[0] - 1)).toBeLessThan(1e-5);
    expect(Math.abs(f.mode[1] + 2)).toBeLessThan(1e-5);
    expect(Math.abs(f.covariance[1] - 1.8)).toBeLessThan(1e-5);
    expect(f.draws.length).toBe(40_000);
    let m1 = 0;
    let v1 = 0;
    for (let k = 0; k < 20_000; k++) m1 += f.draws[2 * k + 1] / 20_000;
    for (let k = 0; k < 20_000; k++) v1 += (f.draws[2 * k + 1] - m1) ** 2 / 19_999;
    expect(Math.abs(m1 + 2)).toBeLessThan(0.1);
    expect(Math.abs(v1 - 4) / 4).toBeLessThan(0.05);
    // same seed, same everything
    const again = fitFast(logp, Float64Array.of(5, 5), { draws: 20_000, seed: 3 });
    expect(Array.from(again.draws)).toEqual(Array.from(f.draws));
  });

  it("keeps the best of several jittered starts", () => {
    const one = fitFast(bimodal, Float64Array.of(-3.2), { draws: 10, seed: 1 });
    expect(Math.abs(one.mode[0] + 3)).toBeLessThan(1e-4); // stuck in the minor mode
    const many = fitFast(bimodal, Float64Array.of(-3.2), { draws: 10, seed: 1, restarts: 8, jitter: 4 });
    expect(Math.abs(many.mode[0] - 3)).toBeLessThan(1e-4);
    expect(many.runs.length).toBe(9);
    expect(many.lp).toBeCloseTo(Math.log(0.8), 6);
    expect(many.optimizer.start).toBeGreaterThan(0);
  });

  it("skips jittered starts that fall outside the support", () => {
    const gamma = (q: Float64Array, g: Float64Array) => {
      const x = q[0];
      if (!(x > 0)) return Number.NEGATIVE_INFINITY;
      g[0] = 2 / x - 2;
      return 2 * Math.log(x) - 2 * x;
    };
    const f = fitFast(gamma, Float64Array.of(0.2), { draws: 5, seed: 2, restarts: 10, jitter: 2 });
    expect(f.runs.length).toBeGreaterThan(0);
    expect(f.runs.length).toBeLessThan(11);
    expect(Math.abs(f.mode[0] - 1)).toBeLessThan(1e-4);
  });
});

describe("fast path on the MMM (lab scenario 'clean')", () => {
  const spec = ModelSpecSchema.parse({});
  const model = new MmmModel(buildModelData(simulateScenario("clean", 1).table, spec), spec);
  const logp = (q: Float64Array, g: Float64Array) => model.logDensity(q, g);

  it("L-BFGS converges from the initial point in well under 2 s; the Laplace covariance is positive definite", () => {
    const t0 = performance.now();
    const r = maximize(logp, model.initialPoint());
    const seconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const a = laplace(logp, r.x);
    const laplaceSeconds = (performance.now() - t1) / 1000;
    const n = model.dim;
    let gradNorm = 0;
    for (let i = 0; i < n; i++) gradNorm += r.grad[i] ** 2;
    gradNorm = Math.sqrt(gradNorm);
    // the gradient in the metric of the posterior: gᵀΣg is twice the log-density still to gain
    // if log p were quadratic, so it measures "how far from the mode" in posterior units
    let newtonDecrement = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) newtonDecrement += r.grad[i] * a.covariance[i * n + j] * r.grad[j];
    console.log(
      `MMM clean: dim ${n}, ${r.iterations} iterations, ${r.evaluations} evaluations, ${seconds.toFixed(3)} s ` +
        `(${r.message}); |grad| ${gradNorm.toExponential(2)}, gᵀΣg ${newtonDecrement.toExponential(2)}; ` +
        `Laplace ${laplaceSeconds.toFixed(3)} s, condition ${a.hessianCondition.toExponential(2)}`,
    );
    expect(r.converged).toBe(true);
    expect(seconds).toBeLessThan(2);
    expect(gradNorm).toBeLessThan(1);
    expect(newtonDecrement).toBeLessThan(1e-4);
    expect(a.regularized).toBe(false);
    expect(a.minEigenvalue).toBeGreaterThan(0);
    const l = Float64Array.from(a.covariance);
    expect(choleskyInPlace(l, n)).toBe(true);
    expect(Number.isFinite(a.logDetCov)).toBe(true);
  });

  it("fitFast with restarts agrees with the single run", () => {
    const single = maximize(logp, model.initialPoint());
    const f = fitFast(logp, model.initialPoint(), { draws: 200, seed: 1, restarts: 2, jitter: 0.5 });
    expect(f.runs.every((r) => r.converged)).toBe(true);
    expect(f.lp).toBeGreaterThanOrEqual(single.lp - 1e-4);
    expect(f.draws.length).toBe(200 * model.dim);
    expect(f.draws.every(Number.isFinite)).toBe(true);
    expect(f.seconds).toBeLessThan(5);
  });
});
