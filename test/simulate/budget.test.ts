// The lab's budget truth: the optimal allocation is feasible and at least as good as the current plan
// and any random plan, and the separable optimiser agrees with exhaustive grids on small
// sub-problems, including one where an S-shaped channel traps a local search.

import { describe, expect, it } from "vitest";
import { maximiseSeparable } from "../../src/core/separable.js";
import { channelPlanValue } from "../../src/simulate/budget.js";
import { simulateScenario } from "../../src/simulate/lab.js";
import { trueAllocationValue, truthMediaParams } from "../../src/simulate/truth.js";
import { expectRel, mulberry32, refHill, refPlanValue } from "./reference.js";

const { truth } = simulateScenario("clean", 1);
const budget = truth.budget;
const params = truthMediaParams(truth);
const names = truth.channels.map((c) => c.name);
/** The lab's own per-channel value function (the objective both optimiser and brute force see). */
const planFn = (name: string) => {
  const p = params.find((q) => q.name === name);
  if (!p) throw new Error(name);
  return (a: number) => channelPlanValue(p, budget, a);
};

/** Exhaustive search of f1(a) + f2(R − a) over `points` evenly spaced feasible values of a. */
function bruteForcePair(
  f1: (a: number) => number,
  f2: (a: number) => number,
  b1: [number, number],
  b2: [number, number],
  R: number,
  points: number,
): { a: number; value: number } {
  const lo = Math.max(b1[0], R - b2[1]);
  const hi = Math.min(b1[1], R - b2[0]);
  let best = { a: lo, value: Number.NEGATIVE_INFINITY };
  for (let k = 0; k < points; k++) {
    const a = lo + ((hi - lo) * k) / (points - 1);
    const v = f1(a) + f2(R - a);
    if (v > best.value) best = { a, value: v };
  }
  return best;
}

/**
 * Exhaustive search of f1(a1) + f2(a2) + f3(R − a1 − a2) on a 2-D grid of spacing δ over the
 * bounds, then a finer local grid (±δ) around the best cell. Returns both the coarse and refined bests.
 */
function bruteForceTriple(
  fns: ((a: number) => number)[],
  bounds: [number, number][],
  R: number,
  cells: number,
): { coarse: number; refined: number; at: number[] } {
  const delta = R / cells;
  const n1 = Math.floor((bounds[0][1] - bounds[0][0]) / delta);
  const n2 = Math.floor((bounds[1][1] - bounds[1][0]) / delta);
  const t1 = Array.from({ length: n1 + 1 }, (_, i) => fns[0](bounds[0][0] + i * delta));
  const t2 = Array.from({ length: n2 + 1 }, (_, j) => fns[1](bounds[1][0] + j * delta));
  // a3 = R − lo1 − lo2 − (i + j)·δ takes only n1 + n2 + 1 distinct values: tabulate them too
  const rest = R - bounds[0][0] - bounds[1][0];
  const t3 = Array.from({ length: n1 + n2 + 1 }, (_, k) => {
    const a3 = rest - k * delta;
    return a3 >= bounds[2][0] && a3 <= bounds[2][1] ? fns[2](a3) : Number.NEGATIVE_INFINITY;
  });
  let coarse = Number.NEGATIVE_INFINITY;
  let bi = 0;
  let bj = 0;
  for (let i = 0; i <= n1; i++) {
    for (let j = 0; j <= n2; j++) {
      const v = t1[i] + t2[j] + t3[i + j];
      if (v > coarse) {
        coarse = v;
        bi = i;
        bj = j;
      }
    }
  }
  let refined = coarse;
  let at = [bounds[0][0] + bi * delta, bounds[1][0] + bj * delta];
  at.push(R - at[0] - at[1]);
  const c1 = at[0];
  const c2 = at[1];
  const m = 60;
  for (let i = -m; i <= m; i++) {
    for (let j = -m; j <= m; j++) {
      const a1 = c1 + (i * delta) / m;
      const a2 = c2 + (j * delta) / m;
      const a3 = R - a1 - a2;
      const inside = [a1, a2, a3].every((a, k) => a >= bounds[k][0] && a <= bounds[k][1]);
      if (!inside) continue;
      const v = fns[0](a1) + fns[1](a2) + fns[2](a3);
      if (v > refined) {
        refined = v;
        at = [a1, a2, a3];
      }
    }
  }
  return { coarse, refined, at };
}

