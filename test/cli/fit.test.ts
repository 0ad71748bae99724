// `mmm fit` end to end on a small lab dataset: the run folder's files, summary.json's schema,
// draws that CmdStan readers accept, bit-identical reruns, and the fast path's labelling.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const root = mkdtempSync(join(tmpdir(), "mmm-fit-"));
const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
};
const lab = join(root, "lab");
const table = join(root, "table");
const small = ["--chains", "2", "--warmup", "150", "--draws", "100", "--quiet"];

beforeAll(async () => {
  expect(await main(["simulate", "--scenario", "short", "--seed", "5", "--out", lab], io().io)).toBe(0);
  expect(await main(["prepare", "--config", join(lab, "prepare.yaml"), "--out", table], io().io)).toBe(0);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Parses a CmdStan CSV the way CmdStan readers do: '#' lines are comments, the first other line the header. */
function readCmdStan(text: string) {
  const lines = text.split("\n").filter((l) => l !== "");
  const data = lines.filter((l) => !l.startsWith("#"));
  return {
    comments: lines.filter((l) => l.startsWith("#")),
    header: data[0].split(","),
    rows: data.slice(1).map((l) => l.split(",").map(Number)),
  };
}

describe("mmm fit", () => {
  it("writes a complete run folder with summary.json per channel and diagnostics", async () => {
    const run = join(root, "run-a");
    const r = io();
    expect(await main(["fit", "--table", table, "--out", run, ...small], r.io)).toBe(0);
    expect(readdirSync(run).sort()).toEqual([
      "data",
      "diagnostics.json",
      "draws",
      "fit.json",
      "parameters.csv",
      "spec.yaml",
      "summary.json",
    ]);
    const summary = JSON.parse(readFileSync(join(run, "summary.json"), "utf8"));
    expect(summary.format).toBe("mmm-os/fit-summary@1");
    expect(summary.approximate).toBe(false);
    expect(Object.keys(summary.channels)).toEqual([
      "tv",
      "paid_search",
      "paid_social",
      "online_video",
      "display",
      "podcast",
    ]);
    for (const c of Object.values(summary.channels) as Record<
      string,
      { mean: number; median: number; q05: number; q95: number }
    >[]) {
      for (const k of ["roi", "contribution", "mroi"]) {
        expect(Object.keys(c[k]).sort()).toEqual(["mean", "median", "q05", "q95"]);
        expect(c[k].q05).toBeLessThanOrEqual(c[k].median);
        expect(c[k].median).toBeLessThanOrEqual(c[k].q95);
      }
    }
    for (const k of ["rhat_max", "ess_bulk_min", "ess_tail_min", "divergences", "seconds"])
      expect(typeof summary.diagnostics[k]).toBe("number");
    expect(r.out.join("\n")).toMatch(/ROI mean \[5%, 95%\]/);
    expect(r.out.join("\n")).toMatch(/Diagnostics: (OK|WARNING)/);
  });

  it("writes draws in the CmdStan CSV layout with sampler statistics first", async () => {
    const run = join(root, "run-a");
    const csv = readCmdStan(readFileSync(join(run, "draws", "chain-1.csv"), "utf8"));
    expect(csv.header.slice(0, 7)).toEqual([
      "lp__",
      "accept_stat__",
      "stepsize__",
      "treedepth__",
      "n_leapfrog__",
      "divergent__",
      "energy__",
    ]);
    expect(csv.header).toContain("tv_effect");
    expect(csv.header).toContain("roi_tv");
    expect(csv.rows).toHaveLength(100);
    expect(csv.rows.every((r) => r.length === csv.header.length && r.every((v) => Number.isFinite(v)))).toBe(
      true,
    );
    expect(csv.comments).toContain("# Adaptation terminated");
    expect(csv.comments.some((c) => c.startsWith("# Step size = "))).toBe(true);
    expect(csv.comments.some((c) => c.includes("Elapsed Time"))).toBe(true);
    // the generated ROI equals value × contribution ÷ spend for every draw
    const fit = JSON.parse(readFileSync(join(run, "summary.json"), "utf8"));
    const spend = fit.channels.tv.spend;
    const ci = csv.header.indexOf("contribution_tv");
    const ri = csv.header.indexOf("roi_tv");
    for (const row of csv.rows) expect(row[ri]).toBeCloseTo((fit.value_per_unit * row[ci]) / spend, 6);
  });

  it("gives bit-identical draws for the same seed and different ones for another", async () => {
    const again = join(root, "run-b");
    const other = join(root, "run-c");
    expect(await main(["fit", "--table", table, "--out", again, ...small], io().io)).toBe(0);
    expect(await main(["fit", "--table", table, "--out", other, ...small, "--seed", "2"], io().io)).toBe(0);
    const rows = (dir: string) => readCmdStan(readFileSync(join(dir, "draws", "chain-2.csv"), "utf8")).rows;
    expect(rows(again)).toEqual(rows(join(root, "run-a")));
    expect(rows(other)).not.toEqual(rows(join(root, "run-a")));
  });

  it("labels the fast path as approximate everywhere", async () => {
    const run = join(root, "run-fast");
    const r = io();
    expect(await main(["fit", "--table", table, "--out", run, "--method", "fast", "--quiet"], r.io)).toBe(0);
    const summary = JSON.parse(readFileSync(join(run, "summary.json"), "utf8"));
    expect(summary.approximate).toBe(true);
    expect(summary.note).toMatch(/APPROXIMATE/);
    expect(summary.diagnostics.verdict).toBe("approximate");
    expect(readFileSync(join(run, "draws", "laplace.csv"), "utf8")).toMatch(/^# APPROXIMATE/);
    expect(r.out.join("\n")).toMatch(/APPROXIMATE FIT/);
  });

  it("rejects bad options and specs with a clear error and writes nothing", async () => {
    const run = join(root, "run-bad");
    const bad = io();
    expect(await main(["fit", "--table", table, "--out", run, "--chains", "0"], bad.io)).toBe(2);
    expect(bad.err.join("\n")).toMatch(/--chains must be a whole number/);
    const spec = join(root, "bad-spec.yaml");
    writeFileSync(spec, "channels:\n  - name: radio\n");
    const r = io();
    expect(await main(["fit", "--table", table, "--config", spec, "--out", run], r.io)).toBe(2);
    expect(r.err.join("\n")).toMatch(/E_SPEC_CHANNEL.*radio/s);
    expect(readdirSync(root)).not.toContain("run-bad");
  });
});
