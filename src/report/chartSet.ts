// Every chart of the report, built from ReportData and rendered to inline SVG in parallel; a
// chart whose data is missing (an optional validation part) is simply absent.

import type { TopLevelSpec } from "vega-lite";
import { pct } from "../analysis/numberFormat.js";
import {
  curvesChart,
  decompositionChart,
  forecastErrorChart,
  ppcChart,
  residualAutocorrelationChart,
  roiChart,
  sensitivityChart,
} from "./charts.js";
import { evidenceChart } from "./evidenceCharts.js";
import { incrementalShare, observedWeeks } from "./findings.js";
import { frontierChart, planAllocationChart } from "./planCharts.js";
import { renderSvg } from "./render.js";
import type { ReportData } from "./reportData.js";
import { type SafeHtml, trusted } from "./safeHtml.js";

export type ChartName =
  | "roi"
  | "decomposition"
  | "curves"
  | "ppc"
  | "forecastError"
  | "sensitivity"
  | "residuals"
  | "plan"
  | "frontier"
  | "evidence";

export type RenderedCharts = Partial<Record<ChartName, SafeHtml>>;

function decompositionTitle(data: ReportData): string {
  const share = incrementalShare(data);
  const base = `the baseline and controls the other ${pct(1 - share.mean)}`;
  return share.interval
    ? `Media drove ${pct(share.mean)} of ${data.fit.kpi} (90% interval ${pct(share.interval.q05)}–${pct(share.interval.q95)}); ${base}`
    : `Media drove about ${pct(share.mean)} of ${data.fit.kpi}; ${base}`;
}

export function chartSpecs(data: ReportData): Partial<Record<ChartName, TopLevelSpec>> {
  const { fit, validation: v } = data;
  const curveUnit = fit.value_per_unit !== null ? `value (${fit.currency})` : fit.kpi;
  const holdoutFrom = v.holdout ? (data.ppc.weeks[v.holdout.trainWeeks] ?? null) : null;
  const specs: Partial<Record<ChartName, TopLevelSpec>> = {
    roi: roiChart(data.channels, data.hurdle, fit.roi_display.unit, fit.roi_display.valued),
    decomposition: decompositionChart(
      data.decomposition,
      data.channels.map((c) => c.name),
      fit.kpi,
      decompositionTitle(data),
    ),
    curves: curvesChart(data.curves, data.channels, curveUnit, fit.currency),
    ppc: ppcChart(data.ppc, fit.kpi, holdoutFrom),
    residuals: residualAutocorrelationChart(data.ppc.residualAutocorrelation, observedWeeks(data.ppc)),
  };
  const errors = forecastErrorChart(v);
  if (errors) specs.forecastError = errors;
  if (v.sensitivity) specs.sensitivity = sensitivityChart(v.sensitivity, fit.roi_unit);
  if (data.plan) {
    specs.plan = planAllocationChart(data.plan, fit.currency);
    // a frontier of one point is not a line (it is empty when group caps tie channels together)
    if (data.plan.frontier.length >= 2) specs.frontier = frontierChart(data.plan, fit.currency);
  }
  const evidence = evidenceChart(data);
  if (evidence) specs.evidence = evidence;
  if (data.curves.length === 0) delete specs.curves;
  if (data.ppc.residualAutocorrelation.length === 0) delete specs.residuals;
  return specs;
}

export async function renderCharts(
  data: ReportData,
  onWarning?: (message: string) => void,
): Promise<RenderedCharts> {
  const entries = Object.entries(chartSpecs(data)) as [ChartName, TopLevelSpec][];
  const svgs = await Promise.all(
    entries.map(([name, spec]) => renderSvg(spec, { idPrefix: `chart-${name}`, onWarning })),
  );
  // the SVG comes from Vega's renderer, which escapes every text node and attribute it writes
  return Object.fromEntries(entries.map(([name], k) => [name, trusted(svgs[k])]));
}
