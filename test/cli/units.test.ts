// A small-unit KPI (subscriptions of a small brand, no value per subscription): ROI is KPI per
// currency unit, ~0.005 subscriptions per USD. Every command must print readable returns (per
// 1,000 USD), never compare them with 1, and refuse a hurdle that would mean nothing.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { capture } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "mmm-units-"));
const run = join(root, "run");
let fitText = "";

// "0.00 [0.00, 0.00]" and friends: a return rounded to nothing
const UNREADABLE = /(^|[^\d.])0\.00 \[0\.00, 0\.00\]/m;

beforeAll(async () => {
  const c = capture();
  expect(
    await main(["simulate", "--scenario", "counts", "--seed", "2", "--out", join(root, "lab")], c.io),
  ).toBe(0);
  const config = join(root, "lab", "prepare.yaml");
  const text = readFileSync(config, "utf8");
  expect(text).toMatch(/value_per_unit: /);
  writeFileSync(config, text.replace(/^\s*value_per_unit: .*\n/m, ""));
  expect(await main(["prepare", "--config", config, "--out", join(root, "table")], c.io)).toBe(0);
  const f = capture();
  expect(
    await main(["fit", "--table", join(root, "table"), "--out", run, "--method", "fast", "--quiet"], f.io),
  ).toBe(0);
  fitText = f.out.join("\n");
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("a KPI counted in units per currency prints readable returns", () => {
  it("mmm fit: per 1,000 USD, cost per subscription instead of P(ROI > 1)", () => {
    expect(fitText).toMatch(/ROI = new_subscriptions per 1,000 USD spent/);
    expect(fitText).toMatch(/ROI mean \[5%, 95%\]\s+cost\/new_subscriptions\s+mROI mean/);
    expect(fitText).toMatch(/cost\/new_subscriptions/);
    expect(fitText).not.toMatch(/P\(ROI>1\)/);
    expect(fitText).not.toMatch(UNREADABLE);
    const summary = JSON.parse(readFileSync(join(run, "summary.json"), "utf8"));
    expect(summary.roi_display).toMatchObject({ factor: 1000, valued: false });
    for (const c of Object.values(summary.channels) as { p_roi_above_1: number | null }[])
      expect(c.p_roi_above_1).toBeNull();
  });

  it("mmm optimize: marginal ROI in the same units", async () => {
    const c = capture();
    expect(await main(["optimize", run], c.io)).toBe(0);
    const text = c.out.join("\n");
    expect(text).toMatch(/Marginal ROI in new_subscriptions per 1,000 USD spent/);
    expect(text).not.toMatch(UNREADABLE);
  });

  it("mmm report: ROI column in per-1k units, no break-even probability, and --hurdle refused", async () => {
    const c = capture();
    const out = join(root, "report.html");
    expect(await main(["report", run, "--out", out, "--validation", "none", "--quiet"], c.io)).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("ROI (new_subscriptions/1k USD)");
    expect(html).toContain("per incremental new_subscriptions");
    expect(html).not.toContain("P(ROI\u00a0&gt;\u00a01)");
    expect(html).not.toMatch(/break-even \(ROI = 1\)/);
    expect(html).not.toMatch(/>0\.00<span class="ci">0\.00 to 0\.00/);
    const h = capture();
    expect(await main(["report", run, "--out", join(root, "r2.html"), "--hurdle", "1"], h.io)).toBe(2);
    expect(h.err.join("\n")).toMatch(
      /--hurdle 1 compares ROI with a value, but this run has no value per new_subscriptions/,
    );
  }, 120_000);
});
