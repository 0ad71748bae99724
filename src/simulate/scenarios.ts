// Named scenarios of the ground-truth lab. Each is a template of the brand and its media; the
// seed then draws the realised parameters around it, so every (scenario, seed) is one dataset.

import { formatDay, parseDay } from "../core/dates.js";
import { Rng } from "../core/rng.js";
import type { AdstockSpec } from "../model/adstock.js";
import type { WorldChanges } from "./worldChanges.js";

export type SpendPattern = "always_on" | "flighted";

/** A channel's template: its typical behaviour; the seed jitters every number below. */
export interface ChannelTemplate {
  name: string;
  pattern: SpendPattern;
  /** Typical weekly spend (USD, national) in an active week. */
  weeklySpend: number;
  /** Week-to-week volatility (sd of the log of spend). */
  volatility: number;
  adstock: AdstockSpec;
  /** Hill half-saturation as a multiple of the channel's mean adstocked spend in active weeks. */
  halfSaturationMultiple: number;
  /** Hill slope: > 1 gives an S-shaped curve, ≤ 1 a concave one. */
  slope: number;
  /** Revenue ROI (value of incremental KPI ÷ spend) over the history that sets the coefficient. */
  targetRoi: number;
  /** Loading on the shared marketing-budget factor (budgets move together). */
  budgetLoading: number;
}

export interface NoiseSpec {
  family: "normal" | "negative_binomial";
  /** normal: sd as a fraction of the intercept. */
  cv?: number;
  /** negative binomial: dispersion φ (variance = μ + μ²/φ). */
  phi?: number;
}

export interface ScenarioSpec {
  name: string;
  description: string;
  weeks: number;
  /** First week start (a Monday: the lab uses ISO weeks). */
  start: string;
  channels: ChannelTemplate[];
  /** Weekly KPI intercept (national), in KPI units. */
  intercept: number;
  /** Scales spend levels (small brands spend less). */
  spendScale: number;
  noise: NoiseSpec;
  geo?: { count: number; populationMin: number; populationMax: number; betaSd: number };
  collinear?: { a: string; b: string; logCorrelation: number };
  endogenous?: {
    channel: string;
    shockSd: number;
    shockPersistence: number;
    kpiLift: number;
    spendLoading: number;
  };
  /**
   * A re-mix in the last weeks of history: each channel's spend there is multiplied by its own
   * log-normal factor, so last quarter's plan differs from the year's (a cut, a new push).
   */
  recentShift?: { weeks: number; logSd: number };
  /** The drift world: an effect change, a taxonomy change and a price regime at known weeks. */
  changes?: WorldChanges;
}

