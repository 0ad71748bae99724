// `mmm fit --experiments FILE`: the lift tests a fit is calibrated with — read and checked against
// the model's data before any sampling, copied into the run, and judged against the calibrated
// posterior with each test left out (so a test the rest of the evidence contradicts is named).

import { checkExperimentsAgainstModel, type ExperimentCheck } from "../analysis/experimentEvidence.js";
import { compact } from "../analysis/numberFormat.js";
import { MmmError } from "../core/errors.js";
import { readUserText } from "../data/fsErrors.js";
import { sha256 } from "../data/lineage.js";
import { checkExperiments, type Experiment, parseExperiments } from "../experiments/experimentsFile.js";
import { resolveExperiments } from "../model/experimentLift.js";
import type { MmmModel } from "../model/mmm.js";

export { EXPERIMENTS_FILE } from "../runs/runReader.js";

export interface FitExperiments {
  experiments: Experiment[];
  text: string;
  sha256: string;
}

/** Reads and checks the experiments file against the model's data; errors name the row and column. */
export function readFitExperiments(path: string, model: MmmModel, kpi: string): FitExperiments {
  const text = readUserText({ path, what: "the experiments file", option: "--experiments" });
  const experiments = parseExperiments(text, path);
  const d = model.data;
  checkExperiments(
    experiments,
    { channels: d.channels.map((c) => c.name), geos: d.geos, weeks: d.weeks, kpi, currency: d.currency },
    path,
  );
  // placing each test on the model's weeks and geos can fail too (read-out past the data, no spend)
  resolveExperiments(experiments, d);
  return { experiments, text, sha256: sha256(text) };
}

export type Calibration = "likelihood" | "roi_prior";

/** --calibration: likelihood (default) or roi-prior; meaningless without --experiments. */
export function parseCalibration(text: string | undefined, hasTests: boolean): Calibration {
  if (text === undefined) return "likelihood";
  const value = text.replace("-", "_");
  if (value !== "likelihood" && value !== "roi_prior")
    throw new MmmError(
      "E_BAD_OPTION",
      `--calibration must be likelihood or roi-prior, got '${text}'.`,
      { option: "--calibration" },
      "use --calibration likelihood (each test's own lift) or --calibration roi-prior (docs/experiments.md)",
    );
  if (!hasTests)
    throw new MmmError(
      "E_BAD_OPTION",
      "--calibration needs lift tests to calibrate with.",
      { option: "--calibration" },
      "add --experiments FILE, or drop --calibration",
    );
  return value;
}

/** summary.json's record of each test, checked against the calibrated posterior without it. */
export function experimentsSummary(
  model: MmmModel,
  draws: Float64Array,
  experiments: Experiment[],
  calibration: Calibration = "likelihood",
) {
  const checks = checkExperimentsAgainstModel(model, draws, experiments, {
    valuePerUnit: model.data.valuePerUnit ?? 1,
    leaveOut: true,
    calibration,
  });
  return checks.map(summaryRow);
}

function summaryRow(c: ExperimentCheck) {
  return {
    id: c.id,
    channel: c.channel,
    kind: c.kind,
    measured_lift: c.measured,
    lift_se: c.se,
    spend_change: c.spendChange,
    model_lift_without_test: c.modelLift,
    p_value: c.pValue,
    pareto_k: c.paretoK,
    tension: c.tension,
    finding: c.finding,
  };
}

/** Lines printed after the ROI table. */
export function experimentsLines(rows: ReturnType<typeof summaryRow>[]): string {
  const fmt = compact;
  const lines = rows.map(
    (r) =>
      `  ${r.id} (${r.channel}): measured ${fmt(r.measured_lift)} ± ${fmt(r.lift_se)}; the model without it ${fmt(r.model_lift_without_test.mean)} [${fmt(r.model_lift_without_test.q05)}, ${fmt(r.model_lift_without_test.q95)}]; p = ${r.p_value.toFixed(3)}${r.tension ? "  ← TENSION" : ""}${r.pareto_k === null || r.pareto_k > 0.7 ? " (check unreliable: the test moved the posterior too far to take it back out; fit without it to judge it)" : ""}`,
  );
  const flagged = rows.filter((r) => r.tension);
  return [
    `Calibrated with ${rows.length} lift test(s):`,
    ...lines,
    ...flagged.map((r) => `  ${r.finding}`),
  ].join("\n");
}
