// The report in a real browser: headless Chromium opens the file with a fresh profile, requests
// nothing but the file itself, draws every chart, and keeps hostile channel names inert.
// Skips when /usr/bin/chromium is absent (fresh dev machines); CI installs it (.ci/run).

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReport } from "../../src/report/html.js";
import type { ReportData } from "../../src/report/reportData.js";
import { EVIL, hostileReportFixture, reportFixture } from "./fixture.js";

// MMM_CHROMIUM points elsewhere (or nowhere, to try the skip path)
const CHROMIUM = process.env.MMM_CHROMIUM ?? "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
const SKIP_NOTE = `skipped: ${CHROMIUM} not found (apt-get install -y chromium to run the real-browser check; CI installs it)`;
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const OUTPUT_DIR = fileURLToPath(new URL("./__output__/", import.meta.url));

interface Opened {
  page: Page;
  url: string;
  requests: string[];
  consoleErrors: string[];
  dialogs: string[];
}

describe("report in headless Chromium", () => {
  let work = "";
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    if (!HAS_CHROMIUM) {
      console.warn(`report/chromium.test.ts ${SKIP_NOTE}`);
      return;
    }
    work = mkdtempSync(join(tmpdir(), "mmm-report-"));
    // a persistent context on a brand-new directory: same executable and flags as launch(), but
    // the user-data-dir is one we made empty, so no earlier profile state can leak in
    context = await chromium.launchPersistentContext(join(work, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1100, height: 900 },
      deviceScaleFactor: 1,
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function open(data: ReportData, name: string): Promise<Opened> {
    if (!context) throw new Error("browser not started");
    const file = join(work, `${name}.html`);
    writeFileSync(file, await renderReport(data));
    const url = pathToFileURL(file).href;
    const page = await context.newPage();
    const opened: Opened = { page, url, requests: [], consoleErrors: [], dialogs: [] };
    // the page and the whole context, so a request from anywhere (workers, prefetch) is seen
    page.on("request", (r) => opened.requests.push(r.url()));
    context.on("request", (r) => {
      let fromPage = false;
      try {
        fromPage = r.frame().page() === page;
      } catch {
        // service-worker requests have no frame: count them
      }
      if (!fromPage) opened.requests.push(r.url());
    });
    page.on("console", (m) => {
      if (m.type() === "error") opened.consoleErrors.push(m.text());
    });
    page.on("dialog", (d) => {
      opened.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(url, { waitUntil: "load" });
    return opened;
  }

  it("requests nothing but the file itself and draws every chart", async (ctx) => {
    ctx.skip(!HAS_CHROMIUM, SKIP_NOTE);
    const { page, url, requests, consoleErrors } = await open(reportFixture(), "report");
    await page.waitForLoadState("networkidle");
    expect(requests).toEqual([url]);
    expect(consoleErrors).toEqual([]);
    const charts = await page.evaluate(() =>
      Array.from(document.querySelectorAll("figure.chart")).map((fig) => {
        const svg = fig.querySelector("svg");
        const box = svg?.getBoundingClientRect();
        // data marks only (Vega tags them role-mark), not the background, axes or legends
        const marks = Array.from(
          svg?.querySelectorAll(".role-mark path, .role-mark rect, .role-mark line") ?? [],
        );
        const drawn = marks.filter((m) => {
          const b = (m as SVGGraphicsElement).getBBox();
          return b.width > 0 || b.height > 0;
        });
        return {
          label: fig.getAttribute("aria-label"),
          natural: svg?.width.baseVal.value ?? 0,
          room: (fig as HTMLElement).clientWidth,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks: marks.length,
          drawn: drawn.length,
        };
      }),
    );
    expect(charts.length).toBe(9);
    for (const c of charts) {
      expect(c.width, c.label ?? "").toBeGreaterThan(100);
      expect(c.height, c.label ?? "").toBeGreaterThan(100);
      expect(c.marks, c.label ?? "").toBeGreaterThan(0);
      expect(c.drawn, c.label ?? "").toBeGreaterThan(0);
      // drawn at its own size: a chart wider than the page would be scaled down, text and all
      expect(c.natural, c.label ?? "").toBeLessThanOrEqual(c.room);
    }
    // no web fonts, nothing laid out wider than the page
    expect(await page.evaluate(() => (document.fonts as unknown as Set<FontFace>).size)).toBe(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const png = join(OUTPUT_DIR, "report.png");
    await page.screenshot({ path: png, fullPage: true });
    copyFileSync(png, "/tmp/report.png");
    await page.close();
  });

  it("keeps hostile channel names inert: no element, attribute or dialog comes from them", async (ctx) => {
    ctx.skip(!HAS_CHROMIUM, SKIP_NOTE);
    const { page, url, requests, dialogs } = await open(hostileReportFixture(), "hostile");
    await page.waitForLoadState("networkidle");
    const dom = await page.evaluate(() => ({
      active: document.querySelectorAll("img, script, iframe, object, embed, a, image, use, foreignObject")
        .length,
      handlers: Array.from(document.querySelectorAll("*")).flatMap((el) =>
        Array.from(el.attributes)
          .map((a) => a.name)
          .filter((n) => n.startsWith("on")),
      ),
      title: document.title,
      text: document.body.textContent ?? "",
    }));
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([url]);
    expect(dom.active).toBe(0);
    expect(dom.handlers).toEqual([]);
    expect(dom.title).toBe("</title><script>alert(1)</script>");
    expect(dom.text).toContain(EVIL);
    await page.close();
  });
});
