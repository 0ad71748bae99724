// Planning benchmarks (issue: decisions): decision quality on the lab's national scenarios with
// the true value function — the regret of the recommended allocation beside the regret of the
// current one and of a plain posterior-mean optimiser — and the optimiser's speed on 12 channels.
// Run: npm run bench:planning -- [regret] [speed]

import { pooledDraws } from "../src/inference/sample.js";
import { planBudget } from "../src/planning/plan.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { trueAllocationValue } from "../src/simulate/truth.js";
import { benchFit, table, writeResult } from "./lib.js";

const which = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const want = (name: string) => which.length === 0 || which.includes(name);

if (want("regret")) {
  const scenarios: [string, Record<string, unknown>][] = [
    ["clean", {}],
    ["collinear", {}],
    ["short", {}],
    ["endogenous", {}],
    ["counts", { likelihood: { family: "negative_binomial" } }],
    ["large", {}],
  ];
  const rows: (string | number)[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const [name, spec] of scenarios) {
    const ds = simulateScenario(name, 1);
    const truth = ds.truth;
    const fit = await benchFit(ds.table, spec, { seed: 1 });
    const draws = pooledDraws(fit.posterior);
    const b = truth.budget;
    const names = truth.channels.map((c) => c.name);
    // the lab's problem: its horizon, credited carryover, total and 0.5×–2× bounds
    const labBounds = {
      minimum: Object.fromEntries(names.map((n) => [n, b.bounds[n][0]])),
      maximum: Object.fromEntries(names.map((n) => [n, b.bounds[n][1]])),
    };
    const common = {
      horizonWeeks: b.horizonWeeks,
      carryoverWeeks: b.carryoverWeeks,
      total: b.totalBudget,
      ...labBounds,
    };
    // the defaults: 25th percentile of the gain, ±50%, no extrapolation, P(gain > 0) ≥ 0.9
    const recommended = planBudget(fit.model, draws, { ...common });
    const meanOnly = planBudget(fit.model, draws, {
      ...common,
      objective: { kind: "mean" },
      maxChange: undefined,
      minPGain: undefined,
      forbidExtrapolation: false,
    });
    const value = (rowsOf: { channel: string; recommended: number }[]) =>
      trueAllocationValue(truth, Object.fromEntries(rowsOf.map((r) => [r.channel, r.recommended])));
    const vRec = value(recommended.rows);
    const vMean = value(meanOnly.rows);
    const vCur = b.currentValue;
    const vOpt = b.optimalValue;
    const regret = (v: number) => 1 - v / vOpt;
    const captured = (vRec - vCur) / (vOpt - vCur);
    const verdict = Math.abs(vRec - vCur) < 1e-6 * vOpt ? "keeps current" : vRec > vCur ? "yes" : "NO";
    rows.push([name, regret(vCur), regret(vRec), regret(vMean), captured, verdict, recommended.pGain]);
    results.push({
      scenario: name,
      regretCurrent: regret(vCur),
      regretRecommended: regret(vRec),
      regretMeanOptimiser: regret(vMean),
      gainCaptured: captured,
      beatsCurrent: vRec > vCur,
      pGain: recommended.pGain,
      recommended: recommended.rows.map((r) => ({
        channel: r.channel,
        current: r.current,
        recommended: r.recommended,
      })),
      optimal: b.optimalAllocation,
    });
  }
  console.log(
    "\n== decision quality: regret = 1 − true value ÷ true optimum (13-week plan, lab bounds 0.5×–2×)\n",
  );
  console.log(
    table(rows, [
      "scenario",
      "regret current",
      "regret recommended",
      "regret mean-optimiser",
      "share of available gain captured",
      "beats current",
      "P(gain>0)",
    ]),
  );
  console.log(
    `(targets: beats current everywhere; captures ≥ 0.5 of the gain on clean) → ${writeResult("planning-regret", { scenarios: results })}`,
  );
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
