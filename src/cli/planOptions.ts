// Options shared by `mmm optimize` and `mmm scenario`, read into planner settings: the horizon,
// the reference plan (--current), the geo split, the objective, budget and bounds. Every number
// goes through the one user-number reader, so nothing unreadable reaches the planner.

import { existsSync } from "node:fs";
import { MmmError } from "../core/errors.js";
import { type NumberRule, parseAmount, parseUserNumber } from "../core/userNumber.js";
import {
  type GeoSplitSpec,
  HORIZON_WEEKS,
  type HorizonSettings,
  type ReferenceSpec,
} from "../planning/context.js";
import type { Objective } from "../planning/optimize.js";
import type { PlanOptions } from "../planning/plan.js";
import { readGeoShares, readPlanFile } from "./planFile.js";

export interface HorizonOptions {
  horizon: string;
  current?: string;
  geoSplit?: string;
  byGeo?: boolean;
}

export interface OptimizeOptions extends HorizonOptions {
  objective: string;
  budget?: string;
  mroiTarget?: string;
  maxChange: string;
  minPGain?: string;
  min?: string[];
  max?: string[];
  bounds?: string;
  lock?: string[];
  ramp?: string;
  group?: string[];
  allowExtrapolation?: boolean;
  out?: string;
  /** Record the plan in the workspace's registry, with this change note. */
  note?: string;
  owner?: string;
  register?: boolean;
}

const num = (text: string, option: string, rule: NumberRule) =>
  parseUserNumber(text, option, { option }, rule);

export function parseHorizon(text: string): number {
  const { min, max } = HORIZON_WEEKS;
  return num(text, "--horizon", { integer: true, min, max, example: "--horizon 13" });
}

/** `last:N` (the last N weeks' run-rate) or a plan file of horizon amounts. */
export function parseReference(text: string | undefined, horizonWeeks: number): ReferenceSpec {
  if (text === undefined) return { kind: "recent", weeks: horizonWeeks };
  const m = /^last:(.*)$/.exec(text.trim());
  if (m)
    return {
      kind: "recent",
      weeks: num(m[1], "--current last:N", { integer: true, min: 1, max: 520, example: "--current last:13" }),
    };
  if (!existsSync(text))
    throw new MmmError(
      "E_BAD_OPTION",
      `--current must be last:N (weeks) or a plan file; '${text}' is neither.`,
      { option: "--current" },
      "e.g. --current last:13, --current last:52 or --current plan.csv (columns channel,amount)",
    );
  const file = readPlanFile(text, "--current", horizonWeeks);
  const amounts = new Map<string, number>();
  for (const [channel, e] of file) {
    if (e.amount === undefined)
      throw new MmmError(
        "E_PLAN_FILE",
        `Plan file ${text}: channel '${channel}' has no amount.`,
        { file: text, option: "--current", key: channel },
        "give each channel of the reference plan an amount for the horizon (or x/week)",
      );
    amounts.set(channel, e.amount);
  }
  return { kind: "given", amounts, label: `the plan in ${text}` };
}

/** `spend:N` (each channel's geo shares over the last N weeks), `population`, or a shares file. */
export function parseGeoSplit(text: string | undefined): GeoSplitSpec | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === "population") return { kind: "population" };
  const m = /^spend:(.*)$/.exec(t);
  if (m)
    return {
      kind: "spend",
      weeks: num(m[1], "--geo-split spend:N", { integer: true, min: 1, max: 520, example: "spend:52" }),
    };
  if (!existsSync(t))
    throw new MmmError(
      "E_BAD_OPTION",
      `--geo-split must be spend:N, population or a file of geo shares; '${text}' is none of these.`,
      { option: "--geo-split" },
      "e.g. --geo-split spend:52, --geo-split population or --geo-split shares.csv (columns geo,share)",
    );
  return { kind: "given", shares: readGeoShares(t, "--geo-split"), label: `the geo shares in ${t}` };
}

export function parseHorizonSettings(o: HorizonOptions): HorizonSettings {
  const horizonWeeks = parseHorizon(o.horizon);
  return {
    horizonWeeks,
    reference: parseReference(o.current, horizonWeeks),
    geoSplit: parseGeoSplit(o.geoSplit),
    byGeo: o.byGeo === true,
  };
}

