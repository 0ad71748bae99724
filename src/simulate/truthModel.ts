// The model with the lab's true parameters plugged in: the spec that matches the truth's adstock
// families and lags, and the constrained parameter vector that reproduces the truth's media
// response exactly. Tests (and users) use it to check measures and plans against the lab.

import type { ModelingTable } from "../core/modelingTable.js";
import { buildModelData } from "../model/design.js";
import { MmmModel } from "../model/mmm.js";
import { type ModelSpec, ModelSpecSchema } from "../model/spec.js";
import type { LabTruth } from "./truth.js";

export interface TrueModel {
  spec: ModelSpec;
  model: MmmModel;
  /** Constrained parameters: media at their true values, everything else at its prior median. */
  x: Float64Array;
}

/** National scenarios only: a geo truth scales each channel per region, which one vector cannot hold. */
export function trueModel(truth: LabTruth, table: ModelingTable): TrueModel {
  if (table.geos.length !== 1) throw new Error("trueModel: national scenarios only");
  const spec = ModelSpecSchema.parse({
    channels: truth.channels.map((c) => ({
      name: c.name,
      adstock: { family: c.adstock.type, max_lag: c.adstock.maxLag },
    })),
  });
  const model = new MmmModel(buildModelData(table, spec), spec);
  const d = model.data;
  const x = model.constrain(model.initialPoint());
  for (const [c, t] of truth.channels.entries()) {
    const lay = model.layout.channels[c];
    // Hill: the truth's half-saturation is in USD of adstocked weekly spend; ours is in units of
    // the channel's average active spend, and our coefficient is the effect at that average
    const K = t.saturation.halfSaturation / d.channels[c].inputScale[0];
    const s1 = 1 / (1 + K ** t.saturation.slope);
    x[lay.saturation[0]] = s1;
    x[lay.saturation[1]] = t.saturation.slope;
    x[lay.effect] = (t.beta * s1) / d.yScale[0];
    const a = t.adstock;
    if (a.type === "geometric") x[lay.adstock[0]] = a.alpha;
    else if (a.type === "delayed_geometric") {
      x[lay.adstock[0]] = a.alpha;
      x[lay.adstock[1]] = a.delay / (a.maxLag - 1);
    } else {
      x[lay.adstock[0]] = a.shape;
      x[lay.adstock[1]] = a.scale;
    }
  }
  return { spec, model, x };
}
