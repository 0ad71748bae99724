// The planner: from a fitted model's draws to a recommended next-quarter allocation. The reference
// plan (what we do now) scaled to the budget and projected onto the bounds is the neutral plan; the
// risk-aware optimum is searched on value grids, then every plan shown is valued exactly per draw,
// and the confidence gate keeps only a move that beats the neutral plan in enough draws.

import { thinned } from "../analysis/measures.js";
import { type ReturnUnits, returnUnits } from "../analysis/returnUnits.js";
import { type Interval, probabilityAbove, summarise } from "../analysis/summaries.js";
import { MmmError } from "../core/errors.js";
import { maximiseSeparable } from "../core/separable.js";
import type { MmmModel } from "../model/mmm.js";
import { type BoundOptions, channelBounds, neutralPlan, type PlanConstraints } from "./constraints.js";
import { type ChannelPlanContext, type HorizonSettings, planContext } from "./context.js";
import {
  allocationValues,
  buildGrids,
  meanCurves,
  type Objective,
  objectiveValue,
  optimiseAllocation,
  type ValueGrids,
} from "./optimize.js";
import { marginalReturns, PlanValuer, planValues } from "./planValue.js";

export interface PlanOptions extends HorizonSettings, Omit<BoundOptions, "horizonWeeks"> {
  objective: Objective;
  /** Fixed total for the horizon; default: the reference plan's total. */
  total?: number;
  /** Flexible budget: spend while the marginal return (value per currency unit) exceeds this. */
  mroiTarget?: number;
  groups?: { name: string; members: string[]; cap: number }[];
  /**
   * Confidence gate: if the optimised plan beats the neutral plan in fewer than this share of
   * draws, step back toward the neutral plan until it does (or keep the neutral plan).
   */
  minPGain?: number;
  maxDraws?: number;
  gridPoints?: number;
  seed?: number;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  horizonWeeks: 13,
  // conservative defaults (bench/planning.ts, checked on seeds they were not chosen on): the 10th
  // percentile of the gain — the gain the plan keeps in 9 of 10 plausible worlds, the same bar as
  // the gate — not its mean, so money does not move on noise; ±50% guardrails where the user sets
  // no limit; no extrapolation; and no move unless it beats the neutral plan in 90% of draws
  objective: { kind: "quantile", q: 0.1 },
  maxChange: 0.5,
  forbidExtrapolation: true,
  minPGain: 0.9,
  maxDraws: 1000,
  gridPoints: 81,
};

export interface PlanRow {
  channel: string;
  /** The reference plan's amount (what we do now, at its own total). */
  reference: number;
  /** The reference mix scaled to the budget and projected onto the bounds. */
  neutral: number;
  recommended: number;
  /** Recommended − reference, and as a share of the reference. */
  change: number;
  changeShare: number;
  bounds: [number, number];
  extrapolated: boolean;
  /** Value per extra unit of spend at the recommended level (value units per currency unit). */
  mroi: Interval;
}

export interface PlanResult {
  horizonWeeks: number;
  objective: Objective;
  valueUnit: string;
  /** How marginal returns are shown (value per currency unit, or KPI per 1,000 currency units). */
  returnUnits: ReturnUnits;
  /** The reference plan in words, and how amounts split over geos. */
  reference: string;
  geoSplit: string;
  total: number;
  referenceTotal: number;
  rows: PlanRow[];
  /** Values per draw of the three plans, summarised (incremental over spending nothing). */
  referenceValue: Interval;
  neutralValue: Interval;
  recommendedValue: Interval;
  /** Recommended − neutral plan, per draw: what the reallocation buys at this budget. */
  gain: Interval;
  pGain: number;
  /** Recommended − reference plan, per draw (differs from `gain` when the budget or bounds move the reference). */
  gainOverReference: Interval;
  pGainOverReference: number;
  /** "optimum": the optimised plan; "partial": a step toward it; "neutral": the neutral plan. */
  decision: "optimum" | "partial" | "neutral";
  frontier: { total: number; expectedValue: number; expectedGain: number }[];
  notes: string[];
  draws: number;
}

