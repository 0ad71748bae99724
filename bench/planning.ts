// Planning benchmarks: decision quality on planners' budget problems (the lab's problem generator:
// reference = last 13 weeks, budgets 0.7–1.3×, bounds on varied anchors) over several seeds and
// scenarios, scored with the true value function — the default plan beside the neutral plan and
// a plain posterior-mean plan — and the optimiser's speed on 12 channels.
// Run: npm run bench:planning -- [regret] [speed] [--scenarios a,b] [--seeds 1-5] [--problems 3]

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ModelingTable } from "../src/core/modelingTable.js";
import { buildModel } from "../src/inference/executor.js";
import { pooledDraws } from "../src/inference/sample.js";
import { ModelSpecSchema } from "../src/model/spec.js";
import { planBudget } from "../src/planning/plan.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { type PlanningProblem, planningProblems } from "../src/simulate/planningProblems.js";
import { trueAllocationValue } from "../src/simulate/truth.js";
import { arg, benchFit, seedList, table, writeResult } from "./lib.js";

// section names are the arguments that are neither an --option nor its value
const which = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith("-") && !(i > 0 && all[i - 1].startsWith("--")));
const want = (name: string) => which.length === 0 || which.includes(name);

if (want("regret")) {
  // brand: a brand drawn from each seed (channels, size, returns, noise), never tuned on
  const scenarios = arg("scenarios", "clean,collinear,short,endogenous,counts,large,brand").split(",");
  const seeds = seedList(arg("seeds", "1-5"));
  const problemsPerSeed = Number(arg("problems", "3"));
  const rows: (string | number)[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const name of scenarios) {
    const cases: Record<string, number | string | boolean>[] = [];
    for (const seed of seeds) {
      const ds = simulateScenario(name, seed);
      const spec =
        ds.scenario.noise.family === "negative_binomial"
          ? { likelihood: { family: "negative_binomial" } }
          : {};
      const fit = await cachedFit(name, seed, ds.table, spec);
      for (const problem of planningProblems(ds, seed, problemsPerSeed)) {
        cases.push(evaluateProblem(ds, fit.model, fit.draws, problem, fit.divergences));
      }
      console.error(`${name} seed ${seed}: ${fit.seconds.toFixed(1)} s fit`);
    }
    const captured = cases.map((c) => c.captured as number);
    const worseThanNeutral = cases.filter(
      (c) => (c.recommended as number) < (c.neutral as number) - 1e-9 * Math.abs(c.optimum as number),
    );
    const meanWorse = cases.filter((c) => (c.meanPlan as number) < (c.neutral as number));
    const quantile = (xs: number[], q: number) =>
      [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];
    rows.push([
      name,
      cases.length,
      quantile(
        cases.map((c) => c.regretNeutral as number),
        0.5,
      ),
      quantile(
        cases.map((c) => c.regretRecommended as number),
        0.5,
      ),
      Math.max(...cases.map((c) => c.regretRecommended as number)),
      quantile(
        cases.map((c) => c.regretMeanPlan as number),
        0.5,
      ),
      quantile(captured, 0.5),
      Math.min(...captured),
      worseThanNeutral.length,
      meanWorse.length,
      cases.filter((c) => c.decision === "neutral").length,
    ]);
    results.push({ scenario: name, seeds, cases });
  }
  console.log(
    "\n== decision quality on planners' budget problems (reference = last 13 weeks, budget 0.7–1.3×, bounds 0.5–2× of varied anchors)\n   regret = 1 − true value ÷ true optimum; captured = share of the gain over the neutral plan that the plan takes\n",
  );
  console.log(
    table(rows, [
      "scenario",
      "problems",
      "regret neutral (median)",
      "regret default (median)",
      "regret default (worst)",
      "regret mean plan (median)",
      "captured (median)",
      "captured (worst)",
      "default worse than neutral",
      "mean plan worse than neutral",
      "kept neutral",
    ]),
  );
  const medians = rows.map((r) => r[6] as number).sort((a, b) => a - b);
  const medianScenario = medians[Math.floor((medians.length - 1) / 2)];
  const never = rows.every((r) => r[8] === 0);
  console.log(
    `targets: default never worse than the neutral plan → ${never ? "PASS" : "FAIL"}; captures ≥ 50% on the median scenario (${medianScenario.toFixed(2)}) → ${medianScenario >= 0.5 ? "PASS" : "FAIL"}`,
  );
  console.log(`→ ${writeResult("planning-regret", { scenarios: results, summary: rows })}`);
}

/**
 * A fit's draws, kept in `--cache DIR` (if given) so planner changes can be re-scored without
 * refitting: the draws are a pure function of (scenario, seed, spec), bit for bit.
 */
