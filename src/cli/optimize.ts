// `mmm optimize`: the recommended next-quarter allocation for a fitted run — risk-aware objective,
// guardrails and constraints — with its expected gain, P(gain > 0), marginal ROI per channel and
// the budget frontier.

import { MmmError } from "../core/errors.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import type { Objective } from "../planning/optimize.js";
import { type PlanOptions, type PlanResult, planBudget } from "../planning/plan.js";
import type { CliIo } from "./io.js";
import { readRun } from "./runReader.js";

export interface OptimizeOptions {
  horizon: string;
  objective: string;
  budget?: string;
  mroiTarget?: string;
  maxChange: string;
  minPGain?: string;
  min?: string[];
  max?: string[];
  lock?: string[];
  ramp?: string;
  group?: string[];
  allowExtrapolation?: boolean;
  out?: string;
}

export function parseObjective(text: string): Objective {
  const [kind, arg] = text.split(":");
  const num = (d: number) => (arg === undefined ? d : Number(arg));
  switch (kind) {
    case "mean":
      return { kind: "mean" };
    case "quantile":
      return { kind: "quantile", q: num(0.25) };
    case "cvar":
      return { kind: "cvar", alpha: num(0.2) };
    case "mean_sd":
      return { kind: "mean_sd", lambda: num(1) };
    case "p_gain":
      return { kind: "p_gain" };
  }
  throw new MmmError(
    "E_BAD_OPTION",
    `Unknown objective '${text}'.`,
    { option: "--objective" },
    "mean | quantile[:q] | cvar[:alpha] | mean_sd[:lambda] | p_gain",
  );
}

function pairs(list: string[] | undefined, flag: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of list ?? []) {
    const m = /^([a-z0-9_]+)=([0-9.]+)$/.exec(item);
    if (!m)
      throw new MmmError(
        "E_BAD_OPTION",
        `${flag} expects channel=amount, got '${item}'.`,
        { option: flag },
        `e.g. ${flag} tv=500000`,
      );
    out[m[1]] = Number(m[2]);
  }
  return out;
}

export function parsePlanOptions(o: OptimizeOptions): Partial<PlanOptions> {
  const horizon = Number(o.horizon);
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 104)
    throw new MmmError("E_BAD_OPTION", `--horizon must be 1–104 weeks, got '${o.horizon}'.`, {
      option: "--horizon",
    });
  const maxChange = Number(o.maxChange);
  if (!(maxChange >= 0))
    throw new MmmError("E_BAD_OPTION", `--max-change must be a share ≥ 0 (e.g. 0.3), got '${o.maxChange}'.`, {
      option: "--max-change",
    });
  const groups = (o.group ?? []).map((g) => {
    const m = /^([a-z0-9_]+)=([a-z0-9_+]+):([0-9.]+)$/.exec(g);
    if (!m)
      throw new MmmError(
        "E_BAD_OPTION",
        `--group expects name=channel+channel:cap, got '${g}'.`,
        { option: "--group" },
        "e.g. --group digital=paid_social+display:900000",
      );
    return { name: m[1], members: m[2].split("+"), cap: Number(m[3]) };
  });
  return {
    horizonWeeks: horizon,
    objective: parseObjective(o.objective),
    total: o.budget !== undefined ? Number(o.budget) : undefined,
    mroiTarget: o.mroiTarget !== undefined ? Number(o.mroiTarget) : undefined,
    maxChange,
    minimum: pairs(o.min, "--min"),
    maximum: pairs(o.max, "--max"),
    locked: o.lock ?? [],
    rampLimit: o.ramp !== undefined ? Number(o.ramp) : undefined,
    groups,
    forbidExtrapolation: !o.allowExtrapolation,
    minPGain: o.minPGain !== undefined ? Number(o.minPGain) : undefined,
  };
}

export function planTable(r: PlanResult): string {
  const k = (x: number) =>
    Math.abs(x) >= 1e6
      ? `${(x / 1e6).toFixed(2)}M`
      : Math.abs(x) >= 1e3
        ? `${(x / 1e3).toFixed(1)}k`
        : x.toFixed(0);
  const lines = [
    `Recommended allocation for the next ${r.horizonWeeks} weeks (objective ${JSON.stringify(r.objective)}), total ${k(r.total)} (current ${k(r.currentTotal)})`,
  ];
  lines.push(
    `${"channel".padEnd(14)}${"current".padStart(10)}${"recommended".padStart(13)}${"change".padStart(9)}  ${"mROI at plan [5%, 95%]".padEnd(24)}flags`,
  );
  for (const row of r.rows) {
    lines.push(
      `${row.channel.padEnd(14)}${k(row.current).padStart(10)}${k(row.recommended).padStart(13)}${`${row.changeShare >= 0 ? "+" : ""}${(100 * row.changeShare).toFixed(0)}%`.padStart(9)}  ${`${row.mroi.mean.toFixed(2)} [${row.mroi.q05.toFixed(2)}, ${row.mroi.q95.toFixed(2)}]`.padEnd(24)}${row.extrapolated ? "EXTRAPOLATION" : ""}`,
    );
  }
  lines.push(
    `Expected gain over the current plan: ${k(r.gain.mean)} ${r.valueUnit} (90% interval ${k(r.gain.q05)} to ${k(r.gain.q95)}); P(gain > 0) = ${r.pGain.toFixed(2)}`,
  );
  lines.push(
    `Budget frontier (best expected value by total): ${r.frontier.map((f) => `${k(f.total)} → ${f.expectedGain >= 0 ? "+" : ""}${k(f.expectedGain)}`).join(", ")}`,
  );
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join("\n");
}

export function runOptimize(runDir: string, o: OptimizeOptions, io: CliIo): PlanResult {
  const run = readRun(runDir);
  let result: PlanResult;
  try {
    result = planBudget(run.model, run.draws, parsePlanOptions(o));
  } catch (e) {
    if (e instanceof MmmError) throw e;
    throw new MmmError(
      "E_BAD_OPTION",
      (e as Error).message,
      {},
      "check channel names in --min/--max/--lock/--group",
    );
  }
  io.out(planTable(result));
  if (run.fit.method === "fast") io.out("(approximate: from a Laplace fit)");
  if (o.out) {
    writeFileAtomic(o.out, `${JSON.stringify(result, null, 2)}\n`, [
      { path: runDir, what: "the run folder", folder: true },
    ]);
    io.out(`Wrote ${o.out}`);
  }
  return result;
}