/** Group caps by channel index; groups must not overlap and must fit their members' minimums. */
function resolveGroups(
  groups: PlanOptions["groups"],
  names: string[],
  bounds: [number, number][],
): PlanConstraints["groups"] {
  const idx = (name: string) => {
    const i = names.indexOf(name);
    if (i < 0)
      throw new MmmError(
        "E_BAD_OPTION",
        `Unknown channel '${name}' in --group.`,
        { option: "--group" },
        `use the model's channels: ${names.join(", ")}`,
      );
    return i;
  };
  const resolved = (groups ?? []).map((g) => ({ name: g.name, members: g.members.map(idx), cap: g.cap }));
  for (const [i, g] of resolved.entries()) {
    for (const h of resolved.slice(i + 1))
      if (g.members.some((m) => h.members.includes(m)))
        throw new MmmError(
          "E_BAD_OPTION",
          `Groups '${g.name}' and '${h.name}' share a channel.`,
          { option: "--group" },
          "give each channel at most one group",
        );
    const floor = g.members.reduce((s, m) => s + bounds[m][0], 0);
    if (g.cap < floor)
      throw new MmmError(
        "E_BAD_OPTION",
        `Group '${g.name}' has a cap of ${g.cap.toFixed(0)}, below its channels' minimum spend ${floor.toFixed(0)}.`,
        { option: "--group" },
        "raise the cap or relax --max-change/--min",
      );
  }
  return resolved.map(({ members, cap }) => ({ members, cap }));
}

/**
 * By-geo items (one geo each) trade money within their channel or their geo; channel plans trade
 * between any two channels.
 */
function itemRelation(items: ChannelPlanContext[]): PlanConstraints["related"] {
  if (!items.every((it) => it.geo !== undefined)) return undefined;
  return (i, j) => items[i].c === items[j].c || items[i].geo === items[j].geo;
}

function checkPlannable(model: MmmModel): void {
  const onExposure = model.data.channels.filter((c) => c.input !== "spend").map((c) => c.name);
  if (onExposure.length > 0)
    throw new MmmError(
      "E_BAD_OPTION",
      `Channels modelled on exposure (${onExposure.join(", ")}) cannot be planned in currency yet.`,
      {},
      "model these channels on spend to plan them (a cost per exposure unit is needed otherwise)",
    );
}

