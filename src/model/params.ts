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
    | "geo_effect"
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

/**
 * A scale or magnitude whose posterior often sits near zero (a signed control's size, the spread
 * of an effect across geos: the data cannot tell a small one from none): sampled through a
 * softplus, linear above a twentieth of the prior's scale (see bijectors.ts) instead of exp, whose
 * log scale turns such a posterior into a funnel. Priors that vanish at zero keep exp.
 */
export function magnitudeBijector(prior: Prior): Bijector {
  if (prior.dist === "half_normal") return { kind: "softplus", scale: prior.sigma / 20 };
  if (prior.dist === "exponential") return { kind: "softplus", scale: 1 / (20 * prior.rate) };
  return { kind: "exp" };
}
