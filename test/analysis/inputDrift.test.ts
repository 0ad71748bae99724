// Input drift on hand-made tables: an always-on channel turning bursty with a record week, a price
// regime change, restated history, and campaigns that moved channel or arrived unmapped; and
// nothing on an unchanged extension.

import { describe, expect, it } from "vitest";
import { inputDrift } from "../../src/analysis/inputDrift.js";
import { diffData } from "../../src/analysis/runDiff.js";
import type { ModelingTable } from "../../src/core/modelingTable.js";

function table(tv: number[], price: number[], kpi?: number[]): ModelingTable {
  const n = tv.length;
  return {
    weekStart: "monday",
    weeks: Array.from({ length: n }, (_, t) => 7 * t),
    geos: ["national"],
    geoLevel: "national",
    kpi: "sales",
    currency: "EUR",
    columns: [
      { name: "sales", role: "kpi", values: Float64Array.from(kpi ?? tv.map((v) => 1000 + v)) },
      { name: "tv_spend", role: "spend", values: Float64Array.from(tv) },
      { name: "price", role: "control", values: Float64Array.from(price) },
    ],
    channels: [{ name: "tv", spend: "tv_spend" }],
  } as unknown as ModelingTable;
}

const history = Array.from({ length: 60 }, (_, t) => 100 + 10 * Math.sin(t));
const prices = Array.from({ length: 60 }, (_, t) => 20 + 0.1 * Math.cos(t));

describe("inputDrift", () => {
  it("finds nothing when the new weeks continue the old pattern", () => {
    const prev = table(history, prices);
    const next = table([...history, 101, 99, 104, 97], [...prices, 20, 20.1, 19.9, 20]);
    expect(inputDrift(prev, next, diffData(prev, next, { before: null, after: null }))).toEqual([]);
  });

  it("finds a bursty channel with a record week, a price regime change and restated history", () => {
    const prev = table(history, prices);
    const restatedKpi = [...history.map((v) => 1000 + v), 0, 0, 0, 0];
    restatedKpi[10] *= 1.08;
    const next = table([...history, 0, 320, 0, 0], [...prices, 24, 24, 24, 24], restatedKpi);
    const kinds = inputDrift(prev, next, diffData(prev, next, { before: null, after: null })).map((f) => [
      f.kind,
      f.severity,
    ]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ["restated", "warning"],
        ["spend_range", "warning"],
        ["spend_rhythm", "warning"],
        ["control_level", "warning"],
      ]),
    );
  });

  it("raises an alarm when a control the previous run only ever saw at one value changes", () => {
    const flat = Array.from({ length: 60 }, () => 34.99);
    const prev = table(history, flat);
    const next = table([...history, 101, 99, 104, 97], [...flat, 36.99, 36.99, 36.99, 36.99]);
    const found = inputDrift(prev, next, diffData(prev, next, { before: null, after: null }));
    expect(found.map((f) => [f.kind, f.severity])).toEqual([["control_level", "alarm"]]);
    expect(found[0].message).toMatch(/price was 34\.99 in every week the previous run saw and is 36\.99/);
    expect(found[0].message).not.toMatch(/Infinity/);
  });

  it("finds campaigns that moved channel or arrived unmapped", () => {
    const prev = table(history, prices);
    const next = table([...history, 100], [...prices, 20]);
    const row = (campaign: string, channel: string, status = "mapped") => ({
      platform: "META",
      campaign,
      status,
      channel,
      spend: 10,
    });
    const findings = inputDrift(prev, next, diffData(prev, next, { before: null, after: null }), {
      prev: [row("PROSPECTING_VIDEO", "paid_social"), row("RETARGETING", "paid_social")],
      next: [
        row("PROSPECTING_VIDEO", "display"),
        row("RETARGETING", "paid_social"),
        row("NEW_THING", "", "unmapped"),
      ],
    });
    expect(findings.map((f) => [f.kind, f.severity])).toEqual([
      ["campaign_moved", "alarm"],
      ["campaign_unmapped", "alarm"],
    ]);
    expect(findings[0].message).toMatch(/moved from paid_social to display/);
  });
});
