// The dashboard's pages, rendered on the server from the registry and the report's own sections:
// the runs of the workspace, one run with its history and the report's executive page, and an
// error page that says what is wrong and how to fix it. Same look as the report (its CSS).

import type { RunEvent, RunRecord } from "../registry/registry.js";
import { badge, type Tone } from "../report/elements.js";
import { type RefreshRecord, SEVERITY_TONE } from "../report/refreshPage.js";
import { html, type SafeHtml, trusted } from "../report/safeHtml.js";
import { REPORT_CSS } from "../report/styles.js";
import { table } from "../report/tables.js";

const PAGE_CSS = `
nav.top { display: flex; gap: 18px; align-items: baseline; border-bottom: 1px solid #ddd; padding: 10px 0; margin-bottom: 8px; }
nav.top a { text-decoration: none; }
nav.top .brand { font-weight: 700; }
td a { text-decoration: none; }
.history li { margin: 2px 0; }
.muted { color: #666; }
`;

const STATUS_TONE: Record<RunRecord["status"], Tone> = { draft: "warn", approved: "ok", retired: "info" };

/**
 * Where a workspace's dashboard is served: its name, the path its pages live under ("/" alone, or
 * "/m/<model>/" inside a portfolio's dashboard), and the portfolio page to go back to, if any.
 * Every link a page makes starts from `base`.
 */
export interface Site {
  name: string;
  base: string;
  portfolio?: string;
}

