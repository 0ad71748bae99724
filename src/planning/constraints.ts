// The feasible set of a budget plan: each channel's bounds from the user's limits and the default
// guardrails, disjoint group caps and the total; the neutral plan (the reference plan scaled to
// the budget and projected onto the bounds) that every recommendation must beat; repair of any
// allocation into the set.

import { MmmError } from "../core/errors.js";
import { scaleIntoBounds } from "../core/separable.js";
import type { ChannelPlanContext } from "./context.js";

export interface PlanConstraints {
  /** Absolute bounds on each channel's horizon spend. */
  bounds: [number, number][];
  /** Channel groups with a shared cap on their total. */
  groups: { members: number[]; cap: number }[];
  total: number;
  /**
   * Which pairs of items the local search trades money between (default: all). A by-geo plan has
   * channels × geos items: trading only within a channel (across geos) or within a geo (across
   * channels) keeps the search near-linear in items instead of quadratic.
   */
  related?: (i: number, j: number) => boolean;
}

export interface BoundOptions {
  horizonWeeks: number;
  /** ± share of the reference spend a channel may move (a default guardrail), e.g. 0.5. */
  maxChange?: number;
  /** Weekly spend may differ from the last 4 weeks' average by at most this share. */
  rampLimit?: number;
  /** Cap each channel's weekly spend at the largest week seen in the data. */
  forbidExtrapolation?: boolean;
  /** The user's limits (horizon totals). They replace the guardrails on the side they set. */
  minimum?: ReadonlyMap<string, number>;
  maximum?: ReadonlyMap<string, number>;
  /** Channels held at their reference spend. */
  locked?: readonly string[];
}

/**
 * Each channel's [min, max] horizon spend. The guardrails (± max change around the reference,
 * ramp, no extrapolation) are defaults: where the user states a limit, it replaces them on that
 * side, so a stated range is always honoured, even when the reference plan lies outside it.
 */
export function channelBounds(
  channels: ChannelPlanContext[],
  o: BoundOptions,
): { bounds: [number, number][]; notes: string[] } {
  const H = o.horizonWeeks;
  const notes: string[] = [];
  const known = new Set(channels.map((c) => c.name));
  const check = (names: Iterable<string>, option: string) => {
    for (const name of names)
      if (!known.has(name))
        throw new MmmError(
          "E_BAD_OPTION",
          `Unknown channel '${name}' in ${option}.`,
          { option },
          `use the model's channels: ${[...known].join(", ")}`,
        );
  };
  check(o.minimum?.keys() ?? [], "--min");
  check(o.maximum?.keys() ?? [], "--max");
  check(o.locked ?? [], "--lock");
  const bounds = channels.map((c): [number, number] => {
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
    const min = o.minimum?.get(c.name);
    const max = o.maximum?.get(c.name);
    if (min !== undefined && max !== undefined && min > max)
      throw new MmmError(
        "E_BAD_OPTION",
        `${c.name}: the minimum ${min} is above the maximum ${max}.`,
        { option: "--min" },
        "give a minimum at or below the maximum",
      );
    if (min !== undefined) lo = min;
    if (max !== undefined) hi = max;
    if (o.locked?.includes(c.name)) {
      lo = c.current;
      hi = c.current;
    }
    if (!Number.isFinite(hi)) hi = Math.max(3 * c.current, lo);
    if (hi < lo) {
      // a stated limit beyond a default guardrail: the statement wins
      if (min !== undefined) hi = lo;
      else lo = hi;
      notes.push(
        `${c.name}: the stated ${min !== undefined ? "minimum" : "maximum"} lies beyond the default guardrails; the stated limit is used.`,
      );
    }
    return [lo, hi];
  });
  return { bounds, notes };
}

function groupTotals(alloc: number[], c: PlanConstraints): number[] {
  return c.groups.map((g) => g.members.reduce((s, i) => s + alloc[i], 0));
}

/**
 * The neutral plan: the reference mix scaled to the budget and projected onto the bounds and
 * group caps. It is what "keep doing what we do, at this budget" means, and the plan the
 * recommendation must beat (and falls back to).
 */
export function neutralPlan(reference: number[], c: PlanConstraints): number[] {
  const n = reference.length;
  const out = new Array<number>(n).fill(0);
  let free = Array.from({ length: n }, (_, i) => i);
  let total = c.total;
  // a group whose scaled total breaks its cap is held at its cap, its members scaled within it;
  // the rest is re-scaled to what remains (groups are disjoint, so this ends)
  for (let pass = 0; pass <= c.groups.length; pass++) {
    scaleIntoBounds(reference, c.bounds, free, total, out);
    const over = c.groups.find(
      (g) =>
        g.members.some((i) => free.includes(i)) && g.members.reduce((s, i) => s + out[i], 0) > g.cap + 1e-9,
    );
    if (!over) break;
    scaleIntoBounds(reference, c.bounds, over.members, over.cap, out);
    free = free.filter((i) => !over.members.includes(i));
    total -= over.members.reduce((s, i) => s + out[i], 0);
  }
  return repair(out, c);
}

/** Moves budget into bounds and under group caps (keeping the total), greedily by room. */
export function repair(alloc: number[], c: PlanConstraints): number[] {
  const a = alloc.map((v, i) => Math.min(c.bounds[i][1], Math.max(c.bounds[i][0], v)));
  for (let pass = 0; pass < 20; pass++) {
    let moved = false;
    c.groups.forEach((g, gi) => {
      const over = groupTotals(a, c)[gi] - g.cap;
      if (over <= 1e-9) return;
      // take the excess out of the group's members above their lower bounds, in proportion
      const room = g.members.map((i) => a[i] - c.bounds[i][0]);
      const totalRoom = room.reduce((s, r) => s + r, 0);
      g.members.forEach((i, k) => {
        a[i] -= totalRoom > 0 ? (over * room[k]) / totalRoom : 0;
      });
      moved = true;
    });
    // restore the total by filling channels up to their bounds and their groups' remaining room:
    // a fill past a cap would end the last pass infeasible
    let gap = c.total - a.reduce((s, v) => s + v, 0);
    for (let i = 0; i < a.length && Math.abs(gap) > 1e-9; i++) {
      let room = c.bounds[i][1] - a[i];
      if (gap > 0) {
        const totals = groupTotals(a, c);
        c.groups.forEach((g, gi) => {
          if (g.members.includes(i)) room = Math.min(room, g.cap - totals[gi]);
        });
      }
      const step = gap > 0 ? Math.min(gap, Math.max(0, room)) : Math.max(gap, c.bounds[i][0] - a[i]);
      a[i] += step;
      gap -= step;
    }
    if (!moved && Math.abs(gap) <= 1e-6) break;
  }
  return a;
}

/** Range of transfers d from channel j to channel i that keeps every bound and group cap. */
export function transferRange(a: number[], i: number, j: number, c: PlanConstraints): [number, number] {
  let lo = Math.max(c.bounds[i][0] - a[i], a[j] - c.bounds[j][1]);
  let hi = Math.min(c.bounds[i][1] - a[i], a[j] - c.bounds[j][0]);
  const totals = groupTotals(a, c);
  c.groups.forEach((g, gi) => {
    const hasI = g.members.includes(i);
    const hasJ = g.members.includes(j);
    if (hasI && !hasJ) hi = Math.min(hi, g.cap - totals[gi]);
    if (hasJ && !hasI) lo = Math.max(lo, totals[gi] - g.cap);
  });
  return [lo, hi];
}
