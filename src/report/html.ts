// The executive report as ONE self-contained HTML file: inline CSS and inline SVG charts, no
// scripts and nothing that loads from anywhere (a Content-Security-Policy forbids it, too).

import { renderCharts } from "./chartSet.js";
import { dataSection } from "./dataSection.js";
import { evidenceSection } from "./evidenceSection.js";
import { executiveSection } from "./executive.js";
import { geoSection } from "./geoSection.js";
import type { ReportData } from "./reportData.js";
import { html, trusted } from "./safeHtml.js";
import { APPROXIMATE_PRINT_CSS, REPORT_CSS } from "./styles.js";
import { validationSection } from "./validation.js";

export interface RenderReportOptions {
  /** Chart compile warnings (default: console.warn). */
  onWarning?: (message: string) => void;
}

// no fetches of any kind; inline styles only; images only as data URIs (none today)
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export async function renderReport(data: ReportData, options: RenderReportOptions = {}): Promise<string> {
  const charts = await renderCharts(data, options.onWarning);
  const { fit } = data;
  const method = fit.approximate
    ? "approximate (Laplace at the posterior mode)"
    : fit.method === "nuts"
      ? "full Bayesian (NUTS)"
      : fit.method;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${data.title}</title>
<style>${trusted(REPORT_CSS)}${fit.approximate ? trusted(APPROXIMATE_PRINT_CSS) : ""}</style>
</head>
<body>
<main>
<header class="report-head">
<h1>${data.title}</h1>
<p class="meta">${fit.kpi} · ${fit.window.first_week} to ${fit.window.last_week} (${fit.window.weeks} weeks, ${fit.window.geos} geo${fit.window.geos === 1 ? "" : "s"}) · fit: ${method} · generated ${data.generatedAt}</p>
</header>
${executiveSection(data, charts)}
${evidenceSection(data, charts)}
${geoSection(data)}
${validationSection(data, charts)}
${dataSection(data)}
<footer>MMM-OS report. Self-contained: no scripts, fonts or images are loaded; it reads the same offline and in print.</footer>
</main>
</body>
</html>
`;
  return page.value;
}
