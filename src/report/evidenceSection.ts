// "Does the evidence agree?": the lift tests that calibrate the model, each beside what the rest of
// the evidence (the model with that test left out) expected of it, the channel verdicts, and which
// number to use for what. Shown only for a run calibrated with tests.

import { compact } from "../analysis/numberFormat.js";
import { badge } from "./elements.js";
import type { ReportData } from "./reportData.js";
import { html, type SafeHtml } from "./safeHtml.js";
import { table } from "./tables.js";

export function evidenceSection(data: ReportData): SafeHtml {
  // returns in the fit's display units (KPI per 1,000 currency for a KPI without a value)
  const f = data.fit.roi_display.factor;
  const iv = (i: { mean: number; q05: number; q95: number }) =>
    `${(i.mean * f).toFixed(2)} [${(i.q05 * f).toFixed(2)}, ${(i.q95 * f).toFixed(2)}]`;
  const e = data.evidence;
  if (!e || e.checks.length === 0) return html``;
  const flagged = e.checks.filter((c) => c.tension);
  const unreliable = e.checks.filter((c) => c.paretoK === null || c.paretoK > 0.7).length;
  const lede =
    flagged.length === 0
      ? `All ${e.checks.length} lift tests agree with the rest of the evidence: each measured lift is within what the model, fitted without that test, expected.`
      : `${flagged.length} of ${e.checks.length} lift tests disagree with the rest of the evidence. Check them before moving budget on them.`;
  const testRows = e.checks.map((c) => [
    c.channel,
    `${c.id} (${c.kind.replace("_", "-")})`,
    `${compact(c.measured)} ± ${compact(c.se)}`,
    `${compact(c.modelLift.mean)} [${compact(c.modelLift.q05)}, ${compact(c.modelLift.q95)}]`,
    iv(c.testIroas),
    iv(c.modelIroas),
    c.paretoK === null || c.paretoK > 0.7 ? `${c.pValue.toFixed(3)}*` : c.pValue.toFixed(3),
    c.tension ? badge("disagrees", "bad") : badge("agrees", "ok"),
  ]);
  const channelRows = e.channels.map((r) => [r.channel, iv(r.mmm), r.verdict]);
  return html`<h2 id="evidence">Does the evidence agree?</h2>
<p class="lede">${lede}</p>
${table(
  [
    "channel",
    "test",
    "measured lift",
    { label: "model's lift without it [90%]", numeric: true },
    { label: "test return [90%]", numeric: true },
    { label: "model's return for the test [90%]", numeric: true },
    { label: "p", numeric: true },
    "",
  ],
  testRows,
  `Lift tests (lifts in ${data.fit.kpi}; returns in ${data.fit.roi_display.unit})`,
)}
<p class="note">The model's view of each test is its posterior with that test taken back out (Pareto-smoothed importance weights),
so a test is judged by the rest of the evidence, not by itself. p is the posterior predictive p-value of the measured lift; below 0.05
the test is flagged. A heavy-up's return is the return of the extra spend (a marginal return), a go-dark's the return of the spend removed.
${unreliable > 0 ? html`* The test moved the posterior too far to take it back out reliably (Pareto k above 0.7): fit without that test to judge it.` : ""}</p>
${flagged.map((c) => html`<p class="caveat">${c.finding}</p>`)}
${table(["channel", { label: `MMM ${data.fit.roi_display.short} [90%]`, numeric: true }, "verdict"], channelRows, "Per channel")}
<h3>Which number to use for what</h3>
<ul>${e.reconciliation.map((s) => html`<li>${s}</li>`)}</ul>`;
}
