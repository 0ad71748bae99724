// One plan, one value: `optimize` and `scenario` must report the same value and the same gain over
// the reference for the same plan, to the cent, whatever the reference, budget, bounds and
// objective (random problems, including references outside their bounds and budget cuts).

import { beforeAll, describe, expect, it } from "vitest";
import { summarise } from "../../src/analysis/summaries.js";
import { Rng } from "../../src/core/rng.js";
import { buildModel, InlineExecutor } from "../../src/inference/executor.js";
import { DEFAULT_SAMPLE_OPTIONS, fitModel, pooledDraws } from "../../src/inference/sample.js";
import type { MmmModel } from "../../src/model/mmm.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { planContext } from "../../src/planning/context.js";
import { ScenarioSession } from "../../src/planning/liveScenario.js";
import type { Objective } from "../../src/planning/optimize.js";
import { planBudget } from "../../src/planning/plan.js";
import { marginalReturns, PlanValuer } from "../../src/planning/planValue.js";
import { evaluateScenarios } from "../../src/planning/scenario.js";
import { simulateScenario } from "../../src/simulate/lab.js";

let model: MmmModel;
let draws: Float64Array;

beforeAll(async () => {
  const ds = simulateScenario("short", 5);
  const recipe = { table: ds.table, spec: ModelSpecSchema.parse({}) };
  model = buildModel(recipe);
  const posterior = await fitModel(
    model,
    recipe,
    { ...DEFAULT_SAMPLE_OPTIONS, chains: 1, warmup: 150, draws: 150 },
    new InlineExecutor(),
  );
  draws = pooledDraws(posterior);
}, 120_000);

const OBJECTIVES: Objective[] = [
  { kind: "mean" },
  { kind: "quantile", q: 0.25 },
  { kind: "cvar", alpha: 0.2 },
  { kind: "mean_sd", lambda: 1 },
  { kind: "p_gain" },
];

describe("optimize and scenario agree on every plan", () => {
  it("to the cent on 24 random problems (references, budgets, bounds, objectives)", () => {
    const rng = new Rng("agreement");
    const names = model.data.channels.map((c) => c.name);
    let outsideSeen = 0;
    for (let trial = 0; trial < 24; trial++) {
      const horizonWeeks = [4, 8, 13, 26][rng.integer(0, 3)];
      const reference = { kind: "recent" as const, weeks: [4, 13, 26, 52][rng.integer(0, 3)] };
      const settings = { horizonWeeks, reference };
      const ref = planContext(model, settings).channels.map((c) => c.current);
      // bounds around a jittered anchor, so the reference is sometimes outside them
      const minimum = new Map<string, number>();
      const maximum = new Map<string, number>();
      names.forEach((n, i) => {
        if (rng.uniform() < 0.3) return;
        const anchor = ref[i] * rng.logNormal(0, 0.5);
        minimum.set(n, 0.5 * anchor);
        maximum.set(n, 2 * anchor);
        if (ref[i] < 0.5 * anchor || ref[i] > 2 * anchor) outsideSeen++;
      });
      const total = ref.reduce((a, b) => a + b, 0) * rng.uniformIn(0.7, 1.3);
      const objective = OBJECTIVES[rng.integer(0, OBJECTIVES.length - 1)];
      const plan = planBudget(model, draws, {
        ...settings,
        total,
        minimum,
        maximum,
        objective,
        maxDraws: 100,
        gridPoints: 31,
        minPGain: rng.uniform() < 0.5 ? 0.9 : undefined,
      });
      const report = evaluateScenarios(
        model,
        draws,
        [
          {
            label: "recommended",
            rules: plan.rows.map((r) => ({
              channel: r.channel,
              kind: "absolute" as const,
              amount: r.recommended,
            })),
          },
        ],
        { ...settings, maxDraws: 100 },
      );
      const s = report.scenarios[0];
      expect(report.referenceValue, `trial ${trial}`).toEqual(plan.referenceValue);
      expect(s.value, `trial ${trial}`).toEqual(plan.recommendedValue);
      expect(s.gain, `trial ${trial}`).toEqual(plan.gainOverReference);
      expect(s.pBetter, `trial ${trial}`).toBe(plan.pGainOverReference);
      expect(report.referenceTotal).toBeCloseTo(plan.referenceTotal, 6);
    }
    expect(outsideSeen).toBeGreaterThan(5);
  }, 120_000);
});

