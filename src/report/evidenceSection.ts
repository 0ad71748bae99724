// "Does the evidence agree?": the lift tests that calibrate the model, each beside what the rest of
// the evidence (the model with that test left out) expected of it, one chart of every source's
// return per channel, the channel verdicts with the platforms' claims, and which number to use
// for what. Shown for a run calibrated with tests, or when platform claims are given.

import { compact } from "../analysis/numberFormat.js";
import type { RenderedCharts } from "./chartSet.js";
import { badge, figure } from "./elements.js";
import type { ReportData } from "./reportData.js";
import { html, type SafeHtml } from "./safeHtml.js";
import { table } from "./tables.js";

type Evidence = NonNullable<ReportData["evidence"]>;
type IntervalText = (i: { mean: number; q05: number; q95: number }) => string;

export function evidenceSection(data: ReportData, charts: RenderedCharts = {}): SafeHtml {
  // returns in the fit's display units (KPI per 1,000 currency for a KPI without a value)
  const f = data.fit.roi_display.factor;
  const iv: IntervalText = (i) =>
    `${(i.mean * f).toFixed(2)} [${(i.q05 * f).toFixed(2)}, ${(i.q95 * f).toFixed(2)}]`;
  const e = data.evidence;
  if (!e || (e.checks.length === 0 && e.channels.every((c) => c.platformRoas === null))) return html``;
  const flagged = e.checks.filter((c) => c.tension);
  const lede =
    e.checks.length === 0
      ? "No lift test calibrates this run: the MMM's returns beside what each ad platform claims for itself."
      : flagged.length === 0
        ? `All ${e.checks.length} lift tests agree with the rest of the evidence: each measured lift is within what the model, fitted without that test, expected.`
        : `${flagged.length} of ${e.checks.length} lift tests disagree with the rest of the evidence. Check them before moving budget on them.`;
  return html`<h2 id="evidence">Does the evidence agree?</h2>
<p class="lede">${lede}</p>
${figure(charts.evidence, "Return per channel: the MMM, each lift test and the platform's claim")}
${e.checks.length === 0 ? "" : testsBlock(data, e, iv)}
${channelsTable(data, e, iv)}
<h3>Which number to use for what</h3>
<ul>${e.reconciliation.map((s) => html`<li>${s}</li>`)}</ul>`;
}

/** Each test beside the model's view of it (with the test left out), and the flags. */
function testsBlock(data: ReportData, e: Evidence, iv: IntervalText): SafeHtml {
  const unreliable = e.checks.filter((c) => c.paretoK === null || c.paretoK > 0.7).length;
  const rows = e.checks.map((c) => [
    c.channel,
    `${c.id} (${c.kind.replace("_", "-")})`,
    `${compact(c.measured)} ± ${compact(c.se)}`,
    `${compact(c.modelLift.mean)} [${compact(c.modelLift.q05)}, ${compact(c.modelLift.q95)}]`,
    iv(c.testIroas),
    iv(c.modelIroas),
    c.paretoK === null || c.paretoK > 0.7 ? `${c.pValue.toFixed(3)}*` : c.pValue.toFixed(3),
    c.tension ? badge("disagrees", "bad") : badge("agrees", "ok"),
  ]);
  return html`${table(
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
    rows,
    `Lift tests (lifts in ${data.fit.kpi}; returns in ${data.fit.roi_display.unit})`,
  )}
<p class="note">The model's view of each test is its posterior with that test taken back out (Pareto-smoothed importance weights),
so a test is judged by the rest of the evidence, not by itself. p is the posterior predictive p-value of the measured lift; below 0.05
the test is flagged. A heavy-up's return is the return of the extra spend (a marginal return), a go-dark's the return of the spend removed.
${unreliable > 0 ? html`* The test moved the posterior too far to take it back out reliably (Pareto k above 0.7): fit without that test to judge it.` : ""}</p>
${e.checks.filter((c) => c.tension).map((c) => html`<p class="caveat">${c.finding}</p>`)}`;
}

/** Per channel: the MMM's return, the platform's claim and its ratio to the MMM, the verdict. */
function channelsTable(data: ReportData, e: Evidence, iv: IntervalText): SafeHtml {
  const f = data.fit.roi_display.factor;
  const platform = e.channels.some((r) => r.platformRoas !== null);
  const rows = e.channels.map((r) => [
    r.channel,
    iv(r.mmm),
    ...(platform
      ? [
          r.platformRoas === null ? "—" : (r.platformRoas * f).toFixed(2),
          r.platformCreditRatio === null ? "—" : `${r.platformCreditRatio.toFixed(2)}×`,
        ]
      : []),
    r.verdict,
  ]);
  return table(
    [
      "channel",
      { label: `MMM ${data.fit.roi_display.short} [90%]`, numeric: true },
      ...(platform
        ? [
            { label: "platform's claimed return", numeric: true },
            { label: "platform ÷ MMM", numeric: true },
          ]
        : []),
      "verdict",
    ],
    rows,
    "Per channel",
  );
}
