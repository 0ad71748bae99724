// Organic channels (exposure without spend): the design puts them beside the paid channels, the
// model gives them an effect with the paid channels' response model, the decomposition shows
// them, and a known organic contribution added to a lab KPI is recovered.

import { describe, expect, it } from "vitest";
import { channelDraws, organicDraws } from "../../src/analysis/channelMetrics.js";
import { Decomposer } from "../../src/analysis/decomposition.js";
import { roiTable } from "../../src/analysis/fitReport.js";
import { buildFitSummary, type ConvergenceReport } from "../../src/analysis/fitSummary.js";
import type { ModelingTable } from "../../src/core/modelingTable.js";
import { Rng } from "../../src/core/rng.js";
import { maximize } from "../../src/inference/lbfgs.js";
import { ContributionEvaluator } from "../../src/model/contributions.js";
import { buildModelData } from "../../src/model/design.js";
import { MmmModel } from "../../src/model/mmm.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { simulateScenario } from "../../src/simulate/lab.js";
import { centralDifference } from "./terms/fd.js";

/**
 * The lab's `short` brand plus a newsletter: sends in bursts (no spend), adding `share` of the
 * KPI's mean per average send week, linearly, in the same week. Returns the table and the
 * newsletter's true total contribution.
 */
function withNewsletter(share: number): { table: ModelingTable; truth: number } {
  const base = simulateScenario("short", 3).table;
  const T = base.weeks.length;
  const rng = new Rng(5);
  const sends = Float64Array.from({ length: T }, (_, t) => (t % 6 < 2 ? 40_000 + 20_000 * rng.uniform() : 0));
  const kpiColumn = base.columns.find((c) => c.name === base.kpi)!;
  let mean = 0;
  for (const v of kpiColumn.values) mean += v / T;
  let active = 0;
  let weeks = 0;
  for (const v of sends) if (v > 0) [active, weeks] = [active + v, weeks + 1];
  const perSend = (share * mean) / (active / weeks);
  const kpi = Float64Array.from(kpiColumn.values, (v, t) => v + perSend * sends[t]);
  let truth = 0;
  for (const v of sends) truth += perSend * v;
  const table: ModelingTable = {
    ...base,
    columns: [
      ...base.columns.map((c) => (c.name === base.kpi ? { ...c, values: kpi } : c)),
      { name: "newsletter_sends", role: "exposure", channel: "newsletter", values: sends },
    ],
    channels: [...base.channels, { name: "newsletter", exposure: "newsletter_sends" }],
  };
  return { table, truth };
}

describe("organic channels", () => {
  const { table, truth } = withNewsletter(0.15);
  const spec = ModelSpecSchema.parse({});
  const data = buildModelData(table, spec);
  const model = new MmmModel(data, spec);

  it("an exposure-only channel is organic: modelled, with no spend, and not among the paid channels", () => {
    expect(data.channels.map((c) => c.name)).not.toContain("newsletter");
    expect(data.organic.map((c) => c.name)).toEqual(["newsletter"]);
    expect(data.organic[0].input).toBe("exposure");
    expect(data.organic[0].spend.every((v) => v === 0)).toBe(true);
    expect(model.names).toContain("newsletter_effect");
    // its effect prior is an even share of total_share (no spend to share by)
    const p = model.params.find((q) => q.name === "newsletter_effect")!;
    expect(p.prior).toMatchObject({ dist: "lognormal", mu: Math.log(0.2 / (data.channels.length + 1)) });
    // after the paid media, before the noise
    const last = model.layout.channels.at(-1)!.saturation.at(-1)!;
    expect(model.layout.organic[0].effect).toBe(last + 1);
    expect(model.layout.noise[0]).toBeGreaterThan(model.layout.organic[0].saturation.at(-1)!);
  });

  it("its gradient matches finite differences", () => {
    const rng = new Rng(8);
    const g = new Float64Array(model.dim);
    const g2 = new Float64Array(model.dim);
    const u = model.initialPoint().map((v) => v + rng.normal(0, 0.3));
    model.logDensity(u, g);
    for (const name of [
      "newsletter_effect",
      "newsletter_alpha",
      "newsletter_saturation",
      "newsletter_slope",
    ]) {
      const i = model.names.indexOf(name);
      const fd = centralDifference((v) => model.logDensity(v, g2), u, i);
      expect(Math.abs(fd - g[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
    }
  });

  it("the decomposition shows it and still adds up to the model mean", () => {
    const x = model.constrain(model.initialPoint());
    const dec = new Decomposer(model).decompose(x);
    expect(dec.kinds.get("newsletter")).toBe("organic");
    const sum = new Float64Array(data.T);
    for (const v of dec.parts.values()) for (let t = 0; t < data.T; t++) sum[t] += v[t];
    for (let t = 0; t < data.T; t++) expect(sum[t]).toBeCloseTo(dec.mean[t], 6);
  });

  it("a known organic contribution is recovered at the posterior mode (within 25%)", () => {
    const opt = maximize((u, g) => model.logDensity(u, g), model.initialPoint());
    const x = model.constrain(opt.x);
    const organic = new ContributionEvaluator(model, "organic").channel(x, 0);
    let estimate = 0;
    for (const v of organic) estimate += v;
    expect(estimate / truth).toBeGreaterThan(0.75);
    expect(estimate / truth).toBeLessThan(1.25);
  });

  it("paid-channel measures are unchanged in kind: ROI channels are the paid ones", () => {
    const paid = new ContributionEvaluator(model);
    const x = model.constrain(model.initialPoint());
    expect(() => paid.channel(x, data.channels.length - 1)).not.toThrow();
    expect(data.channels.every((c) => c.spend.some((v) => v > 0))).toBe(true);
  });

  it("summary.json and the terminal table give its contribution, and no ROI", () => {
    const x = model.constrain(model.initialPoint());
    const draws = new Float64Array(3 * model.dim);
    for (let k = 0; k < 3; k++) draws.set(x, k * model.dim);
    const diagnostics: ConvergenceReport = {
      rhat_max: null,
      ess_bulk_min: null,
      ess_tail_min: null,
      divergences: 0,
      treedepth_saturated: 0,
      ebfmi_min: null,
      seconds: 0,
      verdict: "approximate",
      warnings: [],
    };
    const summary = buildFitSummary(
      model,
      "fast",
      channelDraws(model, draws, { valuePerUnit: 1 }),
      diagnostics,
      organicDraws(model, draws),
    );
    expect(Object.keys(summary.channels)).not.toContain("newsletter");
    const o = summary.organic?.newsletter;
    expect(o?.exposure).toBeCloseTo(
      data.organic[0].x.reduce((s, v) => s + v, 0) * data.organic[0].inputScale[0],
      3,
    );
    expect(o?.contribution.mean).toBeGreaterThan(0);
    expect(roiTable(summary)).toMatch(
      /Organic newsletter \(exposure, no spend, so no ROI\): adds .+% of the KPI\./,
    );
  });
});
