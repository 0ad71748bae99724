// The refresh page: one self-contained HTML file per `mmm refresh` (written into the new fit's
// folder as refresh.html, beside refresh.json) that answers the four questions of a monthly
// refresh meeting — what changed in the data, how last month's model did on the weeks it had
// not seen, what moved in the measures and the plan, and whether to approve. No scripts, no
// fetches: the same content security policy as the report.

import type { TopLevelSpec } from "vega-lite";
import type { DriftFinding } from "../analysis/inputDrift.js";
import { compact, sig } from "../analysis/numberFormat.js";
import type { PostPeriodReview } from "../analysis/postPeriod.js";
import type { DataDiff, MeasureChange } from "../analysis/runDiff.js";
import { decisionWords, type PlanDiff, percentText } from "../planning/planDiff.js";
import { chartTitle, type Layer, WEEK_AXIS } from "./chartKit.js";
import { badge, figure, type Tone } from "./elements.js";
import { REPORT_CSP } from "./html.js";
import { renderSvg } from "./render.js";
import { html, type SafeHtml, trusted } from "./safeHtml.js";
import { REPORT_CSS } from "./styles.js";
import { table } from "./tables.js";
import { CHART_WIDTH, COLOURS, VEGA_CONFIG } from "./theme.js";

/** Everything a refresh found, as refresh.json keeps it. */
export interface RefreshRecord {
  format: "mmm-os/refresh@1";
  createdAt: string;
  note: string;
  previous: { id: string; window: { first: string; last: string; weeks: number } };
  table: string;
  fit: string;
  kpi: string;
  data: DataDiff;
  drift: DriftFinding[];
  review: PostPeriodReview | null;
  /** Why there is no review, when there is none. */
  reviewSkipped?: string;
  measures: MeasureChange[];
  /** Returns are shown as value × factor in `unit` (the fit's display units). */
  roiDisplay: { factor: number; unit: string };
  plans: PlanDiff | { unavailable: string } | null;
  diagnostics: { verdict: string; warmStarted: boolean };
  blockers: string[];
  readyToApprove: boolean;
}

const PAGE_CSS = `
.verdict { padding: 12px 16px; border-radius: 6px; margin: 16px 0; font-size: 16px; }
.verdict.ok { background: #E6F4EA; border: 1px solid #7BC18A; }
.verdict.bad { background: #FDECEA; border: 1px solid #E39A93; }
.verdict ul { margin: 6px 0 0 18px; padding: 0; font-size: 14px; }
.verdict code { font-size: 13px; }
.figures { display: flex; flex-wrap: wrap; gap: 10px 28px; margin: 8px 0 14px; }
.figures div { flex: 0 1 200px; }
.figures b { display: block; font-size: 20px; }
.figures span { color: #555; font-size: 12px; }
`;

