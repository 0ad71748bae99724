// summary.json of a fit: per channel ROI, contribution and marginal ROI as posterior summaries
// in the user's units, the convergence verdict, and what the numbers mean (units, method).

import { formatDay } from "../core/dates.js";
import type { MmmModel } from "../model/mmm.js";
import type { ChannelDraws, OrganicDraws } from "./channelMetrics.js";
import { type ReturnUnits, returnUnits } from "./returnUnits.js";
import { type Interval, probabilityAbove, summarise } from "./summaries.js";

export interface ConvergenceReport {
  /** null when the diagnostic does not exist (an approximate fit, one chain, a constant parameter). */
  rhat_max: number | null;
  ess_bulk_min: number | null;
  ess_tail_min: number | null;
  divergences: number;
  treedepth_saturated: number;
  ebfmi_min: number | null;
  seconds: number;
  verdict: "ok" | "warning" | "approximate";
  warnings: string[];
}

export interface FitSummary {
  format: "mmm-os/fit-summary@1";
  method: "nuts" | "fast";
  approximate: boolean;
  note?: string;
  kpi: string;
  currency: string;
  value_per_unit: number | null;
  roi_unit: string;
  /** How returns are shown to people: multiply ROI and mROI by `factor` for `unit`. */
  roi_display: ReturnUnits;
  window: { first_week: string; last_week: string; weeks: number; geos: number };
  channels: Record<
    string,
    {
      spend: number;
      roi: Interval;
      contribution: Interval;
      mroi: Interval;
      /** Share of draws with ROI > 1; null without a value per KPI unit (1 is then no break-even). */
      p_roi_above_1: number | null;
      /** Spend per incremental KPI unit, per draw (over draws with a positive contribution; null if none). */
      cost_per_incremental: Interval | null;
      contribution_share: Interval;
    }
  >;
  /** Organic channels (exposure without spend): what they added, with no ROI. */
  organic?: Record<string, { exposure: number; contribution: Interval; contribution_share: Interval }>;
  diagnostics: ConvergenceReport;
  /** The lift tests the fit was calibrated with, each judged against the posterior without it. */
  experiments?: {
    id: string;
    channel: string;
    kind: string;
    measured_lift: number;
    lift_se: number;
    spend_change: number;
    model_lift_without_test: Interval;
    p_value: number;
    pareto_k: number | null;
    tension: boolean;
    finding: string;
  }[];
}

export function buildFitSummary(
  model: MmmModel,
  method: "nuts" | "fast",
  measures: ChannelDraws[],
  diagnostics: ConvergenceReport,
  organic: OrganicDraws[] = [],
): FitSummary {
  const d = model.data;
  const value = d.valuePerUnit;
  // KPI observed over the window, for contribution shares
  let kpiTotal = 0;
  for (const y of d.y) if (!Number.isNaN(y)) kpiTotal += y;
  // fromEntries defines own properties: a channel named __proto__ or constructor is an ordinary key
  const channels: FitSummary["channels"] = Object.fromEntries(
    measures.map((m) => [
      m.channel,
      {
        spend: m.spend,
        roi: summarise(m.roi),
        contribution: summarise(m.contribution),
        mroi: summarise(m.mroi),
        p_roi_above_1: value ? probabilityAbove(m.roi, 1) : null,
        cost_per_incremental: costPerIncremental(m.spend, m.contribution),
        contribution_share: summarise(m.contribution.map((c) => c / kpiTotal)),
      },
    ]),
  );
  return {
    format: "mmm-os/fit-summary@1",
    method,
    approximate: method === "fast",
    note:
      method === "fast"
        ? "APPROXIMATE: Laplace approximation at the posterior mode, not MCMC; intervals may be too narrow or misplaced."
        : undefined,
    kpi: d.kpi,
    currency: d.currency,
    value_per_unit: value,
    roi_unit: value
      ? `${d.currency} of KPI value per ${d.currency} spent`
      : `${d.kpi} per ${d.currency} spent`,
    roi_display: returnUnits(
      d,
      measures.map((m) => summarise(m.roi).mean),
    ),
    window: {
      first_week: formatDay(d.weeks[0]),
      last_week: formatDay(d.weeks[d.T - 1]),
      weeks: d.T,
      geos: d.G,
    },
    channels,
    ...(organic.length > 0
      ? {
          organic: Object.fromEntries(
            organic.map((o) => [
              o.channel,
              {
                exposure: o.exposure,
                contribution: summarise(o.contribution),
                contribution_share: summarise(o.contribution.map((c) => c / kpiTotal)),
              },
            ]),
          ),
        }
      : {}),
    diagnostics,
  };
}

/** Spend ÷ contribution per draw, over the draws where the contribution is positive. */
function costPerIncremental(spend: number, contribution: Float64Array): Interval | null {
  const costs = Array.from(contribution)
    .filter((c) => c > 0)
    .map((c) => spend / c);
  return costs.length > 0 && spend > 0 ? summarise(costs) : null;
}
