// Shared helpers for the terms' finite-difference tests: a term is built on its own parameter
// list, evaluated at random constrained points, and its backward pass compared with central
// differences of Σ dMu·μ (a random linear functional of its forward pass).

import { expect } from "vitest";
import type { Rng } from "../../../src/core/rng.js";
import { forward, inverse, type Transformed } from "../../../src/model/bijectors.js";
import type { ParamInfo } from "../../../src/model/params.js";
import { priorMedian } from "../../../src/model/priors.js";
import type { MeanTerm } from "../../../src/model/terms/term.js";

export function paramList(): { params: ParamInfo[]; add: (p: ParamInfo) => number } {
  const params: ParamInfo[] = [];
  return { params, add: (p) => params.push(p) - 1 };
}

/** Central difference of f along coordinate i at u, with a step of 1e-5 relative to |u_i| (at least 1e-5). */
export function centralDifference(f: (u: Float64Array) => number, u: ArrayLike<number>, i: number): number {
  const h = 1e-5 * Math.max(1, Math.abs(u[i]));
  const up = Float64Array.from(u);
  const dn = Float64Array.from(u);
  up[i] += h;
  dn[i] -= h;
  return (f(up) - f(dn)) / (2 * h);
}

/** A constrained point near the priors' medians (perturbed on the unconstrained scale). */
export function randomPoint(params: ParamInfo[], rng: Rng, spread = 0.4): Float64Array {
  const t: Transformed = { value: 0, dValue: 0, logJacobian: 0, dLogJacobian: 0 };
  return Float64Array.from(params, (p) => {
    const u = inverse(p.bijector, priorMedian(p.prior)) + rng.normal(0, spread);
    return forward(p.bijector, u, t).value;
  });
}

/** A step that keeps a (0, 1) parameter inside its support. */
export function step(p: ParamInfo, x: number): number {
  const h = 1e-6 * Math.max(1, Math.abs(x));
  return p.bijector.kind === "logit" ? Math.min(h, 0.25 * x, 0.25 * (1 - x)) : h;
}

/** Checks term.backward against central differences of Σ dMu·μ at `points` random points. */
export function checkMeanTerm(term: MeanTerm, params: ParamInfo[], n: number, rng: Rng, points = 3): void {
  const mu = new Float64Array(n);
  const f = (x: Float64Array, dMu: Float64Array): number => {
    mu.fill(0);
    expect(term.forward(x, mu)).toBe(true);
    let s = 0;
    for (let i = 0; i < n; i++) s += dMu[i] * mu[i];
    return s;
  };
  for (let p = 0; p < points; p++) {
    const x = randomPoint(params, rng);
    const dMu = Float64Array.from({ length: n }, () => rng.normal(0, 1));
    const gx = new Float64Array(params.length);
    f(x, dMu);
    term.backward(x, dMu, gx);
    for (let i = 0; i < params.length; i++) {
      const h = step(params[i], x[i]);
      const up = Float64Array.from(x);
      const dn = Float64Array.from(x);
      up[i] += h;
      dn[i] -= h;
      const fd = (f(up, dMu) - f(dn, dMu)) / (2 * h);
      const tol = 1e-5 * Math.max(1, Math.abs(fd));
      if (!(Math.abs(fd - gx[i]) <= tol)) {
        throw new Error(`d/d ${params[i].name}: backward ${gx[i]} vs finite difference ${fd} (point ${p})`);
      }
    }
  }
}
