// The lab's true media response: per channel and geo, adstock then Hill saturation scaled by a
// coefficient. Everything the truth reports (contributions, ROI, marginal ROI, response curves,
// the value of a budget plan) is computed from these few functions.

import { type AdstockSpec, adstockWeights, applyAdstock } from "../model/adstock.js";
import { saturate, saturateDerivative } from "../model/saturation.js";

export interface ChannelTruthParams {
  name: string;
  adstock: AdstockSpec;
  /** Hill slope, shared by all geos. */
  slope: number;
  /** Half-saturation per geo, in USD of adstocked weekly spend. */
  halfSaturation: number[];
  /** Coefficient per geo: weekly KPI at full saturation. */
  beta: number[];
  /**
   * The drift world's change of effect: from week `week` of the history on (an index into the
   * spend paths the functions below receive), the coefficient is multiplied by `multiplier`.
   */
  effectChange?: { week: number; multiplier: number };
}

/** The coefficient's multiplier in week t of the history. */
function effectAt(p: ChannelTruthParams, t: number): number {
  return p.effectChange && t >= p.effectChange.week ? p.effectChange.multiplier : 1;
}

/** Weekly contribution of one channel in one geo for a weekly spend path (USD). */
export function channelContribution(
  p: ChannelTruthParams,
  geo: number,
  spend: ArrayLike<number>,
): Float64Array {
  const a = applyAdstock(spend, adstockWeights(p.adstock));
  const spec = { type: "hill" as const, halfSaturation: p.halfSaturation[geo], slope: p.slope };
  for (let t = 0; t < a.length; t++) a[t] = p.beta[geo] * effectAt(p, t) * saturate(a[t], spec);
  return a;
}

/**
 * d/dθ of Σ_t contribution when the spend path is scaled by θ, at θ = 1. Adstock is linear, so
 * scaling spend scales the adstocked series and the derivative is Σ β·s'(A_t)·A_t.
 */
export function contributionScaleDerivative(
  p: ChannelTruthParams,
  geo: number,
  spend: ArrayLike<number>,
  from = 0,
  to = spend.length,
): number {
  const a = applyAdstock(spend, adstockWeights(p.adstock));
  const spec = { type: "hill" as const, halfSaturation: p.halfSaturation[geo], slope: p.slope };
  let d = 0;
  // s'(A)·A → 0 as A → 0 for every slope, so weeks without adstock add nothing (and avoid 0·∞)
  for (let t = from; t < to; t++)
    if (a[t] > 0) d += p.beta[geo] * effectAt(p, t) * saturateDerivative(a[t], spec) * a[t];
  return d;
}

export function sumRange(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  let s = 0;
  for (let t = from; t < to; t++) s += xs[t];
  return s;
}
