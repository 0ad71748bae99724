// The dashboard's two speed bars, measured in headless Chromium on lab brands this code was not
// tuned on:
//  - re-planning: a slider move to the numbers on screen, 6 channels × 1,000 posterior draws
//    (bar ≤ 150 ms), for single-channel moves and for moves that hold the total (every channel
//    recomputed); median, 95th percentile and worst;
//  - the browser-only fit of `clean` against the same fit in Node (fitTable with worker threads,
//    the sampler `mmm fit` runs, from the compiled dist/ as the installed command runs it, not
//    through tsx), default settings (4 chains × 500 + 500), the two in alternating order: bar
//    ≤ 1.5× Node's wall time; with both fits' ROI means compared in Monte Carlo standard errors.
// Run: npm run bench:dashboard -- [--seeds 11-13] [--moves 60]   (results/dashboard.json)
// Geo models, the planner alone (a Laplace fit is enough to time the valuation):
//   npm run bench:dashboard -- --scenario geo --method fast --planner-only --seeds 21-23
//   (results/dashboard-geo.json)

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import type { FitSummary } from "../src/analysis/fitSummary.js";
import { main } from "../src/cli/main.js";
import { runServe } from "../src/cli/serve.js";
import { Rng } from "../src/core/rng.js";
import { bundleWeb } from "../web/build.mjs";
import { arg, compiled, median, seedList, table, writeResult } from "./lib.js";

const seeds = seedList(arg("seeds", "11-13"));
const moves = Number(arg("moves", "60"));
const scenario = arg("scenario", "clean");
const method = arg("method", "nuts");
const plannerOnly = process.argv.includes("--planner-only");
const CHROMIUM = process.env.MMM_CHROMIUM ?? "/usr/bin/chromium";
const quiet = { out: () => {}, err: () => {} };

// the Node side as `mmm fit` runs when installed: compiled, its workers without a TypeScript loader
const { fitTable } = await compiled<typeof import("../src/fitTable.js")>("fitTable.js");
const { WorkerExecutor } =
  await compiled<typeof import("../src/cli/workerExecutor.js")>("cli/workerExecutor.js");
const { readModelingTable } =
  await compiled<typeof import("../src/data/tableFolder.js")>("data/tableFolder.js");

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

interface PlannerProbe {
  ready: boolean;
  updates: number;
  latencies: number[];
  valuations: number[];
}

async function workspaceFor(root: string, seed: number): Promise<{ ws: string; fitId: string }> {
  const ws = join(root, `${scenario}-${seed}`);
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const code = await main(argv, { out: (s) => out.push(s), err: () => {} });
    if (code !== 0) throw new Error(`mmm ${argv.join(" ")} failed`);
    return out;
  };
  await run(["simulate", "--scenario", scenario, "--seed", String(seed), "--out", join(ws, "lab")]);
  await run(["init", ws, "--owner", "bench"]);
  await run([
    "prepare",
    "--config",
    join(ws, "lab", "prepare.yaml"),
    "--out",
    join(ws, "table"),
    "--note",
    "bench",
  ]);
  const out = await run([
    "fit",
    "--table",
    join(ws, "table"),
    "--out",
    join(ws, "runs", "fit"),
    "--note",
    "bench",
    "--method",
    method,
    "--quiet",
  ]);
  const fitId = (out.find((l) => l.startsWith("Registered ")) as string).split(" ")[1];
  return { ws, fitId };
}

