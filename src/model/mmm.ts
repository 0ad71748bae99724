// The MMM as one log density over an unconstrained parameter vector, with its hand-derived
// gradient. μ[g,t] = intercept_g + trend + changepoints + seasonality + holidays + time-varying
// intercept + Σ controls + Σ_c β_c·sat_c(adstock_c(x_c)), all in units of the geo's KPI mean.
//
// Each channel's coefficient is parameterised by its effect m_c = β_c·sat_c(1): the weekly
// contribution at the channel's average active exposure. The data pin m_c down far better than
// β_c, which trades off against the half-saturation and slope; sampling m_c removes most of that
// correlation (see docs/methods.md).

import { MmmError } from "../core/errors.js";
import { ADSTOCK_PARAMS, adstockSpec, adstockWeightsWithGradient } from "./adstock.js";
import { type Bijector, forward, inverse, type Transformed } from "./bijectors.js";
import type { ModelData } from "./design.js";
import {
  type LikelihoodData,
  type LikelihoodFamily,
  likelihoodData,
  logLikelihood,
  noiseParams,
  pointwiseLogLikelihood,
} from "./likelihood.js";
import { CompiledPrior, type Prior, priorMedian, priorSupport } from "./priors.js";
import { SATURATION_PARAMS, saturationKernel } from "./saturation.js";
import type { ModelSpec } from "./spec.js";

export interface ParamInfo {
  name: string;
  group:
    | "intercept"
    | "trend"
    | "changepoint"
    | "season"
    | "holiday"
    | "tvi"
    | "control"
    | "effect"
    | "adstock"
    | "saturation"
    | "noise";
  prior: Prior;
  bijector: Bijector;
  /** For controls with a negative sign: the effect is −value. */
  negate?: boolean;
}

interface ChannelLayout {
  effect: number;
  adstock: number[];
  saturation: number[];
}

function bijectorFor(prior: Prior, support?: "unit" | "positive" | "lag" | "real"): Bijector {
  const s = support ?? priorSupport(prior);
  if (s === "real") return { kind: "identity" };
  if (s === "positive") return { kind: "exp" };
  return { kind: "logit" };
}

export class MmmModel {
  readonly data: ModelData;
  readonly family: LikelihoodFamily;
  readonly params: ParamInfo[] = [];
  readonly dim: number;
  private readonly lik: LikelihoodData;
  private readonly idx: {
    intercept: number[];
    trend: number;
    changepoints: number[];
    sin: number[];
    cos: number[];
    holidays: number[];
    tviScale: number;
    tviZ: number[];
    controls: number[];
    channels: ChannelLayout[];
    noise: number[];
  };
  // work buffers (no allocation per evaluation)
  private readonly x: Float64Array;
  private readonly gx: Float64Array;
  private readonly tr: Transformed[];
  private readonly mu: Float64Array;
  private readonly dMu: Float64Array;
  private readonly noise: Float64Array;
  private readonly dNoise: Float64Array;
  private readonly dLdw: Float64Array;
  private readonly baseT: Float64Array;
  private readonly dBaseT: Float64Array;
  private readonly tviLevel: Float64Array;
  private readonly dTviLevel: Float64Array;
  private readonly kernelOut = new Float64Array(4);
  private readonly priors: CompiledPrior[];
  private readonly kernels: ReturnType<typeof saturationKernel>[];