/** A uniformly-weighted random feasible allocation: lower bounds plus a Dirichlet share of the rest. */
function randomFeasible(rand: () => number, lows: number[], highs: number[], total: number): number[] {
  const free = total - lows.reduce((s, x) => s + x, 0);
  const w = lows.map(() => -Math.log(1 - rand()));
  const sw = w.reduce((s, x) => s + x, 0);
  const x = lows.map((l, i) => l + (free * w[i]) / sw);
  let excess = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] > highs[i]) {
      excess += x[i] - highs[i];
      x[i] = highs[i];
    }
  }
  const room = x.map((v, i) => highs[i] - v);
  const totalRoom = room.reduce((s, r) => s + r, 0);
  if (excess > 0) for (let i = 0; i < x.length; i++) x[i] += (excess * room[i]) / totalRoom;
  return x;
}

const toRecord = (xs: number[], keys: string[]) => Object.fromEntries(keys.map((k, i) => [k, xs[i]]));

describe("the truth's budget problem", () => {
  it("is well formed: current plan inside the bounds, total = Σ current, geo splits sum to 1", () => {
    expect(Object.keys(budget.currentAllocation).sort()).toEqual([...names].sort());
    let s = 0;
    for (const name of names) {
      const [lo, hi] = budget.bounds[name];
      const cur = budget.currentAllocation[name];
      expect(lo).toBeLessThanOrEqual(cur);
      expect(cur).toBeLessThanOrEqual(hi);
      s += cur;
      const split = budget.geoSplit[name].reduce((a, b) => a + b, 0);
      expect(split).toBeCloseTo(1, 12);
    }
    expectRel(budget.totalBudget, s, 1e-12, "total budget");
  });

  it("channel plan values match an independent recomputation from the problem's definition", () => {
    for (const c of truth.channels) {
      const f = planFn(c.name);
      for (const amount of [
        0,
        budget.bounds[c.name][0],
        budget.currentAllocation[c.name],
        budget.bounds[c.name][1],
      ]) {
        const mine = refPlanValue(c, budget, amount);
        if (amount === 0) expect(Math.abs(f(amount))).toBeLessThan(1e-9);
        else expectRel(f(amount), mine, 1e-9, `${c.name} plan value at ${amount}`);
      }
    }
    const mineCurrent = truth.channels.reduce(
      (s, c) => s + refPlanValue(c, budget, budget.currentAllocation[c.name]),
      0,
    );
    expectRel(budget.currentValue, mineCurrent, 1e-9, "current value");
    const mineOptimal = truth.channels.reduce(
      (s, c) => s + refPlanValue(c, budget, budget.optimalAllocation[c.name]),
      0,
    );
    expectRel(budget.optimalValue, mineOptimal, 1e-9, "optimal value");
  });

  it("optimal allocation respects the bounds and spends exactly the total budget", () => {
    const opt = budget.optimalAllocation;
    expect(Object.keys(opt).sort()).toEqual([...names].sort());
    let s = 0;
    for (const name of names) {
      const [lo, hi] = budget.bounds[name];
      const slack = 1e-9 * hi;
      expect(opt[name], `${name} ≥ lower bound`).toBeGreaterThanOrEqual(lo - slack);
      expect(opt[name], `${name} ≤ upper bound`).toBeLessThanOrEqual(hi + slack);
      s += opt[name];
    }
    expectRel(s, budget.totalBudget, 1e-6, "Σ optimal allocation");
  });

  it("trueAllocationValue(optimum) = optimalValue ≥ value of the current plan", () => {
    const vOpt = trueAllocationValue(truth, budget.optimalAllocation);
    const vCur = trueAllocationValue(truth, budget.currentAllocation);
    expectRel(vOpt, budget.optimalValue, 1e-12, "optimal value");
    expectRel(vCur, budget.currentValue, 1e-12, "current value");
    expect(vOpt).toBeGreaterThanOrEqual(vCur);
    expectRel(budget.optimalValueCurrency, vOpt * truth.kpi.valuePerUnit, 1e-12, "optimal value in currency");
  });

  it("the optimum beats 200 random feasible allocations", () => {
    const rand = mulberry32(20260101);
    const lows = names.map((n) => budget.bounds[n][0]);
    const highs = names.map((n) => budget.bounds[n][1]);
    const vOpt = trueAllocationValue(truth, budget.optimalAllocation);
    let bestRandom = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < 200; k++) {
      const x = randomFeasible(rand, lows, highs, budget.totalBudget);
      expectRel(
        x.reduce((s, v) => s + v, 0),
        budget.totalBudget,
        1e-12,
        "random allocation total",
      );
      x.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(lows[i] * (1 - 1e-12));
        expect(v).toBeLessThanOrEqual(highs[i] * (1 + 1e-12));
      });
      const v = trueAllocationValue(truth, toRecord(x, names));
      bestRandom = Math.max(bestRandom, v);
      expect(v, `random allocation ${k}`).toBeLessThanOrEqual(vOpt * (1 + 1e-12));
    }
    expect(bestRandom).toBeLessThan(vOpt);
  });

  it("the optimum beats 100 small feasible perturbations of itself (local optimality)", () => {
    const rand = mulberry32(7);
    const opt = names.map((n) => budget.optimalAllocation[n]);
    const vOpt = trueAllocationValue(truth, budget.optimalAllocation);
    for (let k = 0; k < 100; k++) {
      const x = [...opt];
      const i = Math.floor(rand() * names.length);
      let j = Math.floor(rand() * (names.length - 1));
      if (j >= i) j++;
      // move up to 1% of the total from j to i, within both bounds
      const want = (rand() * 0.01 + 1e-6) * budget.totalBudget;
      const d = Math.min(want, budget.bounds[names[i]][1] - x[i], x[j] - budget.bounds[names[j]][0]);
      if (d <= 0) continue;
      x[i] += d;
      x[j] -= d;
      const v = trueAllocationValue(truth, toRecord(x, names));
      expect(v, `move ${d} from ${names[j]} to ${names[i]}`).toBeLessThanOrEqual(vOpt * (1 + 1e-9));
    }
  });
});

