// Plain-text views of a fit summary for the terminal: the per-channel ROI table with intervals
// and the diagnostics verdict with its warnings.

import type { FitSummary } from "./fitSummary.js";
import { compact, sharedFormat, sig } from "./numberFormat.js";

function fmt(x: number | null, digits = 2): string {
  return x !== null && Number.isFinite(x) ? x.toFixed(digits) : "—";
}

export function roiTable(s: FitSummary): string {
  const u = s.roi_display;
  const lines: string[] = [];
  if (s.approximate)
    lines.push("APPROXIMATE FIT (Laplace at the posterior mode) — use for iteration, not for decisions.");
  lines.push(
    `ROI = ${u.unit}; intervals are 90% credible intervals; contribution = incremental ${s.kpi} over ${s.window.first_week} … ${s.window.last_week}.`,
  );
  if (!u.valued)
    lines.push(
      `No value per ${s.kpi} is set, so ROI is not compared with 1; cost per ${s.kpi} (${s.currency}) says what each incremental unit cost. Set value_per_unit for ROI in ${s.currency}.`,
    );
  const third = u.valued ? "P(ROI>1)" : `cost/${s.kpi}`;
  const rows = Object.entries(s.channels).map(([name, c]) => {
    const f = sharedFormat([c.roi.mean, c.roi.q05, c.roi.q95].map((x) => x * u.factor));
    const g = sharedFormat([c.mroi.mean, c.mroi.q05, c.mroi.q95].map((x) => x * u.factor));
    return [
      name,
      compact(c.spend),
      `${f(c.roi.mean * u.factor)} [${f(c.roi.q05 * u.factor)}, ${f(c.roi.q95 * u.factor)}]`,
      u.valued ? fmt(c.p_roi_above_1 ?? Number.NaN) : sig(c.cost_per_incremental?.median),
      `${g(c.mroi.mean * u.factor)} [${g(c.mroi.q05 * u.factor)}, ${g(c.mroi.q95 * u.factor)}]`,
      compact(c.contribution.mean),
    ];
  });
  const head = ["channel", "spend", "ROI mean [5%, 95%]", third, "mROI mean [5%, 95%]", "contribution"];
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, j) => (j === 0 || j === 2 || j === 4 ? c.padEnd(widths[j]) : c.padStart(widths[j])))
      .join("  ")
      .trimEnd();
  lines.push(line(head), ...rows.map(line));
  for (const [name, o] of Object.entries(s.organic ?? {})) {
    const c = o.contribution;
    lines.push(
      `Organic ${name} (exposure, no spend, so no ROI): adds ${compact(c.mean)} ${s.kpi} [${compact(c.q05)}, ${compact(c.q95)}], ${(100 * o.contribution_share.mean).toFixed(1)}% of the KPI.`,
    );
  }
  return lines.join("\n");
}

export function convergenceLines(s: FitSummary): string {
  const d = s.diagnostics;
  if (d.verdict === "approximate") return `Diagnostics: none (approximate fit). ${d.warnings.join(" ")}`;
  const head = `Diagnostics: ${d.verdict === "ok" ? "OK" : "WARNING"} — R̂ max ${fmt(d.rhat_max, 3)}, bulk ESS min ${fmt(d.ess_bulk_min, 0)}, tail ESS min ${fmt(d.ess_tail_min, 0)}, divergences ${d.divergences}, E-BFMI min ${fmt(d.ebfmi_min)}, ${fmt(d.seconds, 1)} s`;
  return [
    head,
    ...d.warnings.slice(0, 8).map((w) => `  - ${w}`),
    ...(d.warnings.length > 8 ? [`  - … and ${d.warnings.length - 8} more (diagnostics.json)`] : []),
  ].join("\n");
}
