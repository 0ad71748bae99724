// What-if plans for the next H weeks: rules such as "tv=+20%,display=0" turn the reference plan
// into a plan; each plan's value is computed exactly per posterior draw (the planner's own
// valuation) and compared draw by draw with the reference plan, so the gain's interval is honest.

import { thinned } from "../analysis/measures.js";
import { type Interval, probabilityAbove, summarise } from "../analysis/summaries.js";
import { MmmError } from "../core/errors.js";
import { parseAmount, parseUserNumber } from "../core/userNumber.js";
import type { MmmModel } from "../model/mmm.js";
import { type HorizonSettings, planContext } from "./context.js";
import { PlanValuer, planValues } from "./planValue.js";

/** One rule of a plan: a relative change of the current run-rate, or an absolute horizon amount. */
export type PlanRule =
  | { channel: string; kind: "relative"; change: number }
  | { channel: string; kind: "absolute"; amount: number };

export interface ScenarioPlan {
  /** The text the plan was written as (shown back to the user). */
  label: string;
  rules: PlanRule[];
}

function badRule(rule: string, what: string, fix: string): MmmError {
  return new MmmError("E_BAD_OPTION", `--plan rule '${rule}': ${what}`, { option: "--plan" }, fix);
}

/**
 * Parses "tv=+20%,paid_search=-20%,display=0" against the model's channels. A signed percentage
 * changes the reference plan's amount; an unsigned amount (500k, 1.2M, 30k/week) replaces it.
 */
export function parsePlan(text: string, channels: string[], horizonWeeks: number): ScenarioPlan {
  const rules: PlanRule[] = [];
  const syntax =
    "write channel=+20%, channel=-15% or channel=250000 (the amount for the horizon; k and M allowed, or 20k/week)";
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (parts.length === 0) throw badRule(text, "the plan is empty.", syntax);
  for (const part of parts) {
    const m = /^([^=]+?)\s*=\s*(.+)$/.exec(part);
    if (!m) throw badRule(part, "expected channel=change.", syntax);
    const channel = m[1];
    if (!channels.includes(channel))
      throw badRule(part, `unknown channel '${channel}'.`, `choose from: ${channels.join(", ")}`);
    if (rules.some((r) => r.channel === channel))
      throw badRule(
        part,
        `channel '${channel}' appears twice in one plan.`,
        "give each channel one rule per plan",
      );
    const value = m[2].trim();
    const pct = /^([+-])\s*(.+?)\s*%$/.exec(value);
    if (pct) {
      const size = parseUserNumber(
        pct[2],
        `the change of ${channel}`,
        { option: "--plan" },
        { min: 0, example: "tv=+20%" },
      );
      const change = (pct[1] === "-" ? -1 : 1) * (size / 100);
      // a cut of more than 100% would be negative spend
      if (change < -1)
        throw badRule(
          part,
          "a cut of more than 100% is negative spend.",
          "use -100% or 0 to stop the channel",
        );
      rules.push({ channel, kind: "relative", change });
    } else if (/^[+-]/.test(value)) {
      throw badRule(part, `cannot read '${value}' as a change: a signed change needs a %.`, syntax);
    } else {
      rules.push({
        channel,
        kind: "absolute",
        amount: parseAmount(value, `the amount of ${channel}`, { option: "--plan" }, horizonWeeks),
      });
    }
  }
  return { label: text, rules };
}

/**
 * A plan as the rules `parsePlan` reads back to the same amounts: each channel that differs from
 * its reference, at its exact amount for the horizon ("tv=120000,display=0"); the reference
 * plan itself as "<first channel>=+0%".
 */
export function planRulesText(rows: { channel: string; reference: number; planned: number }[]): string {
  const changed = rows.filter((r) => r.planned !== r.reference);
  if (changed.length === 0) return rows.length > 0 ? `${rows[0].channel}=+0%` : "";
  return changed.map((r) => `${r.channel}=${String(r.planned)}`).join(",");
}

export interface ScenarioRow {
  channel: string;
  /** The reference plan's amount. */
  reference: number;
  planned: number;
  /** Weekly spend above the largest week seen in the data: the model extrapolates. */
  extrapolated: boolean;
}

export interface ScenarioResult {
  label: string;
  rows: ScenarioRow[];
  total: number;
  /** Incremental value of the plan over spending nothing in the horizon (carryover included). */
  value: Interval;
  /** Plan minus reference plan, per draw. */
  gain: Interval;
  pBetter: number;
}

export interface ScenarioReport {
  horizonWeeks: number;
  valueUnit: string;
  draws: number;
  /** The reference plan in words, and how amounts split over geos. */
  reference: string;
  geoSplit: string;
  referenceTotal: number;
  referenceValue: Interval;
  scenarios: ScenarioResult[];
}

export interface ScenarioOptions extends HorizonSettings {
  maxDraws?: number;
}

/** Each plan's value and its gain over the reference plan, per posterior draw (exact, no grid). */
export function evaluateScenarios(
  model: MmmModel,
  draws: Float64Array,
  plans: ScenarioPlan[],
  options: ScenarioOptions,
): ScenarioReport {
  const context = planContext(model, options);
  const channels = context.channels;
  const H = options.horizonWeeks;
  const planned = plans.map((p) =>
    channels.map((c) => {
      const rule = p.rules.find((r) => r.channel === c.name);
      if (!rule) return c.current;
      return rule.kind === "relative" ? c.current * (1 + rule.change) : rule.amount;
    }),
  );
  const rows = thinned(draws, model.dim, options.maxDraws ?? 1000);
  const valuer = new PlanValuer(model, options, model.data.valuePerUnit ?? 1);
  const reference = channels.map((c) => c.current);
  const [referenceValues, ...values] = planValues(valuer, rows, channels, [reference, ...planned]);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    horizonWeeks: H,
    valueUnit: model.data.valuePerUnit ? model.data.currency : model.data.kpi,
    draws: rows.length,
    reference: context.referenceLabel,
    geoSplit: context.geoSplitLabel,
    referenceTotal: sum(reference),
    referenceValue: summarise(referenceValues),
    scenarios: plans.map((p, s) => {
      const gain = values[s].map((v, k) => v - referenceValues[k]);
      return {
        label: p.label,
        rows: channels.map((c, i) => ({
          channel: c.name,
          reference: c.current,
          planned: planned[s][i],
          extrapolated: planned[s][i] / H > c.maxWeekly * (1 + 1e-9),
        })),
        total: sum(planned[s]),
        value: summarise(values[s]),
        gain: summarise(gain),
        pBetter: probabilityAbove(gain, 0),
      };
    }),
  };
}
