// Monthly refreshes of the lab's clean brand (no drift in the world): each month a fit on the
// history so far is reviewed on the next 4 weeks, then refitted warm-started from its own
// posterior. Measures the post-period review's false-alarm rate (the issue's bar: ≤ 10% of
// refreshes), the warm-started fits' diagnostics, and their wall time against a cold fit of the
// same table (bar: ≤ 50%), as median and worst over seeds and months.
// Run: npm run bench:refresh -- [--seeds 1-5] [--drops 12] [--cold-every 4] [--hold-borderline]  (results/refresh-clean.json)
// The drift world (an effect that halves, a taxonomy change, a price regime): bench/refreshDrift.ts.

import { WorkerExecutor } from "../src/cli/workerExecutor.js";
import { firstWeeks } from "../src/core/modelingTable.js";
import { ModelSpecSchema } from "../src/model/spec.js";
import { DROP_WEEKS } from "../src/simulate/exportDrops.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { arg, median, seedList, table, writeResult } from "./lib.js";
import {
  approve,
  coldFit,
  diagnosticsBar,
  type FittedMonth,
  POLICY,
  reviewOn,
  WARM_WARMUP,
  warmFit,
} from "./refreshLib.js";

const drops = Number(arg("drops", "12"));
const coldEvery = Number(arg("cold-every", "4"));
const spec = ModelSpecSchema.parse({});
const executor = new WorkerExecutor();

interface Row {
  seed: number;
  month: number;
  weeks: number;
  alarm: boolean;
  borderline: boolean;
  /** Weeks the review judged: 4, or more after a borderline month held the last run approved. */
  reviewWeeks: number;
  coverage90: number;
  cumulativePit: number;
  extrapolated: string;
  warmSeconds: number;
  coldSeconds: number | null;
  warmRhat: number;
  warmEssBulk: number;
  warmEssTail: number;
  warmDivergences: number;
  warmPass: boolean;
  /** The cold fit's diagnostics on the same bar, in the months it was run. */
  coldPass: boolean | null;
}

const rows: Row[] = [];
for (const seed of seedList(arg("seeds", "1-5"))) {
  const full = simulateScenario("clean", seed).table;
  const T = full.weeks.length;
  const start = T - drops * DROP_WEEKS;
  // month 0: the first model, fitted cold on the history before the first drop, and approved
  let approved: FittedMonth = await coldFit(firstWeeks(full, start), spec, seed, executor);
  for (let m = 1; m <= drops; m++) {
    const weeks = start + m * DROP_WEEKS;
    const next = firstWeeks(full, weeks);
    // as `mmm refresh`: the approved run is reviewed on every week since its data ended, and warm-starts the refit
    const review = reviewOn(approved, spec, next, seed);
    const warm = await warmFit(approved, next, spec, seed * 100 + m, executor);
    const warmSeconds = warm.seconds;
    let coldSeconds: number | null = null;
    let coldPass: boolean | null = null;
    if (m % coldEvery === 0) {
      const cold = await coldFit(next, spec, seed * 100 + m, executor);
      coldSeconds = cold.seconds;
      coldPass = diagnosticsBar(cold.posterior, cold.opts).pass;
    }
    const d = diagnosticsBar(warm.posterior, warm.opts);
    rows.push({
      seed,
      month: m,
      weeks,
      alarm: review.alarm,
      borderline: review.borderline,
      reviewWeeks: review.weeks.length,
      coverage90: review.coverage90,
      cumulativePit: review.cumulative.pit,
      extrapolated: review.extrapolated.map((e) => e.channel).join(" "),
      warmSeconds,
      coldSeconds,
      warmRhat: d.rhat,
      warmEssBulk: d.bulk,
      warmEssTail: d.tail,
      warmDivergences: d.div,
      warmPass: d.pass,
      coldPass,
    });
    process.stderr.write(
      `seed ${seed} month ${m}: alarm ${review.alarm} (PIT ${review.cumulative.pit.toFixed(2)}), warm ${warmSeconds.toFixed(1)} s${coldSeconds ? `, cold ${coldSeconds.toFixed(1)} s` : ""}, ${d.pass ? "pass" : "FAIL"}\n`,
    );
    approved = approve(approved, warm, review);
  }
}

const ratios = rows.filter((r) => r.coldSeconds).map((r) => r.warmSeconds / (r.coldSeconds as number));
const summary = {
  refreshes: rows.length,
  falseAlarms: rows.filter((r) => r.alarm).length,
  falseAlarmRate: rows.filter((r) => r.alarm).length / rows.length,
  falseAlarmsWithExtrapolation: rows.filter((r) => r.alarm && r.extrapolated).length,
  warmPassRate: rows.filter((r) => r.warmPass).length / rows.length,
  coldPassRate:
    rows.filter((r) => r.coldPass).length / Math.max(1, rows.filter((r) => r.coldPass !== null).length),
  warmPassRateSameMonths:
    rows.filter((r) => r.coldPass !== null && r.warmPass).length /
    Math.max(1, rows.filter((r) => r.coldPass !== null).length),
  warmToColdMedian: median(ratios),
  warmToColdWorst: Math.max(...ratios),
  warmSecondsMedian: median(rows.map((r) => r.warmSeconds)),
  coldSecondsMedian: median(rows.filter((r) => r.coldSeconds).map((r) => r.coldSeconds as number)),
};
console.log(
  `\n== Monthly refreshes of the clean brand (${DROP_WEEKS}-week drops), warm start ${WARM_WARMUP} warm-up + 500 draws\n`,
);
console.log(
  table(
    rows.map((r) => [
      r.seed,
      r.month,
      r.alarm ? "ALARM" : r.borderline ? "borderline" : "ok",
      r.reviewWeeks,
      r.coverage90.toFixed(2),
      r.cumulativePit.toFixed(2),
      r.extrapolated || "—",
      r.warmSeconds.toFixed(1),
      r.coldSeconds === null ? "—" : r.coldSeconds.toFixed(1),
      r.warmRhat.toFixed(4),
      r.warmEssBulk.toFixed(0),
      r.warmEssTail.toFixed(0),
      r.warmDivergences,
    ]),
    [
      "seed",
      "month",
      "review",
      "weeks",
      "cov90",
      "cum PIT",
      "extrapolated",
      "warm s",
      "cold s",
      "R̂",
      "bulk ESS",
      "tail ESS",
      "div",
    ],
  ),
);
console.log(
  `\nfalse alarms ${summary.falseAlarms}/${summary.refreshes} (${(100 * summary.falseAlarmRate).toFixed(1)}%; bar ≤ 10%), ${summary.falseAlarmsWithExtrapolation} of them with extrapolated spend; warm fits passing R̂ ≤ 1.01, ESS ≥ 400, 0 div: ${(100 * summary.warmPassRate).toFixed(0)}% (cold fits of the timed months ${(100 * summary.coldPassRate).toFixed(0)}%, warm fits of those months ${(100 * summary.warmPassRateSameMonths).toFixed(0)}%); warm ÷ cold wall time median ${summary.warmToColdMedian.toFixed(2)}, worst ${summary.warmToColdWorst.toFixed(2)} (bar ≤ 0.50)`,
);
console.log(
  `→ ${writeResult(arg("name", "refresh-clean"), { settings: { drops, dropWeeks: DROP_WEEKS, warmWarmup: WARM_WARMUP, approvalPolicy: POLICY }, summary, runs: rows })}`,
);