export function parseObjective(text: string): Objective {
  const [kind, arg, ...rest] = text.split(":");
  const option = "--objective";
  const parameter = (d: number, rule: NumberRule) =>
    arg === undefined ? d : parseUserNumber(arg, `the parameter of --objective ${kind}`, { option }, rule);
  if (rest.length === 0) {
    switch (kind) {
      case "mean":
        if (arg === undefined) return { kind: "mean" };
        break;
      case "quantile":
        return {
          kind: "quantile",
          q: parameter(0.25, {
            min: 0,
            max: 1,
            minExclusive: true,
            maxExclusive: true,
            example: "quantile:0.25",
          }),
        };
      case "cvar":
        return {
          kind: "cvar",
          alpha: parameter(0.2, { min: 0, max: 1, minExclusive: true, example: "cvar:0.2" }),
        };
      case "mean_sd":
        return { kind: "mean_sd", lambda: parameter(1, { min: 0, example: "mean_sd:1" }) };
      case "p_gain":
        if (arg === undefined) return { kind: "p_gain" };
        break;
    }
  }
  throw new MmmError(
    "E_BAD_OPTION",
    `Unknown objective '${text}'.`,
    { option },
    "mean | quantile[:q] with 0 < q < 1 | cvar[:alpha] with 0 < alpha ≤ 1 | mean_sd[:lambda] with lambda ≥ 0 | p_gain",
  );
}

/** "channel=amount" items of --min/--max (any channel name; the amount may be x/week). */
function channelAmounts(
  list: string[] | undefined,
  flag: string,
  H: number,
  into: Map<string, number>,
): void {
  for (const item of list ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(item);
    if (!m)
      throw new MmmError(
        "E_BAD_OPTION",
        `${flag} expects channel=amount, got '${item}'.`,
        { option: flag },
        `e.g. ${flag} tv=500k (for the horizon) or ${flag} tv=30k/week`,
      );
    const channel = m[1].trim();
    if (into.has(channel))
      throw new MmmError(
        "E_BAD_OPTION",
        `${flag} sets '${channel}' twice.`,
        { option: flag },
        "give each channel one limit",
      );
    into.set(channel, parseAmount(m[2], `${flag} ${channel}`, { option: flag }, H));
  }
}

function parseGroups(list: string[] | undefined, H: number): PlanOptions["groups"] {
  return (list ?? []).map((g) => {
    const m = /^([^=]+)=([^:]+):(.+)$/.exec(g);
    if (!m)
      throw new MmmError(
        "E_BAD_OPTION",
        `--group expects name=channel+channel:cap, got '${g}'.`,
        { option: "--group" },
        "e.g. --group digital=paid_social+display:900k",
      );
    return {
      name: m[1],
      members: m[2].split("+"),
      cap: parseAmount(m[3], `--group ${m[1]} cap`, { option: "--group" }, H),
    };
  });
}

export function parsePlanOptions(o: OptimizeOptions): Partial<PlanOptions> {
  const settings = parseHorizonSettings(o);
  const H = settings.horizonWeeks;
  const minimum = new Map<string, number>();
  const maximum = new Map<string, number>();
  if (o.bounds) {
    for (const [channel, e] of readPlanFile(o.bounds, "--bounds", H)) {
      if (e.min !== undefined) minimum.set(channel, e.min);
      if (e.max !== undefined) maximum.set(channel, e.max);
    }
  }
  // command-line limits refine the file's
  const cliMin = new Map<string, number>();
  const cliMax = new Map<string, number>();
  channelAmounts(o.min, "--min", H, cliMin);
  channelAmounts(o.max, "--max", H, cliMax);
  for (const [k, v] of cliMin) minimum.set(k, v);
  for (const [k, v] of cliMax) maximum.set(k, v);
  const maxChange =
    o.maxChange.trim() === "off"
      ? undefined
      : num(o.maxChange, "--max-change", { min: 0, example: "0.3 (±30%) or off" });
  const minPGain =
    o.minPGain === undefined || o.minPGain.trim() === "off"
      ? undefined
      : num(o.minPGain, "--min-p-gain", { min: 0, max: 1, example: "0.9, or off to switch the gate off" });
  return {
    ...settings,
    objective: parseObjective(o.objective),
    total: o.budget !== undefined ? parseAmount(o.budget, "--budget", { option: "--budget" }, H) : undefined,
    mroiTarget:
      o.mroiTarget !== undefined
        ? num(o.mroiTarget, "--mroi-target", {
            min: 0,
            minExclusive: true,
            example: "1.2 (value per currency unit)",
          })
        : undefined,
    maxChange,
    minimum,
    maximum,
    locked: o.lock ?? [],
    rampLimit: o.ramp !== undefined ? num(o.ramp, "--ramp", { min: 0, example: "0.2" }) : undefined,
    groups: parseGroups(o.group, H),
    forbidExtrapolation: !o.allowExtrapolation,
    minPGain,
  };
}