/** A page in the dashboard's frame; `script` names a bundled module under <base>assets/ (CSP: 'self'). */
export function page(
  title: string,
  body: SafeHtml,
  site: Site,
  extra: { script?: string; css?: string } = {},
): string {
  const { script, css = "" } = extra;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${title} · MMM-OS</title>
<style>${trusted(REPORT_CSS)}${trusted(PAGE_CSS)}${trusted(css)}</style>
${script ? html`<script type="module" src="${site.base}assets/${script}"></script>` : ""}
</head>
<body data-base="${site.base}">
<main>
<nav class="top"><a class="brand" href="${site.portfolio ?? site.base}">MMM-OS</a>${site.portfolio ? html`<a href="${site.portfolio}">Portfolio</a>` : ""}<span class="muted">workspace ${site.name}</span><a href="${site.base}">Runs</a><a href="${site.base}compare">Compare fits</a><a href="${site.base}local">Fit in this browser</a></nav>
${body}
</main>
</body>
</html>
`.value;
}

const roiLine = (r: RunRecord) => {
  const channels = r.headline?.channels;
  if (!channels) return "";
  const f = r.headline?.roi_display?.factor ?? 1;
  return Object.entries(channels)
    .map(([name, c]) => `${name} ${(c.roi.mean * f).toPrecision(3)}`)
    .join(", ");
};

/** What the newest refresh found: its verdict, the review, and the drift findings worth a look. */
export function refreshPanel(run: RunRecord, r: RefreshRecord, site: Site): SafeHtml {
  const review = r.review;
  const findings = r.drift.filter((f) => f.severity !== "info");
  return html`<section class="refresh"><h2>Refresh ${r.previous.id} → <a href="${site.base}runs/${run.id}">${run.id}</a></h2>
<p>${r.readyToApprove ? badge("ready to approve", "ok") : badge("review before approving", "bad")} ${
    review
      ? review.alarm
        ? html`${badge("post-period alarm", "bad")} ${review.reasons[0] ?? ""}`
        : review.borderline
          ? html`${badge("borderline", "warn")} the new weeks lean ${review.cumulative.actual < review.cumulative.mean ? "below" : "above"} the forecast (PIT ${review.cumulative.pit.toFixed(3)})`
          : "The previous run's forecast held on the new weeks."
      : `No post-period review${r.reviewSkipped ? `: ${r.reviewSkipped}` : ""}.`
  } <a href="${site.base}files/${run.folder}/refresh.html">Refresh page</a></p>
${
  findings.length > 0
    ? table(
        ["", "input drift"],
        findings.map((f) => [badge(f.severity, SEVERITY_TONE[f.severity]), f.message]),
      )
    : html`<p class="muted">No input drift worth a look.</p>`
}
</section>`;
}

export function comparePage(
  svg: string | null,
  rows: {
    id: string;
    run: string;
    channel: string;
    mean: number | null;
    q05: number | null;
    q95: number | null;
  }[],
  site: Site,
  curvesSvg: string | null = null,
): string {
  const fmt = (x: number | null) => (x === null ? "—" : x.toPrecision(3));
  return page(
    "Compare fits",
    html`<h1>Compare fits</h1>
<p class="muted">Each channel's ROI in every registered fit, oldest first, from the headline the registry keeps for each. A move that matters shows as intervals that stop overlapping; <code>mmm runs diff A B</code> gives the probability of each move.</p>
${svg ? html`<figure class="chart">${trusted(svg)}</figure>` : html`<p>No fits with measures are registered yet.</p>`}
${curvesSvg ? html`<figure class="chart">${trusted(curvesSvg)}</figure>` : ""}
${table(
  [
    "fit",
    "channel",
    { label: "ROI", numeric: true },
    { label: "5%", numeric: true },
    { label: "95%", numeric: true },
  ],
  rows.map((r) => [
    html`<a href="${site.base}runs/${r.id}">${r.run}</a>`,
    r.channel,
    fmt(r.mean),
    fmt(r.q05),
    fmt(r.q95),
  ]),
)}`,
    site,
  );
}

export function runsPage(runs: RunRecord[], site: Site, latestRefresh: SafeHtml | null = null): string {
  const rows = runs.map((r) => [
    html`<a href="${site.base}runs/${r.id}">${r.id}</a>`,
    r.kind,
    badge(r.status, STATUS_TONE[r.status]),
    r.createdAt.slice(0, 16).replace("T", " "),
    r.owner,
    r.note,
    r.diagnostics ? r.diagnostics.verdict : "",
    roiLine(r),
    r.problem ? badge("damaged row", "bad") : r.folderExists ? "" : badge("folder missing", "bad"),
  ]);
  return page(
    "Runs",
    html`<h1>Runs</h1>
<p class="muted">Every prepare, fit, plan and report registered in this workspace, newest first. Approved runs are the ones plans and refreshes start from.</p>
${latestRefresh ?? ""}
${table(["run", "kind", "status", "created", "owner", "note", "diagnostics", runs.find((r) => r.headline?.roi_display)?.headline?.roi_display?.short ?? "ROI", ""], rows)}`,
    site,
  );
}

export function runPage(
  run: RunRecord,
  events: RunEvent[],
  report: SafeHtml | null,
  reportNote: string,
  site: Site,
  refresh: SafeHtml | null = null,
): string {
  const history = events.map(
    (e) =>
      html`<li>${e.at.slice(0, 16).replace("T", " ")} · ${e.action}${e.statusTo ? ` → ${e.statusTo}` : ""} · ${e.owner}: ${e.note}</li>`,
  );
  return page(
    run.id,
    html`<h1>${run.id} ${badge(run.status, STATUS_TONE[run.status])}</h1>
<p>${run.kind} · created ${run.createdAt.slice(0, 16).replace("T", " ")} by ${run.owner}${run.parentId ? html` · follows <a href="${site.base}runs/${run.parentId}">${run.parentId}</a>` : ""} · folder <code>${run.folder}</code></p>
<p>Note: ${run.note}</p>
${run.kind === "fit" && run.folderExists && !run.problem ? html`<p><a class="planner-link" href="${site.base}runs/${run.id}/plan">Plan the next weeks with this fit →</a> (live: move spend between channels, see the gain and its probability)</p>` : ""}
<h2>History</h2>
<ul class="history">${history}</ul>
${refresh ?? ""}
${report ?? html`<p class="muted">${reportNote}</p>`}`,
    site,
  );
}

export function errorPage(status: number, title: string, message: string, fix: string, site: Site): string {
  return page(
    title,
    html`<h1>${title}</h1>
<p>${message}</p>
<p><b>How to fix it:</b> ${fix}</p>
<p class="muted">HTTP ${status}</p>`,
    site,
  );
}