describe("the dashboard's live scenario agrees with mmm scenario", () => {
  it("bit for bit after every move of a random sequence (only moved channels recomputed)", () => {
    const rng = new Rng("live");
    const settings = { horizonWeeks: 13, reference: { kind: "recent" as const, weeks: 13 } };
    const session = new ScenarioSession(model, draws, settings);
    const names = session.channels.map((c) => c.name);
    const amounts = session.channels.map((c) => c.current);
    for (let move = 0; move < 20; move++) {
      const i = rng.integer(0, names.length - 1);
      amounts[i] = move % 7 === 3 ? 0 : session.channels[i].current * rng.uniform() * 2.5;
      const live = session.evaluate(amounts);
      const cli = evaluateScenarios(
        model,
        draws,
        [
          {
            label: "p",
            rules: names.map((channel, c) => ({ channel, kind: "absolute", amount: amounts[c] })),
          },
        ],
        settings,
      );
      const s = cli.scenarios[0];
      expect(live.gain, `move ${move}`).toEqual(s.gain);
      expect(live.value, `move ${move}`).toEqual(s.value);
      expect(live.pBetter, `move ${move}`).toBe(s.pBetter);
      expect(live.rows.map((r) => r.extrapolated)).toEqual(s.rows.map((r) => r.extrapolated));
      const c = session.channels[i];
      expect(live.rows[i].mroi).toEqual(
        summarise(
          marginalReturns(
            new PlanValuer(model, settings, model.data.valuePerUnit ?? 1),
            session.rows,
            c,
            amounts[i],
            c.current,
          ),
        ),
      );
    }
  });
});

describe("the live planner on a geo model", () => {
  it("keeps each channel's carryover in flight per draw and still gives mmm scenario's numbers, bit for bit", async () => {
    const ds = simulateScenario("geo", 4);
    const recipe = { table: ds.table, spec: ModelSpecSchema.parse({}) };
    const geoModel = buildModel(recipe);
    expect(geoModel.data.G).toBeGreaterThanOrEqual(20);
    const posterior = await fitModel(
      geoModel,
      recipe,
      { ...DEFAULT_SAMPLE_OPTIONS, method: "fast", chains: 1, draws: 200 },
      new InlineExecutor(),
    );
    const geoDraws = pooledDraws(posterior);
    const rng = new Rng("live-geo");
    const settings = { horizonWeeks: 8, reference: { kind: "recent" as const, weeks: 13 } };
    const session = new ScenarioSession(geoModel, geoDraws, settings);
    const names = session.channels.map((c) => c.name);
    const amounts = session.channels.map((c) => c.current);
    for (let move = 0; move < 8; move++) {
      const i = rng.integer(0, names.length - 1);
      amounts[i] = move === 5 ? 0 : session.channels[i].current * rng.uniform() * 2;
      const live = session.evaluate(amounts);
      const s = evaluateScenarios(
        geoModel,
        geoDraws,
        [
          {
            label: "p",
            rules: names.map((channel, c) => ({ channel, kind: "absolute", amount: amounts[c] })),
          },
        ],
        settings,
      ).scenarios[0];
      expect(live.gain, `move ${move}`).toEqual(s.gain);
      expect(live.value, `move ${move}`).toEqual(s.value);
      expect(live.pBetter, `move ${move}`).toBe(s.pBetter);
    }
  }, 120_000);
});
