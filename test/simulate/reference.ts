// Independent reference implementations for the lab tests: plain loops written from the documented
// semantics of the truth record (adstock families, Hill saturation, the budget plan), sharing no
// code with src/ so that agreement with the lab is evidence, not tautology.

import { expect } from "vitest";
import type { ModelingTable } from "../../src/core/modelingTable.js";
import type { AdstockSpec } from "../../src/model/adstock.js";
import type { TruthBudget, TruthChannel } from "../../src/simulate/truth.js";

/** Lag weights w[0..maxLag-1], normalised to sum 1 unless `normalize` is false. */
export function refAdstockWeights(spec: AdstockSpec): number[] {
  const w: number[] = [];
  for (let l = 0; l < spec.maxLag; l++) {
    if (spec.type === "geometric") {
      w.push(spec.alpha ** l);
    } else if (spec.type === "delayed_geometric") {
      w.push(spec.alpha ** ((l - spec.delay) * (l - spec.delay)));
    } else if (spec.type === "weibull_cdf") {
      // Weibull survival at lag l
      w.push(Math.exp(-((l / spec.scale) ** spec.shape)));
    } else {
      // Weibull density at l + 1, up to the constant shape/scale (which normalisation removes)
      const x = l + 1;
      w.push((x / spec.scale) ** (spec.shape - 1) * Math.exp(-((x / spec.scale) ** spec.shape)));
    }
  }
  if (spec.normalize === false) return w;
  let total = 0;
  for (const v of w) total += v;
  return w.map((v) => v / total);
}

/** y[t] = Σ_{l ≤ t} w[l]·x[t − l]: nothing before the first week. */
export function refAdstock(x: ArrayLike<number>, w: number[]): number[] {
  const y: number[] = [];
  for (let t = 0; t < x.length; t++) {
    let s = 0;
    for (let l = 0; l < w.length; l++) {
      if (t - l < 0) break;
      s += w[l] * x[t - l];
    }
    y.push(s);
  }
  return y;
}

export function refHill(x: number, k: number, slope: number): number {
  if (x <= 0) return 0;
  return 1 / (1 + (k / x) ** slope);
}

/** Weekly contribution of a truth channel in one geo for a weekly spend path (USD). */
export function refGeoContribution(c: TruthChannel, geo: number, spend: ArrayLike<number>): number[] {
  const a = refAdstock(spend, refAdstockWeights(c.adstock));
  return a.map((x) => c.betaByGeo[geo] * refHill(x, c.halfSaturationByGeo[geo], c.saturation.slope));
}

/** The table's weekly spend per channel, as one array per geo (values are geo-major: g·T + t). */
export function spendByGeo(table: ModelingTable): Record<string, number[][]> {
  const T = table.weeks.length;
  const G = table.geos.length;
  const out: Record<string, number[][]> = {};
  for (const col of table.columns) {
    if (col.role !== "spend") continue;
    const name = col.channel as string;
    out[name] = [];
    for (let g = 0; g < G; g++) out[name].push(Array.from(col.values.subarray(g * T, (g + 1) * T)));
  }
  return out;
}

export function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

/**
 * Value of spending `amount` on one channel in the budget problem, from its definition: per geo,
 * history tail then `amount·split/H` a week for H weeks then carryover weeks of zero; the value is
 * the contribution from the first plan week on, minus the same without the plan.
 */
export function refPlanValue(c: TruthChannel, budget: TruthBudget, amount: number): number {
  const split = budget.geoSplit[c.name];
  let value = 0;
  for (let g = 0; g < split.length; g++) {
    const past = budget.historyTail[c.name][g];
    const withPlan = [...past];
    const without = [...past];
    for (let t = 0; t < budget.horizonWeeks; t++) {
      withPlan.push((amount * split[g]) / budget.horizonWeeks);
      without.push(0);
    }
    for (let t = 0; t < budget.carryoverWeeks; t++) {
      withPlan.push(0);
      without.push(0);
    }
    const a = refGeoContribution(c, g, withPlan);
    const b = refGeoContribution(c, g, without);
    for (let t = past.length; t < a.length; t++) value += a[t] - b[t];
  }
  return value;
}

/** mulberry32: a tiny seeded uniform generator for the tests' own random draws. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** |a − b| ≤ tol·max(|a|, |b|, floor). */
export function relClose(a: number, b: number, tol: number, floor = 1e-300): boolean {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), floor);
}

/** Asserts |actual − expected| ≤ tol·max(|actual|, |expected|, floor), naming the quantity on failure. */
export function expectRel(
  actual: number,
  expected: number,
  tol: number,
  label: string,
  floor = 1e-300,
): void {
  const scale = Math.max(Math.abs(actual), Math.abs(expected), floor);
  const ok = Math.abs(actual - expected) <= tol * scale;
  expect(
    ok,
    `${label}: actual ${actual} vs expected ${expected} (rel. diff ${Math.abs(actual - expected) / scale})`,
  ).toBe(true);
}
