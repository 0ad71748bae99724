// MmmModel.addTerm: an extra log-density term's value and gradient appear in logDensity.

import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/core/rng.js";
import { buildModelData } from "../../../src/model/design.js";
import { type LogDensityTerm, MmmModel } from "../../../src/model/mmm.js";
import { ModelSpecSchema } from "../../../src/model/spec.js";
import { simulateScenario } from "../../../src/simulate/lab.js";

/** −(x_i − target)²/2 on one constrained parameter. */
class QuadraticPenalty implements LogDensityTerm {
  constructor(
    private readonly index: number,
    private readonly target: number,
  ) {}
  logDensity(x: Float64Array, gx: Float64Array): number {
    const r = x[this.index] - this.target;
    gx[this.index] -= r;
    return -0.5 * r * r;
  }
}

describe("MmmModel.addTerm", () => {
  it("adds the term's value and its gradient, through the chain rule, to logDensity", () => {
    const spec = ModelSpecSchema.parse({});
    const data = buildModelData(simulateScenario("short", 6).table, spec);
    const plain = new MmmModel(data, spec);
    const model = new MmmModel(data, spec);
    const i = model.layout.channels[0].effect; // exp bijector: x = e^u, dx/du = x
    expect(model.addTerm(new QuadraticPenalty(i, 0.3))).toBe(model);
    const rng = new Rng(7);
    const g0 = new Float64Array(model.dim);
    const g1 = new Float64Array(model.dim);
    for (let p = 0; p < 5; p++) {
      const u = plain.initialPoint().map((v) => v + rng.normal(0, 0.3));
      const lp0 = plain.logDensity(u, g0);
      const lp1 = model.logDensity(u, g1);
      const x = Math.exp(u[i]);
      expect(lp1 - lp0).toBeCloseTo(-0.5 * (x - 0.3) ** 2, 9);
      for (let j = 0; j < model.dim; j++) {
        if (j === i) expect(g1[j] - g0[j]).toBeCloseTo(-(x - 0.3) * x, 9);
        else expect(g1[j]).toBe(g0[j]);
      }
    }
  });

  it("rejects the point when the term is not finite", () => {
    const spec = ModelSpecSchema.parse({});
    const model = new MmmModel(buildModelData(simulateScenario("short", 6).table, spec), spec);
    model.addTerm({ logDensity: () => Number.NEGATIVE_INFINITY });
    const g = new Float64Array(model.dim).fill(1);
    expect(model.logDensity(model.initialPoint(), g)).toBe(Number.NEGATIVE_INFINITY);
    expect(g.every((v) => v === 0)).toBe(true);
  });
});
