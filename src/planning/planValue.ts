// The value of a budget plan under one posterior draw: spend `a` on a channel over the next H
// weeks (flat, split over geos as in the last year), and count the incremental KPI it causes
// during the horizon and in the credited carryover weeks after it, given the carryover already
// in flight from the observed history. Precomputed on a grid of amounts per channel and draw.

import { adstockSpec, adstockWeightsWithGradient } from "../model/adstock.js";
import type { MmmModel } from "../model/mmm.js";
import { saturationKernel } from "../model/saturation.js";

export interface HorizonSettings {
  horizonWeeks: number;
  /** Weeks after the horizon whose carryover is credited to the plan (default: longest lag − 1). */
  carryoverWeeks?: number;
  /** Weeks of history that set the geo split and the "current" run-rate. */
  lookbackWeeks?: number;
}

export interface ChannelPlanContext {
  name: string;
  c: number;
  /** Share of the channel's spend per geo over the lookback. */
  geoSplit: Float64Array;
  /** Current plan: the channel's weekly run-rate over the lookback × horizon (currency). */
  current: number;
  /** Largest and average active weekly spend seen in the data (currency, national). */
  maxWeekly: number;
  lastWeekly: number;
}

/** Plan context per channel, from the model's data. */
export function planContexts(model: MmmModel, settings: HorizonSettings): ChannelPlanContext[] {
  const d = model.data;
  const { G, T } = d;
  const H = settings.horizonWeeks;
  const lookback = Math.min(settings.lookbackWeeks ?? 52, T);
  return d.channels.map((ch, c) => {
    const perGeo = new Float64Array(G);
    const weekly = new Float64Array(T);
    for (let g = 0; g < G; g++) {
      for (let t = 0; t < T; t++) {
        weekly[t] += ch.spend[g * T + t];
        if (t >= T - lookback) perGeo[g] += ch.spend[g * T + t];
      }
    }
    const total = perGeo.reduce((a, b) => a + b, 0);
    const last4 = weekly.subarray(T - 4).reduce((a, b) => a + b, 0) / 4;
    return {
      name: ch.name,
      c,
      geoSplit: perGeo.map((v) => (total > 0 ? v / total : 1 / G)),
      current: (total / lookback) * H,
      maxWeekly: Math.max(...weekly),
      lastWeekly: last4,
    };
  });
}

/**
 * Values (KPI units × valuePerUnit) of spending each amount in `amounts` on channel ctx.c over the
 * horizon, for one draw of constrained parameters x. Incremental over spending nothing.
 */
export class PlanValuer {
  private readonly weights: Float64Array;
  private readonly dWeights: Float64Array;
  private readonly out = new Float64Array(4);
  readonly horizon: number;
  readonly tail: number;

  constructor(
    private readonly model: MmmModel,
    settings: HorizonSettings,
    private readonly valuePerUnit: number,
  ) {
    const maxLag = Math.max(...model.data.channels.map((c) => c.maxLag));
    this.weights = new Float64Array(maxLag);
    this.dWeights = new Float64Array(2 * maxLag);
    this.horizon = settings.horizonWeeks;
    this.tail = settings.carryoverWeeks ?? maxLag - 1;
  }

  channelValues(
    x: ArrayLike<number>,
    ctx: ChannelPlanContext,
    amounts: ArrayLike<number>,
    out: Float64Array,
  ): void {
    const m = this.model;
    const d = m.data;
    const { G, T } = d;
    const ch = d.channels[ctx.c];
    const lay = m.layout.channels[ctx.c];
    const L = ch.maxLag;
    adstockWeightsWithGradient(
      adstockSpec(
        ch.adstock,
        [x[lay.adstock[0]], lay.adstock.length > 1 ? x[lay.adstock[1]] : 0],
        L,
        ch.normalize,
      ),
      this.weights,
      this.dWeights,
    );
    const w = this.weights;
    const s1 = x[lay.saturation[0]];
    const n = lay.saturation.length > 1 ? x[lay.saturation[1]] : 1;
    const kernel = saturationKernel(ch.saturation);
    const coef = x[lay.effect] / s1;
    const H = this.horizon;
    const steps = H + this.tail;
    out.fill(0, 0, amounts.length);
    for (let g = 0; g < G; g++) {
      // carryover in flight: the adstock of the last L−1 observed weeks into each future week
      const base = new Float64Array(steps);
      for (let t = 0; t < steps; t++) {
        let a = 0;
        for (let l = t + 1; l < L; l++) a += w[l] * ch.x[g * T + T - 1 - (l - t - 1)];
        base[t] = a;
      }
      // the plan's own adstock per unit of weekly (scaled) spend: Σ_{l ≤ t, t − l < H} w[l]
      const unit = new Float64Array(steps);
      for (let t = 0; t < steps; t++) for (let l = 0; l < L && l <= t; l++) if (t - l < H) unit[t] += w[l];
      let without = 0;
      for (let t = 0; t < steps; t++) {
        kernel(base[t], s1, n, this.out);
        without += this.out[0];
      }
      const scale = ctx.geoSplit[g] / (H * ch.inputScale[g]);
      const factor = coef * d.yScale[g] * this.valuePerUnit;
      for (let k = 0; k < amounts.length; k++) {
        const weeklyScaled = amounts[k] * scale;
        let with_ = 0;
        for (let t = 0; t < steps; t++) {
          kernel(base[t] + unit[t] * weeklyScaled, s1, n, this.out);
          with_ += this.out[0];
        }
        out[k] += factor * (with_ - without);
      }
    }
  }
}
