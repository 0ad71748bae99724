// `mmm scenario`, `mmm optimize` and the report's plan end to end on a small lab dataset: what-if
// plans against the current plan, the recommended allocation, and bad input → exit code 2.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { PlanResult } from "../../src/planning/plan.js";
import type { ScenarioReport } from "../../src/planning/scenario.js";
import { capture, smallLabRun } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "mmm-scenario-"));
const run = join(root, "run");

beforeAll(async () => {
  await smallLabRun(root, 3, { chains: 1, warmup: 200, draws: 200 });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("mmm scenario", () => {
  it("evaluates each plan against the current one, per draw", async () => {
    const c = capture();
    const out = join(root, "scenarios.json");
    expect(
      await main(
        [
          "scenario",
          run,
          "--plan",
          "tv=+20%,paid_search=-20%",
          "--plan",
          "display=0",
          "--plan",
          "podcast=+0%",
          "--out",
          out,
        ],
        c.io,
      ),
    ).toBe(0);
    const text = c.out.join("\n");
    expect(text).toMatch(/Scenarios for the next 13 weeks: incremental USD/);
    expect(text).toMatch(
      /reference plan: the last 13 weeks' run-rate \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\) × 13 weeks\n {2}spend [\d.]+[kM] → [\d.]+[kM] \(90% interval/,
    );
    expect(text).toContain('plan 1 "tv=+20%,paid_search=-20%"');
    expect(text).toMatch(/tv [\d.]+k → [\d.]+k \(\+20%\), paid_search [\d.]+k → [\d.]+k \(-20%\)/);
    expect(text).toContain('plan 2 "display=0"');
    expect(text).toMatch(
      /expected gain [+-]?[\d.]+[kM]? \(5th to 95th percentile .+\); P\(better than reference\) = [01]\.\d\d/,
    );
    const r = JSON.parse(readFileSync(out, "utf8")) as ScenarioReport;
    expect(r.horizonWeeks).toBe(13);
    expect(r.draws).toBe(200);
    const [shift, noDisplay, same] = r.scenarios;
    const row = (s: typeof shift, ch: string) => s.rows.find((x) => x.channel === ch)!;
    expect(row(shift, "tv").planned).toBeCloseTo(1.2 * row(shift, "tv").reference, 6);
    expect(row(shift, "paid_search").planned).toBeCloseTo(0.8 * row(shift, "paid_search").reference, 6);
    expect(row(shift, "display").planned).toBe(row(shift, "display").reference);
    expect(row(noDisplay, "display").planned).toBe(0);
    for (const s of r.scenarios) {
      expect(s.pBetter).toBeGreaterThanOrEqual(0);
      expect(s.pBetter).toBeLessThanOrEqual(1);
      // the gain is per draw, so its mean is the difference of the means
      expect(s.gain.mean).toBeCloseTo(s.value.mean - r.referenceValue.mean, 3);
      expect(s.gain.q05).toBeLessThanOrEqual(s.gain.q95);
    }
    // stopping a channel with a positive effect loses in every draw
    expect(noDisplay.gain.q95).toBeLessThan(0);
    expect(noDisplay.pBetter).toBe(0);
    // the current plan written as a rule gains exactly nothing
    expect(same.gain).toEqual({ mean: 0, median: 0, q05: 0, q95: 0 });
    expect(same.pBetter).toBe(0);
  });

  it("reads absolute amounts with k and M, and flags weekly spend beyond the data", async () => {
    const c = capture();
    expect(
      await main(["scenario", run, "--plan", "tv=5M", "--plan", "podcast=120k", "--horizon", "8"], c.io),
    ).toBe(0);
    const text = c.out.join("\n");
    expect(text).toMatch(/next 8 weeks/);
    expect(text).toMatch(/tv [\d.]+k → 5M \(\+\d+%\) EXTRAPOLATION/);
    expect(text).toMatch(/podcast [\d.]+k → 120k/);
    expect(text).toContain("the model extrapolates");
  });

  for (const [plan, pattern] of [
    ["tvv=+20%", /--plan rule 'tvv=\+20%': unknown channel 'tvv'[\s\S]*choose from: tv, paid_search/],
    ["tv=+20", /--plan rule 'tv=\+20': cannot read '\+20' as a change: a signed change needs a %/],
    ["tv=-150%", /--plan rule 'tv=-150%': a cut of more than 100%/],
    ["tv=+10%,tv=-5%", /channel 'tv' appears twice/],
    ["tv", /--plan rule 'tv': expected channel=change/],
  ] as const) {
    it(`rejects the rule '${plan}' with E_BAD_OPTION naming it (exit 2)`, async () => {
      const c = capture();
      expect(await main(["scenario", run, "--plan", "display=0", "--plan", plan], c.io)).toBe(2);
      const err = c.err.join("\n");
      expect(err).toMatch(/E_BAD_OPTION/);
      expect(err).toMatch(pattern);
      expect(c.out).toEqual([]);
    });
  }

  it("needs a plan and a sensible horizon", async () => {
    const c = capture();
    expect(await main(["scenario", run], c.io)).toBe(2);
    expect(await main(["scenario", run, "--plan", "tv=0", "--horizon", "0"], c.io)).toBe(2);
    expect(c.err.join("\n")).toMatch(
      /at least one plan[\s\S]*--horizon must be a whole number at least 1 and at most 104; got '0'/,
    );
  });
});

describe("mmm optimize", () => {
  it("recommends an allocation within the guardrails, with its gain and frontier", async () => {
    const c = capture();
    const out = join(root, "plan.json");
    expect(
      await main(
        ["optimize", run, "--objective", "mean", "--max-change", "0.2", "--lock", "tv", "--out", out],
        c.io,
      ),
    ).toBe(0);
    const text = c.out.join("\n");
    expect(text).toMatch(/Budget: [\d.]+[kM] for the next 13 weeks \(\+0% on the reference\)/);
    expect(text).toMatch(/P\(gain > 0\) = [01]\.\d\d/);
    expect(text).toMatch(/Budget frontier/);
    const plan = JSON.parse(readFileSync(out, "utf8")) as PlanResult;
    let total = 0;
    for (const row of plan.rows) {
      expect(Math.abs(row.changeShare)).toBeLessThanOrEqual(0.2 + 1e-9);
      total += row.recommended;
    }
    expect(plan.rows.find((r) => r.channel === "tv")!.change).toBe(0);
    expect(total).toBeCloseTo(plan.referenceTotal, 2);
    expect(plan.gain.mean).toBeGreaterThanOrEqual(0);
  });

  it("rejects unknown channels and objectives (exit 2)", async () => {
    const c = capture();
    expect(await main(["optimize", run, "--lock", "radio"], c.io)).toBe(2);
    expect(await main(["optimize", run, "--objective", "median"], c.io)).toBe(2);
    const err = c.err.join("\n");
    expect(err).toMatch(/E_BAD_OPTION[\s\S]*Unknown channel 'radio' in --lock/);
    expect(err).toMatch(/Unknown objective 'median'/);
  });
});

describe("mmm report with next quarter's plan", () => {
  it("adds the plan section by default and leaves it out with --no-plan", async () => {
    const c = capture();
    const withPlan = join(root, "with-plan.html");
    const without = join(root, "without-plan.html");
    expect(await main(["report", run, "--out", withPlan, "--validation", "none", "--quiet"], c.io)).toBe(0);
    expect(
      await main(["report", run, "--out", without, "--validation", "none", "--no-plan", "--quiet"], c.io),
    ).toBe(0);
    expect(c.err).toEqual([]);
    const a = readFileSync(withPlan, "utf8");
    const b = readFileSync(without, "utf8");
    expect(a).toContain('<h2 id="plan">What to do next quarter</h2>');
    expect(a).toMatch(/P\(gain&nbsp;&gt;&nbsp;0\) = <strong>/);
    expect(a).toContain("Guardrails used");
    expect(a).toContain("What this plan assumes");
    expect(b).not.toContain("What to do next quarter");
    expect((a.match(/<svg/g) ?? []).length).toBe((b.match(/<svg/g) ?? []).length + 2);
  }, 60_000);
});
