// The lab as a whole: deterministic in (scenario, seed), and each named scenario has the property
// it exists to exhibit (collinear budgets, short history, endogenous search, counts, geo panel…).

import { describe, expect, it } from "vitest";
import type { ModelingTable } from "../../src/core/modelingTable.js";
import { simulateScenario } from "../../src/simulate/lab.js";
import { SCENARIO_NAMES } from "../../src/simulate/scenarios.js";

function columnValues(table: ModelingTable, name: string): Float64Array {
  const col = table.columns.find((c) => c.name === name);
  if (!col) throw new Error(`no column ${name}`);
  return col.values;
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("determinism", () => {
  for (const scenario of ["clean", "counts"]) {
    it(`${scenario}: the same seed gives the same truth, table and raw rows`, () => {
      const a = simulateScenario(scenario, 7);
      const b = simulateScenario(scenario, 7);
      expect(a.truth).toEqual(b.truth);
      expect(JSON.stringify(a.truth)).toBe(JSON.stringify(b.truth));
      expect(a.raw.adSpend.rows).toEqual(b.raw.adSpend.rows);
      expect(a.raw.orders.rows).toEqual(b.raw.orders.rows);
      expect(a.raw.pricing.rows).toEqual(b.raw.pricing.rows);
      expect(a.raw.campaigns).toEqual(b.raw.campaigns);
      expect(a.table.columns.map((c) => c.name)).toEqual(b.table.columns.map((c) => c.name));
      a.table.columns.forEach((c, i) => {
        expect(Array.from(c.values)).toEqual(Array.from(b.table.columns[i].values));
      });
    });

    it(`${scenario}: a different seed gives different data`, () => {
      const a = simulateScenario(scenario, 7);
      const b = simulateScenario(scenario, 8);
      expect(a.truth.seed).toBe(7);
      expect(b.truth.seed).toBe(8);
      expect(a.truth.series.observed).not.toEqual(b.truth.series.observed);
      expect(a.truth.series.mean).not.toEqual(b.truth.series.mean);
      expect(a.truth.channels.map((c) => c.contribution)).not.toEqual(
        b.truth.channels.map((c) => c.contribution),
      );
      expect(a.raw.adSpend.rows).not.toEqual(b.raw.adSpend.rows);
      expect(Array.from(columnValues(a.table, "spend_tv"))).not.toEqual(
        Array.from(columnValues(b.table, "spend_tv")),
      );
    });
  }

  it("every named scenario is listed", () => {
    expect([...SCENARIO_NAMES].sort()).toEqual([
      "brand",
      "clean",
      "collinear",
      "counts",
      "drift",
      "endogenous",
      "geo",
      "large",
      "short",
    ]);
  });
});

describe("scenario properties", () => {
  it("collinear: paid social and online video weekly spend correlate in [0.85, 0.95] (seeds 1..3)", () => {
    for (const seed of [1, 2, 3]) {
      const { table } = simulateScenario("collinear", seed);
      const r = correlation(
        columnValues(table, "spend_paid_social"),
        columnValues(table, "spend_online_video"),
      );
      expect(r, `seed ${seed}`).toBeGreaterThanOrEqual(0.85);
      expect(r, `seed ${seed}`).toBeLessThanOrEqual(0.95);
    }
  });

  it("collinear is the twist: clean's paid social and online video correlate clearly less", () => {
    const { table } = simulateScenario("clean", 1);
    const r = correlation(
      columnValues(table, "spend_paid_social"),
      columnValues(table, "spend_online_video"),
    );
    expect(r).toBeLessThan(0.8);
  });

  it("short has 78 weeks", () => {
    const { truth, table } = simulateScenario("short", 1);
    expect(truth.calendar.weeks).toBe(78);
    expect(table.weeks).toHaveLength(78);
    expect(truth.series.mean).toHaveLength(78);
  });

  it("large has 260 weeks and 12 channels", () => {
    const { truth, table } = simulateScenario("large", 1);
    expect(truth.calendar.weeks).toBe(260);
    expect(table.weeks).toHaveLength(260);
    expect(truth.channels).toHaveLength(12);
    expect(new Set(truth.channels.map((c) => c.name)).size).toBe(12);
    expect(table.columns.filter((c) => c.role === "spend")).toHaveLength(12);
  });

  it("geo: ≥ 20 geos with a ≥ 10× population spread over 104 weeks", () => {
    const { truth, table } = simulateScenario("geo", 1);
    expect(table.geos.length).toBeGreaterThanOrEqual(20);
    expect(truth.geos).toHaveLength(table.geos.length);
    expect(new Set(table.geos).size).toBe(table.geos.length);
    const pops = truth.geos.map((g) => g.population ?? 0);
    expect(Math.min(...pops)).toBeGreaterThan(0);
    expect(Math.max(...pops) / Math.min(...pops)).toBeGreaterThanOrEqual(10);
    expect(truth.calendar.weeks).toBe(104);
    expect(table.weeks).toHaveLength(104);
    const shares = truth.geos.reduce((s, g) => s + g.share, 0);
    expect(shares).toBeCloseTo(1, 12);
    // the population column is geo-major and constant within a geo
    const pop = columnValues(table, "population");
    table.geos.forEach((_, g) => {
      for (let t = 0; t < 104; t++) expect(pop[g * 104 + t]).toBe(pops[g]);
    });
  });

  it("counts: KPI values are non-negative integers with a mean weekly KPI under 500", () => {
    const { table, truth } = simulateScenario("counts", 1);
    const kpi = columnValues(table, table.kpi);
    expect(kpi.length).toBe(156);
    for (const y of kpi) {
      expect(Number.isInteger(y)).toBe(true);
      expect(y).toBeGreaterThanOrEqual(0);
    }
    const mean = kpi.reduce((s, y) => s + y, 0) / kpi.length;
    expect(mean).toBeLessThan(500);
    expect(mean).toBeGreaterThan(0);
    expect(truth.kpi.noise.family).toBe("negative_binomial");
  });

  it("endogenous: the hidden demand shock exists and drives paid search spend (corr > 0.3)", () => {
    const { truth, table } = simulateScenario("endogenous", 1);
    const shock = truth.baseline.demandShock;
    expect(shock).not.toBeNull();
    if (!shock) return;
    expect(shock.observed).toBe(false);
    expect(shock.drivesSpendOf).toBe("paid_search");
    expect(shock.series).toHaveLength(truth.calendar.weeks);
    expect(correlation(shock.series, columnValues(table, "spend_paid_search"))).toBeGreaterThan(0.3);
    // other scenarios have no shock
    expect(simulateScenario("short", 1).truth.baseline.demandShock).toBeNull();
  });

  for (const scenario of ["clean", "large", "counts"]) {
    it(`${scenario}: flighted channels have dark weeks, always-on channels never do`, () => {
      const { truth, table } = simulateScenario(scenario, 1);
      const patterns = new Set(truth.channels.map((c) => c.pattern));
      expect(patterns).toEqual(new Set(["flighted", "always_on"]));
      for (const c of truth.channels) {
        const spend = columnValues(table, `spend_${c.name}`);
        const dark = spend.filter((x) => x === 0).length;
        for (const x of spend) expect(x).toBeGreaterThanOrEqual(0);
        if (c.pattern === "flighted") {
          expect(dark, `${c.name} dark weeks`).toBeGreaterThan(0);
          expect(dark, `${c.name} dark weeks`).toBeLessThan(spend.length);
        } else {
          expect(dark, `${c.name} dark weeks`).toBe(0);
        }
      }
    });
  }
});
