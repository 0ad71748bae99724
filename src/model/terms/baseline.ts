// The baseline: per-geo intercepts plus a time-only curve shared by the geos (trend,
// changepoints, Fourier seasonality, holidays and the time-varying intercept random walk).
// The time curve is built once per evaluation over T weeks, not G·T geo-weeks.

import type { ModelData } from "../design.js";
import { type AddParam, bijectorFor } from "../params.js";
import type { ModelSpec } from "../spec.js";
import type { MeanTerm } from "./term.js";

export class BaselineTerm implements MeanTerm {
  readonly intercept: number[];
  readonly trend: number;
  readonly changepoints: number[];
  readonly sin: number[] = [];
  readonly cos: number[] = [];
  readonly holidays: number[];
  readonly tviScale: number = -1;
  readonly tviZ: number[] = [];
  private readonly baseT: Float64Array;
  private readonly dBaseT: Float64Array;
  private readonly tviLevel: Float64Array;
  private readonly dTviLevel: Float64Array;

  constructor(
    private readonly data: ModelData,
    spec: ModelSpec,
    add: AddParam,
  ) {
    const base = spec.baseline;
    const term = (
      name: string,
      group: "trend" | "changepoint" | "season" | "holiday",
      prior = base.trend_prior,
    ) => add({ name, group, prior, bijector: bijectorFor(prior) });
    this.intercept = data.geos.map((_, g) =>
      add({
        name: data.G > 1 ? `intercept.${g + 1}` : "intercept",
        group: "intercept",
        prior: base.intercept_prior,
        bijector: bijectorFor(base.intercept_prior),
      }),
    );
    this.trend = base.trend === "none" ? -1 : term("trend", "trend");
    this.changepoints = Array.from(data.changepoints, (_, j) =>
      term(`changepoint.${j + 1}`, "changepoint", base.changepoint_prior),
    );
    for (let k = 0; k < data.fourierSin.length; k++) {
      this.sin.push(term(`season_sin.${k + 1}`, "season", base.seasonality_prior));
      this.cos.push(term(`season_cos.${k + 1}`, "season", base.seasonality_prior));
    }
    this.holidays = data.holidays.map((h) => term(h.name, "holiday", base.holiday_prior));
    if (data.tviKnots > 0) {
      this.tviScale = add({
        name: "tvi_scale",
        group: "tvi",
        prior: base.tvi_scale_prior,
        bijector: { kind: "exp" },
      });
      // non-centred random walk: the first knot is fixed at 0 (the intercept carries the level)
      for (let k = 1; k < data.tviKnots; k++)
        this.tviZ.push(
          add({
            name: `tvi_z.${k}`,
            group: "tvi",
            prior: { dist: "normal", mu: 0, sigma: 1 },
            bijector: { kind: "identity" },
          }),
        );
    }
    this.baseT = new Float64Array(data.T);
    this.dBaseT = new Float64Array(data.T);
    this.tviLevel = new Float64Array(Math.max(1, data.tviKnots));
    this.dTviLevel = new Float64Array(Math.max(1, data.tviKnots));
  }

  forward(x: Float64Array, mu: Float64Array): boolean {
    const d = this.data;
    const { G, T } = d;
    const baseT = this.baseT;
    for (let t = 0; t < T; t++) {
      let b = this.trend >= 0 ? x[this.trend] * d.trend[t] : 0;
      for (let j = 0; j < this.changepoints.length; j++) b += x[this.changepoints[j]] * d.changepointX[j][t];
      for (let k = 0; k < this.sin.length; k++)
        b += x[this.sin[k]] * d.fourierSin[k][t] + x[this.cos[k]] * d.fourierCos[k][t];
      for (let h = 0; h < this.holidays.length; h++) b += x[this.holidays[h]] * d.holidays[h].x[t];
      baseT[t] = b;
    }
    if (d.tviKnots > 0) this.tviForward(x);
    for (let g = 0; g < G; g++) {
      const a = x[this.intercept[g]];
      for (let t = 0; t < T; t++) mu[g * T + t] += a + baseT[t];
    }
    return true;
  }

  backward(x: Float64Array, dMu: Float64Array, gx: Float64Array): void {
    const d = this.data;
    const { G, T } = d;
    const dBase = this.dBaseT;
    dBase.fill(0);
    for (let g = 0; g < G; g++) {
      let s = 0;
      for (let t = 0; t < T; t++) {
        s += dMu[g * T + t];
        dBase[t] += dMu[g * T + t];
      }
      gx[this.intercept[g]] += s;
    }
    for (let t = 0; t < T; t++) {
      const r = dBase[t];
      if (this.trend >= 0) gx[this.trend] += r * d.trend[t];
      for (let j = 0; j < this.changepoints.length; j++) gx[this.changepoints[j]] += r * d.changepointX[j][t];
      for (let k = 0; k < this.sin.length; k++) {
        gx[this.sin[k]] += r * d.fourierSin[k][t];
        gx[this.cos[k]] += r * d.fourierCos[k][t];
      }
      for (let h = 0; h < this.holidays.length; h++) gx[this.holidays[h]] += r * d.holidays[h].x[t];
    }
    if (d.tviKnots > 0) this.tviBackward(x, gx);
  }

  /** Adds the random walk's level, interpolated linearly between knots, to the time curve. */
  private tviForward(x: Float64Array): void {
    const d = this.data;
    const tvi = this.tviLevel;
    const scale = x[this.tviScale];
    tvi[0] = 0;
    for (let k = 1; k < d.tviKnots; k++) tvi[k] = tvi[k - 1] + scale * x[this.tviZ[k - 1]];
    for (let t = 0; t < d.T; t++) {
      const l = d.tviLeft[t];
      const w = d.tviWeight[t];
      this.baseT[t] += (1 - w) * tvi[l] + w * tvi[l + 1];
    }
  }

  private tviBackward(x: Float64Array, gx: Float64Array): void {
    const d = this.data;
    const dBase = this.dBaseT;
    const dl = this.dTviLevel;
    dl.fill(0);
    for (let t = 0; t < d.T; t++) {
      const l = d.tviLeft[t];
      const w = d.tviWeight[t];
      dl[l] += (1 - w) * dBase[t];
      dl[l + 1] += w * dBase[t];
    }
    // level_k = Σ_{j≤k} scale·z_j  ⇒  dL/dz_j = scale·Σ_{k≥j} dL/dlevel_k
    const scale = x[this.tviScale];
    let tail = 0;
    let dScale = 0;
    for (let k = d.tviKnots - 1; k >= 1; k--) {
      tail += dl[k];
      gx[this.tviZ[k - 1]] += scale * tail;
      dScale += x[this.tviZ[k - 1]] * tail;
    }
    gx[this.tviScale] += dScale;
  }
}
