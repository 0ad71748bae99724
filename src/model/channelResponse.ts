// A channel's response parameters read from a draw: the adstock weights (and their derivatives)
// and the saturation's s(1), slope and coefficient (national; times geoEffectFactor per geo). Every pass that evaluates a channel outside
// the media term — contributions, plan values, lift tests — starts here, so they read a draw alike.

import { adstockSpec, adstockWeightsWithGradient } from "./adstock.js";
import type { ChannelData } from "./design.js";

/** Where a channel's parameters sit in the parameter vector. */
export interface ChannelParamIndex {
  effect: number;
  adstock: number[];
  saturation: number[];
  /** On a partially pooled geo panel: the spread τ and each geo's z (see terms/media.ts). */
  geo?: { spread: number; z: number[] };
}

/** Geo g's effect relative to the channel's national effect: exp(τ·z_g), or 1 when pooled. */
export function geoEffectFactor(lay: ChannelParamIndex, x: ArrayLike<number>, g: number): number {
  return lay.geo ? Math.exp(x[lay.geo.spread] * x[lay.geo.z[g]]) : 1;
}

/**
 * Fills w (and dw, d w / d adstock parameters) for channel `ch` at constrained values x and
 * returns its saturation parameters; `ok` is false when the adstock parameters give no valid
 * weights (the sampler rejects such a point; measures on accepted draws never meet one).
 */
export function channelResponseAt(
  ch: ChannelData,
  lay: ChannelParamIndex,
  x: ArrayLike<number>,
  w: Float64Array,
  dw: Float64Array,
): { ok: boolean; s1: number; n: number; coef: number } {
  const spec = adstockSpec(
    ch.adstock,
    [x[lay.adstock[0]], lay.adstock.length > 1 ? x[lay.adstock[1]] : 0],
    ch.maxLag,
    ch.normalize,
  );
  const ok = adstockWeightsWithGradient(spec, w, dw);
  const s1 = x[lay.saturation[0]];
  return { ok, s1, n: lay.saturation.length > 1 ? x[lay.saturation[1]] : 1, coef: x[lay.effect] / s1 };
}