const TEMPLATES: Record<string, ChannelTemplate> = {
  tv: {
    name: "tv",
    pattern: "flighted",
    weeklySpend: 120_000,
    volatility: 0.2,
    adstock: { type: "weibull_pdf", shape: 2, scale: 3, maxLag: 10 },
    halfSaturationMultiple: 1.1,
    slope: 2.2,
    targetRoi: 1.6,
    budgetLoading: 1,
  },
  paid_search: {
    name: "paid_search",
    pattern: "always_on",
    weeklySpend: 60_000,
    volatility: 0.15,
    adstock: { type: "geometric", alpha: 0.2, maxLag: 4 },
    halfSaturationMultiple: 1.3,
    slope: 0.9,
    targetRoi: 3.0,
    budgetLoading: 0.6,
  },
  paid_social: {
    name: "paid_social",
    pattern: "always_on",
    weeklySpend: 80_000,
    volatility: 0.25,
    adstock: { type: "geometric", alpha: 0.45, maxLag: 6 },
    halfSaturationMultiple: 1.0,
    slope: 1.2,
    targetRoi: 2.0,
    budgetLoading: 0.8,
  },
  online_video: {
    name: "online_video",
    pattern: "always_on",
    weeklySpend: 40_000,
    volatility: 0.3,
    adstock: { type: "weibull_cdf", shape: 1.5, scale: 3, maxLag: 8 },
    halfSaturationMultiple: 0.9,
    slope: 1.8,
    targetRoi: 1.2,
    budgetLoading: 0.9,
  },
  display: {
    name: "display",
    pattern: "always_on",
    weeklySpend: 25_000,
    volatility: 0.2,
    adstock: { type: "geometric", alpha: 0.3, maxLag: 5 },
    halfSaturationMultiple: 0.7,
    slope: 0.8,
    targetRoi: 0.6,
    budgetLoading: 0.5,
  },
  podcast: {
    name: "podcast",
    pattern: "flighted",
    weeklySpend: 30_000,
    volatility: 0.15,
    adstock: { type: "delayed_geometric", alpha: 0.7, delay: 1, maxLag: 8 },
    halfSaturationMultiple: 1.2,
    slope: 1.5,
    targetRoi: 1.4,
    budgetLoading: 0.7,
  },
  ctv: {
    name: "ctv",
    pattern: "flighted",
    weeklySpend: 50_000,
    volatility: 0.2,
    adstock: { type: "weibull_pdf", shape: 1.6, scale: 2.5, maxLag: 8 },
    halfSaturationMultiple: 1.0,
    slope: 2.0,
    targetRoi: 1.1,
    budgetLoading: 0.9,
  },
  radio: {
    name: "radio",
    pattern: "flighted",
    weeklySpend: 20_000,
    volatility: 0.2,
    adstock: { type: "geometric", alpha: 0.5, maxLag: 6 },
    halfSaturationMultiple: 1.0,
    slope: 1.4,
    targetRoi: 0.8,
    budgetLoading: 0.6,
  },
  ooh: {
    name: "ooh",
    pattern: "flighted",
    weeklySpend: 35_000,
    volatility: 0.1,
    adstock: { type: "geometric", alpha: 0.6, maxLag: 8 },
    halfSaturationMultiple: 1.3,
    slope: 1.0,
    targetRoi: 0.5,
    budgetLoading: 0.5,
  },
  affiliate: {
    name: "affiliate",
    pattern: "always_on",
    weeklySpend: 15_000,
    volatility: 0.2,
    adstock: { type: "geometric", alpha: 0.1, maxLag: 3 },
    halfSaturationMultiple: 1.5,
    slope: 0.9,
    targetRoi: 2.4,
    budgetLoading: 0.3,
  },
  influencer: {
    name: "influencer",
    pattern: "flighted",
    weeklySpend: 18_000,
    volatility: 0.35,
    adstock: { type: "geometric", alpha: 0.35, maxLag: 5 },
    halfSaturationMultiple: 0.8,
    slope: 1.3,
    targetRoi: 1.3,
    budgetLoading: 0.7,
  },
  tiktok: {
    name: "tiktok",
    pattern: "always_on",
    weeklySpend: 30_000,
    volatility: 0.3,
    adstock: { type: "geometric", alpha: 0.3, maxLag: 5 },
    halfSaturationMultiple: 0.9,
    slope: 1.1,
    targetRoi: 1.7,
    budgetLoading: 0.8,
  },
};

const SIX = ["tv", "paid_search", "paid_social", "online_video", "display", "podcast"].map(
  (n) => TEMPLATES[n],
);
const TWELVE = Object.values(TEMPLATES);

export const SCENARIOS: Record<string, ScenarioSpec> = {
  clean: {
    name: "clean",
    description:
      "3 years weekly, 6 channels (2 flighted), Gaussian noise: the well-specified reference case.",
    weeks: 156,
    start: "2023-01-02",
    channels: SIX,
    intercept: 6000,
    spendScale: 1,
    noise: { family: "normal", cv: 0.03 },
  },
  collinear: {
    name: "collinear",
    description:
      "As clean, but paid social and online video budgets move together (spend correlation ≈ 0.9).",
    weeks: 156,
    start: "2023-01-02",
    channels: SIX,
    intercept: 6000,
    spendScale: 1,
    noise: { family: "normal", cv: 0.03 },
    collinear: { a: "paid_social", b: "online_video", logCorrelation: 0.89 },
  },
  short: {
    name: "short",
    description: "Only 78 weeks of history (1.5 years): seasonality and carryover are weakly identified.",
    weeks: 78,
    start: "2024-07-01",
    channels: SIX,
    intercept: 6000,
    spendScale: 1,
    noise: { family: "normal", cv: 0.03 },
  },
  endogenous: {
    name: "endogenous",
    description:
      "Search spend follows an unobserved demand shock that also lifts the KPI: a naive model overstates search.",
    weeks: 156,
    start: "2023-01-02",
    channels: SIX,
    intercept: 6000,
    spendScale: 1,
    noise: { family: "normal", cv: 0.03 },
    endogenous: {
      channel: "paid_search",
      shockSd: 0.06,
      shockPersistence: 0.85,
      kpiLift: 1,
      spendLoading: 4,
    },
  },
  counts: {
    name: "counts",
    description: "A small brand: tens of subscriptions a week, negative-binomial counts, small budgets.",
    weeks: 156,
    start: "2023-01-02",
    channels: SIX,
    intercept: 60,
    spendScale: 0.01,
    noise: { family: "negative_binomial", phi: 40 },
  },
  geo: {
    name: "geo",
    description:
      "24 regions × 2 years; populations differ 10×, per-region media effects vary around a national mean.",
    weeks: 104,
    start: "2024-01-01",
    channels: SIX,
    intercept: 6000,
    spendScale: 1,
    noise: { family: "normal", cv: 0.03 },
    geo: { count: 24, populationMin: 400_000, populationMax: 4_000_000, betaSd: 0.2 },
  },
  drift: {
    name: "drift",
    description:
      "As clean, but the world changes in the last year: paid search's effect halves (week 123), the agency renames every campaign and moves retargeting from social to display (week 115), and the list price is cut 15% (week 135).",
    weeks: 156,
    start: "2023-01-02",
    channels: SIX,
    intercept: 6000,
    spendScale: 1,
    noise: { family: "normal", cv: 0.03 },
    // weeks are 0-based; with monthly 4-week drops from week 108 on, each change falls inside a drop
    changes: {
      effect: { channel: "paid_search", week: 122, multiplier: 0.5 },
      taxonomy: {
        week: 114,
        from: "paid_social",
        to: "display",
        tactic: /retarget/i,
        movedName: "DISP_Retargeting_DPA_OpenWeb",
        share: 0.3,
      },
      price: { week: 134, factor: 0.85 },
    },
  },
  large: {
    name: "large",
    description: "5 years × 12 channels: a mature brand with a wide media mix.",
    weeks: 260,
    start: "2021-01-04",
    channels: TWELVE,
    intercept: 9000,
    spendScale: 1,
    noise: { family: "normal", cv: 0.03 },
  },
};

