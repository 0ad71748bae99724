// Validation of the spec's prior overrides against the parameters the terms registered.

import { MmmError } from "../core/errors.js";
import { ADSTOCK_PARAMS } from "./adstock.js";
import type { Bijector } from "./bijectors.js";
import type { ModelData } from "./design.js";
import { noiseParams } from "./likelihood.js";
import type { ParamInfo } from "./params.js";
import { priorSupport } from "./priors.js";
import { SATURATION_PARAMS } from "./saturation.js";
import type { ModelSpec } from "./spec.js";

const SUPPORT_OF_BIJECTOR: Record<Bijector["kind"], "real" | "positive" | "unit"> = {
  identity: "real",
  exp: "positive",
  softplus: "positive",
  logit: "unit",
  bounded: "unit",
};
const DISTS_FOR: Record<"real" | "positive" | "unit", string> = {
  real: "normal or student_t",
  positive: "half_normal, lognormal, gamma or exponential",
  unit: "beta",
};

/** Prior overrides must name real parameters and suit their support; say which key is wrong. */
export function checkPriors(data: ModelData, spec: ModelSpec, params: ParamInfo[]): void {
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
