import { describe, expect, it } from "vitest";
import {
  candidateGroups,
  designPower,
  designTests,
  EFFECT_GRID,
} from "../../../src/experiments/geo/design.js";
import { factorPanel } from "./fixtures.js";

const panel = factorPanel({ geos: 16, periods: 100, seed: "design" });
const base = { durations: [4], sizes: [3], sign: -1 as const };

describe("candidate groups", () => {
  it("respects must-treat, never-treat and the KPI share cap, without duplicates", () => {
    const groups = candidateGroups(panel, 3, {
      ...base,
      include: ["geo02"],
      exclude: ["geo05", "geo07"],
      maxShare: 0.3,
      candidates: 8,
    });
    expect(groups.length).toBeGreaterThan(3);
    const keys = groups.map((g) => g.geos.join());
    expect(new Set(keys).size).toBe(keys.length);
    for (const g of groups) {
      expect(g.geos).toContain(2);
      expect(g.geos).not.toContain(5);
      expect(g.geos).not.toContain(7);
      expect(g.geos.length).toBe(3);
    }
    expect(groups.some((g) => g.how === "matched")).toBe(true);
    expect(groups.some((g) => g.how === "stratified")).toBe(true);
  });
});

describe("design power", () => {
  it("rises with the effect, is about α with nothing injected, and gives an MDE on the grid", () => {
    const r = designPower(panel, [1, 6, 11], 4, { ...base, expectedRelative: 0.1 });
    expect(r.windows).toBeGreaterThan(30);
    for (let i = 1; i < r.powerCurve.length; i++)
      expect(r.powerCurve[i]).toBeGreaterThanOrEqual(r.powerCurve[i - 1] - 0.1);
    expect(r.powerCurve[r.powerCurve.length - 1]).toBe(1);
    expect(r.falsePositiveRate as number).toBeLessThan(0.25);
    expect(EFFECT_GRID).toContain(r.mdeRelative);
    expect(r.powerAtExpected as number).toBeGreaterThanOrEqual(r.powerCurve[EFFECT_GRID.indexOf(0.075)]);
  });

  it("ranks every group × duration and numbers the ranks", () => {
    const rows = designTests(panel, {
      ...base,
      durations: [2, 4],
      sizes: [2, 3],
      candidates: 4,
      expectedRelative: 0.05,
    });
    expect(rows.length).toBeGreaterThanOrEqual(12);
    expect(rows.map((r) => r.rank)).toEqual(rows.map((_, i) => i + 1));
  });
});
