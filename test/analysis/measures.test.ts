// Measures against known answers: the decomposition adds up to the model mean exactly; with the
// lab's true parameters plugged in, counterfactual lift equals the simulator's own truth; and
// cross-validation folds never see the weeks they are tested on.

import { describe, expect, it } from "vitest";
import { Decomposer } from "../../src/analysis/decomposition.js";
import { counterfactualLift } from "../../src/analysis/measures.js";
import { truncate } from "../../src/analysis/validation.js";
import { Rng } from "../../src/core/rng.js";
import { ContributionEvaluator } from "../../src/model/contributions.js";
import { buildModelData } from "../../src/model/design.js";
import { MmmModel } from "../../src/model/mmm.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { simulateScenario } from "../../src/simulate/lab.js";
import { channelContribution } from "../../src/simulate/response.js";
import { truthMediaParams } from "../../src/simulate/truth.js";
import { trueModel } from "../../src/simulate/truthModel.js";

const clean = simulateScenario("clean", 1);

describe("decomposition", () => {
  for (const family of ["normal", "negative_binomial", "lognormal"] as const) {
    it(`adds up to the model mean exactly (${family})`, () => {
      const ds = family === "normal" ? clean : simulateScenario("counts", 2);
      const spec = ModelSpecSchema.parse({
        likelihood: { family },
        baseline: { time_varying_intercept: true },
      });
      const model = new MmmModel(buildModelData(ds.table, spec), spec);
      const rng = new Rng(3);
      const dec = new Decomposer(model);
      for (let k = 0; k < 3; k++) {
        const u = model.initialPoint().map((v) => v + rng.normal(0, 0.2));
        const x = model.constrain(u);
        const d = dec.decompose(x);
        expect(d.method).toBe(family === "normal" ? "additive" : "counterfactual");
        const mu = model.mean(u);
        for (let i = 0; i < mu.length; i++) {
          let sum = 0;
          for (const v of d.parts.values()) sum += v[i];
          expect(Math.abs(sum - d.mean[i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(d.mean[i])));
          if (family === "normal")
            expect(Math.abs(d.mean[i] - mu[i] * model.data.yScale[0])).toBeLessThan(
              1e-9 * Math.abs(d.mean[i]),
            );
        }
      }
    });
  }
});

describe("contribution totals (the per-draw ROI and marginal ROI pass)", () => {
  it("equal the summed weekly contributions at each multiplier, for every saturation family and many geos", () => {
    for (const [scenario, saturation] of [
      ["clean", "hill"],
      ["geo", "logistic"],
      ["short", "michaelis_menten"],
    ] as const) {
      const spec = ModelSpecSchema.parse({ media_defaults: { saturation: { family: saturation } } });
      const model = new MmmModel(buildModelData(simulateScenario(scenario, 2).table, spec), spec);
      const ev = new ContributionEvaluator(model);
      const rng = new Rng(9);
      const x = model.constrain(model.initialPoint().map((v) => v + rng.normal(0, 0.3)));
      const multipliers = [1, 1.01, 0.5, 0];
      const out = new Float64Array(multipliers.length);
      model.data.channels.forEach((_, c) => {
        ev.totals(x, c, multipliers, out);
        multipliers.forEach((m, k) => {
          const weekly = ev.channel(x, c, m);
          const expected = weekly.reduce((a, b) => a + b, 0);
          expect(Math.abs(out[k] - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
        });
      });
    }
  });
});

describe("counterfactual lift with the true parameters", () => {
  // our model with the lab's true parameters plugged in
  const truth = clean.truth;
  const { model, x } = trueModel(truth, clean.table);
  const d = model.data;

  for (const t of truth.channels) {
    it(`${t.name}: switching the channel off removes exactly its true contribution; halving spend matches the true response curve`, () => {
      const off = counterfactualLift(model, x, { channel: t.name, kind: "off" })[0];
      expect(off).toBeCloseTo(-t.contribution, 6);
      const half = counterfactualLift(model, x, { channel: t.name, kind: "scale", factor: 0.5 })[0];
      const curve = t.responseCurve;
      expect(half).toBeCloseTo(curve.contribution[5] - curve.contribution[10], 6);
    });
  }

  it("a spend path over part of the window matches the lab's own response to that path (carryover included)", () => {
    const T = d.T;
    const ch = d.channels.find((c) => c.name === "paid_social")!;
    const weekly = Float64Array.from(ch.spend, (v, t) =>
      t >= 50 && t < 60 ? 0 : t >= 100 && t < 110 ? 2 * v : v,
    );
    const lift = counterfactualLift(model, x, {
      channel: "paid_social",
      kind: "path",
      weeklySpend: weekly,
    })[0];
    const params = truthMediaParams(truth).find((p) => p.name === "paid_social")!;
    const before = channelContribution(params, 0, ch.spend);
    const after = channelContribution(params, 0, weekly);
    let expected = 0;
    for (let t = 0; t < T; t++) expected += after[t] - before[t];
    expect(lift).toBeCloseTo(expected, 6);
  });
});

describe("cross-validation never uses future data", () => {
  it("a fold's training log density is identical whatever the test weeks and later weeks contain", () => {
    const spec = ModelSpecSchema.parse({});
    const trainWeeks = 104;
    const horizon = 13;
    const fold = truncate(clean.table, trainWeeks + horizon);
    // the same fold with every test-week value (KPI, spend, controls) replaced by nonsense
    const rng = new Rng(9);
    const T = fold.weeks.length;
    const scrambled = {
      ...fold,
      columns: fold.columns.map((c) => ({
        ...c,
        values: c.values.map((v, i) =>
          i % T >= trainWeeks && c.role !== "holiday" ? v * (0.5 + 3 * rng.uniform()) + 1 : v,
        ),
      })),
    };
    const a = new MmmModel(buildModelData(fold, spec, { holdoutWeeks: horizon }), spec);
    const b = new MmmModel(buildModelData(scrambled, spec, { holdoutWeeks: horizon }), spec);
    const ga = new Float64Array(a.dim);
    const gb = new Float64Array(b.dim);
    for (let k = 0; k < 5; k++) {
      const u = a.initialPoint().map((v) => v + rng.normal(0, 0.3));
      expect(b.logDensity(u, gb)).toBe(a.logDensity(u, ga));
      expect(Array.from(gb)).toEqual(Array.from(ga));
    }
    // and the weeks after the fold are not in it at all
    expect(fold.weeks).toHaveLength(trainWeeks + horizon);
  });
});
