// Calibration with lift tests: each experiment adds lift_measured ~ Normal(lift_model(θ), se) to
// the log density. lift_model is the model's own counterfactual for exactly that test: the KPI of
// the treated geos over the test weeks and the read-out tail, with the spend actually observed
// minus with the spend the test changed undone — through the draw's adstock and saturation, given
// the spend already in flight. Its gradient is exact, so NUTS samples the calibrated posterior.

import { parseDay } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { type ChannelParamIndex, channelResponseAt, geoEffectFactor } from "./channelResponse.js";
import type { ModelData } from "./design.js";
import { saturationKernel } from "./saturation.js";

/**
 * What the model needs of a lift test (the experiments file's rows have this shape; the model does
 * not depend on the file's reader).
 */
export interface LiftTest {
  id: string;
  channel: string;
  geos: "all" | string[];
  /** First and last week start of the spend change (YYYY-MM-DD), inclusive. */
  start: string;
  end: string;
  /** Spend with the test minus without it, in the currency, over the window and geos. */
  spendChange: number;
  lift: number;
  liftSe: number;
  readoutWeeks: number;
  /**
   * Share of each listed geo (by the channel's spend) the test treated, when it treated regions
   * finer than the table's geos; 1 (the default) when the whole geo's spend changed.
   */
  treatedShare?: number;
}

export type { ChannelParamIndex } from "./channelResponse.js";

/** An experiment mapped onto the model's data: geo and week indices, the change in input units. */
export interface ResolvedExperiment {
  id: string;
  channel: number;
  geos: number[];
  startWeek: number;
  endWeek: number;
  /** Last week the measured lift counts (end + read-out, inside the data). */
  lastWeek: number;
  /** The input change per treated geo over the test weeks (scaled input units), geo j at [j·W + t]. */
  delta: Float64Array;
  /** Share of each geo the test treated (1: all of it); see the file's header. */
  share: number;
  lift: number;
  se: number;
}

/**
 * The tests whose read-out ends inside the weeks the model learns from. A holdout or
 * cross-validation fold learns from the past only, so a test read out in its held-out weeks is
 * future evidence and stays out (a full fit refuses such a test instead: see resolveExperiments).
 */
export function testsInsideTraining<T extends LiftTest>(tests: T[], data: ModelData): T[] {
  const lastTrainDay = data.weeks[data.trainWeeks - 1];
  return tests.filter((e) => (parseDay(e.end) as number) + 7 * e.readoutWeeks <= lastTrainDay);
}

/** Weeks before a test whose spend says how a go-dark's change splits over geos. */
const PRE_WEEKS = 13;

/**
 * Maps experiments onto the data. The file gives one spend change for the whole test, so it is
 * spread over geos and weeks the way the test changed spend: a heavy-up (or any test that leaves
 * spend in the window) in proportion to the spend observed in the window; a go-dark, whose window
 * holds no spend, in proportion to each geo's spend in the 13 weeks before, evenly over its weeks.
 */
