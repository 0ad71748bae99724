import { describe, expect, it } from "vitest";
import { experimentsCsv, parseExperiments } from "../../../src/experiments/experimentsFile.js";
import { analyzeGeoTest, experimentRow } from "../../../src/experiments/geo/analyze.js";
import { conformalRead } from "../../../src/experiments/geo/inference.js";
import { locateTest } from "../../../src/experiments/geo/panel.js";
import { fitSynth, synthData } from "../../../src/experiments/geo/synth.js";
import { timeBasedRegression } from "../../../src/experiments/geo/tbr.js";
import { addLift, factorPanel } from "./fixtures.js";

// one draw of the panel; the calibration test below looks at many
const base = factorPanel({ geos: 20, periods: 104, seed: "c" });
const window = locateTest(base, {
  treated: ["geo02", "geo05", "geo11"],
  start: "2025-09-01",
  end: "2025-09-22",
});

describe("conformal read", () => {
  it("gives the rank p-value and an interval that excludes zero exactly when p ≤ α", () => {
    const errors = Array.from({ length: 39 }, (_, i) => i - 19);
    const inside = conformalRead(0.5, errors, 0.9);
    expect(inside.pValue).toBeCloseTo((2 * 20) / 40, 12);
    expect(inside.low).toBeLessThan(0);
    const outside = conformalRead(30, errors, 0.9);
    expect(outside.pValue).toBe(2 / 40);
    expect(outside.low).toBeGreaterThan(0);
    expect(conformalRead(0, errors.slice(0, 10), 0.9).low).toBeNull();
  });
});

describe("synthetic control", () => {
  it("reproduces a treated series that is a convex mix of donors (scale-free)", () => {
    const T = 60;
    const donors = new Float64Array(3 * T);
    for (let t = 0; t < T; t++) {
      donors[t] = 10 + Math.sin(t / 3);
      donors[T + t] = 20 + 2 * Math.cos(t / 5);
      donors[2 * T + t] = 5 + (t % 7) / 3;
    }
    // treated = 4× the scaled mix 0.3·d0/m0 + 0.7·d1/m1, so it lies outside the donors' raw hull
    const treated = Float64Array.from(
      { length: T },
      (_, t) => 400 * ((0.3 * donors[t]) / 10 + (0.7 * donors[T + t]) / 20),
    );
    const d = synthData(treated, donors, 3, T);
    const fit = fitSynth(d, 40, Number.POSITIVE_INFINITY);
    for (let t = 40; t < T; t++) {
      const yhat = fit.coef[0] * donors[t] + fit.coef[1] * donors[T + t] + fit.coef[2] * donors[2 * T + t];
      expect(yhat).toBeCloseTo(treated[t], 0);
    }
  });
});

describe("analyzeGeoTest", () => {
  it("finds a known lift, covers it, and calls it detected", () => {
    const T = base.dates.length;
    let level = 0;
    for (const g of window.treated)
      for (let t = window.start; t <= window.end; t++) level += base.y[g * T + t];
    const lift = 0.1 * level;
    const r = analyzeGeoTest(addLift(base, window.treated, window.start, window.end, lift), window);
    expect(r.verdict).toBe("detected");
    expect(r.low).not.toBeNull();
    expect(r.low as number).toBeLessThan(lift);
    expect(r.high as number).toBeGreaterThan(lift);
    expect(Math.abs(r.lift - lift) / lift).toBeLessThan(0.25);
    expect(r.preFit.r2).toBeGreaterThan(0.8);
    expect(r.weights.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(1, 6);
    expect(r.tbr.low).toBeLessThan(r.tbr.high);
  });

  it("rejects few A/A tests over many panels (about α of them)", () => {
    let rejected = 0;
    for (let i = 0; i < 20; i++) {
      const p = factorPanel({ geos: 20, periods: 104, seed: `aa${i}` });
      if (analyzeGeoTest(p, window, { spacePlacebos: false }).pValue <= 0.1) rejected++;
    }
    expect(rejected).toBeLessThanOrEqual(5);
  });

  it("does not detect an A/A test, and its interval holds zero", () => {
    const r = analyzeGeoTest(base, window);
    expect(r.verdict).toBe("not_detected");
    expect(r.low as number).toBeLessThan(0);
    expect(r.high as number).toBeGreaterThan(0);
    expect(r.space?.placebos).toBeGreaterThan(10);
  });

  it("gives iROAS with the spend change's sign and an interval around it", () => {
    const r = analyzeGeoTest(addLift(base, window.treated, window.start, window.end, -500), window, {
      spendChange: -1000,
    });
    expect(r.iroas?.estimate).toBeCloseTo(r.lift / -1000, 12);
    expect(r.iroas?.low as number).toBeLessThanOrEqual(r.iroas?.estimate as number);
    expect(r.iroas?.high as number).toBeGreaterThanOrEqual(r.iroas?.estimate as number);
  });

  it("says not trustworthy when the treated series cannot be matched", () => {
    const T = base.dates.length;
    const y = Float64Array.from(base.y);
    // a treated geo whose history is pure noise: nothing in the donor pool tracks it
    for (let t = 0; t < T; t++) y[2 * T + t] = 100 + 40 * Math.sin(t * 12.9898) * Math.cos(t * 4.1414);
    const w = locateTest({ ...base, y }, { treated: ["geo02"], start: "2025-09-01", end: "2025-09-22" });
    const r = analyzeGeoTest({ ...base, y }, w);
    expect(r.verdict).toBe("not_trustworthy");
    expect(r.reasons.join(" ")).toMatch(/pre-period fit is poor/);
  });

  it("writes an experiments-file row that the experiments reader accepts", () => {
    const r = analyzeGeoTest(base, window);
    const row = experimentRow(r, {
      id: "geo-1",
      channel: "tv",
      spendChange: -5000,
      changeEnd: "2025-09-22",
      readoutWeeks: 0,
    });
    const back = parseExperiments(experimentsCsv([row]), "x.csv")[0];
    expect(back.kind).toBe("go_dark");
    expect(back.geos).toEqual(["geo02", "geo05", "geo11"]);
    expect(back.start).toBe("2025-09-01");
    expect(back.lift).toBeCloseTo(r.lift, 6);
    expect(back.liftSe).toBeGreaterThan(0);
  });
});

describe("time-based regression", () => {
  it("recovers a constant lift on an exact linear relation", () => {
    const control = Float64Array.from({ length: 50 }, (_, t) => 100 + 10 * Math.sin(t));
    const treated = control.map((c, t) => 5 + 2 * c + (t >= 40 ? 3 : 0) + 0.01 * Math.cos(7 * t));
    const r = timeBasedRegression(treated, control, 40, 49, 0.9);
    expect(r.slope).toBeCloseTo(2, 2);
    expect(r.lift).toBeCloseTo(30, 0);
    expect(r.low).toBeLessThan(30);
    expect(r.high).toBeGreaterThan(30);
  });
});
