// Vega-Lite specs of the Validation section: posterior predictive check, out-of-sample errors,
// sensitivity of ROI to modelling choices, and residual autocorrelation.

import type { TopLevelSpec } from "vega-lite";
import { isFiniteNumber, pct, sig } from "../analysis/numberFormat.js";
import { chartTitle, type Layer, val, WEEK_AXIS } from "./chartKit.js";
import { joinNames, residualBound } from "./findings.js";
import type { PpcData, ValidationData } from "./reportData.js";
import { CHART_WIDTH, COLOURS, SERIES_COLOURS, VEGA_CONFIG } from "./theme.js";

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
