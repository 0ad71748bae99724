// Assembles the report's data from a fit: measures per channel, decomposition, response curves,
// posterior predictive check, validation results and the data's QA and lineage. All numbers come
// from src/analysis; this module only chooses, orders and words them.

import { channelDraws } from "../analysis/channelMetrics.js";
import { type ComponentKind, Decomposer } from "../analysis/decomposition.js";
import { demandFollowing } from "../analysis/demandFollowing.js";
import { checkExperimentsAgainstModel } from "../analysis/experimentEvidence.js";
import type { FitSummary } from "../analysis/fitSummary.js";
import { geoMeasures } from "../analysis/geoMeasures.js";
import { channelFindings, responseCurves, thinned } from "../analysis/measures.js";
import { sig } from "../analysis/numberFormat.js";
import { observedNational, posteriorPredictiveCheck } from "../analysis/ppc.js";
import { returnUnits } from "../analysis/returnUnits.js";
import { type Interval, summarise } from "../analysis/summaries.js";
import { type PlatformClaim, RECONCILIATION, triangulate } from "../analysis/triangulation.js";
import { formatDay } from "../core/dates.js";
import type { LiftTest } from "../model/experimentLift.js";
import type { MmmModel } from "../model/mmm.js";
import type { PlanResult } from "../planning/plan.js";
import type { ChannelFinding, DecompositionData, ReportData, ValidationData } from "./reportData.js";

export interface ReportInputs {
  model: MmmModel;
  /** Constrained draws, row-major (draws × dim). */
  draws: Float64Array;
  summary: FitSummary;
  validation: ValidationData;
  qa: unknown | null;
  lineage: unknown | null;
  hurdle: number;
  margin: number | null;
  title?: string;
  /** The recommended next-quarter plan (planBudget), when the caller computed one. */
  plan?: PlanResult;
  /** The lift tests a calibrated run was fitted with. */
  experiments?: (LiftTest & { kind: string })[];
  calibration?: "likelihood" | "roi_prior";
  /** What each ad platform claims for its channel (triangulation only, never a model input). */
  platform?: PlatformClaim[];
  /** The run's registry entry (unapproved runs get a draft banner) and its model card. */
  registry?: ReportData["registry"];
  modelCard?: ReportData["modelCard"];
}

export function buildReportData(inp: ReportInputs): ReportData {
  const { model, draws, summary } = inp;
  const d = model.data;
  const value = d.valuePerUnit;
  const measures = channelDraws(model, draws, { valuePerUnit: value ?? 1 });
  let kpiTotal = 0;
  for (const y of d.y) if (!Number.isNaN(y)) kpiTotal += y;
  // returns in the units people read them in (per 1,000 currency units for a small KPI)
  const units = returnUnits(
    d,
    measures.map((m) => summarise(m.roi).mean),
  );
  const factor = units.factor;
  const scaled = (iv: Interval): Interval => ({
    mean: iv.mean * factor,
    median: iv.median * factor,
    q05: iv.q05 * factor,
    q95: iv.q95 * factor,
  });
  const channels = channelFindings(measures, kpiTotal, {
    valuePerUnit: value,
    margin: inp.margin,
    hurdle: inp.hurdle,
  }).map((c) => ({ ...c, roi: scaled(c.roi), mroi: scaled(c.mroi) }));
  // all media together, per draw: the interval of a sum is not the sum of intervals
  const total = new Float64Array(measures[0]?.contribution.length ?? 0);
  for (const m of measures) for (let k = 0; k < total.length; k++) total[k] += m.contribution[k];
  return {
    title: inp.title ?? `Marketing mix: what ${d.kpi} owes to each channel`,
    generatedAt: new Date().toISOString(),
    fit: { ...summary, roi_display: units },
    hurdle: inp.hurdle,
    channels,
    incremental: { contribution: summarise(total), share: summarise(total.map((c) => c / kpiTotal)) },
    decomposition: decompositionData(model, draws),
    curves: responseCurves(model, draws, value),
    ppc: posteriorPredictiveCheck(model, draws, observedNational(model)),
    validation: inp.validation,
    diagnostics: summary.diagnostics,
    ...(inp.plan ? { plan: inp.plan } : {}),
    ...(d.G > 1
      ? {
          geo: {
            geos: d.geos,
            channels: geoMeasures(model, draws, { valuePerUnit: value ?? 1 }).map((g) => ({
              ...g,
              roi: g.roi.map(scaled),
            })),
          },
        }
      : {}),
    ...(inp.registry ? { registry: inp.registry } : {}),
    ...(inp.modelCard ? { modelCard: inp.modelCard } : {}),
    ...((inp.experiments && inp.experiments.length > 0) || inp.platform
      ? { evidence: evidenceData(inp, inp.experiments ?? []) }
      : {}),
    // spend that follows the KPI's own demand is the MMM's classic over-credit trap: said next to the rest
    uncertainties: [
      ...demandFollowing(inp.model, inp.draws)
        .filter((f) => f.atRisk)
        .map((f) => ({ channel: f.channel, message: f.message })),
      ...uncertainties(channels, inp.qa),
    ],
    data: { qa: inp.qa, lineage: inp.lineage },
  };
}

