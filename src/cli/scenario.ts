// `mmm scenario`: what-if plans for the next weeks ("tv=+20%,display=0") against the current
// plan — each plan's incremental value and its gain over the current plan, draw by draw.

import { MmmError } from "../core/errors.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import { evaluateScenarios, parsePlan, type ScenarioReport } from "../planning/scenario.js";
import type { CliIo } from "./io.js";
import { readRun } from "./runReader.js";

export interface ScenarioOptions {
  plan: string[];
  horizon: string;
  out?: string;
}

/** 1.23M, 45.6k, 789, with a sign when asked (gains). */
function k(x: number, signed = false): string {
  const sign = signed && x > 0 ? "+" : "";
  const a = Math.abs(x);
  const s = a >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : a >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0);
  return `${sign}${s}`;
}

function pct(x: number): string {
  return `${x > 0 ? "+" : ""}${(100 * x).toFixed(0)}%`;
}

export function scenarioTable(r: ScenarioReport): string {
  const lines = [
    `Scenarios for the next ${r.horizonWeeks} weeks: incremental ${r.valueUnit} over spending nothing, carryover included (${r.draws} posterior draws)`,
    `current plan: spend ${k(r.currentTotal)} → ${k(r.currentValue.mean)} (90% interval ${k(r.currentValue.q05)} to ${k(r.currentValue.q95)})`,
  ];
  r.scenarios.forEach((s, i) => {
    const changed = s.rows
      .filter((row) => Math.abs(row.planned - row.current) > 1e-9 * (1 + row.current))
      .map((row) => {
        const share = row.current > 0 ? ` (${pct(row.planned / row.current - 1)})` : "";
        return `${row.channel} ${k(row.current)} → ${k(row.planned)}${share}${row.extrapolated ? " EXTRAPOLATION" : ""}`;
      });
    lines.push(
      `plan ${i + 1} "${s.label}": spend ${k(s.total)} (${pct(r.currentTotal > 0 ? s.total / r.currentTotal - 1 : 0)})`,
      `  changes: ${changed.length > 0 ? changed.join(", ") : "none (the current plan)"}`,
      `  value ${k(s.value.mean)} (90% interval ${k(s.value.q05)} to ${k(s.value.q95)})`,
      `  vs current: expected gain ${k(s.gain.mean, true)} (5th to 95th percentile ${k(s.gain.q05, true)} to ${k(s.gain.q95, true)}); P(better than current) = ${s.pBetter.toFixed(2)}`,
    );
    if (s.rows.some((row) => row.extrapolated))
      lines.push(
        "  note: weekly spend above the largest week in the data: the model extrapolates its curve there.",
      );
  });
  return lines.join("\n");
}

export function runScenario(runDir: string, o: ScenarioOptions, io: CliIo): ScenarioReport {
  const horizon = Number(o.horizon);
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 104)
    throw new MmmError("E_BAD_OPTION", `--horizon must be 1–104 weeks, got '${o.horizon}'.`, {
      option: "--horizon",
    });
  if (!o.plan || o.plan.length === 0)
    throw new MmmError(
      "E_BAD_OPTION",
      "Give at least one plan to evaluate.",
      { option: "--plan" },
      'e.g. --plan "tv=+20%,paid_search=-20%" --plan "display=0"',
    );
  const run = readRun(runDir);
  const channels = run.model.data.channels.map((c) => c.name);
  // every plan is checked before any work, so a typo in the third plan fails fast
  const plans = o.plan.map((p) => parsePlan(p, channels));
  const report = evaluateScenarios(run.model, run.draws, plans, { horizonWeeks: horizon });
  io.out(scenarioTable(report));
  if (run.fit.method === "fast") io.out("(approximate: from a Laplace fit)");
  if (o.out) {
    writeFileAtomic(o.out, `${JSON.stringify(report, null, 2)}\n`, [
      { path: runDir, what: "the run folder", folder: true },
    ]);
    io.out(`Wrote ${o.out}`);
  }
  return report;
}
