// The plan context: the reference plan is the run-rate of the weeks asked for (or the amounts
// given), and a national amount splits over geos by spend shares, population or given shares.

import { describe, expect, it } from "vitest";
import { buildModelData } from "../../src/model/design.js";
import { MmmModel } from "../../src/model/mmm.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { planContext } from "../../src/planning/context.js";
import { simulateScenario } from "../../src/simulate/lab.js";

function modelOf(scenario: string, seed: number) {
  const ds = simulateScenario(scenario, seed);
  const spec = ModelSpecSchema.parse({});
  return { ds, model: new MmmModel(buildModelData(ds.table, spec), spec) };
}

function weeklySpend(model: MmmModel, c: number): number[] {
  const { G, T } = model.data;
  const s = model.data.channels[c].spend;
  return Array.from({ length: T }, (_, t) => {
    let v = 0;
    for (let g = 0; g < G; g++) v += s[g * T + t];
    return v;
  });
}

describe("the reference plan", () => {
  const { model } = modelOf("brand", 3);
  it("defaults to the last horizon's run-rate, and last:N takes the last N weeks", () => {
    for (const [settings, weeks] of [
      [{ horizonWeeks: 13 }, 13],
      [{ horizonWeeks: 8 }, 8],
      [{ horizonWeeks: 13, reference: { kind: "recent" as const, weeks: 52 } }, 52],
    ] as const) {
      const ctx = planContext(model, settings);
      ctx.channels.forEach((c, i) => {
        const w = weeklySpend(model, i).slice(-weeks);
        const expected = (w.reduce((a, b) => a + b, 0) / weeks) * settings.horizonWeeks;
        expect(c.current).toBeCloseTo(expected, 6);
      });
      expect(ctx.referenceLabel).toMatch(
        new RegExp(
          `the last ${weeks} weeks' run-rate \\(\\d{4}-\\d\\d-\\d\\d to \\d{4}-\\d\\d-\\d\\d\\) × ${settings.horizonWeeks} weeks`,
        ),
      );
    }
  });

  it("given amounts replace the run-rate of the channels they name; unknown channels are an error", () => {
    const first = model.data.channels[0].name;
    const ctx = planContext(model, {
      horizonWeeks: 13,
      reference: { kind: "given", amounts: new Map([[first, 12345]]), label: "the plan in q3.csv" },
    });
    expect(ctx.channels[0].current).toBe(12345);
    expect(ctx.referenceLabel).toBe("the plan in q3.csv (amounts for the 13-week horizon)");
    expect(() =>
      planContext(model, {
        horizonWeeks: 13,
        reference: { kind: "given", amounts: new Map([["radio_x", 1]]), label: "f" },
      }),
    ).toThrow(/names an unknown channel 'radio_x'/);
  });
});

describe("the geo split", () => {
  const { ds, model } = modelOf("geo", 1);
  const G = model.data.G;

  it("spend shares over the last 52 weeks by default, one split per channel", () => {
    const ctx = planContext(model, { horizonWeeks: 13 });
    const { T } = model.data;
    for (const [i, c] of ctx.channels.entries()) {
      const spend = model.data.channels[i].spend;
      const perGeo = Array.from({ length: G }, (_, g) => {
        let s = 0;
        for (let t = T - 52; t < T; t++) s += spend[g * T + t];
        return s;
      });
      const total = perGeo.reduce((a, b) => a + b, 0);
      perGeo.forEach((v, g) => {
        expect(c.geoSplit[g]).toBeCloseTo(v / total, 12);
      });
    }
    expect(ctx.geoSplitLabel).toBe("each channel's spend shares over the last 52 weeks");
  });

  it("population shares from the table's population column", () => {
    const ctx = planContext(model, { horizonWeeks: 13, geoSplit: { kind: "population" } });
    const pop = ds.truth.geos.map((g) => g.population as number);
    const total = pop.reduce((a, b) => a + b, 0);
    for (const c of ctx.channels)
      pop.forEach((p, g) => {
        expect(c.geoSplit[g]).toBeCloseTo(p / total, 12);
      });
  });

  it("given shares are normalised; unknown geos and a national table's population split are errors", () => {
    const shares = new Map(model.data.geos.map((g, i) => [g, i === 0 ? 3 : 1]));
    const ctx = planContext(model, {
      horizonWeeks: 13,
      geoSplit: { kind: "given", shares, label: "q3 split" },
    });
    expect(ctx.channels[0].geoSplit[0]).toBeCloseTo(3 / (G + 2), 12);
    expect(() =>
      planContext(model, {
        horizonWeeks: 13,
        geoSplit: { kind: "given", shares: new Map([["Atlantis", 1]]), label: "f" },
      }),
    ).toThrow(/names an unknown geo 'Atlantis'/);
    const national = modelOf("short", 1).model;
    expect(() => planContext(national, { horizonWeeks: 13, geoSplit: { kind: "population" } })).toThrow(
      /needs a population per geo/,
    );
  });
});
