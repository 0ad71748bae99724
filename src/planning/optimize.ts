// Budget optimisation over posterior draws. Each channel's plan value is tabulated per draw on a
// grid of spend levels; an allocation's value per draw is the sum of interpolated channel values.
// The expected value is separable and is maximised globally by a grid dynamic programme (S-shaped
// curves included); risk-aware objectives (a quantile, CVaR, mean − λ·sd, P(gain > 0)) are not
// separable and are polished from several starts by pairwise transfers that respect every bound
// and group cap. Carryover after the horizon is credited, so money cannot be borrowed from it.

import { Rng } from "../core/rng.js";
import { goldenSectionMax, maximiseSeparable } from "../core/separable.js";
import { type PlanConstraints, repair, transferRange } from "./constraints.js";
import type { ChannelPlanContext } from "./context.js";
import type { PlanValuer } from "./planValue.js";

export type Objective =
  | { kind: "mean" }
  | { kind: "quantile"; q: number }
  | { kind: "cvar"; alpha: number }
  | { kind: "mean_sd"; lambda: number }
  | { kind: "p_gain" };

export interface ValueGrids {
  /** Per channel: grid of amounts (ascending). */
  amounts: Float64Array[];
  /** Per channel: values, row-major draws × grid points. */
  values: Float64Array[];
  draws: number;
}

/** Tabulates each channel's plan value for every draw on `points` amounts between its bounds. */
export function buildGrids(
  valuer: PlanValuer,
  rows: Float64Array[],
  contexts: ChannelPlanContext[],
  bounds: [number, number][],
  points = 81,
): ValueGrids {
  const amounts = bounds.map(([lo, hi]) =>
    hi > lo
      ? Float64Array.from({ length: points }, (_, k) => lo + ((hi - lo) * k) / (points - 1))
      : Float64Array.of(lo),
  );
  const values = contexts.map((ctx, c) => {
    const grid = amounts[c];
    const v = new Float64Array(rows.length * grid.length);
    const buf = new Float64Array(grid.length);
    rows.forEach((x, k) => {
      valuer.channelValues(x, ctx, grid, buf);
      v.set(buf, k * grid.length);
    });
    return v;
  });
  return { amounts, values, draws: rows.length };
}

/**
 * Adds `sign` × channel c's value at amount `a` (linear interpolation, clamped to the grid) to
 * `out` for every draw. The grid cell is found once for all draws: this is the optimiser's
 * innermost loop.
 */
export function addChannelValues(g: ValueGrids, c: number, a: number, out: Float64Array, sign = 1): void {
  const grid = g.amounts[c];
  const n = grid.length;
  const vals = g.values[c];
  let i = 0;
  let f = 0;
  if (n > 1 && a >= grid[n - 1]) i = n - 1;
  else if (n > 1 && a > grid[0]) {
    const pos = ((a - grid[0]) / (grid[n - 1] - grid[0])) * (n - 1);
    i = Math.min(n - 2, Math.floor(pos));
    f = pos - i;
  }
  if (f === 0) {
    for (let k = 0, r = i; k < g.draws; k++, r += n) out[k] += sign * vals[r];
  } else {
    const w0 = sign * (1 - f);
    const w1 = sign * f;
    for (let k = 0, r = i; k < g.draws; k++, r += n) out[k] += w0 * vals[r] + w1 * vals[r + 1];
  }
}

/** Value of an allocation per draw. */
export function allocationValues(g: ValueGrids, alloc: ArrayLike<number>): Float64Array {
  const out = new Float64Array(g.draws);
  for (let c = 0; c < g.amounts.length; c++) addChannelValues(g, c, alloc[c], out);
  return out;
}

/**
 * Each channel's expected value as a function of its amount (under normalised draw weights, if
 * given). Interpolation is linear in the tabulated values and every draw shares the grid, so the
 * mean of the interpolants is the interpolant of the mean values: one pass over the draws.
 */
export function meanCurves(g: ValueGrids, weights?: ArrayLike<number>): ((a: number) => number)[] {
  return g.amounts.map((grid, c) => {
    const n = grid.length;
    const mean = new Float64Array(n);
    const vals = g.values[c];
    if (weights === undefined) {
      for (let k = 0; k < g.draws; k++) for (let p = 0; p < n; p++) mean[p] += vals[k * n + p] / g.draws;
    } else {
      // a reweighted posterior (normalised weights); draws with no weight left cost nothing
      for (let k = 0; k < g.draws; k++) {
        const wk = weights[k];
        if (wk < 1e-12) continue;
        for (let p = 0; p < n; p++) mean[p] += wk * vals[k * n + p];
      }
    }
    const single: ValueGrids = { amounts: [grid], values: [mean], draws: 1 };
    const out = new Float64Array(1);
    return (a: number) => {
      out[0] = 0;
      addChannelValues(single, 0, a, out);
      return out[0];
    };
  });
}

let gainScratch = new Float64Array(0);

/**
 * The objective of an allocation whose value per draw is `v`. Risk is measured on the gain over
 * the current plan, draw by draw (v − baseline): "in 75% of the plausible worlds the plan gains at
 * least this much" — not on the value itself, whose spread is mostly shared by every plan.
 */
