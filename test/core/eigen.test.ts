// Jacobi eigenvalues against matrices whose spectrum is known by construction.

import { describe, expect, it } from "vitest";
import { symmetricEigenvalues } from "../../src/core/eigen.js";
import { Rng } from "../../src/core/rng.js";

describe("symmetricEigenvalues", () => {
  it("recovers the spectrum of Qᵀ diag(λ) Q", () => {
    const n = 8;
    const rng = new Rng(1);
    const q = Float64Array.from({ length: n * n }, () => rng.normal());
    // orthonormalise the rows (Gram–Schmidt)
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        let d = 0;
        for (let k = 0; k < n; k++) d += q[i * n + k] * q[j * n + k];
        for (let k = 0; k < n; k++) q[i * n + k] -= d * q[j * n + k];
      }
      const nrm = Math.hypot(...q.subarray(i * n, i * n + n));
      for (let k = 0; k < n; k++) q[i * n + k] /= nrm;
    }
    const lambda = [-3, -1e-3, 0, 1e-6, 0.5, 2, 40, 1e4];
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += q[k * n + i] * lambda[k] * q[k * n + j];
        a[i * n + j] = s;
      }
    const copy = Float64Array.from(a);
    const ev = symmetricEigenvalues(a, n);
    expect(Array.from(a)).toEqual(Array.from(copy)); // input untouched
    for (let i = 0; i < n; i++) expect(Math.abs(ev[i] - lambda[i])).toBeLessThan(1e-10 * 1e4);
  });

  it("handles 1×1 and diagonal input", () => {
    expect(Array.from(symmetricEigenvalues(Float64Array.of(7), 1))).toEqual([7]);
    expect(Array.from(symmetricEigenvalues(Float64Array.of(3, 0, 0, -2), 2))).toEqual([-2, 3]);
  });
});
