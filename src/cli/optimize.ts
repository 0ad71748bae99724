// `mmm optimize`: the recommended next-quarter allocation for a fitted run — risk-aware objective,
// guardrails and constraints — against the neutral plan (the reference mix at this budget), with
// its expected gain, P(gain > 0), marginal ROI per channel and the budget frontier.

import { join } from "node:path";
import { compact, sharedFormat, signedCompact } from "../analysis/numberFormat.js";
import type { ReturnUnits } from "../analysis/returnUnits.js";
import { finiteJson } from "../core/finiteJson.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import { checkOutputPath, type OutputInput } from "../data/outputPath.js";
import type { Objective } from "../planning/optimize.js";
import { type PlanResult, planBudget } from "../planning/plan.js";
import { readRun } from "../runs/runReader.js";
import { completeArtefact, draftNotice, planArtefact } from "../runs/runRegistration.js";
import type { CliIo } from "./io.js";
import { type OptimizeOptions, parsePlanOptions } from "./planOptions.js";

export type { OptimizeOptions } from "./planOptions.js";
export { parseObjective, parsePlanOptions } from "./planOptions.js";

const signed = signedCompact;
const signedPct = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(0)}%`;

function objectiveText(o: Objective): string {
  switch (o.kind) {
    case "mean":
      return "the expected gain";
    case "quantile":
      return `the ${Math.round(100 * o.q)}th percentile of the gain`;
    case "cvar":
      return `the mean of the worst ${Math.round(100 * o.alpha)}% of gains (CVaR)`;
    case "mean_sd":
      return `the expected gain − ${o.lambda} sd`;
    case "p_gain":
      return "P(gain > 0)";
  }
}

function gainLine(label: string, g: PlanResult["gain"], p: number, unit: string): string {
  return `${label}: ${signed(g.mean)} ${unit} (90% interval ${signed(g.q05)} to ${signed(g.q95)}); P(gain > 0) = ${p.toFixed(2)}`;
}

/** The plan as a terminal table; returns in `units` (the fit's, so every command agrees). */
export function planTable(r: PlanResult, units: ReturnUnits = r.returnUnits): string {
  const u = units;
  const budgetShift = r.referenceTotal > 0 ? r.total / r.referenceTotal - 1 : 0;
  const lines = [
    `Reference plan: ${r.reference} — total ${compact(r.referenceTotal)}`,
    `Budget: ${compact(r.total)} for the next ${r.horizonWeeks} weeks (${signedPct(budgetShift)} on the reference)${r.geoSplit === "national" ? "" : `; geo split: ${r.geoSplit}`}`,
    `Objective: ${objectiveText(r.objective)} over the neutral plan (the reference mix scaled to this budget, within the bounds); ${r.draws} posterior draws`,
    `Marginal ROI in ${u.unit}`,
    "",
  ];
  const head = [
    "channel",
    "reference",
    "neutral",
    "recommended",
    "vs ref",
    "allowed",
    `mROI at plan [5%, 95%]`,
  ];
  const body = r.rows.map((row) => {
    const m = row.mroi;
    const f = sharedFormat([m.mean, m.q05, m.q95].map((x) => x * u.factor));
    return [
      row.channel,
      compact(row.reference),
      compact(row.neutral),
      compact(row.recommended),
      row.reference > 0 ? signedPct(row.changeShare) : "new",
      `${compact(row.bounds[0])}–${compact(row.bounds[1])}`,
      `${f(m.mean * u.factor)} [${f(m.q05 * u.factor)}, ${f(m.q95 * u.factor)}]${row.extrapolated ? "  EXTRAPOLATION" : ""}`,
    ];
  });
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  const fmtRow = (cells: string[]) =>
    cells
      .map((c, j) => (j === 0 || j === cells.length - 1 ? c.padEnd(widths[j]) : c.padStart(widths[j])))
      .join("  ")
      .trimEnd();
  lines.push(fmtRow(head), ...body.map(fmtRow), "");
  lines.push(gainLine("Expected gain over the neutral plan", r.gain, r.pGain, r.valueUnit));
  const neutralIsReference = r.rows.every(
    (row) => Math.abs(row.neutral - row.reference) <= 1e-6 * (1 + row.reference),
  );
  if (!neutralIsReference)
    lines.push(
      gainLine("Against the reference plan itself", r.gainOverReference, r.pGainOverReference, r.valueUnit),
    );
  lines.push(
    `Decision: ${r.decision === "optimum" ? "move to the optimised plan" : r.decision === "partial" ? "move part of the way (confidence gate)" : "keep the neutral plan (no move clears the confidence gate)"}`,
  );
  if (r.frontier.length > 0)
    lines.push(
      `Budget frontier (best expected gain over the neutral plan by total): ${r.frontier.map((f) => `${compact(f.total)} → ${signed(f.expectedGain)}`).join(", ")}`,
    );
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join("\n");
}

/** What optimize and scenario read: an --out on any of them is refused. */
export function planInputs(runDir: string, files: (string | undefined)[]): OutputInput[] {
  return [
    { path: runDir, what: "the run folder", folder: true },
    ...files.filter((f): f is string => f !== undefined).map((path) => ({ path, what: "an input file" })),
  ];
}

export async function runOptimize(runDir: string, o: OptimizeOptions, io: CliIo): Promise<PlanResult> {
  // options first: a typo fails before the run folder is read
  const options = parsePlanOptions(o);
  const fileOptions = [o.current, o.geoSplit, o.bounds].filter(
    (f) => f !== undefined && !/^(last|spend):|^population$/.test(f),
  );
  const inputs = planInputs(runDir, fileOptions);
  if (o.out !== undefined) checkOutputPath(o.out, { kind: "file", inputs });
  const record = await planArtefact("plan", runDir, o);
  const run = readRun(runDir);
  await draftNotice(runDir, io);
  const result = planBudget(run.model, run.draws, options);
  // returns in the fit's display units, so fit, optimize and the report agree
  const text = planTable(result, run.summary.roi_display ?? result.returnUnits);
  io.out(text);
  if (run.fit.method === "fast") io.out("(approximate: from a Laplace fit)");
  if (o.out) {
    writeFileAtomic(o.out, finiteJson(result, o.out), inputs);
    io.out(`Wrote ${o.out}`);
  }
  if (record)
    await completeArtefact(
      record,
      [
        { name: "plan.json", content: finiteJson(result, join(record.dir, "plan.json")) },
        { name: "plan.txt", content: `${text}\n` },
      ],
      io,
    );
  return result;
}
