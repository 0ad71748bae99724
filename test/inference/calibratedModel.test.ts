// buildModel with lift tests: the calibration term is there (and differs by route), and a holdout
// fold keeps out the tests read out in its held-out weeks instead of failing.

import { describe, expect, it } from "vitest";
import { buildModel } from "../../src/inference/executor.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { simulateScenario } from "../../src/simulate/lab.js";

const ds = simulateScenario("short", 2, { experiments: true });
const spec = ModelSpecSchema.parse({});
const experiments = ds.experiments ?? [];

function lp(recipe: Parameters<typeof buildModel>[0]): number {
  const model = buildModel(recipe);
  return model.logDensity(model.initialPoint(), new Float64Array(model.dim));
}

describe("buildModel with experiments", () => {
  it("adds the calibration term, and the two routes are different terms", () => {
    const plain = lp({ table: ds.table, spec });
    const likelihood = lp({ table: ds.table, spec, experiments });
    const roiPrior = lp({ table: ds.table, spec, experiments, calibration: "roi_prior" });
    expect(likelihood).not.toBe(plain);
    expect(roiPrior).not.toBe(plain);
    expect(roiPrior).not.toBe(likelihood);
  });

  it("drops tests read out in held-out weeks (a fold learns from its past only)", () => {
    // the lab's last test ends 6 weeks before the data end: a 13-week holdout leaves it out
    const holdout = { table: ds.table, spec, experiments, holdoutWeeks: 13 };
    expect(() => buildModel(holdout)).not.toThrow();
    const all = lp({ table: ds.table, spec, holdoutWeeks: 13 });
    const some = lp(holdout);
    expect(some).not.toBe(all);
    const onlyEarly = experiments.slice(0, -1);
    expect(lp({ ...holdout, experiments: onlyEarly })).toBe(some);
  });
});
