// `mmm fit --experiments`: a calibrated fit end to end (the lab's tests, fast path), and every
// kind of bad experiments file refused before sampling with the row and column named and no run
// folder written.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { capture } from "./helpers.js";
import { expectError } from "./labCase.js";

let root: string;
let good: string;
const table = () => join(root, "table");

async function fitWith(experiments: string, out = join(root, "bad-run")) {
  const c = capture();
  const code = await main(
    ["fit", "--table", table(), "--experiments", experiments, "--out", out, "--method", "fast", "--quiet"],
    c.io,
  );
  return { code, out: c.out.join("\n"), err: c.err.join("\n") };
}

/** Writes the good file with one edit applied to its first data row (or to the whole text). */
function variant(name: string, edit: (rows: string[][], header: string[]) => void): string {
  const lines = good.trimEnd().split("\n");
  const header = lines[0].split(",");
  // the lab's source column is quoted and has a comma: keep it out of the split
  const rows = lines.slice(1).map((l) => l.replace(/"[^"]*"/, "lab").split(","));
  edit(rows, header);
  const path = join(root, `${name}.csv`);
  writeFileSync(path, `${[header, ...rows].map((r) => r.join(",")).join("\n")}\n`);
  return path;
}
const set = (column: string, value: string) => (rows: string[][], header: string[]) => {
  rows[0][header.indexOf(column)] = value;
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "mmm-fit-exp-"));
  const c = capture();
  expect(
    await main(
      ["simulate", "--scenario", "short", "--seed", "3", "--experiments", "--out", join(root, "lab")],
      c.io,
    ),
  ).toBe(0);
  expect(await main(["prepare", "--config", join(root, "lab", "prepare.yaml"), "--out", table()], c.io)).toBe(
    0,
  );
  good = readFileSync(join(root, "lab", "experiments.csv"), "utf8");
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("mmm fit --experiments", () => {
  it("fits a calibrated model, keeps the tests in the run and judges each with it left out", async () => {
    const out = join(root, "run");
    const r = await fitWith(join(root, "lab", "experiments.csv"), out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Calibrated with 4 lift test\(s\)/);
    expect(readFileSync(join(out, "experiments.csv"), "utf8")).toBe(good);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.experiments).toHaveLength(4);
    for (const e of summary.experiments) {
      expect(e.p_value).toBeGreaterThanOrEqual(0);
      expect(e.p_value).toBeLessThanOrEqual(1);
      expect(Number.isFinite(e.model_lift_without_test.mean)).toBe(true);
    }
    const fit = JSON.parse(readFileSync(join(out, "fit.json"), "utf8"));
    expect(fit.experiments.tests).toBe(4);
    expect(fit.files["experiments.csv"].sha256).toBe(fit.experiments.sha256);
  }, 120_000);

  it("triangulate and next-test read the calibrated run (JSON outputs finite)", async () => {
    const run = join(root, "run");
    const platform = join(root, "platform.csv");
    writeFileSync(platform, "channel,spend,attributed\npaid_search,100000,2000\ntv,50000,10\n");
    const c = capture();
    const tri = join(root, "tri.json");
    expect(await main(["triangulate", run, "--platform", platform, "--out", tri], c.io)).toBe(0);
    const text = c.out.join("\n");
    expect(text).toMatch(/Does the evidence agree\?/);
    expect(text).toMatch(/test lab_holdout_paid_search/);
    expect(text).toMatch(/over-credit|under-credit|near the MMM/);
    const t = JSON.parse(readFileSync(tri, "utf8"));
    expect(t.channels.find((r: { channel: string }) => r.channel === "paid_search").tests).toHaveLength(1);
    const next = join(root, "next.json");
    expect(await main(["next-test", run, "--weeks", "6", "--outer-draws", "20", "--out", next], c.io)).toBe(
      0,
    );
    const n = JSON.parse(readFileSync(next, "utf8"));
    expect(n.candidates.length).toBeGreaterThan(0);
    for (const cand of n.candidates) expect(cand.evsi).toBeGreaterThanOrEqual(0);
    // the report's evidence page with the lab's platform claims: the chart and the credit ratios
    const report = join(root, "report.html");
    const labPlatform = join(root, "lab", "platform.csv");
    expect(readFileSync(labPlatform, "utf8")).toMatch(/^channel,spend,attributed\npaid_search,/);
    expect(
      await main(["report", run, "--out", report, "--validation", "none", "--platform", labPlatform], c.io),
    ).toBe(0);
    const page = readFileSync(report, "utf8");
    expect(page).toContain('id="evidence"');
    expect(page).toMatch(/lab_holdout_paid_search/);
    expect(page).toContain('aria-label="Return per channel: the MMM, each lift test and the platform');
    expect(page).toContain("platform ÷ MMM");
    const bad = join(root, "platform-bad.csv");
    writeFileSync(bad, "channel,spend,attributed\nradio,1,1\n");
    const b = capture();
    const code = await main(["triangulate", run, "--platform", bad], b.io);
    expectError(
      { code, out: "", err: b.err.join("\n") },
      "E_PLATFORM_FILE",
      { column: "channel" },
      "'radio'",
    );
    const r = capture();
    const badReport = join(root, "report-bad.html");
    const rc = await main(
      ["report", run, "--out", badReport, "--validation", "none", "--platform", bad],
      r.io,
    );
    expectError(
      { code: rc, out: "", err: r.err.join("\n") },
      "E_PLATFORM_FILE",
      { column: "channel" },
      "'radio'",
    );
    expect(existsSync(badReport)).toBe(false);
  }, 120_000);

  const cases: [string, () => string, string | RegExp, { row?: number; column?: string }][] = [
    [
      "an unknown channel",
      () => variant("channel", set("channel", "radio")),
      "which the table does not have",
      { row: 1, column: "channel" },
    ],
    [
      "a geo the table lacks",
      () => variant("geo", set("geos", "Atlantis")),
      "geo 'Atlantis'",
      { row: 1, column: "geos" },
    ],
    [
      "a window before the data",
      () =>
        variant("early", (r, h) => {
          r[0][h.indexOf("start")] = "2019-01-07";
          r[0][h.indexOf("end")] = "2019-02-04";
        }),
      "outside the table's weeks",
      { row: 1, column: "start" },
    ],
    [
      "a start that is no week start",
      () =>
        variant(
          "weekday",
          set(
            "start",
            (good.split("\n")[1].split(",")[3] as string).replace(/\d\d$/, (d) =>
              String(Number(d) + 1).padStart(2, "0"),
            ),
          ),
        ),
      "not a week start",
      { row: 1, column: "start" },
    ],
    [
      "a read-out past the data",
      () => variant("readout", set("readout_weeks", "40")),
      "run past the weeks the model learns from",
      { row: 1, column: "end" },
    ],
    [
      "a go-dark that adds spend",
      () => variant("sign", set("spend_change", "1000")),
      /spend_change/,
      { row: 1, column: "spend_change" },
    ],
    [
      "a zero standard error",
      () => variant("se", set("lift_se", "0")),
      "standard error must be positive",
      { row: 1 },
    ],
    [
      "a KPI other than the table's",
      () => variant("kpi", set("kpi", "revenue")),
      "measured 'revenue'",
      { row: 1, column: "kpi" },
    ],
    [
      "another currency",
      () => variant("currency", set("currency", "EUR")),
      "states spend in EUR",
      { row: 1, column: "currency" },
    ],
    [
      "a duplicate id",
      () =>
        variant("dup", (r, h) => {
          r[1][h.indexOf("id")] = r[0][h.indexOf("id")];
        }),
      "is used twice",
      { row: 2, column: "id" },
    ],
    [
      "a lift that is not a number",
      () => variant("nan", set("lift", "NaN")),
      "is not a number",
      { row: 1, column: "lift" },
    ],
    [
      "an unknown column",
      () =>
        variant("col", (r, h) => {
          h.push("notes");
          for (const row of r) row.push("x");
        }),
      "unknown column",
      { row: 1, column: "notes" },
    ],
    [
      "an empty file",
      () => {
        const p = join(root, "empty.csv");
        writeFileSync(p, "");
        return p;
      },
      "no test rows",
      {},
    ],
  ];
  for (const [label, make, mention, where] of cases) {
    it(`refuses ${label} before sampling, writing nothing`, async () => {
      const out = join(root, "bad-run");
      const r = await fitWith(make(), out);
      expectError(r, "E_EXPERIMENTS", { column: where.column }, mention);
      if (where.row !== undefined) expect(r.err).toMatch(new RegExp(`row ${where.row}\\b`));
      expect(existsSync(out)).toBe(false);
    });
  }

  it("fits with the ROI-prior route, and refuses --calibration without tests or with an unknown route", async () => {
    const c = capture();
    const out = join(root, "run-roi");
    const args = [
      "fit",
      "--table",
      table(),
      "--experiments",
      join(root, "lab", "experiments.csv"),
      "--method",
      "fast",
      "--quiet",
    ];
    expect(await main([...args, "--calibration", "roi-prior", "--out", out], c.io)).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "fit.json"), "utf8")).experiments.calibration).toBe("roi_prior");
    const tri = capture();
    expect(await main(["triangulate", out], tri.io)).toBe(0);
    const bad = capture();
    const code = await main([...args, "--calibration", "prior", "--out", join(root, "x")], bad.io);
    expectError({ code, out: "", err: bad.err.join("\n") }, "E_BAD_OPTION", {}, "--calibration must be");
    const none = capture();
    const code2 = await main(
      ["fit", "--table", table(), "--calibration", "roi-prior", "--out", join(root, "y")],
      none.io,
    );
    expectError({ code: code2, out: "", err: none.err.join("\n") }, "E_BAD_OPTION", {}, "needs lift tests");
    expect(existsSync(join(root, "x")) || existsSync(join(root, "y"))).toBe(false);
  }, 120_000);

  it("refuses a missing experiments file with E_FILE_NOT_FOUND naming the option", async () => {
    const r = await fitWith(join(root, "nope.csv"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--experiments|experiments file/);
  });
});
