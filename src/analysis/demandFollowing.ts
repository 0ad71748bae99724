// Spend that follows demand: when a channel's budget rises and falls with the KPI's own demand
// (its season, or a demand signal such as search query volume), the history cannot tell the
// channel's effect from the demand it chases, and an MMM tends to over-credit it — confidently.
// This check cannot prove confounding (nothing observational can); it flags the channels whose
// spend moves with the model's baseline demand or with a named demand proxy, so they are tested
// first and their ROI is read with care.

import { correlation } from "../core/stats.js";
import type { MmmModel } from "../model/mmm.js";
import { Decomposer } from "./decomposition.js";
import { thinned } from "./measures.js";

export interface DemandFollowing {
  channel: string;
  /** Correlation of the channel's weekly spend with the model's baseline demand (trend, season, holidays). */
  baselineCorrelation: number;
  /** Correlation with the named demand proxy, when one is given. */
  proxyCorrelation: number | null;
  atRisk: boolean;
  message: string;
}

/** Correlations at or above this mark a channel whose spend follows demand. */
export const DEMAND_FOLLOWING_THRESHOLD = 0.5;

export function demandFollowing(
  model: MmmModel,
  draws: Float64Array,
  options: { proxy?: { name: string; values: ArrayLike<number> }; threshold?: number } = {},
): DemandFollowing[] {
  const d = model.data;
  const { G, T } = d;
  const W = d.trainWeeks;
  const threshold = options.threshold ?? DEMAND_FOLLOWING_THRESHOLD;
  // the posterior-mean baseline demand, national, KPI units (every baseline part, not media or controls)
  const baseline = new Float64Array(W);
  const rows = thinned(draws, model.dim, 50);
  const decomposer = new Decomposer(model);
  for (const x of rows) {
    const dec = decomposer.decompose(x);
    for (const [name, v] of dec.parts)
      if (dec.kinds.get(name) === "baseline")
        for (let g = 0; g < G; g++)
          for (let t = 0; t < W; t++) baseline[t] += (v[g * T + t] * d.yScale[g]) / rows.length;
  }
  const proxy = options.proxy;
  return d.channels.map((ch) => {
    const spend = new Float64Array(W);
    for (let g = 0; g < G; g++) for (let t = 0; t < W; t++) spend[t] += ch.spend[g * T + t];
    const rBase = safeCorrelation(spend, baseline);
    const rProxy = proxy
      ? safeCorrelation(
          spend,
          Float64Array.from({ length: W }, (_, t) => proxy.values[t]),
        )
      : null;
    const strongest = Math.max(rBase, rProxy ?? Number.NEGATIVE_INFINITY);
    const atRisk = strongest >= threshold;
    const source =
      rProxy !== null && rProxy >= rBase
        ? `the demand proxy '${proxy?.name}'`
        : "the KPI's baseline demand (trend, season, holidays)";
    return {
      channel: ch.name,
      baselineCorrelation: rBase,
      proxyCorrelation: rProxy,
      atRisk,
      message: atRisk
        ? `${ch.name}'s spend follows ${source} (r = ${strongest.toFixed(2)}): the history cannot separate its effect from the demand it chases, so its ROI may be over-credited. Test it first.`
        : "",
    };
  });
}

/** Pearson correlation, 0 when either series is constant (no co-movement to speak of). */
function safeCorrelation(a: Float64Array, b: Float64Array): number {
  const r = correlation(a, b);
  return Number.isFinite(r) ? r : 0;
}
