// Vega-Lite specs for the report, one small function per chart, each built from a piece of
// ReportData; titles state the finding so a reader who looks at nothing else still gets it.

import type { TopLevelSpec } from "vega-lite";
import { joinNames, residualBound } from "./findings.js";
import { isFiniteNumber, pct, sig } from "./format.js";
import type {
  ChannelFinding,
  DecompositionData,
  PpcData,
  ResponseCurve,
  ValidationData,
} from "./reportData.js";
import {
  CHART_WIDTH,
  COLOURS,
  channelColour,
  SERIES_COLOURS,
  TITLE_SIZES,
  TITLE_WIDTH,
  VEGA_CONFIG,
} from "./theme.js";

type LayerSpec = Extract<TopLevelSpec, { layer: unknown }>;
type Layer = LayerSpec["layer"][number];
type Panel = Extract<TopLevelSpec, { concat: unknown }>["concat"][number];

/** Non-finite numbers (NaN from a fit, null from JSON) become null, which Vega treats as missing. */
function val(x: number | null | undefined): number | null {
  return isFiniteNumber(x) ? x : null;
}

/** Greedy word wrap to lines of at most `max` characters (a longer single word keeps its own line). */
function wrapText(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Headless Vega has no font metrics and sizes text at 0.8 em per character, so a long title would
 * widen the SVG past the page (and shrink it when scaled to fit): wrap it to the page's width.
 */
function chartTitle(text: string, subtitle: string | string[], width = TITLE_WIDTH, sizes = TITLE_SIZES) {
  const chars = (size: number) => Math.max(12, Math.floor(width / (0.8 * size)));
  return {
    text: wrapText(text, chars(sizes.title)),
    subtitle: (Array.isArray(subtitle) ? subtitle : [subtitle]).flatMap((s) =>
      wrapText(s, chars(sizes.subtitle)),
    ),
  };
}

const WEEK_AXIS = { field: "week", type: "temporal", title: null, scale: { type: "utc" } } as const;

/** (a) ROI per channel: mean and 90% interval, with break-even and the hurdle as reference lines. */
export function roiChart(channels: ChannelFinding[], hurdle: number, roiUnit: string): TopLevelSpec {
  const rows = [...channels]
    .sort((a, b) => b.roi.mean - a.roi.mean)
    .map((c) => ({ channel: c.name, mean: val(c.roi.mean), q05: val(c.roi.q05), q95: val(c.roi.q95) }));
  const order = rows.map((r) => r.channel);
  const refs = [{ x: 1, label: "break-even (ROI = 1)" }];
  if (hurdle !== 1) refs.push({ x: hurdle, label: `hurdle (ROI = ${sig(hurdle)})` });
  const confident = channels.filter((c) => c.pRoiAbove1 >= 0.9);
  const unlikely = channels.filter((c) => c.pRoiAbove1 < 0.5);
  const title =
    confident.length === 0
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
      {
        data: { values: refs },
        mark: { type: "rule", strokeDash: [5, 4], strokeWidth: 1.5 },
        encoding: {
          x: x("x"),
          color: {
            field: "label",
            type: "nominal",
            title: null,
            scale: { domain: refs.map((r) => r.label), range: [COLOURS.reference, COLOURS.hurdle] },
          },
        },
      },
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
  const channels = d.components.filter((c) => c.kind === "channel");
  const others = d.components.filter((c) => c.kind !== "channel");
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

/** (d) Posterior predictive check over time: observed KPI against the predicted mean and bands. */
export function ppcChart(ppc: PpcData, kpi: string, holdoutFrom: string | null): TopLevelSpec {
  const rows = ppc.weeks.map((week, t) => ({
    week,
    observed: val(ppc.observed[t]),
    mean: val(ppc.mean[t]),
    q05: val(ppc.q05[t]),
    q25: val(ppc.q25[t]),
    q75: val(ppc.q75[t]),
    q95: val(ppc.q95[t]),
  }));
  // the worst-calibrated band is the finding; when all are fine, the widest one says so
  const byGap = [...ppc.coverage].sort(
    (a, b) => Math.abs(b.observed - b.level) - Math.abs(a.observed - a.level),
  );
  const worst = byGap[0];
  const shown =
    worst && Math.abs(worst.observed - worst.level) > 0.1
      ? worst
      : [...ppc.coverage].sort((a, b) => b.level - a.level)[0];
  const gap = shown ? shown.observed - shown.level : 0;
  const verdict =
    Math.abs(gap) <= 0.1
      ? "as it should"
      : gap < 0
        ? "too few: the model is over-confident"
        : "more than needed: bands too wide";
  const title = shown
    ? `The ${pct(shown.level)} predictive band covers ${pct(shown.observed)} of observed weeks — ${verdict}`
    : `Observed ${kpi} against the model's predictions`;
  const y = (field: string) =>
    ({ field, type: "quantitative", title: `${kpi} per week`, scale: { zero: false } }) as const;
  const layers: Layer[] = [
    {
      mark: { type: "area", color: COLOURS.band, opacity: 0.15 },
      encoding: { x: WEEK_AXIS, y: y("q05"), y2: { field: "q95" } },
    },
    {
      mark: { type: "area", color: COLOURS.band, opacity: 0.3 },
      encoding: { x: WEEK_AXIS, y: y("q25"), y2: { field: "q75" } },
    },
    {
      mark: { type: "line", color: COLOURS.estimate, strokeWidth: 1.5 },
      encoding: { x: WEEK_AXIS, y: y("mean") },
    },
    {
      mark: { type: "point", filled: true, size: 14, color: COLOURS.observed, opacity: 0.85 },
      encoding: { x: WEEK_AXIS, y: y("observed") },
    },
  ];
  if (holdoutFrom) {
    const last = ppc.weeks[ppc.weeks.length - 1];
    layers.unshift(
      {
        data: { values: [{ from: holdoutFrom, to: last }] },
        mark: { type: "rect", color: COLOURS.observedRange },
        encoding: { x: { ...WEEK_AXIS, field: "from" }, x2: { field: "to" } },
      },
      {
        data: { values: [{ from: holdoutFrom, label: "holdout" }] },
        mark: {
          type: "text",
          align: "left",
          baseline: "top",
          dx: 4,
          dy: 2,
          color: COLOURS.muted,
          fontSize: 11,
        },
        encoding: { x: { ...WEEK_AXIS, field: "from" }, y: { value: 0 }, text: { field: "label" } },
      },
    );
  }
  return {
    config: VEGA_CONFIG,
    width: CHART_WIDTH,
    height: 260,
    title: chartTitle(
      title,
      "Dots: observed; line: predicted mean; bands: 50% and 90% predictive intervals.",
    ),
    data: { values: rows },
    layer: layers,
  };
}

/** (e) Out-of-sample error per cross-validation fold, and on the holdout, as bars. */
export function forecastErrorChart(v: ValidationData): TopLevelSpec | null {
  const rows = (v.cv?.folds ?? []).map((f, i) => ({
    label: `fold ${i + 1}`,
    detail: `train ${f.trainWeeks} wk, test ${f.testWeeks} wk`,
    kind: "cross-validation fold",
    mape: val(f.mape),
  }));
  if (v.holdout) {
    rows.push({
      label: "holdout",
      detail: `last ${v.holdout.weeks} wk`,
      kind: "holdout",
      mape: val(v.holdout.mape),
    });
  }
  if (rows.length === 0) return null;
  const folds = rows.filter((r) => r.kind !== "holdout" && r.mape !== null).map((r) => r.mape as number);
  const parts: string[] = [];
  if (folds.length > 0) {
    const lo = Math.min(...folds);
    const hi = Math.max(...folds);
    parts.push(`MAPE ${pct(lo, 1)}${hi > lo ? `–${pct(hi, 1)}` : ""} across ${folds.length} folds`);
  }
  if (v.holdout) parts.push(`${pct(v.holdout.mape, 1)} on the holdout`);
  const width = Math.min(CHART_WIDTH, 80 + rows.length * 70);
  return {
    config: VEGA_CONFIG,
    width,
    height: 200,
    title: chartTitle(
      `Out-of-sample error: ${parts.join(", ")}`,
      "Mean absolute percentage error of the predicted mean on weeks the fit did not see.",
    ),
    data: { values: rows },
    encoding: {
      x: {
        field: "label",
        type: "nominal",
        sort: rows.map((r) => r.label),
        title: null,
        axis: { labelAngle: 0 },
      },
      y: { field: "mape", type: "quantitative", title: "MAPE", axis: { format: ".0%" } },
    },
    layer: [
      {
        mark: { type: "bar", width: { band: 0.6 } },
        encoding: {
          color: {
            field: "kind",
            type: "nominal",
            title: null,
            scale: {
              domain: ["cross-validation fold", "holdout"],
              range: [COLOURS.estimate, COLOURS.hurdle],
            },
          },
        },
      },
      {
        mark: { type: "text", baseline: "bottom", dy: -3, fontSize: 11, color: COLOURS.text },
        encoding: { text: { field: "mape", type: "quantitative", format: ".1%" } },
      },
    ],
  };
}

type Sensitivity = NonNullable<ValidationData["sensitivity"]>;

/** (f) ROI interval per channel under each model variant, side by side. */
export function sensitivityChart(s: Sensitivity, roiUnit: string): TopLevelSpec {
  const rows = s.channels.flatMap((c) =>
    s.variants.map((variant, k) => ({
      channel: c.name,
      variant,
      mean: val(c.roiMean[k]),
      q05: val(c.roiQ05[k]),
      q95: val(c.roiQ95[k]),
    })),
  );
  const unstable = s.channels.filter((c) => !c.stable).map((c) => c.name);
  const stable = s.channels.length - unstable.length;
  const title =
    unstable.length === 0
      ? `ROI of every channel is stable across ${s.variants.length} model variants`
      : `ROI is stable across model variants for ${stable} of ${s.channels.length} channels; not for ${joinNames(unstable)}`;
  const order = s.channels.map((c) => c.name);
  const y = { field: "channel", type: "nominal", sort: order, title: null } as const;
  const yOffset = { field: "variant", type: "nominal", sort: s.variants } as const;
  const colour = {
    field: "variant",
    type: "nominal",
    title: "model variant",
    scale: { domain: s.variants, range: s.variants.map((_, k) => SERIES_COLOURS[k % SERIES_COLOURS.length]) },
  } as const;
  const x = (field: string) =>
    ({ field, type: "quantitative", title: `ROI (${roiUnit})`, scale: { zero: true } }) as const;
  return {
    config: VEGA_CONFIG,
    width: CHART_WIDTH - 140,
    height: { step: 12, for: "offset" },
    title: chartTitle(
      title,
      "Dot: posterior mean; line: 90% interval; one colour per variant; dashed: break-even.",
    ),
    layer: [
      {
        data: { values: [{ x: 1 }] },
        mark: { type: "rule", strokeDash: [5, 4], color: COLOURS.reference },
        encoding: { x: x("x") },
      },
      {
        data: { values: rows },
        mark: { type: "rule", strokeWidth: 2.5, opacity: 0.7 },
        encoding: { y, yOffset, x: x("q05"), x2: { field: "q95" }, color: colour },
      },
      {
        data: { values: rows },
        mark: { type: "point", filled: true, size: 45, opacity: 1 },
        encoding: { y, yOffset, x: x("mean"), color: colour },
      },
    ],
  };
}

/** (g) Autocorrelation of standardised residuals by lag, with the ±2/√n band of white noise. */
export function residualAutocorrelationChart(acf: number[], n: number): TopLevelSpec {
  const bound = residualBound(n);
  const rows = acf.map((value, i) => ({ lag: i + 1, value: val(value), outside: Math.abs(value) > bound }));
  const outside = rows.filter((r) => r.outside).map((r) => r.lag);
  // with several lags, one crossing of the ±2/√n band is expected by chance; lag 1 is the telling one
  const lags = joinNames(outside.map(String));
  const title =
    outside.length === 0
      ? "Residuals look like noise: no lag is outside ±2/√n"
      : outside.includes(1)
        ? `Residuals are correlated at lag ${lags}: the model misses some week-to-week structure`
        : outside.length === 1
          ? `Residuals cross ±2/√n only at lag ${lags}; with ${acf.length} lags, one crossing can be chance`
          : `Residuals are correlated at lags ${lags}: the model may be missing a cycle or a driver`;
  const extent = Math.max(bound * 1.6, ...acf.filter(isFiniteNumber).map((v) => Math.abs(v) * 1.1));
  const y = { type: "quantitative" as const, title: "autocorrelation", scale: { domain: [-extent, extent] } };
  return {
    config: VEGA_CONFIG,
    width: 560,
    height: 180,
    title: chartTitle(
      title,
      `Standardised residuals, lags 1–${acf.length}; dashed: ±${sig(bound, 2)} (2/√${n}).`,
    ),
    layer: [
      {
        data: { values: rows },
        mark: { type: "bar", width: { band: 0.6 } },
        encoding: {
          x: { field: "lag", type: "ordinal", title: "lag (weeks)", axis: { labelAngle: 0 } },
          y: { ...y, field: "value" },
          color: {
            field: "outside",
            type: "nominal",
            scale: { domain: [false, true], range: [COLOURS.estimate, COLOURS.bad] },
            legend: null,
          },
        },
      },
      {
        data: { values: [{ y: bound }, { y: -bound }] },
        mark: { type: "rule", strokeDash: [5, 4], color: COLOURS.reference },
        encoding: { y: { ...y, field: "y" } },
      },
      {
        data: { values: [{ y: 0 }] },
        mark: { type: "rule", color: "#999999" },
        encoding: { y: { ...y, field: "y" } },
      },
    ],
  };
}
