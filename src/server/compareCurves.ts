// Response curves across fits: for each channel, what a steady weekly spend over the next 13
// weeks would buy (incremental value, carryover included) under each registered fit — the
// planner's own valuation, so refreshes are compared on the curve decisions are made on. The
// window-total curves of the report are not comparable across refreshes (each fit has a different
// window); this one is, since every fit values the same plan for the same horizon.

import type { TopLevelSpec } from "vega-lite";
import { thinned } from "../analysis/measures.js";
import { quantile } from "../core/stats.js";
import { planContext } from "../planning/context.js";
import { PlanValuer } from "../planning/planValue.js";
import type { RunRecord } from "../registry/registry.js";
import { chartTitle, val } from "../report/chartKit.js";
import { renderSvg } from "../report/render.js";
import { CHART_WIDTH, VEGA_CONFIG } from "../report/theme.js";
import { fitColour } from "./compare.js";
import { fitOf } from "./runCache.js";

const HORIZON = 13;
const POINTS = 21;
const DRAWS = 400;

export interface CurvePoint {
  run: string;
  id: string;
  channel: string;
  weekly: number;
  mean: number;
  q05: number;
  q95: number;
  newest: boolean;
}

/** The readable fits, oldest first (a damaged or missing folder is left out, not fatal). */
function readableFits(runs: RunRecord[]): RunRecord[] {
  return runs
    .filter((r) => r.kind === "fit" && r.folderExists && !r.problem)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Each fit's curve points, and the value unit of the newest fit (the one whose band is drawn). */
function curvePoints(runs: RunRecord[]): { points: CurvePoint[]; valueUnit: string } {
  const fits = readableFits(runs).flatMap((run) => {
    try {
      return [{ run, fit: fitOf(run) }];
    } catch {
      return [];
    }
  });
  if (fits.length === 0) return { points: [], valueUnit: "" };
  // one grid per channel for every fit: up to twice the largest week any fit has seen
  const top = new Map<string, number>();
  const contexts = fits.map(({ fit }) => {
    const ctx = planContext(fit.model, { horizonWeeks: HORIZON });
    for (const c of ctx.channels) top.set(c.name, Math.max(top.get(c.name) ?? 0, 2 * c.maxWeekly));
    return ctx;
  });
  const newest = fits[fits.length - 1].fit.model.data;
  const valueUnit = newest.valuePerUnit ? newest.currency : newest.kpi;
  const points = fits.flatMap(({ run, fit }, i) => {
    const valuer = new PlanValuer(fit.model, { horizonWeeks: HORIZON }, fit.model.data.valuePerUnit ?? 1);
    const rows = thinned(fit.draws, fit.model.dim, DRAWS);
    const label = `${i + 1}. ${run.createdAt.slice(0, 10)} ${run.status}`;
    return contexts[i].channels.flatMap((ctx) => {
      const weekly = Array.from({ length: POINTS }, (_, k) => ((top.get(ctx.name) ?? 0) * k) / (POINTS - 1));
      const amounts = Float64Array.from(weekly, (w) => w * HORIZON);
      const out = new Float64Array(POINTS);
      const perDraw = weekly.map(() => new Float64Array(rows.length));
      rows.forEach((x, k) => {
        valuer.channelValues(x, ctx, amounts, out);
        for (let p = 0; p < POINTS; p++) perDraw[p][k] = out[p];
      });
      return weekly.map((w, p) => ({
        run: label,
        id: run.id,
        channel: ctx.name,
        weekly: w,
        mean: perDraw[p].reduce((a, b) => a + b, 0) / rows.length,
        q05: quantile(perDraw[p], 0.05),
        q95: quantile(perDraw[p], 0.95),
        newest: i === fits.length - 1,
      }));
    });
  });
  return { points, valueUnit };
}

/** The response curves of the workspace's readable fits, drawn; null when there is none. */
export async function curvesComparisonChart(runs: RunRecord[]): Promise<string | null> {
  const { points, valueUnit } = curvePoints(runs);
  if (points.length === 0) return null;
  const order = [...new Set(points.map((p) => p.run))];
  const rows = points.map((p) => ({ ...p, mean: val(p.mean), q05: val(p.q05), q95: val(p.q95) }));
  const colour = fitColour(order);
  const x = { field: "weekly", type: "quantitative", title: `weekly spend for ${HORIZON} weeks` } as const;
  const spec: TopLevelSpec = {
    config: VEGA_CONFIG,
    title: chartTitle(
      `Response curves across ${order.length} fit(s)`,
      `What a steady weekly spend for the next ${HORIZON} weeks buys (incremental ${valueUnit}, carryover included) under each fit; band: the newest fit's 90% interval.`,
    ),
    data: { values: rows },
    facet: { field: "channel", type: "nominal", title: null },
    columns: 3,
    resolve: { scale: { x: "independent", y: "independent" } },
    spec: {
      width: (CHART_WIDTH - 160) / 3,
      height: 150,
      layer: [
        {
          transform: [{ filter: "datum.newest" }],
          mark: { type: "area", opacity: 0.18, color: "#4c78a8" },
          encoding: { x, y: { field: "q05", type: "quantitative", title: valueUnit }, y2: { field: "q95" } },
        },
        {
          mark: { type: "line", strokeWidth: 2 },
          encoding: { x, y: { field: "mean", type: "quantitative", title: valueUnit }, color: colour },
        },
      ],
    },
  };
  return renderSvg(spec, { idPrefix: "curves", onWarning: () => {} });
}
