// Charts of a geo test read-out: treated vs synthetic control with the test window shaded, and
// the placebo errors the test's own error is ranked against. Rendered to inline SVG (no CDN).

import type { TopLevelSpec } from "vega-lite";
import type { GeoTestResult } from "../experiments/geo/analyze.js";
import { type DesignRow, EFFECT_GRID } from "../experiments/geo/design.js";
import { renderSvg } from "./render.js";
import { html, trusted } from "./safeHtml.js";
import { REPORT_CSS } from "./styles.js";

export function treatedVsSyntheticSpec(r: GeoTestResult): TopLevelSpec {
  const rows = r.series.dates.flatMap((d, t) => [
    { date: d, series: "treated (observed)", kpi: r.series.treated[t] },
    { date: d, series: "synthetic control", kpi: r.series.synthetic[t] },
  ]);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `${r.treated.join(", ")}: observed vs synthetic control`,
    width: 720,
    height: 260,
    layer: [
      {
        data: { values: [{ start: r.start, end: r.series.dates[r.series.dates.length - 1] }] },
        mark: { type: "rect", opacity: 0.12, color: "#d62728" },
        encoding: {
          x: { field: "start", type: "temporal", scale: { type: "utc" } },
          x2: { field: "end" },
        },
      },
      {
        data: { values: rows },
        mark: { type: "line", strokeWidth: 1.5 },
        encoding: {
          x: { field: "date", type: "temporal", title: null, scale: { type: "utc" } },
          y: { field: "kpi", type: "quantitative", title: r.kpi, scale: { zero: false } },
          color: { field: "series", type: "nominal", title: null },
          strokeDash: { field: "series", type: "nominal", legend: null },
        },
      },
    ],
  } as TopLevelSpec;
}

export function placeboSpec(r: GeoTestResult): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Estimated lift ${Math.round(r.lift)} against ${r.placeboErrors.length} in-time placebo errors (p = ${r.pValue.toFixed(3)})`,
    width: 720,
    height: 200,
    layer: [
      {
        data: { values: r.placeboErrors.map((e) => ({ error: e })) },
        mark: { type: "bar", color: "#7f7f7f" },
        encoding: {
          x: {
            field: "error",
            type: "quantitative",
            bin: { maxbins: 30 },
            title: `summed gap over a window of the test's length (${r.kpi})`,
          },
          y: { aggregate: "count", type: "quantitative", title: "placebo windows" },
        },
      },
      {
        data: { values: [{ lift: r.lift }] },
        mark: { type: "rule", color: "#d62728", strokeWidth: 2 },
        encoding: { x: { field: "lift", type: "quantitative" } },
      },
    ],
  } as TopLevelSpec;
}

/** A self-contained page: both charts as inline SVG, plus the headline numbers. */
export async function geotestHtml(r: GeoTestResult): Promise<string> {
  const [a, b] = await Promise.all([
    renderSvg(treatedVsSyntheticSpec(r), { idPrefix: "geo-a" }),
    renderSvg(placeboSpec(r), { idPrefix: "geo-b" }),
  ]);
  const interval =
    r.low === null ? "not available" : `${Math.round(r.low)} to ${Math.round(r.high as number)}`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Geo test ${r.treated.join(", ")}</title>
<style>${trusted(REPORT_CSS)}</style></head>
<body><main>
<h1>Geo test: ${r.treated.join(", ")}, ${r.start} … ${r.end}</h1>
<p>Lift ${Math.round(r.lift)} ${r.kpi} (${Math.round(r.level * 100)}% interval ${interval}), p = ${r.pValue.toFixed(3)}; verdict: ${r.verdict.replace("_", " ")}. Pre-period R² ${r.preFit.r2.toFixed(3)}.</p>
<figure>${trusted(a)}</figure>
<figure>${trusted(b)}</figure>
</main></body></html>
`.value;
}

/** Power against the relative effect for the top designs, with the 80% line the MDE is read at. */
export function powerCurveSpec(rows: DesignRow[], unit: string): TopLevelSpec {
  const values = rows.flatMap((r) =>
    EFFECT_GRID.map((e, i) => ({
      design: `#${r.rank} ${r.periods} ${unit}: ${r.treated.join(", ")}`,
      effect: e,
      power: r.powerCurve[i],
    })),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Simulated power by effect size (share of the treated KPI)",
    width: 720,
    height: 280,
    layer: [
      {
        data: { values },
        mark: { type: "line", point: true },
        encoding: {
          x: {
            field: "effect",
            type: "quantitative",
            scale: { type: "log" },
            axis: { format: "%" },
            title: "effect",
          },
          y: { field: "power", type: "quantitative", scale: { domain: [0, 1] }, title: "power" },
          color: { field: "design", type: "nominal", title: null, legend: { orient: "bottom", columns: 1 } },
        },
      },
      {
        data: { values: [{ power: 0.8 }] },
        mark: { type: "rule", strokeDash: [4, 4], color: "#555" },
        encoding: { y: { field: "power", type: "quantitative" } },
      },
    ],
  } as TopLevelSpec;
}

export async function designHtml(rows: DesignRow[], unit: string, source: string): Promise<string> {
  const svg = await renderSvg(powerCurveSpec(rows, unit), { idPrefix: "geo-power" });
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Geo test designs</title>
<style>${trusted(REPORT_CSS)}</style></head>
<body><main>
<h1>Geo test designs on ${source}</h1>
<p>Power of the top ${rows.length} designs, simulated by injecting each effect into past windows of the panel.</p>
<figure>${trusted(svg)}</figure>
</main></body></html>
`.value;
}