async function cachedFit(name: string, seed: number, table: ModelingTable, spec: Record<string, unknown>) {
  const dir = arg("cache", "");
  const file = dir ? join(dir, `${name}-${seed}.json`) : "";
  const model = buildModel({ table, spec: ModelSpecSchema.parse(spec) });
  if (file && existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, "utf8"));
    return {
      model,
      draws: Float64Array.from(saved.draws as number[]),
      divergences: saved.divergences,
      seconds: 0,
    };
  }
  const fit = await benchFit(table, spec, { seed });
  const draws = pooledDraws(fit.posterior);
  const divergences = fit.convergence.report.divergences;
  if (file) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify({ divergences, draws: Array.from(draws) }));
  }
  return { model: fit.model, draws, divergences, seconds: fit.timing.wallSeconds };
}

/** The default plan, the mean plan and the neutral plan on one problem, scored with the truth. */
function evaluateProblem(
  ds: ReturnType<typeof simulateScenario>,
  model: Parameters<typeof planBudget>[0],
  draws: Float64Array,
  problem: PlanningProblem,
  divergences: number,
): Record<string, number | string | boolean> {
  const names = Object.keys(problem.reference);
  const common = {
    horizonWeeks: problem.horizonWeeks,
    carryoverWeeks: problem.carryoverWeeks,
    reference: { kind: "recent" as const, weeks: problem.referenceWeeks },
    total: problem.budget,
    minimum: new Map(names.map((n) => [n, problem.bounds[n][0]])),
    maximum: new Map(names.map((n) => [n, problem.bounds[n][1]])),
  };
  // experiments with other defaults (not the product's): --default-options '{"minPGain":0.95}',
  // --inside S keeps the ±S guardrail inside the stated bounds
  const inside = Number(arg("inside", "NaN"));
  const overrides = JSON.parse(arg("default-options", "{}"));
  const tightened = Number.isFinite(inside)
    ? {
        minimum: new Map(
          names.map((n) => [n, Math.max(problem.bounds[n][0], problem.reference[n] * (1 - inside))]),
        ),
        maximum: new Map(
          names.map((n) => [n, Math.min(problem.bounds[n][1], problem.reference[n] * (1 + inside))]),
        ),
      }
    : {};
  for (const n of names) {
    const lo = (tightened as { minimum?: Map<string, number> }).minimum?.get(n);
    const hi = (tightened as { maximum?: Map<string, number> }).maximum?.get(n);
    // an empty intersection (reference outside the bounds): the stated bounds
    if (lo !== undefined && hi !== undefined && lo > hi) {
      (tightened as { minimum: Map<string, number> }).minimum.set(n, problem.bounds[n][0]);
      (tightened as { maximum: Map<string, number> }).maximum.set(n, problem.bounds[n][1]);
    }
  }
  const recommended = planBudget(model, draws, { ...common, ...tightened, ...overrides });
  const meanPlan = planBudget(model, draws, {
    ...common,
    objective: { kind: "mean" },
    minPGain: undefined,
    forbidExtrapolation: false,
  });
  // the planner's reference and neutral plan are the problem's own
  for (const r of recommended.rows) {
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
    if (
      rel(r.reference, problem.reference[r.channel]) > 1e-6 ||
      rel(r.neutral, problem.neutral[r.channel]) > 1e-4
    )
      throw new Error(
        `${problem.id}: planner's reference/neutral for ${r.channel} differ from the problem's`,
      );
  }
  const value = (rowsOf: { channel: string; recommended: number }[]) =>
    trueAllocationValue(ds.truth, Object.fromEntries(rowsOf.map((r) => [r.channel, r.recommended])));
  const vRec = value(recommended.rows);
  const vMean = value(meanPlan.rows);
  const regret = (v: number) => 1 - v / problem.optimalValue;
  const available = problem.optimalValue - problem.neutralValue;
  return {
    id: problem.id,
    budgetShare: problem.budget / names.reduce((s, n) => s + problem.reference[n], 0),
    referenceOutside: problem.referenceOutside.length,
    divergences,
    optimum: problem.optimalValue,
    neutral: problem.neutralValue,
    recommended: vRec,
    meanPlan: vMean,
    regretNeutral: regret(problem.neutralValue),
    regretRecommended: regret(vRec),
    regretMeanPlan: regret(vMean),
    captured: available > 0 ? (vRec - problem.neutralValue) / available : 1,
    decision: recommended.decision,
    pGain: recommended.pGain,
  };
}

if (want("speed")) {
  const ds = simulateScenario("large", 1);
  const fit = await benchFit(ds.table, {}, { seed: 1 });
  const draws = pooledDraws(fit.posterior);
  const times: Record<string, number> = {};
  for (const objective of [
    { kind: "quantile", q: 0.25 },
    { kind: "cvar", alpha: 0.2 },
    { kind: "mean_sd", lambda: 1 },
    { kind: "mean" },
  ] as const) {
    const t0 = performance.now();
    planBudget(fit.model, draws, { objective, maxDraws: 1000 });
    times[objective.kind] = (performance.now() - t0) / 1000;
  }
  console.log("\n== optimiser speed: large (12 channels), 13-week horizon, 1000 posterior draws\n");
  console.log(
    table(
      [Object.values(times)],
      Object.keys(times).map((k) => `${k} s`),
    ),
  );
  console.log(`(target: risk-aware objective < 5 s) → ${writeResult("planning-speed", times)}`);
}
