// Paid media: each channel adds m_c·(s_t/s1 − mean_t s_t/s1) to μ, where s_t = sat(adstock(x_c)_t)
// and m_c = β_c·sat_c(1) is the channel's effect (see the note in mmm.ts). Forward caches the
// adstocked input and the saturation's partial derivatives per geo-week for the backward pass.
//
// On a geo panel the effect may vary by geo, partially pooled (non-centred): m_{c,g} = m_c·exp(τ_c·z_{c,g})
// with z ~ Normal(0, 1) and τ_c, the spread of the log effect across geos, learned from the data
// under its prior. m_c is then the median geo's effect; τ → 0 is the fully pooled model. Geos are
// compared per unit of their own KPI mean (the scaling every term shares), so a big and a small
// geo share one effect scale.

import { ADSTOCK_PARAMS, adstockInto, adstockSpec, adstockWeightsWithGradient } from "../adstock.js";
import type { ModelData } from "../design.js";
import { type AddParam, bijectorFor, magnitudeBijector } from "../params.js";
import type { Prior } from "../priors.js";
import { SATURATION_PARAMS, type SaturationCache, saturationPass } from "../saturation.js";
import type { MeanTerm } from "./term.js";

export interface ChannelLayout {
  effect: number;
  adstock: number[];
  saturation: number[];
  /** Partial pooling across geos: the spread τ and each geo's standardised deviation z. */
  geo?: GeoEffectLayout;
}

export interface GeoEffectLayout {
  spread: number;
  z: number[];
}

/** How channel effects vary across geos (only on a panel with two or more geos). */
export interface MediaHierarchy {
  partial: boolean;
  /** Prior of τ, the spread of a channel's log effect across geos. */
  spreadPrior: Prior;
}

export const POOLED: MediaHierarchy = { partial: false, spreadPrior: { dist: "half_normal", sigma: 0.3 } };

interface ChannelCache extends SaturationCache {
  /** Adstocked exposure per geo-week. */
  adstocked: Float64Array;
  weights: Float64Array;
  dWeights: Float64Array;
}

export class MediaTerm implements MeanTerm {
  readonly channels: ChannelLayout[];
  private readonly passes: ReturnType<typeof saturationPass>[];
  private readonly cache: ChannelCache[];
  private readonly dLdw: Float64Array;
  /** dlogp/d(adstocked exposure) per week of one geo, in the backward pass. */
  private readonly dA: Float64Array;
  /**
   * Per channel, per geo-week: 1 where weeks t−L+1..t had no exposure (`quietWindow`) and where
   * weeks t−L+1..t−1 had none (`quietBefore`). The geometric recursion uses them to make a window
   * of zero spend exactly 0, as the convolution does: a rounding residue there would be read by a
   * Hill curve with slope below 1, which is infinitely steep at 0.
   */
  private readonly quietWindow: Uint8Array[];
  private readonly quietBefore: Uint8Array[];

  /** Per channel, exp(τ·z_g) per geo of the last forward pass (1 when pooled). */
  private readonly geoFactor: Float64Array[];
  /** Per geo: the centring constant of all channels (forward), the training mean of dlogp/dμ (backward). */
  private readonly geoOffset: Float64Array;
  private readonly residualMean: Float64Array;