export function resolveExperiments(experiments: LiftTest[], data: ModelData): ResolvedExperiment[] {
  return experiments.map((e, row) => {
    const where = { file: "experiments", row: row + 1 };
    const c = data.channels.findIndex((ch) => ch.name === e.channel);
    if (c < 0)
      throw new MmmError(
        "E_EXPERIMENTS",
        `Test '${e.id}' is on channel '${e.channel}', which the model does not have.`,
        { ...where, column: "channel" },
        `use one of: ${data.channels.map((ch) => ch.name).join(", ")}`,
      );
    const ch = data.channels[c];
    if (ch.input !== "spend")
      throw new MmmError(
        "E_EXPERIMENTS",
        `Test '${e.id}' is on '${e.channel}', which the model reads as exposure, not spend.`,
        { ...where, column: "channel" },
        "calibrate channels modelled on spend (set the channel's input to spend in the model spec)",
      );
    const geos =
      e.geos === "all" ? data.geos.map((_, g) => g) : e.geos.map((name) => data.geos.indexOf(name));
    const startWeek = data.weeks.indexOf(parseDay(e.start) as number);
    const endDay = parseDay(e.end) as number;
    let endWeek = startWeek;
    while (endWeek + 1 < data.T && data.weeks[endWeek + 1] <= endDay) endWeek++;
    if (startWeek < 0 || geos.some((g) => g < 0))
      throw new MmmError(
        "E_EXPERIMENTS",
        `Test '${e.id}' does not match the model's weeks or geos.`,
        where,
        "check the test's start, end and geos against the modeling table",
      );
    const lastWeek = endWeek + e.readoutWeeks;
    if (lastWeek >= data.trainWeeks)
      throw new MmmError(
        "E_EXPERIMENTS",
        `Test '${e.id}' and its ${e.readoutWeeks}-week read-out run past the weeks the model learns from (last: ${new Date(data.weeks[data.trainWeeks - 1] * 86400000).toISOString().slice(0, 10)}).`,
        { ...where, column: "end" },
        "calibrate with tests read out inside the fitted history (or shorten the holdout)",
      );
    const W = endWeek - startWeek + 1;
    const { T } = data;
    const weights = new Float64Array(geos.length * W);
    let windowSpend = 0;
    geos.forEach((g) => {
      for (let t = 0; t < W; t++) windowSpend += ch.spend[g * T + startWeek + t];
    });
    const proportional = e.spendChange > 0 || windowSpend > 0.05 * Math.abs(e.spendChange);
    geos.forEach((g, j) => {
      let pre = 0;
      for (let t = Math.max(0, startWeek - PRE_WEEKS); t < startWeek; t++) pre += ch.spend[g * T + t];
      for (let t = 0; t < W; t++)
        weights[j * W + t] = proportional ? ch.spend[g * T + startWeek + t] : pre + 1e-12;
    });
    const total = weights.reduce((s, v) => s + v, 0);
    if (!(total > 0))
      throw new MmmError(
        "E_EXPERIMENTS",
        `Test '${e.id}': '${e.channel}' has no spend in the treated geos around the test, so the spend change cannot be placed.`,
        where,
        "check the test's channel, geos and dates",
      );
    const delta = weights.map((v, i) => (e.spendChange * v) / total / ch.inputScale[geos[Math.floor(i / W)]]);
    const share = e.treatedShare ?? 1;
    checkTreatedShare(e, share, delta, ch.x, geos, startWeek, W, T, where);
    return {
      id: e.id,
      channel: c,
      geos,
      startWeek,
      endWeek,
      lastWeek,
      delta,
      share,
      lift: e.lift,
      se: e.liftSe,
    };
  });
}

/**
 * A partly treated geo's treated regions ran at observed − change + change/share (national
 * equivalent); a share so small that this is clearly negative cannot be what happened.
 */
function checkTreatedShare(
  e: LiftTest,
  share: number,
  delta: Float64Array,
  input: Float64Array,
  geos: number[],
  startWeek: number,
  W: number,
  T: number,
  where: { file: string; row: number },
): void {
  if (!(share > 0 && share <= 1))
    throw new MmmError(
      "E_EXPERIMENTS",
      `Test '${e.id}': treated_share must be in (0, 1]; got ${share}.`,
      { ...where, column: "treated_share" },
      "give the share of the geo's spend the treated regions hold, e.g. 0.3, or leave it empty for 1",
    );
  if (share === 1) return;
  geos.forEach((g, j) => {
    for (let t = 0; t < W; t++) {
      const x = input[g * T + startWeek + t];
      const d = delta[j * W + t];
      // a stated share rounded (30% for 31%) leaves a go-dark's treated spend a little below 0,
      // which the saturation reads as 0; more than 5% of the planned spend is a wrong share
      if (x - d + d / share < -0.05 * Math.abs(x - d))
        throw new MmmError(
          "E_EXPERIMENTS",
          `Test '${e.id}': a spend change of ${e.spendChange} cannot come from ${Math.round(100 * share)}% of the market — the treated regions would have spent less than nothing.`,
          { ...where, column: "treated_share" },
          "treated_share must be at least the spend change ÷ the spend the treated geos would have had without the test",
        );
    }
  });
}

