// Bijectors from the unconstrained real line to a parameter's support, with the log-Jacobian
// that keeps the density correct and the derivatives the gradient needs. As in Stan: positive
// parameters through exp, unit-interval ones through the logistic function, bounded ones
// through a scaled logistic.
//
// One departure from Stan: a positive parameter whose prior keeps density at zero (a half-normal
// magnitude, such as a signed control's effect) and whose posterior may pile up near zero goes
// through a scaled softplus, x = c·log(1 + e^u). Through exp, such a posterior becomes a funnel on
// the log scale (flat far to the left, a wall of curvature to the right) that a single step size
// cannot cross: it caused most of our divergences (issue 12). The softplus is linear above c, so
// a posterior well away from zero keeps its (near-Gaussian) shape, and exp-like below, so zero
// stays unreachable. The posterior is the same either way; only the sampler's geometry changes.

import { sigmoid, softplus } from "../core/special.js";

export type Bijector =
  | { kind: "identity" }
  | { kind: "exp" }
  /** x = scale·softplus(u); `scale` sets where it turns from exp-like to linear. */
  | { kind: "softplus"; scale: number }
  | { kind: "logit" }
  | { kind: "bounded"; lower: number; upper: number };

export interface Transformed {
  /** Constrained value x = f(u). */
  value: number;
  /** dx/du. */
  dValue: number;
  /** log |dx/du|. */
  logJacobian: number;
  /** d log|dx/du| / du. */
  dLogJacobian: number;
}

export function forward(b: Bijector, u: number, out: Transformed): Transformed {
  switch (b.kind) {
    case "identity":
      out.value = u;
      out.dValue = 1;
      out.logJacobian = 0;
      out.dLogJacobian = 0;
      break;
    case "exp": {
      const x = Math.exp(u);
      out.value = x;
      out.dValue = x;
      out.logJacobian = u;
      out.dLogJacobian = 1;
      break;
    }
    case "softplus": {
      const s = sigmoid(u);
      out.value = b.scale * softplus(u);
      out.dValue = b.scale * s;
      // log(c·σ(u)) = log c − softplus(−u)
      out.logJacobian = Math.log(b.scale) - softplus(-u);
      out.dLogJacobian = 1 - s;
      break;
    }
    case "logit":
    case "bounded": {
      const s = sigmoid(u);
      const width = b.kind === "bounded" ? b.upper - b.lower : 1;
      const lower = b.kind === "bounded" ? b.lower : 0;
      const ds = s * (1 - s);
      out.value = lower + width * s;
      out.dValue = width * ds;
      // log(width·s·(1−s)) computed stably from u
      out.logJacobian = Math.log(width) - Math.abs(u) - 2 * Math.log1p(Math.exp(-Math.abs(u)));
      out.dLogJacobian = 1 - 2 * s;
      break;
    }
  }
  return out;
}

export function inverse(b: Bijector, x: number): number {
  switch (b.kind) {
    case "identity":
      return x;
    case "exp":
      return Math.log(x);
    case "softplus": {
      // u = log(e^y − 1), y = x/c; written to stay finite for large y
      const y = x / b.scale;
      return y > 30 ? y + Math.log(-Math.expm1(-y)) : Math.log(Math.expm1(y));
    }
    case "logit":
      return Math.log(x / (1 - x));
    case "bounded": {
      const s = (x - b.lower) / (b.upper - b.lower);
      return Math.log(s / (1 - s));
    }
  }
}
