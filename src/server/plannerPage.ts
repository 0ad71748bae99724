// The planner's page as the server renders it: the reference plan's numbers in place (so the page
// is complete before any script runs), one row per channel with a slider and an amount, and the
// outcome panel the browser's worker keeps up to date (web/planner/).

import { compact } from "../analysis/numberFormat.js";
import type { LiveResult, ScenarioSession } from "../planning/liveScenario.js";
import { liveText, type ReturnDisplay } from "../planning/liveText.js";
import { planRulesText } from "../planning/scenario.js";
import type { RunRecord } from "../registry/registry.js";
import { badge } from "../report/elements.js";
import { html, type SafeHtml } from "../report/safeHtml.js";
import { page, type Site } from "./pages.js";

const PLANNER_CSS = `
main { max-width: 1120px; }
table.planner { font-size: 0.94em; }
table.planner input[type=range] { width: 130px; vertical-align: middle; }
table.planner input[type=number] { width: 95px; }
table.planner td.extrapolated, table.planner td.extrapolated input { background: #fff4d6; }
.outcome { display: flex; gap: 28px; flex-wrap: wrap; align-items: flex-start; margin: 14px 0; }
.outcome .figure { font-size: 1.7em; font-weight: 700; }
.outcome .card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 170px; }
#gain-hist { border: 1px solid #eee; }
#cli-command { display: block; padding: 6px; background: #f6f6f6; overflow-x: auto; white-space: pre; }
.controls { margin: 8px 0 14px; display: flex; gap: 18px; align-items: center; }
`;

export interface PlannerView {
  run: RunRecord;
  session: ScenarioSession;
  result: LiveResult;
  horizonWeeks: number;
  display: ReturnDisplay & { unit: string };
  /** The script bundle is present (built by `npm run build`); without it the page is static. */
  scriptReady: boolean;
  allowSave: boolean;
  approximate: boolean;
}

/** A slider's range: up to 3× the reference or 2× the largest weekly spend seen over the horizon. */
function sliderMax(reference: number, maxWeekly: number, horizonWeeks: number): number {
  return Math.max(1, Math.ceil(Math.max(3 * reference, 2 * maxWeekly * horizonWeeks)));
}

function channelRows(v: PlannerView): SafeHtml[] {
  const text = liveText(v.result, v.horizonWeeks, v.display);
  return v.session.channels.map((c, i) => {
    // the page opens on the reference plan: its marginal returns are also the "now" column
    const t = text.rows[i];
    const max = sliderMax(c.current, c.maxWeekly, v.horizonWeeks);
    return html`<tr data-index="${i}" data-channel="${c.name}" data-reference="${String(c.current)}" data-max="${String(max)}" data-max-weekly="${String(c.maxWeekly)}">
<th scope="row">${c.name}</th>
<td class="num">${compact(c.current)}</td>
<td class="slider"><input type="range" min="0" max="${String(max)}" step="1" value="${String(Math.round(c.current))}" aria-label="${c.name} spend over the horizon"></td>
<td class="amount"><input type="number" min="0" max="${String(max)}" step="any" value="${String(Math.round(c.current))}" aria-label="${c.name} amount"></td>
<td class="num change">${t.change}</td>
<td class="num weekly">${t.weekly}<br><small class="muted">largest week ${compact(c.maxWeekly)}</small></td>
<td class="num">${t.mroi}<br><small class="muted">${t.mroiRange}</small></td>
<td class="num mroi">${t.mroi}<br><small class="muted mroi-range">${t.mroiRange}</small></td>
<td class="num p-mroi">${t.pMroi}</td>
</tr>`;
  });
}

