// Finance-ready measures from posterior draws, each computed per draw and then summarised:
// ROI and its hurdle probabilities, cost per incremental KPI, profit ROI, marginal ROI, where a
// channel sits on its curve, response curves with bands, and counterfactual lift for any
// change of spend (adstock recomputed from the changed spend, so carryover changes too).

import { quantile } from "../core/stats.js";
import { ContributionEvaluator } from "../model/contributions.js";
import type { MmmModel } from "../model/mmm.js";
import type { ChannelDraws } from "./channelMetrics.js";
import type { ChannelFinding, ResponseCurve } from "./findings.js";
import { probabilityAbove, summarise } from "./summaries.js";

export interface MeasureOptions {
  /** Value of one KPI unit in the currency; null when unknown (ROI is then KPI per currency unit). */
  valuePerUnit: number | null;
  /** Gross margin on that value, for profit ROI (e.g. 0.6); null when unknown. */
  margin: number | null;
  /** The user's ROI hurdle: the ROI a channel must beat to deserve money. */
  hurdle: number;
}

export function channelFindings(
  measures: ChannelDraws[],
  kpiTotal: number,
  opts: MeasureOptions,
): ChannelFinding[] {
  return measures.map((m) => {
    const n = m.roi.length;
    const cpik = Float64Array.from(m.contribution, (c) => (c > 0 ? m.spend / c : Number.POSITIVE_INFINITY));
    const profit =
      opts.valuePerUnit !== null && opts.margin !== null
        ? Float64Array.from(
            m.contribution,
            (c) => ((opts.valuePerUnit as number) * (opts.margin as number) * c - m.spend) / m.spend,
          )
        : null;
    // the next unit of spend earns mROI: compare it with the hurdle (value units) or, without a
    // value, with the channel's own average return (elasticity)
    let headroom: ChannelFinding["headroom"];
    let reason: string;
    const mroiMedian = quantile(m.mroi, 0.5);
    if (opts.valuePerUnit !== null) {
      const pAbove = probabilityAbove(m.mroi, opts.hurdle);
      headroom = pAbove < 0.2 ? "saturated" : pAbove > 0.8 ? "room_to_grow" : "uncertain";
      reason = `P(marginal ROI > ${opts.hurdle}) = ${pAbove.toFixed(2)}; the next unit of spend returns about ${mroiMedian.toFixed(2)}`;
    } else {
      const ratio = Float64Array.from({ length: n }, (_, k) => m.mroi[k] / m.roi[k]);
      const r = quantile(ratio, 0.5);
      headroom = r < 0.35 ? "saturated" : r > 0.7 ? "room_to_grow" : "uncertain";
      reason = `the next unit of spend returns about ${(100 * r).toFixed(0)}% of the average return`;
    }
    return {
      name: m.channel,
      spend: m.spend,
      contribution: summarise(m.contribution),
      share: summarise(m.contribution.map((c) => c / kpiTotal)),
      roi: summarise(m.roi),
      // without a value per KPI unit, ROI is KPI per currency unit: 1 is no break-even
      pRoiAbove1: opts.valuePerUnit !== null ? probabilityAbove(m.roi, 1) : null,
      pRoiAboveHurdle: opts.valuePerUnit !== null ? probabilityAbove(m.roi, opts.hurdle) : null,
      costPerIncremental: summarise(cpik),
      profitRoi: profit ? summarise(profit) : null,
      mroi: summarise(m.mroi),
      headroom,
      headroomReason: reason,
    };
  });
}

/** Rows of `draws` (n × dim) to use: at most `max`, evenly spaced, so curves stay fast. */
export function thinned(draws: Float64Array, dim: number, max: number): Float64Array[] {
  const n = draws.length / dim;
  const take = Math.min(n, max);
  // evenly spaced over all draws (every chain alike), not the first `max`
  return Array.from({ length: take }, (_, i) => {
    const k = Math.floor((i * n) / take);
    return draws.subarray(k * dim, (k + 1) * dim);
  });
}

/**
 * Contribution over the window (value units when the value is known) as the whole spend path is
 * scaled by 0 … maxMultiplier, with 50% and 90% bands; the observed weekly spend range marks where
 * the curve is interpolation and where it extrapolates.
 */
