// Plain-language findings from ReportData: probability words, one sentence per channel, the
// diagnostics verdict and the validation headline. Only wording and counting; no statistics.

import type { ConvergenceReport, FitSummary } from "../analysis/fitSummary.js";
import { isFiniteNumber, pct, prob, range, sharedFormat, sig } from "../analysis/numberFormat.js";
import type { Interval } from "../analysis/summaries.js";
import type { ChannelFinding, PpcData, ReportData, ValidationData } from "./reportData.js";

/** "a", "a and b", "a, b and c". */
export function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Half-width of the band in which white-noise autocorrelations fall about 95% of the time. */
export function residualBound(n: number): number {
  return 2 / Math.sqrt(Math.max(1, n));
}

/** Number of weeks with an observed KPI: the n behind the residual autocorrelation. */
export function observedWeeks(ppc: PpcData): number {
  return ppc.observed.filter(isFiniteNumber).length;
}

/** Calibrated words for P(ROI > 1), after the IPCC likelihood scale. */
export function paybackPhrase(p: number): string {
  if (p >= 0.95) return "almost certainly pays back";
  if (p >= 0.9) return "very likely pays back";
  if (p >= 0.66) return "likely pays back";
  if (p >= 0.33) return "may or may not pay back";
  if (p >= 0.1) return "probably does not pay back";
  return "very likely does not pay back";
}

export function channelSentence(
  c: ChannelFinding,
  hurdle: number,
  fit: Pick<FitSummary, "roi_display" | "currency" | "kpi">,
): { lead: string; text: string } {
  const roi = `ROI ${sharedFormat([c.roi.mean, c.roi.q05, c.roi.q95])(c.roi.mean)} ${fit.roi_display.unit} (90% interval ${range(c.roi)})`;
  if (c.pRoiAbove1 === null) {
    // no value per KPI unit: what each incremental unit cost is the finance-ready number
    const cost = c.costPerIncremental;
    return {
      lead: `${c.name}: about ${sig(cost.median)} ${fit.currency} per incremental ${fit.kpi}.`,
      text: `${roi}; cost per incremental ${fit.kpi} ${range(cost)} ${fit.currency} (90%).`,
    };
  }
  const hurdleText =
    hurdle === 1 || c.pRoiAboveHurdle === null
      ? ""
      : ` It clears the hurdle of ${sig(hurdle)} with probability ${prob(c.pRoiAboveHurdle)}.`;
  return {
    lead: `${c.name} ${paybackPhrase(c.pRoiAbove1)}.`,
    text: `${roi}; chance that ROI > 1: ${prob(c.pRoiAbove1)}.${hurdleText}`,
  };
}

/** Share of the KPI driven by all channels together: the per-draw summary when supplied. */
export function incrementalShare(data: ReportData): { mean: number; interval: Interval | null } {
  if (data.incremental) return { mean: data.incremental.share.mean, interval: data.incremental.share };
  // a mean of a sum is the sum of the means, so the point estimate stays exact without draws
  return { mean: data.channels.reduce((s, c) => s + c.share.mean, 0), interval: null };
}

export function diagnosticsInWords(d: ConvergenceReport, approximate: boolean): string {
  if (approximate || d.verdict === "approximate") {
    return "This is an approximate fit (Laplace approximation at the posterior mode), not a full MCMC run: no convergence diagnostics exist and the intervals may be too narrow. Use it to iterate, not to decide.";
  }
  if (d.verdict === "ok") {
    return `The sampler converged: R̂ at most ${sig(d.rhat_max, 4)} (should be ≤ 1.01), smallest effective sample size ${sig(d.ess_bulk_min, 6)} (bulk) and ${sig(d.ess_tail_min, 6)} (tail), ${d.divergences} divergent transitions. The intervals can be read at face value.`;
  }
  const n = d.warnings.length;
  return `The sampler raised ${n} warning${n === 1 ? "" : "s"} (listed under Validation). The estimates may still move with a longer or re-parameterised run, so treat close calls with caution.`;
}

/** One sentence per validation check that was run; says so when none was. */
export function validationHeadline(v: ValidationData, ppc: PpcData): string[] {
  const out: string[] = [];
  if (v.holdout) {
    out.push(
      `On the last ${v.holdout.weeks} weeks, which the fit did not see, the prediction was off by ${pct(v.holdout.mape, 1)} on average (MAPE), and the 90% band held ${pct(v.holdout.coverage90)} of those weeks.`,
    );
  }
  if (v.cv && v.cv.folds.length > 0) {
    const m = v.cv.folds.map((f) => f.mape).filter(isFiniteNumber);
    if (m.length > 0)
      out.push(
        `Across ${v.cv.folds.length} rolling folds the error ranged from ${pct(Math.min(...m), 1)} to ${pct(Math.max(...m), 1)} MAPE.`,
      );
  }
  const widest = [...ppc.coverage].sort((a, b) => b.level - a.level)[0];
  if (widest)
    out.push(
      `In-sample, the ${pct(widest.level)} predictive band covered ${pct(widest.observed)} of observed weeks.`,
    );
  if (v.sensitivity) {
    const stable = v.sensitivity.channels.filter((c) => c.stable).length;
    out.push(
      `ROI stayed stable for ${stable} of ${v.sensitivity.channels.length} channels across ${v.sensitivity.variants.length} model variants.`,
    );
  }
  if (v.placebo) out.push(`Placebo test ${v.placebo.passed ? "passed" : "FAILED"}: ${v.placebo.message}`);
  if (!v.holdout && !v.cv) out.push("No out-of-sample test was run, so accuracy on unseen weeks is unknown.");
  return out;
}