export function planBudget(
  model: MmmModel,
  draws: Float64Array,
  input: Partial<PlanOptions> = {},
): PlanResult {
  const o: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, ...input };
  checkPlannable(model);
  const context = planContext(model, o);
  const channels = context.channels;
  const names = channels.map((c) => c.name);
  const reference = channels.map((c) => c.current);
  const referenceTotal = reference.reduce((a, b) => a + b, 0);
  const { bounds, notes } = channelBounds(channels, o);
  const groups = resolveGroups(o.groups, names, bounds);
  const minTotal = bounds.reduce((s, b) => s + b[0], 0);
  const maxTotal = bounds.reduce((s, b) => s + b[1], 0);
  const flexible = o.mroiTarget !== undefined;
  let total = o.total ?? referenceTotal;
  if (!flexible && (total < minTotal - 1e-6 || total > maxTotal + 1e-6)) {
    const clipped = Math.min(maxTotal, Math.max(minTotal, total));
    notes.push(
      `The budget ${total.toFixed(0)} cannot be spent within the channel bounds (${minTotal.toFixed(0)}–${maxTotal.toFixed(0)}); planning ${clipped.toFixed(0)} instead.`,
    );
    total = clipped;
  }
  const rows = thinned(draws, model.dim, o.maxDraws ?? 1000);
  const valuer = new PlanValuer(model, o, model.data.valuePerUnit ?? 1);
  const grids = buildGrids(valuer, rows, channels, bounds, o.gridPoints);
  const neutralTotal = flexible ? Math.min(maxTotal, Math.max(minTotal, referenceTotal)) : total;
  const constraints: PlanConstraints = {
    bounds,
    groups,
    total: neutralTotal,
    related: itemRelation(channels),
  };
  const neutral = neutralPlan(reference, constraints);
  let optimum: number[];
  if (flexible) {
    optimum = flexibleOptimum(grids, constraints, o, neutral, o.mroiTarget as number);
    total = optimum.reduce((a, b) => a + b, 0);
    notes.push(
      `Flexible budget: spend ${total.toFixed(0)} (of up to ${maxTotal.toFixed(0)}) while the marginal return exceeds ${o.mroiTarget}.`,
    );
  } else {
    const baseline = allocationValues(grids, neutral);
    optimum = optimiseAllocation(grids, constraints, o.objective, baseline, neutral, o.seed ?? 1).allocation;
  }
  const gated = confidenceGate(
    valuer,
    rows,
    channels,
    { neutral, optimum, reference },
    flexible ? undefined : o.minPGain,
  );
  notes.push(...gated.notes);
  const { recommended, values } = gated;
  const gain = values.recommended.map((v, k) => v - values.neutral[k]);
  const rowsOut = planRows(
    valuer,
    rows,
    channels,
    bounds,
    { reference, neutral, recommended },
    o.horizonWeeks,
  );
  const overReference = values.recommended.map((v, k) => v - values.reference[k]);
  return {
    horizonWeeks: o.horizonWeeks,
    objective: o.objective,
    valueUnit: model.data.valuePerUnit ? model.data.currency : model.data.kpi,
    returnUnits: returnUnits(
      model.data,
      rowsOut.map((r) => r.mroi.mean),
    ),
    reference: context.referenceLabel,
    geoSplit: context.geoSplitLabel,
    total,
    referenceTotal,
    rows: rowsOut,
    referenceValue: summarise(values.reference),
    neutralValue: summarise(values.neutral),
    recommendedValue: summarise(values.recommended),
    gain: summarise(gain),
    pGain: probabilityAbove(gain, 0),
    gainOverReference: summarise(overReference),
    pGainOverReference: probabilityAbove(overReference, 0),
    decision: gated.decision,
    frontier: frontier(
      grids,
      bounds,
      groups.length > 0,
      referenceTotal,
      mean(allocationValues(grids, neutral)),
    ),
    notes,
    draws: rows.length,
  };
}

const mean = (v: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
};

/**
 * A flexible budget adds an "unspent" option worth mroiTarget per unit, so money stays unspent
 * once every channel's marginal return falls below the target. Returns the channel amounts.
 */
function flexibleOptimum(
  grids: ValueGrids,
  c: PlanConstraints,
  o: PlanOptions,
  neutral: number[],
  target: number,
): number[] {
  const minTotal = c.bounds.reduce((s, b) => s + b[0], 0);
  const maxTotal = c.bounds.reduce((s, b) => s + b[1], 0);
  const slack = maxTotal - minTotal;
  const withSlack: ValueGrids = {
    amounts: [...grids.amounts, Float64Array.of(0, slack)],
    values: [
      ...grids.values,
      Float64Array.from({ length: 2 * grids.draws }, (_, k) => (k % 2 === 0 ? 0 : target * slack)),
    ],
    draws: grids.draws,
  };
  const constraints: PlanConstraints = {
    bounds: [...c.bounds, [0, slack]],
    groups: c.groups,
    total: maxTotal,
  };
  const start = [...neutral, Math.max(0, maxTotal - neutral.reduce((a, b) => a + b, 0))];
  const baseline = allocationValues(withSlack, start);
  const best = optimiseAllocation(withSlack, constraints, o.objective, baseline, start, o.seed ?? 1);
  return best.allocation.slice(0, -1);
}

interface GateResult {
  recommended: number[];
  decision: PlanResult["decision"];
  values: { reference: Float64Array; neutral: Float64Array; recommended: Float64Array };
  notes: string[];
}

