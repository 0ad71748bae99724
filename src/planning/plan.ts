// The planner: from a fitted model's draws to a recommended next-quarter allocation — bounds from
// the user's constraints and the guardrails (±x% of current spend, locked channels, ramp limits,
// group caps, no extrapolation beyond the spend seen), the risk-aware objective, the gain over the
// current plan per draw, marginal ROI at the optimum, and the budget frontier.

import { thinned } from "../analysis/measures.js";
import { type Interval, summarise } from "../analysis/summaries.js";
import { maximiseSeparable } from "../core/separable.js";
import type { MmmModel } from "../model/mmm.js";
import {
  allocationValues,
  buildGrids,
  interp,
  type Objective,
  objectiveValue,
  optimiseAllocation,
  type PlanConstraints,
  repair,
} from "./optimize.js";
import { type HorizonSettings, PlanValuer, planContexts } from "./planValue.js";

export interface PlanOptions extends HorizonSettings {
  objective: Objective;
  /** Fixed total for the horizon; default: the current run-rate. */
  total?: number;
  /** Flexible budget: spend while the marginal return (value per currency unit) exceeds this. */
  mroiTarget?: number;
  /** ± share of current spend a channel may move (guardrail), e.g. 0.3. */
  maxChange?: number;
  minimum?: Record<string, number>;
  maximum?: Record<string, number>;
  locked?: string[];
  /** Weekly spend may differ from the last 4 weeks' average by at most this share. */
  rampLimit?: number;
  groups?: { name: string; members: string[]; cap: number }[];
  /** Cap each channel's weekly spend at the largest week seen in the data. */
  forbidExtrapolation?: boolean;
  /**
   * Confidence gate: if the optimised plan beats the current one in fewer than this share of
   * draws, step back toward the current plan until it does (or keep the current plan).
   */
  minPGain?: number;
  maxDraws?: number;
  gridPoints?: number;
  seed?: number;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  horizonWeeks: 13,
  // conservative defaults, chosen on the lab's scenarios (bench/planning.ts): the 25th percentile
  // of the gain, not its mean, so money does not move on noise; ±50% guardrails; no
  // extrapolation; and no move unless it beats the current plan in 90% of draws
  objective: { kind: "quantile", q: 0.25 },
  maxChange: 0.5,
  forbidExtrapolation: true,
  minPGain: 0.9,
  maxDraws: 1000,
  gridPoints: 81,
};

export interface PlanRow {
  channel: string;
  current: number;
  recommended: number;
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
  total: number;
  currentTotal: number;
  rows: PlanRow[];
  /** Value of the recommended plan minus the current one, per draw, summarised. */
  gain: Interval;
  pGain: number;
  currentValue: Interval;
  recommendedValue: Interval;
  frontier: { total: number; expectedValue: number; expectedGain: number }[];
  notes: string[];
}

