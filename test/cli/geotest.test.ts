import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { parseExperiments } from "../../src/experiments/experimentsFile.js";
import { addLift, factorPanel, panelCsv } from "../experiments/geo/fixtures.js";
import { capture } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "geotest-cli-"));
const base = factorPanel({ geos: 16, periods: 80, seed: "cli" });
const T = base.dates.length;
let level = 0;
for (const g of [1, 4]) for (let t = 70; t <= 73; t++) level += base.y[g * T + t];
const panelFile = join(dir, "panel.csv");
writeFileSync(panelFile, panelCsv(addLift(base, [1, 4], 70, 73, -0.15 * level)));

describe("mmm geotest", () => {
  it("analyze prints the read-out and writes JSON, an experiments row and the charts", async () => {
    const c = capture();
    const args = [
      "geotest",
      "analyze",
      "--panel",
      panelFile,
      "--treated",
      "geo01,geo04",
      "--start",
      "2025-05-05",
      "--end",
      "2025-05-26",
    ];
    const out = [
      "--out",
      join(dir, "r.json"),
      "--experiments",
      join(dir, "exp.csv"),
      "--html",
      join(dir, "r.html"),
    ];
    const code = await main([...args, "--spend-change", "-20k", "--channel", "tv", ...out], c.io);
    expect(c.err.join("\n")).toBe("");
    expect(code).toBe(0);
    const text = c.out.join("\n");
    expect(text).toMatch(/Verdict: DETECTED/);
    expect(text).toMatch(/iROAS/);
    const r = JSON.parse(readFileSync(join(dir, "r.json"), "utf8"));
    expect(r.lift).toBeLessThan(0);
    const rows = parseExperiments(readFileSync(join(dir, "exp.csv"), "utf8"), "exp.csv");
    expect(rows[0]).toMatchObject({
      channel: "tv",
      kind: "go_dark",
      spendChange: -20000,
      start: "2025-05-05",
    });
    expect(readFileSync(join(dir, "r.html"), "utf8")).toMatch(/<svg/);
  });

  it("analyze refuses a treated geo not in the panel with a clear error", async () => {
    const c = capture();
    const code = await main(
      [
        "geotest",
        "analyze",
        "--panel",
        panelFile,
        "--treated",
        "nowhere",
        "--start",
        "2025-05-05",
        "--end",
        "2025-05-26",
      ],
      c.io,
    );
    expect(code).toBe(2);
    expect(c.err.join("\n")).toMatch(/E_GEO_PANEL.*Geo 'nowhere' is not in the panel/);
  });

  it("design ranks designs, writes design.yaml, and analyze takes a design from it", async () => {
    const c = capture();
    const designFile = join(dir, "design.yaml");
    const code = await main(
      [
        "geotest",
        "design",
        "--panel",
        panelFile,
        "--durations",
        "2,4",
        "--sizes",
        "2",
        "--candidates",
        "4",
        "--treated",
        "geo01,geo04",
        "--out",
        designFile,
        "--html",
        join(dir, "design.html"),
      ],
      c.io,
    );
    expect(c.err.join("\n")).toBe("");
    expect(code).toBe(0);
    expect(c.out.join("\n")).toMatch(/rank +length/);
    expect(readFileSync(join(dir, "design.html"), "utf8")).toMatch(/<svg/);
    const yaml = readFileSync(designFile, "utf8");
    expect(yaml).toMatch(/format: mmm-os\/geotest-design@1/);
    const c2 = capture();
    expect(
      await main(
        [
          "geotest",
          "analyze",
          "--panel",
          panelFile,
          "--design",
          designFile,
          "--rank",
          "1",
          "--start",
          "2025-05-05",
        ],
        c2.io,
      ),
    ).toBe(0);
    expect(c2.out[0]).toMatch(/^Geo test on /);
  });
});

describe("mmm geotest simulate", () => {
  it("writes a lab panel and truth that analyze reads, printing the next command", async () => {
    const c = capture();
    const out = join(dir, "lab");
    const code = await main(
      [
        "geotest",
        "simulate",
        "--scenario",
        "geo",
        "--seed",
        "2",
        "--channel",
        "paid_search",
        "--treated",
        "random:4",
        "--weeks",
        "4",
        "--out",
        out,
      ],
      c.io,
    );
    expect(c.err.join("\n")).toBe("");
    expect(code).toBe(0);
    const truth = JSON.parse(readFileSync(join(out, "geotest_truth.json"), "utf8"));
    expect(truth.lift).toBeLessThan(0);
    expect(truth.treated.length).toBe(4);
    const c2 = capture();
    const args = [
      "geotest",
      "analyze",
      "--panel",
      join(out, "panel.csv"),
      "--kpi-column",
      "new_subscriptions",
      "--treated",
      truth.treated.join(","),
      "--start",
      truth.start,
      "--end",
      truth.end,
    ];
    expect(await main(args, c2.io)).toBe(0);
    expect(c2.out.join("\n")).toMatch(/ridge ASCM|plain SCM/);
  }, 120_000);

  it("refuses a national scenario", async () => {
    const c = capture();
    const code = await main(
      ["geotest", "simulate", "--scenario", "short", "--channel", "tv", "--out", join(dir, "nat")],
      c.io,
    );
    expect(code).toBe(2);
    expect(c.err.join("\n")).toMatch(/needs a multi-geo scenario/);
  }, 120_000);
});
