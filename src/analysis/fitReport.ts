// Plain-text views of a fit summary for the terminal: the per-channel ROI table with intervals
// and the diagnostics verdict with its warnings.

import type { FitSummary } from "./fitSummary.js";

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "—";
}

function compact(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toFixed(2)}B`;
  if (a >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(1);
}

export function roiTable(s: FitSummary): string {
  const lines: string[] = [];
  if (s.approximate)
    lines.push("APPROXIMATE FIT (Laplace at the posterior mode) — use for iteration, not for decisions.");
  lines.push(
    `ROI = ${s.roi_unit}; intervals are 90% credible intervals; contribution = incremental ${s.kpi} over ${s.window.first_week} … ${s.window.last_week}.`,
  );
  lines.push(
    `${"channel".padEnd(16)}${"spend".padStart(10)}  ${"ROI mean [5%, 95%]".padEnd(24)}${"P(ROI>1)".padStart(9)}  ${"mROI mean [5%, 95%]".padEnd(24)}${"contribution".padStart(13)}`,
  );
  for (const [name, c] of Object.entries(s.channels)) {
    lines.push(
      `${name.padEnd(16)}${compact(c.spend).padStart(10)}  ${`${fmt(c.roi.mean)} [${fmt(c.roi.q05)}, ${fmt(c.roi.q95)}]`.padEnd(24)}${fmt(c.p_roi_above_1).padStart(9)}  ${`${fmt(c.mroi.mean)} [${fmt(c.mroi.q05)}, ${fmt(c.mroi.q95)}]`.padEnd(24)}${compact(c.contribution.mean).padStart(13)}`,
    );
  }
  return lines.join("\n");
}

export function convergenceLines(s: FitSummary): string {
  const d = s.diagnostics;
  if (d.verdict === "approximate") return `Diagnostics: none (approximate fit). ${d.warnings.join(" ")}`;
  const head = `Diagnostics: ${d.verdict === "ok" ? "OK" : "WARNING"} — R̂ max ${fmt(d.rhat_max, 3)}, bulk ESS min ${Math.round(d.ess_bulk_min)}, tail ESS min ${Math.round(d.ess_tail_min)}, divergences ${d.divergences}, E-BFMI min ${fmt(d.ebfmi_min)}, ${fmt(d.seconds, 1)} s`;
  return [
    head,
    ...d.warnings.slice(0, 8).map((w) => `  - ${w}`),
    ...(d.warnings.length > 8 ? [`  - … and ${d.warnings.length - 8} more (diagnostics.json)`] : []),
  ].join("\n");
}
