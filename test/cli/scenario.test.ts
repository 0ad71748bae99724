// `mmm scenario`, `mmm optimize` and the report's plan end to end on a small lab dataset: what-if
// plans against the current plan, the recommended allocation, and bad input → exit code 2.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

  it("plans from a stated problem: reference file, bounds file, weekly amounts, budget cut", async () => {
    const refFile = join(root, "reference.csv");
    writeFileSync(
      refFile,
      "channel,amount\ntv,400k\npaid_search,60k/week\npaid_social,900000\nonline_video,300k\ndisplay,200k\npodcast,150k\n",
    );
    const boundsFile = join(root, "bounds.yaml");
    writeFileSync(boundsFile, "tv: { min: 300k, max: 600k }\npaid_search: { min: 40k/week }\n");
    const c = capture();
    const out = join(root, "plan-cut.json");
    expect(
      await main(
        [
          "optimize",
          run,
          "--current",
          refFile,
          "--bounds",
          boundsFile,
          "--max",
          "display=10k/week",
          "--max-change",
          "off",
          "--budget",
          "1.8M",
          "--out",
          out,
        ],
        c.io,
      ),
    ).toBe(0);
    const text = c.out.join("\n");
    expect(text).toContain(
      `Reference plan: the plan in ${refFile} (amounts for the 13-week horizon) — total 2.73M`,
    );
    expect(text).toMatch(/Budget: 1\.8M for the next 13 weeks \(-34% on the reference\)/);
    const plan = JSON.parse(readFileSync(out, "utf8")) as PlanResult;
    const row = (n: string) => plan.rows.find((r) => r.channel === n)!;
    expect(row("paid_search").reference).toBe(13 * 60_000);
    expect(row("tv").bounds).toEqual([300_000, 600_000]);
    expect(row("paid_search").bounds[0]).toBe(13 * 40_000);
    expect(row("display").bounds[1]).toBe(130_000);
    expect(plan.rows.reduce((s, r) => s + r.recommended, 0)).toBeCloseTo(1_800_000, 0);
    // the neutral plan cuts the free channels by one percentage, not the first channel first
    const free = plan.rows.filter((r) => r.neutral > r.bounds[0] + 1 && r.neutral < r.bounds[1] - 1);
    expect(free.length).toBeGreaterThan(1);
    for (const r of free) expect(r.neutral / r.reference).toBeCloseTo(free[0].neutral / free[0].reference, 6);
    // when the gate keeps the neutral plan, it is exactly the plan printed
    if (plan.decision === "neutral") for (const r of plan.rows) expect(r.recommended).toBe(r.neutral);
  });

  it("scenario --plan-file values optimize's plan to the cent, against the same reference", async () => {
    const c = capture();
    const planOut = join(root, "plan-agree.json");
    const scenarioOut = join(root, "scenario-agree.json");
    const common = ["--current", "last:26", "--horizon", "10"];
    expect(
      await main(
        ["optimize", run, ...common, "--budget", "2.4M", "--min-p-gain", "off", "--out", planOut],
        c.io,
      ),
    ).toBe(0);
    expect(await main(["scenario", run, ...common, "--plan-file", planOut, "--out", scenarioOut], c.io)).toBe(
      0,
    );
    const plan = JSON.parse(readFileSync(planOut, "utf8")) as PlanResult;
    const report = JSON.parse(readFileSync(scenarioOut, "utf8")) as ScenarioReport;
    expect(report.referenceValue).toEqual(plan.referenceValue);
    expect(report.scenarios[0].value).toEqual(plan.recommendedValue);
    expect(report.scenarios[0].gain).toEqual(plan.gainOverReference);
    expect(report.scenarios[0].pBetter).toBe(plan.pGainOverReference);
  });

  for (const [args, pattern] of [
    [["--current", "last:0"], /--current last:N must be a whole number at least 1/],
    [
      ["--current", "nowhere.csv"],
      /--current must be last:N \(weeks\) or a plan file; 'nowhere.csv' is neither/,
    ],
    [["--geo-split", "people"], /--geo-split must be spend:N, population or a file of geo shares/],
    [["--geo-split", "population"], /needs a population per geo/],
    [["--max-change", "lots"], /--max-change must be a number at least 0; got 'lots'/],
    [["--min", "tv=1,200,000"], /no thousands separators/],
    [["--min", "tv=30k/day"], /--min tv must be a number at least 0/],
    [["--min", "tv=500k", "--max", "tv=400k"], /tv: the minimum 500000 is above the maximum 400000/],
  ] as const) {
    it(`rejects ${args.join(" ")} (exit 2, nothing printed)`, async () => {
      const c = capture();
      expect(await main(["optimize", run, ...args], c.io)).toBe(2);
      expect(c.err.join("\n")).toMatch(pattern);
      expect(c.out).toEqual([]);
    });
  }

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