export function planBudget(
  model: MmmModel,
  draws: Float64Array,
  input: Partial<PlanOptions> = {},
): PlanResult {
  const o: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, ...input };
  const value = model.data.valuePerUnit ?? 1;
  const contexts = planContexts(model, o);
  const names = contexts.map((c) => c.name);
  const idx = (name: string) => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`unknown channel '${name}' (channels: ${names.join(", ")})`);
    return i;
  };
  const current = contexts.map((c) => c.current);
  const currentTotal = current.reduce((a, b) => a + b, 0);
  const H = o.horizonWeeks;
  const notes: string[] = [];
  // bounds: the intersection of every constraint and guardrail
  const bounds: [number, number][] = contexts.map((c) => {
    let lo = 0;
    let hi = Number.POSITIVE_INFINITY;
    if (o.maxChange !== undefined) {
      lo = Math.max(lo, c.current * (1 - o.maxChange));
      hi = Math.min(hi, c.current * (1 + o.maxChange));
    }
    if (o.rampLimit !== undefined) {
      lo = Math.max(lo, H * c.lastWeekly * (1 - o.rampLimit));
      hi = Math.min(hi, H * c.lastWeekly * (1 + o.rampLimit));
    }
    if (o.forbidExtrapolation) hi = Math.min(hi, H * c.maxWeekly);
    if (o.minimum?.[c.name] !== undefined) lo = Math.max(lo, o.minimum[c.name]);
    if (o.maximum?.[c.name] !== undefined) hi = Math.min(hi, o.maximum[c.name]);
    if (o.locked?.includes(c.name)) {
      lo = c.current;
      hi = c.current;
    }
    if (!Number.isFinite(hi)) hi = Math.max(3 * c.current, lo);
    if (hi < lo) {
      notes.push(
        `${c.name}: its constraints conflict (minimum ${lo.toFixed(0)} above maximum ${hi.toFixed(0)}); held at the minimum.`,
      );
      hi = lo;
    }
    return [lo, hi];
  });
  for (const name of [...Object.keys(o.minimum ?? {}), ...Object.keys(o.maximum ?? {}), ...(o.locked ?? [])])
    idx(name);
  const groups = (o.groups ?? []).map((g) => ({ name: g.name, members: g.members.map(idx), cap: g.cap }));
  for (const [i, g] of groups.entries()) {
    for (const h of groups.slice(i + 1)) {
      if (g.members.some((m) => h.members.includes(m)))
        throw new Error(
          `groups '${g.name}' and '${h.name}' share a channel; give each channel at most one group`,
        );
    }
    const floor = g.members.reduce((s, m) => s + bounds[m][0], 0);
    if (g.cap < floor)
      throw new Error(
        `group '${g.name}' has a cap of ${g.cap.toFixed(0)}, below its channels' minimum spend ${floor.toFixed(0)} (guardrails and minimums); raise the cap or relax --max-change/--min`,
      );
  }
  const channelsOnExposure = model.data.channels.filter((c) => c.input !== "spend").map((c) => c.name);
  if (channelsOnExposure.length > 0)
    throw new Error(
      `channels modelled on exposure (${channelsOnExposure.join(", ")}) cannot be planned in currency yet (a cost per exposure unit is needed)`,
    );

  // a flexible budget adds an "unspent" option worth mroiTarget per unit, so money stays unspent
  // once every channel's marginal return falls below the target
  const flexible = o.mroiTarget !== undefined;
  const maxTotal = bounds.reduce((s, b) => s + b[1], 0);
  const minTotal = bounds.reduce((s, b) => s + b[0], 0);
  let total = o.total ?? currentTotal;
  if (!flexible && (total < minTotal - 1e-6 || total > maxTotal + 1e-6)) {
    const clipped = Math.min(maxTotal, Math.max(minTotal, total));
    notes.push(
      `The budget ${total.toFixed(0)} cannot be spent within the channel bounds (${minTotal.toFixed(0)}–${maxTotal.toFixed(0)}); planning ${clipped.toFixed(0)} instead.`,
    );
    total = clipped;
  }
  const rows = thinned(draws, model.dim, o.maxDraws ?? 1000);
  const valuer = new PlanValuer(model, o, value);
  const grids = buildGrids(valuer, rows, contexts, bounds, o.gridPoints);
  if (flexible) {
    const target = o.mroiTarget as number;
    total = maxTotal;
    bounds.push([0, maxTotal - minTotal]);
    grids.amounts.push(Float64Array.from([0, maxTotal - minTotal]));
    grids.values.push(
      Float64Array.from({ length: 2 * rows.length }, (_, k) =>
        k % 2 === 0 ? 0 : target * (maxTotal - minTotal),
      ),
    );
  }
  const constraints: PlanConstraints = { bounds, groups, total };
  const currentPlan = flexible ? [...current, Math.max(0, maxTotal - currentTotal)] : current;
  const baseline = allocationValues(grids, currentPlan);
  const best = optimiseAllocation(grids, constraints, o.objective, baseline, currentPlan, o.seed ?? 1);
  let allocation = best.allocation;
  let perDraw = best.perDraw;
  if (flexible) {
    // the unspent option's value is not KPI value: report channel values only
    const unspent = allocation[allocation.length - 1];
    allocation = allocation.slice(0, -1);
    grids.amounts.pop();
    grids.values.pop();
    bounds.pop();
    total = maxTotal - unspent;
    perDraw = allocationValues(grids, allocation);
    notes.push(
      `Flexible budget: spend ${total.toFixed(0)} (of up to ${maxTotal.toFixed(0)}) while the marginal return exceeds ${o.mroiTarget}.`,
    );
  }
  const currentValues = allocationValues(grids, current);
  if (o.minPGain !== undefined && !flexible) {
    const pOf = (a: number[]) => {
      const v = allocationValues(grids, a);
      let wins = 0;
      for (let k = 0; k < v.length; k++) if (v[k] > currentValues[k]) wins++;
      return wins / v.length;
    };
    if (pOf(allocation) < o.minPGain) {
      // the largest step toward the optimum that clears the gate, from the current plan made
      // feasible (both ends meet every constraint, so every point between them does)
      const from = repair(current, constraints);
      const at = (t: number) => allocation.map((a, i) => from[i] + t * (a - from[i]));
      let chosen = 0;
      for (let t = 0.9; t > 0.05; t -= 0.1) {
        if (pOf(at(t)) >= o.minPGain) {
          chosen = t;
          break;
        }
      }
      notes.push(
        chosen > 0
          ? `The full move beats the current plan in fewer than ${100 * o.minPGain}% of draws; the plan goes ${(100 * chosen).toFixed(0)}% of the way.`
          : `No move beats the current plan in ${100 * o.minPGain}% of draws: keep the current plan (or gather evidence first).`,
      );
      allocation = at(chosen);
      perDraw = allocationValues(grids, allocation);
    }
  }
  const gain = perDraw.map((v, k) => v - currentValues[k]);
  const resultRows: PlanRow[] = contexts.map((c, i) => {
    const a = allocation[i];
    const step = Math.max(1, 0.01 * Math.max(a, c.current));
    const m = new Float64Array(grids.draws);
    for (let k = 0; k < grids.draws; k++) {
      const lo = Math.max(bounds[i][0], a - step);
      const hi = Math.min(bounds[i][1], a + step);
      m[k] = hi > lo ? (interp(grids, i, k, hi) - interp(grids, i, k, lo)) / (hi - lo) : Number.NaN;
    }
    return {
      channel: c.name,
      current: c.current,
      recommended: a,
      change: a - c.current,
      changeShare: c.current > 0 ? (a - c.current) / c.current : 0,
      bounds: bounds[i],
      extrapolated: a / H > c.maxWeekly * (1 + 1e-9),
      mroi: summarise(
        m.filter((v) => !Number.isNaN(v)).length
          ? m.filter((v) => !Number.isNaN(v))
          : Float64Array.of(Number.NaN),
      ),
    };
  });
  // the frontier: the best expected value at totals around the current one (separable: the
  // grid dynamic programme on the mean curves is exact, no polish needed)
  const meanCurves = grids.amounts.map((_, i) => (a: number) => {
    let s = 0;
    for (let k = 0; k < grids.draws; k++) s += interp(grids, i, k, a);
    return s / grids.draws;
  });
  const base = currentValues.reduce((s, v) => s + v, 0) / currentValues.length;
  const frontier = [0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4]
    .map((f) => f * currentTotal)
    .filter((t) => t >= minTotal - 1e-6 && t <= maxTotal + 1e-6 && groups.length === 0)
    .map((t) => {
      const r = maximiseSeparable(meanCurves, bounds, t, 200);
      return { total: t, expectedValue: r.value, expectedGain: r.value - base };
    });
  return {
    horizonWeeks: H,
    objective: o.objective,
    valueUnit: model.data.valuePerUnit ? model.data.currency : model.data.kpi,
    total,
    currentTotal,
    rows: resultRows,
    gain: summarise(gain),
    pGain: gain.filter((v) => v > 0).length / gain.length,
    currentValue: summarise(currentValues),
    recommendedValue: summarise(perDraw),
    frontier,
    notes,
  };
}

export { objectiveValue };
