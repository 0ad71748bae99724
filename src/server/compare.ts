// Run comparison: each channel's ROI (mean and 90% interval) across the workspace's fits, oldest
// first, from the headlines the registry keeps — how the measures moved refresh after refresh.
// Drawn on the server as SVG with the report's chart theme.

import type { TopLevelSpec } from "vega-lite";
import type { RunRecord } from "../registry/registry.js";
import { chartTitle, val } from "../report/chartKit.js";
import { renderSvg } from "../report/render.js";
import { CHART_WIDTH, VEGA_CONFIG } from "../report/theme.js";

export interface ComparedFit {
  id: string;
  label: string;
  status: RunRecord["status"];
}

/** The fits with a headline, oldest first, and one row per fit and channel in display units. */
export function comparisonRows(runs: RunRecord[]) {
  const fits = runs
    .filter((r) => r.kind === "fit" && r.headline?.channels)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const rows = fits.flatMap((r, i) => {
    const f = r.headline?.roi_display?.factor ?? 1;
    return Object.entries(r.headline?.channels ?? {}).map(([channel, c]) => ({
      run: `${i + 1}. ${r.createdAt.slice(0, 10)} ${r.status}`,
      id: r.id,
      channel,
      mean: val(c.roi.mean * f),
      q05: val(c.roi.q05 * f),
      q95: val(c.roi.q95 * f),
    }));
  });
  return {
    fits,
    rows,
    unit: fits.find((r) => r.headline?.roi_display)?.headline?.roi_display?.unit ?? "as fitted",
  };
}

/** One colour per fit, oldest lightest: the encoding every chart across fits uses. */
export function fitColour(order: string[]) {
  return {
    field: "run",
    type: "ordinal",
    sort: order,
    scale: { scheme: "blues" },
    title: "fit",
    legend: { orient: "bottom", columns: 2 },
  } as const;
}

export async function comparisonChart(runs: RunRecord[]): Promise<string | null> {
  const { fits, rows, unit } = comparisonRows(runs);
  if (fits.length === 0) return null;
  const channels = [...new Set(rows.map((r) => r.channel))];
  const order = [...new Set(rows.map((r) => r.run))];
  // per channel, one dot and interval per fit, oldest (lightest) to newest (darkest)
  const x = {
    field: "channel",
    type: "nominal",
    sort: channels,
    title: null,
    axis: { labelAngle: 0 },
  } as const;
  const xOffset = { field: "run", type: "ordinal", sort: order } as const;
  const colour = fitColour(order);
  // the unit is in the subtitle: a long rotated axis title would stretch the chart upwards
  const y = (field: string) => ({ field, type: "quantitative", title: "ROI" }) as const;
  const spec: TopLevelSpec = {
    config: VEGA_CONFIG,
    width: CHART_WIDTH - 100,
    height: 260,
    title: chartTitle(
      `ROI of each channel across ${fits.length} fit(s)`,
      `Per channel, one fit after another, oldest lightest. Dot: posterior mean; line: 90% credible interval (${unit}).`,
    ),
    data: { values: rows },
    layer: [
      {
        mark: { type: "rule", strokeWidth: 2 },
        encoding: { x, xOffset, y: y("q05"), y2: { field: "q95" }, color: colour },
      },
      {
        mark: { type: "point", filled: true, size: 55, stroke: "#333", strokeWidth: 0.5 },
        encoding: { x, xOffset, y: y("mean"), color: colour },
      },
    ],
  };
  return renderSvg(spec, { idPrefix: "compare", onWarning: () => {} });
}
