// The MMM as one log density over an unconstrained parameter vector, with its hand-derived
// gradient. μ[g,t] = intercept_g + trend + changepoints + seasonality + holidays + time-varying
// intercept + Σ controls + Σ_c β_c·sat_c(adstock_c(x_c)), all in units of the geo's KPI mean.
//
// Each channel's coefficient is parameterised by its effect m_c = β_c·sat_c(1): the weekly
// contribution at the channel's average active exposure. The data pin m_c down far better than
// β_c, which trades off against the half-saturation and slope; sampling m_c removes most of that
// correlation (see docs/methods.md).
//
// The density is assembled from terms (src/model/terms/) that each register their parameters
// and run a forward pass into μ and a backward pass from dlogp/dμ, over buffers shared here. The
// registration order (baseline, controls, media, organic media, noise) is the parameter order that draws files,
// priors and reports rely on: do not reorder.

import { forward, inverse, type Transformed } from "./bijectors.js";
import { checkPriors } from "./checkPriors.js";
import type { ModelData } from "./design.js";
import type { LikelihoodFamily } from "./likelihood.js";
import type { ParamInfo } from "./params.js";
import { CompiledPrior, priorMedian } from "./priors.js";
import type { ModelSpec } from "./spec.js";
import { BaselineTerm } from "./terms/baseline.js";
import { ControlsTerm } from "./terms/controls.js";
import { GeoCentring } from "./terms/geoCentring.js";
import { LikelihoodTerm } from "./terms/likelihood.js";
import { type ChannelLayout, MediaTerm } from "./terms/media.js";
import type { LogDensityTerm, MeanTerm } from "./terms/term.js";

export type { ParamInfo } from "./params.js";
export type { LogDensityTerm, MeanTerm } from "./terms/term.js";

/** Parameter indices by role; analysis and planning read channels[c].effect/adstock/saturation, noise… */
export interface ModelLayout {
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
  /** Organic channels (exposure without spend), after the paid ones; see ModelData.organic. */
  organic: ChannelLayout[];
  noise: number[];
}

export class MmmModel {
  readonly data: ModelData;
  readonly family: LikelihoodFamily;
  readonly params: ParamInfo[] = [];
  readonly dim: number;
  readonly layout: ModelLayout;
  private readonly meanTerms: MeanTerm[];
  private readonly likelihood: LikelihoodTerm;
  private readonly extraTerms: LogDensityTerm[] = [];
  // work buffers (no allocation per evaluation)
  private readonly x: Float64Array;
  private readonly gx: Float64Array;
  private readonly tr: Transformed[];
  private readonly mu: Float64Array;
  private readonly dMu: Float64Array;
  private readonly priors: CompiledPrior[];
  /** The sampler's coordinates for partially pooled geo effects (centred or not; see geoCentring.ts). */
  private readonly centring: GeoCentring;

  constructor(data: ModelData, spec: ModelSpec) {
    this.data = data;
    const P = this.params;
    const add = (p: ParamInfo) => P.push(p) - 1;
    const baseline = new BaselineTerm(data, spec, add);
    const controls = new ControlsTerm(data, spec, add);
    const hierarchy = {
      partial: spec.geo_hierarchy.media_effect === "partial",
      spreadPrior: spec.geo_hierarchy.spread_prior,
    };
    const media = new MediaTerm(data, add, hierarchy);
    // organic channels: the same response model over their exposure, in a term of their own so
    // that every paid-channel measure (ROI, curves, plans) keeps reading paid channels only
    const organic =
      data.organic.length > 0
        ? new MediaTerm({ ...data, channels: data.organic }, add, hierarchy)
        : undefined;
    this.likelihood = new LikelihoodTerm(data, spec, add);
    this.family = this.likelihood.family;
    this.meanTerms = organic ? [baseline, controls, media, organic] : [baseline, controls, media];
    this.layout = {
      intercept: baseline.intercept,
      trend: baseline.trend,
      changepoints: baseline.changepoints,
      sin: baseline.sin,
      cos: baseline.cos,
      holidays: baseline.holidays,
      tviScale: baseline.tviScale,
      tviZ: baseline.tviZ,
      controls: controls.controls,
      channels: media.channels,
      organic: organic?.channels ?? [],
      noise: this.likelihood.noise,
    };
    this.centring = new GeoCentring(
      spec.geo_hierarchy.parameterization === "centered"
        ? [...media.channels, ...(organic?.channels ?? [])]
        : [],
    );
    checkPriors(data, spec, P);
    this.dim = P.length;
    this.priors = P.map((p) => new CompiledPrior(p.prior));
    this.x = new Float64Array(this.dim);
    this.gx = new Float64Array(this.dim);
    this.tr = Array.from({ length: this.dim }, () => ({
      value: 0,
      dValue: 0,
      logJacobian: 0,
      dLogJacobian: 0,
    }));
    this.mu = new Float64Array(data.G * data.T);
    this.dMu = new Float64Array(data.G * data.T);
  }