  constructor(data: ModelData, spec: ModelSpec) {
    this.data = data;
    this.family = spec.likelihood.family;
    const P = this.params;
    const add = (p: ParamInfo) => P.push(p) - 1;
    const base = spec.baseline;
    const intercept = data.geos.map((_, g) =>
      add({
        name: data.G > 1 ? `intercept.${g + 1}` : "intercept",
        group: "intercept",
        prior: base.intercept_prior,
        bijector: bijectorFor(base.intercept_prior),
      }),
    );
    const trend =
      base.trend === "none"
        ? -1
        : add({
            name: "trend",
            group: "trend",
            prior: base.trend_prior,
            bijector: bijectorFor(base.trend_prior),
          });
    const changepoints = Array.from(data.changepoints, (_, j) =>
      add({
        name: `changepoint.${j + 1}`,
        group: "changepoint",
        prior: base.changepoint_prior,
        bijector: bijectorFor(base.changepoint_prior),
      }),
    );
    const sin: number[] = [];
    const cos: number[] = [];
    data.fourierSin.forEach((_, k) => {
      sin.push(
        add({
          name: `season_sin.${k + 1}`,
          group: "season",
          prior: base.seasonality_prior,
          bijector: bijectorFor(base.seasonality_prior),
        }),
      );
      cos.push(
        add({
          name: `season_cos.${k + 1}`,
          group: "season",
          prior: base.seasonality_prior,
          bijector: bijectorFor(base.seasonality_prior),
        }),
      );
    });
    const holidays = data.holidays.map((h) =>
      add({
        name: h.name,
        group: "holiday",
        prior: base.holiday_prior,
        bijector: bijectorFor(base.holiday_prior),
      }),
    );
    let tviScale = -1;
    const tviZ: number[] = [];
    if (data.tviKnots > 0) {
      tviScale = add({
        name: "tvi_scale",
        group: "tvi",
        prior: base.tvi_scale_prior,
        bijector: { kind: "exp" },
      });
      // non-centred random walk: the first knot is fixed at 0 (the intercept carries the level)
      for (let k = 1; k < data.tviKnots; k++)
        tviZ.push(
          add({
            name: `tvi_z.${k}`,
            group: "tvi",
            prior: { dist: "normal", mu: 0, sigma: 1 },
            bijector: { kind: "identity" },
          }),
        );
    }
    const controls = data.controls.map((c) => {
      if (c.sign === "any") {
        const prior = c.prior ?? spec.control_prior;
        return add({ name: `control_${c.name}`, group: "control", prior, bijector: bijectorFor(prior) });
      }
      const sigma = spec.control_prior.dist === "normal" ? spec.control_prior.sigma : 0.2;
      const prior: Prior = c.prior ?? { dist: "half_normal", sigma };
      return add({
        name: `control_${c.name}`,
        group: "control",
        prior,
        bijector: { kind: "exp" },
        negate: c.sign === "negative",
      });
    });
    const channels = data.channels.map((c) => {
      const effectPrior = c.priors.effect as Prior;
      const effect = add({
        name: `${c.name}_effect`,
        group: "effect",
        prior: effectPrior,
        bijector: { kind: "exp" },
      });
      const adstock = ADSTOCK_PARAMS[c.adstock].map((d) => {
        const prior = (c.priors[d.name] as Prior | undefined) ?? d.prior;
        return add({
          name: `${c.name}_${d.name}`,
          group: "adstock",
          prior,
          bijector: bijectorFor(prior, d.support === "lag" ? "unit" : d.support),
        });
      });
      const saturation = SATURATION_PARAMS[c.saturation].map((d) => {
        const prior = (c.priors[d.name] as Prior | undefined) ?? d.prior;
        return add({
          name: `${c.name}_${d.name}`,
          group: "saturation",
          prior,
          bijector: bijectorFor(prior, d.support),
        });
      });
      return { effect, adstock, saturation };
    });
    const noise = noiseParams(this.family).map((d) => {
      const prior = (spec.likelihood.priors[d.name] as Prior | undefined) ?? d.prior;
      return add({ name: d.name, group: "noise", prior, bijector: { kind: "exp" } });
    });
    this.idx = {
      intercept,
      trend,
      changepoints,
      sin,
      cos,
      holidays,
      tviScale,
      tviZ,
      controls,
      channels,
      noise,
    };
    checkPriors(data, spec, P);
    this.dim = P.length;
    this.lik = likelihoodData(data.y, data.obsScale);
    this.priors = P.map((p) => new CompiledPrior(p.prior));
    this.kernels = data.channels.map((c) => saturationKernel(c.saturation));
    const GT = data.G * data.T;
    const maxLag = Math.max(...data.channels.map((c) => c.maxLag));
    this.x = new Float64Array(this.dim);
    this.gx = new Float64Array(this.dim);
    this.tr = Array.from({ length: this.dim }, () => ({
      value: 0,
      dValue: 0,
      logJacobian: 0,
      dLogJacobian: 0,
    }));
    this.mu = new Float64Array(GT);
    this.dMu = new Float64Array(GT);
    this.noise = new Float64Array(2);
    this.dNoise = new Float64Array(2);
    this.dLdw = new Float64Array(maxLag);
    this.baseT = new Float64Array(data.T);
    this.dBaseT = new Float64Array(data.T);
    this.tviLevel = new Float64Array(Math.max(1, data.tviKnots));
    this.dTviLevel = new Float64Array(Math.max(1, data.tviKnots));
  }

