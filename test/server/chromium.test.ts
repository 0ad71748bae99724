// The dashboard in a real browser: headless Chromium opens the runs list served by `mmm serve`,
// follows the link to a fit, sees the report's executive page with its charts drawn, requests
// nothing from anywhere but the server, and logs no errors. Then the live planner: a slider move
// gives the expected gain and P(gain > 0) that `mmm scenario` prints for the same plan, and the
// plan is saved to the registry; and the browser-only fit: a dropped table fitted in Web Workers
// gives ROI means that match a Node fit with the same seed within Monte Carlo error. Screenshots
// of every view are kept in test/server/__output__/ (docs/dashboard.md shows copies).
// Skips when /usr/bin/chromium is absent (fresh dev machines); CI installs it (.ci/run).

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FitSummary } from "../../src/analysis/fitSummary.js";
import { fitTable } from "../../src/browser.js";
import { main } from "../../src/cli/main.js";
import { runServe } from "../../src/cli/serve.js";
import { readModelingTable } from "../../src/data/tableFolder.js";
import { bundleWeb } from "../../web/build.mjs";
import { capture } from "../cli/helpers.js";
import { dashboardWorkspace } from "./fixture.js";

const CHROMIUM = process.env.MMM_CHROMIUM ?? "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
const SKIP_NOTE = `skipped: ${CHROMIUM} not found (apt-get install -y chromium; CI installs it)`;
const OUTPUT_DIR = fileURLToPath(new URL("./__output__/", import.meta.url));

let root = "";
let ws = "";
let assets = "";
let fitId = "";
let browser: Browser | undefined;
let server: { url: string; close: () => Promise<void> } | undefined;

beforeAll(async () => {
  if (!HAS_CHROMIUM) {
    console.warn(`server/chromium.test.ts ${SKIP_NOTE}`);
    return;
  }
  const made = await dashboardWorkspace();
  root = made.root;
  ws = made.ws;
  fitId = made.fitId;
  // the page's scripts as they are now, not a build left from an earlier checkout
  const assetsDir = await bundleWeb(mkdtempSync(join(tmpdir(), "mmm-web-")));
  assets = assetsDir;
  server = await runServe(
    { workspace: made.ws, port: "0", host: "127.0.0.1", allowSave: true, assetsDir },
    capture().io,
  );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  if (assets) rmSync(assets, { recursive: true, force: true });
});

describe("dashboard in headless Chromium", () => {
  it("lists the runs and opens a fit's page, requesting nothing else", async (ctx) => {
    ctx.skip(!HAS_CHROMIUM, SKIP_NOTE);
    if (!browser || !server) throw new Error("not started");
    const origin = new URL(server.url).origin;
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(server.url);
    expect(await page.locator("h1").textContent()).toBe("Runs");
    const rows = await page.locator("tbody tr").count();
    expect(rows).toBe(2);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, "dashboard-runs.png"), fullPage: true });
    await page.click(`a[href="/runs/${fitId}"]`);
    await page.waitForURL(`${origin}/runs/${fitId}`, { timeout: 60_000 });
    expect(await page.locator("h2", { hasText: "What we learned" }).isVisible()).toBe(true);
    const charts = await page.locator("figure.chart svg").count();
    expect(charts).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUTPUT_DIR, "dashboard-run.png"), fullPage: false });
    await page.click('nav.top a[href="/compare"]');
    await page.waitForURL(`${origin}/compare`, { timeout: 60_000 });
    expect(await page.locator("figure.chart svg").count()).toBe(2);
    await page.screenshot({ path: join(OUTPUT_DIR, "dashboard-compare.png"), fullPage: true });
    expect(
      requests.every((u) => u.startsWith(origin)),
      requests.join("\n"),
    ).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