/** Mean decomposition over a thinned set of draws, summed over geos (national weekly series). */
export function decompositionData(model: MmmModel, draws: Float64Array, maxDraws = 300): DecompositionData {
  const { G, T } = model.data;
  const decomposer = new Decomposer(model);
  const rows = thinned(draws, model.dim, maxDraws);
  const sums = new Map<string, Float64Array>();
  const kinds = new Map<string, ComponentKind>();
  const mean = new Float64Array(T);
  let method: DecompositionData["method"] = "additive";
  for (const x of rows) {
    const dec = decomposer.decompose(x);
    method = dec.method;
    for (const [name, v] of dec.parts) {
      if (!sums.has(name)) sums.set(name, new Float64Array(T));
      kinds.set(name, dec.kinds.get(name)!);
      const s = sums.get(name)!;
      for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) s[t] += v[g * T + t] / rows.length;
    }
    for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) mean[t] += dec.mean[g * T + t] / rows.length;
  }
  return {
    weeks: model.data.weeks.map(formatDay),
    components: [...sums].map(([name, v]) => ({ name, kind: kinds.get(name)!, mean: Array.from(v) })),
    modelMean: Array.from(mean),
    method,
  };
}

/** What would change our mind: the channels whose uncertainty matters most, and how to settle it. */
function uncertainties(channels: ChannelFinding[], qa: unknown): { channel: string; message: string }[] {
  // value at stake: spend × width of the ROI interval
  const ranked = [...channels].sort(
    (a, b) => b.spend * (b.roi.q95 - b.roi.q05) - a.spend * (a.roi.q95 - a.roi.q05),
  );
  const out = ranked.slice(0, 3).map((c) => ({
    channel: c.name,
    message: `${c.name}: ROI could be anywhere from ${sig(c.roi.q05)} to ${sig(c.roi.q95)} (90%), on ${Math.round(c.spend).toLocaleString("en-US")} of spend. A geo holdout or a spend pulse test on ${c.name} would narrow it most.`,
  }));
  const findings =
    (qa as { findings?: { check: string; data?: { a?: string; b?: string; r?: number } }[] } | null)
      ?.findings ?? [];
  for (const f of findings.filter((x) => x.check === "collinearity_pair" && x.data?.a)) {
    out.push({
      channel: `${f.data!.a}+${f.data!.b}`,
      message: `${f.data!.a} and ${f.data!.b} move together (r = ${(f.data!.r ?? 0).toFixed(2)}): the data cannot split credit between them well; an experiment that varies one of them alone would.`,
    });
  }
  return out;
}

/** The tests judged with each left out, and the channel verdicts (src/analysis/triangulation.ts). */
function evidenceData(
  inp: ReportInputs,
  tests: (LiftTest & { kind: string })[],
): NonNullable<ReportData["evidence"]> {
  const valuePerUnit = inp.model.data.valuePerUnit ?? 1;
  const checks =
    tests.length > 0
      ? checkExperimentsAgainstModel(inp.model, inp.draws, tests, {
          valuePerUnit,
          leaveOut: true,
          calibration: inp.calibration,
        })
      : [];
  const measures = channelDraws(inp.model, inp.draws, { valuePerUnit });
  return {
    checks,
    channels: triangulate(measures, checks, { valuePerUnit, platform: inp.platform }),
    reconciliation: RECONCILIATION,
  };
}
