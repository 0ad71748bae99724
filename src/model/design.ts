// The model's data, derived from the modeling table and the spec: KPI scaled by each geo's mean,
// each channel's input scaled by its geo's average active level, standardised controls, and the
// baseline's design columns (trend, changepoints, Fourier terms, holidays, intercept knots).

import { yearFraction } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { column, type ModelingTable } from "../core/modelingTable.js";
import type { AdstockType } from "./adstock.js";
import type { SaturationType } from "./saturation.js";
import type { EffectPriorSpec, ModelSpec, PriorSpec } from "./spec.js";

export interface ChannelData {
  name: string;
  /** Modelled input (spend or exposure), divided by its per-geo scale; geo-major G·T. */
  x: Float64Array;
  /** Per-geo scale of the input (mean over active weeks). */
  inputScale: Float64Array;
  /** Spend in the currency, geo-major G·T (ROI is always on spend). */
  spend: Float64Array;
  input: "spend" | "exposure";
  adstock: AdstockType;
  maxLag: number;
  normalize: boolean;
  saturation: SaturationType;
  /** Prior overrides by parameter name; `spend_share` effect priors are resolved to LogNormals here. */
  priors: Record<string, PriorSpec | EffectPriorSpec>;
}

export interface ControlData {
  name: string;
  /** Standardised values, geo-major G·T. */
  z: Float64Array;
  center: number;
  scale: number;
  sign: "positive" | "negative" | "any";
  prior?: PriorSpec;
}

export interface ModelData {
  G: number;
  T: number;
  /**
   * Weeks the model learns from (the first trainWeeks; the rest are held out). Every scale,
   * centre and prior derived from data uses these weeks only, so nothing leaks from the future.
   */
  trainWeeks: number;
  geos: string[];
  weeks: number[];
  kpi: string;
  /** KPI, geo-major G·T (NaN for weeks left out of the fit). */
  y: Float64Array;
  /** Per-geo KPI scale (its mean), and the same per observation. */
  yScale: Float64Array;
  obsScale: Float64Array;
  /** Paid channels: modelled on spend or exposure, and with spend, so they have an ROI. */
  channels: ChannelData[];
  /**
   * Organic channels: exposure without spend (newsletters, social posts, PR). Modelled like paid
   * media (adstock, saturation, an effect) but with no ROI and nothing to plan; `spend` is 0.
   */
  organic: ChannelData[];
  controls: ControlData[];
  /** Linear trend design: position in [0, 1] minus its mean (so the intercept is the average level). */
  trend: Float64Array;
  /** Changepoint positions in [0, 1]. */
  changepoints: Float64Array;
  /** Changepoint hinge designs max(0, position − changepoint), each minus its mean. */
  changepointX: Float64Array[];
  /** Fourier design: [k][t] for sin and cos of order k+1. */
  fourierSin: Float64Array[];
  fourierCos: Float64Array[];
  holidays: { name: string; x: Float64Array }[];
  /** Time-varying intercept: knot index and interpolation weight per week. */
  tviKnots: number;
  tviLeft: Int32Array;
  tviWeight: Float64Array;
  valuePerUnit: number | null;
  currency: string;
  /** Population per geo, when the table has a population column (for per-capita splits). */
  population: Float64Array | null;
}

/** Mean of geo g's values over the first `weeks` of a geo-major series of T weeks per geo. */
function geoMean(values: Float64Array, T: number, g: number, activeOnly: boolean, weeks = T): number {
  let s = 0;
  let n = 0;
  for (let t = 0; t < weeks; t++) {
    const v = values[g * T + t];
    if (Number.isNaN(v) || (activeOnly && v <= 0)) continue;
    s += v;
    n++;
  }
  return n > 0 ? s / n : 0;
}

export interface DesignOptions {
  /** Leave the last weeks out of the likelihood (held-out validation). */
  holdoutWeeks?: number;
  /** Fixed per-geo KPI scales (simulation studies need a scale that does not depend on y). */
  kpiScale?: Float64Array;
  /** Fixed per-geo input scales by channel name: a fitted run's, to evaluate its draws on a longer table. */
  inputScale?: Record<string, ArrayLike<number>>;
  /**
   * The weeks that define the time axis (trend position and its centring, changepoints, the
   * time-varying intercept's knots, holidays that always coincide): default all of them. A
   * forecast past a fitted window keeps the fitted run's axis, so its draws mean the same thing.
   */
  timeAxisWeeks?: number;
}

