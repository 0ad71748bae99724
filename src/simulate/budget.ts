// The lab's budget problem and its exact solution. A plan is a total spend per channel over a
// 13-week horizon, spent flat and split across geos as in the last year; its value is the
// incremental KPI it causes during the horizon and in the carryover weeks after it, given the
// carryover already in flight from history. Channels are additive, so the value is a sum of
// one-dimensional functions, which a grid dynamic programme optimises globally (S-shaped curves
// included) before a continuous polish.

import { maximiseSeparable } from "../core/separable.js";
import { type ChannelTruthParams, channelContribution } from "./response.js";

export interface BudgetProblem {
  horizonWeeks: number;
  /** Weeks after the horizon whose carryover is credited to the plan. */
  carryoverWeeks: number;
  flighting: "flat";
  totalBudget: number;
  currentAllocation: Record<string, number>;
  bounds: Record<string, [number, number]>;
  /** Share of each channel's spend going to each geo (sums to 1 per channel). */
  geoSplit: Record<string, number[]>;
  /** Last weeks of history spend per channel and geo (USD), whose carryover reaches the horizon. */
  historyTail: Record<string, number[][]>;
}

export interface BudgetSolution {
  allocation: Record<string, number>;
  /** Incremental KPI of the allocation. */
  value: number;
  /** d value / d spend per channel at the allocation (KPI per USD). */
  marginalValue: Record<string, number>;
}

/** Incremental KPI of spending `amount` on one channel over the horizon (flat weekly, split by geo). */
export function channelPlanValue(p: ChannelTruthParams, problem: BudgetProblem, amount: number): number {
  const H = problem.horizonWeeks;
  const tailAfter = problem.carryoverWeeks;
  const split = problem.geoSplit[p.name];
  const history = problem.historyTail[p.name];
  let value = 0;
  for (let g = 0; g < split.length; g++) {
    const past = history[g];
    const n = past.length + H + tailAfter;
    const withPlan = new Float64Array(n);
    const withoutPlan = new Float64Array(n);
    withPlan.set(past);
    withoutPlan.set(past);
    const weekly = (amount * split[g]) / H;
    for (let t = 0; t < H; t++) withPlan[past.length + t] = weekly;
    const a = channelContribution(p, g, withPlan);
    const b = channelContribution(p, g, withoutPlan);
    for (let t = past.length; t < n; t++) value += a[t] - b[t];
  }
  return value;
}

/** Total incremental KPI of an allocation; channels missing from it get zero spend. */
export function planValue(
  channels: ChannelTruthParams[],
  problem: BudgetProblem,
  allocation: Record<string, number>,
): number {
  let v = 0;
  for (const p of channels) v += channelPlanValue(p, problem, allocation[p.name] ?? 0);
  return v;
}

/** Solves the lab's budget problem exactly. */
export function solveBudget(channels: ChannelTruthParams[], problem: BudgetProblem): BudgetSolution {
  const fns = channels.map((p) => (a: number) => channelPlanValue(p, problem, a));
  const bounds = channels.map((p) => problem.bounds[p.name]);
  const { allocation, value } = maximiseSeparable(fns, bounds, problem.totalBudget);
  const result: Record<string, number> = {};
  const marginal: Record<string, number> = {};
  channels.forEach((p, i) => {
    result[p.name] = allocation[i];
    const h = Math.max(1, allocation[i] * 1e-5);
    marginal[p.name] =
      (fns[i](allocation[i] + h) - fns[i](Math.max(0, allocation[i] - h))) /
      (allocation[i] + h - Math.max(0, allocation[i] - h));
  });
  return { allocation: result, value, marginalValue: marginal };
}