export function objectiveValue(value: Float64Array, baseline: Float64Array, obj: Objective): number {
  const n = value.length;
  // one scratch buffer (selection below reorders it in place): this runs thousands of times a plan
  if (gainScratch.length !== n) gainScratch = new Float64Array(n);
  const v = gainScratch;
  for (let k = 0; k < n; k++) v[k] = value[k] - baseline[k];
  let mean = 0;
  for (let k = 0; k < n; k++) mean += v[k] / n;
  switch (obj.kind) {
    case "mean":
      return mean;
    case "quantile": {
      // type-7 quantile by selection (linear time), as this runs thousands of times per plan
      const h = (n - 1) * obj.q;
      const lo = Math.floor(h);
      const scratch = v;
      const a = select(scratch, lo);
      if (lo + 1 >= n || h === lo) return a;
      let b = Number.POSITIVE_INFINITY;
      for (let k = lo + 1; k < n; k++) if (scratch[k] < b) b = scratch[k];
      return a + (h - lo) * (b - a);
    }
    case "cvar": {
      const m = Math.max(1, Math.floor(obj.alpha * n));
      const scratch = v;
      select(scratch, m - 1);
      let s = 0;
      for (let k = 0; k < m; k++) s += scratch[k];
      return s / m;
    }
    case "mean_sd": {
      let ss = 0;
      for (let k = 0; k < n; k++) ss += (v[k] - mean) ** 2;
      return mean - obj.lambda * (n > 1 ? Math.sqrt(ss / (n - 1)) : 0);
    }
    case "p_gain": {
      let wins = 0;
      for (let k = 0; k < n; k++) if (v[k] > 0) wins++;
      // the expected value breaks ties between allocations with the same probability
      return wins / n + 1e-9 * mean;
    }
  }
}

/** Quickselect: puts the k-th smallest value at index k (smaller ones before it) and returns it. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

export interface OptimiseResult {
  allocation: number[];
  objective: number;
  perDraw: Float64Array;
  starts: number;
}

/**
 * Maximises the objective over allocations meeting the constraints. `baseline` is the value per
 * draw of `anchor`, the feasible plan the gain is measured against (the neutral plan).
 */
export function optimiseAllocation(
  g: ValueGrids,
  c: PlanConstraints,
  obj: Objective,
  baseline: Float64Array,
  anchor: number[],
  seed = 1,
): OptimiseResult {
  const n = g.amounts.length;
  // start 1: the expected-value optimum, global on the grid
  const dp = maximiseSeparable(meanCurves(g), c.bounds, c.total, 400).allocation;
  // the dynamic programme's optimum is global for the mean; risk objectives also start from the
  // neutral plan and from one random feasible point (their optimum can sit in another basin)
  const starts: number[][] = [repair(dp, c)];
  if (obj.kind !== "mean") {
    starts.push(repair(anchor, c));
    const rng = new Rng(`optimise:${seed}`);
    const w = Array.from({ length: n }, () => rng.uniform());
    const lo = c.bounds.reduce((s, b) => s + b[0], 0);
    const sw = w.reduce((s, v) => s + v, 0);
    starts.push(
      repair(
        c.bounds.map((b, i) => b[0] + ((c.total - lo) * w[i]) / sw),
        c,
      ),
    );
  }
  let best: OptimiseResult | null = null;
  for (const start of starts) {
    const a = [...start];
    const v = allocationValues(g, a);
    let current_ = objectiveValue(v, baseline, obj);
    for (let sweep = 0; sweep < 30; sweep++) {
      let improved = false;
      for (let i = 0; i < n; i++) {
        // one order per pair: the transfer range covers both directions
        for (let j = i + 1; j < n; j++) {
          if (c.related && !c.related(i, j)) continue;
          const [lo, hi] = transferRange(a, i, j, c);
          if (!(hi - lo > 1e-6 * (1 + c.total))) continue;
          // value per draw with the transfer d applied: channels i and j are swapped out once
          const rest = Float64Array.from(v);
          addChannelValues(g, i, a[i], rest, -1);
          addChannelValues(g, j, a[j], rest, -1);
          const trial = new Float64Array(g.draws);
          const evalAt = (d: number) => {
            trial.set(rest);
            addChannelValues(g, i, a[i] + d, trial);
            addChannelValues(g, j, a[j] - d, trial);
            return objectiveValue(trial, baseline, obj);
          };
          // a coarse scan finds the best basin (curves may be S-shaped), golden section refines it
          const pts = 12;
          let bestD = 0;
          let bestF = current_;
          for (let s = 0; s <= pts; s++) {
            const d = lo + ((hi - lo) * s) / pts;
            const f = evalAt(d);
            if (f > bestF) {
              bestF = f;
              bestD = d;
            }
          }
          const width = (hi - lo) / pts;
          const dRefined = goldenSectionMax(
            evalAt,
            Math.max(lo, bestD - width),
            Math.min(hi, bestD + width),
            20,
          );
          const fRefined = evalAt(dRefined);
          const [d, f] = fRefined > bestF ? [dRefined, fRefined] : [bestD, bestF];
          if (f > current_ + 1e-12 * Math.max(1, Math.abs(current_)) && d !== 0) {
            v.set(rest);
            addChannelValues(g, i, a[i] + d, v);
            addChannelValues(g, j, a[j] - d, v);
            a[i] += d;
            a[j] -= d;
            current_ = f;
            improved = true;
          }
        }
      }
      if (!improved) break;
    }
    if (!best || current_ > best.objective)
      best = { allocation: a, objective: current_, perDraw: Float64Array.from(v), starts: starts.length };
  }
  return best!;
}
