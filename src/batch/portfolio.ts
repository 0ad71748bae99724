// The portfolio's results, one row per model: its fit's headline (blended ROI, best and weakest
// channel, diagnostics verdict), the drift alarms of its newest refresh, and its plan's expected
// gain with P(gain > 0), read from the files the jobs wrote. A model whose jobs have not run yet
// has empty cells, not made-up ones.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { FitSummary } from "../analysis/fitSummary.js";
import type { BatchJob } from "./jobs.js";
import type { Manifest } from "./manifest.js";

export interface PortfolioRow {
  model: string;
  brand: string | null;
  market: string | null;
  /** Jobs done (output there) of jobs wanted. */
  jobsDone: number;
  jobsTotal: number;
  /** Σ mean contribution value ÷ Σ spend over the channels, in the fit's display units. */
  blendedRoi: number | null;
  roiUnit: string | null;
  best: { channel: string; roi: number } | null;
  weakest: { channel: string; roi: number } | null;
  verdict: string | null;
  method: string | null;
  /** Alarms among the input-drift findings of the newest refresh of the fit, if one was made. */
  driftAlarms: number | null;
  planGain: number | null;
  planP: number | null;
  currency: string | null;
  fitFolder: string | null;
  /** The model's HTML report, relative to the portfolio page, once written. */
  report: string | null;
}

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return null;
  }
}

export function portfolioRows(manifest: Manifest, jobs: BatchJob[]): PortfolioRow[] {
  return manifest.models.map((m) => {
    const own = jobs.filter((j) => j.model === m.name);
    const fitJob = own.find((j) => j.kind === "fit");
    const refresh = own.find((j) => j.kind === "refresh");
    const refreshed = refresh && existsSync(refresh.out) ? dirname(refresh.out) : null;
    // the headline is the manifest's fit's, else the refreshed fit's
    const fit = fitJob && existsSync(fitJob.out) ? fitJob.out : refreshed;
    const plan = own.find((j) => j.kind === "plan");
    const report = own.find((j) => j.kind === "report");
    const summary = fit ? readJson<FitSummary>(join(fit, "summary.json")) : null;
    const row: PortfolioRow = {
      model: m.name,
      brand: m.brand,
      market: m.market,
      jobsDone: own.filter((j) => existsSync(j.out)).length,
      jobsTotal: own.length,
      blendedRoi: null,
      roiUnit: null,
      best: null,
      weakest: null,
      verdict: null,
      method: null,
      driftAlarms: null,
      planGain: null,
      planP: null,
      currency: null,
      fitFolder: summary ? fit : null,
      report: report && existsSync(report.out) ? relative(manifest.root, report.out) : null,
    };
    if (summary) {
      const f = summary.roi_display.factor;
      const channels = Object.entries(summary.channels);
      const spend = channels.reduce((s, [, c]) => s + c.spend, 0);
      const value = channels.reduce((s, [, c]) => s + c.roi.mean * c.spend, 0);
      const byRoi = channels
        .map(([channel, c]) => ({ channel, roi: c.roi.mean * f }))
        .sort((a, b) => b.roi - a.roi);
      row.blendedRoi = spend > 0 ? (value / spend) * f : null;
      row.roiUnit = summary.roi_display.short;
      row.best = byRoi[0] ?? null;
      row.weakest = byRoi.at(-1) ?? null;
      row.verdict = summary.diagnostics.verdict;
      row.method = summary.method;
      row.currency = summary.currency;
    }
    const record = refresh && refreshed ? readJson<{ drift?: { severity: string }[] }>(refresh.out) : null;
    row.driftAlarms = record?.drift ? record.drift.filter((d) => d.severity === "alarm").length : null;
    const planJson =
      plan && existsSync(plan.out)
        ? readJson<{ gainOverReference?: { mean: number }; pGainOverReference?: number }>(plan.out)
        : null;
    if (planJson?.gainOverReference) {
      row.planGain = planJson.gainOverReference.mean;
      row.planP = planJson.pGainOverReference ?? null;
    }
    return row;
  });
}