/** The scenario whose brand itself is drawn from the seed (channels, sizes, returns, noise). */
export const RANDOM_BRAND = "brand";

export const SCENARIO_NAMES = [...Object.keys(SCENARIOS), RANDOM_BRAND];

const BRAND_DESCRIPTION =
  "A brand drawn from the seed: 5–12 channels, its own size, returns, saturation, noise and history length, and a re-mix of budgets in the last quarter — for testing on brands nobody tuned on.";

/** One line per scenario, for `mmm scenarios` and option help. */
export function scenarioDescriptions(): { name: string; description: string }[] {
  return [
    ...Object.values(SCENARIOS).map((s) => ({
      name: s.name,
      description: `${s.weeks} weeks, ${s.channels.length} channels${s.geo ? `, ${s.geo.count} geos` : ""} — ${s.description}`,
    })),
    { name: RANDOM_BRAND, description: `78–208 weeks, 5–12 channels — ${BRAND_DESCRIPTION}` },
  ];
}

/** The spec of a scenario; for the random brand it depends on the seed. */
export function scenarioSpec(name: string, seed: number): ScenarioSpec | undefined {
  if (name === RANDOM_BRAND) return randomBrand(seed);
  return Object.hasOwn(SCENARIOS, name) ? SCENARIOS[name] : undefined;
}

/**
 * A brand none of our defaults were tuned on: a random subset of the channel catalogue with
 * jittered spend levels, returns and saturation; a KPI from ~150 to ~20,000 a week (count noise
 * for small brands); 1.5–4 years of history; and last quarter's budgets re-mixed.
 */
function randomBrand(seed: number): ScenarioSpec {
  const rng = new Rng(`brand-spec:${seed}`);
  const pool = [...TWELVE];
  const k = rng.integer(5, 12);
  const chosen: ChannelTemplate[] = [];
  while (chosen.length < k) chosen.push(pool.splice(rng.integer(0, pool.length - 1), 1)[0]);
  // catalogue order, as the shipped taxonomy lists channels (and `mmm prepare` orders them)
  chosen.sort((a, b) => TWELVE.indexOf(a) - TWELVE.indexOf(b));
  const intercept = Math.round(Math.exp(rng.uniformIn(Math.log(150), Math.log(20_000))));
  const small = intercept < 1500;
  const weeks = [78, 104, 156, 208][rng.integer(0, 3)];
  // start on a Monday between 2021 and 2023 so histories end at different times of year
  const start = formatDay((parseDay("2021-01-04") as number) + 7 * rng.integer(0, 150));
  return {
    name: RANDOM_BRAND,
    description: BRAND_DESCRIPTION,
    weeks,
    start,
    channels: chosen.map((c) => ({
      ...c,
      weeklySpend: c.weeklySpend * rng.logNormal(0, 0.4),
      targetRoi: c.targetRoi * rng.logNormal(0, 0.45),
      halfSaturationMultiple: c.halfSaturationMultiple * rng.logNormal(0, 0.3),
      volatility: c.volatility * rng.logNormal(0, 0.25),
    })),
    intercept,
    spendScale: (intercept / 6000) * rng.logNormal(0, 0.3),
    noise: small
      ? { family: "negative_binomial", phi: Math.round(rng.uniformIn(15, 80)) }
      : { family: "normal", cv: rng.uniformIn(0.02, 0.05) },
    recentShift: { weeks: 13, logSd: 0.3 },
  };
}
