// Vega-Lite specs for the report, one small function per chart, each built from a piece of
// ReportData; titles state the finding so a reader who looks at nothing else still gets it.
// The effect charts live here; response curves and validation charts in their own modules.

import type { TopLevelSpec } from "vega-lite";
import { sig } from "../analysis/numberFormat.js";
import { chartTitle, val, WEEK_AXIS } from "./chartKit.js";
import { joinNames } from "./findings.js";
import type { ChannelFinding, DecompositionData } from "./reportData.js";
import { CHART_WIDTH, COLOURS, channelColour, VEGA_CONFIG } from "./theme.js";

export { curvesChart } from "./curveCharts.js";
export {
  forecastErrorChart,
  ppcChart,
  residualAutocorrelationChart,
  sensitivityChart,
} from "./validationCharts.js";

/** (a) ROI per channel: mean and 90% interval, with break-even and the hurdle as reference lines. */
export function roiChart(
  channels: ChannelFinding[],
  hurdle: number,
  roiUnit: string,
  valued = true,
): TopLevelSpec {
  const rows = [...channels]
    .sort((a, b) => b.roi.mean - a.roi.mean)
    .map((c) => ({ channel: c.name, mean: val(c.roi.mean), q05: val(c.roi.q05), q95: val(c.roi.q95) }));
  const order = rows.map((r) => r.channel);
  // without a value per KPI unit there is no break-even line to draw
  const refs = valued ? [{ x: 1, label: "break-even (ROI = 1)" }] : [];
  if (valued && hurdle !== 1) refs.push({ x: hurdle, label: `hurdle (ROI = ${sig(hurdle)})` });
  const confident = channels.filter((c) => (c.pRoiAbove1 ?? 0) >= 0.9);
  const unlikely = valued ? channels.filter((c) => (c.pRoiAbove1 ?? 1) < 0.5) : [];
  const title = !valued
    ? `${order[0]} returns the most per unit of spend`
    : confident.length === 0
      ? "No channel is clearly above break-even yet"
      : `${confident.length} of ${channels.length} channels very likely pay back (P(ROI > 1) ≥ 90%)`;
  const x = (field: string) =>
    ({ field, type: "quantitative", title: `ROI (${roiUnit})`, scale: { zero: true } }) as const;
  const y = { field: "channel", type: "nominal", sort: order, title: null } as const;
  return {
    config: VEGA_CONFIG,
    width: CHART_WIDTH - 140,
    height: Math.max(120, rows.length * 36),
    title: chartTitle(title, [
      unlikely.length > 0 ? `Probably below break-even: ${joinNames(unlikely.map((c) => c.name))}.` : "",
      "Dot: posterior mean; line: 90% credible interval.",
    ]),
    layer: [
      ...(refs.length === 0
        ? []
        : [
            {
              data: { values: refs },
              mark: { type: "rule" as const, strokeDash: [5, 4], strokeWidth: 1.5 },
              encoding: {
                x: x("x"),
                color: {
                  field: "label",
                  type: "nominal" as const,
                  title: null,
                  scale: { domain: refs.map((r) => r.label), range: [COLOURS.reference, COLOURS.hurdle] },
                },
              },
            },
          ]),
      {
        data: { values: rows },
        mark: { type: "rule", strokeWidth: 3, color: COLOURS.estimate, opacity: 0.55 },
        encoding: { y, x: x("q05"), x2: { field: "q95" } },
      },
      {
        data: { values: rows },
        mark: { type: "point", filled: true, size: 90, opacity: 1, color: COLOURS.estimate },
        encoding: { y, x: x("mean") },
      },
    ],
  };
}

/** (b) Weekly model mean split into baseline (with controls) and each channel, stacked. */
export function decompositionChart(
  d: DecompositionData,
  channelOrder: string[],
  kpi: string,
  titleText: string,
): TopLevelSpec {
  const BASE = "baseline & controls";
  // organic channels are media too: drawn after the paid ones, each in its own colour
  const isMedia = (c: { kind: string }) => c.kind === "channel" || c.kind === "organic";
  const channels = d.components.filter(isMedia);
  const others = d.components.filter((c) => !isMedia(c));
  const names = channels.map((c) => c.name);
  const rows: { week: string; component: string; order: number; value: number | null }[] = [];
  d.weeks.forEach((week, t) => {
    let base = 0;
    for (const c of others) base += c.mean[t] ?? 0;
    rows.push({ week, component: BASE, order: 0, value: val(base) });
    channels.forEach((c, k) => {
      rows.push({ week, component: c.name, order: k + 1, value: val(c.mean[t]) });
    });
  });
  const colourIndex = (name: string, k: number) => {
    const i = channelOrder.indexOf(name);
    return channelColour(i >= 0 ? i : k);
  };
  return {
    config: VEGA_CONFIG,
    width: CHART_WIDTH,
    height: 260,
    title: chartTitle(
      titleText,
      `Mean weekly ${kpi} explained by each part of the model (${d.method} decomposition).`,
    ),
    data: { values: rows },
    mark: { type: "area", interpolate: "monotone", opacity: 0.9 },
    encoding: {
      x: WEEK_AXIS,
      y: { field: "value", type: "quantitative", stack: "zero", title: `${kpi} per week` },
      color: {
        field: "component",
        type: "nominal",
        title: null,
        scale: { domain: [BASE, ...names], range: [COLOURS.baseline, ...names.map(colourIndex)] },
        legend: { columns: 4, symbolType: "square" },
      },
      order: { field: "order", type: "quantitative" },
    },
  };
}