describe("maximiseSeparable against brute force", () => {
  const pairs: [string, string][] = [
    ["paid_search", "paid_social"],
    ["tv", "paid_social"],
    ["paid_search", "online_video"],
    ["display", "podcast"],
  ];
  for (const [n1, n2] of pairs) {
    it(`2-channel sub-problem of clean (${n1}, ${n2}; others fixed at current): matches a 20001-point grid`, () => {
      const R = budget.currentAllocation[n1] + budget.currentAllocation[n2];
      const f1 = planFn(n1);
      const f2 = planFn(n2);
      const b1 = budget.bounds[n1];
      const b2 = budget.bounds[n2];
      const opt = maximiseSeparable([f1, f2], [b1, b2], R);
      expectRel(opt.allocation[0] + opt.allocation[1], R, 1e-9, "sub-problem total");
      expect(opt.allocation[0]).toBeGreaterThanOrEqual(b1[0] - 1e-9 * b1[1]);
      expect(opt.allocation[0]).toBeLessThanOrEqual(b1[1] + 1e-9 * b1[1]);
      expect(opt.allocation[1]).toBeGreaterThanOrEqual(b2[0] - 1e-9 * b2[1]);
      expect(opt.allocation[1]).toBeLessThanOrEqual(b2[1] + 1e-9 * b2[1]);
      expectRel(opt.value, f1(opt.allocation[0]) + f2(opt.allocation[1]), 1e-12, "reported value");
      const brute = bruteForcePair(f1, f2, b1, b2, R, 20001);
      // the optimiser may beat the grid (it is continuous) but never lose to it
      expect(opt.value).toBeGreaterThanOrEqual(brute.value * (1 - 1e-12));
      expectRel(opt.value, brute.value, 1e-6, `${n1}+${n2} value`);
      // and the whole-problem value with this pair optimised cannot beat the truth's optimum
      const others = Object.fromEntries(names.map((n) => [n, budget.currentAllocation[n]]));
      others[n1] = opt.allocation[0];
      others[n2] = opt.allocation[1];
      expect(trueAllocationValue(truth, others)).toBeLessThanOrEqual(budget.optimalValue * (1 + 1e-12));
    });
  }

  it("3-channel sub-problem of clean (tv, paid_search, paid_social): matches an exhaustive 2-D grid", () => {
    const trio = ["tv", "paid_search", "paid_social"];
    const fns = trio.map(planFn);
    const bounds = trio.map((n) => budget.bounds[n]);
    const R = trio.reduce((s, n) => s + budget.currentAllocation[n], 0);
    const opt = maximiseSeparable(fns, bounds, R);
    expectRel(
      opt.allocation.reduce((s, a) => s + a, 0),
      R,
      1e-9,
      "sub-problem total",
    );
    const brute = bruteForceTriple(fns, bounds, R, 1500);
    expect(opt.value).toBeGreaterThanOrEqual(brute.coarse * (1 - 1e-12));
    expect(opt.value).toBeGreaterThanOrEqual(brute.refined * (1 - 1e-12));
    // better than the refined grid only by the grid's own resolution
    expectRel(opt.value, brute.refined, 1e-5, "3-channel value");
    // the maximiser sits where the grid's best cell is (within one coarse cell)
    opt.allocation.forEach((a, i) => {
      expect(Math.abs(a - brute.at[i])).toBeLessThanOrEqual((2 * R) / 1500);
    });
  });

  it("S-shaped trap: finds the global optimum where a local search from an even split gets stuck", () => {
    // A: strongly S-shaped (Hill slope 4, half-saturation near the whole budget); B, C: concave
    const fA = (a: number) => 1000 * refHill(a, 2400, 4);
    const fB = (a: number) => 400 * (1 - Math.exp(-a / 1000));
    const fC = (a: number) => 320 * (1 - Math.exp(-a / 800));
    const fns = [fA, fB, fC];
    const total = 3000;
    const bounds: [number, number][] = [
      [0, total],
      [0, total],
      [0, total],
    ];
    const totalValue = (x: number[]) => x.reduce((s, a, i) => s + fns[i](a), 0);

    // a local search: pairwise transfers of a shrinking step while any improves, from the even split
    const x = [total / 3, total / 3, total / 3];
    for (let step = total / 1000; step > 1e-6; ) {
      let improved = false;
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          if (i === j || x[j] - step < 0) continue;
          if (fns[i](x[i] + step) + fns[j](x[j] - step) > fns[i](x[i]) + fns[j](x[j]) + 1e-12) {
            x[i] += step;
            x[j] -= step;
            improved = true;
          }
        }
      }
      if (!improved) step /= 2;
    }
    const local = totalValue(x);

    const brute = bruteForceTriple(fns, bounds, total, 1500);
    // the trap is real: the local search abandons the S-shaped channel and loses > 10%
    expect(x[0]).toBeLessThan(1);
    expect(local).toBeLessThan(0.9 * brute.refined);
    // the global optimum puts most of the money into the S-shaped channel, but not all of it
    expect(brute.at[0]).toBeGreaterThan(2000);
    expect(brute.at[0]).toBeLessThan(total - 100);

    const opt = maximiseSeparable(fns, bounds, total);
    expectRel(
      opt.allocation.reduce((s, a) => s + a, 0),
      total,
      1e-9,
      "trap total",
    );
    expect(opt.value).toBeGreaterThanOrEqual(brute.refined * (1 - 1e-12));
    expectRel(opt.value, brute.refined, 1e-6, "trap value");
    opt.allocation.forEach((a, i) => {
      expect(Math.abs(a - brute.at[i]), `channel ${i}`).toBeLessThan(5);
    });
  });

  it("S-shaped trap in two channels: a corner optimum behind a concave rival", () => {
    const fA = (a: number) => 1000 * refHill(a, 3000, 4);
    const fB = (a: number) => 160 * (1 - Math.exp(-a / 1000));
    const total = 2000;
    const bounds: [number, number][] = [
      [0, total],
      [0, total],
    ];
    // at the even split the concave channel has the higher marginal value: a local search drains A
    const h = 1e-3;
    const dA = (fA(1000 + h) - fA(1000 - h)) / (2 * h);
    const dB = (fB(1000 + h) - fB(1000 - h)) / (2 * h);
    expect(dB).toBeGreaterThan(dA);
    const brute = bruteForcePair(fA, fB, bounds[0], bounds[1], total, 20001);
    expect(brute.value).toBeGreaterThan(fB(total) * 1.1);
    const opt = maximiseSeparable([fA, fB], bounds, total);
    expect(opt.value).toBeGreaterThanOrEqual(brute.value * (1 - 1e-12));
    expectRel(opt.value, brute.value, 1e-6, "two-channel trap value");
  });
});

