// QA findings: one record per problem found in the data, with a severity, where it is, and what
// to do. Errors stop `mmm prepare`; warnings are printed; notes are informational. Users can
// re-grade any check by its id in the config (qa.severity).

import { describeLocation, type ErrorLocation } from "../core/errors.js";

export type Severity = "error" | "warning" | "info";

export interface QaFinding {
  check: string;
  severity: Severity;
  message: string;
  where?: ErrorLocation & { weeks?: string[]; geos?: string[]; channel?: string };
  fix?: string;
  data?: Record<string, unknown>;
}

export interface QaReport {
  status: "pass" | "warn" | "fail";
  counts: Record<Severity, number>;
  findings: QaFinding[];
  summary: Record<string, unknown>;
}

/** The checks, their default severity and what they look for (docs/data-format.md lists them too). */
export const QA_CHECKS: Record<string, { severity: Severity; about: string }> = {
  partial_week: { severity: "warning", about: "first or last week has fewer than 7 days of daily data" },
  missing_days: { severity: "error", about: "a daily KPI source lacks days inside the weekly spine" },
  missing_weeks: { severity: "error", about: "weeks of the spine with no KPI rows (per geo)" },
  duplicate_rows: { severity: "warning", about: "identical rows in a long spend export (double export?)" },
  negative_spend_rows: { severity: "warning", about: "rows with negative spend (refunds/credits)" },
  negative_values: { severity: "error", about: "negative weekly KPI or weekly channel spend" },
  constant_kpi: { severity: "error", about: "a KPI with the same value in every week (nothing to model)" },
  thousands_separator: {
    severity: "error",
    about: "a column of amounts that looks like it uses '.' as a thousands separator (1.250 for 1250)",
  },
  kpi_zero_weeks: { severity: "warning", about: "weeks where the KPI is zero" },
  spikes: { severity: "warning", about: "values far from the series' median (robust z-score)" },
  zero_channel: { severity: "error", about: "a channel with no spend at all" },
  constant_channel: { severity: "warning", about: "a channel whose weekly spend never varies" },
  sparse_channel: { severity: "warning", about: "a channel active in fewer than 10% of weeks" },
  collinearity_pair: { severity: "warning", about: "two channels' weekly spend strongly correlated" },
  collinearity_vif: { severity: "warning", about: "a channel's spend largely explained by the others (VIF)" },
  leakage: {
    severity: "warning",
    about: "a column that tracks the KPI (e.g. platform-attributed conversions)",
  },
  leaking_control: { severity: "error", about: "a control that is nearly the KPI itself" },
  unmapped_campaigns: {
    severity: "error",
    about: "campaign names no taxonomy rule maps (their spend would be lost)",
  },
  ignored_campaigns: {
    severity: "info",
    about: "campaigns dropped on purpose by the taxonomy's ignore rules",
  },
  campaign_rename: { severity: "info", about: "a campaign name that replaced another mid-history" },
  media_outside_window: {
    severity: "info",
    about: "spend rows dated outside the KPI's weeks (not in the table)",
  },
  geo_coverage: { severity: "warning", about: "geos with spend but no KPI, or with no spend at all" },
  short_history: {
    severity: "warning",
    about: "fewer weeks than qa.min_weeks (seasonality poorly identified)",
  },
  constant_control: { severity: "warning", about: "a control that never varies" },
  regex_unchecked: {
    severity: "warning",
    about: "a taxonomy pattern whose backtracking could not be checked in time",
  },
  text_encoding: {
    severity: "info",
    about: "a CSV file decoded from UTF-16 (it starts with a byte-order mark)",
  },
};

export function buildReport(
  findings: QaFinding[],
  overrides: Record<string, string>,
  summary: Record<string, unknown>,
): QaReport {
  const kept: QaFinding[] = [];
  for (const f of findings) {
    const o = overrides[f.check];
    if (o === "off") continue;
    kept.push(o ? { ...f, severity: o as Severity } : f);
  }
  const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  kept.sort((a, b) => order[a.severity] - order[b.severity]);
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of kept) counts[f.severity]++;
  return {
    status: counts.error > 0 ? "fail" : counts.warning > 0 ? "warn" : "pass",
    counts,
    findings: kept,
    summary,
  };
}

export function finding(
  check: string,
  message: string,
  extra: Omit<QaFinding, "check" | "severity" | "message"> = {},
): QaFinding {
  return { check, severity: QA_CHECKS[check]?.severity ?? "warning", message, ...extra };
}

/** A plain-text rendering of the report for the terminal and qa.txt. */
export function renderReport(report: QaReport): string {
  const lines: string[] = [];
  const s = report.summary as Record<string, string | number>;
  if (s.headline) lines.push(String(s.headline));
  if (Array.isArray(report.summary.spendLines))
    for (const l of report.summary.spendLines as string[]) lines.push(`  ${l}`);
  if (s.taxonomyLine) lines.push(String(s.taxonomyLine));
  lines.push(
    `QA: ${report.counts.error} error(s), ${report.counts.warning} warning(s), ${report.counts.info} note(s) — ${report.status.toUpperCase()}`,
  );
  for (const f of report.findings) {
    const tag = f.severity === "error" ? "ERROR  " : f.severity === "warning" ? "WARNING" : "NOTE   ";
    lines.push(`  ${tag} [${f.check}] ${f.message}`);
    const place = f.where ? describeLocation(f.where) : "";
    if (place) lines.push(`          where: ${place}`);
    if (f.fix) lines.push(`          fix: ${f.fix}`);
  }
  return lines.join("\n");
}