/** Moves sliders one at a time, each waited for; returns the latencies and valuation times. */
async function replan(
  page: Page,
  rng: Rng,
  n: number,
  holdTotal: boolean,
): Promise<{ latency: number[]; valuation: number[] }> {
  await page.setChecked("#hold-total", holdTotal);
  const rows = page.locator("tbody tr");
  const count = await rows.count();
  const before = await page.evaluate(
    () => (window as unknown as { mmmPlanner: PlannerProbe }).mmmPlanner.updates,
  );
  for (let k = 0; k < n; k++) {
    const row = rows.nth(rng.integer(0, count - 1));
    const reference = Number(await row.getAttribute("data-reference"));
    const value = Math.round(reference * (0.2 + 1.6 * rng.uniform()));
    await row.locator("input[type=range]").evaluate((el, v) => {
      (el as HTMLInputElement).value = String(v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, value);
    await page.waitForFunction(
      (target) => (window as unknown as { mmmPlanner: PlannerProbe }).mmmPlanner.updates >= target,
      before + k + 1,
    );
  }
  const probe = await page.evaluate(() => (window as unknown as { mmmPlanner: PlannerProbe }).mmmPlanner);
  return { latency: probe.latencies.slice(before), valuation: probe.valuations.slice(before) };
}

async function browserFit(
  page: Page,
  url: string,
  tableDir: string,
): Promise<{ ms: number; summary: FitSummary }> {
  await page.goto(`${url}local`);
  await page.setInputFiles("#table-files", [
    join(tableDir, "table.csv"),
    join(tableDir, "table.schema.json"),
  ]);
  await page.waitForFunction(
    () => (window as unknown as { mmmLocalFit: { table?: unknown } }).mmmLocalFit.table,
  );
  await page.click("#fit");
  await page.waitForFunction(
    () => {
      const p = (window as unknown as { mmmLocalFit: { done: boolean; error?: string } }).mmmLocalFit;
      return p.done || p.error;
    },
    null,
    { timeout: 900_000 },
  );
  const p = await page.evaluate(
    () =>
      (window as unknown as { mmmLocalFit: { ms: number; summary: FitSummary; error?: string } }).mmmLocalFit,
  );
  if (p.error) throw new Error(p.error);
  return { ms: p.ms, summary: p.summary };
}

/** The largest difference of the two fits' ROI means, in Monte Carlo standard errors of a difference. */
function roiAgreement(a: FitSummary, b: FitSummary): number {
  const ess = Math.min(a.diagnostics.ess_bulk_min ?? 100, b.diagnostics.ess_bulk_min ?? 100);
  return Math.max(
    ...Object.entries(a.channels).map(([channel, c]) => {
      const sd = (c.roi.q95 - c.roi.q05) / 3.29;
      return Math.abs(c.roi.mean - b.channels[channel].roi.mean) / (Math.SQRT2 * (sd / Math.sqrt(ess)));
    }),
  );
}

const root = mkdtempSync(join(tmpdir(), "mmm-bench-dashboard-"));
const assetsDir = await bundleWeb(join(root, "web"));
mkdirSync(root, { recursive: true });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
const rows: Record<string, number>[] = [];
try {
  for (const seed of seeds) {
    const { ws, fitId } = await workspaceFor(root, seed);
    const server = await runServe({ workspace: ws, port: "0", host: "127.0.0.1", assetsDir }, quiet);
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    await page.goto(`${server.url}runs/${fitId}/plan`);
    await page.waitForFunction(
      () => (window as unknown as { mmmPlanner: PlannerProbe }).mmmPlanner?.ready,
      null,
      {
        timeout: 120_000,
      },
    );
    const rng = new Rng(`dashboard-${seed}`);
    const single = await replan(page, rng, moves, false);
    const held = await replan(page, rng, Math.ceil(moves / 3), true);
    const planner = {
      seed,
      replan_median_ms: median(single.latency),
      replan_p95_ms: quantile(single.latency, 0.95),
      replan_worst_ms: Math.max(...single.latency),
      valuation_median_ms: median(single.valuation),
      held_median_ms: median(held.latency),
      held_worst_ms: Math.max(...held.latency),
    };
    if (plannerOnly) {
      await page.close();
      await server.close();
      rows.push(planner);
      console.log(JSON.stringify(planner));
      continue;
    }
    const tableDir = join(ws, "table");
    const nodeFit = async () => {
      const t0 = performance.now();
      const summary = await fitTable(readModelingTable(tableDir), {}, {}, new WorkerExecutor());
      return { summary, ms: performance.now() - t0 };
    };
    // alternate which goes first, so neither always runs on a warmer machine
    const nodeFirst = seed % 2 === 0 ? await nodeFit() : undefined;
    const inBrowser = await browserFit(page, server.url, tableDir);
    const { summary: inNode, ms: nodeMs } = nodeFirst ?? (await nodeFit());
    await page.close();
    await server.close();
    const row = {
      ...planner,
      browser_fit_s: inBrowser.ms / 1000,
      node_fit_s: nodeMs / 1000,
      ratio: inBrowser.ms / nodeMs,
      browser_divergences: inBrowser.summary.diagnostics.divergences,
      node_divergences: inNode.diagnostics.divergences,
      roi_max_diff_mcse: roiAgreement(inNode, inBrowser.summary),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
} finally {
  await browser.close();
  rmSync(root, { recursive: true, force: true });
}

const fmt = (x: number, d = 1) => x.toFixed(d);
const plannerCells = (r: Record<string, number>) => [
  r.seed,
  fmt(r.replan_median_ms),
  fmt(r.replan_p95_ms),
  fmt(r.replan_worst_ms),
  fmt(r.valuation_median_ms),
  `${fmt(r.held_median_ms)} / ${fmt(r.held_worst_ms)}`,
];
const PLANNER_HEADER = ["seed", "re-plan median ms", "p95", "worst", "worker ms", "hold-total med/worst"];
const all = (k: string) => rows.map((r) => r[k]);
const replanSummary = {
  replan_median_ms: median(all("replan_median_ms")),
  replan_worst_ms: Math.max(...all("replan_worst_ms"), ...all("held_worst_ms")),
};
const replanLine = `re-plan: median ${fmt(replanSummary.replan_median_ms)} ms, worst ${fmt(replanSummary.replan_worst_ms)} ms (bar ≤ 150)`;
if (plannerOnly) {
  console.log(table(rows.map(plannerCells), PLANNER_HEADER));
  console.log(`${scenario} ${replanLine}`);
  const summary = { ...replanSummary, bars: { replan_ms: 150 } };
  console.log(
    `wrote ${writeResult(`dashboard-${scenario}`, { scenario, method, moves, draws: 1000, rows, summary })}`,
  );
  process.exit(0);
}
console.log(
  table(
    rows.map((r) => [
      ...plannerCells(r),
      fmt(r.browser_fit_s),
      fmt(r.node_fit_s),
      fmt(r.ratio, 2),
      `${r.browser_divergences} / ${r.node_divergences}`,
      fmt(r.roi_max_diff_mcse, 2),
    ]),
    [...PLANNER_HEADER, "browser fit s", "node fit s", "ratio", "div b/n", "max ΔROI (MCSE)"],
  ),
);
const summary = {
  ...replanSummary,
  ratio_median: median(all("ratio")),
  ratio_worst: Math.max(...all("ratio")),
  bars: { replan_ms: 150, ratio: 1.5 },
};
console.log(
  `${replanLine}; browser ÷ Node fit: median ${fmt(summary.ratio_median, 2)}, worst ${fmt(summary.ratio_worst, 2)} (bar ≤ 1.5)`,
);
console.log(`wrote ${writeResult("dashboard", { moves, draws: 1000, channels: 6, rows, summary })}`);
process.exit(0);