  constructor(
    private readonly data: ModelData,
    add: AddParam,
    hierarchy: MediaHierarchy = POOLED,
  ) {
    this.channels = data.channels.map((c) => {
      const effectPrior = c.priors.effect as Prior;
      const effect = add({
        name: `${c.name}_effect`,
        group: "effect",
        prior: effectPrior,
        bijector: { kind: "exp" },
      });
      const adstock = ADSTOCK_PARAMS[c.adstock].map((d) => {
        const prior = (c.priors[d.name] as Prior | undefined) ?? d.prior;
        const bijector = bijectorFor(prior, d.support === "lag" ? "unit" : d.support);
        return add({ name: `${c.name}_${d.name}`, group: "adstock", prior, bijector });
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
      const geo =
        hierarchy.partial && data.G > 1 ? geoEffectParams(c.name, data.geos, hierarchy, add) : undefined;
      return { effect, adstock, saturation, ...(geo ? { geo } : {}) };
    });
    this.geoFactor = data.channels.map(() => new Float64Array(data.G).fill(1));
    this.geoOffset = new Float64Array(data.G);
    this.residualMean = new Float64Array(data.G);
    this.passes = data.channels.map((c) => saturationPass(c.saturation));
    const GT = data.G * data.T;
    this.cache = data.channels.map((c) => ({
      adstocked: new Float64Array(GT),
      sat: new Float64Array(GT),
      satDx: new Float64Array(GT),
      satDs1: new Float64Array(GT),
      satDn: new Float64Array(GT),
      weights: new Float64Array(c.maxLag),
      dWeights: new Float64Array(2 * c.maxLag),
    }));
    this.dLdw = new Float64Array(Math.max(1, ...data.channels.map((c) => c.maxLag)));
    this.dA = new Float64Array(data.T);
    this.quietWindow = data.channels.map((c) => quietWeeks(c.x, data.G, data.T, c.maxLag, 0));
    this.quietBefore = data.channels.map((c) => quietWeeks(c.x, data.G, data.T, c.maxLag, 1));
  }

  /**
   * Centring on each geo's average makes the intercept the KPI's average level, so it no longer
   * trades off against the effects of always-on channels; contributions for reports add the mean
   * back (see contributions.ts).
   */
  forward(x: Float64Array, mu: Float64Array): boolean {
    const d = this.data;
    const { G, T } = d;
    // centred on the training weeks only: held-out weeks must not move the intercept's meaning
    const trainWeeks = d.trainWeeks;
    const offset = this.geoOffset;
    offset.fill(0);
    for (let c = 0; c < d.channels.length; c++) {
      const ch = d.channels[c];
      const lay = this.channels[c];
      const cache = this.cache[c];
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
      const coef = x[lay.effect] / s1;
      const w = cache.weights;
      const xs = ch.x;
      const a = cache.adstocked;
      const geometric = ch.adstock === "geometric";
      const factor = this.geoFactor[c];
      if (lay.geo) {
        const tau = x[lay.geo.spread];
        for (let g = 0; g < G; g++) factor[g] = Math.exp(tau * x[lay.geo.z[g]]);
      }
      for (let g = 0; g < G; g++) {
        const off = g * T;
        const coefG = coef * factor[g];
        if (geometric) this.geometricAdstock(c, g, x[lay.adstock[0]]);
        else adstockInto(xs, w, L, a, off, T);
        // adds coefG·s_t to μ in the same pass; the centring waits for the geo's offset below
        const trainSum = this.passes[c](a, s1, n, cache, off, off + T, off + trainWeeks, mu, coefG);
        offset[g] += (coefG * trainSum) / trainWeeks;
      }
    }
    // centring, every channel's at once: Σ_c coef_c·mean_t s_{c,t} per geo
    for (let g = 0; g < G; g++) {
      const o = offset[g];
      for (let t = g * T; t < (g + 1) * T; t++) mu[t] -= o;
    }
    return true;
  }

  backward(x: Float64Array, dMu: Float64Array, gx: Float64Array): void {
    // centring: Σ_t r_t·(f_t − mean f) = Σ_t (r_t − mean r)·f_t, with mean r over the training
    // weeks, the same for every channel
    const { G, T, trainWeeks } = this.data;
    for (let g = 0; g < G; g++) {
      let rSum = 0;
      for (let t = g * T; t < (g + 1) * T; t++) rSum += dMu[t];
      this.residualMean[g] = rSum / trainWeeks;
    }
    for (let c = 0; c < this.channels.length; c++) this.channelBackward(c, x, dMu, gx);
  }

  private channelBackward(c: number, x: Float64Array, dMu: Float64Array, gx: Float64Array): void {
    const d = this.data;
    const { G, T } = d;
    const ch = d.channels[c];
    const lay = this.channels[c];
    const { sat, satDx, satDs1, satDn, dWeights } = this.cache[c];
    const geometric = ch.adstock === "geometric";
    const L = ch.maxLag;
    const m = x[lay.effect];
    const s1 = x[lay.saturation[0]];
    const coef = m / s1;
    const dLdw = this.dLdw;
    const dA = this.dA;
    const xs = ch.x;
    const train = d.trainWeeks;
    const residualMean = this.residualMean;
    dLdw.fill(0, 0, L);
    // sums over geo-weeks, each geo weighted by its effect factor
    let sumRS = 0;
    let sumRDs1 = 0;
    let sumRDn = 0;
    let gAlpha = 0;
    let gSpread = 0;
    const factor = this.geoFactor[c];
    const geo = lay.geo;
    const tau = geo ? x[geo.spread] : 0;
    const alpha = geometric ? x[lay.adstock[0]] : 0;
    // the per-channel constants of the α-gradient's recursion (see geometricAlphaGradient):
    // w_0 is 1/S with normalised weights and 1 otherwise
    const w0 = this.cache[c].weights[0];
    const cL = geometric ? L * alpha ** (L - 1) * w0 : 0;
    const ratio = geometric && ch.normalize ? geometricNormaliserSlope(alpha, L) * w0 : 0;
    for (let g = 0; g < G; g++) {
      const off = g * T;
      const rMean = residualMean[g];
      const f = factor[g];
      const coefG = coef * f;
      let geoRS = 0;
      let geoRDs1 = 0;
      let geoRDn = 0;
      for (let t = 0; t < T; t++) {
        const i = off + t;
        const r = dMu[i] - (t < train ? rMean : 0);
        geoRS += r * sat[i];
        geoRDs1 += r * satDs1[i];
        geoRDn += r * satDn[i];
        dA[t] = r * coefG * satDx[i];
      }
      sumRS += f * geoRS;
      sumRDs1 += f * geoRDs1;
      sumRDn += f * geoRDn;
      if (geo) {
        // m_g = m·exp(τ·z_g): d/dz_g = m_g·τ, d/dτ = Σ_g m_g·z_g, each times Σ_t r·s/s1
        const z = x[geo.z[g]];
        gx[geo.z[g]] += coefG * tau * geoRS;
        gSpread += coefG * z * geoRS;
      }
      if (geometric) {
        gAlpha += this.geometricAlphaGradient(c, g, alpha, cL, ratio);
        continue;
      }
      // a_t = Σ_l w_l·x_{t−l}  ⇒  dlogp/dw_l = Σ_t dA_t·x_{t−l}: one dot product per lag
      for (let l = 0; l < L; l++) {
        let s = 0;
        for (let t = l; t < T; t++) s += dA[t] * xs[off + t - l];
        dLdw[l] += s;
      }
    }
    if (geo) gx[geo.spread] += gSpread;
    // f = (m / s1)·s(x; s1, n), each geo's sums already weighted by its factor
    gx[lay.effect] += sumRS / s1;
    gx[lay.saturation[0]] += coef * sumRDs1 - (coef / s1) * sumRS;
    if (lay.saturation.length > 1) gx[lay.saturation[1]] += coef * sumRDn;
    if (geometric) {
      gx[lay.adstock[0]] += gAlpha;
      return;
    }
    for (let p = 0; p < lay.adstock.length; p++) {
      let s = 0;
      for (let l = 0; l < L; l++) s += dLdw[l] * dWeights[p * L + l];
      gx[lay.adstock[p]] += s;
    }
  }

  /**
   * The geometric adstock of channel c in geo g by its recursion instead of the L-term
   * convolution (the media pass dominates the gradient): with normalised weights w_l = α^l/S,
   * the truncated sum obeys a_t = α·a_{t−1} + w_0·x_t − α·w_{L−1}·x_{t−L}. Equal to the
   * convolution up to rounding, and exactly 0 where the window has no exposure.
   */
  private geometricAdstock(c: number, g: number, alpha: number): void {
    const T = this.data.T;
    const x = this.data.channels[c].x;
    const L = this.data.channels[c].maxLag;
    const { weights: w, adstocked: a } = this.cache[c];
    const quiet = this.quietWindow[c];
    const off = g * T;
    const w0 = w[0];
    const tail = alpha * w[L - 1];
    let prev = 0;
    for (let t = 0; t < T; t++) {
      let v = alpha * prev + w0 * x[off + t];
      if (t >= L) v -= tail * x[off + t - L];
      // no exposure in weeks t−L+1..t: exactly 0, and no residue carried on
      if (quiet[off + t] === 1) v = 0;
      a[off + t] = v;
      prev = v;
    }
  }

  /**
   * Σ_t dA_t·da_t/dα over geo g of a geometric channel (dA filled by the backward pass), by
   * recursion. Unnormalised, A_t = Σ_l α^l x_{t−l} has B_t = dA_t/dα = A_{t−1} + α·B_{t−1} −
   * L·α^{L−1}·x_{t−L}; normalised, a_t = A_t/S gives da_t/dα = b_t − a_t·S'/S, where b_t = B_t/S
   * follows the same recursion in a. cL = L·α^(L−1)·w_0 and ratio = S'/S (0 unnormalised) are
   * the channel's constants.
   */
  private geometricAlphaGradient(c: number, g: number, alpha: number, cL: number, ratio: number): number {
    const T = this.data.T;
    const ch = this.data.channels[c];
    const x = ch.x;
    const L = ch.maxLag;
    const a = this.cache[c].adstocked;
    const dA = this.dA;
    const quiet = this.quietBefore[c];
    const off = g * T;
    let sumB = 0;
    let sumA = 0;
    let aPrev = 0;
    let bPrev = 0;
    for (let t = 0; t < T; t++) {
      let b = aPrev + alpha * bPrev;
      if (t >= L) b -= cL * x[off + t - L];
      // B_t weighs weeks t−L+1..t−1 only: none with exposure gives exactly 0
      if (quiet[off + t] === 1) b = 0;
      const at = a[off + t];
      sumB += dA[t] * b;
      sumA += dA[t] * at;
      aPrev = at;
      bPrev = b;
    }
    return sumB - ratio * sumA;
  }
}

/** A channel's geo spread τ and one standardised deviation z per geo, registered in that order. */
function geoEffectParams(
  channel: string,
  geos: string[],
  hierarchy: MediaHierarchy,
  add: AddParam,
): GeoEffectLayout {
  const spread = add({
    name: `${channel}_geo_spread`,
    group: "geo_effect",
    prior: hierarchy.spreadPrior,
    bijector: magnitudeBijector(hierarchy.spreadPrior),
  });
  const z = geos.map((_, g) =>
    add({
      name: `${channel}_geo_z.${g + 1}`,
      group: "geo_effect",
      prior: { dist: "normal", mu: 0, sigma: 1 },
      bijector: { kind: "identity" },
    }),
  );
  return { spread, z };
}

/** S' = Σ_{l<L} l·α^(l−1): the slope in α of the geometric weights' normaliser S = Σ_{l<L} α^l. */
function geometricNormaliserSlope(alpha: number, L: number): number {
  let dS = 0;
  for (let l = 1; l < L; l++) dS += l * alpha ** (l - 1);
  return dS;
}

/**
 * 1 per geo-week where weeks t−L+1..t−skip of series x (geo-major G·T) have no exposure, else 0:
 * skip 0 asks about the adstock window ending at t, skip 1 about the weeks before t in it.
 */
function quietWeeks(x: Float64Array, G: number, T: number, L: number, skip: 0 | 1): Uint8Array {
  const out = new Uint8Array(G * T);
  for (let g = 0; g < G; g++) {
    const off = g * T;
    let lastActive = Number.NEGATIVE_INFINITY;
    for (let t = 0; t < T; t++) {
      if (skip === 0 && x[off + t] !== 0) lastActive = t;
      out[off + t] = lastActive < t - L + 1 ? 1 : 0;
      if (skip === 1 && x[off + t] !== 0) lastActive = t;
    }
  }
  return out;
}