  get names(): string[] {
    return this.params.map((p) => p.name);
  }

  /** Constrained values of all parameters. */
  constrain(u: ArrayLike<number>, out = new Float64Array(this.dim)): Float64Array {
    const t: Transformed = { value: 0, dValue: 0, logJacobian: 0, dLogJacobian: 0 };
    for (let i = 0; i < this.dim; i++) out[i] = forward(this.params[i].bijector, u[i], t).value;
    return out;
  }

  unconstrain(x: ArrayLike<number>, out = new Float64Array(this.dim)): Float64Array {
    for (let i = 0; i < this.dim; i++) out[i] = inverse(this.params[i].bijector, x[i]);
    return out;
  }

  /** A starting point: every parameter at its prior's median, the intercept at the KPI level left by media. */
  initialPoint(): Float64Array {
    const x = new Float64Array(this.dim);
    this.params.forEach((p, i) => {
      x[i] = priorMedian(p.prior);
    });
    for (const i of this.idx.intercept) x[i] = 1; // the average level: media and controls are centred
    for (const i of this.idx.noise) if (this.params[i].name === "sigma") x[i] = 0.1;
    return this.unconstrain(x);
  }

  /** log p(θ | y) up to a constant, on the unconstrained scale; writes the gradient into `grad`. */
  logDensity(u: ArrayLike<number>, grad: Float64Array): number {
    const d = this.data;
    const { G, T } = d;
    const P = this.params;
    const x = this.x;
    const gx = this.gx;
    let lp = 0;
    // transform, Jacobians and priors
    for (let i = 0; i < this.dim; i++) {
      const t = forward(P[i].bijector, u[i], this.tr[i]);
      x[i] = t.value;
      const prior = this.priors[i];
      lp += prior.value(t.value) + t.logJacobian;
      gx[i] = prior.grad;
    }
    if (!Number.isFinite(lp)) return this.reject(grad);

    // ---- mean ----
    const mu = this.mu;
    const idx = this.idx;
    // time-only baseline shared by geos
    const baseT = this.baseT;
    for (let t = 0; t < T; t++) {
      let b = idx.trend >= 0 ? x[idx.trend] * d.trend[t] : 0;
      for (let j = 0; j < idx.changepoints.length; j++) b += x[idx.changepoints[j]] * d.changepointX[j][t];
      for (let k = 0; k < idx.sin.length; k++)
        b += x[idx.sin[k]] * d.fourierSin[k][t] + x[idx.cos[k]] * d.fourierCos[k][t];
      for (let h = 0; h < idx.holidays.length; h++) b += x[idx.holidays[h]] * d.holidays[h].x[t];
      baseT[t] = b;
    }
    const tvi = this.tviLevel;
    if (d.tviKnots > 0) {
      const scale = x[idx.tviScale];
      tvi[0] = 0;
      for (let k = 1; k < d.tviKnots; k++) tvi[k] = tvi[k - 1] + scale * x[idx.tviZ[k - 1]];
      for (let t = 0; t < T; t++) {
        const l = d.tviLeft[t];
        const w = d.tviWeight[t];
        baseT[t] += (1 - w) * tvi[l] + w * tvi[l + 1];
      }
    }
    for (let g = 0; g < G; g++) {
      const a = x[idx.intercept[g]];
      for (let t = 0; t < T; t++) mu[g * T + t] = a + baseT[t];
    }
    for (let c = 0; c < d.controls.length; c++) {
      const coef = P[idx.controls[c]].negate ? -x[idx.controls[c]] : x[idx.controls[c]];
      const z = d.controls[c].z;
      for (let i = 0; i < G * T; i++) mu[i] += coef * z[i];
    }
    // media: forward pass stores what the backward pass needs per channel, so run channel by channel
    // (forward for all, likelihood, then backward) by caching each channel's saturation outputs
    const nc = d.channels.length;
    if (!this.mediaForward(x, mu)) return this.reject(grad);

    // ---- likelihood ----
    const noise = this.noise;
    for (let k = 0; k < idx.noise.length; k++) noise[k] = x[idx.noise[k]];
    const ll = logLikelihood(this.family, this.lik, mu, noise, this.dMu, this.dNoise);
    lp += ll;
    if (!Number.isFinite(lp)) return this.reject(grad);
    const dMu = this.dMu;
    for (let k = 0; k < idx.noise.length; k++) gx[idx.noise[k]] += this.dNoise[k];

    // ---- backward: baseline ----
    const dBase = this.dBaseT;
    dBase.fill(0);
    for (let g = 0; g < G; g++) {
      let s = 0;
      for (let t = 0; t < T; t++) {
        s += dMu[g * T + t];
        dBase[t] += dMu[g * T + t];
      }
      gx[idx.intercept[g]] += s;
    }
    for (let t = 0; t < T; t++) {
      const r = dBase[t];
      if (idx.trend >= 0) gx[idx.trend] += r * d.trend[t];
      for (let j = 0; j < idx.changepoints.length; j++) gx[idx.changepoints[j]] += r * d.changepointX[j][t];
      for (let k = 0; k < idx.sin.length; k++) {
        gx[idx.sin[k]] += r * d.fourierSin[k][t];
        gx[idx.cos[k]] += r * d.fourierCos[k][t];
      }
      for (let h = 0; h < idx.holidays.length; h++) gx[idx.holidays[h]] += r * d.holidays[h].x[t];
    }
    if (d.tviKnots > 0) {
      const dl = this.dTviLevel;
      dl.fill(0);
      for (let t = 0; t < T; t++) {
        const l = d.tviLeft[t];
        const w = d.tviWeight[t];
        dl[l] += (1 - w) * dBase[t];
        dl[l + 1] += w * dBase[t];
      }
      // level_k = Σ_{j≤k} scale·z_j  ⇒  dL/dz_j = scale·Σ_{k≥j} dL/dlevel_k
      const scale = x[idx.tviScale];
      let tail = 0;
      let dScale = 0;
      for (let k = d.tviKnots - 1; k >= 1; k--) {
        tail += dl[k];
        gx[idx.tviZ[k - 1]] += scale * tail;
        dScale += x[idx.tviZ[k - 1]] * tail;
      }
      gx[idx.tviScale] += dScale;
    }
    for (let c = 0; c < d.controls.length; c++) {
      const z = d.controls[c].z;
      let s = 0;
      for (let i = 0; i < G * T; i++) s += dMu[i] * z[i];
      gx[idx.controls[c]] += P[idx.controls[c]].negate ? -s : s;
    }
    // ---- backward: media ----
    for (let c = 0; c < nc; c++) this.mediaBackward(c, x, gx);

    // chain rule to the unconstrained scale
    for (let i = 0; i < this.dim; i++) grad[i] = gx[i] * this.tr[i].dValue + this.tr[i].dLogJacobian;
    return lp;
  }

