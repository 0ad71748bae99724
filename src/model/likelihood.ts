// Observation models: the log likelihood of the KPI given its mean, and its derivatives with
// respect to the mean (per observation) and to the noise parameters. Means are in the model's
// scaled units (KPI ÷ its geo mean); families that need a positive mean get it through a sharp
// softplus, which is the identity wherever the mean is comfortably positive.

import { digamma, LOG_SQRT_2PI, logGamma, sigmoid, softplus } from "../core/special.js";
import type { Prior } from "./priors.js";

export type LikelihoodFamily = "normal" | "student_t" | "lognormal" | "poisson" | "negative_binomial";

export interface NoiseParamDef {
  name: string;
  support: "positive";
  prior: Prior;
}

/** Noise parameters of each family with their default priors (scaled units). */
export function noiseParams(family: LikelihoodFamily): NoiseParamDef[] {
  switch (family) {
    case "normal":
    case "lognormal":
      return [{ name: "sigma", support: "positive", prior: { dist: "half_normal", sigma: 0.2 } }];
    case "student_t":
      return [
        { name: "sigma", support: "positive", prior: { dist: "half_normal", sigma: 0.2 } },
        { name: "nu", support: "positive", prior: { dist: "gamma", alpha: 2, beta: 0.1 } },
      ];
    case "poisson":
      return [];
    case "negative_binomial":
      // dispersion φ: variance μ + μ²/φ
      return [{ name: "phi", support: "positive", prior: { dist: "gamma", alpha: 2, beta: 0.05 } }];
  }
}

/** Softness of the positive link, in scaled units (1% of the KPI's mean). */
const LINK_SOFTNESS = 0.01;

export function positiveMean(mu: number): number {
  return LINK_SOFTNESS * softplus(mu / LINK_SOFTNESS);
}

export interface LikelihoodData {
  /** KPI in scaled units (y ÷ scale), per observation. */
  ys: Float64Array;
  /** KPI in original units (counts families), per observation. */
  y: Float64Array;
  /** Scale of each observation (its geo's KPI mean). */
  scale: Float64Array;
  /** log of ys (lognormal), precomputed. */
  logYs: Float64Array;
  /** log Γ(y + 1) (count families), precomputed. */
  logFactorialY: Float64Array;
}

export function likelihoodData(y: Float64Array, scale: Float64Array): LikelihoodData {
  const ys = y.map((v, i) => v / scale[i]);
  return {
    ys,
    y,
    scale,
    logYs: ys.map((v) => (v > 0 ? Math.log(v) : Number.NaN)),
    logFactorialY: y.map((v) => (Number.isInteger(v) && v >= 0 ? logGamma(v + 1) : Number.NaN)),
  };
}

/**
 * Σ log p(y | μ, noise). Writes dlogp/dμ into `dMu` and dlogp/d(noise param) into `dNoise`.
 * Observations with a NaN KPI are skipped (held-out or missing weeks).
 */
