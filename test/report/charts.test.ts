// Chart specs state their finding in the title: counts of channels that pay back, the worst
// calibrated predictive band, residual autocorrelation read with the multiple-lag caveat.

import { describe, expect, it } from "vitest";
import { ppcChart, residualAutocorrelationChart, roiChart } from "../../src/report/charts.js";
import { reportFixture } from "./fixture.js";

function titleOf(spec: unknown): string {
  const t = (spec as { title: { text: string | string[] } }).title.text;
  return Array.isArray(t) ? t.join(" ") : t;
}

describe("chart titles state the finding", () => {
  it("counts the channels that very likely pay back", () => {
    const d = reportFixture();
    const n = d.channels.filter((c) => (c.pRoiAbove1 ?? 0) >= 0.9).length;
    expect(titleOf(roiChart(d.channels, d.hurdle, d.fit.roi_display.unit))).toBe(
      `${n} of 6 channels very likely pay back (P(ROI > 1) ≥ 90%)`,
    );
  });

  it("names the worst-calibrated predictive band, or the widest when all are fine", () => {
    const ppc = reportFixture().ppc;
    ppc.coverage = [
      { level: 0.5, observed: 0.61 },
      { level: 0.8, observed: 0.87 },
      { level: 0.95, observed: 0.99 },
    ];
    expect(titleOf(ppcChart(ppc, "orders", null))).toBe(
      "The 50% predictive band covers 61% of observed weeks — more than needed: bands too wide",
    );
    ppc.coverage = [
      { level: 0.5, observed: 0.52 },
      { level: 0.95, observed: 0.93 },
    ];
    expect(titleOf(ppcChart(ppc, "orders", null))).toBe(
      "The 95% predictive band covers 93% of observed weeks — as it should",
    );
  });

  it("reads residual autocorrelation with the chance of one crossing in mind", () => {
    // 2/√100 = 0.2
    const title = (acf: number[]) => titleOf(residualAutocorrelationChart(acf, 100));
    expect(title([0.1, 0, 0, 0])).toMatch(/^Residuals look like noise/);
    expect(title([0.3, 0, 0, 0])).toMatch(/^Residuals are correlated at lag 1:/);
    expect(title([0.1, 0, -0.25, 0])).toMatch(/only at lag 3; with 4 lags, one crossing can be chance/);
    expect(title([0.1, 0.3, -0.25, 0])).toMatch(/correlated at lags 2 and 3: the model may be missing/);
  });
});
