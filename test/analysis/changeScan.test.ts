// The recent-change scan: its p-value is calibrated by construction (an actual drawn from the
// same predictive distribution gives a uniform p, even with parameter uncertainty shared across
// weeks), and a shift confined to the last weeks is found where the sum of all weeks dilutes it.

import { describe, expect, it } from "vitest";
import { scanRecentChange } from "../../src/analysis/changeScan.js";
import { Rng } from "../../src/core/rng.js";

/** Predictive paths with a level uncertain across paths (shared by a path's weeks) and weekly noise. */
function paths(rng: Rng, S: number, n: number): Float64Array[] {
  return Array.from({ length: S }, () => {
    const level = 1000 + rng.normal(0, 30);
    return Float64Array.from({ length: n }, () => level + rng.normal(0, 50));
  });
}

const labels = (n: number) => Array.from({ length: n }, (_, k) => `w${k + 1}`);

describe("scanRecentChange", () => {
  it("gives a uniform p-value when the actual comes from the predictive distribution", () => {
    const rng = new Rng(11);
    const ps: number[] = [];
    for (let r = 0; r < 400; r++) {
      const [actual, ...rest] = paths(rng, 301, 8);
      ps.push(scanRecentChange(rest, actual, labels(8)).p);
    }
    const share = (cut: number) => ps.filter((p) => p < cut).length / ps.length;
    expect(share(0.05)).toBeGreaterThan(0.02);
    expect(share(0.05)).toBeLessThan(0.085);
    expect(share(0.2)).toBeGreaterThan(0.14);
    expect(share(0.2)).toBeLessThan(0.26);
    expect(share(0.5)).toBeGreaterThan(0.43);
    expect(share(0.5)).toBeLessThan(0.57);
  });

  it("finds a drop in the last two of eight weeks that the eight-week sum misses", () => {
    const rng = new Rng(3);
    const pred = paths(rng, 1000, 8);
    const actual = Float64Array.from({ length: 8 }, (_, k) => (k < 6 ? 1040 : 880));
    const scan = scanRecentChange(pred, actual, labels(8));
    expect(scan.weeks).toBe(2);
    expect(scan.from).toBe("w7");
    expect(scan.z).toBeLessThan(-2.5);
    expect(scan.p).toBeLessThan(0.05);
    // the whole window's sum is unremarkable: 6 × 40 up and 2 × 120 down
    const total = pred.map((p) => p.reduce((a, b) => a + b, 0)).sort((a, b) => a - b);
    const sum = actual.reduce((a, b) => a + b, 0);
    const pit = total.filter((v) => v < sum).length / total.length;
    expect(pit).toBeGreaterThan(0.2);
    expect(pit).toBeLessThan(0.8);
  });
});
