// "What to do next quarter": the recommended allocation within the guardrails, its gain over the
// neutral plan (the reference mix at this budget) with an interval and P(gain > 0), the guardrails
// that shaped it, and what it assumes.

import { compact, isFiniteNumber, pct, prob, sharedFormat, signedCompact } from "../analysis/numberFormat.js";
import type { ReturnUnits } from "../analysis/returnUnits.js";
import type { Objective } from "../planning/optimize.js";
import type { PlanResult, PlanRow } from "../planning/plan.js";
import type { RenderedCharts } from "./chartSet.js";
import { badge, figure } from "./elements.js";
import { joinNames } from "./findings.js";
import { planMoves } from "./planCharts.js";
import type { ReportData } from "./reportData.js";
import { html, type SafeHtml } from "./safeHtml.js";
import { table } from "./tables.js";

/** The objective in words: what "best" meant for this plan. */
export function objectiveInWords(o: Objective): string {
  switch (o.kind) {
    case "mean":
      return "the expected gain over the neutral plan";
    case "quantile":
      return `the ${pct(o.q)} quantile of the gain over the neutral plan — a cautious choice: the plan must gain in ${pct(1 - o.q)} of the plausible worlds, not just on average`;
    case "cvar":
      return `the average gain in the worst ${pct(o.alpha)} of plausible worlds (CVaR)`;
    case "mean_sd":
      return `the expected gain minus ${o.lambda} standard deviation${o.lambda === 1 ? "" : "s"}`;
    case "p_gain":
      return "the probability of beating the neutral plan";
  }
}

const signed = signedCompact;
// a typographic minus, as everywhere else in the report
const signedPct = (x: number) => (x > 0 ? `+${pct(x)}` : pct(x).replace(/^-/, "−"));
const isLocked = (r: PlanRow) => r.bounds[1] - r.bounds[0] <= 1e-9 * Math.max(1, r.reference);

/** The channel's allowed range relative to its reference spend ("−30% to +30%", or "locked"). */
function allowedRange(r: PlanRow): string {
  if (isLocked(r)) return "locked";
  if (!(r.reference > 0)) return `${compact(r.bounds[0])} to ${compact(r.bounds[1])}`;
  return `${signedPct(r.bounds[0] / r.reference - 1)} to ${signedPct(r.bounds[1] / r.reference - 1)}`;
}

function flags(r: PlanRow): SafeHtml {
  const out: SafeHtml[] = [];
  if (r.extrapolated) out.push(badge("beyond the data", "warn"));
  if (!isLocked(r)) {
    const near = (b: number) => Math.abs(r.recommended - b) <= 1e-6 * Math.max(1, b);
    if (near(r.bounds[1])) out.push(badge("at upper limit", "info"));
    else if (near(r.bounds[0])) out.push(badge("at lower limit", "info"));
  }
  return html`${out}`;
}

function allocationTable(p: PlanResult, currency: string, units: ReturnUnits): SafeHtml {
  const columns = [
    "Channel",
    { label: `Reference (${currency})`, numeric: true },
    { label: `Neutral (${currency})`, numeric: true },
    { label: `Recommended (${currency})`, numeric: true },
    { label: "Change vs reference", numeric: true },
    { label: "Allowed range", numeric: true },
    {
      label: `Marginal ROI at plan (${units.valued ? "value per unit spent" : units.short})`,
      numeric: true,
    },
    "Flags",
  ];
  const f = units.factor;
  const rows = p.rows.map((r) => {
    const g = sharedFormat([f * r.mroi.mean, f * r.mroi.q05, f * r.mroi.q95]);
    const mroi = isFiniteNumber(r.mroi.mean)
      ? html`${g(f * r.mroi.mean)}<span class="ci">${g(f * r.mroi.q05)} to ${g(f * r.mroi.q95)}</span>`
      : html`—`;
    const change =
      Math.abs(r.change) <= 1e-9 * Math.max(1, r.reference)
        ? html`no change`
        : html`${signed(r.change)}<span class="ci">${r.reference > 0 ? signedPct(r.changeShare) : "new"}</span>`;
    return [
      r.channel,
      compact(r.reference),
      compact(r.neutral),
      compact(r.recommended),
      change,
      allowedRange(r),
      mroi,
      flags(r),
    ];
  });
  return table(columns, rows);
}

