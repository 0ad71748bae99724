import { describe, expect, it } from "vitest";
import { MmmError } from "../../../src/core/errors.js";
import { locateTest, parsePanelCsv, weeklyPanel } from "../../../src/experiments/geo/panel.js";
import { factorPanel, panelCsv } from "./fixtures.js";

function errorOf(f: () => unknown): MmmError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MmmError);
    return e as MmmError;
  }
  throw new Error("expected an MmmError");
}

const panel = factorPanel({ geos: 12, periods: 60 });
const csv = panelCsv(panel);

describe("reading a geo panel", () => {
  it("reads a long CSV back into the same panel, geos sorted", () => {
    const p = parsePanelCsv(csv, "p.csv");
    expect(p.geos).toEqual(panel.geos);
    expect(p.step).toBe(7);
    expect(p.dates).toEqual(panel.dates);
    expect(p.y[3 * 60 + 5]).toBeCloseTo(panel.y[3 * 60 + 5], 9);
  });

  it("reads GeoLift's column names (location, Y, date) and sums days into weeks when asked", () => {
    const text = [
      '"location","Y","date"',
      ...Array.from({ length: 14 }, (_, d) => `"a",${d + 1},"2021-01-${String(d + 1).padStart(2, "0")}"`),
      ...Array.from({ length: 14 }, (_, d) => `"b",1,"2021-01-${String(d + 1).padStart(2, "0")}"`),
    ].join("\n");
    const daily = parsePanelCsv(text, "g.csv");
    expect(daily.step).toBe(1);
    expect(daily.dates.length).toBe(14);
    const weekly = weeklyPanel(daily);
    expect(weekly.step).toBe(7);
    expect(Array.from(weekly.y)).toEqual([28, 77, 7, 7]);
    expect(parsePanelCsv(text, "g.csv", { weekly: true }).y.length).toBe(4);
  });

  it("refuses duplicate geo-dates, naming both rows", () => {
    const lines = csv.trim().split("\n");
    const e = errorOf(() => parsePanelCsv(`${[...lines, lines[5]].join("\n")}\n`, "dup.csv"));
    expect(e.message).toMatch(/two rows for .* \(rows 5 and 721\)/);
    expect(e.where.file).toBe("dup.csv");
  });

  it("refuses a non-number KPI with its row and column", () => {
    const lines = csv.trim().split("\n");
    lines[3] = lines[3].replace(/,[^,]*$/, ",12x");
    const e = errorOf(() => parsePanelCsv(lines.join("\n"), "bad.csv"));
    expect(e.where.row).toBe(3);
    expect(e.where.column).toBe("Y");
  });
});

describe("locating a test in a panel", () => {
  const start = "2025-01-06"; // period 53
  const end = "2025-01-27"; // period 56
  it("finds treated, controls and the window", () => {
    const w = locateTest(panel, { treated: ["geo03", "geo01"], start, end });
    expect(w.treated).toEqual([1, 3]);
    expect(w.controls.length).toBe(10);
    expect([w.start, w.end]).toEqual([53, 56]);
    expect(locateTest(panel, { treated: ["geo01"], start, end, readoutPeriods: 2 }).end).toBe(58);
  });

  it("refuses a treated geo that is not in the panel", () => {
    const e = errorOf(() => locateTest(panel, { treated: ["GEO03"], start, end }));
    expect(e.message).toMatch(/Geo 'GEO03' is not in the panel/);
    expect(e.fix).toMatch(/did you mean 'geo03'/);
  });

  it("refuses a window outside the data", () => {
    expect(
      errorOf(() => locateTest(panel, { treated: ["geo01"], start: "2026-01-05", end: "2026-01-26" }))
        .message,
    ).toMatch(/outside the panel's dates/);
    expect(
      errorOf(() => locateTest(panel, { treated: ["geo01"], start, end: "2025-02-17", readoutPeriods: 3 }))
        .message,
    ).toMatch(/after the panel ends/);
  });

  it("refuses too few control geos", () => {
    const treated = panel.geos.slice(0, 8);
    expect(errorOf(() => locateTest(panel, { treated, start, end })).message).toMatch(
      /Only 4 control geo\(s\)/,
    );
  });

  it("refuses a pre-period shorter than the test", () => {
    const e = errorOf(() =>
      locateTest(panel, { treated: ["geo01"], start: "2024-01-29", end: "2024-04-01" }),
    );
    expect(e.message).toMatch(/pre-period \(4 weeks\) is shorter than the test \(10 weeks\)/);
  });

  it("refuses missing values in the pre-period or the test, but not after it", () => {
    const T = panel.dates.length;
    const y = Float64Array.from(panel.y);
    y[2 * T + 58] = Number.NaN;
    const holed = { ...panel, y };
    expect(() => locateTest(holed, { treated: ["geo01"], start, end })).not.toThrow();
    y[2 * T + 10] = Number.NaN;
    expect(errorOf(() => locateTest(holed, { treated: ["geo01"], start, end })).message).toMatch(
      /Geo 'geo02' has no KPI value for 2024-03-11/,
    );
    // the same hole read from a CSV with an empty cell
    const text = panelCsv(holed);
    expect(
      errorOf(() => locateTest(parsePanelCsv(text, "h.csv"), { treated: ["geo01"], start, end })).message,
    ).toMatch(/no KPI value/);
  });
});