export function buildModelData(table: ModelingTable, spec: ModelSpec, opts: DesignOptions = {}): ModelData {
  const G = table.geos.length;
  const T = table.weeks.length;
  const kpiCol = column(table, table.kpi);
  const y = Float64Array.from(kpiCol.values);
  const trainWeeks = T - (opts.holdoutWeeks ?? 0);
  if (trainWeeks < 8) {
    throw new MmmError(
      "E_MODEL_DATA",
      `Only ${trainWeeks} training weeks remain after holding out ${opts.holdoutWeeks}.`,
      {},
      "hold out fewer weeks",
    );
  }
  for (let g = 0; g < G; g++) for (let t = trainWeeks; t < T; t++) y[g * T + t] = Number.NaN;
  const yScale = opts.kpiScale
    ? Float64Array.from(opts.kpiScale)
    : Float64Array.from({ length: G }, (_, g) => geoMean(y, T, g, false));
  for (let g = 0; g < G; g++) {
    if (!(yScale[g] > 0)) {
      throw new MmmError(
        "E_MODEL_DATA",
        `The KPI '${table.kpi}' has no positive values in geo '${table.geos[g]}'.`,
        { column: table.kpi },
        "drop the geo from the table or check the KPI column",
      );
    }
  }
  // a KPI without variation gives the sampler nothing to fit: it wanders for minutes and never
  // converges; refuse it here, whatever the data checks were told
  const observed = y.filter((v) => !Number.isNaN(v));
  if (observed.length > 1 && observed.every((v) => v === observed[0])) {
    throw new MmmError(
      "E_MODEL_DATA",
      `The KPI '${table.kpi}' is ${observed[0]} in every training week${G > 1 ? " of every geo" : ""}: there is nothing for the model to explain.`,
      { column: table.kpi },
      "check the KPI column of the table (and kpi.column in the prepare config); the KPI must vary",
    );
  }
  const obsScale = new Float64Array(G * T);
  for (let g = 0; g < G; g++) obsScale.fill(yScale[g], g * T, (g + 1) * T);

  // channels: the spec's list, or every channel with spend and every organic one (exposure only)
  const defaults = spec.media_defaults;
  const chosen: NonNullable<ModelSpec["channels"]> =
    spec.channels ??
    table.channels
      .filter((c) => c.spend || c.exposure)
      .map((c) => ({ name: c.name, input: c.spend ? "spend" : "exposure", priors: {} }));
  const all: ChannelData[] = chosen.map((c, i) => {
    const entry = table.channels.find((t) => t.name === c.name);
    if (!entry) {
      throw new MmmError(
        "E_SPEC_CHANNEL",
        `Channel '${c.name}' is not in the modeling table.`,
        { key: `channels.${i}.name` },
        `choose from: ${table.channels.map((t) => t.name).join(", ")}`,
      );
    }
    // a channel without spend is organic: it can only be modelled on its exposure
    const input = entry.spend ? c.input : "exposure";
    const inputName = input === "spend" ? entry.spend : entry.exposure;
    if (!inputName) {
      throw new MmmError(
        "E_SPEC_CHANNEL",
        `Channel '${c.name}' has no ${input} column, which the model needs.`,
        { key: `channels.${i}` },
        entry.spend
          ? `model it on its spend (input: spend) or add an exposure column for it in the prepare config`
          : "add a spend or an exposure column for it in the prepare config",
      );
    }
    const raw = column(table, inputName).values;
    const fixedScale = opts.inputScale?.[c.name];
    const inputScale = fixedScale
      ? Float64Array.from(fixedScale)
      : Float64Array.from({ length: G }, (_, g) => geoMean(raw, T, g, true, trainWeeks) || 1);
    const x = new Float64Array(G * T);
    for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) x[g * T + t] = raw[g * T + t] / inputScale[g];
    const adstock = { ...defaults.adstock, ...c.adstock };
    const saturation = { ...defaults.saturation, ...c.saturation };
    return {
      name: c.name,
      x,
      inputScale,
      spend: entry.spend ? Float64Array.from(column(table, entry.spend).values) : new Float64Array(G * T),
      input,
      adstock: adstock.family,
      maxLag: adstock.max_lag,
      normalize: adstock.normalize,
      saturation: saturation.family,
      priors: { effect: defaults.effect_prior, ...c.priors } as Record<string, PriorSpec | EffectPriorSpec>,
    };
  });
  const paid = new Set(table.channels.filter((t) => t.spend).map((t) => t.name));
  const channels = all.filter((c) => paid.has(c.name));
  const organic = all.filter((c) => !paid.has(c.name));
  resolveSpendSharePriors(channels, G, T, trainWeeks);
  resolveOrganicPriors(organic, all.length);
  if (channels.length === 0)
    throw new MmmError(
      "E_SPEC_CHANNEL",
      "The model has no channels.",
      { key: "channels" },
      "list channels in the spec or use a table with spend columns",
    );

  // controls: standardised; constant ones cannot be estimated and are left out
  const tableControls = table.columns.filter((c) => c.role === "control");
  const wanted: ModelSpec["controls"] & object =
    spec.controls ?? tableControls.map((c) => ({ name: c.name }));
  const controls: ControlData[] = [];
  for (const [i, c] of wanted.entries()) {
    const col = tableControls.find((t) => t.name === c.name);
    if (!col)
      throw new MmmError(
        "E_SPEC_CONTROL",
        `Control '${c.name}' is not in the modeling table.`,
        { key: `controls.${i}.name` },
        `choose from: ${tableControls.map((t) => t.name).join(", ") || "(none)"}`,
      );
    // standardised with training weeks only (of every geo)
    const train = col.values.filter((v, i) => i % T < trainWeeks && !Number.isNaN(v));
    let s = 0;
    for (const v of train) s += v;
    const n = train.length;
    const center = s / n;
    let ss = 0;
    for (const v of train) ss += (v - center) ** 2;
    const scale = Math.sqrt(ss / Math.max(1, n - 1));
    // constant up to rounding (a price of 34.99 every week leaves an sd of ~1e-15): scaling by that
    // residue would turn a later change of a cent into millions of standard deviations
    if (!(scale > 1e-9 * Math.max(1, Math.abs(center)))) continue;
    controls.push({
      name: c.name,
      z: col.values.map((v) => (v - center) / scale),
      center,
      scale,
      sign: c.sign ?? col.sign ?? "any",
      prior: c.prior,
    });
  }

  // baseline design
  const axis = Math.min(T, opts.timeAxisWeeks ?? T);
  const position = Float64Array.from({ length: T }, (_, t) => (axis > 1 ? t / (axis - 1) : 0));
  // centred over the axis's weeks: later weeks continue the same line
  const centred = (v: Float64Array) => {
    let m = 0;
    for (let t = 0; t < axis; t++) m += v[t];
    m /= axis;
    return v.map((x) => x - m);
  };
  const trend = centred(position);
  const base = spec.baseline;
  const changepoints =
    base.trend === "changepoint"
      ? Float64Array.from({ length: base.changepoints }, (_, j) => (j + 1) / (base.changepoints + 1))
      : new Float64Array(0);
  const changepointX = Array.from(changepoints, (c) => centred(position.map((p) => Math.max(0, p - c))));
  const fourierSin: Float64Array[] = [];
  const fourierCos: Float64Array[] = [];
  for (let k = 1; k <= base.seasonality_order; k++) {
    // at each week's Thursday, the middle of a Monday week
    fourierSin.push(Float64Array.from(table.weeks, (w) => Math.sin(2 * Math.PI * k * yearFraction(w + 3))));
    fourierCos.push(Float64Array.from(table.weeks, (w) => Math.cos(2 * Math.PI * k * yearFraction(w + 3))));
  }
  const holidayCols = table.columns.filter((c) => c.role === "holiday");
  const wantedHolidays =
    base.holidays === "all"
      ? holidayCols.map((c) => c.name)
      : base.holidays === "none"
        ? []
        : base.holidays.map((h) => (h.startsWith("holiday_") ? h : `holiday_${h}`));
  const holidays: { name: string; x: Float64Array }[] = [];
  for (const name of wantedHolidays) {
    const col = holidayCols.find((c) => c.name === name);
    if (!col)
      throw new MmmError(
        "E_SPEC_HOLIDAY",
        `Holiday column '${name}' is not in the modeling table.`,
        { key: "baseline.holidays" },
        `choose from: ${holidayCols.map((c) => c.name).join(", ") || "(none: set calendar.holidays in the prepare config)"}`,
      );
    const x = col.values.subarray(0, T);
    if (x.every((v, t) => t >= axis || v === 0)) continue;
    // two holidays always in the same week (Thanksgiving and Black Friday) cannot be told apart: merge them
    const twin = holidays.find((h) => h.x.every((v, t) => t >= axis || v === x[t]));
    // "_and_", not "+": parameter names must stay plain identifiers for CmdStan readers
    if (twin) twin.name = `${twin.name}_and_${name.replace(/^holiday_/, "")}`;
    else holidays.push({ name, x: Float64Array.from(x) });
  }
  const knotWeeks = base.tvi_knot_weeks;
  const tviKnots = base.time_varying_intercept ? Math.ceil((axis - 1) / knotWeeks) + 1 : 0;
  const tviLeft = new Int32Array(T);
  const tviWeight = new Float64Array(T);
  for (let t = 0; t < T && tviKnots > 0; t++) {
    const pos = t / knotWeeks;
    tviLeft[t] = Math.min(tviKnots - 2, Math.floor(pos));
    // past the axis (a forecast) the intercept stays at its last knot rather than extrapolate
    tviWeight[t] = Math.min(1, pos - tviLeft[t]);
  }
  return {
    G,
    T,
    trainWeeks,
    geos: table.geos,
    weeks: table.weeks,
    kpi: table.kpi,
    y,
    yScale,
    obsScale,
    channels,
    organic,
    controls,
    trend,
    changepoints,
    changepointX,
    fourierSin,
    fourierCos,
    holidays,
    tviKnots,
    tviLeft,
    tviWeight,
    valuePerUnit: spec.value_per_unit ?? table.valuePerUnit ?? null,
    currency: table.currency,
    population: populationOf(table, G, T),
  };
}

