// Decomposition of the model mean into its parts for one draw: baseline (intercept, trend,
// seasonality, holidays, time-varying intercept), each control and each channel, per geo and
// week in KPI units. The media terms are the uncentred contributions m·s_t/s1 and the intercept
// gives back their training-window mean, so the parts add up to the model's mean exactly.

import { ContributionEvaluator } from "../model/contributions.js";
import { positiveMean } from "../model/likelihood.js";
import type { MmmModel } from "../model/mmm.js";

/** `organic`: a channel with exposure but no spend (no ROI). */
export type ComponentKind = "baseline" | "control" | "channel" | "organic";

export interface DrawDecomposition {
  /** Geo-major G·T arrays in KPI units, keyed by component name. */
  parts: Map<string, Float64Array>;
  kinds: Map<string, ComponentKind>;
  /** The model mean in KPI units (expected KPI for count and lognormal families). */
  mean: Float64Array;
  /** additive: the parts of the linear mean; counterfactual: remove-one differences through the link. */
  method: "additive" | "counterfactual";
}

export class Decomposer {
  private readonly contributions: ContributionEvaluator;
  private readonly organic: ContributionEvaluator;

  constructor(private readonly model: MmmModel) {
    this.contributions = new ContributionEvaluator(model);
    this.organic = new ContributionEvaluator(model, "organic");
  }

  /** `x`: constrained parameter values of one draw. */
  decompose(x: ArrayLike<number>): DrawDecomposition {
    const m = this.model;
    const d = m.data;
    const { G, T } = d;
    const idx = m.layout;
    const P = m.params;
    const parts = new Map<string, Float64Array>();
    const kinds = new Map<string, ComponentKind>();
    const add = (name: string, kind: ComponentKind, f: (g: number, t: number) => number) => {
      const v = new Float64Array(G * T);
      for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) v[g * T + t] = f(g, t);
      parts.set(name, v);
      kinds.set(name, kind);
    };
    // channels first (paid, then organic): the intercept needs their training-window means
    const scaled = (evaluator: ContributionEvaluator, c: number) => {
      const v = evaluator.channel(x, c);
      for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) v[g * T + t] /= d.yScale[g];
      return v;
    };
    const channelScaled = d.channels.map((_, c) => scaled(this.contributions, c));
    const organicScaled = d.organic.map((_, c) => scaled(this.organic, c));
    const trainMean = (v: Float64Array, g: number) => {
      let s = 0;
      for (let t = 0; t < d.trainWeeks; t++) s += v[g * T + t];
      return s / d.trainWeeks;
    };
    const media = [...channelScaled, ...organicScaled];
    add("intercept", "baseline", (g) => x[idx.intercept[g]] - media.reduce((s, v) => s + trainMean(v, g), 0));
    if (idx.trend >= 0 || idx.changepoints.length > 0) {
      add(
        "trend",
        "baseline",
        (_, t) =>
          (idx.trend >= 0 ? x[idx.trend] * d.trend[t] : 0) +
          idx.changepoints.reduce((s, j, k) => s + x[j] * d.changepointX[k][t], 0),
      );
    }
    if (idx.sin.length > 0)
      add("seasonality", "baseline", (_, t) =>
        idx.sin.reduce((s, j, k) => s + x[j] * d.fourierSin[k][t] + x[idx.cos[k]] * d.fourierCos[k][t], 0),
      );
    if (idx.holidays.length > 0)
      add("holidays", "baseline", (_, t) =>
        idx.holidays.reduce((s, j, h) => s + x[j] * d.holidays[h].x[t], 0),
      );
    if (d.tviKnots > 0) {
      const level = new Float64Array(d.tviKnots);
      for (let k = 1; k < d.tviKnots; k++) level[k] = level[k - 1] + x[idx.tviScale] * x[idx.tviZ[k - 1]];
      add(
        "time-varying intercept",
        "baseline",
        (_, t) => (1 - d.tviWeight[t]) * level[d.tviLeft[t]] + d.tviWeight[t] * level[d.tviLeft[t] + 1],
      );
    }
    d.controls.forEach((c, k) => {
      const j = idx.controls[k];
      const coef = P[j].negate ? -x[j] : x[j];
      add(c.name, "control", (g, t) => coef * c.z[g * T + t]);
    });
    d.channels.forEach((c, k) => {
      parts.set(c.name, channelScaled[k]);
      kinds.set(c.name, "channel");
    });
    d.organic.forEach((c, k) => {
      parts.set(c.name, organicScaled[k]);
      kinds.set(c.name, "organic");
    });
    // to KPI units, and the mean as their sum (through the positive link where the family has one)
    const linear = new Float64Array(G * T);
    for (const v of parts.values()) for (let i = 0; i < G * T; i++) linear[i] += v[i];
    const positive = m.family === "lognormal" || m.family === "poisson" || m.family === "negative_binomial";
    const mean = new Float64Array(G * T);
    for (let g = 0; g < G; g++)
      for (let t = 0; t < T; t++)
        mean[g * T + t] = d.yScale[g] * (positive ? positiveMean(linear[g * T + t]) : linear[g * T + t]);
    if (positive) {
      // non-additive link: each control and channel gets its counterfactual difference
      // f(all) − f(all without it); the baseline parts keep what is left, so the parts still add up
      const baselineNames = [...kinds].filter(([, k]) => k === "baseline").map(([n]) => n);
      const baselineTotal = new Float64Array(G * T);
      for (let i = 0; i < G * T; i++) {
        const full = positiveMean(linear[i]);
        let others = 0;
        for (const [name, kind] of kinds) {
          if (kind === "baseline") continue;
          const v = parts.get(name)!;
          v[i] = full - positiveMean(linear[i] - v[i]);
          others += v[i];
        }
        let base = 0;
        for (const n of baselineNames) base += parts.get(n)![i];
        baselineTotal[i] = base;
        const remaining = full - others;
        // spread the remainder over the baseline parts in proportion to their linear values
        for (const n of baselineNames) {
          const v = parts.get(n)!;
          v[i] = base !== 0 ? (remaining * v[i]) / base : remaining / baselineNames.length;
        }
      }
    }
    for (const v of parts.values())
      for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) v[g * T + t] *= d.yScale[g];
    return { parts, kinds, mean, method: positive ? "counterfactual" : "additive" };
  }
}
