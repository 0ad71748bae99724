// The data behind the executive report: everything `mmm report` computes from a fit, in plain
// JSON (numbers, strings, arrays). The HTML renderer turns this into pages and charts and does no
// statistics of its own; analysis modules fill it and never produce HTML.

import type { ExperimentCheck } from "../analysis/experimentEvidence.js";
import type {
  ChannelFinding,
  DecompositionData,
  PpcData,
  ResponseCurve,
  ValidationData,
} from "../analysis/findings.js";
import type { ConvergenceReport, FitSummary } from "../analysis/fitSummary.js";
import type { GeoChannelMeasures } from "../analysis/geoMeasures.js";
import type { Interval } from "../analysis/summaries.js";
import type { ChannelTriangulation } from "../analysis/triangulation.js";
import type { PlanResult } from "../planning/plan.js";

export type {
  ChannelFinding,
  DecompositionData,
  ForecastMetrics,
  PpcData,
  ResponseCurve,
  ValidationData,
} from "../analysis/findings.js";

import type { ModelCard } from "../analysis/modelCard.js";

export interface ReportData {
  title: string;
  generatedAt: string;
  fit: FitSummary;
  hurdle: number;
  channels: ChannelFinding[];
  /**
   * All channels together over the window (contribution and share of the KPI), summarised per
   * draw: the interval of a sum is not the sum of the channels' intervals. Optional; without it
   * the report shows the total's mean (a sum of means) and says that its interval is missing.
   */
  incremental?: { contribution: Interval; share: Interval };
  decomposition: DecompositionData;
  curves: ResponseCurve[];
  ppc: PpcData;
  validation: ValidationData;
  diagnostics: ConvergenceReport;
  /**
   * What to do next quarter: the recommended allocation within the guardrails, its gain over the
   * current plan and the budget frontier. Optional; without it the report shows no plan.
   */
  plan?: PlanResult;
  /** What would change our mind: the largest uncertainties and what would settle them. */
  uncertainties: { channel: string; message: string }[];
  data: { qa: unknown | null; lineage: unknown | null };
  /** A geo model's per-geo returns (display units) and, when pooled partially, each geo's effect ÷ the national one. */
  geo?: { geos: string[]; channels: GeoChannelMeasures[] };
  /** The run's model card, when the run is registered in a workspace. */
  modelCard?: ModelCard;
  /** The run's entry in its workspace's registry, when it has one: unapproved runs are marked as drafts. */
  registry?: { id: string; status: "draft" | "approved" | "retired"; note: string };
  /** The lift tests of a calibrated run, checked against the model with each left out. */
  evidence?: { checks: ExperimentCheck[]; channels: ChannelTriangulation[]; reconciliation: string[] };
}
