// Channel contributions for reports and plans, evaluated per posterior draw outside the sampler.

import { adstockInto } from "./adstock.js";
import { type ChannelParamIndex, channelResponseAt, geoEffectFactor } from "./channelResponse.js";
import type { ChannelData } from "./design.js";
import type { MmmModel } from "./mmm.js";
import { saturationValue } from "./saturation.js";

/**
 * Contributions in KPI units for one draw (constrained parameter values), as used by every
 * measure: the model's centring constant is fixed at the observed spend, so a counterfactual
 * spend path changes only the channel's own term and the difference from zero spend is m·s_t/s1.
 */
export class ContributionEvaluator {
  private readonly weights: Float64Array;
  private readonly dWeights: Float64Array;
  private readonly adstocked: Float64Array;
  private readonly values: ReturnType<typeof saturationValue>[];
  private readonly channels: ChannelData[];
  private readonly layouts: ChannelParamIndex[];

  /** `set`: the paid channels (index c as in model.data.channels) or the organic ones. */
  constructor(
    private readonly model: MmmModel,
    set: "paid" | "organic" = "paid",
  ) {
    this.channels = set === "paid" ? model.data.channels : model.data.organic;
    this.layouts = set === "paid" ? model.layout.channels : model.layout.organic;
    const maxLag = Math.max(1, ...this.channels.map((c) => c.maxLag));
    this.weights = new Float64Array(maxLag);
    this.dWeights = new Float64Array(2 * maxLag);
    this.adstocked = new Float64Array(model.data.G * model.data.T);
    this.values = this.channels.map((c) => saturationValue(c.saturation));
  }

  /**
   * Channel c's total contribution over all geo-weeks (KPI units) with its input multiplied by
   * each of `multipliers`, into `out`: what ROI and marginal ROI need per draw. Adstock is linear,
   * so one adstock pass serves every multiplier; the saturation is evaluated without derivatives.
   */
  totals(x: ArrayLike<number>, c: number, multipliers: ArrayLike<number>, out: Float64Array): Float64Array {
    const d = this.model.data;
    const { G, T } = d;
    const ch = this.channels[c];
    const { s1, n, coef } = channelResponseAt(ch, this.layouts[c], x, this.weights, this.dWeights);
    const a = this.adstocked;
    for (let g = 0; g < G; g++) adstockInto(ch.x, this.weights, ch.maxLag, a, g * T, T);
    const value = this.values[c];
    for (let m = 0; m < multipliers.length; m++) {
      const k = multipliers[m];
      let total = 0;
      for (let g = 0; g < G; g++) {
        let geo = 0;
        for (let t = 0; t < T; t++) geo += value(k * a[g * T + t], s1, n);
        total += geo * d.yScale[g] * geoEffectFactor(this.layouts[c], x, g);
      }
      out[m] = coef * total;
    }
    return out;
  }

  /**
   * Weekly contribution of channel c (geo-major G·T, KPI units) with its input multiplied by
   * `multiplier`, or replaced by `input` (scaled units, geo-major) when given.
   */
  channel(
    x: ArrayLike<number>,
    c: number,
    multiplier = 1,
    input?: Float64Array,
    out?: Float64Array,
  ): Float64Array {
    const d = this.model.data;
    const { G, T } = d;
    const ch = this.channels[c];
    const lay = this.layouts[c];
    const { s1, n, coef } = channelResponseAt(ch, lay, x, this.weights, this.dWeights);
    const value = this.values[c];
    const a = this.adstocked;
    const res = out ?? new Float64Array(G * T);
    for (let g = 0; g < G; g++) {
      const off = g * T;
      adstockInto(input ?? ch.x, this.weights, ch.maxLag, a, off, T);
      const k = coef * geoEffectFactor(lay, x, g) * d.yScale[g];
      for (let t = off; t < off + T; t++) res[t] = k * value(a[t] * multiplier, s1, n);
    }
    return res;
  }
}
