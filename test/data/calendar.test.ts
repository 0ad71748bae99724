import { describe, expect, it } from "vitest";
import { broadcast, WeeklyAccumulator, weekSpine } from "../../src/data/calendar.js";

describe("weekly aggregation rules", () => {
  const rows: [number, number, number, number][] = [
    // geo, week, value, day
    [0, 0, 3, 10],
    [0, 0, 5, 12],
    [0, 0, 1, 11],
    [1, 1, 7, 20],
  ];
  const reduce = (rule: WeeklyAccumulator["rule"]) => {
    const acc = new WeeklyAccumulator(2, 2, rule);
    for (const [g, w, v, d] of rows) acc.add(g, w, v, d);
    return Array.from(acc.values());
  };

  it("sum, mean, max, min, first and last reduce each (geo, week) cell; empty cells are NaN", () => {
    expect(reduce("sum")).toEqual([9, Number.NaN, Number.NaN, 7]);
    expect(reduce("mean")).toEqual([3, Number.NaN, Number.NaN, 7]);
    expect(reduce("max")).toEqual([5, Number.NaN, Number.NaN, 7]);
    expect(reduce("min")).toEqual([1, Number.NaN, Number.NaN, 7]);
    expect(reduce("first")).toEqual([3, Number.NaN, Number.NaN, 7]); // day 10 comes first
    expect(reduce("last")).toEqual([5, Number.NaN, Number.NaN, 7]); // day 12 comes last
  });

  it("fills empty cells with the value asked for and counts rows", () => {
    const acc = new WeeklyAccumulator(1, 3, "sum");
    acc.add(0, 1, 2.5, 0);
    acc.add(0, 1, 2.5, 1);
    expect(Array.from(acc.values(0))).toEqual([0, 5, 0]);
    expect(Array.from(acc.counts())).toEqual([0, 2, 0]);
  });

  it("builds a complete spine and broadcasts national series over geos", () => {
    expect(weekSpine(0, 21)).toEqual([0, 7, 14, 21]);
    expect(Array.from(broadcast(Float64Array.from([1, 2]), 3))).toEqual([1, 2, 1, 2, 1, 2]);
  });
});