  private reject(grad: Float64Array): number {
    grad.fill(0);
    return Number.NEGATIVE_INFINITY;
  }

  // per-channel caches filled by mediaForward and read by mediaBackward
  private channelCache: {
    adstocked: Float64Array;
    sat: Float64Array;
    satDx: Float64Array;
    satDs1: Float64Array;
    satDn: Float64Array;
    weights: Float64Array;
    dWeights: Float64Array;
  }[] = [];

  /**
   * Adds each channel's contribution m·(s_t/s1 − mean_t s_t/s1) to μ. Centring on each geo's
   * average makes the intercept the KPI's average level, so it no longer trades off against the
   * effects of always-on channels; contributions for reports add the mean back (see contributions()).
   */
  private mediaForward(x: Float64Array, mu: Float64Array): boolean {
    const d = this.data;
    const { G, T } = d;
    if (this.channelCache.length === 0) {
      this.channelCache = d.channels.map((c) => ({
        adstocked: new Float64Array(G * T),
        sat: new Float64Array(G * T),
        satDx: new Float64Array(G * T),
        satDs1: new Float64Array(G * T),
        satDn: new Float64Array(G * T),
        weights: new Float64Array(c.maxLag),
        dWeights: new Float64Array(2 * c.maxLag),
      }));
    }
    const out = this.kernelOut;
    // centred on the training weeks only: held-out weeks must not move the intercept's meaning
    const trainWeeks = d.trainWeeks;
    for (let c = 0; c < d.channels.length; c++) {
      const ch = d.channels[c];
      const lay = this.idx.channels[c];
      const cache = this.channelCache[c];
      const L = ch.maxLag;
      const aSpec = adstockSpec(
        ch.adstock,
        [x[lay.adstock[0]], lay.adstock.length > 1 ? x[lay.adstock[1]] : 0],
        L,
        ch.normalize,
      );
      if (!adstockWeightsWithGradient(aSpec, cache.weights, cache.dWeights)) return false;
      const s1 = x[lay.saturation[0]];
      const n = lay.saturation.length > 1 ? x[lay.saturation[1]] : 1;
      const kernel = this.kernels[c];
      const coef = x[lay.effect] / s1;
      const w = cache.weights;
      for (let g = 0; g < G; g++) {
        const off = g * T;
        let mean = 0;
        for (let t = 0; t < T; t++) {
          let a = 0;
          const lmax = Math.min(t, L - 1);
          for (let l = 0; l <= lmax; l++) a += w[l] * ch.x[off + t - l];
          const i = off + t;
          cache.adstocked[i] = a;
          kernel(a, s1, n, out);
          cache.sat[i] = out[0];
          cache.satDx[i] = out[1];
          cache.satDs1[i] = out[2];
          cache.satDn[i] = out[3];
          if (t < trainWeeks) mean += out[0];
        }
        mean /= trainWeeks;
        for (let t = 0; t < T; t++) mu[off + t] += coef * (cache.sat[off + t] - mean);
      }
    }
    return true;
  }

