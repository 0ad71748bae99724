// Paid media: each channel adds m_c·(s_t/s1 − mean_t s_t/s1) to μ, where s_t = sat(adstock(x_c)_t)
// and m_c = β_c·sat_c(1) is the channel's effect (see the note in mmm.ts). Forward caches the
// adstocked input and the saturation's partial derivatives per geo-week for the backward pass.

import { ADSTOCK_PARAMS, adstockSpec, adstockWeightsWithGradient } from "../adstock.js";
import type { ModelData } from "../design.js";
import { type AddParam, bijectorFor } from "../params.js";
import type { Prior } from "../priors.js";
import { SATURATION_PARAMS, saturationKernel } from "../saturation.js";
import type { MeanTerm } from "./term.js";

export interface ChannelLayout {
  effect: number;
  adstock: number[];
  saturation: number[];
}

interface ChannelCache {
  sat: Float64Array;
  satDx: Float64Array;
  satDs1: Float64Array;
  satDn: Float64Array;
  weights: Float64Array;
  dWeights: Float64Array;
}

export class MediaTerm implements MeanTerm {
  readonly channels: ChannelLayout[];
  private readonly kernels: ReturnType<typeof saturationKernel>[];
  private readonly cache: ChannelCache[];
  private readonly kernelOut = new Float64Array(4);
  private readonly dLdw: Float64Array;

  constructor(
    private readonly data: ModelData,
    add: AddParam,
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
      return { effect, adstock, saturation };
    });
    this.kernels = data.channels.map((c) => saturationKernel(c.saturation));
    const GT = data.G * data.T;
    this.cache = data.channels.map((c) => ({
      sat: new Float64Array(GT),
      satDx: new Float64Array(GT),
      satDs1: new Float64Array(GT),
      satDn: new Float64Array(GT),
      weights: new Float64Array(c.maxLag),
      dWeights: new Float64Array(2 * c.maxLag),
    }));
    this.dLdw = new Float64Array(Math.max(1, ...data.channels.map((c) => c.maxLag)));
  }

  /**
   * Centring on each geo's average makes the intercept the KPI's average level, so it no longer
   * trades off against the effects of always-on channels; contributions for reports add the mean
   * back (see contributions.ts).
   */
  forward(x: Float64Array, mu: Float64Array): boolean {
    const d = this.data;
    const { G, T } = d;
    const out = this.kernelOut;
    // centred on the training weeks only: held-out weeks must not move the intercept's meaning
    const trainWeeks = d.trainWeeks;
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

  backward(x: Float64Array, dMu: Float64Array, gx: Float64Array): void {
    for (let c = 0; c < this.channels.length; c++) this.channelBackward(c, x, dMu, gx);
  }

  private channelBackward(c: number, x: Float64Array, dMu: Float64Array, gx: Float64Array): void {
    const d = this.data;
    const { G, T } = d;
    const ch = d.channels[c];
    const lay = this.channels[c];
    const cache = this.cache[c];
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
}