export async function renderRefreshPage(r: RefreshRecord): Promise<string> {
  const chart = r.review ? await renderSvg(reviewChart(r.review, r.kpi), { idPrefix: "review" }) : undefined;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Refresh ${r.previous.id} → ${r.fit}</title>
<style>${trusted(REPORT_CSS)}${trusted(PAGE_CSS)}</style>
</head>
<body>
<main>
<header class="report-head">
<h1>Monthly refresh: ${r.previous.id} → ${r.fit}</h1>
<p class="meta">${r.kpi} · data to ${r.data.after.last} (${r.data.after.weeks} weeks) · ${r.createdAt.slice(0, 16).replace("T", " ")} · note: ${r.note}</p>
</header>
${verdictBlock(r)}
${dataBlock(r)}
${reviewBlock(r, chart ? trusted(chart) : undefined)}
${measuresBlock(r)}
${planBlock(r)}
<footer>MMM-OS refresh page. Self-contained: no scripts, fonts or images are loaded. The figures are in refresh.json beside it.</footer>
</main>
</body>
</html>
`;
  return page.value;
}

function verdictBlock(r: RefreshRecord): SafeHtml {
  if (r.readyToApprove)
    return html`<div class="verdict ok"><b>Ready to approve.</b> Nothing in the data, the review or the diagnostics stands in the way. <code>mmm runs approve ${r.fit} --note '…'</code></div>`;
  return html`<div class="verdict bad"><b>Review before approving ${r.fit}:</b><ul>${r.blockers.map((b) => html`<li>${b}</li>`)}</ul></div>`;
}

/** How each input-drift severity is badged, on the refresh page and in the dashboard. */
export const SEVERITY_TONE: Record<DriftFinding["severity"], Tone> = {
  alarm: "bad",
  warning: "warn",
  info: "info",
};

function dataBlock(r: RefreshRecord): SafeHtml {
  const d = r.data;
  const columns = d.columns.map((c) => [
    c.role === "kpi" ? `KPI ${c.column}` : c.column,
    compact(c.before),
    compact(c.after),
    c.restatedCells > 0 ? `${c.restatedCells} (up to ${(100 * c.largestRestatement).toFixed(1)}%)` : "none",
  ]);
  return html`<section class="page"><h2>1. What changed in the data</h2>
<p>${d.weeksAdded.length} week(s) added (${d.before.last} → ${d.after.last}), ${d.weeksDropped.length} dropped${d.channelsAdded.length || d.channelsDropped.length ? `; channels added: ${d.channelsAdded.join(", ") || "none"}, dropped: ${d.channelsDropped.join(", ") || "none"}` : ""}; taxonomy ${d.taxonomy.changed ? `${d.taxonomy.before ?? "none"} → ${d.taxonomy.after ?? "none"}` : "unchanged"}.</p>
${
  r.drift.length === 0
    ? html`<p>No input drift found: campaigns, spend patterns and controls look like the past year.</p>`
    : table(
        ["", "finding"],
        r.drift.map((f) => [badge(f.severity, SEVERITY_TONE[f.severity]), f.message]),
        "Input drift against the previous run's data",
      )
}
${table(["column", { label: "total before", numeric: true }, { label: "total after", numeric: true }, "history restated"], columns, "Totals over each table's window")}
</section>`;
}

function reviewBlock(r: RefreshRecord, chart: SafeHtml | undefined): SafeHtml {
  const v = r.review;
  if (!v)
    return html`<section class="page"><h2>2. How the model did on the weeks it had not seen</h2><p>No review: ${r.reviewSkipped ?? "the previous run could not be evaluated on the new table"}.</p></section>`;
  const c = v.cumulative;
  const gap = c.actual - c.mean;
  return html`<section class="page"><h2>2. How ${r.previous.id} did on the weeks it had not seen</h2>
<p>${v.alarm ? badge("ALARM", "bad") : v.borderline ? badge("borderline", "warn") : badge("no alarm", "ok")} ${
    v.alarm
      ? v.reasons.join(" ")
      : v.borderline
        ? `No alarm, but the new weeks lean ${c.actual < c.mean ? "below" : "above"} the forecast (PIT ${c.pit.toFixed(3)}${v.scan ? `; the last ${v.scan.weeks} week(s) ${v.scan.z >= 0 ? "+" : ""}${v.scan.z.toFixed(1)} sd, scan p ${v.scan.p.toFixed(3)}` : ""}): too weak to act on; watch whether next month's weeks continue it.`
        : "The new weeks fall where the previous run said they would, within chance."
  }</p>
<div class="figures">
<div><b>${(100 * v.coverage90).toFixed(0)}%</b><span>weeks inside the 90% band</span></div>
<div><b>${(100 * v.coverage50).toFixed(0)}%</b><span>inside the 50% band</span></div>
<div><b>${gap >= 0 ? "+" : ""}${compact(gap)}</b><span>actual − predicted, summed (90% band ${compact(c.q05 - c.mean)} to +${compact(c.q95 - c.mean)})</span></div>
<div><b>${c.pit.toFixed(3)}</b><span>where the summed actual falls in its predictive distribution (alarm below 0.025 or above 0.975)</span></div>
${v.scan ? html`<div><b>${v.scan.p.toFixed(3)}</b><span>scan p: the last ${v.scan.weeks} week(s) depart ${v.scan.z >= 0 ? "+" : ""}${v.scan.z.toFixed(1)} sd; how often the run's own forecasts stray as far over some recent stretch (borderline below 0.05)</span></div>` : ""}
<div><b>${sig(v.crps)}</b><span>mean CRPS (${(100 * v.crpsRelative).toFixed(1)}% of the mean actual)</span></div>
</div>
${figure(chart, "Actual KPI against the previous run's predictive bands on the new weeks")}
${
  v.extrapolated.length > 0
    ? html`<p>Spend beyond what the run was fitted on (its predictions there are extrapolations): ${v.extrapolated.map((e) => `${e.channel} in ${e.weeks.length} week(s), up to ${compact(e.newMax)} a week against ${compact(e.fittedMax)}`).join("; ")}.</p>`
    : ""
}
</section>`;
}

function reviewChart(v: PostPeriodReview, kpi: string): TopLevelSpec {
  const y = (field: string) =>
    ({ field, type: "quantitative", title: `${kpi} per week`, scale: { zero: false } }) as const;
  // a few weeks: label each week's Monday, not Vega's choice of days
  const x = { ...WEEK_AXIS, axis: { format: "%d %b %Y", tickCount: { interval: "week", step: 1 } } } as const;
  const layers: Layer[] = [
    {
      mark: { type: "area", color: COLOURS.band, opacity: 0.18 },
      encoding: { x, y: y("q05"), y2: { field: "q95" } },
    },
    {
      mark: { type: "area", color: COLOURS.band, opacity: 0.35 },
      encoding: { x, y: y("q25"), y2: { field: "q75" } },
    },
    {
      mark: { type: "line", color: COLOURS.estimate, strokeWidth: 1.5 },
      encoding: { x, y: y("mean") },
    },
    {
      mark: { type: "point", filled: true, size: 40, color: COLOURS.observed },
      encoding: { x, y: y("actual") },
    },
  ];
  const outside = v.weeksOutside.length;
  return {
    config: VEGA_CONFIG,
    width: CHART_WIDTH,
    height: 240,
    title: chartTitle(
      `${v.weeks.length - outside} of ${v.weeks.length} new weeks inside the previous run's 90% band`,
      "Dots: actual; line: the previous run's predicted mean, given the actual spend; bands: 50% and 90% predictive intervals.",
    ),
    data: { values: v.weeks.map((w) => ({ ...w })) },
    layer: layers,
  };
}