  private mediaBackward(c: number, x: Float64Array, gx: Float64Array): void {
    const d = this.data;
    const { G, T } = d;
    const ch = d.channels[c];
    const lay = this.idx.channels[c];
    const cache = this.channelCache[c];
    const dMu = this.dMu;
    const L = ch.maxLag;
    const m = x[lay.effect];
    const s1 = x[lay.saturation[0]];
    const coef = m / s1;
    const dLdw = this.dLdw;
    dLdw.fill(0, 0, L);
    let sumRS = 0;
    let sumRDs1 = 0;
    let sumRDn = 0;
    for (let g = 0; g < G; g++) {
      const off = g * T;
      // centring: Σ_t r_t·(f_t − mean f) = Σ_t (r_t − mean r)·f_t
      let rSum = 0;
      for (let t = 0; t < T; t++) rSum += dMu[off + t];
      const rMean = rSum / d.trainWeeks;
      for (let t = 0; t < T; t++) {
        const i = off + t;
        const r = dMu[i] - (t < d.trainWeeks ? rMean : 0);
        sumRS += r * cache.sat[i];
        sumRDs1 += r * cache.satDs1[i];
        sumRDn += r * cache.satDn[i];
        const v = r * coef * cache.satDx[i];
        if (v === 0) continue;
        const lmax = Math.min(t, L - 1);
        for (let l = 0; l <= lmax; l++) dLdw[l] += v * ch.x[i - l];
      }
    }
    // f = (m / s1)·s(x; s1, n)
    gx[lay.effect] += sumRS / s1;
    gx[lay.saturation[0]] += coef * sumRDs1 - (coef / s1) * sumRS;
    if (lay.saturation.length > 1) gx[lay.saturation[1]] += coef * sumRDn;
    for (let p = 0; p < lay.adstock.length; p++) {
      let s = 0;
      for (let l = 0; l < L; l++) s += dLdw[l] * cache.dWeights[p * L + l];
      gx[lay.adstock[p]] += s;
    }
  }

  /** Mean μ (scaled units) at constrained-free point u; a copy. */
  mean(u: ArrayLike<number>): Float64Array {
    const grad = new Float64Array(this.dim);
    this.logDensity(u, grad);
    return Float64Array.from(this.mu);
  }

  get layout() {
    return this.idx;
  }

  /** Pointwise log likelihood (KPI units) of each geo-week at constrained values x; NaN when held out. */
  pointwiseLogLik(x: ArrayLike<number>, out = new Float64Array(this.data.G * this.data.T)): Float64Array {
    const mu = this.mean(this.unconstrain(x));
    const noise = Float64Array.from(this.idx.noise, (j) => x[j]);
    pointwiseLogLikelihood(this.family, this.lik, mu, noise, out);
    return out;
  }
}

