// Calibration benchmarks (issue 10): the lab runs lift tests inside its history with known truth,
// and each dataset is fitted twice — without and with the tests as likelihood terms.
//   clean: how much the tested (always-on) channels' 90% ROI intervals narrow, whether they still
//          cover the true ROI, and the calibrated fit's time, R-hat and divergences;
//   tension: on the uncalibrated fit, how often a correct test and a test whose lift was tripled
//          are flagged;
//   endogenous: the bias of the demand-following channel's posterior-mean ROI, and the true regret
//          of the default plan, before and after calibration.
// Run: npm run bench:calibration -- [--seeds 1-10] [--endogenous-seeds 1-5]

import { checkExperimentsAgainstModel } from "../src/analysis/experimentEvidence.js";
import { pooledDraws } from "../src/inference/sample.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { arg, benchFit, defaultPlanRegret, median, seedList, table, writeResult } from "./lib.js";

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

async function fitPair(scenario: string, seed: number) {
  const ds = simulateScenario(scenario, seed, { experiments: true });
  const experiments = ds.experiments ?? [];
  const plain = await benchFit(ds.table, {}, { seed });
  const calibrated = await benchFit(ds.table, {}, { seed }, experiments);
  return { ds, experiments, plain, calibrated };
}

const channelRows: Record<string, number | string | boolean>[] = [];
const fitRows: Record<string, number | string>[] = [];
const tensionRows: Record<string, number | string | boolean>[] = [];

for (const seed of seedList(arg("seeds", "1-10"))) {
  const { ds, experiments, plain, calibrated } = await fitPair("clean", seed);
  const tested = new Set(experiments.map((e) => e.channel));
  for (const c of ds.truth.channels.filter((ch) => tested.has(ch.name))) {
    const before = plain.roi[c.name];
    const after = calibrated.roi[c.name];
    channelRows.push({
      seed,
      channel: c.name,
      trueRoi: c.roi,
      widthBefore: before.q95 - before.q05,
      widthAfter: after.q95 - after.q05,
      narrowing: (before.q95 - before.q05) / (after.q95 - after.q05),
      coveredBefore: before.q05 <= c.roi && c.roi <= before.q95,
      coveredAfter: after.q05 <= c.roi && c.roi <= after.q95,
    });
  }
  fitRows.push({
    seed,
    secondsPlain: plain.timing.wallSeconds,
    secondsCalibrated: calibrated.timing.wallSeconds,
    // the sampler's work, which machine jitter does not touch: gradient evaluations and their cost
    gradientsPlain: plain.timing.gradientEvaluations,
    gradientsCalibrated: calibrated.timing.gradientEvaluations,
    gradientsPerSecondPlain: plain.timing.gradientsPerSecond,
    gradientsPerSecondCalibrated: calibrated.timing.gradientsPerSecond,
    rhatCalibrated: calibrated.convergence.report.rhat_max ?? Number.NaN,
    divergencesPlain: plain.convergence.report.divergences,
    divergencesCalibrated: calibrated.convergence.report.divergences,
  });
  // the tension check runs on the uncalibrated fit: the lab's tests as read, and each tripled
  const draws = pooledDraws(plain.posterior);
  const tripled = experiments.map((e) => ({ ...e, lift: 3 * e.lift, liftSe: e.liftSe }));
  const asRead = checkExperimentsAgainstModel(plain.model, draws, experiments, { valuePerUnit: 240 });
  const wrong = checkExperimentsAgainstModel(plain.model, draws, tripled, { valuePerUnit: 240 });
  asRead.forEach((c, i) => {
    tensionRows.push({
      seed,
      id: c.id,
      pCorrect: c.pValue,
      flaggedCorrect: c.tension,
      pTripled: wrong[i].pValue,
      flaggedTripled: wrong[i].tension,
    });
  });
  console.error(
    `clean seed ${seed}: ${plain.timing.wallSeconds.toFixed(1)} s plain, ${calibrated.timing.wallSeconds.toFixed(1)} s calibrated`,
  );
}

const endogenousRows: Record<string, number | string>[] = [];
for (const seed of seedList(arg("endogenous-seeds", "1-5"))) {
  const { ds, plain, calibrated } = await fitPair("endogenous", seed);
  const channel = ds.scenario.endogenous?.channel as string;
  const truthRoi = ds.truth.channels.find((c) => c.name === channel)?.roi as number;
  endogenousRows.push({
    seed,
    trueRoi: truthRoi,
    roiBefore: plain.roi[channel].mean,
    roiAfter: calibrated.roi[channel].mean,
    biasBefore: Math.abs(plain.roi[channel].mean - truthRoi),
    biasAfter: Math.abs(calibrated.roi[channel].mean - truthRoi),
    regretBefore: defaultPlanRegret(ds, plain, seed),
    regretAfter: defaultPlanRegret(ds, calibrated, seed),
  });
  console.error(`endogenous seed ${seed} done`);
}

/**
 * Calibrated ÷ plain sampler work: gradient evaluations, each costed at its fit's median speed
 * over all fits (the term's own cost is in the per-fit speeds; one slow moment of a shared
 * machine is not).
 */
