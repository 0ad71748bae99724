// Budget problems as planners state them, with their true answers: "spend B over the next 13
// weeks, flat; each channel between 0.5× and 2× of an anchor". The reference plan is the last 13
// weeks' run-rate; budgets range from a 30% cut to a 30% rise; some anchors are not the reference,
// so the reference lies outside its bounds. Each problem carries the true value of the reference,
// of the neutral plan (the reference scaled to B and projected onto the bounds) and of the optimum.

import { Rng } from "../core/rng.js";
import { scaleIntoBounds } from "../core/separable.js";
import { type BudgetProblem, planValue, solveBudget } from "./budget.js";
import type { SimulatedDataset } from "./lab.js";
import { truthMediaParams } from "./truth.js";

export interface PlanningProblem {
  id: string;
  horizonWeeks: number;
  carryoverWeeks: number;
  /** The last `referenceWeeks` weeks' run-rate per channel, over the horizon. */
  referenceWeeks: number;
  reference: Record<string, number>;
  budget: number;
  bounds: Record<string, [number, number]>;
  /** What each channel's bounds are anchored on. */
  anchors: Record<string, "reference" | "year" | "other">;
  /** Channels whose reference amount lies outside their bounds. */
  referenceOutside: string[];
  neutral: Record<string, number>;
  optimum: Record<string, number>;
  /** True incremental KPI of each plan (the lab's value function). */
  referenceValue: number;
  neutralValue: number;
  optimalValue: number;
}

function nationalWeekly(ds: SimulatedDataset, channel: string): Float64Array {
  const t = ds.table;
  const T = t.weeks.length;
  const name = t.channels.find((c) => c.name === channel)?.spend;
  const col = t.columns.find((c) => c.name === name);
  if (!col) throw new Error(`lab table has no spend column for '${channel}'`);
  const out = new Float64Array(T);
  for (let g = 0; g < t.geos.length; g++) for (let w = 0; w < T; w++) out[w] += col.values[g * T + w];
  return out;
}

function runRate(weekly: Float64Array, weeks: number, horizon: number): number {
  let s = 0;
  for (let w = weekly.length - weeks; w < weekly.length; w++) s += weekly[w];
  return (s / weeks) * horizon;
}

/** `count` budget problems for a lab dataset, deterministic in (dataset, seed). */
export function planningProblems(ds: SimulatedDataset, seed: number, count: number): PlanningProblem[] {
  const truth = ds.truth;
  const media = truthMediaParams(truth);
  const names = media.map((m) => m.name);
  const H = truth.budget.horizonWeeks;
  const referenceWeeks = 13;
  const reference = names.map((n) => runRate(nationalWeekly(ds, n), referenceWeeks, H));
  const year = names.map((n) => runRate(nationalWeekly(ds, n), Math.min(52, ds.table.weeks.length), H));
  const rng = new Rng(`planning-problems:${truth.scenario}:${truth.seed}:${seed}`);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return Array.from({ length: count }, (_, p) => {
    const anchors = names.map((_, i): "reference" | "year" | "other" => {
      // a channel dark last quarter is anchored on its year, so it can restart
      if (reference[i] < 0.1 * year[i]) return "year";
      const u = rng.uniform();
      return u < 0.6 ? "reference" : u < 0.85 ? "year" : "other";
    });
    const anchorAmount = names.map((_, i) =>
      anchors[i] === "reference"
        ? reference[i]
        : anchors[i] === "year"
          ? year[i]
          : reference[i] * rng.logNormal(0, 0.5),
    );
    const bounds = anchorAmount.map((a): [number, number] => [0.5 * a, 2 * a]);
    const lo = sum(bounds.map((b) => b[0]));
    const hi = sum(bounds.map((b) => b[1]));
    const wanted = sum(reference) * rng.uniformIn(0.7, 1.3);
    const budget = Math.min(0.98 * hi, Math.max(1.02 * lo, wanted));
    const problem: BudgetProblem = {
      ...truth.budget,
      totalBudget: budget,
      currentAllocation: Object.fromEntries(names.map((n, i) => [n, reference[i]])),
      bounds: Object.fromEntries(names.map((n, i) => [n, bounds[i]])),
    };
    const neutral = new Array<number>(names.length).fill(0);
    scaleIntoBounds(
      reference,
      bounds,
      names.map((_, i) => i),
      budget,
      neutral,
    );
    const solution = solveBudget(media, problem);
    const record = (xs: number[]) => Object.fromEntries(names.map((n, i) => [n, xs[i]]));
    return {
      id: `${truth.scenario}:${truth.seed}:${seed}:${p + 1}`,
      horizonWeeks: H,
      carryoverWeeks: truth.budget.carryoverWeeks,
      referenceWeeks,
      reference: record(reference),
      budget,
      bounds: problem.bounds,
      anchors: Object.fromEntries(names.map((n, i) => [n, anchors[i]])),
      referenceOutside: names.filter((_, i) => reference[i] < bounds[i][0] || reference[i] > bounds[i][1]),
      neutral: record(neutral),
      optimum: solution.allocation,
      referenceValue: planValue(media, problem, record(reference)),
      neutralValue: planValue(media, problem, record(neutral)),
      optimalValue: solution.value,
    };
  });
}
