// The baseline: per-geo intercepts plus a time-only curve shared by the geos (trend,
// changepoints, Fourier seasonality, holidays and the time-varying intercept random walk).
// The time curve is built once per evaluation over T weeks, not G·T geo-weeks.

import type { ModelData } from "../design.js";
import { type AddParam, bijectorFor } from "../params.js";
import type { ModelSpec } from "../spec.js";
import type { MeanTerm } from "./term.js";

/**
 * One column of the time curve's design and its parameter. Mostly-zero columns (holidays) keep
 * only their nonzero weeks: the sampler multiplies by them millions of times.
 */
interface Column {
  param: number;
  /** Weeks with a nonzero value, or null for a dense column (every week). */
  weeks: Int32Array | null;
  values: Float64Array;
}

function column(param: number, x: ArrayLike<number>): Column {
  const nonzero: number[] = [];
  for (let t = 0; t < x.length; t++) if (x[t] !== 0) nonzero.push(t);
  if (nonzero.length > x.length / 4) return { param, weeks: null, values: Float64Array.from(x) };
  return { param, weeks: Int32Array.from(nonzero), values: Float64Array.from(nonzero, (t) => x[t]) };
}

export class BaselineTerm implements MeanTerm {
  readonly intercept: number[];
  readonly trend: number;
  readonly changepoints: number[];
  readonly sin: number[] = [];
  readonly cos: number[] = [];
  readonly holidays: number[];
  readonly tviScale: number = -1;
  readonly tviZ: number[] = [];
  private readonly columns: Column[] = [];
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
    if (this.trend >= 0) this.columns.push(column(this.trend, data.trend));
    this.changepoints.forEach((p, j) => {
      this.columns.push(column(p, data.changepointX[j]));
    });
    this.sin.forEach((p, k) => {
      this.columns.push(column(p, data.fourierSin[k]));
      this.columns.push(column(this.cos[k], data.fourierCos[k]));
    });
    this.holidays.forEach((p, h) => {
      this.columns.push(column(p, data.holidays[h].x));
    });
    this.baseT = new Float64Array(data.T);
    this.dBaseT = new Float64Array(data.T);
    this.tviLevel = new Float64Array(Math.max(1, data.tviKnots));
    this.dTviLevel = new Float64Array(Math.max(1, data.tviKnots));
  }

  forward(x: Float64Array, mu: Float64Array): boolean {
    const d = this.data;
    const { G, T } = d;
    const baseT = this.baseT;
    baseT.fill(0);
    for (const col of this.columns) {
      const b = x[col.param];
      const v = col.values;
      const weeks = col.weeks;
      if (weeks === null) for (let t = 0; t < T; t++) baseT[t] += b * v[t];
      else for (let k = 0; k < weeks.length; k++) baseT[weeks[k]] += b * v[k];
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
    for (const col of this.columns) {
      const v = col.values;
      const weeks = col.weeks;
      let s = 0;
      if (weeks === null) for (let t = 0; t < T; t++) s += dBase[t] * v[t];
      else for (let k = 0; k < weeks.length; k++) s += dBase[weeks[k]] * v[k];
      gx[col.param] += s;
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
