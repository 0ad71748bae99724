// The live planner's valuation on national and geo models, in Node (the compiled code the
// planner's Web Worker bundles): how long the session takes to start (every channel valued at the
// reference over 1,000 draws) and how long one slider move takes (the moved channel revalued).
// Lab brands on seeds the planner was not tuned on; a Laplace fit per brand (the valuation's cost
// does not depend on how the draws were made). Median, p95 and worst over the moves.
// Run: npm run bench:live-plan -- [--seeds 21-23] [--moves 40]   (results/live-plan.json)

import { arg, compiled, median, seedList, table, writeResult } from "./lib.js";

const seeds = seedList(arg("seeds", "21-23"));
const moves = Number(arg("moves", "40"));
const scenarios = arg("scenarios", "clean,geo").split(",");

const { simulateScenario } = await compiled<typeof import("../src/simulate/lab.js")>("simulate/lab.js");
const { ModelSpecSchema } = await compiled<typeof import("../src/model/spec.js")>("model/spec.js");
const { buildModel, InlineExecutor } =
  await compiled<typeof import("../src/inference/executor.js")>("inference/executor.js");
const { DEFAULT_SAMPLE_OPTIONS, fitModel, pooledDraws } =
  await compiled<typeof import("../src/inference/sample.js")>("inference/sample.js");
const { ScenarioSession } =
  await compiled<typeof import("../src/planning/liveScenario.js")>("planning/liveScenario.js");
const { Rng } = await compiled<typeof import("../src/core/rng.js")>("core/rng.js");

interface Row {
  scenario: string;
  seed: number;
  geos: number;
  draws: number;
  startMs: number;
  moveMedianMs: number;
  moveP95Ms: number;
  moveWorstMs: number;
}

const rows: Row[] = [];
for (const scenario of scenarios)
  for (const seed of seeds) {
    const ds = simulateScenario(scenario, seed);
    const recipe = { table: ds.table, spec: ModelSpecSchema.parse({}) };
    const model = buildModel(recipe);
    const posterior = await fitModel(
      model,
      recipe,
      { ...DEFAULT_SAMPLE_OPTIONS, method: "fast", chains: 1, draws: 1000 },
      new InlineExecutor(),
    );
    const draws = pooledDraws(posterior);
    const t0 = performance.now();
    const session = new ScenarioSession(model, draws, { horizonWeeks: 13, maxDraws: 1000 });
    const startMs = performance.now() - t0;
    const rng = new Rng(`live-plan-${scenario}-${seed}`);
    const amounts = session.channels.map((c) => c.current);
    const times: number[] = [];
    for (let m = 0; m < moves; m++) {
      const i = rng.integer(0, amounts.length - 1);
      amounts[i] = session.channels[i].current * rng.uniform() * 2;
      const t = performance.now();
      session.evaluate(amounts);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    rows.push({
      scenario,
      seed,
      geos: model.data.G,
      draws: session.rows.length,
      startMs,
      moveMedianMs: median(times),
      moveP95Ms: times[Math.min(times.length - 1, Math.floor(0.95 * times.length))],
      moveWorstMs: times[times.length - 1],
    });
    console.log(JSON.stringify(rows.at(-1)));
  }

console.log(
  table(
    rows.map((r) => [
      r.scenario,
      r.seed,
      r.geos,
      r.draws,
      r.startMs.toFixed(0),
      r.moveMedianMs.toFixed(1),
      r.moveP95Ms.toFixed(1),
      r.moveWorstMs.toFixed(1),
    ]),
    ["scenario", "seed", "geos", "draws", "start ms", "move median ms", "p95", "worst"],
  ),
);
for (const scenario of scenarios) {
  const own = rows.filter((r) => r.scenario === scenario);
  console.log(
    `${scenario}: move median of medians ${median(own.map((r) => r.moveMedianMs)).toFixed(1)} ms, worst ${Math.max(...own.map((r) => r.moveWorstMs)).toFixed(1)} ms`,
  );
}
console.log(`wrote ${writeResult("live-plan", { moves, rows })}`);
