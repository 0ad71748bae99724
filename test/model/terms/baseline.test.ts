// The baseline term's backward pass against finite differences of its forward pass.

import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/core/rng.js";
import { buildModelData } from "../../../src/model/design.js";
import { ModelSpecSchema } from "../../../src/model/spec.js";
import { BaselineTerm } from "../../../src/model/terms/baseline.js";
import { simulateScenario } from "../../../src/simulate/lab.js";
import { checkMeanTerm, paramList } from "./fd.js";

describe("BaselineTerm backward = finite differences", () => {
  it("changepoint trend, seasonality, holidays, time-varying intercept", () => {
    const spec = ModelSpecSchema.parse({
      baseline: { trend: "changepoint", changepoints: 4, time_varying_intercept: true, tvi_knot_weeks: 8 },
    });
    const data = buildModelData(simulateScenario("short", 3).table, spec);
    const { params, add } = paramList();
    const term = new BaselineTerm(data, spec, add);
    expect(term.tviZ.length).toBeGreaterThan(2);
    expect(term.holidays.length).toBeGreaterThan(0);
    checkMeanTerm(term, params, data.G * data.T, new Rng(1));
  });

  it("per-geo intercepts on a geo panel", () => {
    const spec = ModelSpecSchema.parse({});
    const data = buildModelData(simulateScenario("geo", 3).table, spec);
    const { params, add } = paramList();
    const term = new BaselineTerm(data, spec, add);
    expect(term.intercept.length).toBe(data.G);
    checkMeanTerm(term, params, data.G * data.T, new Rng(2), 2);
  });
});