export function logLikelihood(
  family: LikelihoodFamily,
  d: LikelihoodData,
  mu: Float64Array,
  noise: Float64Array,
  dMu: Float64Array,
  dNoise: Float64Array,
): number {
  let lp = 0;
  dNoise.fill(0);
  const n = mu.length;
  switch (family) {
    case "normal": {
      const sigma = noise[0];
      const inv = 1 / sigma;
      let dSigma = 0;
      const c = Math.log(sigma) + LOG_SQRT_2PI;
      for (let i = 0; i < n; i++) {
        const yi = d.ys[i];
        if (Number.isNaN(yi)) {
          dMu[i] = 0;
          continue;
        }
        const z = (yi - mu[i]) * inv;
        lp -= 0.5 * z * z + c;
        dMu[i] = z * inv;
        dSigma += (z * z - 1) * inv;
      }
      dNoise[0] = dSigma;
      return lp;
    }
    case "student_t": {
      const sigma = noise[0];
      const nu = noise[1];
      const c = logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(sigma);
      const dc = 0.5 * digamma((nu + 1) / 2) - 0.5 * digamma(nu / 2) - 0.5 / nu;
      let dSigma = 0;
      let dNu = 0;
      for (let i = 0; i < n; i++) {
        const yi = d.ys[i];
        if (Number.isNaN(yi)) {
          dMu[i] = 0;
          continue;
        }
        const z = (yi - mu[i]) / sigma;
        const q = nu + z * z;
        lp += c - ((nu + 1) / 2) * Math.log1p((z * z) / nu);
        dMu[i] = ((nu + 1) * z) / (sigma * q);
        dSigma += -1 / sigma + ((nu + 1) * z * z) / (sigma * q);
        dNu += dc - 0.5 * Math.log1p((z * z) / nu) + ((nu + 1) * z * z) / (2 * nu * q);
      }
      dNoise[0] = dSigma;
      dNoise[1] = dNu;
      return lp;
    }
    case "lognormal": {
      // mean-parameterised: log y ~ Normal(log μ⁺ − σ²/2, σ), so E[y] = μ⁺
      const sigma = noise[0];
      let dSigma = 0;
      const c = Math.log(sigma) + LOG_SQRT_2PI;
      for (let i = 0; i < n; i++) {
        const ly = d.logYs[i];
        if (Number.isNaN(d.ys[i])) {
          dMu[i] = 0;
          continue;
        }
        const mp = positiveMean(mu[i]);
        const m = Math.log(mp) - 0.5 * sigma * sigma;
        const z = (ly - m) / sigma;
        lp -= 0.5 * z * z + c + ly;
        dMu[i] = (z / sigma / mp) * sigmoid(mu[i] / LINK_SOFTNESS);
        dSigma += (z * z - 1) / sigma - z;
      }
      dNoise[0] = dSigma;
      return lp;
    }
    case "poisson": {
      for (let i = 0; i < n; i++) {
        const yi = d.y[i];
        if (Number.isNaN(yi)) {
          dMu[i] = 0;
          continue;
        }
        const lambda = d.scale[i] * positiveMean(mu[i]);
        lp += yi * Math.log(lambda) - lambda - d.logFactorialY[i];
        dMu[i] = (yi / lambda - 1) * d.scale[i] * sigmoid(mu[i] / LINK_SOFTNESS);
      }
      return lp;
    }
    case "negative_binomial": {
      const phi = noise[0];
      const lgPhi = logGamma(phi);
      const dgPhi = digamma(phi);
      let dPhi = 0;
      for (let i = 0; i < n; i++) {
        const yi = d.y[i];
        if (Number.isNaN(yi)) {
          dMu[i] = 0;
          continue;
        }
        const lambda = d.scale[i] * positiveMean(mu[i]);
        const lpl = Math.log(phi + lambda);
        lp +=
          logGamma(yi + phi) -
          lgPhi -
          d.logFactorialY[i] +
          phi * (Math.log(phi) - lpl) +
          yi * (Math.log(lambda) - lpl);
        dMu[i] = (yi / lambda - (yi + phi) / (phi + lambda)) * d.scale[i] * sigmoid(mu[i] / LINK_SOFTNESS);
        dPhi += digamma(yi + phi) - dgPhi + Math.log(phi) - lpl + 1 - (yi + phi) / (phi + lambda);
      }
      dNoise[0] = dPhi;
      return lp;
    }
  }
}

/** One posterior-predictive draw of the KPI (original units) given the mean and noise. */
export function sampleObservation(
  family: LikelihoodFamily,
  mu: number,
  scale: number,
  noise: ArrayLike<number>,
  rng: { normal: () => number; gamma: (a: number) => number; poisson: (l: number) => number },
): number {
  switch (family) {
    case "normal":
      return scale * (mu + noise[0] * rng.normal());
    case "student_t": {
      const nu = noise[1];
      const chi2 = 2 * rng.gamma(nu / 2);
      return scale * (mu + (noise[0] * rng.normal()) / Math.sqrt(chi2 / nu));
    }
    case "lognormal": {
      const s = noise[0];
      return scale * Math.exp(Math.log(positiveMean(mu)) - 0.5 * s * s + s * rng.normal());
    }
    case "poisson":
      return rng.poisson(scale * positiveMean(mu));
    case "negative_binomial": {
      const phi = noise[0];
      return rng.poisson((rng.gamma(phi) / phi) * scale * positiveMean(mu));
    }
  }
}

/** Pointwise log likelihood of each observation (NaN for held-out ones), for PSIS-LOO. */
export function pointwiseLogLikelihood(
  family: LikelihoodFamily,
  d: LikelihoodData,
  mu: Float64Array,
  noise: Float64Array,
  out: Float64Array,
): void {
  const one = new Float64Array(1);
  const dMu = new Float64Array(1);
  const dNoise = new Float64Array(2);
  const single: LikelihoodData = {
    ys: new Float64Array(1),
    y: new Float64Array(1),
    scale: new Float64Array(1),
    logYs: new Float64Array(1),
    logFactorialY: new Float64Array(1),
  };
  for (let i = 0; i < mu.length; i++) {
    if (Number.isNaN(d.ys[i])) {
      out[i] = Number.NaN;
      continue;
    }
    single.ys[0] = d.ys[i];
    single.y[0] = d.y[i];
    single.scale[0] = d.scale[i];
    single.logYs[0] = d.logYs[i];
    single.logFactorialY[0] = d.logFactorialY[i];
    one[0] = mu[i];
    // the scaled families' densities are per scaled unit: convert to the KPI's own units
    const jacobian = family === "poisson" || family === "negative_binomial" ? 0 : -Math.log(d.scale[i]);
    out[i] = logLikelihood(family, single, one, noise, dMu, dNoise) + jacobian;
  }
}
