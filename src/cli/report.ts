// `mmm report`: a run folder → one self-contained HTML report (executive page with next quarter's
// plan, validation, data). Validation refits the model with lighter sampling settings.

import { buildModelCard } from "../analysis/modelCard.js";
import {
  holdoutValidation,
  placeboCheck,
  rollingOriginCv,
  sensitivityAnalysis,
  sensitivityVariants,
} from "../analysis/validation.js";
import { MmmError } from "../core/errors.js";
import { parseUserNumber } from "../core/userNumber.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import { checkOutputPath } from "../data/outputPath.js";
import type { SampleOptions } from "../inference/sample.js";
import { type PlanResult, planBudget } from "../planning/plan.js";
import { registeredRun } from "../registry/workspace.js";
import { buildReportData } from "../report/build.js";
import { renderReport } from "../report/html.js";
import type { ReportData, ValidationData } from "../report/reportData.js";
import { readRun } from "../runs/runReader.js";
import { completeArtefact, draftNotice, planArtefact } from "../runs/runRegistration.js";
import type { CliIo } from "./io.js";
import { readPlatform } from "./platformFile.js";
import { WorkerExecutor } from "./workerExecutor.js";

export interface ReportOptions {
  out: string;
  validation: string;
  /** The ROI a channel must beat; only with a value per KPI unit (default 1, break-even). */
  hurdle?: string;
  margin?: string;
  holdoutWeeks: string;
  cvFolds: string;
  /** Next quarter's budget plan (default on; `--no-plan` sets false). */
  plan?: boolean;
  /** Platform claims per channel (the CSV `mmm triangulate --platform` reads), for the evidence page. */
  platform?: string;
  quiet?: boolean;
  /** Record the report in the workspace's registry, with this change note. */
  note?: string;
  owner?: string;
  register?: boolean;
}

/** The run's registry entry (for the draft banner) and model card, when it is registered. */
async function registryParts(runDir: string): Promise<Pick<ReportData, "registry" | "modelCard">> {
  const found = await registeredRun(runDir);
  if (!found) return {};
  const { run, events } = found;
  return {
    registry: { id: run.id, status: run.status, note: run.note },
    modelCard: buildModelCard(run, events),
  };
}

export async function runReport(runDir: string, o: ReportOptions, io: CliIo): Promise<string> {
  if (!["none", "quick", "full"].includes(o.validation)) {
    throw new MmmError(
      "E_BAD_OPTION",
      `--validation must be none, quick or full, got '${o.validation}'.`,
      { option: "--validation" },
      "quick: holdout and placebo; full: also rolling CV, the sensitivity grid and PSIS-LOO",
    );
  }
  const hurdle =
    o.hurdle === undefined
      ? 1
      : parseUserNumber(o.hurdle, "--hurdle", { option: "--hurdle" }, { min: 0, example: "--hurdle 1.5" });
  const optionMargin =
    o.margin === undefined
      ? null
      : parseUserNumber(
          o.margin,
          "--margin",
          { option: "--margin" },
          { min: 0, max: 1, minExclusive: true, example: "--margin 0.6" },
        );
  const requested = parseUserNumber(
    o.holdoutWeeks,
    "--holdout-weeks",
    { option: "--holdout-weeks" },
    { integer: true, min: 4, example: "13 (a quarter)" },
  );
  const folds = parseUserNumber(
    o.cvFolds,
    "--cv-folds",
    { option: "--cv-folds" },
    { integer: true, min: 1, max: 10 },
  );
  // the report may not land in the run folder; checked before the validation refits, not after
  const inputs = [
    { path: runDir, what: "the run folder", folder: true },
    ...(o.platform ? [{ path: o.platform, what: "the platform file" }] : []),
  ];
  checkOutputPath(o.out, { kind: "file", inputs });
  const record = await planArtefact("report", runDir, o);
  const run = readRun(runDir);
  await draftNotice(runDir, io);
  const platform = o.platform
    ? readPlatform(
        o.platform,
        run.model.data.channels.map((c) => c.name),
      )
    : undefined;
  if (o.hurdle !== undefined && run.model.data.valuePerUnit === null)
    throw new MmmError(
      "E_BAD_OPTION",
      `--hurdle ${o.hurdle} compares ROI with a value, but this run has no value per ${run.model.data.kpi}: its ROI is ${run.model.data.kpi} per ${run.model.data.currency}, for which 1 (or any hurdle) means nothing.`,
      { option: "--hurdle" },
      "set value_per_unit in the model spec (or kpi.value_per_unit in the prepare config) and re-fit, or drop --hurdle",
    );
  // --margin wins over the spec's margin
  const margin = optionMargin ?? run.recipe.spec.margin ?? null;
  const executor = new WorkerExecutor();
  const light: SampleOptions = { ...run.fit.settings, method: "nuts", chains: 2, warmup: 500, draws: 500 };
  const T = run.recipe.table.weeks.length;
  const holdoutWeeks = Math.min(requested, Math.floor(T / 4));
  const validation: ValidationData = { holdout: null, cv: null, loo: null, sensitivity: null, placebo: null };
  const say = (s: string) => {
    if (!o.quiet) io.err(s);
  };
  if (o.validation !== "none") {
    say(`Validation: holdout of the last ${holdoutWeeks} weeks…`);
    validation.holdout = await holdoutValidation(run.recipe, holdoutWeeks, light, executor);
    say("Validation: placebo channel…");
    validation.placebo = await placeboCheck(run.recipe, light, executor);
  }
  if (o.validation === "full") {
    say(`Validation: rolling-origin CV, ${folds} folds of ${holdoutWeeks} weeks…`);
    validation.cv = await rollingOriginCv(run.recipe, folds, holdoutWeeks, light, executor);
    const variants = sensitivityVariants(run.recipe.spec);
    say(`Validation: sensitivity grid of ${variants.length} variants with PSIS-LOO…`);
    const s = await sensitivityAnalysis(run.recipe, variants, light, executor, hurdle);
    validation.sensitivity = s.sensitivity;
    validation.loo = s.loo;
  }
  let plan: PlanResult | undefined;
  if (o.plan !== false) {
    say("Planning next quarter's budget…");
    try {
      plan = planBudget(run.model, run.draws);
    } catch (e) {
      // a plan that cannot be made must not cost the user the rest of the report
      io.err(`warning: no budget plan in the report: ${(e as Error).message}`);
    }
  }
  const data = buildReportData({
    model: run.model,
    draws: run.draws,
    summary: run.summary,
    validation,
    qa: run.qa,
    lineage: run.lineage,
    hurdle,
    margin,
    plan,
    experiments: run.experiments,
    calibration: run.calibration,
    ...(await registryParts(runDir)),
    platform,
  });
  const html = await renderReport(data);
  const out = writeFileAtomic(o.out, html, inputs);
  io.out(`Wrote ${o.out} (${(html.length / 1024).toFixed(0)} KB, self-contained)`);
  if (record) await completeArtefact(record, [{ name: "report.html", content: html }], io);
  return out;
}
