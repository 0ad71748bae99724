// Out-of-sample and robustness checks, each a set of extra fits: a chronological holdout, rolling-
// origin cross-validation (expanding window), a sensitivity grid of model variants compared on ROI
// (and by PSIS-LOO), and a placebo channel (a real channel's spend shuffled in time) that must come
// out with ROI near zero.
// Scales are always learnt from each fit's own training weeks (see buildModelData).

import type { ModelingTable } from "../core/modelingTable.js";
import { Rng } from "../core/rng.js";
import type { ChainExecutor, ModelRecipe } from "../inference/executor.js";
import { buildModel } from "../inference/executor.js";
import { fitModel, pooledDraws, type SampleOptions } from "../inference/sample.js";
import { type ModelSpec, ModelSpecSchema } from "../model/spec.js";
import { channelDraws } from "./channelMetrics.js";
import type { ForecastMetrics, ValidationData } from "./findings.js";
import { compareModels, psisLoo, stackingWeights } from "./loo.js";
import { thinned } from "./measures.js";
import { sig } from "./numberFormat.js";
import { forecastMetrics, predictiveDraws } from "./ppc.js";
import { returnUnits } from "./returnUnits.js";
import { probabilityAbove, summarise } from "./summaries.js";

async function fitWithHoldout(
  recipe: ModelRecipe,
  holdoutWeeks: number,
  opts: SampleOptions,
  executor: ChainExecutor,
) {
  const r = { ...recipe, holdoutWeeks };
  const model = buildModel(r);
  const posterior = await fitModel(model, r, opts, executor);
  return { model, draws: pooledDraws(posterior) };
}

export async function holdoutValidation(
  recipe: ModelRecipe,
  weeks: number,
  opts: SampleOptions,
  executor: ChainExecutor,
): Promise<ValidationData["holdout"]> {
  const T = recipe.table.weeks.length;
  const { model, draws } = await fitWithHoldout(recipe, weeks, opts, executor);
  const pred = predictiveDraws(model, draws, opts.seed, 500);
  return { weeks, trainWeeks: T - weeks, ...forecastMetrics(pred, kpiNational(recipe.table), T - weeks, T) };
}

/** Expanding-window folds: train on weeks [0, k), test on [k, k + horizon), for `folds` origins. */
export async function rollingOriginCv(
  recipe: ModelRecipe,
  folds: number,
  horizon: number,
  opts: SampleOptions,
  executor: ChainExecutor,
): Promise<NonNullable<ValidationData["cv"]>> {
  const T = recipe.table.weeks.length;
  const out: ({ trainWeeks: number; testWeeks: number } & ForecastMetrics)[] = [];
  for (let f = folds; f >= 1; f--) {
    const trainWeeks = T - f * horizon;
    // weeks after the test window are dropped entirely, so the fold never sees them
    const table = truncate(recipe.table, trainWeeks + horizon);
    const { model, draws } = await fitWithHoldout({ ...recipe, table }, horizon, opts, executor);
    const pred = predictiveDraws(model, draws, opts.seed + f, 400);
    out.push({
      trainWeeks,
      testWeeks: horizon,
      ...forecastMetrics(pred, kpiNational(table), trainWeeks, trainWeeks + horizon),
    });
  }
  return { folds: out };
}

/** The observed national KPI per week, from the table (the model's own copy masks held-out weeks). */
function kpiNational(table: ModelingTable): Float64Array {
  const T = table.weeks.length;
  const kpi = table.columns.find((c) => c.role === "kpi")!;
  const out = new Float64Array(T);
  for (let g = 0; g < table.geos.length; g++) for (let t = 0; t < T; t++) out[t] += kpi.values[g * T + t];
  return out;
}

/** The first `weeks` weeks of a table. */
export function truncate(table: ModelingTable, weeks: number): ModelingTable {
  const T = table.weeks.length;
  return {
    ...table,
    weeks: table.weeks.slice(0, weeks),
    columns: table.columns.map((c) => {
      const v = new Float64Array(table.geos.length * weeks);
      for (let g = 0; g < table.geos.length; g++) v.set(c.values.subarray(g * T, g * T + weeks), g * weeks);
      return { ...c, values: v };
    }),
  };
}

export interface Variant {
  name: string;
  spec: ModelSpec;
}

