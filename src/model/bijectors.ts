// Bijectors from the unconstrained real line to a parameter's support, with the log-Jacobian
// that keeps the density correct and the derivatives the gradient needs. As in Stan: positive
// parameters through exp, unit-interval ones through the logistic function, bounded ones
// through a scaled logistic.

import { sigmoid } from "../core/special.js";

export type Bijector =
  | { kind: "identity" }
  | { kind: "exp" }
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
    case "logit":
      return Math.log(x / (1 - x));
    case "bounded": {
      const s = (x - b.lower) / (b.upper - b.lower);
      return Math.log(s / (1 - s));
    }
  }
}
