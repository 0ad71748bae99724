// The post-period review: CRPS against its closed form, and on the lab's clean brand a run fitted
// on all but the last 13 weeks is reviewed on them — calibrated, no alarm — and then on the same
// weeks with the KPI cut by a fifth (relationship drift), which must raise the alarm.

import { beforeAll, describe, expect, it } from "vitest";
import { crpsOf, modelOnLongerTable, postPeriodReview } from "../../src/analysis/postPeriod.js";
import { observedNational } from "../../src/analysis/ppc.js";
import { column, firstWeeks, type ModelingTable } from "../../src/core/modelingTable.js";
import { Rng } from "../../src/core/rng.js";
import { buildModel, InlineExecutor } from "../../src/inference/executor.js";
import { DEFAULT_SAMPLE_OPTIONS, fitModel, pooledDraws } from "../../src/inference/sample.js";
import type { MmmModel } from "../../src/model/mmm.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { simulateScenario } from "../../src/simulate/lab.js";

describe("crpsOf", () => {
  it("matches the normal distribution's closed form, σ(2φ(0) − 1/√π) at its mean", () => {
    const rng = new Rng(8);
    const draws = Float64Array.from({ length: 20_000 }, () => rng.normal(0, 2)).sort();
    expect(crpsOf(draws, 0)).toBeCloseTo(2 * (2 / Math.sqrt(2 * Math.PI) - 1 / Math.sqrt(Math.PI)), 1);
    // a point forecast: CRPS is the absolute error
    expect(crpsOf(Float64Array.of(3, 3, 3), 5)).toBe(2);
  });
});

describe("post-period review on the lab's clean brand", () => {
  const spec = ModelSpecSchema.parse({});
  let full: ModelingTable;
  let fitted: MmmModel;
  let draws: Float64Array;
  const held = 13;
  beforeAll(async () => {
    full = simulateScenario("clean", 4).table;
    const recipe = { table: firstWeeks(full, full.weeks.length - held), spec };
    fitted = buildModel(recipe);
    const posterior = await fitModel(
      fitted,
      recipe,
      { ...DEFAULT_SAMPLE_OPTIONS, chains: 2, warmup: 300, draws: 300, seed: 2 },
      new InlineExecutor(),
    );
    draws = pooledDraws(posterior);
  }, 120_000);

  it("finds the run calibrated on weeks it did not see", () => {
    const model = modelOnLongerTable(fitted, spec, full);
    const review = postPeriodReview(
      model,
      draws,
      observedNational(buildModel({ table: full, spec })),
      fitted.data.T,
    );
    expect(review.weeks).toHaveLength(held);
    expect(review.coverage90).toBeGreaterThanOrEqual(0.75);
    expect(review.alarm).toBe(false);
    expect(review.pitHistogram.reduce((a, b) => a + b, 0)).toBe(held);
    expect(review.crpsRelative).toBeLessThan(0.1);
  });

  it("raises the alarm when the KPI falls by a fifth after the fitted window", () => {
    const T = full.weeks.length;
    const kpi = column(full, full.kpi).values;
    const dropped = {
      ...full,
      columns: full.columns.map((c) =>
        c.name === full.kpi ? { ...c, values: kpi.map((v, i) => (i % T >= T - held ? 0.8 * v : v)) } : c,
      ),
    };
    const model = modelOnLongerTable(fitted, spec, dropped);
    const review = postPeriodReview(
      model,
      draws,
      observedNational(buildModel({ table: dropped, spec })),
      fitted.data.T,
    );
    expect(review.alarm).toBe(true);
    expect(review.reasons[0]).toMatch(/came in below the run's forecast/);
    expect(review.cumulative.pit).toBeLessThan(0.025);
  });

  it("refuses a table that does not start with the run's weeks", () => {
    expect(() => modelOnLongerTable(fitted, spec, firstWeeks(full, 50))).toThrow(/must start with the run's/);
  });
});