/** The standard grid: prior scales halved and doubled, another adstock and saturation family, other seasonality orders. */
export function sensitivityVariants(base: ModelSpec): Variant[] {
  const scaled = (factor: number): ModelSpec => {
    const p = base.media_defaults.effect_prior;
    const effect = p.dist === "spend_share" || p.dist === "lognormal" ? { ...p, sigma: p.sigma * factor } : p;
    return {
      ...base,
      media_defaults: { ...base.media_defaults, effect_prior: effect },
      control_prior: scalePrior(base.control_prior, factor),
    };
  };
  const with_ = (patch: Partial<ModelSpec["media_defaults"]>): ModelSpec => ({
    ...base,
    media_defaults: { ...base.media_defaults, ...patch },
  });
  const order = base.baseline.seasonality_order;
  return [
    { name: "base", spec: base },
    { name: "priors ×0.5", spec: scaled(0.5) },
    { name: "priors ×2", spec: scaled(2) },
    {
      name:
        base.media_defaults.adstock.family === "weibull_pdf" ? "adstock geometric" : "adstock weibull_pdf",
      spec: with_({
        adstock: {
          ...base.media_defaults.adstock,
          family: base.media_defaults.adstock.family === "weibull_pdf" ? "geometric" : "weibull_pdf",
        },
      }),
    },
    {
      name: base.media_defaults.saturation.family === "logistic" ? "saturation hill" : "saturation logistic",
      spec: with_({
        saturation: { family: base.media_defaults.saturation.family === "logistic" ? "hill" : "logistic" },
      }),
    },
    {
      name: `seasonality order ${order + 1}`,
      spec: { ...base, baseline: { ...base.baseline, seasonality_order: order + 1 } },
    },
  ].map((v) => ({ ...v, spec: ModelSpecSchema.parse(v.spec) }));
}

function scalePrior(p: ModelSpec["control_prior"], factor: number): ModelSpec["control_prior"] {
  return "sigma" in p ? { ...p, sigma: p.sigma * factor } : p;
}

export async function sensitivityAnalysis(
  recipe: ModelRecipe,
  variants: Variant[],
  opts: SampleOptions,
  executor: ChainExecutor,
  hurdle: number,
) {
  const fits: { name: string; measures: ReturnType<typeof channelDraws>; loo: ReturnType<typeof psisLoo> }[] =
    [];
  for (const v of variants) {
    const r = { ...recipe, spec: v.spec };
    const model = buildModel(r);
    const posterior = await fitModel(model, r, opts, executor);
    const draws = pooledDraws(posterior);
    const measures = channelDraws(model, draws, { valuePerUnit: model.data.valuePerUnit ?? 1 });
    // pointwise log likelihood on a thinned set of draws, for PSIS-LOO
    const rows = thinned(draws, model.dim, 1000);
    const N = model.data.G * model.data.T;
    const ll = new Float64Array(rows.length * N);
    for (const [k, x] of rows.entries()) model.pointwiseLogLik(x, ll.subarray(k * N, (k + 1) * N));
    fits.push({ name: v.name, measures, loo: psisLoo(ll, rows.length, N) });
  }
  // with a value per KPI unit a conclusion is "ROI above or below the hurdle"; without one, 1
  // means nothing, and the question is whether a channel returns more or less than the average
  // channel (the base fit's total contribution per unit of spend)
  const baseModel = buildModel({ ...recipe, spec: variants[0].spec });
  const valued = baseModel.data.valuePerUnit !== null;
  const base = fits[0].measures;
  const average =
    base.reduce((s, m) => s + summarise(m.contribution).mean, 0) / base.reduce((s, m) => s + m.spend, 0);
  const threshold = valued ? hurdle : average;
  const units = returnUnits(
    baseModel.data,
    base.map((m) => summarise(m.roi).mean),
  );
  const channels = fits[0].measures.map((m, c) => {
    const per = fits.map((f) => summarise(f.measures[c].roi));
    const probs = fits.map((f) => probabilityAbove(f.measures[c].roi, threshold));
    // a conclusion survives when every variant agrees on the side of the threshold (with 80% probability)
    const above = probs.every((p) => p > 0.8);
    const below = probs.every((p) => p < 0.2);
    const baseAbove = probs[0] > 0.8;
    const baseBelow = probs[0] < 0.2;
    return {
      name: m.channel,
      roiMean: per.map((s) => s.mean * units.factor),
      roiQ05: per.map((s) => s.q05 * units.factor),
      roiQ95: per.map((s) => s.q95 * units.factor),
      stable: above || below || (!baseAbove && !baseBelow && probs.every((p) => p >= 0.2 && p <= 0.8)),
    };
  });
  const about = valued
    ? `ROI vs the hurdle ${hurdle}`
    : `ROI vs the average channel (${sig(threshold * units.factor)} ${units.unit})`;
  const verdicts = channels.map((c) =>
    c.stable
      ? `${c.name}: the conclusion about ${about} holds in every variant.`
      : `${c.name}: the conclusion about ${about} flips across variants (ROI means ${c.roiMean.map((v) => sig(v)).join(" / ")}): treat it as unsettled.`,
  );
  const compared = compareModels(fits.map((f) => ({ name: f.name, pointwise: f.loo.pointwise.elpd })));
  const weights = stackingWeights(fits.map((f) => f.loo.pointwise.elpd));
  return {
    sensitivity: { variants: fits.map((f) => f.name), channels, verdicts },
    loo: {
      models: compared.map((row) => {
        const i = fits.findIndex((f) => f.name === row.name);
        return {
          name: row.name,
          elpd: fits[i].loo.elpd,
          se: fits[i].loo.se,
          pLoo: fits[i].loo.pLoo,
          elpdDiff: row.elpdDiff,
          seDiff: row.seDiff,
          stackingWeight: weights[i],
          paretoKBad: fits[i].loo.counts.bad + fits[i].loo.counts.veryBad,
        };
      }),
    },
  };
}