/**
 * Contributions in KPI units for one draw (constrained parameter values), as used by every
 * measure: the model's centring constant is fixed at the observed spend, so a counterfactual
 * spend path changes only the channel's own term and the difference from zero spend is m·s_t/s1.
 */
export class ContributionEvaluator {
  private readonly weights: Float64Array;
  private readonly dWeights: Float64Array;
  private readonly out = new Float64Array(4);

  constructor(private readonly model: MmmModel) {
    const maxLag = Math.max(...model.data.channels.map((c) => c.maxLag));
    this.weights = new Float64Array(maxLag);
    this.dWeights = new Float64Array(2 * maxLag);
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
    const ch = d.channels[c];
    const lay = this.model.layout.channels[c];
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
    const s1 = x[lay.saturation[0]];
    const n = lay.saturation.length > 1 ? x[lay.saturation[1]] : 1;
    const kernel = saturationKernel(ch.saturation);
    const coef = x[lay.effect] / s1;
    const src = input ?? ch.x;
    const res = out ?? new Float64Array(G * T);
    for (let g = 0; g < G; g++) {
      const off = g * T;
      for (let t = 0; t < T; t++) {
        let a = 0;
        const lmax = Math.min(t, L - 1);
        for (let l = 0; l <= lmax; l++) a += this.weights[l] * src[off + t - l];
        kernel(a * multiplier, s1, n, this.out);
        res[off + t] = coef * this.out[0] * d.yScale[g];
      }
    }
    return res;
  }
}

const SUPPORT_OF_BIJECTOR: Record<Bijector["kind"], "real" | "positive" | "unit"> = {
  identity: "real",
  exp: "positive",
  logit: "unit",
  bounded: "unit",
};
const DISTS_FOR: Record<"real" | "positive" | "unit", string> = {
  real: "normal or student_t",
  positive: "half_normal, lognormal, gamma or exponential",
  unit: "beta",
};

/** Prior overrides must name real parameters and suit their support; say which key is wrong. */
function checkPriors(data: ModelData, spec: ModelSpec, params: ParamInfo[]): void {
  for (const c of data.channels) {
    const known = [
      "effect",
      ...ADSTOCK_PARAMS[c.adstock].map((p) => p.name),
      ...SATURATION_PARAMS[c.saturation].map((p) => p.name),
    ];
    for (const name of Object.keys(c.priors)) {
      if (!known.includes(name)) {
        throw new MmmError(
          "E_SPEC_PRIOR",
          `Channel '${c.name}' has a prior for '${name}', which its families (${c.adstock} adstock, ${c.saturation} saturation) do not have.`,
          { key: `channels[${c.name}].priors.${name}` },
          `use one of: ${known.join(", ")}`,
        );
      }
    }
  }
  const noiseNames = noiseParams(spec.likelihood.family).map((p) => p.name);
  for (const name of Object.keys(spec.likelihood.priors)) {
    if (!noiseNames.includes(name)) {
      throw new MmmError(
        "E_SPEC_PRIOR",
        `The ${spec.likelihood.family} likelihood has no parameter '${name}'.`,
        { key: `likelihood.priors.${name}` },
        noiseNames.length ? `use one of: ${noiseNames.join(", ")}` : "this family has no noise parameters",
      );
    }
  }
  for (const p of params) {
    const dist = (p.prior as { dist: string }).dist;
    if (dist === "spend_share") {
      throw new MmmError(
        "E_SPEC_PRIOR",
        `The spend_share prior is only for a channel's effect, not for '${p.name}'.`,
        { key: p.name },
        `give '${p.name}' a ${DISTS_FOR[SUPPORT_OF_BIJECTOR[p.bijector.kind]]} prior`,
      );
    }
    const need = SUPPORT_OF_BIJECTOR[p.bijector.kind];
    if (priorSupport(p.prior) !== need) {
      throw new MmmError(
        "E_SPEC_PRIOR",
        `'${p.name}' lives on ${need === "real" ? "the real line" : need === "positive" ? "positive values" : "(0, 1)"}, but its prior is ${dist}.`,
        { key: p.name },
        `give it a ${DISTS_FOR[need]} prior${p.group === "control" ? " (controls with a sign need a positive prior on the size of their effect)" : ""}`,
      );
    }
  }
}
