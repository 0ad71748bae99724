// next-test on a posterior built around the lab's truth, where only one channel's effect is
// uncertain: tests on that channel are worth the most, none is worth less than nothing, and the
// expected narrowing of an ROI interval is a narrowing.

import { describe, expect, it } from "vitest";
import { nextTestTable } from "../../src/cli/nextTest.js";
import { Rng } from "../../src/core/rng.js";
import { rankNextTests } from "../../src/experiments/nextTest.js";
import { simulateScenario } from "../../src/simulate/lab.js";
import { trueModel } from "../../src/simulate/truthModel.js";

const ds = simulateScenario("clean", 4);
const truth = trueModel(ds.truth, ds.table);
// a large channel, so a 6-week test of it is readable against the weekly noise
const uncertain = "paid_social";
const rng = new Rng(2);
const S = 300;
const dim = truth.model.dim;
const draws = new Float64Array(S * dim);
for (let k = 0; k < S; k++) {
  const x = Float64Array.from(truth.x);
  truth.model.data.channels.forEach((ch, c) => {
    const lay = truth.model.layout.channels[c];
    x[lay.effect] *= Math.exp(rng.normal(0, ch.name === uncertain ? 0.6 : 0.02));
  });
  draws.set(x, k * dim);
}
// the truth's own noise: the baseline here sits at prior medians, so residuals would overstate it
const noise = ds.truth.kpi.noise.family === "normal" ? ds.truth.kpi.noise.sd : 0;
const result = rankNextTests(truth.model, draws, {
  durations: [6],
  outerDraws: 40,
  maxDraws: S,
  weeklyNoiseSd: noise,
});

describe("rankNextTests", () => {
  it("ranks a test of the one uncertain channel first", () => {
    expect(result.candidates[0].channel).toBe(uncertain);
    expect(result.candidates[0].reliable).toBe(true);
  });

  it("never values information below zero, and a go-dark of the uncertain channel narrows its ROI", () => {
    for (const c of result.candidates) expect(c.evsi, `${c.kind} ${c.channel}`).toBeGreaterThanOrEqual(0);
    const goDark = result.candidates.find((c) => c.channel === uncertain && c.kind === "go_dark");
    expect(goDark?.roiWidthAfter).toBeLessThan(0.7 * (goDark?.roiWidthNow ?? 0));
    const certain = result.candidates.filter((c) => c.channel !== uncertain);
    expect(Math.max(...certain.map((c) => c.evsi))).toBeLessThan(result.candidates[0].evsi);
  });

  it("gives each test's spend change and lift the same sign and a positive read-out SE", () => {
    for (const c of result.candidates) {
      expect(Math.sign(c.expectedLift.mean)).toBe(Math.sign(c.spendChange));
      expect(c.se).toBeGreaterThan(0);
    }
  });
});

describe("nextTestTable", () => {
  it("shows ROI widths in the fit's display units and no cost for a heavy-up without a KPI value", () => {
    const heavy = {
      ...result.candidates[0],
      kind: "heavy_up" as const,
      cost: null,
      roiWidthNow: 0.004,
      roiWidthAfter: 0.002,
    };
    const text = nextTestTable({ ...result, valueUnit: "orders", candidates: [heavy] }, 5, {
      factor: 1000,
      unit: "orders per 1,000 USD spent",
      short: "orders/1k USD",
      valued: false,
    });
    expect(text).toMatch(/orders\/1k USD 90% width now → after/);
    expect(text).toMatch(/4\.00 → 2\.00/);
    expect(text).toMatch(/needs a value per KPI unit: shown as —/);
  });
});
