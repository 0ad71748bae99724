// Per-geo measures of a geo model: each channel's ROI in each geo (value × the geo's contribution ÷
// the geo's spend, per draw), its marginal ROI there and, for partially pooled effects, how far each geo's effect sits
// from the national one (exp(τ·z_g), per draw). National measures are the sums over geos that
// channelMetrics computes; these are their parts.

import { geoEffectFactor } from "../model/channelResponse.js";
import { ContributionEvaluator } from "../model/contributions.js";
import type { MmmModel } from "../model/mmm.js";
import { thinned } from "./measures.js";
import { type Interval, summarise } from "./summaries.js";

export interface GeoChannelMeasures {
  channel: string;
  /** Per geo, in the model's geo order. */
  spend: number[];
  roi: Interval[];
  /** Value of the next 1% of the geo's spend per unit of it (the geo's marginal ROI). */
  mroi: Interval[];
  /** The geo's effect ÷ the national effect; null when the channel's effect is pooled. */
  effectRatio: Interval[] | null;
}

export function geoMeasures(
  model: MmmModel,
  draws: Float64Array,
  options: { valuePerUnit: number; maxDraws?: number },
): GeoChannelMeasures[] {
  const d = model.data;
  const { G, T } = d;
  const rows = thinned(draws, model.dim, options.maxDraws ?? 500);
  const evaluator = new ContributionEvaluator(model);
  const weekly = new Float64Array(G * T);
  const weeklyMore = new Float64Array(G * T);
  const h = 0.01;
  return d.channels.map((ch, c) => {
    const lay = model.layout.channels[c];
    const spend = Array.from({ length: G }, (_, g) => {
      let s = 0;
      for (let t = 0; t < T; t++) s += ch.spend[g * T + t];
      return s;
    });
    const roi = Array.from({ length: G }, () => new Float64Array(rows.length));
    const mroi = Array.from({ length: G }, () => new Float64Array(rows.length));
    const ratio = lay.geo ? Array.from({ length: G }, () => new Float64Array(rows.length)) : null;
    rows.forEach((x, k) => {
      evaluator.channel(x, c, 1, undefined, weekly);
      evaluator.channel(x, c, 1 + h, undefined, weeklyMore);
      for (let g = 0; g < G; g++) {
        let contribution = 0;
        let more = 0;
        for (let t = 0; t < T; t++) {
          contribution += weekly[g * T + t];
          more += weeklyMore[g * T + t];
        }
        roi[g][k] = spend[g] > 0 ? (options.valuePerUnit * contribution) / spend[g] : Number.NaN;
        mroi[g][k] =
          spend[g] > 0 ? (options.valuePerUnit * (more - contribution)) / (h * spend[g]) : Number.NaN;
        if (ratio) ratio[g][k] = geoEffectFactor(lay, x, g);
      }
    });
    return {
      channel: ch.name,
      spend,
      roi: roi.map((v) => summarise(v)),
      mroi: mroi.map((v) => summarise(v)),
      effectRatio: ratio ? ratio.map((v) => summarise(v)) : null,
    };
  });
}
