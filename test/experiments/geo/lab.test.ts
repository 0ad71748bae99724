import { beforeAll, describe, expect, it } from "vitest";
import { formatDay } from "../../../src/core/dates.js";
import { column } from "../../../src/core/modelingTable.js";
import { checkExperiments } from "../../../src/experiments/experimentsFile.js";
import { analyzeGeoTest, experimentRow } from "../../../src/experiments/geo/analyze.js";
import { locateTest, panelFromTable } from "../../../src/experiments/geo/panel.js";
import { randomTreated, simulateGeoTest } from "../../../src/simulate/geoTests.js";
import { type SimulatedDataset, simulateScenario } from "../../../src/simulate/lab.js";
import { channelContribution } from "../../../src/simulate/response.js";
import { truthMediaParams } from "../../../src/simulate/truth.js";

let ds: SimulatedDataset;
beforeAll(() => {
  ds = simulateScenario("geo", 1);
}, 120_000);

describe("lab geo tests", () => {
  it("go-dark: the KPI moves by the true contribution lost, carried over after the window", () => {
    const treated = randomTreated(ds.table.geos, 3, "t");
    const t = simulateGeoTest(ds, {
      channel: "paid_social",
      treated,
      startWeek: 90,
      weeks: 4,
      kind: "go_dark",
      readoutWeeks: 2,
    });
    const N = ds.table.weeks.length;
    const g = ds.table.geos.indexOf(treated[0]);
    const p = truthMediaParams(ds.truth).find((x) => x.name === "paid_social")!;
    const spend = column(ds.table, "spend_paid_social").values.slice(g * N, (g + 1) * N);
    const c0 = channelContribution(p, g, spend);
    const dark = Float64Array.from(spend, (x, w) => (w >= 90 && w <= 93 ? 0 : x));
    const c1 = channelContribution(p, g, dark);
    expect(t.truth.lift).toBeLessThan(0);
    expect(t.truth.spendChange).toBeLessThan(0);
    expect(t.truth.iroas).toBeGreaterThan(0);
    expect(t.truth.liftByGeo.reduce((s, x) => s + x.lift, 0)).toBeCloseTo(t.truth.lift, 9);
    expect(t.truth.weeklyLift.length).toBe(6);
    // the KPI moves by the contribution lost, in the dark weeks and after them (carryover)
    const kpi0 = column(ds.table, ds.table.kpi).values;
    const kpi1 = column(t.table, t.table.kpi).values;
    expect(kpi1[g * N + 89]).toBe(kpi0[g * N + 89]);
    for (const w of [90, 93, 96]) expect(kpi1[g * N + w] - kpi0[g * N + w]).toBeCloseTo(c1[w] - c0[w], 9);
    expect(c1[96] - c0[96]).toBeLessThan(0);
    expect(column(t.table, "spend_paid_social").values[g * N + 91]).toBe(0);
    // untreated geos and the original table are untouched
    const other = ds.table.geos.findIndex((x) => !treated.includes(x));
    expect(kpi1[other * N + 92]).toBe(kpi0[other * N + 92]);
  });

  it("heavy-up lifts the KPI; A/A changes nothing", () => {
    const treated = randomTreated(ds.table.geos, 2, "h");
    const up = simulateGeoTest(ds, {
      channel: "paid_search",
      treated,
      startWeek: 80,
      weeks: 3,
      kind: "heavy_up",
      factor: 2,
    });
    expect(up.truth.lift).toBeGreaterThan(0);
    expect(up.truth.spendChange).toBeGreaterThan(0);
    const aa = simulateGeoTest(ds, { channel: "paid_search", treated, startWeek: 80, weeks: 3, kind: "aa" });
    expect(aa.truth.lift).toBe(0);
    expect(aa.truth.iroas).toBeNull();
    expect(column(aa.table, aa.table.kpi).values).toEqual(column(ds.table, ds.table.kpi).values);
  });

  it("analyze reads a strong lab go-dark test and its interval covers the truth", () => {
    const treated = randomTreated(ds.table.geos, 4, "strong");
    const t = simulateGeoTest(ds, {
      channel: "paid_search",
      treated,
      startWeek: 92,
      weeks: 6,
      kind: "go_dark",
    });
    const p = panelFromTable(t.table, "lab");
    const w = locateTest(p, { treated, start: t.truth.start, end: formatDay(p.dates[97]) });
    const r = analyzeGeoTest(p, w, { spendChange: t.truth.spendChange });
    expect(r.low as number).toBeLessThan(t.truth.lift);
    expect(r.high as number).toBeGreaterThan(t.truth.lift);
    expect(r.lift).toBeLessThan(0);
    // its experiments row fits the table it would calibrate (the calibration issue's checks)
    const row = experimentRow(r, {
      id: "lab-1",
      channel: "paid_search",
      spendChange: t.truth.spendChange,
      changeEnd: t.truth.end,
      readoutWeeks: 0,
    });
    const tbl = t.table;
    expect(() =>
      checkExperiments(
        [row],
        {
          channels: tbl.channels.map((c) => c.name),
          geos: tbl.geos,
          weeks: tbl.weeks,
          kpi: tbl.kpi,
          currency: tbl.currency,
        },
        "lab.csv",
      ),
    ).not.toThrow();
    expect(row.kind).toBe("go_dark");
  });
});