/**
 * Values every candidate exactly (the optimum, steps of a tenth back toward the neutral plan,
 * the neutral and reference plans) in one pass, and keeps the largest step that beats the
 * neutral plan in at least `minPGain` of the draws. Both ends are feasible, so every step is.
 */
function confidenceGate(
  valuer: PlanValuer,
  rows: Float64Array[],
  channels: ChannelPlanContext[],
  plans: { neutral: number[]; optimum: number[]; reference: number[] },
  minPGain: number | undefined,
): GateResult {
  const { neutral, optimum, reference } = plans;
  const steps = minPGain === undefined ? [1] : [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];
  const candidates = steps.map((t) => optimum.map((a, i) => neutral[i] + t * (a - neutral[i])));
  const values = planValues(valuer, rows, channels, [reference, neutral, ...candidates]);
  const [referenceValues, neutralValues] = values;
  const pOf = (v: Float64Array) =>
    probabilityAbove(
      v.map((x, k) => x - neutralValues[k]),
      0,
    );
  const moves = optimum.some((a, i) => Math.abs(a - neutral[i]) > 1e-9 * (1 + Math.abs(neutral[i])));
  let chosen = minPGain === undefined ? 0 : steps.findIndex((_, s) => pOf(values[2 + s]) >= minPGain);
  const notes: string[] = [];
  if (!moves) {
    chosen = -1;
  } else if (chosen < 0) {
    notes.push(
      `No move beats the neutral plan in ${Math.round(100 * (minPGain as number))}% of draws: the plan keeps the reference mix at this budget. The posterior is too uncertain to move money; gather evidence first (an experiment on the channels the optimum would move).`,
    );
  } else if (chosen > 0) {
    notes.push(
      `The full move beats the neutral plan in fewer than ${Math.round(100 * (minPGain as number))}% of draws; the plan goes ${Math.round(100 * steps[chosen])}% of the way.`,
    );
  }
  return {
    recommended: chosen < 0 ? neutral : candidates[chosen],
    decision: chosen < 0 ? "neutral" : chosen === 0 ? "optimum" : "partial",
    values: {
      reference: referenceValues,
      neutral: neutralValues,
      recommended: chosen < 0 ? neutralValues : values[2 + chosen],
    },
    notes,
  };
}

function planRows(
  valuer: PlanValuer,
  rows: Float64Array[],
  channels: ChannelPlanContext[],
  bounds: [number, number][],
  plans: { reference: number[]; neutral: number[]; recommended: number[] },
  H: number,
): PlanRow[] {
  return channels.map((c, i) => {
    const a = plans.recommended[i];
    const ref = plans.reference[i];
    // a property of the curve, so a locked channel has one too
    const m = marginalReturns(valuer, rows, c, a, ref);
    return {
      channel: c.name,
      reference: ref,
      neutral: plans.neutral[i],
      recommended: a,
      change: a - ref,
      changeShare: ref > 0 ? (a - ref) / ref : 0,
      bounds: bounds[i],
      extrapolated: a / H > c.maxWeekly * (1 + 1e-9),
      mroi: summarise(m),
    };
  });
}

/**
 * The best expected value at totals around the reference total (separable: the grid dynamic
 * programme on the mean curves is exact, no polish needed), as a gain over the neutral plan.
 */
function frontier(
  grids: ValueGrids,
  bounds: [number, number][],
  hasGroups: boolean,
  referenceTotal: number,
  neutralMean: number,
): PlanResult["frontier"] {
  if (hasGroups) return [];
  const minTotal = bounds.reduce((s, b) => s + b[0], 0);
  const maxTotal = bounds.reduce((s, b) => s + b[1], 0);
  const curves = meanCurves(grids);
  return [0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4]
    .map((f) => f * referenceTotal)
    .filter((t) => t >= minTotal - 1e-6 && t <= maxTotal + 1e-6)
    .map((t) => {
      const r = maximiseSeparable(curves, bounds, t, 200);
      return { total: t, expectedValue: r.value, expectedGain: r.value - neutralMean };
    });
}

export { objectiveValue };
