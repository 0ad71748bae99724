// What every term registers about a parameter: its name (draws files, priors and reports key on
// it), its group, prior and bijector. The position in MmmModel.params is the order of registration.

import type { Bijector } from "./bijectors.js";
import { type Prior, priorSupport } from "./priors.js";

export interface ParamInfo {
  name: string;
  group:
    | "intercept"
    | "trend"
    | "changepoint"
    | "season"
    | "holiday"
    | "tvi"
    | "control"
    | "effect"
    | "adstock"
    | "saturation"
    | "noise";
  prior: Prior;
  bijector: Bijector;
  /** For controls with a negative sign: the effect is −value. */
  negate?: boolean;
}

/** Appends a parameter and returns its index in the parameter vector. */
export type AddParam = (p: ParamInfo) => number;

export function bijectorFor(prior: Prior, support?: "unit" | "positive" | "lag" | "real"): Bijector {
  const s = support ?? priorSupport(prior);
  if (s === "real") return { kind: "identity" };
  if (s === "positive") return { kind: "exp" };
  return { kind: "logit" };
}
