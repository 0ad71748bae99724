// The lab's media truth checked against an independent recomputation: the mean KPI decomposes into
// baseline plus channel contributions, and every channel's weekly contribution, total, ROI, mROI
// and response curve follow from the truth's own parameters and the table's spend columns.

import { describe, expect, it } from "vitest";
import { simulateScenario } from "../../src/simulate/lab.js";
import type { TruthChannel } from "../../src/simulate/truth.js";
import { expectRel, refGeoContribution, spendByGeo, sum } from "./reference.js";

const clean = simulateScenario("clean", 1);
const geo = simulateScenario("geo", 1);
const DATASETS = [
  ["clean", clean],
  ["geo", geo],
] as const;

/** Independent weekly national contribution of a channel with its spend path scaled by θ. */
function refWeekly(c: TruthChannel, spend: number[][], theta = 1): number[] {
  const T = spend[0].length;
  const out = new Array<number>(T).fill(0);
  spend.forEach((s, g) => {
    const w = refGeoContribution(
      c,
      g,
      s.map((x) => x * theta),
    );
    for (let t = 0; t < T; t++) out[t] += w[t];
  });
  return out;
}

describe("contributions add up to the noiseless mean", () => {
  for (const [name, data] of DATASETS) {
    it(`${name}: national baseline + Σ channel weekly contributions = mean`, () => {
      const { truth } = data;
      const T = truth.calendar.weeks;
      expect(truth.series.mean).toHaveLength(T);
      expect(truth.series.baseline).toHaveLength(T);
      for (const c of truth.channels) expect(c.weeklyContribution).toHaveLength(T);
      for (let t = 0; t < T; t++) {
        let mu = truth.series.baseline[t];
        for (const c of truth.channels) mu += c.weeklyContribution[t];
        expectRel(mu, truth.series.mean[t], 1e-9, `${name} week ${t}`);
      }
    });

    it(`${name}: each channel's contribution is the sum of its weekly contributions`, () => {
      for (const c of data.truth.channels) {
        expectRel(c.contribution, sum(c.weeklyContribution), 1e-12, `${name} ${c.name}`);
        expect(c.contribution).toBeGreaterThan(0);
      }
      const media = data.truth.channels.reduce((s, c) => s + c.contribution, 0);
      expectRel(data.truth.totals.media, media, 1e-12, `${name} totals.media`);
    });
  }

  it("geo: per geo, baseline + Σ channel contributions = mean, and geos sum to the national series", () => {
    const { truth } = geo;
    const T = truth.calendar.weeks;
    const geoSeries = truth.geoSeries;
    expect(geoSeries).not.toBeNull();
    if (!geoSeries) return;
    expect(geoSeries).toHaveLength(truth.geos.length);
    const nationalMean = new Array<number>(T).fill(0);
    const nationalByChannel: Record<string, number[]> = {};
    for (const c of truth.channels) nationalByChannel[c.name] = new Array<number>(T).fill(0);
    for (const gs of geoSeries) {
      expect(gs.mean).toHaveLength(T);
      for (let t = 0; t < T; t++) {
        let mu = gs.baseline[t];
        for (const c of truth.channels) {
          mu += gs.contributions[c.name][t];
          nationalByChannel[c.name][t] += gs.contributions[c.name][t];
        }
        expectRel(mu, gs.mean[t], 1e-9, `geo ${gs.geo} week ${t}`);
        nationalMean[t] += gs.mean[t];
      }
    }
    for (let t = 0; t < T; t++)
      expectRel(nationalMean[t], truth.series.mean[t], 1e-9, `Σ geo means, week ${t}`);
    for (const c of truth.channels) {
      const scale = Math.max(...c.weeklyContribution.map(Math.abs));
      for (let t = 0; t < T; t++) {
        expectRel(
          nationalByChannel[c.name][t],
          c.weeklyContribution[t],
          1e-9,
          `${c.name} Σ geos week ${t}`,
          scale,
        );
      }
    }
  });
});

