// Charts of the budget plan: reference against recommended spend per channel as paired bars, and
// the budget frontier (best expected gain at each total). Titles state where money moves.

import type { TopLevelSpec } from "vega-lite";
import { compact, pct } from "../analysis/numberFormat.js";
import type { PlanResult } from "../planning/plan.js";
import { chartTitle, val } from "./chartKit.js";
import { joinNames } from "./findings.js";
import { CHART_WIDTH, COLOURS, VEGA_CONFIG } from "./theme.js";

const SI_AXIS = { format: "~s", labelExpr: "datum.value === 0 ? '0' : datum.label" };

/** Channels whose recommended spend moves by more than half a percent, up and down. */
export function planMoves(plan: PlanResult): { up: string[]; down: string[] } {
  const moved = (sign: number) =>
    plan.rows
      .filter((r) => sign * (r.recommended - r.reference) > 0.005 * Math.max(r.reference, 1))
      .sort((a, b) => sign * (b.change - a.change))
      .map((r) => r.channel);
  return { up: moved(1), down: moved(-1) };
}

/** Reference and recommended spend per channel over the horizon, side by side. */
export function planAllocationChart(plan: PlanResult, currency: string): TopLevelSpec {
  const CURRENT = "reference plan";
  const RECOMMENDED = "recommended";
  const rows = plan.rows.flatMap((r) => [
    { channel: r.channel, plan: CURRENT, spend: val(r.reference) },
    { channel: r.channel, plan: RECOMMENDED, spend: val(r.recommended) },
  ]);
  const { up, down } = planMoves(plan);
  const title =
    up.length === 0 && down.length === 0
      ? "The reference mix is kept: no move clears the confidence gate"
      : [up.length > 0 ? `More on ${joinNames(up)}` : "", down.length > 0 ? `less on ${joinNames(down)}` : ""]
          .filter(Boolean)
          .join("; ")
          .replace(/^less/, "Less");
  const totalChange = plan.referenceTotal > 0 ? plan.total / plan.referenceTotal - 1 : 0;
  const totalText =
    Math.abs(totalChange) < 0.0005
      ? `total unchanged at ${compact(plan.total)} ${currency}`
      : `total ${compact(plan.total)} ${currency} (${totalChange > 0 ? "+" : ""}${pct(totalChange)} on the reference ${compact(plan.referenceTotal)})`;
  const order = plan.rows.map((r) => r.channel);
  return {
    config: VEGA_CONFIG,
    width: CHART_WIDTH - 140,
    height: { step: 13, for: "offset" },
    title: chartTitle(title, `Spend over the next ${plan.horizonWeeks} weeks per channel; ${totalText}.`),
    data: { values: rows },
    mark: { type: "bar", height: { band: 0.9 } },
    encoding: {
      y: { field: "channel", type: "nominal", sort: order, title: null },
      yOffset: { field: "plan", type: "nominal", sort: [CURRENT, RECOMMENDED] },
      x: {
        field: "spend",
        type: "quantitative",
        title: `spend over ${plan.horizonWeeks} weeks (${currency})`,
        axis: SI_AXIS,
        scale: { zero: true },
      },
      color: {
        field: "plan",
        type: "nominal",
        title: null,
        scale: { domain: [CURRENT, RECOMMENDED], range: [COLOURS.baseline, COLOURS.estimate] },
      },
    },
  };
}

/** The best expected gain over the neutral plan at each total budget, within the same guardrails. */
export function frontierChart(plan: PlanResult, currency: string): TopLevelSpec {
  const points = plan.frontier.map((f) => ({ total: val(f.total), gain: val(f.expectedGain) }));
  const at = (factor: number) =>
    plan.frontier.find((f) => Math.abs(f.total - factor * plan.referenceTotal) < 1e-6 * plan.referenceTotal);
  const here = at(1);
  const more = at(1.1);
  const less = at(0.9);
  const unit = plan.valueUnit;
  const parts = [
    here && more
      ? `10% more budget would add about ${compact(more.expectedValue - here.expectedValue)} ${unit}`
      : "",
    here && less ? `10% less would cost about ${compact(here.expectedValue - less.expectedValue)}` : "",
  ].filter(Boolean);
  const title = parts.length > 0 ? parts.join("; ") : "Budget frontier: the best expected gain at each total";
  const x = {
    field: "total",
    type: "quantitative" as const,
    title: `total spend over ${plan.horizonWeeks} weeks (${currency})`,
    axis: SI_AXIS,
    scale: { zero: false },
  };
  const y = {
    field: "gain",
    type: "quantitative" as const,
    // short: headless Vega sizes text at 0.8 em per character, and a rotated title taller than
    // the plot would push the chart title up and leave a gap
    title: `expected gain (${unit})`,
    axis: SI_AXIS,
  };
  return {
    config: VEGA_CONFIG,
    width: CHART_WIDTH - 140,
    height: 220,
    title: chartTitle(title, [
      "Best expected gain over the neutral plan at each total, same guardrails. Dashed: the reference total.",
      "Where the line flattens, more budget buys little.",
    ]),
    layer: [
      {
        data: { values: [{ total: val(plan.referenceTotal) }] },
        mark: { type: "rule", strokeDash: [5, 4], color: COLOURS.reference },
        encoding: { x },
      },
      {
        data: { values: [{ gain: 0 }] },
        mark: { type: "rule", color: COLOURS.reference, opacity: 0.5 },
        encoding: { y },
      },
      {
        data: { values: points },
        mark: { type: "line", color: COLOURS.estimate, strokeWidth: 2 },
        encoding: { x, y },
      },
      {
        data: { values: points },
        mark: { type: "point", filled: true, size: 50, color: COLOURS.estimate, opacity: 1 },
        encoding: { x, y },
      },
    ],
  };
}
