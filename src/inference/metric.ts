// The Euclidean metric of Hamiltonian Monte Carlo: the inverse metric is an estimate of the
// posterior covariance (diagonal or dense); momenta are drawn with covariance its inverse.

import { choleskyInPlace } from "../core/linalg.js";
import type { Rng } from "../core/rng.js";

export type MetricKind = "diag" | "dense";

export class Metric {
  readonly kind: MetricKind;
  readonly dim: number;
  /** diag: the n variances; dense: the n×n covariance, row-major. */
  readonly inverse: Float64Array;
  /** dense: lower Cholesky factor of `inverse`. */
  private readonly chol: Float64Array;
  private readonly z: Float64Array;

  constructor(kind: MetricKind, dim: number, inverse?: Float64Array) {
    this.kind = kind;
    this.dim = dim;
    this.inverse = kind === "diag" ? new Float64Array(dim).fill(1) : identity(dim);
    this.chol = kind === "dense" ? identity(dim) : new Float64Array(0);
    this.z = new Float64Array(dim);
    if (inverse) this.set(inverse);
  }

  /** Replaces the inverse metric (a variance vector for diag, a covariance matrix for dense). */
  set(inverse: Float64Array): void {
    this.inverse.set(inverse);
    if (this.kind === "dense") {
      this.chol.set(inverse);
      if (!choleskyInPlace(this.chol, this.dim)) throw new Error("dense metric is not positive definite");
    }
  }

  /** Draws p ~ N(0, M) with M = inverse⁻¹. */
  sampleMomentum(rng: Rng, p: Float64Array): void {
    const n = this.dim;
    if (this.kind === "diag") {
      for (let i = 0; i < n; i++) p[i] = rng.normal() / Math.sqrt(this.inverse[i]);
      return;
    }
    // inverse = L Lᵀ ⇒ p = L⁻ᵀ z has covariance (L Lᵀ)⁻¹ = M
    const z = this.z;
    for (let i = 0; i < n; i++) z[i] = rng.normal();
    const L = this.chol;
    for (let i = n - 1; i >= 0; i--) {
      let s = z[i];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * p[k];
      p[i] = s / L[i * n + i];
    }
  }

  /** v = M⁻¹ p, the velocity dq/dt. */
  velocity(p: Float64Array, v: Float64Array): void {
    const n = this.dim;
    if (this.kind === "diag") {
      for (let i = 0; i < n; i++) v[i] = this.inverse[i] * p[i];
      return;
    }
    const m = this.inverse;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let k = 0; k < n; k++) s += m[row + k] * p[k];
      v[i] = s;
    }
  }

  /** ½ pᵀ M⁻¹ p, given v = M⁻¹ p. */
  kinetic(p: Float64Array, v: Float64Array): number {
    let s = 0;
    for (let i = 0; i < this.dim; i++) s += p[i] * v[i];
    return 0.5 * s;
  }
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}
