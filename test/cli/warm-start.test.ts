// mmm fit --warm-start: a refit that starts from a previous run's posterior (its draws, metric and
// step size, 150 warm-up iterations) and still passes the diagnostics; a model with parameters the
// previous run lacks falls back to a cold start and says why; an approximate run is refused.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { capture } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "mmm-warm-"));
const table = join(root, "table");

beforeAll(async () => {
  const c = capture();
  expect(
    await main(["simulate", "--scenario", "short", "--seed", "5", "--out", join(root, "lab")], c.io),
  ).toBe(0);
  expect(await main(["prepare", "--config", join(root, "lab", "prepare.yaml"), "--out", table], c.io)).toBe(
    0,
  );
  expect(await main(["fit", "--table", table, "--out", join(root, "cold"), "--quiet"], c.io)).toBe(0);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("mmm fit --warm-start", () => {
  it("starts from the previous posterior with a short warm-up and passes the diagnostics", async () => {
    const c = capture();
    const out = join(root, "warm");
    expect(
      await main(
        ["fit", "--table", table, "--out", out, "--warm-start", join(root, "cold"), "--seed", "7", "--quiet"],
        c.io,
      ),
    ).toBe(0);
    expect(c.out.join("\n")).toMatch(
      /Warm start from .*cold: chains began at its posterior, 150 warm-up iterations/,
    );
    const fit = JSON.parse(readFileSync(join(out, "fit.json"), "utf8"));
    expect(fit.warm_start).toMatchObject({ used: true, reason: null });
    expect(fit.settings.warmup).toBe(150);
    // it samples until the bar is met: 200 draws per chain, then 50 at a time, at most --draws (500)
    const drawn = fit.settings.draws;
    expect(drawn).toBeGreaterThanOrEqual(200);
    expect(drawn).toBeLessThanOrEqual(500);
    expect((drawn - 200) % 50).toBe(0);
    expect(c.out.join("\n")).toMatch(new RegExp(`${drawn} draws per chain \\(sampling stops once R̂ ≤ 1.01`));
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.diagnostics.verdict).toBe("ok");
    expect(summary.diagnostics.ess_bulk_min).toBeGreaterThanOrEqual(400);
    expect(summary.diagnostics.ess_tail_min).toBeGreaterThanOrEqual(400);
  }, 120_000);

  it("falls back to a cold start when the model has parameters the previous run lacks", async () => {
    const spec = join(root, "tvi.yaml");
    writeFileSync(spec, "baseline:\n  time_varying_intercept: true\n");
    const c = capture();
    expect(
      await main(
        [
          "fit",
          "--table",
          table,
          "--config",
          spec,
          "--out",
          join(root, "tvi"),
          "--warm-start",
          join(root, "cold"),
          "--quiet",
          "--draws",
          "100",
          "--warmup",
          "100",
        ],
        c.io,
      ),
    ).toBe(0);
    expect(c.out.join("\n")).toMatch(
      /not possible \(the previous fit has no tvi\S*.*\): fitted from scratch/,
    );
  }, 120_000);

  it("refuses an approximate run", async () => {
    const c = capture();
    expect(
      await main(["fit", "--table", table, "--out", join(root, "fast"), "--method", "fast", "--quiet"], c.io),
    ).toBe(0);
    const w = capture();
    expect(
      await main(
        ["fit", "--table", table, "--out", join(root, "w2"), "--warm-start", join(root, "fast"), "--quiet"],
        w.io,
      ),
    ).toBe(2);
    expect(w.err.join("\n")).toMatch(/approximate \(fast\) fit/);
  }, 60_000);
});
