// A fitted run's draws evaluated on a longer table (the post-period review): with the run's scales
// and time axis, the longer table's design must give exactly the fitted window's mean on the
// fitted weeks, for any parameter values, and extend the trend and seasonality beyond it.

import { describe, expect, it } from "vitest";
import { firstWeeks } from "../../src/core/modelingTable.js";
import { Rng } from "../../src/core/rng.js";
import { buildModelData } from "../../src/model/design.js";
import { MmmModel } from "../../src/model/mmm.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { simulateScenario } from "../../src/simulate/lab.js";

describe("design on a longer table, on the fitted run's time axis", () => {
  for (const [name, specInput] of [
    ["default", {}],
    [
      "changepoints and a time-varying intercept",
      { baseline: { trend: "changepoint", time_varying_intercept: true } },
    ],
  ] as const) {
    it(`reproduces the fitted window's mean exactly (${name})`, () => {
      const spec = ModelSpecSchema.parse(specInput);
      const full = simulateScenario("clean", 2).table;
      const T0 = full.weeks.length - 13;
      const past = buildModelData(firstWeeks(full, T0), spec);
      const later = buildModelData(full, spec, {
        holdoutWeeks: 13,
        timeAxisWeeks: T0,
        kpiScale: past.yScale,
        inputScale: Object.fromEntries(past.channels.map((c) => [c.name, c.inputScale])),
      });
      const a = new MmmModel(past, spec);
      const b = new MmmModel(later, spec);
      expect(b.names).toEqual(a.names);
      const rng = new Rng(5);
      for (let k = 0; k < 3; k++) {
        const u = a.initialPoint().map((v) => v + rng.normal(0, 0.3));
        const ma = a.mean(u);
        const mb = b.mean(u);
        for (let t = 0; t < T0; t++) expect(mb[t]).toBeCloseTo(ma[t], 10);
        for (let t = T0; t < full.weeks.length; t++) expect(Number.isFinite(mb[t])).toBe(true);
      }
    });
  }
});

describe("a control constant in the fitted window", () => {
  it("is left out even when rounding leaves an sd of 1e-15, so a later change cannot explode the forecast", () => {
    const spec = ModelSpecSchema.parse({});
    const full = simulateScenario("clean", 2).table;
    const T0 = full.weeks.length - 13;
    // a price of 34.99 every fitted week, then a rise: the mean of 34.99s is not exactly 34.99
    const price = full.columns.find((c) => c.name === "list_price");
    if (!price) throw new Error("no list_price");
    const values = Float64Array.from(price.values, (_, t) => (t < T0 ? 34.99 : 36.99));
    const table = { ...full, columns: full.columns.map((c) => (c === price ? { ...c, values } : c)) };
    const past = buildModelData(firstWeeks(table, T0), spec);
    expect(past.controls.map((c) => c.name)).not.toContain("list_price");
    const later = buildModelData(table, spec, { holdoutWeeks: 13, timeAxisWeeks: T0, kpiScale: past.yScale });
    expect(later.controls.map((c) => c.name)).toEqual(past.controls.map((c) => c.name));
  });
});