function measuresBlock(r: RefreshRecord): SafeHtml {
  const f = r.roiDisplay.factor;
  const s = (x: number) => sig(x * f);
  const rows = r.measures.map((m) => [
    m.channel,
    html`${s(m.roi.before.mean)}<span class="ci">${s(m.roi.before.q05)} to ${s(m.roi.before.q95)}</span>`,
    html`${s(m.roi.after.mean)}<span class="ci">${s(m.roi.after.q05)} to ${s(m.roi.after.q95)}</span>`,
    m.roi.pUp.toFixed(2),
    m.moved ? badge(m.roi.pUp >= 0.9 ? "moved up" : "moved down", "warn") : "",
    html`${s(m.mroi.before.mean)} → ${s(m.mroi.after.mean)}`,
  ]);
  return html`<section class="page"><h2>3. What moved in the measures</h2>
<p>ROI in ${r.roiDisplay.unit}, previous run → this one (mean, 90% interval underneath). P(up) is the probability the new run's value is the higher, over all pairs of draws; a move is flagged at 0.9 either way.</p>
${table(["channel", { label: "ROI before", numeric: true }, { label: "ROI after", numeric: true }, { label: "P(up)", numeric: true }, "", { label: "mROI before → after", numeric: true }], rows)}
</section>`;
}

function planBlock(r: RefreshRecord): SafeHtml {
  const p = r.plans;
  if (!p) return html``;
  if ("unavailable" in p)
    return html`<section class="page"><h2>4. What moved in the plan</h2><p>Not compared: ${p.unavailable}.</p></section>`;
  const pct = percentText;
  const decision = (s: PlanDiff["before"]) =>
    `${decisionWords(s.decision)}: expected gain ${compact(s.gain.mean)} ${p.valueUnit} (P(gain > 0) ${s.pGain.toFixed(2)}) on ${compact(s.total)} over ${s.horizonWeeks} weeks`;
  const flips = p.channels.filter((c) => c.flipped).map((c) => c.channel);
  return html`<section class="page"><h2>4. What moved in the plan</h2>
<p>Each run's plan with the default settings, at its own reference budget. Before: ${decision(p.before)}. After: ${decision(p.after)}.${flips.length > 0 ? html` ${badge(`direction flipped: ${flips.join(", ")}`, "warn")}` : ""}</p>
${table(
  [
    "channel",
    { label: "share before", numeric: true },
    { label: "share after", numeric: true },
    { label: "move before", numeric: true },
    { label: "move after", numeric: true },
  ],
  p.channels.map((c) => [
    c.channel,
    pct(c.shareBefore),
    pct(c.shareAfter),
    pct(c.moveBefore, true),
    pct(c.moveAfter, true),
  ]),
  "Recommended share of the budget, and the recommended move on each run's reference spend",
)}
</section>`;
}
