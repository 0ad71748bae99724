// The experiments term: its lift equals the lab's true lift at the true parameters, its gradient
// matches central finite differences, and the spend change is placed where the test moved spend.

import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { buildModelData } from "../../src/model/design.js";
import { ExperimentTerm, resolveExperiments, roiPriorTests } from "../../src/model/experimentLift.js";
import { MmmModel } from "../../src/model/mmm.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { simulateScenario } from "../../src/simulate/lab.js";
import { trueModel } from "../../src/simulate/truthModel.js";

const ds = simulateScenario("clean", 3, { experiments: true });
const truth = trueModel(ds.truth, ds.table);
const experiments = ds.experiments ?? [];
const term = new ExperimentTerm(
  truth.model.data,
  truth.model.layout.channels,
  resolveExperiments(experiments, truth.model.data),
);

describe("ExperimentTerm", () => {
  it("predicts each lab test's true lift at the true parameters", () => {
    const lifts = term.predict(truth.x);
    expect(experiments.length).toBeGreaterThanOrEqual(3);
    for (const [i, t] of (ds.truth.experiments ?? []).entries()) {
      // heavy-ups place the change exactly; go-darks spread it evenly over weeks (spend varies)
      const tol = t.kind === "heavy_up" ? 1e-6 : 0.06;
      expect(Math.abs(lifts[i] - t.trueLift) / Math.abs(t.trueLift), t.id).toBeLessThan(tol);
    }
  });

  it("has the gradient of its log density (central differences, every parameter it touches)", () => {
    const x = Float64Array.from(truth.x);
    // move off the truth so residuals are not zero
    for (const c of truth.model.layout.channels) x[c.effect] *= 1.3;
    const gx = new Float64Array(x.length);
    term.logDensity(x, gx);
    for (const c of truth.model.layout.channels) {
      for (const i of [c.effect, ...c.adstock, ...c.saturation]) {
        const h = 1e-6 * Math.max(1e-3, Math.abs(x[i]));
        const up = Float64Array.from(x);
        const down = Float64Array.from(x);
        up[i] += h;
        down[i] -= h;
        const fd =
          (term.logDensity(up, new Float64Array(x.length)) -
            term.logDensity(down, new Float64Array(x.length))) /
          (2 * h);
        expect(gx[i], truth.model.names[i]).toBeCloseTo(
          fd,
          Math.max(2, 6 - Math.ceil(Math.log10(1 + Math.abs(fd)))),
        );
      }
    }
  });

  it("reads a national test as its treated share of the country going dark, not an even cut", () => {
    const resolved = resolveExperiments(experiments, truth.model.data);
    expect(resolved.every((e) => e.share === 0.3)).toBe(true);
    const even = new ExperimentTerm(
      truth.model.data,
      truth.model.layout.channels,
      resolved.map((e) => ({ ...e, share: 1 })),
    ).predict(truth.x);
    const lifts = term.predict(truth.x);
    // with diminishing returns, cutting everyone's spend by 30% loses less than 30% going dark
    experiments.forEach((e, i) => {
      if (e.kind !== "heavy_up") expect(Math.abs(even[i])).toBeLessThan(Math.abs(lifts[i]));
    });
  });

  it("adds nothing for channels without tests, and its lift has the test's sign", () => {
    const gx = new Float64Array(truth.x.length);
    term.logDensity(truth.x, gx);
    const tested = new Set(experiments.map((e) => e.channel));
    truth.model.data.channels.forEach((ch, c) => {
      if (!tested.has(ch.name)) expect(gx[truth.model.layout.channels[c].effect]).toBe(0);
    });
    const lifts = term.predict(truth.x);
    experiments.forEach((e, i) => {
      expect(Math.sign(lifts[i])).toBe(Math.sign(e.spendChange));
    });
  });
});

describe("roiPriorTests (the ROI-prior route)", () => {
  it("predicts the channel's whole-history contribution, and targets the test's return × its spend", () => {
    const tests = roiPriorTests(experiments, truth.model.data);
    const prior = new ExperimentTerm(truth.model.data, truth.model.layout.channels, tests);
    const predicted = prior.predict(truth.x);
    experiments.forEach((e, i) => {
      const ch = ds.truth.channels.find((c) => c.name === e.channel);
      // the truth's contribution has the lab's regional holdouts in it (30% of the country dark
      // for 6 weeks), which a national model can only read from national spend: a 1% difference
      expect(Math.abs(predicted[i] - (ch?.contribution ?? 0)) / (ch?.contribution ?? 1)).toBeLessThan(0.01);
      expect(tests[i].lift / (ch?.spend ?? 1)).toBeCloseTo(e.lift / e.spendChange, 9);
      expect(tests[i].se / Math.abs(tests[i].lift)).toBeCloseTo(e.liftSe / Math.abs(e.lift), 9);
    });
  });
});

describe("ExperimentTerm on a geo panel with partially pooled effects", () => {
  it("has the gradient of its log density in every parameter it touches, the geo spread and z's too", () => {
    const geo = simulateScenario("geo", 2, { experiments: true });
    const spec = ModelSpecSchema.parse({ geo_hierarchy: { media_effect: "partial" } });
    const model = new MmmModel(buildModelData(geo.table, spec), spec);
    const tests = resolveExperiments(geo.experiments ?? [], model.data);
    expect(tests.some((e) => e.geos.length < model.data.G)).toBe(true);
    const geoTerm = new ExperimentTerm(model.data, model.layout.channels, tests);
    const rng = new Rng(5);
    const x = model.constrain(model.initialPoint().map((u) => u + rng.normal(0, 0.3)));
    const gx = new Float64Array(x.length);
    geoTerm.logDensity(x, gx);
    const touched = model.layout.channels.flatMap((c) => [
      c.effect,
      ...c.adstock,
      ...c.saturation,
      ...(c.geo ? [c.geo.spread, ...c.geo.z] : []),
    ]);
    expect(model.layout.channels.every((c) => c.geo !== undefined)).toBe(true);
    for (const i of touched) {
      const h = 1e-6 * Math.max(1e-3, Math.abs(x[i]));
      const up = Float64Array.from(x);
      const down = Float64Array.from(x);
      up[i] += h;
      down[i] -= h;
      const fd =
        (geoTerm.logDensity(up, new Float64Array(x.length)) -
          geoTerm.logDensity(down, new Float64Array(x.length))) /
        (2 * h);
      expect(Math.abs(gx[i] - fd), model.names[i]).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
    }
  });
});