describe("independent recomputation of the media truth", () => {
  for (const [name, data] of DATASETS) {
    const { truth, table } = data;
    const spend = spendByGeo(table);
    const value = truth.kpi.valuePerUnit;

    it(`${name}: the national views summarise the per-geo parameters`, () => {
      expect(table.geos).toHaveLength(truth.geos.length);
      for (const c of truth.channels) {
        expect(c.betaByGeo).toHaveLength(table.geos.length);
        expect(c.halfSaturationByGeo).toHaveLength(table.geos.length);
        expectRel(c.beta, sum(c.betaByGeo), 1e-12, `${c.name} beta`);
        expectRel(c.saturation.halfSaturation, sum(c.halfSaturationByGeo), 1e-12, `${c.name} K`);
      }
    });

    it(`${name}: weekly contributions, totals, spend and ROI from adstock + Hill by hand`, () => {
      expect(Object.keys(spend).sort()).toEqual(truth.channels.map((c) => c.name).sort());
      for (const c of truth.channels) {
        const weekly = refWeekly(c, spend[c.name]);
        const scale = Math.max(...weekly.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        weekly.forEach((w, t) => {
          expectRel(c.weeklyContribution[t], w, 1e-9, `${name} ${c.name} week ${t}`, 1e-12 * scale);
        });
        const contribution = sum(weekly);
        expectRel(c.contribution, contribution, 1e-9, `${name} ${c.name} contribution`);
        const totalSpend = spend[c.name].reduce((s, geoSpend) => s + sum(geoSpend), 0);
        expectRel(c.spend, totalSpend, 1e-12, `${name} ${c.name} spend`);
        expectRel(c.roi, (value * contribution) / totalSpend, 1e-9, `${name} ${c.name} roi`);
        expectRel(
          c.costPerIncremental,
          totalSpend / contribution,
          1e-9,
          `${name} ${c.name} cost per incremental`,
        );
      }
    });

    it(`${name}: per-geo contributions match the recomputation`, () => {
      if (!truth.geoSeries) return;
      truth.geoSeries.forEach((gs, g) => {
        expect(gs.geo).toBe(table.geos[g]);
        for (const c of truth.channels) {
          const mine = refGeoContribution(c, g, spend[c.name][g]);
          const scale = Math.max(...mine.map(Math.abs), 1e-300);
          mine.forEach((m, t) => {
            expectRel(gs.contributions[c.name][t], m, 1e-9, `${gs.geo} ${c.name} week ${t}`, 1e-12 * scale);
          });
        }
      });
    });

    it(`${name}: mROI equals a central finite difference of the contribution under scaled spend`, () => {
      const h = 1e-4;
      for (const c of truth.channels) {
        const up = sum(refWeekly(c, spend[c.name], 1 + h));
        const down = sum(refWeekly(c, spend[c.name], 1 - h));
        const derivative = (up - down) / (2 * h);
        expectRel(c.mroi, (value * derivative) / c.spend, 1e-6, `${name} ${c.name} mroi`);
        // diminishing returns overall: the marginal return is below the average one for concave
        // channels; it must at least be positive
        expect(c.mroi).toBeGreaterThan(0);
      }
    });

    it(`${name}: response curves pass through 0 and the contribution, rise monotonically, and match by hand`, () => {
      for (const c of truth.channels) {
        const { multipliers, spend: curveSpend, contribution } = c.responseCurve;
        expect(multipliers.length).toBe(contribution.length);
        expect(curveSpend.length).toBe(contribution.length);
        const i0 = multipliers.indexOf(0);
        const i1 = multipliers.indexOf(1);
        expect(i0).toBeGreaterThanOrEqual(0);
        expect(i1).toBeGreaterThanOrEqual(0);
        expect(contribution[i0]).toBe(0);
        expectRel(contribution[i1], c.contribution, 1e-9, `${name} ${c.name} curve at 1`);
        for (let i = 1; i < contribution.length; i++) {
          expect(multipliers[i]).toBeGreaterThan(multipliers[i - 1]);
          expect(contribution[i], `${c.name} curve at ${multipliers[i]}`).toBeGreaterThanOrEqual(
            contribution[i - 1],
          );
        }
        multipliers.forEach((m, i) => {
          expectRel(curveSpend[i], m * c.spend, 1e-12, `${name} ${c.name} curve spend at ${m}`, 1e-300);
          if (m === 0.5 || m === 2 || m === 3) {
            expectRel(
              contribution[i],
              sum(refWeekly(c, spend[c.name], m)),
              1e-9,
              `${name} ${c.name} curve at ${m}`,
            );
          }
        });
      }
    });
  }
});
