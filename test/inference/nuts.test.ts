// NUTS with windowed adaptation recovers the moments of known targets.

import { describe, expect, it } from "vitest";
import { runChain } from "../../src/inference/chain.js";

const settings = { chain: 0, seed: 1, warmup: 1000, draws: 4000, maxDepth: 10, adaptDelta: 0.8 };

function moments(draws: Float64Array, dim: number) {
  const n = draws.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += draws[i * dim + j] / n;
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < dim; a++)
      for (let b = 0; b < dim; b++)
        cov[a * dim + b] += ((draws[i * dim + a] - mean[a]) * (draws[i * dim + b] - mean[b])) / (n - 1);
  return { mean, cov };
}

describe("NUTS", () => {
  it("samples a 10-d standard normal (diagonal metric)", () => {
    const dim = 10;
    const scales = Float64Array.from({ length: dim }, (_, i) => 0.1 * 2 ** (i / 2)); // 0.1 … 2.3: the metric must adapt
    const logp = (q: Float64Array, g: Float64Array) => {
      let lp = 0;
      for (let i = 0; i < dim; i++) {
        const z = q[i] / scales[i];
        lp -= 0.5 * z * z;
        g[i] = -z / scales[i];
      }
      return lp;
    };
    const r = runChain(logp, new Float64Array(dim).fill(1), { ...settings, metric: "diag" });
    const { mean, cov } = moments(r.draws, dim);
    for (let i = 0; i < dim; i++) {
      expect(Math.abs(mean[i]) / scales[i]).toBeLessThan(0.1);
      expect(Math.sqrt(cov[i * dim + i]) / scales[i]).toBeGreaterThan(0.9);
      expect(Math.sqrt(cov[i * dim + i]) / scales[i]).toBeLessThan(1.1);
      expect(Math.sqrt(r.inverseMetric[i]) / scales[i]).toBeGreaterThan(0.7);
      expect(Math.sqrt(r.inverseMetric[i]) / scales[i]).toBeLessThan(1.3);
    }
    const accept = r.stats.filter((_, k) => k % 7 === 1);
    const meanAccept = accept.reduce((a, b) => a + b, 0) / accept.length;
    expect(meanAccept).toBeGreaterThan(0.7);
    expect(r.stats.filter((_, k) => k % 7 === 5).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("samples a strongly correlated Gaussian and learns its covariance (dense metric)", () => {
    const rho = 0.99;
    const s = [1, 10];
    const det = 1 - rho * rho;
    const logp = (q: Float64Array, g: Float64Array) => {
      const a = q[0] / s[0];
      const b = q[1] / s[1];
      g[0] = -(a - rho * b) / (det * s[0]);
      g[1] = -(b - rho * a) / (det * s[1]);
      return (-0.5 * (a * a - 2 * rho * a * b + b * b)) / det;
    };
    const r = runChain(logp, Float64Array.from([0.5, -0.5]), { ...settings, metric: "dense" });
    const { mean, cov } = moments(r.draws, 2);
    expect(Math.abs(mean[0])).toBeLessThan(0.1);
    expect(Math.abs(mean[1])).toBeLessThan(1);
    expect(cov[0] / (s[0] * s[0])).toBeGreaterThan(0.85);
    expect(cov[0] / (s[0] * s[0])).toBeLessThan(1.15);
    expect(cov[1] / (s[0] * s[1])).toBeGreaterThan(0.85 * rho);
    // with the covariance learnt, trajectories are short
    const meanLeapfrog = r.stats.filter((_, k) => k % 7 === 4).reduce((a, b) => a + b, 0) / 4000;
    expect(meanLeapfrog).toBeLessThan(8);
  });

  it("is deterministic: the same seed gives bit-identical draws", () => {
    const logp = (q: Float64Array, g: Float64Array) => {
      g[0] = -q[0];
      g[1] = -4 * q[1];
      return -0.5 * q[0] * q[0] - 2 * q[1] * q[1];
    };
    const a = runChain(logp, Float64Array.from([1, 1]), {
      ...settings,
      warmup: 200,
      draws: 200,
      metric: "diag",
    });
    const b = runChain(logp, Float64Array.from([1, 1]), {
      ...settings,
      warmup: 200,
      draws: 200,
      metric: "diag",
    });
    expect(Buffer.from(a.draws.buffer).equals(Buffer.from(b.draws.buffer))).toBe(true);
    const c = runChain(logp, Float64Array.from([1, 1]), {
      ...settings,
      seed: 2,
      warmup: 200,
      draws: 200,
      metric: "diag",
    });
    expect(Buffer.from(a.draws.buffer).equals(Buffer.from(c.draws.buffer))).toBe(false);
  });

  it("flags divergences in a funnel", () => {
    // Neal's funnel: v ~ N(0, 3), x | v ~ N(0, e^{v/2}); centred, it diverges in the neck
    const logp = (q: Float64Array, g: Float64Array) => {
      const v = q[0];
      let lp = (-v * v) / 18;
      g[0] = -v / 9;
      for (let i = 1; i < q.length; i++) {
        const e = Math.exp(-v);
        lp += -0.5 * q[i] * q[i] * e - 0.5 * v;
        g[0] += 0.5 * q[i] * q[i] * e - 0.5;
        g[i] = -q[i] * e;
      }
      return lp;
    };
    const r = runChain(logp, new Float64Array(10).fill(0.1), {
      ...settings,
      warmup: 500,
      draws: 1000,
      metric: "diag",
    });
    expect(r.stats.filter((_, k) => k % 7 === 5).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
