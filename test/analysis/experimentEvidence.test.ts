// The tension check on a posterior that sits on the truth: the lab's own tests agree with it, a
// test whose lift was tripled does not, and the implied returns carry the test's sign convention.

import { describe, expect, it } from "vitest";
import { checkExperimentsAgainstModel } from "../../src/analysis/experimentEvidence.js";
import { Rng } from "../../src/core/rng.js";
import { simulateScenario } from "../../src/simulate/lab.js";
import { trueModel } from "../../src/simulate/truthModel.js";

const ds = simulateScenario("clean", 5, { experiments: true });
const truth = trueModel(ds.truth, ds.table);
// 200 draws around the truth: every channel's effect within ±10%
const rng = new Rng(1);
const dim = truth.model.dim;
const draws = new Float64Array(200 * dim);
for (let k = 0; k < 200; k++) {
  const x = Float64Array.from(truth.x);
  for (const c of truth.model.layout.channels) x[c.effect] *= Math.exp(rng.normal(0, 0.05));
  draws.set(x, k * dim);
}
const experiments = ds.experiments ?? [];

describe("checkExperimentsAgainstModel", () => {
  it("finds no tension with tests read at their true lift", () => {
    const exact = experiments.map((e, i) => ({ ...e, lift: ds.truth.experiments?.[i].trueLift ?? 0 }));
    for (const c of checkExperimentsAgainstModel(truth.model, draws, exact, { valuePerUnit: 240 })) {
      expect(c.tension, c.id).toBe(false);
      expect(c.pValue).toBeGreaterThan(0.5);
      expect(c.ratio).toBeGreaterThan(0.9);
      expect(c.finding).toBe("");
    }
  });

  it("flags a test whose lift was tripled, and says by how much", () => {
    const wrong = experiments.map((e, i) => ({ ...e, lift: 3 * (ds.truth.experiments?.[i].trueLift ?? 0) }));
    for (const c of checkExperimentsAgainstModel(truth.model, draws, wrong, { valuePerUnit: 240 })) {
      expect(c.tension, c.id).toBe(true);
      expect(c.ratio).toBeGreaterThan(2.5);
      expect(c.finding).toMatch(/× more than the model expects/);
    }
  });

  it("gives the return per currency unit positive for go-darks and heavy-ups alike", () => {
    for (const c of checkExperimentsAgainstModel(truth.model, draws, experiments, { valuePerUnit: 240 })) {
      expect(c.modelIroas.mean, c.id).toBeGreaterThan(0);
      expect(c.testIroas.q05).toBeLessThan(c.testIroas.q95);
    }
  });
});
