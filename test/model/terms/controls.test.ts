// The controls term's backward pass (free and signed controls) against finite differences.

import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/core/rng.js";
import { buildModelData } from "../../../src/model/design.js";
import { ModelSpecSchema } from "../../../src/model/spec.js";
import { ControlsTerm } from "../../../src/model/terms/controls.js";
import { simulateScenario } from "../../../src/simulate/lab.js";
import { checkMeanTerm, paramList } from "./fd.js";

describe("ControlsTerm backward = finite differences", () => {
  it("signed and free controls", () => {
    const spec = ModelSpecSchema.parse({});
    const data = buildModelData(simulateScenario("clean", 3).table, spec);
    const { params, add } = paramList();
    const term = new ControlsTerm(data, spec, add);
    expect(params.length).toBeGreaterThan(1);
    expect(params.some((p) => p.negate)).toBe(true);
    checkMeanTerm(term, params, data.G * data.T, new Rng(3));
  });
});
