// The live planner's server side: what the browser needs to re-plan on its own (the fit's
// modeling table as written, its spec and up to 1,000 posterior draws — the same draws
// `mmm scenario` uses), the page rendered with the reference plan's numbers, and saving a plan
// as a registered artefact when the user started the server with --allow-save.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { thinned } from "../analysis/measures.js";
import { MmmError } from "../core/errors.js";
import { finiteJson } from "../core/finiteJson.js";
import { SCHEMA_FILE, TABLE_FILE } from "../data/tableIo.js";
import { HORIZON_WEEKS } from "../planning/context.js";
import { type LiveResult, ScenarioSession } from "../planning/liveScenario.js";
import { evaluateScenarios } from "../planning/scenario.js";
import { scenarioTable } from "../planning/scenarioText.js";
import type { RunRecord } from "../registry/registry.js";
import type { Workspace } from "../registry/workspace.js";
import type { RunFolder } from "../runs/runReader.js";
import { completeArtefact, planArtefact } from "../runs/runRegistration.js";
import { fitOf } from "./runCache.js";

/** The draws the planner values plans with: `mmm scenario`'s default. */
export const PLANNER_DRAWS = 1000;
export const PLANNER_FORMAT = "mmm-os/planner@1";

export interface PlannerPayload {
  format: typeof PLANNER_FORMAT;
  run: string;
  /** The fit's folder relative to the workspace (for the equivalent `mmm scenario` command). */
  folder: string;
  horizonWeeks: number;
  schemaText: string;
  csvText: string;
  spec: unknown;
  experiments: unknown[] | undefined;
  calibration: "likelihood" | "roi_prior";
  dim: number;
  /** Constrained draws, row-major (draws × dim), evenly thinned to at most PLANNER_DRAWS rows. */
  draws: number[];
  roiDisplay: { factor: number; unit: string; short: string } | null;
  method: "nuts" | "fast";
}

/** A planning horizon from a query parameter (default 13 weeks, as `mmm scenario`). */
export function horizonParam(text: string | undefined): number {
  const { min, max } = HORIZON_WEEKS;
  if (text === undefined || text === "") return HORIZON_WEEKS.default;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new MmmError(
      "E_BAD_OPTION",
      `The planning horizon '${text}' is not a whole number of weeks from ${min} to ${max}.`,
      { option: "horizon" },
      "use ?horizon=13 (or leave it out for 13 weeks)",
    );
  return n;
}

function plannableFit(run: RunRecord): RunFolder {
  if (run.kind !== "fit" || !run.folderExists || run.problem)
    throw new MmmError(
      "E_BAD_OPTION",
      run.kind !== "fit"
        ? `${run.id} is a ${run.kind} run: plans are made from a fit.`
        : `${run.id}'s folder cannot be read (${run.problem ?? "it is missing"}).`,
      { key: run.id },
      "open the planner from a fit's page",
    );
  return fitOf(run);
}

export function plannerPayload(run: RunRecord, horizonWeeks: number): PlannerPayload {
  const fit = plannableFit(run);
  const rows = thinned(fit.draws, fit.model.dim, PLANNER_DRAWS);
  const draws: number[] = new Array(rows.length * fit.model.dim);
  rows.forEach((r, k) => {
    for (let j = 0; j < r.length; j++) draws[k * r.length + j] = r[j];
  });
  return {
    format: PLANNER_FORMAT,
    run: run.id,
    folder: run.folder,
    horizonWeeks,
    // the very bytes the fit read, verified by readRun: the browser builds the same model
    schemaText: readFileSync(join(run.path, "data", SCHEMA_FILE), "utf8"),
    csvText: readFileSync(join(run.path, "data", TABLE_FILE), "utf8"),
    spec: fit.recipe.spec,
    experiments: fit.recipe.experiments,
    calibration: fit.calibration,
    dim: fit.model.dim,
    draws,
    roiDisplay: fit.summary.roi_display ?? null,
    method: fit.fit.method,
  };
}

/** The reference plan evaluated on the server: the page's numbers before any script runs. */
export function referenceOutcome(
  run: RunRecord,
  horizonWeeks: number,
): { session: ScenarioSession; result: LiveResult } {
  const fit = plannableFit(run);
  const session = new ScenarioSession(fit.model, fit.draws, { horizonWeeks, maxDraws: PLANNER_DRAWS });
  return { session, result: session.evaluate(session.channels.map((c) => c.current)) };
}

const SavePlanSchema = z.strictObject({
  note: z.string().trim().min(1, "say what the plan is for").max(500),
  horizonWeeks: z.number().int().min(HORIZON_WEEKS.min).max(HORIZON_WEEKS.max),
  amounts: z.record(z.string(), z.number().finite().min(0)),
});

export interface SavedPlan {
  id: string;
  folder: string;
  gain: number;
  pBetter: number;
}

/**
 * Saves a plan from the dashboard as a registered plan artefact (a draft following its fit). The
 * numbers are recomputed here by `mmm scenario`'s code, not taken from the browser; plan.json
 * reads back with `mmm scenario <fit> --plan-file plan.json`.
 */
export async function savePlan(ws: Workspace, run: RunRecord, body: unknown): Promise<SavedPlan> {
  const parsed = SavePlanSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MmmError(
      "E_BAD_OPTION",
      `The plan to save is not valid: ${issue.message} at '${issue.path.join(".") || "body"}'.`,
      { key: issue.path.join(".") },
      'send {"note": "...", "horizonWeeks": 13, "amounts": {"channel": amount, ...}}',
    );
  }
  const { note, horizonWeeks, amounts } = parsed.data;
  const fit = plannableFit(run);
  const channels = fit.model.data.channels.map((c) => c.name);
  const unknown = Object.keys(amounts).filter((c) => !channels.includes(c));
  const missing = channels.filter((c) => !Object.hasOwn(amounts, c));
  if (unknown.length > 0 || missing.length > 0)
    throw new MmmError(
      "E_BAD_OPTION",
      unknown.length > 0
        ? `The plan names unknown channel(s) ${unknown.join(", ")}.`
        : `The plan has no amount for ${missing.join(", ")}.`,
      { key: "amounts" },
      `give one amount per channel: ${channels.join(", ")}`,
    );
  const record = await planArtefact("plan", run.path, { note, ws });
  if (!record) throw new Error("a plan with a note is always registered");
  const label = `dashboard plan: ${note}`;
  const report = evaluateScenarios(
    fit.model,
    fit.draws,
    [{ label, rules: channels.map((channel) => ({ channel, kind: "absolute", amount: amounts[channel] })) }],
    { horizonWeeks, maxDraws: PLANNER_DRAWS },
  );
  const s = report.scenarios[0];
  const planJson = { format: "mmm-os/scenario-plan@1", run: run.id, ...report, rows: s.rows };
  const silent = { out: () => {}, err: () => {} };
  const saved = await completeArtefact(
    record,
    [
      { name: "plan.json", content: finiteJson(planJson, join(record.dir, "plan.json")) },
      { name: "plan.txt", content: `${scenarioTable(report)}\n` },
    ],
    silent,
  );
  return { id: saved.id, folder: saved.folder, gain: s.gain.mean, pBetter: s.pBetter };
}
