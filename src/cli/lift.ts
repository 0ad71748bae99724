// `mmm lift`: the incremental KPI of a spend change on one channel — switched off, scaled by a
// factor over a window of weeks — with adstock recomputed, so carryover changes as well.

import { counterfactualLift, type Intervention } from "../analysis/measures.js";
import { probabilityAbove, summarise } from "../analysis/summaries.js";
import { MmmError } from "../core/errors.js";
import { parseUserNumber } from "../core/userNumber.js";
import { readRun } from "../runs/runReader.js";
import type { CliIo } from "./io.js";

export interface LiftOptions {
  channel: string;
  scale?: string;
  off?: boolean;
  fromWeek?: string;
  toWeek?: string;
}

export function runLift(runDir: string, o: LiftOptions, io: CliIo): void {
  const run = readRun(runDir);
  const d = run.model.data;
  if (!d.channels.some((c) => c.name === o.channel)) {
    throw new MmmError(
      "E_BAD_OPTION",
      `Unknown channel '${o.channel}'.`,
      { option: "--channel" },
      `choose from: ${d.channels.map((c) => c.name).join(", ")}`,
    );
  }
  const weeks = d.weeks.map((w) => new Date(w * 86_400_000).toISOString().slice(0, 10));
  const weekIndex = (s: string | undefined, flag: string, fallback: number) => {
    if (s === undefined) return fallback;
    const i = weeks.indexOf(s);
    if (i < 0)
      throw new MmmError(
        "E_BAD_OPTION",
        `${flag} ${s} is not a week start of the table.`,
        { option: flag },
        `use a week from ${weeks[0]} to ${weeks[weeks.length - 1]} (weeks start ${run.recipe.table.weekStart})`,
      );
    return i;
  };
  let intervention: Intervention;
  if (
    !o.off &&
    (o.scale === undefined || o.scale === "1") &&
    o.fromWeek === undefined &&
    o.toWeek === undefined
  ) {
    throw new MmmError(
      "E_BAD_OPTION",
      "Nothing to change: give --off, or --scale with a factor other than 1.",
      { option: "--scale" },
      "e.g. --scale 0.8 for a 20% cut, or --off",
    );
  }
  if (o.off) intervention = { channel: o.channel, kind: "off" };
  else {
    const factor = parseUserNumber(
      o.scale ?? "1",
      "--scale",
      { option: "--scale" },
      { min: 0, example: "--scale 0.8 for a 20% cut, or --off" },
    );
    const fromWeek = weekIndex(o.fromWeek, "--from-week", 0);
    const toWeek = weekIndex(o.toWeek, "--to-week", d.T - 1);
    if (toWeek < fromWeek) {
      throw new MmmError("E_BAD_OPTION", `--to-week ${o.toWeek} comes before --from-week ${o.fromWeek}.`, {
        option: "--to-week",
      });
    }
    intervention = { channel: o.channel, kind: "scale", factor, fromWeek, toWeek };
  }
  const lift = counterfactualLift(run.model, run.draws, intervention);
  const s = summarise(lift);
  const what =
    intervention.kind === "off"
      ? `${o.channel} switched off for the whole window`
      : `${o.channel} spend × ${intervention.factor} from ${weeks[intervention.fromWeek ?? 0]} to ${weeks[intervention.toWeek ?? d.T - 1]}`;
  io.out(
    `${what}: incremental ${d.kpi} ${s.mean.toFixed(1)} (90% interval ${s.q05.toFixed(1)} to ${s.q95.toFixed(1)}); P(gain > 0) = ${probabilityAbove(lift, 0).toFixed(2)}`,
  );
  if (run.fit.method === "fast") io.out("(approximate: from a Laplace fit)");
}
