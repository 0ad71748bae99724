// The Validation section: sampler diagnostics, the posterior predictive check, out-of-sample
// accuracy (holdout and rolling CV), LOO model comparison, sensitivity and the placebo test.

import { isFiniteNumber, pct, range, sharedFormat, sig } from "../analysis/numberFormat.js";
import type { RenderedCharts } from "./chartSet.js";
import { badge, figure, statusBanners } from "./elements.js";
import type { ForecastMetrics, ReportData } from "./reportData.js";
import { html, type SafeHtml } from "./safeHtml.js";
import { table } from "./tables.js";

const notRun = (sentence: string) => html`<p class="note">${sentence}</p>`;

function flagged(value: string, bad: boolean): SafeHtml {
  return bad ? html`<span class="warn-text">${value}</span>` : html`${value}`;
}

function diagnostics(data: ReportData): SafeHtml {
  const d = data.diagnostics;
  if (data.fit.approximate || d.verdict === "approximate") {
    return html`<h3>Sampler diagnostics</h3>
<p>${badge("approximate fit", "bad")} No MCMC was run, so there are no convergence diagnostics.</p>
<ul class="findings">${d.warnings.map((w) => html`<li>${w}</li>`)}</ul>`;
  }
  const n = (x: number | null, digits = 3) => (isFiniteNumber(x) ? sig(x, digits) : "—");
  const whole = (x: number | null) => (isFiniteNumber(x) ? n(Math.round(x), 6) : "—");
  const rows = [
    ["Largest R̂", flagged(n(d.rhat_max, 4), (d.rhat_max ?? 0) > 1.01), "≤ 1.01"],
    ["Smallest bulk ESS", whole(d.ess_bulk_min), "≥ 100 per chain"],
    ["Smallest tail ESS", whole(d.ess_tail_min), "≥ 100 per chain"],
    ["Divergent transitions", flagged(String(d.divergences), d.divergences > 0), "0"],
    ["Iterations at max tree depth", flagged(String(d.treedepth_saturated), d.treedepth_saturated > 0), "0"],
    ["Smallest E-BFMI", flagged(n(d.ebfmi_min, 2), (d.ebfmi_min ?? 1) < 0.3), "≥ 0.3"],
    ["Sampling time", `${n(d.seconds, 3)} s`, ""],
  ];
  const verdict =
    d.verdict === "ok" ? badge("all checks passed", "ok") : badge(`${d.warnings.length} warning(s)`, "warn");
  return html`<h3>Sampler diagnostics ${verdict}</h3>
${table(["Check", { label: "Value", numeric: true }, "Guide"], rows)}
${d.warnings.length > 0 ? html`<ul class="findings">${d.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ""}`;
}

function ppc(data: ReportData, charts: RenderedCharts): SafeHtml {
  const rows = data.ppc.coverage.map((c) => {
    const gap = c.observed - c.level;
    const verdict =
      Math.abs(gap) <= 0.1
        ? badge("calibrated", "ok")
        : gap < 0
          ? badge("over-confident", "bad")
          : badge("too wide", "warn");
    return [`${pct(c.level)} interval`, pct(c.level), pct(c.observed), verdict];
  });
  return html`<h3>Posterior predictive check</h3>
${figure(charts.ppc, "Observed KPI against predictions over time")}
${table(["Predictive interval", { label: "Expected coverage", numeric: true }, { label: "Observed coverage", numeric: true }, "Verdict"], rows)}
<ul class="findings">${data.ppc.verdicts.map((v) => html`<li>${v}</li>`)}</ul>
${figure(charts.residuals, "Autocorrelation of residuals")}`;
}

function metricCells(m: ForecastMetrics): string[] {
  return [sig(m.rmse), pct(m.mape, 1), pct(m.smape, 1), pct(m.wape, 1), pct(m.coverage50), pct(m.coverage90)];
}

function outOfSample(data: ReportData, charts: RenderedCharts): SafeHtml {
  const v = data.validation;
  if (!v.holdout && !v.cv)
    return html`<h3>Out-of-sample accuracy</h3>${notRun("Neither a holdout nor a cross-validation was run for this fit.")}`;
  const rows: (string | number)[][] = [];
  if (v.holdout) rows.push(["holdout", v.holdout.trainWeeks, v.holdout.weeks, ...metricCells(v.holdout)]);
  v.cv?.folds.forEach((f, i) => {
    rows.push([`fold ${i + 1}`, f.trainWeeks, f.testWeeks, ...metricCells(f)]);
  });
  const num = (label: string) => ({ label, numeric: true });
  return html`<h3>Out-of-sample accuracy</h3>
<p>The model is refitted without the last weeks (holdout) or on growing windows (rolling cross-validation) and
asked to predict weeks it has not seen. The 50% and 90% predictive intervals should hold about 50% and 90% of them.</p>
${figure(charts.forecastError, "Forecast error per fold")}
${table(["Set", num("Train weeks"), num("Test weeks"), num("RMSE"), num("MAPE"), num("sMAPE"), num("WAPE"), num("50% coverage"), num("90% coverage")], rows)}`;
}

function loo(data: ReportData): SafeHtml {
  const l = data.validation.loo;
  if (!l || l.models.length === 0)
    return html`<h3>Model comparison (PSIS-LOO)</h3>${notRun("No model comparison was run for this fit.")}`;
  const rows = l.models.map((m) => [
    m.name,
    `${sig(m.elpd, 5)} (${sig(m.se, 2)})`,
    m.elpdDiff === 0 && m.seDiff === 0 ? "best" : `${sig(m.elpdDiff, 3)} (${sig(m.seDiff, 2)})`,
    sig(m.pLoo, 3),
    pct(m.stackingWeight),
    flagged(String(m.paretoKBad), m.paretoKBad > 0),
  ]);
  const num = (label: string) => ({ label, numeric: true });
  return html`<h3>Model comparison (PSIS-LOO)</h3>
${table(["Model", num("ELPD (SE)"), num("Δ ELPD (SE)"), num("p_loo"), num("Stacking weight"), num("Pareto k > 0.7")], rows)}
<p class="note">Higher ELPD predicts better. A difference smaller than about twice its standard error does not
separate the models. Pareto k above 0.7 marks weeks where the LOO estimate is unreliable.</p>`;
}

function sensitivity(data: ReportData, charts: RenderedCharts): SafeHtml {
  const s = data.validation.sensitivity;
  if (!s)
    return html`<h3>Sensitivity to modelling choices</h3>${notRun("No sensitivity analysis was run for this fit.")}`;
  const rows = s.channels.map((c) => [c.name, c.stable ? badge("stable", "ok") : badge("sensitive", "warn")]);
  return html`<h3>Sensitivity to modelling choices</h3>
<p>The same data refitted under ${s.variants.length} variants: ${s.variants.join("; ")}.</p>
${figure(charts.sensitivity, "ROI per channel across model variants")}
<ul class="findings">${s.verdicts.map((v) => html`<li>${v}</li>`)}</ul>
${table(["Channel", "ROI across variants"], rows)}`;
}

function placebo(data: ReportData): SafeHtml {
  const p = data.validation.placebo;
  if (!p) return html`<h3>Placebo test</h3>${notRun("No placebo test was run for this fit.")}`;
  return html`<h3>Placebo test ${p.passed ? badge("passed", "ok") : badge("failed", "bad")}</h3>
<p>A fake channel that cannot have caused anything was added to the model; its ROI should be near zero.</p>
<p><strong>Placebo ROI ${sharedFormat([p.roi.mean, p.roi.q05, p.roi.q95])(p.roi.mean)}</strong> (90% interval ${range(p.roi)}). ${p.message}</p>`;
}

export function validationSection(data: ReportData, charts: RenderedCharts): SafeHtml {
  return html`<section class="page" id="validation">
${statusBanners(data)}
<h2>Validation</h2>
${diagnostics(data)}
${ppc(data, charts)}
${outOfSample(data, charts)}
${loo(data)}
${sensitivity(data, charts)}
${placebo(data)}
</section>`;
}
