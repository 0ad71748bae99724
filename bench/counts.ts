// Count KPIs: does the negative-binomial likelihood earn its keep on small brands? For count
// brands from the lab (the `counts` scenario, ~60 a week, and random brands of ~150–1,500 a week)
// it fits the same data with a normal and a negative-binomial likelihood and reports, per fit,
// ROI recovery (mean |error| relative to the truth, 90% coverage, interval width) and the true
// regret of the default plan and of the mean plan on the lab's planning problems.
// Run: npx tsx bench/counts.ts [--cases counts:1,counts:2,brand:1,brand:4,brand:7]

import { pooledDraws } from "../src/inference/sample.js";
import { planBudget } from "../src/planning/plan.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { planningProblems } from "../src/simulate/planningProblems.js";
import { trueAllocationValue } from "../src/simulate/truth.js";
import { benchFit, table, writeResult } from "./lib.js";

const i = process.argv.indexOf("--cases");
const cases = (i > 0 ? process.argv[i + 1] : "counts:1,counts:2,counts:3,brand:1,brand:4,brand:7").split(",");
const rows: (string | number)[][] = [];
const results: Record<string, unknown>[] = [];
for (const c of cases) {
  const [scenario, seedText] = c.split(":");
  const seed = Number(seedText);
  const ds = simulateScenario(scenario, seed);
  const weekly = ds.truth.totals.meanKpi / ds.truth.calendar.weeks;
  const problems = planningProblems(ds, seed, 3);
  for (const family of ["normal", "negative_binomial"] as const) {
    const fit = await benchFit(ds.table, { likelihood: { family } }, { seed });
    const draws = pooledDraws(fit.posterior);
    const errors: number[] = [];
    let covered = 0;
    let width = 0;
    for (const t of ds.truth.channels) {
      const est = fit.roi[t.name];
      errors.push(Math.abs(est.mean - t.roi) / t.roi);
      if (t.roi >= est.q05 && t.roi <= est.q95) covered++;
      width += (est.q95 - est.q05) / t.roi / ds.truth.channels.length;
    }
    let regretDefault = 0;
    let regretMean = 0;
    let worseDefault = 0;
    let worseMean = 0;
    let kept = 0;
    for (const p of problems) {
      const names = Object.keys(p.reference);
      const common = {
        horizonWeeks: p.horizonWeeks,
        carryoverWeeks: p.carryoverWeeks,
        total: p.budget,
        minimum: new Map(names.map((n) => [n, p.bounds[n][0]])),
        maximum: new Map(names.map((n) => [n, p.bounds[n][1]])),
      };
      const value = (plan: ReturnType<typeof planBudget>) =>
        trueAllocationValue(ds.truth, Object.fromEntries(plan.rows.map((r) => [r.channel, r.recommended])));
      const def = planBudget(fit.model, draws, common);
      const mean = planBudget(fit.model, draws, {
        ...common,
        objective: { kind: "mean" },
        minPGain: undefined,
        forbidExtrapolation: false,
      });
      const vDef = value(def);
      const vMean = value(mean);
      regretDefault += (1 - vDef / p.optimalValue) / problems.length;
      regretMean += (1 - vMean / p.optimalValue) / problems.length;
      if (vDef < p.neutralValue - 1e-9 * p.optimalValue) worseDefault++;
      if (vMean < p.neutralValue) worseMean++;
      if (def.decision === "neutral") kept++;
    }
    const mae = errors.reduce((a, b) => a + b, 0) / errors.length;
    rows.push([
      c,
      Math.round(weekly),
      family,
      mae,
      `${covered}/${ds.truth.channels.length}`,
      width,
      regretDefault,
      regretMean,
      `${worseDefault}/${problems.length}`,
      `${worseMean}/${problems.length}`,
      `${kept}/${problems.length}`,
      fit.convergence.report.divergences,
    ]);
    results.push({
      case: c,
      weeklyKpi: weekly,
      family,
      mae,
      covered,
      width,
      regretDefault,
      regretMean,
      worseDefault,
      worseMean,
      kept,
    });
    console.error(`${c} ${family}: ${fit.timing.wallSeconds.toFixed(1)} s`);
  }
}
console.log("\n== count KPIs: normal vs negative-binomial likelihood on the same data\n");
console.log(
  table(rows, [
    "case",
    "KPI/week",
    "likelihood",
    "ROI rel. error (mean)",
    "90% covered",
    "rel. width",
    "regret default",
    "regret mean plan",
    "default worse than neutral",
    "mean plan worse than neutral",
    "kept neutral",
    "divergences",
  ]),
);
console.log(`→ ${writeResult("counts", { cases: results })}`);
