// `mmm triangulate RUN`: does the evidence agree? The run's ROI per channel beside its lift tests
// (the run's own calibration tests, or --experiments for an uncalibrated run), the model's view of
// each test, an uncalibrated run for "before" (--uncalibrated), and platform claims (--platform).

import { channelDraws } from "../analysis/channelMetrics.js";
import { demandFollowing } from "../analysis/demandFollowing.js";
import { checkExperimentsAgainstModel } from "../analysis/experimentEvidence.js";
import type { ReturnUnits } from "../analysis/returnUnits.js";
import { RECONCILIATION, triangulate } from "../analysis/triangulation.js";
import { finiteJson } from "../core/finiteJson.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import { readUserText } from "../data/fsErrors.js";
import { checkOutputPath } from "../data/outputPath.js";
import { checkExperiments, parseExperiments } from "../experiments/experimentsFile.js";
import { readRun } from "../runs/runReader.js";
import { demandProxy } from "./demandProxy.js";
import type { CliIo } from "./io.js";
import { planInputs } from "./optimize.js";
import { readPlatform } from "./platformFile.js";

export interface TriangulateOptions {
  experiments?: string;
  uncalibrated?: string;
  platform?: string;
  out?: string;
  demandProxy?: string;
}

export function runTriangulate(runDir: string, o: TriangulateOptions, io: CliIo) {
  const inputs = planInputs(runDir, [o.experiments, o.uncalibrated, o.platform]);
  if (o.out !== undefined) checkOutputPath(o.out, { kind: "file", inputs });
  const run = readRun(runDir);
  const d = run.model.data;
  const vpu = d.valuePerUnit ?? 1;
  const given = o.experiments
    ? parseExperiments(
        readUserText({ path: o.experiments, what: "the experiments file", option: "--experiments" }),
        o.experiments,
      )
    : undefined;
  if (given)
    checkExperiments(
      given,
      {
        channels: d.channels.map((c) => c.name),
        geos: d.geos,
        weeks: d.weeks,
        kpi: run.recipe.table.kpi,
        currency: d.currency,
      },
      o.experiments as string,
    );
  const tests = given ?? run.experiments;
  // tests the fit already saw are judged with each left out; others against the posterior as is
  const checks =
    tests.length > 0
      ? checkExperimentsAgainstModel(run.model, run.draws, tests, {
          valuePerUnit: vpu,
          leaveOut: !given,
          calibration: run.calibration,
        })
      : [];
  const measures = channelDraws(run.model, run.draws, { valuePerUnit: vpu });
  const before = o.uncalibrated ? readRun(o.uncalibrated) : undefined;
  const rows = triangulate(measures, checks, {
    valuePerUnit: vpu,
    uncalibrated: before
      ? channelDraws(before.model, before.draws, { valuePerUnit: before.model.data.valuePerUnit ?? 1 })
      : undefined,
    platform: o.platform
      ? readPlatform(
          o.platform,
          d.channels.map((c) => c.name),
        )
      : undefined,
  });
  const flags = demandFollowing(run.model, run.draws, {
    proxy: demandProxy(run.recipe.table, o.demandProxy),
  });
  for (const r of rows) {
    const f = flags.find((x) => x.channel === r.channel);
    if (f?.atRisk)
      r.verdict = `${r.verdict}; spend follows demand (r = ${Math.max(f.baselineCorrelation, f.proxyCorrelation ?? -1).toFixed(2)}): over-credit risk, test it first`;
  }
  io.out(triangulationText(rows, run.experiments.length > 0 && !given, run.summary.roi_display));
  const result = {
    format: "mmm-os/triangulation@1",
    value_unit: d.valuePerUnit ? d.currency : d.kpi,
    channels: rows,
    reconciliation: RECONCILIATION,
  };
  if (o.out) {
    writeFileAtomic(o.out, finiteJson(result, o.out), inputs);
    io.out(`Wrote ${o.out}`);
  }
  return result;
}

function triangulationText(
  rows: ReturnType<typeof triangulate>,
  calibrated: boolean,
  units: ReturnUnits,
): string {
  // returns in the fit's display units (KPI per 1,000 currency for a KPI without a value)
  const r2 = (v: number) => (v * units.factor).toFixed(2);
  const iv = (i: { mean: number; q05: number; q95: number }) => `${r2(i.mean)} [${r2(i.q05)}, ${r2(i.q95)}]`;
  const lines = [
    `Does the evidence agree? Returns in ${units.unit}, 90% intervals${calibrated ? " (the run is calibrated with its tests; each test is judged with it left out)" : ""}`,
    "",
  ];
  for (const r of rows) {
    lines.push(
      `${r.channel}: MMM ${iv(r.mmm)}${r.mmmUncalibrated ? ` (before calibration ${iv(r.mmmUncalibrated)})` : ""}${r.platformRoas !== null ? `; platform ${r2(r.platformRoas)} (${r.platformCreditRatio?.toFixed(2)}× the MMM)` : ""}`,
    );
    for (const t of r.tests)
      lines.push(
        `    test ${t.id} (${t.kind.replace("_", "-")}): test ${iv(t.testIroas)}, model ${iv(t.modelIroas)}, p = ${t.pValue.toFixed(3)}${t.tension ? "  ← TENSION" : ""}`,
      );
    lines.push(`    → ${r.verdict}`);
  }
  lines.push("", "Which number for what:", ...RECONCILIATION.map((s) => `  - ${s}`));
  return lines.join("\n");
}
