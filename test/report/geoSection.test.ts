// The report's "By geo" section: geos largest first, every channel's per-geo return, and for
// partially pooled effects the range of the geos' effects against the national one.

import { describe, expect, it } from "vitest";
import type { GeoChannelMeasures } from "../../src/analysis/geoMeasures.js";
import { geoSection } from "../../src/report/geoSection.js";
import { reportFixture } from "./fixture.js";

const iv = (mean: number) => ({ mean, median: mean, q05: mean * 0.8, q95: mean * 1.25 });

function withGeos(partial: boolean) {
  const d = reportFixture();
  const geos = ["north", "south", "east"];
  const channels: GeoChannelMeasures[] = ["tv", "paid_search"].map((channel, c) => ({
    channel,
    spend: [100, 300, 200].map((s) => s * (c + 1)),
    roi: [1.1, 1.6, 2.2].map(iv),
    mroi: [0.5, 0.9, 1.7].map(iv),
    effectRatio: partial ? [0.8, 1.0, 1.3].map(iv) : null,
  }));
  d.geo = { geos, channels };
  return d;
}

describe("geo section", () => {
  it("lists geos by total spend with every channel's return, and the spread of geo effects", () => {
    const page = geoSection(withGeos(true)).value;
    expect(page).toContain('id="geo"');
    const order = ["south", "east", "north"].map((g) => page.indexOf(`<td>${g}</td>`));
    expect(order.every((p, i) => p > 0 && (i === 0 || p > order[i - 1]))).toBe(true);
    expect(page).toContain("How much the geos differ");
    expect(page).toMatch(/0\.80× – 1\.30×/);
    expect(page).toContain("partially pooled");
    // and each geo's marginal return, the input of a by-geo plan
    expect(page).toContain("Marginal ROI per geo");
    expect(page).toContain("1.70");
  });

  it("says the effects are pooled, without the spread table, and is absent for a national fit", () => {
    const pooled = geoSection(withGeos(false)).value;
    expect(pooled).toContain("one effect for every geo");
    expect(pooled).not.toContain("How much the geos differ");
    expect(geoSection(reportFixture()).value).toBe("");
  });
});