/**
 * Adds a placebo channel: the weekly spend of the real channel with the most varied spend,
 * shuffled in time. It has a real channel's size and flighting but no alignment with the KPI,
 * so a sound model must give it an ROI near zero (positive-only effects cannot reach exactly 0).
 */
export async function placeboCheck(
  recipe: ModelRecipe,
  opts: SampleOptions,
  executor: ChainExecutor,
): Promise<ValidationData["placebo"]> {
  const table = recipe.table;
  const T = table.weeks.length;
  const G = table.geos.length;
  const rng = new Rng(`placebo:${opts.seed}`);
  const spendCols = table.columns.filter((c) => c.role === "spend");
  const variation = (v: Float64Array) => {
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length) / (m || 1);
  };
  const source = spendCols.reduce((best, c) => (variation(c.values) > variation(best.values) ? c : best));
  const order = Array.from({ length: T }, (_, t) => t);
  for (let i = T - 1; i > 0; i--) {
    const j = rng.integer(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const values = new Float64Array(G * T);
  for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) values[g * T + t] = source.values[g * T + order[t]];
  const placeboTable: ModelingTable = {
    ...table,
    columns: [
      ...table.columns,
      {
        name: "spend_placebo",
        role: "spend",
        channel: "placebo",
        values,
        unit: table.currency,
        aggregation: "sum",
      },
    ],
    channels: [...table.channels, { name: "placebo", spend: "spend_placebo" }],
  };
  const spec = recipe.spec.channels
    ? {
        ...recipe.spec,
        channels: [...recipe.spec.channels, { name: "placebo", input: "spend" as const, priors: {} }],
      }
    : recipe.spec;
  const r = { ...recipe, table: placeboTable, spec };
  const model = buildModel(r);
  const posterior = await fitModel(model, r, opts, executor);
  const measures = channelDraws(model, pooledDraws(posterior), {
    valuePerUnit: model.data.valuePerUnit ?? 1,
  });
  const placebo = measures.find((m) => m.channel === "placebo")!;
  const real = measures.filter((m) => m.channel !== "placebo").map((m) => summarise(m.roi).median);
  const units = returnUnits(
    model.data,
    measures.map((m) => summarise(m.roi).mean),
  );
  const raw = summarise(placebo.roi);
  const roi = {
    mean: raw.mean * units.factor,
    median: raw.median * units.factor,
    q05: raw.q05 * units.factor,
    q95: raw.q95 * units.factor,
  };
  for (let i = 0; i < real.length; i++) real[i] *= units.factor;
  const typical = real.sort((a, b) => a - b)[Math.floor(real.length / 2)];
  // positive-only effects cannot reach exactly zero: ask for an interval reaching near zero and a median below every real channel's
  const passed = roi.q05 < 0.1 * typical && roi.median < Math.min(...real);
  return {
    roi,
    passed,
    message: passed
      ? `A placebo channel (${source.channel}'s spend shuffled in time) gets ROI ${sig(roi.median)} [${sig(roi.q05)}, ${sig(roi.q95)}] ${units.unit}, below every real channel and reaching near zero: the model does not invent effects from spend alone.`
      : roi.median < Math.min(...real)
        ? `A placebo channel (${source.channel}'s spend shuffled in time) gets ROI ${sig(roi.median)} [${sig(roi.q05)}, ${sig(roi.q95)}] ${units.unit}: below every real channel, but its interval does not reach near zero — the data cannot fully rule out an effect of that size; read small channels' ROIs with caution.`
        : `A placebo channel (${source.channel}'s spend shuffled in time) gets ROI ${sig(roi.median)} [${sig(roi.q05)}, ${sig(roi.q95)}] ${units.unit}, not clearly below the real channels: the priors or the data let spend alone look effective; treat small channels' ROIs with caution.`,
  };
}