describe("maximiseSeparable at the edges of the feasible budget range", () => {
  const f = (a: number) => Math.sqrt(a);
  const bounds: [number, number][] = [
    [1, 5],
    [1, 5],
    [1, 5],
  ];

  it("a channel with lo = hi stays fixed and the rest is optimised", () => {
    const r = maximiseSeparable(
      [f, f, f],
      [
        [2, 2],
        [1, 10],
        [1, 10],
      ],
      10,
    );
    expect(r.allocation[0]).toBe(2);
    expect(r.allocation[1]).toBeCloseTo(4, 9);
    expect(r.allocation[2]).toBeCloseTo(4, 9);
  });

  // Regression test (maximiseSeparable); the bug was: a total equal to (or within about n grid units
  // of) the sum of the upper bounds is feasible, but maxUnits = floor((hi − lo)/unit) truncates each
  // channel's range, Σ maxUnits < steps, and the DP throws "no feasible grid allocation". Here
  // free = 12, unit = 0.006, maxUnits = 666 each, 1998 < 2000. Expected: allocation [5, 5, 5].
  it("a total equal to the sum of the upper bounds returns the upper bounds", () => {
    const r = maximiseSeparable([f, f, f], bounds, 15);
    r.allocation.forEach((a) => {
      expect(a).toBeCloseTo(5, 9);
    });
  });

  // Regression test; the bug was: a total equal to the sum of the lower bounds is feasible (only the lower
  // bounds), but free = 0 makes unit = 0 and every maxUnits 0, so best[steps] stays −∞ and it
  // throws "no feasible grid allocation". Expected: allocation [1, 1, 1].
  it("a total equal to the sum of the lower bounds returns the lower bounds", () => {
    const r = maximiseSeparable([f, f, f], bounds, 3);
    r.allocation.forEach((a) => {
      expect(a).toBeCloseTo(1, 9);
    });
  });
});
