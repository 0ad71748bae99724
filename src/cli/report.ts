// `mmm report`: a run folder → one self-contained HTML report (executive page with next quarter's
// plan, validation, data). Validation refits the model with lighter sampling settings.

import {
  holdoutValidation,
  placeboCheck,
  rollingOriginCv,
  sensitivityAnalysis,
  sensitivityVariants,
} from "../analysis/validation.js";
import { MmmError } from "../core/errors.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import { checkOutputPath } from "../data/outputPath.js";
import type { SampleOptions } from "../inference/sample.js";
import { type PlanResult, planBudget } from "../planning/plan.js";
import { buildReportData } from "../report/build.js";
import { renderReport } from "../report/html.js";
import type { ValidationData } from "../report/reportData.js";
import type { CliIo } from "./io.js";
import { readRun } from "./runReader.js";
import { WorkerExecutor } from "./workerExecutor.js";

export interface ReportOptions {
  out: string;
  validation: string;
  hurdle: string;
  margin?: string;
  holdoutWeeks: string;
  cvFolds: string;
  /** Next quarter's budget plan (default on; `--no-plan` sets false). */
  plan?: boolean;
  quiet?: boolean;
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
  const hurdle = Number(o.hurdle);
  if (!(hurdle >= 0))
    throw new MmmError("E_BAD_OPTION", `--hurdle must be a non-negative number, got '${o.hurdle}'.`, {
      option: "--hurdle",
    });
  const optionMargin = o.margin === undefined ? null : Number(o.margin);
  if (optionMargin !== null && !(optionMargin > 0 && optionMargin <= 1)) {
    throw new MmmError("E_BAD_OPTION", `--margin must be in (0, 1], got '${o.margin}'.`, {
      option: "--margin",
    });
  }
  // the report may not land in the run folder; checked before the validation refits, not after
  const inputs = [{ path: runDir, what: "the run folder", folder: true }];
  checkOutputPath(o.out, { kind: "file", inputs });
  const run = readRun(runDir);
  // --margin wins over the spec's margin
  const margin = optionMargin ?? run.recipe.spec.margin ?? null;
  const executor = new WorkerExecutor();
  const light: SampleOptions = { ...run.fit.settings, method: "nuts", chains: 2, warmup: 500, draws: 500 };
  const T = run.recipe.table.weeks.length;
  const requested = Number(o.holdoutWeeks);
  if (!Number.isInteger(requested) || requested < 4) {
    throw new MmmError(
      "E_BAD_OPTION",
      `--holdout-weeks must be a whole number of at least 4, got '${o.holdoutWeeks}'.`,
      { option: "--holdout-weeks" },
      "e.g. 13 (a quarter)",
    );
  }
  const folds = Number(o.cvFolds);
  if (!Number.isInteger(folds) || folds < 1 || folds > 10) {
    throw new MmmError(
      "E_BAD_OPTION",
      `--cv-folds must be a whole number from 1 to 10, got '${o.cvFolds}'.`,
      { option: "--cv-folds" },
    );
  }
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
  });
  const html = await renderReport(data);
  const out = writeFileAtomic(o.out, html, inputs);
  io.out(`Wrote ${o.out} (${(html.length / 1024).toFixed(0)} KB, self-contained)`);
  return out;
}