/** One population per geo (its first week's value) from the table's population column, if any. */
function populationOf(table: ModelingTable, G: number, T: number): Float64Array | null {
  const col = table.columns.find((c) => c.role === "population");
  if (!col) return null;
  const pop = Float64Array.from({ length: G }, (_, g) => col.values[g * T]);
  return pop.every((p) => Number.isFinite(p) && p > 0) ? pop : null;
}

/**
 * Turns `spend_share` effect priors into LogNormals: median = total_share × (the channel's
 * average weekly spend in its active weeks) ÷ (the average weekly spend of all channels).
 */
function resolveSpendSharePriors(channels: ChannelData[], G: number, T: number, trainWeeks: number): void {
  const national = channels.map((c) => {
    const s = new Float64Array(trainWeeks);
    for (let g = 0; g < G; g++) for (let t = 0; t < trainWeeks; t++) s[t] += c.spend[g * T + t];
    return s;
  });
  let total = 0;
  for (const s of national) for (let t = 0; t < trainWeeks; t++) total += s[t];
  const averageWeekly = total / trainWeeks;
  channels.forEach((c, i) => {
    const p = c.priors.effect as PriorSpec | EffectPriorSpec;
    if (p.dist !== "spend_share") return;
    let active = 0;
    let weeks = 0;
    for (const v of national[i]) {
      if (v > 0) {
        active += v;
        weeks++;
      }
    }
    const activeWeekly = weeks > 0 ? active / weeks : 0;
    const median =
      averageWeekly > 0 && activeWeekly > 0
        ? (p.total_share * activeWeekly) / averageWeekly
        : p.total_share / channels.length;
    c.priors.effect = { dist: "lognormal", mu: Math.log(median), sigma: p.sigma };
  });
}

/**
 * An organic channel has no spend to share a budget by, so a `spend_share` effect prior gives it
 * an even share of `total_share`: LogNormal centred at total_share ÷ (number of channels).
 */
function resolveOrganicPriors(organic: ChannelData[], channelCount: number): void {
  for (const c of organic) {
    const p = c.priors.effect as PriorSpec | EffectPriorSpec;
    if (p.dist === "spend_share")
      c.priors.effect = { dist: "lognormal", mu: Math.log(p.total_share / channelCount), sigma: p.sigma };
  }
}
