// The dashboard in a real browser: headless Chromium opens the runs list served by `mmm serve`,
// follows the link to a fit, sees the report's executive page with its charts drawn, requests
// nothing from anywhere but the server, and logs no errors. Screenshots of both views are kept in
// test/server/__output__/ (docs/dashboard.md shows copies).
// Skips when /usr/bin/chromium is absent (fresh dev machines); CI installs it (.ci/run).

import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runServe } from "../../src/cli/serve.js";
import { capture } from "../cli/helpers.js";
import { dashboardWorkspace } from "./fixture.js";

const CHROMIUM = process.env.MMM_CHROMIUM ?? "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
const SKIP_NOTE = `skipped: ${CHROMIUM} not found (apt-get install -y chromium; CI installs it)`;
const OUTPUT_DIR = fileURLToPath(new URL("./__output__/", import.meta.url));

let root = "";
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
  fitId = made.fitId;
  server = await runServe({ workspace: made.ws, port: "0", host: "127.0.0.1" }, capture().io);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
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
    expect(
      requests.every((u) => u.startsWith(origin)),
      requests.join("\n"),
    ).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