/**
 * The ROI-prior route (as some peers calibrate): each test's return per unit of spend, lift ÷
 * spend change, is taken as the channel's return over the whole training history, and the
 * channel's contribution over those weeks is held to that return × its spend, with the test's
 * relative standard error. The same term does it: a "test" that removes all of the channel's
 * spend over the training weeks has the channel's contribution as its lift. Right when the
 * response is near linear around current spend and the test's weeks are typical; wrong for a
 * heavy-up (its return is marginal, not average) or a saturated channel — the likelihood route
 * uses each test for exactly what it measured.
 */
export function roiPriorTests(experiments: LiftTest[], data: ModelData): ResolvedExperiment[] {
  const { G, T, trainWeeks } = data;
  return experiments.map((e) => {
    const c = data.channels.findIndex((ch) => ch.name === e.channel);
    if (c < 0)
      throw new MmmError(
        "E_EXPERIMENTS",
        `Test '${e.id}' is on channel '${e.channel}', which the model does not have.`,
        { column: "channel" },
        `use one of: ${data.channels.map((ch) => ch.name).join(", ")}`,
      );
    const ch = data.channels[c];
    const delta = new Float64Array(G * trainWeeks);
    let spend = 0;
    for (let g = 0; g < G; g++)
      for (let t = 0; t < trainWeeks; t++) {
        delta[g * trainWeeks + t] = ch.x[g * T + t];
        spend += ch.spend[g * T + t];
      }
    const lift = (e.lift / e.spendChange) * spend;
    return {
      id: `${e.id} (ROI prior)`,
      channel: c,
      geos: Array.from({ length: G }, (_, g) => g),
      startWeek: 0,
      endWeek: trainWeeks - 1,
      lastWeek: trainWeeks - 1,
      delta,
      share: 1,
      lift,
      se: Math.abs(lift) * (e.liftSe / Math.abs(e.lift)),
    };
  });
}

/**
 * The experiments' log-likelihood term. `logDensity(x, gx)` takes constrained parameters, returns
 * Σ log N(lift | lift_model(x), se) and adds its gradient to gx; `predict` gives lift_model alone
 * (for tension checks and read-outs). Buffers are preallocated: this runs in the sampler's loop.
 */
export class ExperimentTerm {
  private readonly weights: Float64Array;
  private readonly dWeights: Float64Array;
  private readonly dLdw: Float64Array;
  /** Per treated geo of the last lift(): Σ_t f_geo·yS·(s_obs − s_cf), its part of the lift ÷ coef. */
  private readonly geoDs: Float64Array;
  private readonly obs = new Float64Array(4);
  private readonly cf = new Float64Array(4);
  private readonly kernels: ReturnType<typeof saturationKernel>[];

  constructor(
    private readonly data: ModelData,
    private readonly index: ChannelParamIndex[],
    readonly experiments: ResolvedExperiment[],
  ) {
    const maxLag = Math.max(1, ...data.channels.map((c) => c.maxLag));
    this.weights = new Float64Array(maxLag);
    this.dWeights = new Float64Array(2 * maxLag);
    this.dLdw = new Float64Array(maxLag);
    this.kernels = data.channels.map((c) => saturationKernel(c.saturation));
    this.geoDs = new Float64Array(data.G);
  }

  logDensity(x: ArrayLike<number>, gx: Float64Array): number {
    let lp = 0;
    for (const e of this.experiments) {
      const pred = this.lift(e, x, true);
      if (!Number.isFinite(pred)) return Number.NEGATIVE_INFINITY;
      const z = (e.lift - pred) / e.se;
      lp -= 0.5 * z * z;
      // d lp / d pred = (lift − pred)/se²
      this.addGradient(e, x, gx, z / e.se);
    }
    return lp;
  }

  /** The model's lift for every experiment at constrained parameters x. */
  predict(x: ArrayLike<number>, out = new Float64Array(this.experiments.length)): Float64Array {
    this.experiments.forEach((e, i) => {
      out[i] = this.lift(e, x, false);
    });
    return out;
  }

  // sums the gradient needs, left by lift() for addGradient()
  private sumDs = 0;
  private sumDs1 = 0;
  private sumDn = 0;

