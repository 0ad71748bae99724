// Page one, for executives: what we learned (incremental share, ROI with intervals), what to do
// (curves; next quarter's plan when there is one), how sure we are, what would change our mind.

import { compact, pct, prob, sig } from "../analysis/numberFormat.js";
import type { RenderedCharts } from "./chartSet.js";
import { badge, figure, intervalCell, statusBanners } from "./elements.js";
import { channelSentence, diagnosticsInWords, incrementalShare, validationHeadline } from "./findings.js";
import { planSection } from "./planSection.js";
import type { ChannelFinding, ReportData } from "./reportData.js";
import { html, type SafeHtml } from "./safeHtml.js";
import { table } from "./tables.js";

function shareBar(data: ReportData): SafeHtml {
  const share = incrementalShare(data);
  const clamp = (x: number) => Math.min(100, Math.max(0, 100 * x));
  const iv = share.interval;
  const range = iv
    ? html`<div class="range" style="left:${clamp(iv.q05).toFixed(1)}%;width:${(clamp(iv.q95) - clamp(iv.q05)).toFixed(1)}%"></div>`
    : "";
  const mediaText = iv
    ? `Media: ${pct(share.mean)} (90% interval ${pct(iv.q05)}–${pct(iv.q95)})`
    : `Media: about ${pct(share.mean)} (interval not available)`;
  return html`<div class="share" role="img" aria-label="${mediaText}">
<div class="share-bar"><div class="media" style="width:${clamp(share.mean).toFixed(1)}%"></div>${range}</div>
<div class="share-legend"><span>${mediaText}</span><span>Baseline and controls: ${pct(1 - share.mean)}</span></div>
</div>`;
}

function lede(data: ReportData): SafeHtml {
  const share = incrementalShare(data);
  const { fit } = data;
  const iv = share.interval
    ? html` (90% interval ${pct(share.interval.q05)} to ${pct(share.interval.q95)})`
    : html` (the interval of the total was not supplied)`;
  return html`<p class="lede">From ${fit.window.first_week} to ${fit.window.last_week}, marketing drove
<strong>${pct(share.mean)}</strong> of ${fit.kpi}${iv}. The other ${pct(1 - share.mean)} would have happened
anyway: baseline demand, seasonality, holidays, price and promotions.</p>`;
}

function roiTable(data: ReportData): SafeHtml {
  const { fit, hurdle } = data;
  const profit = data.channels.some((c) => c.profitRoi !== null);
  const valued = fit.roi_display.valued;
  // a hurdle of 1 is break-even itself: one probability column is enough; without a value per
  // KPI unit there is no break-even at all
  const hurdleColumn = valued && hurdle !== 1;
  const columns = [
    "Channel",
    { label: `Spend (${fit.currency})`, numeric: true },
    { label: `Share of ${fit.kpi}`, numeric: true },
    { label: valued ? "ROI" : `ROI (${fit.roi_display.short})`, numeric: true },
    // no-break spaces keep "P(ROI > 1)" on one line in a narrow column
    ...(valued ? [{ label: "P(ROI\u00a0>\u00a01)", numeric: true }] : []),
    ...(hurdleColumn ? [{ label: `P(ROI\u00a0>\u00a0${sig(hurdle)})`, numeric: true }] : []),
    { label: "Marginal ROI", numeric: true },
    { label: `Cost per incremental (${fit.currency})`, numeric: true },
    ...(profit ? [{ label: "Profit ROI", numeric: true }] : []),
  ];
  const rows = data.channels.map((c) => [
    c.name,
    compact(c.spend),
    intervalCell(c.share, (x) => pct(x, 1)),
    intervalCell(c.roi),
    ...(valued ? [prob(c.pRoiAbove1)] : []),
    ...(hurdleColumn ? [prob(c.pRoiAboveHurdle)] : []),
    intervalCell(c.mroi),
    intervalCell(c.costPerIncremental),
    ...(profit ? [intervalCell(c.profitRoi)] : []),
  ]);
  return html`${table(columns, rows)}
<p class="note">Each cell shows the posterior mean and, underneath, the 90% credible interval; every number is computed per
posterior draw and then summarised. ROI is ${fit.roi_display.unit}${valued ? html`; the hurdle is ${sig(hurdle)}` : html` (no value per ${fit.kpi} is set, so no break-even applies)`}. Marginal ROI is the return on the
next unit of spend; cost per incremental is ${fit.currency} spent per incremental unit of ${fit.kpi}.</p>`;
}