export function responseCurves(
  model: MmmModel,
  draws: Float64Array,
  valuePerUnit: number | null,
  maxMultiplier = 3,
  points = 31,
  maxDraws = 400,
): ResponseCurve[] {
  const rows = thinned(draws, model.dim, maxDraws);
  const evaluator = new ContributionEvaluator(model);
  const { G, T } = model.data;
  const buf = new Float64Array(G * T);
  const value = valuePerUnit ?? 1;
  const multipliers = Array.from({ length: points }, (_, i) => (maxMultiplier * i) / (points - 1));
  return model.data.channels.map((ch, c) => {
    const weekly = new Float64Array(T);
    for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) weekly[t] += ch.spend[g * T + t];
    const total = weekly.reduce((a, b) => a + b, 0);
    const active = Array.from(weekly).filter((v) => v > 0);
    const activeMean = active.reduce((a, b) => a + b, 0) / Math.max(1, active.length);
    const curve = multipliers.map((mult) => {
      const vals = rows.map((x) => {
        const v = evaluator.channel(x, c, mult, undefined, buf);
        let s = 0;
        for (let i = 0; i < v.length; i++) s += v[i];
        return s * value;
      });
      return {
        mean: vals.reduce((a, b) => a + b, 0) / vals.length,
        q05: quantile(vals, 0.05),
        q25: quantile(vals, 0.25),
        q75: quantile(vals, 0.75),
        q95: quantile(vals, 0.95),
      };
    });
    const maxWeekly = active.length > 0 ? Math.max(...active) : 0;
    const minWeekly = active.length > 0 ? Math.min(...active) : 0;
    return {
      channel: ch.name,
      spend: multipliers.map((m) => m * total),
      mean: curve.map((p) => p.mean),
      q05: curve.map((p) => p.q05),
      q25: curve.map((p) => p.q25),
      q75: curve.map((p) => p.q75),
      q95: curve.map((p) => p.q95),
      currentSpend: total,
      // the observed range of weekly spend, expressed as a window total at the same number of active weeks
      observedMin: minWeekly * active.length,
      observedMax: maxWeekly * active.length,
      // a typical active week beyond the largest week ever seen is extrapolation
      extrapolatedFrom: activeMean > 0 ? (maxWeekly / activeMean) * total : total,
    };
  });
}

export type Intervention =
  | { channel: string; kind: "off" }
  | { channel: string; kind: "scale"; factor: number; fromWeek?: number; toWeek?: number }
  | { channel: string; kind: "path"; weeklySpend: Float64Array };

/**
 * Incremental KPI over the window caused by an intervention, per draw: KPI with the changed spend
 * minus KPI with the observed spend (negative for cuts). Adstock is recomputed from the changed
 * spend, so carryover from changed weeks changes as well. Spend paths are national (split over
 * geos in proportion to observed geo spend) and in the currency.
 */
export function counterfactualLift(
  model: MmmModel,
  draws: Float64Array,
  intervention: Intervention,
): Float64Array {
  const d = model.data;
  const c = d.channels.findIndex((ch) => ch.name === intervention.channel);
  if (c < 0) throw new Error(`unknown channel '${intervention.channel}'`);
  const ch = d.channels[c];
  const { G, T } = d;
  // the changed input, in the model's scaled units
  const input = new Float64Array(G * T);
  for (let g = 0; g < G; g++) {
    for (let t = 0; t < T; t++) {
      const i = g * T + t;
      let factor = 1;
      if (intervention.kind === "off") factor = 0;
      else if (intervention.kind === "scale")
        factor =
          t >= (intervention.fromWeek ?? 0) && t <= (intervention.toWeek ?? T - 1) ? intervention.factor : 1;
      else {
        let national = 0;
        for (let h = 0; h < G; h++) national += ch.spend[h * T + t];
        const share = national > 0 ? ch.spend[i] / national : 1 / G;
        const newSpend = intervention.weeklySpend[t] * share;
        factor = ch.spend[i] > 0 ? newSpend / ch.spend[i] : 0;
        if (ch.spend[i] === 0 && newSpend > 0) {
          // spend where there was none: convert currency to the input scale directly
          input[i] = ch.input === "spend" ? newSpend / ch.inputScale[g] : Number.NaN;
          continue;
        }
      }
      input[i] = ch.x[i] * factor;
    }
  }
  if (input.some((v) => Number.isNaN(v)))
    throw new Error(
      `channel '${ch.name}' is modelled on exposure: a spend path for weeks without spend needs a cost per exposure`,
    );
  const evaluator = new ContributionEvaluator(model);
  const n = draws.length / model.dim;
  const out = new Float64Array(n);
  const a = new Float64Array(G * T);
  const b = new Float64Array(G * T);
  for (let k = 0; k < n; k++) {
    const x = draws.subarray(k * model.dim, (k + 1) * model.dim);
    evaluator.channel(x, c, 1, undefined, a);
    evaluator.channel(x, c, 1, input, b);
    let s = 0;
    for (let i = 0; i < G * T; i++) s += b[i] - a[i];
    out[k] = s;
  }
  return out;
}
