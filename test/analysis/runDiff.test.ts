// Run diffs: P(after > before) against closed forms, data changes (weeks added, restated history,
// channels, taxonomy) on hand-made tables, and spec keys.

import { describe, expect, it } from "vitest";
import {
  diffData,
  diffLines,
  diffMeasures,
  diffSpec,
  probabilityGreater,
} from "../../src/analysis/runDiff.js";
import type { ModelingTable } from "../../src/core/modelingTable.js";
import { Rng } from "../../src/core/rng.js";

function table(weeks: number[], kpi: number[], tv: number[], channels = ["tv"]): ModelingTable {
  return {
    weekStart: "monday",
    weeks,
    geos: ["national"],
    geoLevel: "national",
    kpi: "sales",
    currency: "EUR",
    columns: [
      { name: "sales", role: "kpi", values: Float64Array.from(kpi) },
      { name: "tv_spend", role: "spend", values: Float64Array.from(tv) },
    ],
    channels: channels.map((name) => ({ name, spend: `${name}_spend` })),
  } as unknown as ModelingTable;
}

describe("probabilityGreater", () => {
  it("is 1/2 for identical draws, 1 and 0 for separated ones, Φ(δ/√2) for normals", () => {
    const x = Float64Array.from({ length: 500 }, (_, i) => i);
    expect(probabilityGreater(x, x)).toBeCloseTo(0.5, 12);
    expect(
      probabilityGreater(
        x.map((v) => v + 1000),
        x,
      ),
    ).toBe(1);
    expect(
      probabilityGreater(
        x,
        x.map((v) => v + 1000),
      ),
    ).toBe(0);
    const rng = new Rng(4);
    const a = Float64Array.from({ length: 4000 }, () => rng.normal(0.5, 1));
    const b = Float64Array.from({ length: 4000 }, () => rng.normal(0, 1));
    // P(A − B > 0) with A − B ~ N(0.5, √2): Φ(0.5/√2) = 0.6382
    expect(probabilityGreater(a, b)).toBeCloseTo(0.6382, 1);
  });
});

describe("diffData", () => {
  const before = table([0, 7, 14], [10, 12, 11], [5, 0, 5]);
  it("finds weeks added, history restated, and totals", () => {
    const after = table([0, 7, 14, 21], [10, 12.6, 11, 13], [5, 0, 5, 5]);
    const d = diffData(before, after, { before: null, after: null });
    expect(d.weeksAdded).toEqual(["1970-01-22"]);
    expect(d.weeksDropped).toEqual([]);
    const kpi = d.columns.find((c) => c.role === "kpi");
    expect(kpi).toMatchObject({ before: 33, after: 46.6, beforeShared: 33, restatedCells: 1 });
    expect(kpi?.largestRestatement).toBeCloseTo(0.05, 12);
    expect(d.columns.find((c) => c.column === "tv_spend")?.restatedCells).toBe(0);
    expect(d.taxonomy.changed).toBe(false);
  });

  it("finds channels added and a taxonomy change", () => {
    const after = table([0, 7, 14], [10, 12, 11], [5, 0, 5], ["tv", "search"]);
    const d = diffData(before, after, {
      before: { taxonomy: { version: "2026.1", sha256: "aa" } },
      after: { taxonomy: { version: "2026.2", sha256: "bb" } },
    });
    expect(d.channelsAdded).toEqual(["search"]);
    expect(d.taxonomy).toMatchObject({ changed: true, before: "2026.1 (aa)", after: "2026.2 (bb)" });
  });
});

describe("diffSpec and diffMeasures", () => {
  it("lists changed leaf keys only", () => {
    const a = { media_defaults: { adstock: { max_lag: 8, family: "geometric" } }, controls: ["price"] };
    const b = {
      media_defaults: { adstock: { max_lag: 12, family: "geometric" } },
      controls: ["price", "promo"],
    };
    expect(diffSpec(a, b)).toEqual([
      { key: "controls", before: ["price"], after: ["price", "promo"] },
      { key: "media_defaults.adstock.max_lag", before: 8, after: 12 },
    ]);
    expect(diffSpec(a, structuredClone(a))).toEqual([]);
  });

  it("flags a channel whose ROI moved", () => {
    const draws = (m: number) => Float64Array.from({ length: 400 }, (_, i) => m + (i - 200) / 1000);
    const ch = (channel: string, roi: number) => ({
      channel,
      spend: 1,
      contribution: draws(roi),
      roi: draws(roi),
      mroi: draws(roi / 2),
    });
    const [tv, search] = diffMeasures([ch("tv", 1), ch("search", 2)], [ch("tv", 1.5), ch("search", 2)]);
    expect(tv).toMatchObject({ channel: "tv", moved: true });
    expect(tv.roi.pUp).toBe(1);
    expect(search.moved).toBe(false);
    expect(search.roi.pUp).toBeCloseTo(0.5, 12);
  });

  it("prints returns in the fit's display units (a small KPI per 1,000 USD)", () => {
    const draws = (m: number) => Float64Array.from({ length: 400 }, (_, i) => m + (i - 200) / 1e6);
    const ch = { channel: "tv", spend: 1, contribution: draws(1), roi: draws(0.0118), mroi: draws(0.0085) };
    const table0 = table([0, 7], [1, 1], [1, 1]);
    const lines = diffLines(
      {
        data: diffData(table0, table0, { before: null, after: null }),
        spec: [],
        measures: diffMeasures([ch], [ch]),
      },
      { before: "a", after: "b" },
      { factor: 1000, unit: "subscriptions per 1,000 USD spent" },
    );
    expect(lines.join("\n")).toMatch(/Measures in subscriptions per 1,000 USD spent/);
    expect(lines.join("\n")).toMatch(/ROI 11\.8 \[/);
  });
});
