// `mmm demo`: the quick-start job on an embedded default — simulate the lab's clean brand, prepare
// its raw exports into a modeling table, fit the Bayesian MMM and print the ROI table with its
// diagnostics, next to the truth the lab knows. Later stages (report, optimise) extend it.

import { join, resolve } from "node:path";
import { checkOutputPath } from "../data/outputPath.js";
import { runFit } from "./fit.js";
import type { CliIo } from "./io.js";
import { runOptimize } from "./optimize.js";
import { runPrepare } from "./prepare.js";
import { runReport } from "./report.js";
import { runSimulate } from "./simulate.js";

export async function runDemo(opts: { out: string; seed: string }, io: CliIo): Promise<void> {
  // the demo replaces its own sub-folders, so an existing --out folder is fine; a bad one fails now
  checkOutputPath(opts.out, { kind: "folder", force: true });
  const dataDir = join(opts.out, "lab");
  const tableDir = join(opts.out, "table");
  const runDir = join(opts.out, "run");
  io.out("== 1/5  Simulate a brand whose truth is known (scenario 'clean')");
  const ds = runSimulate(
    { scenario: "clean", seed: opts.seed, out: dataDir, format: "csv", force: true },
    io,
  );
  io.out("\n== 2/5  Prepare its raw daily exports into a weekly modeling table");
  await runPrepare({ config: join(dataDir, "prepare.yaml"), out: tableDir, force: true }, io);
  io.out("\n== 3/5  Fit the Bayesian MMM (NUTS, 4 chains × 1000 warm-up + 1000 draws)");
  const summary = await runFit(
    {
      table: tableDir,
      out: runDir,
      chains: "4",
      warmup: "1000",
      draws: "1000",
      seed: opts.seed,
      method: "nuts",
      metric: "dense",
      adaptDelta: "0.8",
      maxDepth: "10",
      force: true,
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
  io.out(
    "\n== 4/5  Recommend next quarter's allocation (10th percentile of the gain, ±50% guardrails, 90% confidence gate)",
  );
  runOptimize(runDir, { horizon: "13", objective: "quantile:0.1", maxChange: "0.5", minPGain: "0.9" }, io);
  io.out("\n== 5/5  Validate the fit and write the executive report");
  const report = join(opts.out, "report.html");
  await runReport(runDir, { out: report, validation: "full", holdoutWeeks: "13", cvFolds: "3" }, io);
  io.out(
    `\nDemo outputs are in ${opts.out}/ (lab/: raw exports and truth; table/: modeling table; run/: the fit).`,
  );
  io.out(`Open the report: ${resolve(report)}`);
}
