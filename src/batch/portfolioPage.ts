// The portfolio page (portfolio.html beside the models' folders): every model's headline ROI,
// diagnostics verdict, drift alarms and plan gain in one table, sortable by clicking a column.
// The page runs no script: each ordering is its own table, shown by the URL's #fragment (CSS
// :target), so it keeps the report's content security policy and works from a file.

import { sig, signedCompact } from "../analysis/numberFormat.js";
import { REPORT_CSP } from "../report/html.js";
import { html, type SafeHtml, trusted } from "../report/safeHtml.js";
import { REPORT_CSS } from "../report/styles.js";
import type { PortfolioRow } from "./portfolio.js";

const CSS = `
.sorted { display: none; }
.sorted.default, .sorted:target { display: block; }
.sorted:target ~ .sorted.default { display: none; }
th a { text-decoration: none; color: inherit; }
td.bad { color: #b00020; font-weight: 600; }
td:first-child { white-space: nowrap; }
`;

type Key = "model" | "roi" | "verdict" | "alarms" | "gain" | "p";

const ORDER: Record<Key, (a: PortfolioRow, b: PortfolioRow) => number> = {
  model: (a, b) => a.model.localeCompare(b.model),
  roi: (a, b) => (b.blendedRoi ?? -Infinity) - (a.blendedRoi ?? -Infinity),
  verdict: (a, b) => (a.verdict ?? "~").localeCompare(b.verdict ?? "~"),
  alarms: (a, b) => (b.driftAlarms ?? -1) - (a.driftAlarms ?? -1),
  gain: (a, b) => (b.planGain ?? -Infinity) - (a.planGain ?? -Infinity),
  p: (a, b) => (b.planP ?? -1) - (a.planP ?? -1),
};

const TITLES: Record<Key, string> = {
  model: "model",
  roi: "blended ROI",
  verdict: "diagnostics",
  alarms: "drift alarms",
  gain: "plan gain",
  p: "P(gain > 0)",
};

/**
 * Where a row's links go: in portfolio.html, the model's name opens its report (a file beside the
 * page); in the dashboard, the model's own dashboard, with its report as a second link.
 */
export interface PortfolioLinks {
  model(r: PortfolioRow): string | null;
  report(r: PortfolioRow): string | null;
  /** How the page was made, for its first line. */
  source: string;
}

export const FILE_LINKS: PortfolioLinks = {
  model: (r) => r.report,
  report: () => null,
  source: "by mmm batch",
};

function cells(r: PortfolioRow, links: PortfolioLinks): SafeHtml {
  const dash = "—";
  const model = links.model(r);
  const report = links.report(r);
  return html`<td>${model ? html`<a href="${model}">${r.model}</a>` : r.model}${report ? html` <small><a href="${report}">report</a></small>` : ""}${r.brand || r.market ? html`<br><small class="muted">${[r.brand, r.market].filter(Boolean).join(" · ")}</small>` : ""}</td>
<td class="num">${r.jobsDone}/${r.jobsTotal}</td>
<td class="num">${r.blendedRoi === null ? dash : sig(r.blendedRoi, 3)}</td>
<td>${r.best ? `${r.best.channel} ${sig(r.best.roi, 3)}` : dash}</td>
<td>${r.weakest ? `${r.weakest.channel} ${sig(r.weakest.roi, 3)}` : dash}</td>
<td${r.verdict === "ok" || r.verdict === null ? "" : html` class="bad"`}>${r.verdict ?? dash}</td>
<td class="num${r.driftAlarms ? " bad" : ""}">${r.driftAlarms === null ? dash : String(r.driftAlarms)}</td>
<td class="num">${r.planGain === null ? dash : `${signedCompact(r.planGain)}${r.currency ? ` ${r.currency}` : ""}`}</td>
<td class="num">${r.planP === null ? dash : r.planP.toFixed(2)}</td>`;
}

function sortedTable(
  rows: PortfolioRow[],
  key: Key,
  id: string,
  cls: string,
  links: PortfolioLinks,
): SafeHtml {
  const head = (k: Key, numeric = false) =>
    html`<th${numeric ? html` class="num"` : ""}><a href="#by-${k}">${TITLES[k]}${k === key ? " ▾" : ""}</a></th>`;
  const sorted = [...rows].sort((a, b) => ORDER[key](a, b) || a.model.localeCompare(b.model));
  return html`<section id="${id}" class="${cls}"><table>
<thead><tr>${head("model")}<th class="num">jobs done</th>${head("roi", true)}<th>best channel</th><th>weakest channel</th>${head("verdict")}${head("alarms", true)}${head("gain", true)}${head("p", true)}</tr></thead>
<tbody>${sorted.map((r) => html`<tr>${cells(r, links)}</tr>`)}</tbody>
</table></section>`;
}

export function portfolioPage(
  name: string,
  rows: PortfolioRow[],
  generatedAt: string,
  links: PortfolioLinks = FILE_LINKS,
): string {
  const keys: Key[] = ["roi", "verdict", "alarms", "gain", "p"];
  const spend = rows.filter((r) => r.blendedRoi !== null).length;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<title>Portfolio ${name} · MMM-OS</title>
<style>${trusted(REPORT_CSS)}${trusted(CSS)}</style>
</head>
<body><main>
<h1>Portfolio ${name}</h1>
<p class="muted">${rows.length} model(s), ${spend} with a fit; written ${generatedAt} ${links.source}. Blended ROI is each fit's mean contribution value over its media spend, in its display units. Plan gain is the expected gain of the recommended plan over the reference plan, with P(gain &gt; 0). Click a column to sort.</p>
${keys.map((k) => sortedTable(rows, k, `by-${k}`, "sorted", links))}
${sortedTable(rows, "model", "by-model", "sorted default", links)}
</main></body></html>
`.value;
}
