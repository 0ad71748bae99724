import { describe, expect, it } from "vitest";
import { type DesignRow, EFFECT_GRID } from "../../../src/experiments/geo/design.js";
import { effectPrior, powerAt, recentSpend } from "../../../src/experiments/geo/prior.js";

// power rises linearly with the relative effect up to 1 at 10%
const row: DesignRow = {
  treated: ["a"],
  how: "given",
  periods: 4,
  share: 0.1,
  windows: 40,
  lambda: null,
  powerCurve: EFFECT_GRID.map((r) => Math.min(1, 0.1 + 9 * r)),
  mdeRelative: 0.075,
  mde: 750,
  treatedPerWindow: 10_000,
  powerAtExpected: null,
  falsePositiveRate: 0.1,
  expectedLift: null,
};

describe("effect prior", () => {
  it("interpolates power on the grid, from the A/A rate at zero to flat past the end", () => {
    expect(powerAt(row, 0)).toBeCloseTo(0.1, 12);
    expect(powerAt(row, 0.05)).toBeCloseTo(0.55, 12);
    expect(powerAt(row, -0.05)).toBeCloseTo(0.55, 12);
    expect(powerAt(row, 0.04)).toBeCloseTo(0.46, 12);
    expect(powerAt(row, 3)).toBe(1);
  });

  it("averages power over the posterior lift and prices a go-dark's lost KPI", () => {
    // ROI draws 0.01 and 0.03 KPI per dollar; a 20k cut loses 200 or 600 (2% or 6% of the window)
    const prior = effectPrior(row, Float64Array.of(0.01, 0.03), -20_000, 50);
    expect(prior.liftMean).toBeCloseTo(-400, 9);
    expect(prior.pConclusive).toBeCloseTo((powerAt(row, 0.02) + powerAt(row, 0.06)) / 2, 12);
    expect(prior.expectedKpiCost).toBeCloseTo(400, 9);
    expect(prior.expectedValueCost).toBeCloseTo(20_000, 6);
    expect(prior.liftLow).toBe(-600);
    expect(prior.liftHigh).toBe(-200);
    expect(effectPrior(row, Float64Array.of(0.02), 5_000, undefined).expectedKpiCost).toBe(0);
  });

  it("takes the treated geos' recent weekly spend", () => {
    const spend = Float64Array.of(1, 1, 2, 2, 10, 10, 20, 20);
    expect(recentSpend(spend, 4, [0, 1], 2)).toBe(22);
  });
});