function guardrails(p: PlanResult, currency: string): SafeHtml {
  const free = p.rows.filter((r) => !isLocked(r) && r.reference > 0);
  const locked = p.rows.filter(isLocked).map((r) => r.channel);
  const lows = free.map((r) => r.bounds[0] / r.reference - 1);
  const highs = free.map((r) => r.bounds[1] / r.reference - 1);
  const same = (xs: number[]) => xs.length > 0 && Math.max(...xs) - Math.min(...xs) < 0.005;
  const items: (string | SafeHtml)[] = [
    `Horizon: the next ${p.horizonWeeks} weeks, spend flat week to week${p.geoSplit === "national" ? "" : `, split across regions by ${p.geoSplit}`}.`,
    `Reference plan: ${p.reference}.`,
    Math.abs(p.total - p.referenceTotal) <= 1e-6 * Math.max(1, p.referenceTotal)
      ? `Total: kept at the reference plan's ${compact(p.referenceTotal)} ${currency} for the period.`
      : `Total: ${compact(p.total)} ${currency} for the period (reference plan: ${compact(p.referenceTotal)}).`,
    same(lows) && same(highs)
      ? `Each channel may move between ${signedPct(lows[0])} and ${signedPct(highs[0])} of its reference spend.`
      : "Each channel may move only within its allowed range (in the table): the tightest of the ±change limit, ramp limits, minimums, maximums and the largest weekly spend seen in the data.",
    ...(locked.length > 0 ? [`Held at reference spend: ${joinNames(locked)}.`] : []),
    `Objective: the plan maximises ${objectiveInWords(p.objective)}.`,
    ...p.notes,
  ];
  return html`<ul class="findings">${items.map((s) => html`<li>${s}</li>`)}</ul>`;
}

function lede(p: PlanResult, unit: string): SafeHtml {
  const { up, down } = planMoves(p);
  const moved = p.rows.reduce((s, r) => s + Math.max(0, r.reference - r.recommended), 0);
  const what =
    up.length === 0 && down.length === 0
      ? html`no move clears the confidence gate, so the plan keeps the reference mix at this budget`
      : down.length > 0 && up.length > 0
        ? html`the plan moves <strong>${compact(moved)}</strong> from ${joinNames(down)} to ${joinNames(up)}`
        : up.length > 0
          ? html`the plan adds to ${joinNames(up)}`
          : html`the plan cuts ${joinNames(down)}`;
  const g = p.gain;
  return html`<p class="lede">Over the next ${p.horizonWeeks} weeks, ${what}. Expected gain over the neutral plan (the reference mix at this budget):
<strong>${signed(g.mean)} ${unit}</strong> (90% interval ${signed(g.q05)} to ${signed(g.q95)});
P(gain&nbsp;&gt;&nbsp;0) = <strong>${prob(p.pGain)}</strong>.</p>`;
}

export function planSection(data: ReportData, charts: RenderedCharts): SafeHtml {
  const p = data.plan;
  if (!p) return html``;
  const currency = data.fit.currency;
  return html`<h2 id="plan">What to do next quarter</h2>
${lede(p, p.valueUnit)}
${allocationTable(p, currency, data.fit.roi_display)}
<p class="note">Amounts are spend over the ${p.horizonWeeks} weeks. Marginal ROI at plan is the value of the next unit of spend at the recommended level
(${data.fit.roi_display.unit}), with its 90% interval. The neutral plan is the reference mix scaled to this budget and held within the allowed ranges: the plan the recommendation must beat. The value of the reference plan is ${compact(p.referenceValue.mean)} ${p.valueUnit} (90% interval ${compact(p.referenceValue.q05)} to
${compact(p.referenceValue.q95)}); the neutral plan's is ${compact(p.neutralValue.mean)}; the recommended plan's is ${compact(p.recommendedValue.mean)} (${compact(p.recommendedValue.q05)} to ${compact(p.recommendedValue.q95)}).</p>
<h3>Guardrails used</h3>
${guardrails(p, currency)}
${figure(charts.plan, "Current and recommended spend per channel")}
${figure(charts.frontier, "Budget frontier: best expected gain at each total")}
<p class="caveat"><strong>What this plan assumes.</strong> It is as good as the model: every uncertainty above carries into it, and
the intervals say how much. It assumes flat weekly spend over the quarter, split across regions as over the last year, and
that nothing else changes (prices, creative, competitors). Carryover already in flight and the carryover the plan leaves after
the quarter are counted. Spend beyond what the data has seen is extrapolation. Move money in steps and measure the result.</p>`;
}
