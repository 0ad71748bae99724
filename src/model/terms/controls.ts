// Control variables (price, promotions, …): μ += γ_k·z_k, where a signed control samples the
// size of its effect on (0, ∞) and a negative sign flips it (γ = −value).

import type { ModelData } from "../design.js";
import { type AddParam, bijectorFor, magnitudeBijector } from "../params.js";
import type { Prior } from "../priors.js";
import type { ModelSpec } from "../spec.js";
import type { MeanTerm } from "./term.js";

export class ControlsTerm implements MeanTerm {
  /** Parameter index of each control. */
  readonly controls: number[];
  private readonly sign: Float64Array;

  constructor(
    private readonly data: ModelData,
    spec: ModelSpec,
    add: AddParam,
  ) {
    this.controls = data.controls.map((c) => {
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
        bijector: magnitudeBijector(prior),
        negate: c.sign === "negative",
      });
    });
    this.sign = Float64Array.from(data.controls, (c) => (c.sign === "negative" ? -1 : 1));
  }

  forward(x: Float64Array, mu: Float64Array): boolean {
    const n = this.data.G * this.data.T;
    for (let c = 0; c < this.controls.length; c++) {
      const v = x[this.controls[c]];
      const coef = this.sign[c] < 0 ? -v : v;
      const z = this.data.controls[c].z;
      for (let i = 0; i < n; i++) mu[i] += coef * z[i];
    }
    return true;
  }

  backward(_x: Float64Array, dMu: Float64Array, gx: Float64Array): void {
    const n = this.data.G * this.data.T;
    for (let c = 0; c < this.controls.length; c++) {
      const z = this.data.controls[c].z;
      let s = 0;
      for (let i = 0; i < n; i++) s += dMu[i] * z[i];
      gx[this.controls[c]] += this.sign[c] < 0 ? -s : s;
    }
  }
}