  /** lift_model for one experiment; with `grad`, also leaves the sums its gradient needs. */
  private lift(e: ResolvedExperiment, x: ArrayLike<number>, grad: boolean): number {
    const d = this.data;
    const ch = d.channels[e.channel];
    const lay = this.index[e.channel];
    const L = ch.maxLag;
    const { ok, s1, n, coef } = channelResponseAt(ch, lay, x, this.weights, this.dWeights);
    if (!ok) return Number.NaN;
    const w = this.weights;
    const kernel = this.kernels[e.channel];
    const W = e.endWeek - e.startWeek + 1;
    // the treated part's input with the test: observed − change + change/share (observed when 1)
    const extra = 1 / e.share - 1;
    if (grad) this.dLdw.fill(0, 0, L);
    let sumDs = 0;
    let sumDs1 = 0;
    let sumDn = 0;
    // sums over the treated geos, each weighted by its effect factor (1 when pooled)
    for (let j = 0; j < e.geos.length; j++) {
      const off = e.geos[j] * d.T;
      const yS = d.yScale[e.geos[j]] * geoEffectFactor(lay, x, e.geos[j]);
      let geoDs = 0;
      for (let t = e.startWeek; t <= e.lastWeek; t++) {
        let aObs = 0;
        let aShift = 0;
        const lmax = Math.min(t, L - 1);
        for (let l = 0; l <= lmax; l++) {
          aObs += w[l] * ch.x[off + t - l];
          const k = t - l - e.startWeek;
          if (k >= 0 && k < W) aShift += w[l] * e.delta[j * W + k];
        }
        kernel(aObs + extra * aShift, s1, n, this.obs);
        kernel(aObs - aShift, s1, n, this.cf);
        geoDs += yS * (this.obs[0] - this.cf[0]);
        if (!grad) continue;
        sumDs1 += yS * (this.obs[2] - this.cf[2]);
        sumDn += yS * (this.obs[3] - this.cf[3]);
        // d a/d w_l: input + extra·change on the tested path, input − change on the counterfactual
        const gObs = yS * coef * this.obs[1];
        const gCf = yS * coef * this.cf[1];
        for (let l = 0; l <= lmax; l++) {
          const input = ch.x[off + t - l];
          const k = t - l - e.startWeek;
          const change = k >= 0 && k < W ? e.delta[j * W + k] : 0;
          this.dLdw[l] += gObs * (input + extra * change) - gCf * (input - change);
        }
      }
      this.geoDs[j] = geoDs;
      sumDs += geoDs;
    }
    this.sumDs = sumDs;
    this.sumDs1 = sumDs1;
    this.sumDn = sumDn;
    return e.share * coef * sumDs;
  }

  /** Adds v × d lift/dx of the experiment lift() last evaluated (at the same x) to gx. */
  private addGradient(e: ResolvedExperiment, x: ArrayLike<number>, gx: Float64Array, vLift: number): void {
    const v = vLift * e.share;
    const lay = this.index[e.channel];
    const L = this.data.channels[e.channel].maxLag;
    const s1 = x[lay.saturation[0]];
    const coef = x[lay.effect] / s1;
    // lift = share·(m/s1)·Σ_geo f_geo·Σ_t yS·(s_obs − s_cf); v carries the share
    gx[lay.effect] += (v * this.sumDs) / s1;
    gx[lay.saturation[0]] += v * (coef * this.sumDs1 - (coef / s1) * this.sumDs);
    if (lay.saturation.length > 1) gx[lay.saturation[1]] += v * coef * this.sumDn;
    if (lay.geo) {
      // geo j's part of the lift is coef·geoDs_j, with geoDs_j ∝ exp(τ·z_j): d/dz_j = τ·part, d/dτ = Σ z_j·part
      const tau = x[lay.geo.spread];
      for (let j = 0; j < e.geos.length; j++) {
        const part = v * coef * this.geoDs[j];
        const zIndex = lay.geo.z[e.geos[j]];
        gx[zIndex] += tau * part;
        gx[lay.geo.spread] += x[zIndex] * part;
      }
    }
    for (let p = 0; p < lay.adstock.length; p++) {
      let s = 0;
      for (let l = 0; l < L; l++) s += this.dLdw[l] * this.dWeights[p * L + l];
      gx[lay.adstock[p]] += v * s;
    }
  }
}
