// The value of a budget plan under one posterior draw: spend `a` on a channel over the next H
// weeks (flat, split over geos), and count the incremental KPI it causes during the horizon and
// in the credited carryover weeks after it, given the carryover already in flight from the
// observed history. `planValues` is the one exact valuation of whole plans that every command uses.

import { channelResponseAt, geoEffectFactor } from "../model/channelResponse.js";
import type { MmmModel } from "../model/mmm.js";
import { saturationValue } from "../model/saturation.js";
import type { ChannelPlanContext, HorizonSettings } from "./context.js";

/**
 * Values (KPI units × valuePerUnit) of spending each amount in `amounts` on channel ctx.c over the
 * horizon, for one draw of constrained parameters x. Incremental over spending nothing.
 */
/**
 * What a channel's value under one draw needs before any amount is known: per geo, the carryover
 * in flight from the observed weeks into each future week, and the value of that carryover alone.
 * The live planner keeps one per channel and draw, so a move recomputes only the plan's part; the
 * numbers are the ones computed without it, to the bit.
 */
export interface InFlight {
  /** base[g × steps + t]: adstock of the observed weeks into future week t of geo g. */
  base: Float64Array;
  /** Σ_t saturation(base) per geo. */
  without: Float64Array;
}

/**
 * Values (KPI units × valuePerUnit) of spending each amount in `amounts` on channel ctx.c over the
 * horizon, for one draw of constrained parameters x. Incremental over spending nothing.
 */
export class PlanValuer {
  private readonly weights: Float64Array;
  private readonly dWeights: Float64Array;
  private readonly unit: Float64Array;
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
    this.unit = new Float64Array(this.horizon + this.tail);
  }

  /** An empty in-flight record, filled by the first channelValues call given it. */
  static emptyInFlight(): InFlight {
    return { base: new Float64Array(0), without: new Float64Array(0) };
  }

  /**
   * `memo`, when given, must belong to this channel and this draw: its first call fills it, and
   * later calls reuse it instead of recomputing the carryover in flight.
   */
  channelValues(
    x: ArrayLike<number>,
    ctx: ChannelPlanContext,
    amounts: ArrayLike<number>,
    out: Float64Array,
    memo?: InFlight,
  ): void {
    const m = this.model;
    const d = m.data;
    const { G, T } = d;
    const ch = d.channels[ctx.c];
    const lay = m.layout.channels[ctx.c];
    const L = ch.maxLag;
    const { s1, n, coef } = channelResponseAt(ch, lay, x, this.weights, this.dWeights);
    const w = this.weights;
    const saturate = saturationValue(ch.saturation);
    const H = this.horizon;
    const steps = H + this.tail;
    // the plan's own adstock per unit of weekly (scaled) spend: Σ_{l ≤ t, t − l < H} w[l]
    const unit = this.unit;
    for (let t = 0; t < steps; t++) {
      let u = 0;
      for (let l = 0; l < L && l <= t; l++) if (t - l < H) u += w[l];
      unit[t] = u;
    }
    const known = memo !== undefined && memo.base.length === G * steps;
    const flight = known ? memo : { base: new Float64Array(G * steps), without: new Float64Array(G) };
    out.fill(0, 0, amounts.length);
    for (let g = 0; g < G; g++) {
      // a geo the plan puts nothing into adds nothing (by-geo plan items have one geo each); a
      // record kept for later calls is filled for every geo all the same
      if (ctx.geoSplit[g] === 0 && (known || !memo)) continue;
      const o = g * steps;
      if (!known) {
        // carryover in flight: the adstock of the last L−1 observed weeks into each future week
        let without = 0;
        for (let t = 0; t < steps; t++) {
          let a = 0;
          for (let l = t + 1; l < L; l++) a += w[l] * ch.x[g * T + T - 1 - (l - t - 1)];
          flight.base[o + t] = a;
          without += saturate(a, s1, n);
        }
        flight.without[g] = without;
        if (ctx.geoSplit[g] === 0) continue;
      }
      const scale = ctx.geoSplit[g] / (H * ch.inputScale[g]);
      const factor = coef * geoEffectFactor(lay, x, g) * d.yScale[g] * this.valuePerUnit;
      for (let k = 0; k < amounts.length; k++) {
        const weeklyScaled = amounts[k] * scale;
        let with_ = 0;
        for (let t = 0; t < steps; t++) with_ += saturate(flight.base[o + t] + unit[t] * weeklyScaled, s1, n);
        out[k] += factor * (with_ - flight.without[g]);
      }
    }
    if (memo && !known) {
      memo.base = flight.base;
      memo.without = flight.without;
    }
  }
}

/**
 * Exact value per draw of whole plans (one amount per channel each): out[p][k] is plan p's value
 * under draw k. Every number a user sees about a plan (optimize, scenario, the report) comes from
 * here, so two commands can never disagree about the same plan.
 */
export function planValues(
  valuer: PlanValuer,
  rows: Float64Array[],
  channels: ChannelPlanContext[],
  plans: ArrayLike<number>[],
): Float64Array[] {
  const values = plans.map(() => new Float64Array(rows.length));
  const amounts = new Float64Array(plans.length);
  const out = new Float64Array(plans.length);
  channels.forEach((ctx, c) => {
    plans.forEach((p, s) => {
      amounts[s] = p[c];
    });
    rows.forEach((x, k) => {
      valuer.channelValues(x, ctx, amounts, out);
      for (let s = 0; s < plans.length; s++) values[s][k] += out[s];
    });
  });
  return values;
}

/**
 * The marginal return (value per extra currency unit) of channel ctx at `amount`, per draw: an
 * exact centred difference of its value curve, with a step of 1% of the larger of the amount and
 * `scale` (the reference amount), so a channel planned at zero still gets a slope.
 */
export function marginalReturns(
  valuer: PlanValuer,
  rows: Float64Array[],
  ctx: ChannelPlanContext,
  amount: number,
  scale: number,
): Float64Array {
  const step = Math.max(1, 0.01 * Math.max(amount, scale));
  const at = Float64Array.of(Math.max(0, amount - step), amount + step);
  const out = new Float64Array(2);
  const m = new Float64Array(rows.length);
  rows.forEach((x, k) => {
    valuer.channelValues(x, ctx, at, out);
    m[k] = (out[1] - out[0]) / (at[1] - at[0]);
  });
  return m;
}
