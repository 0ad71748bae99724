// `mmm report`, `mmm lift` and `mmm recover` end to end on a small lab dataset.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { capture, smallLabRun } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "mmm-report-"));
const run = join(root, "run");

beforeAll(async () => {
  await smallLabRun(root, 6, { chains: 2, warmup: 200, draws: 150 });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("mmm report", () => {
  it("writes one self-contained HTML file with the executive page, validation and data sections", async () => {
    const out = join(root, "report.html");
    const c = capture();
    expect(await main(["report", run, "--out", out, "--validation", "none", "--quiet"], c.io)).toBe(0);
    const html = readFileSync(out, "utf8");
    for (const heading of [
      "What we learned",
      "What to do",
      "How sure we are",
      "What would change our mind",
      "Validation",
      "Data",
    ])
      expect(html).toContain(heading);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(5);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(http/i);
    // every channel of the fit appears with its ROI
    for (const ch of ["tv", "paid_search", "paid_social", "online_video", "display", "podcast"])
      expect(html).toContain(ch);
  }, 60_000);

  it("rejects a folder that is not a run", async () => {
    const c = capture();
    expect(await main(["report", join(root, "table"), "--out", join(root, "x.html")], c.io)).toBe(2);
    expect(c.err.join("\n")).toMatch(/E_RUN_FOLDER/);
  });
});

describe("mmm lift", () => {
  it("reports the incremental KPI of switching a channel off, with an interval", async () => {
    const c = capture();
    expect(await main(["lift", run, "--channel", "tv", "--off"], c.io)).toBe(0);
    const line = c.out.join("\n");
    expect(line).toMatch(/tv switched off for the whole window: incremental new_subscriptions -\d/);
    expect(line).toMatch(/P\(gain > 0\) = 0\.00/);
  });
});

describe("mmm recover", () => {
  it("prints the scorecard against the lab's truth", async () => {
    const c = capture();
    expect(
      await main(
        [
          "recover",
          "--scenario",
          "short",
          "--seed",
          "2",
          "--chains",
          "2",
          "--warmup",
          "200",
          "--draws",
          "150",
        ],
        c.io,
      ),
    ).toBe(0);
    const text = c.out.join("\n");
    expect(text).toMatch(/Recovery scorecard — scenario 'short', seed 2/);
    expect(text).toMatch(/coverage \d\/6 = /);
    for (const ch of ["tv", "paid_search", "podcast"]) expect(text).toContain(ch);
  }, 120_000);
});
