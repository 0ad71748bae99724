// Every component's hand-derived gradient against central finite differences of the log density,
// at random points, for each adstock family, saturation family and likelihood.

import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/rng.js";
import { buildModelData } from "../../src/model/design.js";
import { MmmModel } from "../../src/model/mmm.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { simulateScenario } from "../../src/simulate/lab.js";
import { centralDifference } from "./terms/fd.js";

const clean = simulateScenario("short", 7).table;
const counts = simulateScenario("counts", 7).table;
const geo = simulateScenario("geo", 7).table;

function checkGradient(model: MmmModel, seed: number, points = 3) {
  const rng = new Rng(seed);
  const g = new Float64Array(model.dim);
  const g2 = new Float64Array(model.dim);
  for (let p = 0; p < points; p++) {
    const u = model.initialPoint().map((v) => v + rng.normal(0, 0.3));
    const lp = model.logDensity(u, g);
    expect(Number.isFinite(lp)).toBe(true);
    for (let i = 0; i < model.dim; i++) {
      const fd = centralDifference((v) => model.logDensity(v, g2), u, i);
      const tol = 1e-5 * Math.max(1, Math.abs(fd), Math.abs(lp) * 1e-3);
      if (Math.abs(fd - g[i]) > tol) {
        throw new Error(
          `d/d ${model.params[i].name}: analytic ${g[i]} vs finite difference ${fd} (point ${p})`,
        );
      }
    }
  }
}

const spec = (s: Record<string, unknown>) => ModelSpecSchema.parse(s);

describe("log-density gradient = finite differences", () => {
  for (const adstock of ["geometric", "delayed_geometric", "weibull_cdf", "weibull_pdf"] as const) {
    for (const saturation of ["hill", "logistic", "michaelis_menten", "tanh"] as const) {
      it(`adstock ${adstock} × saturation ${saturation}`, () => {
        const s = spec({
          media_defaults: { adstock: { family: adstock, max_lag: 6 }, saturation: { family: saturation } },
        });
        checkGradient(new MmmModel(buildModelData(clean, s), s), 11, 2);
      });
    }
  }

  for (const family of ["normal", "student_t", "lognormal"] as const) {
    it(`likelihood ${family}`, () => {
      const s = spec({ likelihood: { family } });
      checkGradient(new MmmModel(buildModelData(clean, s), s), 12);
    });
  }

  for (const family of ["poisson", "negative_binomial"] as const) {
    it(`likelihood ${family} (counts)`, () => {
      const s = spec({ likelihood: { family } });
      checkGradient(new MmmModel(buildModelData(counts, s), s), 13);
    });
  }

  it("changepoint trend, time-varying intercept, signed controls", () => {
    const s = spec({
      baseline: { trend: "changepoint", changepoints: 4, time_varying_intercept: true, tvi_knot_weeks: 8 },
    });
    const model = new MmmModel(buildModelData(clean, s), s);
    expect(model.params.some((p) => p.negate)).toBe(true);
    checkGradient(model, 14);
  });

  it("geo panel (24 geos)", () => {
    const s = spec({});
    const model = new MmmModel(buildModelData(geo, s), s);
    expect(model.params.filter((p) => p.group === "intercept")).toHaveLength(24);
    checkGradient(model, 15, 1);
  });

  for (const parameterization of ["centered", "non_centered"] as const) {
    it(`geo panel, geo effects partially pooled, ${parameterization}`, () => {
      const s = spec({ geo_hierarchy: { media_effect: "partial", parameterization } });
      const model = new MmmModel(buildModelData(geo, s), s);
      expect(model.params.filter((p) => p.group === "geo_effect").length).toBeGreaterThan(24);
      checkGradient(model, 16, 1);
    });
  }
});

describe("centred geo effects: a change of variables only", () => {
  const partial = (parameterization: string) =>
    spec({ geo_hierarchy: { media_effect: "partial", parameterization } });
  const centred = new MmmModel(buildModelData(geo, partial("centered")), partial("centered"));
  const nonCentred = new MmmModel(buildModelData(geo, partial("non_centered")), partial("non_centered"));
  const rng = new Rng(17);
  const x = nonCentred.constrain(nonCentred.initialPoint().map((v) => v + rng.normal(0, 0.3)));

  it("constrain ∘ unconstrain is the identity", () => {
    const back = centred.constrain(centred.unconstrain(x));
    for (let i = 0; i < x.length; i++) expect(back[i]).toBeCloseTo(x[i], 12);
  });

  it("the densities differ by the Jacobian −Σ_c G·log τ_c only", () => {
    const g = new Float64Array(centred.dim);
    const spreads = centred.layout.channels.map((c) => c.geo?.spread as number);
    const logJacobian = -spreads.reduce((s, i) => s + centred.data.G * Math.log(x[i]), 0);
    const a = centred.logDensity(centred.unconstrain(x), g);
    const b = nonCentred.logDensity(nonCentred.unconstrain(x), g);
    expect(a - b).toBeCloseTo(logJacobian, 8);
  });
});
