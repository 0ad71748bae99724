// What-if plans for the next H weeks: rules such as "tv=+20%,display=0" turn the current run-rate
// into a plan; each plan's value is computed exactly per posterior draw (no grid) and compared
// draw by draw with the current plan, so the gain's interval and P(better) are honest.

import { thinned } from "../analysis/measures.js";
import { type Interval, probabilityAbove, summarise } from "../analysis/summaries.js";
import { MmmError } from "../core/errors.js";
import type { MmmModel } from "../model/mmm.js";
import { type HorizonSettings, PlanValuer, planContexts } from "./planValue.js";

/** One rule of a plan: a relative change of the current run-rate, or an absolute horizon amount. */
export type PlanRule =
  | { channel: string; kind: "relative"; change: number }
  | { channel: string; kind: "absolute"; amount: number };

export interface ScenarioPlan {
  /** The text the plan was written as (shown back to the user). */
  label: string;
  rules: PlanRule[];
}

const SUFFIX: Record<string, number> = { "": 1, k: 1e3, m: 1e6 };

function badRule(rule: string, what: string, fix: string): MmmError {
  return new MmmError("E_BAD_OPTION", `--plan rule '${rule}': ${what}`, { option: "--plan" }, fix);
}

/**
 * Parses "tv=+20%,paid_search=-20%,display=0" against the model's channels. A signed percentage
 * changes the current run-rate; an unsigned number (optionally 500k, 1.2M) is the horizon amount.
 */
export function parsePlan(text: string, channels: string[]): ScenarioPlan {
  const rules: PlanRule[] = [];
  const syntax =
    "write channel=+20%, channel=-15% or channel=250000 (the amount for the horizon; k and M allowed)";
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (parts.length === 0) throw badRule(text, "the plan is empty.", syntax);
  for (const part of parts) {
    const m = /^([^=\s]+)\s*=\s*(.+)$/.exec(part);
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
    const pct = /^([+-])\s*([0-9]*\.?[0-9]+)\s*%$/.exec(value);
    const abs = /^([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kKmM]?)$/.exec(value);
    if (pct) {
      const change = (pct[1] === "-" ? -1 : 1) * (Number(pct[2]) / 100);
      // a cut of more than 100% would be negative spend
      if (change < -1)
        throw badRule(
          part,
          "a cut of more than 100% is negative spend.",
          "use -100% or 0 to stop the channel",
        );
      rules.push({ channel, kind: "relative", change });
    } else if (abs) {
      rules.push({ channel, kind: "absolute", amount: Number(abs[1]) * SUFFIX[abs[2].toLowerCase()] });
    } else {
      throw badRule(part, `cannot read '${value}' as a change.`, syntax);
    }
  }
  return { label: text, rules };
}

export interface ScenarioRow {
  channel: string;
  current: number;
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
  /** Plan minus current plan, per draw. */
  gain: Interval;
  pBetter: number;
}

export interface ScenarioReport {
  horizonWeeks: number;
  valueUnit: string;
  draws: number;
  currentTotal: number;
  currentValue: Interval;
  scenarios: ScenarioResult[];
}

export interface ScenarioOptions extends HorizonSettings {
  maxDraws?: number;
}

/** Each plan's value and its gain over the current plan, per posterior draw. */
export function evaluateScenarios(
  model: MmmModel,
  draws: Float64Array,
  plans: ScenarioPlan[],
  options: ScenarioOptions,
): ScenarioReport {
  const contexts = planContexts(model, options);
  const H = options.horizonWeeks;
  const planned = plans.map((p) =>
    contexts.map((c) => {
      const rule = p.rules.find((r) => r.channel === c.name);
      if (!rule) return c.current;
      return rule.kind === "relative" ? c.current * (1 + rule.change) : rule.amount;
    }),
  );
  const rows = thinned(draws, model.dim, options.maxDraws ?? 1000);
  const valuer = new PlanValuer(model, options, model.data.valuePerUnit ?? 1);
  // per channel, one call values the current amount and every plan's amount for a draw
  const current = new Float64Array(rows.length);
  const values = plans.map(() => new Float64Array(rows.length));
  const amounts = new Float64Array(plans.length + 1);
  const out = new Float64Array(plans.length + 1);
  contexts.forEach((ctx, c) => {
    amounts[0] = ctx.current;
    planned.forEach((p, s) => {
      amounts[s + 1] = p[c];
    });
    rows.forEach((x, k) => {
      valuer.channelValues(x, ctx, amounts, out);
      current[k] += out[0];
      for (let s = 0; s < plans.length; s++) values[s][k] += out[s + 1];
    });
  });
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    horizonWeeks: H,
    valueUnit: model.data.valuePerUnit ? model.data.currency : model.data.kpi,
    draws: rows.length,
    currentTotal: sum(contexts.map((c) => c.current)),
    currentValue: summarise(current),
    scenarios: plans.map((p, s) => {
      const gain = values[s].map((v, k) => v - current[k]);
      return {
        label: p.label,
        rows: contexts.map((c, i) => ({
          channel: c.name,
          current: c.current,
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
