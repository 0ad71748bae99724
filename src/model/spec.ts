// The model spec (YAML, validated by zod): which channels and controls enter, with which adstock
// and saturation families and priors, the baseline (trend, seasonality, holidays, optional
// time-varying intercept) and the likelihood. Every key has a default that fits the lab's
// scenarios without tuning; docs/model-spec.md documents each one.

import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { MmmError } from "../core/errors.js";
import { ownRecord } from "../core/ownRecord.js";

const PriorSchema = z.discriminatedUnion("dist", [
  z.strictObject({ dist: z.literal("normal"), mu: z.number(), sigma: z.number().positive() }),
  z.strictObject({ dist: z.literal("half_normal"), sigma: z.number().positive() }),
  z.strictObject({ dist: z.literal("lognormal"), mu: z.number(), sigma: z.number().positive() }),
  z.strictObject({ dist: z.literal("beta"), alpha: z.number().positive(), beta: z.number().positive() }),
  z.strictObject({ dist: z.literal("gamma"), alpha: z.number().positive(), beta: z.number().positive() }),
  z.strictObject({
    dist: z.literal("student_t"),
    nu: z.number().positive(),
    mu: z.number(),
    sigma: z.number().positive(),
  }),
  z.strictObject({ dist: z.literal("exponential"), rate: z.number().positive() }),
]);

/**
 * The default effect prior: LogNormal centred where every channel has the same ROI, i.e. its
 * effect at average exposure is `total_share` of the KPI times its share of the average weekly
 * media spend. Small channels then get small effects a priori, as they would under any single
 * ROI prior, instead of one scale for all.
 */
const SpendSharePriorSchema = z.strictObject({
  dist: z.literal("spend_share"),
  total_share: z.number().positive().max(1).default(0.2),
  sigma: z.number().positive().default(1),
});
const EffectPriorSchema = z.union([PriorSchema, SpendSharePriorSchema]);

const AdstockSchema = z.strictObject({
  family: z.enum(["geometric", "delayed_geometric", "weibull_cdf", "weibull_pdf"]).default("geometric"),
  max_lag: z.number().int().min(1).max(52).default(8),
  normalize: z.boolean().default(true),
});

const SaturationSchema = z.strictObject({
  family: z.enum(["hill", "logistic", "michaelis_menten", "tanh"]).default("hill"),
});

const ChannelSchema = z.strictObject({
  name: z.string(),
  /** Model the channel on its spend (default) or its exposure column; ROI is always on spend. */
  input: z.enum(["spend", "exposure"]).default("spend"),
  /** Keys left out inherit media_defaults (so no defaults here). */
  adstock: z
    .strictObject({
      family: z.enum(["geometric", "delayed_geometric", "weibull_cdf", "weibull_pdf"]).optional(),
      max_lag: z.number().int().min(1).max(52).optional(),
      normalize: z.boolean().optional(),
    })
    .optional(),
  saturation: z
    .strictObject({ family: z.enum(["hill", "logistic", "michaelis_menten", "tanh"]).optional() })
    .optional(),
  /** Prior overrides by parameter name: effect, alpha, delay, shape, scale (adstock), saturation, slope (saturation). */
  priors: ownRecord(EffectPriorSchema).default({}),
});

const ControlSchema = z.strictObject({
  name: z.string(),
  sign: z.enum(["positive", "negative", "any"]).optional(),
  prior: PriorSchema.optional(),
});