export function plannerPage(v: PlannerView, site: Site): string {
  const text = liveText(v.result, v.horizonWeeks, v.display);
  const s = v.session;
  const horizons = [4, 8, 13, 26, 52].map((h) =>
    h === v.horizonWeeks ? html`<b>${h} weeks</b>` : html`<a href="?horizon=${h}">${h} weeks</a>`,
  );
  // the unit is in the paragraph above the table: a KPI-per-1k unit would make the headers too wide
  const marginal = v.display.short === "ROI" ? "ROI" : "return";
  const command = `mmm scenario ${v.run.folder} --horizon ${v.horizonWeeks} --plan "${planRulesText(v.result.rows)}"`;
  return page(
    `Plan · ${v.run.id}`,
    html`<h1>Plan the next ${v.horizonWeeks} weeks</h1>
<p>From fit <a href="${site.base}runs/${v.run.id}">${v.run.id}</a> ${v.run.status === "approved" ? badge("approved", "ok") : badge(v.run.status, "warn")}${v.approximate ? html` ${badge("approximate: Laplace fit", "warn")}` : ""} · horizon: ${horizons.map((h, i) => html`${i > 0 ? " · " : ""}${h}`)}</p>
<p class="muted">Reference plan: ${s.context.referenceLabel}${s.context.geoSplitLabel === "national" ? "" : `; geo split: ${s.context.geoSplitLabel}`}. Values are incremental ${s.valueUnit} over spending nothing, carryover included, over ${String(s.rows.length)} posterior draws — the valuation <code>mmm scenario</code> uses. Marginal ${marginal} is in ${v.display.unit}.</p>
<form id="planner" data-run="${v.run.id}" data-horizon="${String(v.horizonWeeks)}" data-folder="${v.run.folder}" data-save="${v.allowSave ? "on" : "off"}" data-factor="${String(v.display.factor)}" data-short="${v.display.short}">
<table class="planner">
<thead><tr><th>channel</th><th class="num">reference</th><th>plan</th><th>amount</th><th class="num">change</th><th class="num">weekly</th><th class="num">marginal ${marginal} now (90%)</th><th class="num">marginal ${marginal} at the plan</th><th class="num">P(marginal &gt; 1)</th></tr></thead>
<tbody>${channelRows(v)}</tbody>
<tfoot><tr><th>total</th><td class="num">${compact(v.result.referenceTotal)}</td><td></td><td class="num" id="plan-total">${text.total}</td><td class="num" id="total-change">${text.totalChange}</td><td colspan="4"></td></tr></tfoot>
</table>
<div class="controls">
<label><input type="checkbox" id="hold-total"> hold the total budget (moving one channel rescales the others)</label>
<button type="button" id="reset">Back to the reference plan</button>
</div>
</form>
<section class="outcome" aria-live="polite">
<div class="card"><div>expected gain over the reference</div><div class="figure" id="gain">${text.gain}</div><div class="muted">5th to 95th percentile <span id="gain-range">${text.gainRange}</span></div></div>
<div class="card"><div>P(gain &gt; 0)</div><div class="figure" id="p-better">${text.pBetter}</div><div class="muted">the share of draws where the plan beats the reference</div></div>
<div class="card"><div>net of the extra spend (<span id="extra-spend">${text.extraSpend}</span>)</div><div class="figure" id="net">${text.net}</div><div class="muted">${
      v.result.net
        ? html`P(the move pays for itself) = <span id="p-net">${text.pNet}</span>`
        : "the KPI has no value in currency: set kpi.value_per_unit in the prepare config to net out the spend"
    }</div></div>
<div class="card"><div>the plan's value</div><div class="figure" id="plan-value">${text.value}</div><div class="muted">90% interval <span id="value-range">${text.valueRange}</span></div></div>
<figure><svg id="gain-hist" width="360" height="150" role="img" aria-label="distribution of the gain over posterior draws"></svg><figcaption class="muted">gain per posterior draw</figcaption></figure>
</section>
<p id="planner-status" class="muted">${v.scriptReady ? "Loading the posterior into this browser…" : "The planner's script is not built (run npm run build), so this page shows the reference plan only; mmm scenario evaluates other plans."}</p>
<p>The same plan on the command line (in the workspace folder):</p>
<code id="cli-command">${command}</code>
<section class="save">
<h2>Save this plan</h2>
${
  v.allowSave
    ? html`<p><input type="text" id="save-note" size="50" placeholder="what the plan is for (the registry's change note)"> <button type="button" id="save-plan">Save to the registry</button> <span id="save-status" class="muted"></span></p><p class="muted">Saved as a draft plan run following this fit; its plan.json reads back with <code>mmm scenario --plan-file</code>.</p>`
    : html`<p class="muted">The dashboard is read-only. Start it with <code>mmm serve --allow-save</code> to save plans to the registry, or copy the command above.</p>`
}
</section>`,
    site,
    { script: v.scriptReady ? "planner.js" : undefined, css: PLANNER_CSS },
  );
}
