// The observation model: the likelihood family's noise parameters and the call into
// likelihood.ts, which returns log p(y | μ, noise) and fills dlogp/dμ for the mean terms.

import type { ModelData } from "../design.js";
import {
  type LikelihoodData,
  type LikelihoodFamily,
  likelihoodData,
  logLikelihood,
  noiseParams,
  pointwiseLogLikelihood,
} from "../likelihood.js";
import type { AddParam } from "../params.js";
import type { Prior } from "../priors.js";
import type { ModelSpec } from "../spec.js";

export class LikelihoodTerm {
  readonly family: LikelihoodFamily;
  /** Parameter index of each noise parameter, in the family's order. */
  readonly noise: number[];
  private readonly lik: LikelihoodData;
  private readonly noiseValues = new Float64Array(2);
  private readonly dNoise = new Float64Array(2);

  constructor(data: ModelData, spec: ModelSpec, add: AddParam) {
    this.family = spec.likelihood.family;
    this.noise = noiseParams(this.family).map((d) => {
      const prior = (spec.likelihood.priors[d.name] as Prior | undefined) ?? d.prior;
      return add({ name: d.name, group: "noise", prior, bijector: { kind: "exp" } });
    });
    this.lik = likelihoodData(data.y, data.obsScale);
  }

  /** log p(y | μ, noise); writes dlogp/dμ into dMu and adds the noise parameters' gradient to gx. */
  logLik(x: Float64Array, mu: Float64Array, dMu: Float64Array, gx: Float64Array): number {
    const noise = this.noiseValues;
    for (let k = 0; k < this.noise.length; k++) noise[k] = x[this.noise[k]];
    const ll = logLikelihood(this.family, this.lik, mu, noise, dMu, this.dNoise);
    for (let k = 0; k < this.noise.length; k++) gx[this.noise[k]] += this.dNoise[k];
    return ll;
  }

  /** Pointwise log likelihood (KPI units) of each geo-week; NaN when held out. */
  pointwise(x: ArrayLike<number>, mu: Float64Array, out: Float64Array): Float64Array {
    const noise = Float64Array.from(this.noise, (j) => x[j]);
    pointwiseLogLikelihood(this.family, this.lik, mu, noise, out);
    return out;
  }
}