export const ModelSpecSchema = z.strictObject({
  /** Value of one KPI unit in the currency (e.g. revenue per subscription); ROI = value × contribution ÷ spend. */
  value_per_unit: z.number().positive().optional(),
  /** Gross margin on that value (0–1], for profit ROI = (value × margin × contribution − spend) ÷ spend. */
  margin: z.number().positive().max(1).optional(),
  channels: z.array(ChannelSchema).optional(),
  media_defaults: z
    .strictObject({
      adstock: AdstockSchema.prefault({}),
      saturation: SaturationSchema.prefault({}),
      /** Prior of each channel's effect: its weekly contribution at average exposure, as a share of the KPI's mean. */
      effect_prior: EffectPriorSchema.default({ dist: "spend_share", total_share: 0.2, sigma: 1 }),
    })
    .prefault({}),
  /**
   * On a geo panel: how each channel's effect varies across geos. `pooled` (the default for now)
   * gives every geo the same effect; `partial` pools it around a national effect,
   * m_g = m·exp(τ·z_g) with z ~ Normal(0, 1) and τ ~ `spread_prior`. On the lab's 24-geo brand
   * `partial` recovers the geo spread but costs 2–6× the time and does not yet beat `pooled` on
   * ROI error (docs/model-spec.md#geo_hierarchy). A national table ignores it.
   */
  geo_hierarchy: z
    .strictObject({
      media_effect: z.enum(["partial", "pooled"]).default("pooled"),
      spread_prior: PriorSchema.default({ dist: "half_normal", sigma: 0.3 }),
      /**
       * How the sampler moves the geo effects (the model and its results are the same):
       * `non_centered` samples z; `centered` samples each geo's log deviation τ·z, which can be
       * faster when the geos' effects clearly differ and each geo has many weeks, and is a funnel
       * when they do not (docs/model-spec.md#geo_hierarchy has the measurements).
       */
      parameterization: z.enum(["centered", "non_centered"]).default("non_centered"),
    })
    .prefault({}),
  /** Controls to include (default: every non-constant control of the table, signs from the table). */
  controls: z.array(ControlSchema).optional(),
  control_prior: PriorSchema.default({ dist: "normal", mu: 0, sigma: 0.2 }),
  baseline: z
    .strictObject({
      intercept_prior: PriorSchema.default({ dist: "normal", mu: 1, sigma: 0.5 }),
      trend: z.enum(["none", "linear", "changepoint"]).default("linear"),
      trend_prior: PriorSchema.default({ dist: "normal", mu: 0, sigma: 0.5 }),
      changepoints: z.number().int().min(1).max(50).default(6),
      changepoint_prior: PriorSchema.default({ dist: "normal", mu: 0, sigma: 0.2 }),
      seasonality_order: z.number().int().min(0).max(10).default(2),
      seasonality_prior: PriorSchema.default({ dist: "normal", mu: 0, sigma: 0.2 }),
      /** Holiday columns to use: all of the table's, none, or a list of slugs. */
      holidays: z.union([z.enum(["all", "none"]), z.array(z.string())]).default("all"),
      holiday_prior: PriorSchema.default({ dist: "normal", mu: 0, sigma: 0.1 }),
      time_varying_intercept: z.boolean().default(false),
      /** Weeks between knots of the time-varying intercept's random walk. */
      tvi_knot_weeks: z.number().int().min(2).max(104).default(13),
      tvi_scale_prior: PriorSchema.default({ dist: "half_normal", sigma: 0.05 }),
    })
    .prefault({}),
  likelihood: z
    .strictObject({
      family: z.enum(["normal", "student_t", "lognormal", "poisson", "negative_binomial"]).default("normal"),
      /** Prior overrides for the noise parameters: sigma, nu, phi. */
      priors: ownRecord(PriorSchema).default({}),
    })
    .prefault({}),
});

export type ModelSpec = z.infer<typeof ModelSpecSchema>;
export type PriorSpec = z.infer<typeof PriorSchema>;
export type EffectPriorSpec = z.infer<typeof EffectPriorSchema>;

export function defaultModelSpec(): ModelSpec {
  return ModelSpecSchema.parse({});
}

/** Parses a model spec from YAML text (an empty text gives the defaults). */
export function parseModelSpec(text: string, file: string): ModelSpec {
  let raw: unknown;
  try {
    raw = text.trim() === "" ? {} : parseYaml(text);
  } catch (e) {
    throw new MmmError(
      "E_SPEC_YAML",
      `Model spec ${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`,
      { file },
      "fix the YAML syntax at that line",
    );
  }
  const result = ModelSpecSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues.find((i) => i.code === "unrecognized_keys") ?? result.error.issues[0];
    const key = issue.path.join(".") || "(top level)";
    const what =
      issue.code === "unrecognized_keys"
        ? `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}`
        : issue.message;
    throw new MmmError(
      "E_SPEC_SCHEMA",
      `Model spec ${file} is invalid at '${key}': ${what}.`,
      { file, key },
      "see docs/model-spec.md for every key and its allowed values",
    );
  }
  return result.data;
}