const workRatio = (r: Record<string, number | string>) =>
  (r.gradientsCalibrated as number) /
  median(fitRows.map((f) => f.gradientsPerSecondCalibrated as number)) /
  ((r.gradientsPlain as number) / median(fitRows.map((f) => f.gradientsPerSecondPlain as number)));
const num = (rows: Record<string, unknown>[], key: string) => rows.map((r) => r[key] as number);
const share = (rows: Record<string, unknown>[], key: string) =>
  rows.filter((r) => r[key] === true).length / rows.length;
const summary = {
  clean: {
    channelSeeds: channelRows.length,
    meanNarrowing: mean(num(channelRows, "narrowing")),
    medianNarrowing: median(num(channelRows, "narrowing")),
    worstNarrowing: Math.min(...num(channelRows, "narrowing")),
    coverageBefore: share(channelRows, "coveredBefore"),
    coverageAfter: share(channelRows, "coveredAfter"),
    medianTimeRatio: median(fitRows.map((r) => (r.secondsCalibrated as number) / (r.secondsPlain as number))),
    worstTimeRatio: Math.max(
      ...fitRows.map((r) => (r.secondsCalibrated as number) / (r.secondsPlain as number)),
    ),
    medianWorkRatio: median(fitRows.map(workRatio)),
    worstWorkRatio: Math.max(...fitRows.map(workRatio)),
    worstRhatCalibrated: Math.max(...num(fitRows, "rhatCalibrated")),
    divergencesCalibrated: num(fitRows, "divergencesCalibrated").reduce((a, b) => a + b, 0),
    divergencesPlain: num(fitRows, "divergencesPlain").reduce((a, b) => a + b, 0),
  },
  tension: {
    tests: tensionRows.length,
    flaggedCorrect: share(tensionRows, "flaggedCorrect"),
    flaggedTripled: share(tensionRows, "flaggedTripled"),
  },
  endogenous: endogenousRows.length
    ? {
        seeds: endogenousRows.length,
        meanBiasBefore: mean(num(endogenousRows, "biasBefore")),
        meanBiasAfter: mean(num(endogenousRows, "biasAfter")),
        biasCut: 1 - mean(num(endogenousRows, "biasAfter")) / mean(num(endogenousRows, "biasBefore")),
        meanRegretBefore: mean(num(endogenousRows, "regretBefore")),
        meanRegretAfter: mean(num(endogenousRows, "regretAfter")),
      }
    : null,
};

console.log("\n== calibration on clean: the tested always-on channels' 90% ROI intervals\n");
console.log(
  table(
    [
      [
        summary.clean.channelSeeds,
        summary.clean.meanNarrowing.toFixed(2),
        summary.clean.medianNarrowing.toFixed(2),
        summary.clean.worstNarrowing.toFixed(2),
        summary.clean.coverageBefore.toFixed(2),
        summary.clean.coverageAfter.toFixed(2),
      ],
    ],
    ["channel-seeds", "mean narrowing ×", "median ×", "worst ×", "coverage before", "coverage after"],
  ),
);
console.log("(targets: mean narrowing ≥ 2×, coverage after ≥ 0.85)\n");
console.log(
  table(
    [
      [
        summary.clean.medianTimeRatio.toFixed(2),
        summary.clean.worstTimeRatio.toFixed(2),
        summary.clean.medianWorkRatio.toFixed(2),
        summary.clean.worstWorkRatio.toFixed(2),
        summary.clean.worstRhatCalibrated.toFixed(3),
        summary.clean.divergencesPlain,
        summary.clean.divergencesCalibrated,
      ],
    ],
    [
      "time ratio (median)",
      "time ratio (worst)",
      "work ratio (median)",
      "work ratio (worst)",
      "worst R-hat",
      "divergences plain",
      "divergences calibrated",
    ],
  ),
);
console.log(
  "(targets: time ratio ≤ 1.5, R-hat ≤ 1.01, no divergences; work ratio: gradient evaluations at each kind of fit's median speed, free of machine jitter)\n",
);
console.log("== tension check on the uncalibrated fit\n");
console.log(
  table(
    [
      [
        summary.tension.tests,
        summary.tension.flaggedCorrect.toFixed(2),
        summary.tension.flaggedTripled.toFixed(2),
      ],
    ],
    ["tests", "correct flagged", "tripled flagged"],
  ),
);
console.log("(targets: correct ≤ 0.10, tripled ≥ 0.90)\n");
if (summary.endogenous) {
  console.log("== endogenous: the demand-following channel\n");
  console.log(
    table(
      endogenousRows.map((r) => [
        r.seed,
        (r.trueRoi as number).toFixed(2),
        (r.roiBefore as number).toFixed(2),
        (r.roiAfter as number).toFixed(2),
        (r.regretBefore as number).toFixed(4),
        (r.regretAfter as number).toFixed(4),
      ]),
      ["seed", "true ROI", "ROI before", "ROI after", "regret before", "regret after"],
    ),
  );
  console.log(
    `bias cut ${(100 * summary.endogenous.biasCut).toFixed(0)}% (target ≥ 50%); mean regret ${summary.endogenous.meanRegretBefore.toFixed(4)} → ${summary.endogenous.meanRegretAfter.toFixed(4)} (must not get worse)`,
  );
}
console.log(
  `→ ${writeResult("calibration", { summary, channels: channelRows, fits: fitRows, tension: tensionRows, endogenous: endogenousRows })}`,
);