/** Opens a page that must request nothing but the server and log no errors. */
async function watchedPage(b: Browser, origin: string) {
  const page = await b.newPage({ viewport: { width: 1300, height: 1000 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  const check = () => {
    expect(
      requests.every((u) => u.startsWith(origin)),
      requests.join("\n"),
    ).toBe(true);
    expect(errors).toEqual([]);
  };
  return { page, check };
}

/** The line `mmm scenario` prints for a plan's gain, as numbers to display precision. */
function cliGain(out: string[]): { gain: string; p: string } {
  const line = out
    .join("\n")
    .match(
      /expected gain (\S+) \(5th to 95th percentile (\S+) to (\S+)\); P\(better than reference\) = (\S+)/,
    );
  if (!line) throw new Error(`no gain line in:\n${out.join("\n")}`);
  return { gain: `${line[1]} ${line[2]} to ${line[3]}`, p: line[4] };
}

describe("the live planner in headless Chromium", () => {
  it("reads the ROI table, moves a channel and shows mmm scenario's gain and P(gain > 0); saves the plan", async (ctx) => {
    ctx.skip(!HAS_CHROMIUM, SKIP_NOTE);
    if (!browser || !server) throw new Error("not started");
    const origin = new URL(server.url).origin;
    const { page, check } = await watchedPage(browser, origin);
    await page.goto(`${server.url}runs/${fitId}`);
    // the headline ROI table of the report's executive page, against the fit's summary
    const summary = JSON.parse(readFileSync(join(ws, "runs", "first", "summary.json"), "utf8")) as FitSummary;
    const roiRows = page.locator("h2#learned ~ table").first().locator("tbody tr");
    expect(await roiRows.count()).toBe(6);
    for (let i = 0; i < 6; i++) {
      const cells = roiRows.nth(i).locator("td");
      const channel = (await cells.nth(0).textContent()) as string;
      const roi = Number.parseFloat((await cells.nth(3).textContent()) as string);
      expect(roi).toBeCloseTo(summary.channels[channel].roi.mean * summary.roi_display.factor, 1);
    }
    await page.click("a.planner-link");
    await page.waitForFunction(
      () => (window as unknown as { mmmPlanner: { ready: boolean } }).mmmPlanner?.ready,
      null,
      {
        timeout: 60_000,
      },
    );
    const row = page.locator('tbody tr[data-channel="paid_search"]');
    const slider = row.locator("input[type=range]");
    const reference = Number(await row.getAttribute("data-reference"));
    const target = Math.round(reference * 1.6);
    await slider.evaluate((el, v) => {
      (el as HTMLInputElement).value = String(v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, target);
    await page.waitForFunction(
      () => (window as unknown as { mmmPlanner: { updates: number } }).mmmPlanner.updates >= 1,
    );
    const shown = {
      gain: `${await page.locator("#gain").textContent()} ${await page.locator("#gain-range").textContent()}`,
      p: (await page.locator("#p-better").textContent()) as string,
    };
    const command = (await page.locator("#cli-command").textContent()) as string;
    expect(command).toContain(`--plan "paid_search=${target}"`);
    const c = capture();
    expect(
      await main(
        ["scenario", join(ws, "runs", "first"), "--horizon", "13", "--plan", `paid_search=${target}`],
        c.io,
      ),
    ).toBe(0);
    expect(shown).toEqual(cliGain(c.out));
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, "dashboard-planner.png"), fullPage: true });
    // holding the total: a move becomes a reallocation, the plan's total stays where it was
    const totalBefore = await page.locator("#plan-total").textContent();
    const changeBefore = await page.locator("#total-change").textContent();
    await page.check("#hold-total");
    await page.locator('tbody tr[data-channel="tv"] input[type=range]').evaluate((el) => {
      (el as HTMLInputElement).value = "0";
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await page.waitForFunction(
      () => (window as unknown as { mmmPlanner: { updates: number } }).mmmPlanner.updates >= 2,
    );
    expect(await page.locator("#plan-total").textContent()).toBe(totalBefore);
    expect(await page.locator("#total-change").textContent()).toBe(changeBefore);
    // saved: a draft plan run in the registry, its page one click away
    await page.fill("#save-note", "search +60%");
    await page.click("#save-plan");
    await page.locator("#save-status a").waitFor({ timeout: 30_000 });
    const savedId = (await page.locator("#save-status a").textContent()) as string;
    expect(savedId).toMatch(/^plan-/);
    check();
    await page.close();
  }, 180_000);
});

describe("the browser-only fit in headless Chromium", () => {
  it("fits a dropped table in Web Workers, matching the Node fit's ROI means within Monte Carlo error", async (ctx) => {
    ctx.skip(!HAS_CHROMIUM, SKIP_NOTE);
    if (!browser || !server) throw new Error("not started");
    const origin = new URL(server.url).origin;
    const { page, check } = await watchedPage(browser, origin);
    await page.goto(`${server.url}local`);
    const table = join(ws, "table");
    // half a table is refused with what is missing, before any fit
    await page.setInputFiles("#table-files", [join(table, "table.schema.json")]);
    await page.waitForFunction(
      () => (window as unknown as { mmmLocalFit: { error?: string } }).mmmLocalFit.error,
    );
    expect(await page.locator("#fit-status").textContent()).toMatch(
      /Cannot use these files: need both table.csv/,
    );
    expect(await page.locator("#fit").isDisabled()).toBe(true);
    await page.setInputFiles("#table-files", [join(table, "table.csv"), join(table, "table.schema.json")]);
    await page.waitForFunction(
      () => (window as unknown as { mmmLocalFit: { table?: unknown } }).mmmLocalFit.table,
    );
    const settings = { chains: 2, warmup: 300, draws: 300, seed: 7 };
    for (const [k, v] of Object.entries(settings)) await page.fill(`#${k}`, String(v));
    await page.click("#fit");
    await page.waitForFunction(
      () => {
        const p = (window as unknown as { mmmLocalFit: { done: boolean; error?: string } }).mmmLocalFit;
        return p.done || p.error;
      },
      null,
      { timeout: 150_000 },
    );
    const browserFit = await page.evaluate(
      () => (window as unknown as { mmmLocalFit: { summary: FitSummary; error?: string } }).mmmLocalFit,
    );
    expect(browserFit.summary).toBeDefined();
    expect(await page.locator("#local-roi tbody tr").count()).toBe(6);
    await page.screenshot({ path: join(OUTPUT_DIR, "dashboard-local-fit.png"), fullPage: true });
    check();
    await page.close();
    const node = await fitTable(readModelingTable(table), {}, settings);
    const ess = Math.min(
      node.diagnostics.ess_bulk_min ?? 100,
      browserFit.summary.diagnostics.ess_bulk_min ?? 100,
    );
    for (const [channel, c] of Object.entries(node.channels)) {
      // two independent estimates of one mean: their difference has sd √2 · sd/√ESS
      const sd = (c.roi.q95 - c.roi.q05) / 3.29;
      const tolerance = 4 * Math.SQRT2 * (sd / Math.sqrt(ess));
      expect(Math.abs(browserFit.summary.channels[channel].roi.mean - c.roi.mean), channel).toBeLessThan(
        tolerance,
      );
    }
  }, 300_000);
});

describe("a portfolio's dashboard in headless Chromium", () => {
  it("opens a model from the portfolio page and plans with its fit under /m/<model>/", async (ctx) => {
    ctx.skip(!HAS_CHROMIUM, SKIP_NOTE);
    if (!browser) throw new Error("not started");
    // the dashboard's workspace is the portfolio's one model ("brand", beside the manifest)
    const manifest = join(root, "portfolio.yaml");
    writeFileSync(
      manifest,
      "version: 1\nmodels:\n  - { name: brand, brand: Acme, market: UK, data: brand/lab/prepare.yaml }\n",
    );
    const portfolio = await runServe(
      { portfolio: manifest, port: "0", host: "127.0.0.1", allowSave: true, assetsDir: assets },
      capture().io,
    );
    try {
      const origin = new URL(portfolio.url).origin;
      const { page, check } = await watchedPage(browser, origin);
      await page.goto(portfolio.url);
      mkdirSync(OUTPUT_DIR, { recursive: true });
      await page.screenshot({ path: join(OUTPUT_DIR, "dashboard-portfolio.png"), fullPage: true });
      await page.click('section.default a[href="/m/brand/"]');
      await page.waitForURL(`${origin}/m/brand/`);
      expect(await page.locator("nav.top a", { hasText: "Portfolio" }).getAttribute("href")).toBe("/");
      await page.click(`a[href="/m/brand/runs/${fitId}"]`);
      await page.click("a.planner-link");
      expect(page.url()).toBe(`${origin}/m/brand/runs/${fitId}/plan`);
      await page.waitForFunction(
        () => (window as unknown as { mmmPlanner: { ready: boolean } }).mmmPlanner?.ready,
        null,
        { timeout: 60_000 },
      );
      await page.locator('tbody tr[data-channel="tv"] input[type=range]').evaluate((el) => {
        (el as HTMLInputElement).value = "0";
        el.dispatchEvent(new Event("input", { bubbles: true }));
      });
      await page.waitForFunction(
        () => (window as unknown as { mmmPlanner: { updates: number } }).mmmPlanner.updates >= 1,
      );
      expect(await page.locator("#p-better").textContent()).toMatch(/^[01]\.\d+$/);
      await page.fill("#save-note", "no TV, from the portfolio");
      await page.click("#save-plan");
      await page.locator("#save-status a").waitFor({ timeout: 30_000 });
      expect(await page.locator("#save-status a").getAttribute("href")).toMatch(/^\/m\/brand\/runs\/plan-/);
      await page.screenshot({ path: join(OUTPUT_DIR, "dashboard-portfolio-planner.png"), fullPage: true });
      check();
      await page.close();
    } finally {
      await portfolio.close();
    }
  }, 120_000);
});
