// Per-draw channel measures over the data window: incremental contribution (KPI with the
// channel's spend vs without it, carryover included), ROI (value of that contribution per unit
// of spend) and marginal ROI (the same for the next 1% of spend along the observed path).

import { ContributionEvaluator } from "../model/contributions.js";
import type { MmmModel } from "../model/mmm.js";

export interface ChannelDraws {
  channel: string;
  /** Total spend over the window (currency). */
  spend: number;
  /** Per draw: total incremental KPI over the window. */
  contribution: Float64Array;
  /** Per draw: value × contribution ÷ spend. */
  roi: Float64Array;
  /** Per draw: value × d(contribution)/d(spend) for a proportional change in the spend path. */
  mroi: Float64Array;
}

export interface ChannelMeasureOptions {
  /** Value of one KPI unit (1 when ROI is in KPI units per currency unit). */
  valuePerUnit: number;
  /** Relative spend step of the marginal-ROI finite difference. */
  mroiStep?: number;
}

/** `draws` holds constrained parameter values, row-major (n × dim). */
export function channelDraws(
  model: MmmModel,
  draws: Float64Array,
  opts: ChannelMeasureOptions,
): ChannelDraws[] {
  const dim = model.dim;
  const n = draws.length / dim;
  const h = opts.mroiStep ?? 0.01;
  const evaluator = new ContributionEvaluator(model);
  const { G, T } = model.data;
  const multipliers = [1, 1 + h];
  const totals = new Float64Array(2);
  return model.data.channels.map((ch, c) => {
    let spend = 0;
    for (let i = 0; i < G * T; i++) spend += ch.spend[i];
    const contribution = new Float64Array(n);
    const roi = new Float64Array(n);
    const mroi = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const x = draws.subarray(k * dim, (k + 1) * dim);
      evaluator.totals(x, c, multipliers, totals);
      const base = totals[0];
      const more = totals[1];
      contribution[k] = base;
      roi[k] = spend > 0 ? (opts.valuePerUnit * base) / spend : Number.NaN;
      mroi[k] = spend > 0 ? (opts.valuePerUnit * (more - base)) / (h * spend) : Number.NaN;
    }
    return { channel: ch.name, spend, contribution, roi, mroi };
  });
}

/** An organic channel's contribution per draw (it has exposure but no spend, so no ROI). */
export interface OrganicDraws {
  channel: string;
  /** Total exposure over the window, in the table's exposure unit. */
  exposure: number;
  /** Per draw: total incremental KPI over the window. */
  contribution: Float64Array;
}

/** `draws` holds constrained parameter values, row-major (n × dim). */
export function organicDraws(model: MmmModel, draws: Float64Array): OrganicDraws[] {
  const dim = model.dim;
  const n = draws.length / dim;
  const evaluator = new ContributionEvaluator(model, "organic");
  const { G, T } = model.data;
  const total = new Float64Array(1);
  return model.data.organic.map((ch, c) => {
    let exposure = 0;
    for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) exposure += ch.x[g * T + t] * ch.inputScale[g];
    const contribution = new Float64Array(n);
    for (let k = 0; k < n; k++)
      contribution[k] = evaluator.totals(draws.subarray(k * dim, (k + 1) * dim), c, [1], total)[0];
    return { channel: ch.name, exposure, contribution };
  });
}
