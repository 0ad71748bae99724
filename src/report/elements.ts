// Small HTML pieces shared by the report's sections: the approximate-fit banner, chart figures,
// verdict badges and interval cells.

import { sharedFormat } from "../analysis/numberFormat.js";
import type { Interval } from "../analysis/summaries.js";
import type { ReportData } from "./reportData.js";
import { html, type SafeHtml } from "./safeHtml.js";

/** The banners every section opens with: an approximate fit, a run not approved in the registry. */
export function statusBanners(data: ReportData): SafeHtml {
  return html`${approximateBanner(data)}${draftBanner(data)}`;
}

/** Amber: the run is registered but not approved, so its figures are provisional. */
function draftBanner(data: ReportData): SafeHtml {
  const r = data.registry;
  if (!r || r.status === "approved") return html``;
  return html`<div class="banner-draft" role="note">${r.status === "retired" ? "RETIRED RUN" : "DRAFT"} — run ${r.id} is ${r.status}, not approved: figures are provisional. <span>Note: ${r.note}</span></div>`;
}

/** The red banner every section of an approximate fit opens with; empty for a full fit. */
function approximateBanner(data: ReportData): SafeHtml {
  if (!data.fit.approximate) return html``;
  // the fit's own note usually starts with "APPROXIMATE:", which the banner already says
  const note = (
    data.fit.note ??
    "Laplace approximation at the posterior mode, not MCMC: intervals may be too narrow or misplaced."
  ).replace(/^\s*APPROXIMATE\s*[:—-]\s*/i, "");
  return html`<div class="banner-approx" role="alert">APPROXIMATE FIT — not for decisions. <span>${note}</span></div>`;
}

/** A rendered chart in a figure; `svg` must come from renderSvg (Vega escapes its text). */
export function figure(svg: SafeHtml | undefined, label: string): SafeHtml {
  if (!svg) return html``;
  return html`<figure class="chart" aria-label="${label}">${svg}</figure>`;
}

export type Tone = "ok" | "warn" | "bad" | "info";

export function badge(text: string, tone: Tone): SafeHtml {
  return html`<span class="badge ${tone}">${text}</span>`;
}

/** Mean on top, the 90% interval small underneath: keeps the table narrow enough for a page. */
export function intervalCell(iv: Interval | null, f?: (x: number) => string): SafeHtml {
  if (!iv) return html`—`;
  const g = f ?? sharedFormat([iv.mean, iv.q05, iv.q95]);
  return html`${g(iv.mean)}<span class="ci">${g(iv.q05)} to ${g(iv.q95)}</span>`;
}
