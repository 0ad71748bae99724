// `mmm demo`: the quick-start job on an embedded default — simulate the lab's clean brand, prepare
// its raw exports into a modeling table, fit the Bayesian MMM and print the ROI table with its
// diagnostics, next to the truth the lab knows; calibrate it with the lab's lift tests, check the
// evidence agrees, recommend a plan, say which test to run next, and write the report.

import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkOutputPath } from "../data/outputPath.js";
import { DEFAULT_SAMPLE_OPTIONS as SAMPLE } from "../inference/sample.js";
import { runFit } from "./fit.js";
import type { CliIo } from "./io.js";
import { runNextTest } from "./nextTest.js";
import { runOptimize } from "./optimize.js";
import { runPrepare } from "./prepare.js";
import { runReport } from "./report.js";
import { runInit } from "./runs.js";
import { runSimulate } from "./simulate.js";
import { runTriangulate } from "./triangulate.js";

export async function runDemo(opts: { out: string; seed: string }, io: CliIo): Promise<void> {
  // the demo replaces its own sub-folders, so an existing --out folder is fine; a bad one fails now
  checkOutputPath(opts.out, { kind: "folder", force: true });
  const dataDir = join(opts.out, "lab");
  const tableDir = join(opts.out, "table");
  const runDir = join(opts.out, "run");
  // the demo folder is a workspace whose registry starts afresh, as the demo's other folders do
  mkdirSync(opts.out, { recursive: true });
  for (const f of ["registry.sqlite", "registry.sqlite-wal", "registry.sqlite-shm"])
    rmSync(join(opts.out, f), { force: true });
  await runInit(opts.out, { force: true, owner: "demo" }, io);
  io.out("== 1/7  Simulate a brand whose truth is known (scenario 'clean', with lift tests in its history)");
  const ds = runSimulate(
    { scenario: "clean", seed: opts.seed, out: dataDir, format: "csv", force: true, experiments: true },
    io,
  );
  io.out("\n== 2/7  Prepare its raw daily exports into a weekly modeling table");
  await runPrepare(
    {
      config: join(dataDir, "prepare.yaml"),
      out: tableDir,
      force: true,
      note: `demo: the lab's clean brand (seed ${opts.seed}), raw exports prepared`,
    },
    io,
  );
  io.out(
    `\n== 3/7  Fit the Bayesian MMM calibrated with the lift tests (NUTS, ${SAMPLE.chains} chains × ${SAMPLE.warmup} warm-up + ${SAMPLE.draws} draws)`,
  );
  const summary = await runFit(
    {
      table: tableDir,
      experiments: join(dataDir, "experiments.csv"),
      out: runDir,
      chains: String(SAMPLE.chains),
      warmup: String(SAMPLE.warmup),
      draws: String(SAMPLE.draws),
      seed: opts.seed,
      method: SAMPLE.method,
      metric: SAMPLE.metric,
      adaptDelta: String(SAMPLE.adaptDelta),
      maxDepth: String(SAMPLE.maxDepth),
      force: true,
      note: `demo: the lab's clean brand (seed ${opts.seed}), calibrated with its lift tests`,
    },
    io,
  );
  io.out("\nAgainst the lab's truth (true ROI inside the 90% interval?):");
  for (const c of ds.truth.channels) {
    const est = summary.channels[c.name];
    if (!est) continue;
    const covered = c.roi >= est.roi.q05 && c.roi <= est.roi.q95;
    io.out(
      `  ${c.name.padEnd(14)} true ROI ${c.roi.toFixed(2).padStart(5)}   estimate ${est.roi.mean.toFixed(2)} [${est.roi.q05.toFixed(2)}, ${est.roi.q95.toFixed(2)}]  ${covered ? "covered" : "MISSED"}`,
    );
  }
  io.out("\n== 4/7  Does the evidence agree? (the model against each test, with the test left out)");
  // the platforms' own claims (the lab's exports, summed per channel) beside the MMM and the tests
  const platform = join(dataDir, "platform.csv");
  runTriangulate(runDir, { platform }, io);
  io.out(
    "\n== 5/7  Recommend next quarter's allocation (10th percentile of the gain, ±50% guardrails, 90% confidence gate)",
  );
  await runOptimize(
    runDir,
    { horizon: "13", objective: "quantile:0.1", maxChange: "0.5", minPGain: "0.9" },
    io,
  );
  io.out("\n== 6/7  Which test to run next (expected value of its information for that decision)");
  runNextTest(runDir, { horizon: "13", weeks: "4,6,8", outerDraws: "100", seed: opts.seed, top: "6" }, io);
  io.out("\n== 7/7  Validate the fit and write the executive report");
  const report = join(opts.out, "report.html");
  await runReport(
    runDir,
    { out: report, validation: "full", holdoutWeeks: "13", cvFolds: "3", platform },
    io,
  );
  io.out(
    `\nDemo outputs are in ${opts.out}/ (lab/: raw exports and truth; table/: modeling table; run/: the fit; mmm.yaml and registry.sqlite: the workspace).`,
  );
  io.out(`Open the report: ${resolve(report)}`);
  io.out(
    `The fit is registered as a draft in ${opts.out}/registry.sqlite: cd ${opts.out} && mmm runs list (npx mmm from the repository).`,
  );
  io.out(`Open the dashboard: npx mmm serve --workspace ${opts.out}   (then http://127.0.0.1:8080/)`);
}
