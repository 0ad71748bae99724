// The lab's truth record (written as truth.json): every parameter behind a simulated dataset and
// the quantities a model should recover, plus the function that scores any budget allocation.

import type { AdstockSpec } from "../model/adstock.js";
import { type BudgetProblem, planValue } from "./budget.js";
import type { LabTestTruth } from "./labExperiments.js";
import type { ChannelTruthParams } from "./response.js";
import type { SpendPattern } from "./scenarios.js";
import type { TruthWorldChange } from "./worldChanges.js";

export interface TruthChannel {
  name: string;
  pattern: SpendPattern;
  adstock: AdstockSpec;
  /** National view: halfSaturation is the sum over geos (geo values are population-scaled). */
  saturation: { type: "hill"; slope: number; halfSaturation: number };
  halfSaturationByGeo: number[];
  /** Weekly KPI at full saturation, summed over geos. */
  beta: number;
  betaByGeo: number[];
  /** Total spend over the data window (USD). */
  spend: number;
  /** Incremental KPI over the window: mean KPI minus mean KPI with this channel's spend set to zero. */
  contribution: number;
  /** valuePerUnit × contribution ÷ spend. */
  roi: number;
  /** valuePerUnit × d(contribution)/d(spend) when the whole spend path is scaled, at current spend. */
  mroi: number;
  costPerIncremental: number;
  weeklyContribution: number[];
  /** Contribution over the window when the spend path is multiplied by each multiplier. */
  responseCurve: { multipliers: number[]; spend: number[]; contribution: number[] };
}

export interface TruthBudget extends BudgetProblem {
  currentValue: number;
  currentValueCurrency: number;
  optimalAllocation: Record<string, number>;
  optimalValue: number;
  optimalValueCurrency: number;
  marginalValueAtOptimum: Record<string, number>;
  valueUnits: string;
}

export interface LabTruth {
  format: "mmm-os/lab-truth@1";
  labVersion: string;
  scenario: string;
  seed: number;
  description: string;
  calendar: {
    weekStart: "monday";
    firstWeek: string;
    lastWeek: string;
    weeks: number;
    holidayCountry: string;
  };
  kpi: {
    name: string;
    unit: string;
    valuePerUnit: number;
    currency: string;
    noise: { family: "normal"; sd: number; sdByGeo: number[] } | { family: "negative_binomial"; phi: number };
    rounding: string;
  };
  geos: { name: string; population: number | null; share: number; baselineMultiplier: number }[];
  baseline: {
    intercept: number;
    trendPerWeek: number;
    fourier: { order: number; sin: number[]; cos: number[]; period: string };
    holidays: Record<string, number>;
    controls: Record<string, { coefficient: number; reference?: number; effect: string }>;
    geoScaling: string;
    demandShock: { observed: false; kpiLift: number; series: number[]; drivesSpendOf: string } | null;
  };
  channels: TruthChannel[];
  totals: {
    observedKpi: number;
    meanKpi: number;
    baseline: number;
    media: number;
    mediaShareOfKpi: number;
    spend: number;
  };
  series: { week: string[]; mean: number[]; baseline: number[]; observed: number[] };
  geoSeries:
    | { geo: string; mean: number[]; baseline: number[]; contributions: Record<string, number[]> }[]
    | null;
  budget: TruthBudget;
  /**
   * What each ad platform claimed over the table's weeks (raw/ad_spend.csv's
   * platform_conversions) against what the channel truly caused; see simulate/attribution.ts.
   */
  platform: TruthPlatformClaim[];
  /** The lift tests run inside the history, when the dataset was simulated with them. */
  experiments?: LabTestTruth[];
  /** The drift world's changes: what changed, from which week. */
  changes?: TruthWorldChange[];
}

export interface TruthPlatformClaim {
  channel: string;
  creditFactor: number;
  baselineCapture: number;
  spend: number;
  attributed: number;
  trueContribution: number;
  /** attributed ÷ true contribution: above 1 the platform over-credits itself. */
  creditRatio: number;
}

/** The response parameters of the truth's channels, in the form the response functions take. */
export function truthMediaParams(truth: LabTruth): ChannelTruthParams[] {
  return truth.channels.map((c) => ({
    name: c.name,
    adstock: c.adstock,
    slope: c.saturation.slope,
    halfSaturation: c.halfSaturationByGeo,
    beta: c.betaByGeo,
  }));
}

/**
 * True value of any allocation of the truth's budget problem: the incremental KPI (in KPI units)
 * it causes over the horizon and the credited carryover weeks. Works on a truth.json read from disk.
 */
export function trueAllocationValue(truth: LabTruth, allocation: Record<string, number>): number {
  for (const name of Object.keys(allocation)) {
    if (!truth.channels.some((c) => c.name === name))
      throw new Error(`allocation names unknown channel '${name}'`);
  }
  return planValue(truthMediaParams(truth), truth.budget, allocation);
}
