// Laplace approximation: exact on a Gaussian, draws with the right covariance, and an honest
// report (plus a ridge) when the curvature at the "mode" is not negative definite.

import { describe, expect, it } from "vitest";
import { choleskyInPlace } from "../../src/core/linalg.js";
import { Rng } from "../../src/core/rng.js";
import { laplace, laplaceDraws } from "../../src/inference/laplace.js";

/** A random SPD covariance with unit-to-large scale spread, its precision and a Gaussian log density. */
function gaussian(dim: number, seed: number) {
  const rng = new Rng(seed);
  const b = Float64Array.from({ length: dim * dim }, () => rng.normal());
  const scales = Float64Array.from({ length: dim }, (_, i) => 10 ** (i / 2 - 1)); // 0.1 … 100
  const cov = new Float64Array(dim * dim); // Σ = S (B Bᵀ / dim + I) S
  for (let i = 0; i < dim; i++)
    for (let j = 0; j < dim; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < dim; k++) s += (b[i * dim + k] * b[j * dim + k]) / dim;
      cov[i * dim + j] = s * scales[i] * scales[j];
    }
  const prec = invert(cov, dim);
  const mean = Float64Array.from({ length: dim }, () => rng.normal(0, 3));
  const r = new Float64Array(dim);
  const logp = (x: Float64Array, g: Float64Array) => {
    for (let i = 0; i < dim; i++) r[i] = x[i] - mean[i];
    let lp = 0;
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += prec[i * dim + j] * r[j];
      g[i] = -s;
      lp -= 0.5 * r[i] * s;
    }
    return lp;
  };
  return { cov, prec, mean, logp };
}

/** Gauss–Jordan inverse (test helper only). */
function invert(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    for (let k = 0; k < n; k++) {
      [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
      [inv[c * n + k], inv[p * n + k]] = [inv[p * n + k], inv[c * n + k]];
    }
    const d = m[c * n + c];
    for (let k = 0; k < n; k++) {
      m[c * n + k] /= d;
      inv[c * n + k] /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c];
      for (let k = 0; k < n; k++) {
        m[r * n + k] -= f * m[c * n + k];
        inv[r * n + k] -= f * inv[c * n + k];
      }
    }
  }
  return inv;
}

describe("laplace", () => {
  it("recovers the mean and covariance of a Gaussian exactly", () => {
    const dim = 6;
    const { cov, mean, logp } = gaussian(dim, 4);
    const a = laplace(logp, mean);
    expect(a.regularized).toBe(false);
    expect(Array.from(a.mean)).toEqual(Array.from(mean));
    for (let i = 0; i < dim; i++)
      for (let j = 0; j < dim; j++) {
        const scale = Math.sqrt(cov[i * dim + i] * cov[j * dim + j]);
        expect(Math.abs(a.covariance[i * dim + j] - cov[i * dim + j]) / scale).toBeLessThan(1e-6);
      }
    // the lower factor reproduces the covariance, and log|Σ| matches the factor of Σ itself
    let logDet = 0;
    const l = Float64Array.from(cov);
    expect(choleskyInPlace(l, dim)).toBe(true);
    for (let i = 0; i < dim; i++) {
      logDet += 2 * Math.log(l[i * dim + i]);
      for (let j = 0; j < dim; j++) {
        let s = 0;
        for (let k = 0; k < dim; k++) s += a.chol[i * dim + k] * a.chol[j * dim + k];
        expect(Math.abs(s - a.covariance[i * dim + j])).toBeLessThan(
          1e-9 * Math.sqrt(cov[i * dim + i] * cov[j * dim + j]),
        );
        if (j > i) expect(a.chol[i * dim + j]).toBe(0);
      }
    }
    expect(Math.abs(a.logDetCov - logDet)).toBeLessThan(1e-6);
    expect(a.hessianCondition).toBeGreaterThan(1e4); // the scales span 0.1 … 31.6
    expect(Number.isFinite(a.hessianCondition)).toBe(true);
  });

  it("draws with the Laplace mean and covariance", () => {
    const dim = 4;
    const { cov, mean, logp } = gaussian(dim, 9);
    const a = laplace(logp, mean);
    const n = 40_000;
    const draws = laplaceDraws(a, n, new Rng(2));
    expect(draws.length).toBe(n * dim);
    const m = new Float64Array(dim);
    for (let k = 0; k < n; k++) for (let i = 0; i < dim; i++) m[i] += draws[k * dim + i] / n;
    for (let i = 0; i < dim; i++) {
      const sd = Math.sqrt(cov[i * dim + i]);
      expect(Math.abs(m[i] - mean[i]) / sd).toBeLessThan(0.03); // 6 standard errors
      for (let j = 0; j < dim; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (draws[k * dim + i] - m[i]) * (draws[k * dim + j] - m[j]);
        s /= n - 1;
        const scale = Math.sqrt(cov[i * dim + i] * cov[j * dim + j]);
        expect(Math.abs(s - cov[i * dim + j]) / scale).toBeLessThan(0.03);
      }
    }
  });

  it("regularises a saddle and says so", () => {
    const logp = (x: Float64Array, g: Float64Array) => {
      g[0] = -4 * x[0];
      g[1] = 0.5 * x[1];
      return -2 * x[0] * x[0] + 0.25 * x[1] * x[1];
    };
    const a = laplace(logp, new Float64Array(2));
    expect(a.regularized).toBe(true);
    expect(a.ridge).toBeGreaterThan(0);
    expect(a.minEigenvalue).toBeCloseTo(-0.5, 6);
    expect(a.hessianCondition).toBe(Number.POSITIVE_INFINITY);
    // the well-curved coordinate keeps (nearly) its own variance
    expect(a.covariance[0]).toBeGreaterThan(0.2);
    expect(a.covariance[0]).toBeLessThanOrEqual(0.25 + 1e-9);
    expect(a.covariance[3]).toBeGreaterThan(0);
    const l = Float64Array.from(a.covariance);
    expect(choleskyInPlace(l, 2)).toBe(true);
  });

  it("regularises a flat direction", () => {
    const logp = (x: Float64Array, g: Float64Array) => {
      g[0] = -x[0];
      g[1] = 0;
      return -0.5 * x[0] * x[0];
    };
    const a = laplace(logp, Float64Array.of(0, 3));
    expect(a.regularized).toBe(true);
    expect(Math.abs(a.covariance[0] - 1)).toBeLessThan(1e-6);
    expect(a.covariance[3]).toBeGreaterThan(1e3); // huge: nothing pins it down
  });

  it("falls back to one-sided differences at a support boundary", () => {
    // log p = −x²/2 on x > 0 only, evaluated exactly at the edge of where a central step fits
    const logp = (x: Float64Array, g: Float64Array) => {
      if (!(x[0] > 0)) return Number.NEGATIVE_INFINITY;
      g[0] = -x[0];
      return -0.5 * x[0] * x[0];
    };
    const a = laplace(logp, Float64Array.of(5e-6));
    expect(Math.abs(a.covariance[0] - 1)).toBeLessThan(1e-6);
  });
});
