// The plain-data results that analysis produces per fit: channel findings, response curves,
// decomposition, predictive checks and validation. They live here, below report/, so analysis
// never imports from report (data flows left to right); report/reportData.ts re-exports them.

import type { ComponentKind } from "./decomposition.js";
import type { Interval } from "./summaries.js";

export interface ChannelFinding {
  name: string;
  spend: number;
  contribution: Interval;
  /** Share of the KPI over the window. */
  share: Interval;
  /** ROI and marginal ROI are in the display units of the fit summary's `roi_display`. */
  roi: Interval;
  /** P(ROI > 1) and P(ROI > the user's hurdle); null without a value per KPI unit. */
  pRoiAbove1: number | null;
  pRoiAboveHurdle: number | null;
  costPerIncremental: Interval;
  /** Profit ROI = (value × margin × contribution − spend) ÷ spend, when value and margin are known. */
  profitRoi: Interval | null;
  mroi: Interval;
  /** Where the channel sits on its curve at current spend. */
  headroom: "saturated" | "room_to_grow" | "uncertain";
  headroomReason: string;
}

export interface ResponseCurve {
  channel: string;
  /** Spend over the window (currency) at each point of the curve. */
  spend: number[];
  /** Incremental KPI (or value) at each point: mean and 50%/90% bands. */
  mean: number[];
  q05: number[];
  q25: number[];
  q75: number[];
  q95: number[];
  currentSpend: number;
  /** Range of weekly spend seen in the data, scaled to the window (for the extrapolation flag). */
  observedMin: number;
  observedMax: number;
  /** Points beyond the observed range are extrapolation. */
  extrapolatedFrom: number;
}

export interface DecompositionData {
  weeks: string[];
  /** Mean contribution per week of each component (national), in KPI units; they sum to the model mean. */
  components: { name: string; kind: ComponentKind; mean: number[] }[];
  modelMean: number[];
  method: "additive" | "counterfactual";
}

export interface PpcData {
  weeks: string[];
  observed: number[];
  mean: number[];
  q05: number[];
  q25: number[];
  q75: number[];
  q95: number[];
  /** Share of observed weeks inside the central 50/80/95% predictive intervals. */
  coverage: { level: number; observed: number }[];
  /** Autocorrelation of standardised residuals at lags 1…8. */
  residualAutocorrelation: number[];
  verdicts: string[];
}

export interface ForecastMetrics {
  rmse: number;
  mape: number;
  smape: number;
  wape: number;
  coverage50: number;
  coverage90: number;
}

export interface ValidationData {
  holdout: ({ weeks: number; trainWeeks: number } & ForecastMetrics) | null;
  cv: { folds: ({ trainWeeks: number; testWeeks: number } & ForecastMetrics)[] } | null;
  loo: {
    models: {
      name: string;
      elpd: number;
      se: number;
      pLoo: number;
      elpdDiff: number;
      seDiff: number;
      stackingWeight: number;
      paretoKBad: number;
    }[];
  } | null;
  sensitivity: {
    variants: string[];
    channels: { name: string; roiMean: number[]; roiQ05: number[]; roiQ95: number[]; stable: boolean }[];
    verdicts: string[];
  } | null;
  placebo: { roi: Interval; passed: boolean; message: string } | null;
}
