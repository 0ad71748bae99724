// The feasible set and the neutral plan: the reference mix scaled to the budget moves every free
// channel by the same percentage, respects bounds and group caps, and meets the total; stated
// limits replace the default guardrails.

import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { channelBounds, neutralPlan, type PlanConstraints } from "../../src/planning/constraints.js";
import type { ChannelPlanContext } from "../../src/planning/context.js";

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("neutralPlan", () => {
  it("a budget cut scales every channel by the same percentage (not the first channel first)", () => {
    const reference = [400, 300, 200, 100];
    const c: PlanConstraints = { bounds: reference.map((r) => [0, 3 * r]), groups: [], total: 800 };
    const n = neutralPlan(reference, c);
    n.forEach((v, i) => {
      expect(v).toBeCloseTo(0.8 * reference[i], 6);
    });
  });

  it("channels at a bound stay there and the others share the rest in proportion", () => {
    const reference = [400, 300, 200, 100];
    // channel 0 may not go below 380, channel 3 not above 90 (the reference lies outside)
    const bounds: [number, number][] = [
      [380, 800],
      [0, 600],
      [0, 400],
      [0, 90],
    ];
    const n = neutralPlan(reference, { bounds, groups: [], total: 800 });
    expect(sum(n)).toBeCloseTo(800, 6);
    expect(n[0]).toBeCloseTo(380, 6);
    expect(n[3]).toBeLessThanOrEqual(90 + 1e-9);
    expect(n[1] / reference[1]).toBeCloseTo(n[2] / reference[2], 9);
  });

  it("meets bounds, group caps and the total on random problems", () => {
    const rng = new Rng("neutral");
    for (let trial = 0; trial < 200; trial++) {
      const k = rng.integer(2, 8);
      const reference = Array.from({ length: k }, () => (rng.uniform() < 0.15 ? 0 : rng.uniformIn(10, 500)));
      const bounds = reference.map((r): [number, number] => {
        const a = (r || 100) * rng.logNormal(0, 0.6);
        return [0.5 * a, 2 * a];
      });
      const members = rng.uniform() < 0.5 ? [0, 1] : [];
      const floor = sum(members.map((i) => bounds[i][0]));
      const groups = members.length ? [{ members, cap: floor + rng.uniform() * 300 }] : [];
      const lo = sum(bounds.map((b) => b[0]));
      const groupRoom = members.length
        ? groups[0].cap + sum(bounds.filter((_, i) => !members.includes(i)).map((b) => b[1]))
        : Number.POSITIVE_INFINITY;
      const hi = Math.min(sum(bounds.map((b) => b[1])), groupRoom);
      const total = lo + rng.uniform() * (hi - lo);
      const n = neutralPlan(reference, { bounds, groups, total });
      expect(Math.abs(sum(n) - total), `trial ${trial}`).toBeLessThan(1e-6 * (1 + total));
      n.forEach((v, i) => {
        expect(v, `trial ${trial} channel ${i}`).toBeGreaterThanOrEqual(bounds[i][0] - 1e-6);
        expect(v, `trial ${trial} channel ${i}`).toBeLessThanOrEqual(bounds[i][1] + 1e-6);
      });
      for (const g of groups)
        expect(sum(g.members.map((i) => n[i]))).toBeLessThanOrEqual(g.cap * (1 + 1e-9) + 1e-9);
    }
  });
});

describe("channelBounds", () => {
  const ctx = (name: string, current: number): ChannelPlanContext => ({
    name,
    c: 0,
    geoSplit: Float64Array.of(1),
    current,
    maxWeekly: 1e9,
    lastWeekly: current / 13,
  });

  it("the ±max-change guardrail applies where the user states no limit", () => {
    const { bounds } = channelBounds([ctx("tv", 100), ctx("search", 200)], {
      horizonWeeks: 13,
      maxChange: 0.5,
      maximum: new Map([["search", 1000]]),
    });
    expect(bounds[0]).toEqual([50, 150]);
    expect(bounds[1]).toEqual([100, 1000]);
  });

  it("a stated range is honoured even when the reference lies outside it", () => {
    const { bounds } = channelBounds([ctx("tv", 100)], {
      horizonWeeks: 13,
      maxChange: 0.5,
      minimum: new Map([["tv", 250]]),
      maximum: new Map([["tv", 500]]),
    });
    expect(bounds[0]).toEqual([250, 500]);
  });

  it("a minimum above the guardrail lifts the guardrail, with a note", () => {
    const { bounds, notes } = channelBounds([ctx("tv", 100)], {
      horizonWeeks: 13,
      maxChange: 0.5,
      minimum: new Map([["tv", 180]]),
    });
    expect(bounds[0]).toEqual([180, 180]);
    expect(notes.join(" ")).toMatch(/tv: the stated minimum lies beyond the default guardrails/);
  });

  it("rejects a minimum above the maximum and unknown channels, naming the option", () => {
    expect(() =>
      channelBounds([ctx("tv", 100)], {
        horizonWeeks: 13,
        minimum: new Map([["tv", 300]]),
        maximum: new Map([["tv", 200]]),
      }),
    ).toThrow(/tv: the minimum 300 is above the maximum 200/);
    expect(() => channelBounds([ctx("tv", 100)], { horizonWeeks: 13, locked: ["radio"] })).toThrow(
      /Unknown channel 'radio' in --lock/,
    );
  });

  it("channel names that are Object.prototype keys are ordinary channels", () => {
    const { bounds } = channelBounds([ctx("constructor", 100), ctx("__proto__", 100), ctx("toString", 100)], {
      horizonWeeks: 13,
      minimum: new Map([
        ["constructor", 10],
        ["__proto__", 20],
      ]),
      maximum: new Map([["toString", 30]]),
    });
    expect(bounds.map((b) => b[0])).toEqual([10, 20, 0]);
    expect(bounds[2][1]).toBe(30);
  });
});
