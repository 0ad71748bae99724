// (c) Response curves as small multiples: 50% and 90% bands, the spend range seen in the data,
// extrapolation drawn dashed and lighter, and where current spend sits.

import type { TopLevelSpec } from "vega-lite";
import { chartTitle, type Layer, type Panel, val } from "./chartKit.js";
import { joinNames } from "./findings.js";
import type { ChannelFinding, ResponseCurve } from "./reportData.js";
import { COLOURS, VEGA_CONFIG } from "./theme.js";

/** Short enough for one line under a panel title; the chart's subtitle says "at current spend". */
const HEADROOM_LABEL: Record<ChannelFinding["headroom"], string> = {
  saturated: "flat part of its curve",
  room_to_grow: "room to grow",
  uncertain: "position unclear",
};

interface CurveRow {
  spend: number;
  /** Inside the observed range, or beyond it (extrapolation). */
  part: "in" | "out";
  mean: number | null;
  q05: number | null;
  q25: number | null;
  q75: number | null;
  q95: number | null;
}

/** Linear interpolation of `ys` at `x` on the increasing grid `xs` (for marking current spend). */
function interpolate(xs: number[], ys: number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  for (let i = 1; i < xs.length; i++) {
    if (x <= xs[i]) return ys[i - 1] + ((ys[i] - ys[i - 1]) * (x - xs[i - 1])) / (xs[i] - xs[i - 1] || 1);
  }
  return ys[ys.length - 1];
}

/** Curve points tagged inside/beyond the observed range; the boundary point belongs to both parts. */
function curveRows(c: ResponseCurve): CurveRow[] {
  const keys = ["mean", "q05", "q25", "q75", "q95"] as const;
  const at = (x: number) => Object.fromEntries(keys.map((k) => [k, val(interpolate(c.spend, c[k], x))]));
  const cut = c.extrapolatedFrom;
  const rows: CurveRow[] = [];
  const last = c.spend[c.spend.length - 1];
  const cutInside = cut > c.spend[0] && cut < last && !c.spend.includes(cut);
  c.spend.forEach((s, i) => {
    if (cutInside && s > cut && c.spend[i - 1] < cut) {
      const boundary = at(cut) as Omit<CurveRow, "spend" | "part">;
      rows.push({ spend: cut, part: "in", ...boundary }, { spend: cut, part: "out", ...boundary });
    }
    const point = Object.fromEntries(keys.map((k) => [k, val(c[k][i])])) as Omit<CurveRow, "spend" | "part">;
    if (s <= cut) rows.push({ spend: s, part: "in", ...point });
    if (s >= cut) rows.push({ spend: s, part: "out", ...point });
  });
  return rows;
}

/** SI-prefixed tick labels (2M, 400k), but a plain 0 where d3 would print "0M". */
const SI_AXIS = { format: "~s", tickCount: 4, labelExpr: "datum.value === 0 ? '0' : datum.label" };

const PANEL_WIDTH = 200;
const PANEL_SIZES = { title: 13, subtitle: 11 };

function curvePanel(c: ResponseCurve, headroom: string | undefined, kpi: string, currency: string): Panel {
  const rows = curveRows(c);
  const maxSpend = c.spend[c.spend.length - 1];
  const x = {
    field: "spend",
    type: "quantitative" as const,
    title: `spend (${currency})`,
    scale: { domain: [0, maxSpend], nice: false },
    axis: SI_AXIS,
  };
  const y = { type: "quantitative" as const, title: kpi, axis: SI_AXIS };
  const inside = rows.filter((r) => r.part === "in");
  const beyond = rows.filter((r) => r.part === "out");
  // extrapolation is drawn lighter and dashed, so each part is its own layer
  const band = (values: CurveRow[], lo: string, hi: string, opacity: number): Layer => ({
    data: { values },
    mark: { type: "area", color: COLOURS.band, opacity },
    encoding: { x, y: { ...y, field: lo }, y2: { field: hi } },
  });
  const line = (values: CurveRow[], dash: number[], opacity: number): Layer => ({
    data: { values },
    mark: { type: "line", color: COLOURS.estimate, strokeWidth: 2, strokeDash: dash, opacity },
    encoding: { x, y: { ...y, field: "mean" } },
  });
  const current = [{ spend: c.currentSpend, mean: val(interpolate(c.spend, c.mean, c.currentSpend)) }];
  return {
    width: PANEL_WIDTH,
    height: 130,
    title: {
      ...chartTitle(c.channel, headroom ?? "", PANEL_WIDTH + 40, PANEL_SIZES),
      fontSize: PANEL_SIZES.title,
      subtitleFontSize: PANEL_SIZES.subtitle,
    },
    layer: [
      {
        data: { values: [{ lo: Math.max(0, c.observedMin), hi: Math.min(maxSpend, c.observedMax) }] },
        mark: { type: "rect", color: COLOURS.observedRange },
        encoding: { x: { ...x, field: "lo" }, x2: { field: "hi" } },
      },
      band(inside, "q05", "q95", 0.18),
      band(beyond, "q05", "q95", 0.08),
      band(inside, "q25", "q75", 0.32),
      band(beyond, "q25", "q75", 0.14),
      line(inside, [1, 0], 1),
      line(beyond, [5, 4], 0.7),
      {
        data: { values: current },
        mark: { type: "rule", color: COLOURS.observed, strokeWidth: 1, strokeDash: [2, 2] },
        encoding: { x },
      },
      {
        data: { values: current },
        mark: { type: "point", filled: true, size: 60, color: COLOURS.observed, opacity: 1 },
        encoding: { x, y: { ...y, field: "mean" } },
      },
    ],
  };
}

/** (c) Response curves as small multiples with 50%/90% bands, current spend and the data's range. */
export function curvesChart(
  curves: ResponseCurve[],
  channels: ChannelFinding[],
  kpi: string,
  currency: string,
): TopLevelSpec {
  const headroom = new Map(channels.map((c) => [c.name, c.headroom]));
  const flat = channels.filter((c) => c.headroom === "saturated").map((c) => c.name);
  const room = channels.filter((c) => c.headroom === "room_to_grow").map((c) => c.name);
  const parts = [
    flat.length > 0
      ? `${joinNames(flat)} ${flat.length === 1 ? "sits" : "sit"} on the flat part of ${flat.length === 1 ? "its curve" : "their curves"}`
      : "",
    room.length > 0 ? `${joinNames(room)} ${room.length === 1 ? "has" : "have"} room to grow` : "",
  ].filter(Boolean);
  const title =
    parts.length > 0 ? parts.join("; ") : "No channel is clearly saturated or clearly growing yet";
  return {
    config: VEGA_CONFIG,
    title: chartTitle(title, [
      `Incremental ${kpi} over the window as total spend changes; under each channel, where current spend sits.`,
      "Bands: 50% and 90% intervals. Grey: spend range seen in the data; dashed and lighter: extrapolation; dot: current spend.",
    ]),
    columns: 3,
    concat: curves.map((c) => {
      const h = headroom.get(c.channel);
      return curvePanel(c, h ? HEADROOM_LABEL[h] : undefined, kpi, currency);
    }),
  };
}
