// Allocation across geos (issue 13): with byGeo every channel in every geo is a plan item with its
// own reference (the channel's reference split over geos) and its own guardrails; the planner's
// machinery is unchanged. More freedom never plans worse: the by-geo optimum is worth at least the
// channel-level one on the same draws.

import { beforeAll, describe, expect, it } from "vitest";
import { buildModel, InlineExecutor } from "../../src/inference/executor.js";
import { DEFAULT_SAMPLE_OPTIONS, fitModel, pooledDraws } from "../../src/inference/sample.js";
import type { MmmModel } from "../../src/model/mmm.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { planBudget } from "../../src/planning/plan.js";
import { simulateScenario } from "../../src/simulate/lab.js";

describe("planning by geo", () => {
  let model: MmmModel;
  let draws: Float64Array;
  beforeAll(async () => {
    const ds = simulateScenario("geo", 2, { geos: 4, weeks: 78 });
    const recipe = { table: ds.table, spec: ModelSpecSchema.parse({}) };
    model = buildModel(recipe);
    const posterior = await fitModel(
      model,
      recipe,
      { ...DEFAULT_SAMPLE_OPTIONS, method: "fast", chains: 1, draws: 300 },
      new InlineExecutor(),
    );
    draws = pooledDraws(posterior);
  }, 60_000);

  it("plans one item per channel and geo, within each item's guardrails and the budget", () => {
    const national = planBudget(model, draws, { minPGain: undefined });
    const plan = planBudget(model, draws, { byGeo: true, minPGain: undefined });
    const { channels, geos } = model.data;
    expect(plan.rows.map((r) => r.channel)).toEqual(
      channels.flatMap((c) => geos.map((g) => `${c.name}@${g}`)),
    );
    expect(plan.geoSplit).toMatch(/^by geo/);
    // the items' references add up to each channel's reference
    channels.forEach((c, k) => {
      const items = plan.rows.filter((r) => r.channel.startsWith(`${c.name}@`));
      const sum = items.reduce((s, r) => s + r.reference, 0);
      expect(sum).toBeCloseTo(national.rows[k].reference, 6);
    });
    const total = plan.rows.reduce((s, r) => s + r.recommended, 0);
    expect(total).toBeCloseTo(plan.total, 3);
    for (const r of plan.rows) {
      expect(r.recommended).toBeGreaterThanOrEqual(r.bounds[0] - 1e-6);
      expect(r.recommended).toBeLessThanOrEqual(r.bounds[1] + 1e-6);
    }
  });

  it("is worth at least the channel-level plan when it can reach it", () => {
    // without the per-geo extrapolation cap, every channel-level plan is a by-geo plan too
    const o = { objective: { kind: "mean" } as const, minPGain: undefined, forbidExtrapolation: false };
    const national = planBudget(model, draws, o);
    const byGeo = planBudget(model, draws, { ...o, byGeo: true });
    expect(byGeo.recommendedValue.mean).toBeGreaterThanOrEqual(national.recommendedValue.mean * (1 - 1e-3));
  });

  it("names items in bounds: a geo's channel can be locked", () => {
    const name = `${model.data.channels[0].name}@${model.data.geos[1]}`;
    const plan = planBudget(model, draws, { byGeo: true, locked: [name], minPGain: undefined });
    const row = plan.rows.find((r) => r.channel === name)!;
    expect(row.recommended).toBeCloseTo(row.reference, 6);
  });
});
