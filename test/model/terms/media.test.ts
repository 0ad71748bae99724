// The media term's backward pass against finite differences, for every adstock and saturation
// family, with held-out weeks (centring on the training weeks) and on a geo panel.

import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/core/rng.js";
import { buildModelData } from "../../../src/model/design.js";
import { ModelSpecSchema } from "../../../src/model/spec.js";
import { MediaTerm } from "../../../src/model/terms/media.js";
import { simulateScenario } from "../../../src/simulate/lab.js";
import { checkMeanTerm, paramList } from "./fd.js";

const short = simulateScenario("short", 4).table;

describe("MediaTerm backward = finite differences", () => {
  const saturations = ["hill", "logistic", "michaelis_menten", "tanh"] as const;
  const adstocks = ["geometric", "delayed_geometric", "weibull_cdf", "weibull_pdf"] as const;
  adstocks.forEach((adstock, k) => {
    const saturation = saturations[k];
    it(`adstock ${adstock} × saturation ${saturation}, 8 weeks held out`, () => {
      const spec = ModelSpecSchema.parse({
        media_defaults: { adstock: { family: adstock, max_lag: 6 }, saturation: { family: saturation } },
      });
      const data = buildModelData(short, spec, { holdoutWeeks: 8 });
      const { params, add } = paramList();
      checkMeanTerm(new MediaTerm(data, add), params, data.G * data.T, new Rng(10 + k));
    });
  });

  // the geometric adstock runs by recursion (issue 12): unnormalised weights, one lag, long lags
  for (const adstock of [
    { family: "geometric", max_lag: 6, normalize: false },
    { family: "geometric", max_lag: 1 },
    { family: "geometric", max_lag: 13 },
  ]) {
    it(`geometric by recursion: ${JSON.stringify(adstock)}`, () => {
      const spec = ModelSpecSchema.parse({ media_defaults: { adstock } });
      const data = buildModelData(short, spec, { holdoutWeeks: 4 });
      const { params, add } = paramList();
      checkMeanTerm(new MediaTerm(data, add), params, data.G * data.T, new Rng(31));
    });
  }

  it("geo panel", () => {
    const spec = ModelSpecSchema.parse({});
    const data = buildModelData(simulateScenario("geo", 4).table, spec);
    const { params, add } = paramList();
    checkMeanTerm(new MediaTerm(data, add), params, data.G * data.T, new Rng(20), 1);
  });
});

describe("MediaTerm with geo effects partially pooled", () => {
  it("geo panel: the spread, each geo's z and every channel parameter", () => {
    const spec = ModelSpecSchema.parse({});
    const data = buildModelData(simulateScenario("geo", 4).table, spec);
    const { params, add } = paramList();
    const term = new MediaTerm(data, add, {
      partial: true,
      spreadPrior: { dist: "half_normal", sigma: 0.3 },
    });
    const geo = term.channels[0].geo;
    expect(geo?.z).toHaveLength(data.G);
    expect(params[geo?.spread as number].name).toBe(`${data.channels[0].name}_geo_spread`);
    checkMeanTerm(term, params, data.G * data.T, new Rng(21), 1);
  });

  it("adds no parameters on a national table", () => {
    const data = buildModelData(short, ModelSpecSchema.parse({}));
    const pooled = paramList();
    const partial = paramList();
    new MediaTerm(data, pooled.add);
    const term = new MediaTerm(data, partial.add, {
      partial: true,
      spreadPrior: { dist: "half_normal", sigma: 0.3 },
    });
    expect(partial.params.length).toBe(pooled.params.length);
    expect(term.channels.every((c) => c.geo === undefined)).toBe(true);
  });
});
