// Chart specs state their finding in the title: counts of channels that pay back, the worst
// calibrated predictive band, residual autocorrelation read with the multiple-lag caveat.

import { describe, expect, it } from "vitest";
import { ppcChart, residualAutocorrelationChart, roiChart } from "../../src/report/charts.js";
import { evidenceChart, evidenceRows } from "../../src/report/evidenceCharts.js";
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

describe("the evidence chart", () => {
  const iv = (mean: number, q05: number, q95: number) => ({ mean, median: mean, q05, q95 });
  const withEvidence = (tension: boolean) => {
    const d = reportFixture();
    const check = {
      id: "holdout_search",
      channel: "paid_search",
      kind: "holdout",
      measured: -800,
      se: 200,
      spendChange: -100000,
      modelLift: iv(-900, -1300, -500),
      pValue: tension ? 0.01 : 0.6,
      ratio: 0.9,
      testIroas: iv(1.9, 1.1, 2.7),
      modelIroas: iv(2.2, 1.2, 3.1),
      tension,
      paretoK: 0.2,
      finding: "",
    };
    const channel = (name: string, platformRoas: number | null, mean: number) => ({
      channel: name,
      mmm: iv(mean, mean / 2, mean * 2),
      mmmUncalibrated: null,
      tests: name === "paid_search" ? [{ ...check, tension }] : [],
      platformRoas,
      platformCreditRatio: platformRoas === null ? null : platformRoas / mean,
      verdict: "",
    });
    d.evidence = {
      checks: [check],
      channels: [channel("tv", null, 1.4), channel("paid_search", 5.2, 2.6), channel("podcast", 0.5, 2.4)],
      reconciliation: [],
    };
    return d;
  };

  it("says whether the tests agree and which platforms over- and under-credit", () => {
    expect(titleOf(evidenceChart(withEvidence(false)))).toBe(
      "The lift test agrees with the model; paid_search's platform claims 2.0×, podcast's 0.2× the MMM's return",
    );
    expect(titleOf(evidenceChart(withEvidence(true)))).toMatch(/^The lift test disagrees/);
  });

  it("draws the MMM, every test and every platform claim, each in its own slot of the channel's band", () => {
    const d = withEvidence(false);
    const rows = evidenceRows(d.evidence!, d.fit.roi_display.factor);
    expect(rows.map((r) => `${r.channel}:${r.source}:${r.slot}`)).toEqual([
      "tv:MMM:0",
      "paid_search:MMM:0",
      "paid_search:lift test:1",
      "paid_search:platform claim:2",
      "podcast:MMM:0",
      "podcast:platform claim:2",
    ]);
    expect(evidenceChart(reportFixture())).toBeNull();
  });
});
