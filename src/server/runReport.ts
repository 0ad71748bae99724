// A fit's executive page for the dashboard: the report's own data and sections (buildReportData,
// executiveSection, evidenceSection — lift tests against the model — and their charts), without the validation refits a full `mmm report` runs —
// the measures are the report's, computed by the same code, never a copy. Built once per run
// and kept while the server runs: a fit folder does not change after it is written.

import { buildModelCard } from "../analysis/modelCard.js";
import { MmmError } from "../core/errors.js";
import { type PlanResult, planBudget } from "../planning/plan.js";
import type { RunEvent, RunRecord } from "../registry/registry.js";
import { buildReportData } from "../report/build.js";
import { renderCharts } from "../report/chartSet.js";
import { evidenceSection } from "../report/evidenceSection.js";
import { executiveSection } from "../report/executive.js";
import { html, type SafeHtml } from "../report/safeHtml.js";
import { fitOf } from "./runCache.js";

const NO_VALIDATION = { holdout: null, cv: null, loo: null, sensitivity: null, placebo: null };
const cache = new Map<string, Promise<SafeHtml>>();

export function executivePage(run: RunRecord, events: RunEvent[]): Promise<SafeHtml> {
  const key = `${run.id}:${run.status}`;
  let page = cache.get(key);
  if (!page) {
    page = build(run, events);
    cache.set(key, page);
    // a failure is not kept: the next request tries again
    page.catch(() => cache.delete(key));
  }
  return page;
}

async function build(run: RunRecord, events: RunEvent[]): Promise<SafeHtml> {
  const fit = fitOf(run);
  let plan: PlanResult | undefined;
  try {
    plan = planBudget(fit.model, fit.draws);
  } catch (e) {
    if (!(e instanceof MmmError)) throw e;
  }
  const data = buildReportData({
    model: fit.model,
    draws: fit.draws,
    summary: fit.summary,
    validation: NO_VALIDATION,
    qa: fit.qa,
    lineage: fit.lineage,
    hurdle: 1,
    margin: fit.recipe.spec.margin ?? null,
    plan,
    experiments: fit.experiments,
    calibration: fit.calibration,
    registry: { id: run.id, status: run.status, note: run.note },
    modelCard: buildModelCard(run, events),
  });
  const charts = await renderCharts(data, () => {});
  // the experiments page of the report (lift tests against the model), when the fit has any
  return html`${executiveSection(data, charts)}${evidenceSection(data, charts)}`;
}