function learned(data: ReportData, charts: RenderedCharts): SafeHtml {
  const sentences = data.channels.map((c) => channelSentence(c, data.hurdle, data.fit));
  return html`<h2 id="learned">What we learned</h2>
${lede(data)}
${shareBar(data)}
${roiTable(data)}
<ul class="findings">${sentences.map((s) => html`<li><strong>${s.lead}</strong> ${s.text}</li>`)}</ul>
${figure(charts.roi, "ROI per channel with 90% intervals")}
${figure(charts.decomposition, "Weekly KPI split into baseline and channels")}`;
}

const GROUPS: { key: ChannelFinding["headroom"]; cls: string; title: string; empty: string }[] = [
  { key: "room_to_grow", cls: "grow", title: "Room to grow", empty: "No channel clearly has room to grow." },
  {
    key: "saturated",
    cls: "flat",
    title: "On the flat part of the curve",
    empty: "No channel is clearly saturated.",
  },
  { key: "uncertain", cls: "unclear", title: "Not clear yet", empty: "None." },
];

function toDo(data: ReportData, charts: RenderedCharts): SafeHtml {
  const groups = GROUPS.map((g) => {
    const members = data.channels.filter((c) => c.headroom === g.key);
    const items =
      members.length > 0
        ? html`<ul>${members.map((c) => html`<li><strong>${c.name}</strong>: ${c.headroomReason}</li>`)}</ul>`
        : html`<p class="note">${g.empty}</p>`;
    return html`<div class="action ${g.cls}"><h3>${g.title}</h3>${items}</div>`;
  });
  return html`<h2 id="todo">What to do</h2>
<p>Where each channel sits on its response curve at today's spend: more money into a channel on the flat part
buys little; a channel with room to grow would turn more spend into more ${data.fit.kpi}.</p>
<div class="actions">${groups}</div>
${
  data.plan
    ? html`<p class="caveat"><strong>This is not a budget plan.</strong> Read these as directions; how much to move, and where
from, is in the plan below, which weighs all curves, their uncertainty and the guardrails together.</p>`
    : html`<p class="caveat"><strong>This is not a budget plan.</strong> How much to move, and where from, is the job of the
budget optimiser (<code>mmm optimize</code>), which weighs all curves, their uncertainty and your constraints together.
Until you run it, read these as directions to test, not amounts to move.</p>`
}
${figure(charts.curves, "Response curves per channel")}`;
}

function howSure(data: ReportData): SafeHtml {
  const d = data.diagnostics;
  const tone =
    data.fit.approximate || d.verdict === "approximate" ? "bad" : d.verdict === "ok" ? "ok" : "warn";
  const label = tone === "bad" ? "approximate fit" : d.verdict === "ok" ? "converged" : "warnings";
  return html`<h2 id="sure">How sure we are</h2>
<p>${badge(label, tone)} ${diagnosticsInWords(d, data.fit.approximate)}</p>
<ul class="findings">${validationHeadline(data.validation, data.ppc).map((s) => html`<li>${s}</li>`)}</ul>`;
}

/** The list already labels each item with its channel; drop a "channel:" the message starts with. */
function withoutLabel(message: string, channel: string): string {
  return message.startsWith(`${channel}:`) ? message.slice(channel.length + 1).trimStart() : message;
}

function changeOurMind(data: ReportData): SafeHtml {
  const items =
    data.uncertainties.length > 0
      ? html`<ul class="findings">${data.uncertainties.map((u) => html`<li><strong>${u.channel}</strong>: ${withoutLabel(u.message, u.channel)}</li>`)}</ul>`
      : html`<p class="note">No single uncertainty was flagged as decisive.</p>`;
  return html`<h2 id="mind">What would change our mind</h2>
<p>The largest open questions, and what would settle them:</p>
${items}`;
}

export function executiveSection(data: ReportData, charts: RenderedCharts): SafeHtml {
  return html`<section class="page" id="summary">
${statusBanners(data)}
${learned(data, charts)}
${toDo(data, charts)}
${planSection(data, charts)}
${howSure(data)}
${changeOurMind(data)}
</section>`;
}