  /**
   * Adds a log-density term on the constrained parameters (e.g. a calibration to lift tests) to
   * every later logDensity call. It finds its parameters through `names` or `layout`, must not
   * allocate in logDensity, and adds its gradient w.r.t. the constrained values into gx.
   */
  addTerm(term: LogDensityTerm): this {
    this.extraTerms.push(term);
    return this;
  }

  get names(): string[] {
    return this.params.map((p) => p.name);
  }

  /** Constrained values of all parameters. */
  constrain(u: ArrayLike<number>, out = new Float64Array(this.dim)): Float64Array {
    const t: Transformed = { value: 0, dValue: 0, logJacobian: 0, dLogJacobian: 0 };
    for (let i = 0; i < this.dim; i++) out[i] = forward(this.params[i].bijector, u[i], t).value;
    this.centring.constrain(out);
    return out;
  }

  unconstrain(x: ArrayLike<number>, out = new Float64Array(this.dim)): Float64Array {
    let xs = x;
    if (this.centring.active) {
      // the geo coordinates hold τ·z (their own bijector is the identity)
      xs = Float64Array.from(x);
      this.centring.unconstrain(xs as Float64Array);
    }
    for (let i = 0; i < this.dim; i++) out[i] = inverse(this.params[i].bijector, xs[i]);
    return out;
  }

  /** A starting point: every parameter at its prior's median, the intercept at the KPI level left by media. */
  initialPoint(): Float64Array {
    const x = new Float64Array(this.dim);
    this.params.forEach((p, i) => {
      x[i] = priorMedian(p.prior);
    });
    for (const i of this.layout.intercept) x[i] = 1; // the average level: media and controls are centred
    for (const i of this.layout.noise) if (this.params[i].name === "sigma") x[i] = 0.1;
    return this.unconstrain(x);
  }

  /** log p(θ | y) up to a constant, on the unconstrained scale; writes the gradient into `grad`. */
  logDensity(u: ArrayLike<number>, grad: Float64Array): number {
    const P = this.params;
    const x = this.x;
    const gx = this.gx;
    // transforms and Jacobians, then the priors on the model's own parameters
    let lp = 0;
    for (let i = 0; i < this.dim; i++) {
      const t = forward(P[i].bijector, u[i], this.tr[i]);
      x[i] = t.value;
      lp += t.logJacobian;
    }
    lp += this.centring.constrain(x);
    for (let i = 0; i < this.dim; i++) {
      const prior = this.priors[i];
      lp += prior.value(x[i]);
      gx[i] = prior.grad;
    }
    for (let k = 0; k < this.extraTerms.length; k++) lp += this.extraTerms[k].logDensity(x, gx);
    if (!Number.isFinite(lp)) return this.reject(grad);

    const mu = this.mu;
    mu.fill(0);
    const terms = this.meanTerms;
    for (let k = 0; k < terms.length; k++) if (!terms[k].forward(x, mu)) return this.reject(grad);

    lp += this.likelihood.logLik(x, mu, this.dMu, gx);
    if (!Number.isFinite(lp)) return this.reject(grad);
    for (let k = 0; k < terms.length; k++) terms[k].backward(x, this.dMu, gx);

    // chain rule to the unconstrained scale
    this.centring.chain(x, gx);
    for (let i = 0; i < this.dim; i++) grad[i] = gx[i] * this.tr[i].dValue + this.tr[i].dLogJacobian;
    return lp;
  }

  private reject(grad: Float64Array): number {
    grad.fill(0);
    return Number.NEGATIVE_INFINITY;
  }

  /** Mean μ (scaled units) at constrained-free point u; a copy. */
  mean(u: ArrayLike<number>): Float64Array {
    const grad = new Float64Array(this.dim);
    this.logDensity(u, grad);
    return Float64Array.from(this.mu);
  }

  /** Pointwise log likelihood (KPI units) of each geo-week at constrained values x; NaN when held out. */
  pointwiseLogLik(x: ArrayLike<number>, out = new Float64Array(this.data.G * this.data.T)): Float64Array {
    const mu = this.mean(this.unconstrain(x));
    return this.likelihood.pointwise(x, mu, out);
  }
}
