// The portfolio's dashboard (`mmm serve --portfolio`): the portfolio page read live from the
// models' folders, each model's own dashboard under /m/<model>/ with every link, script and API
// under that base and a way back, a model whose jobs have not run listed without a link, and the
// same guards as a workspace's dashboard (loopback host, read-only, nothing outside a workspace).

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { runServe } from "../../src/cli/serve.js";
import { CSP } from "../../src/server/http.js";
import { createPortfolioApp } from "../../src/server/portfolioApp.js";
import { capture } from "../cli/helpers.js";

let root = "";
let file = "";
let app: ReturnType<typeof createPortfolioApp>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "mmm-portfolio-dash-"));
  const c = capture();
  expect(
    await main(["simulate", "--scenario", "short", "--seed", "4", "--out", join(root, "b1")], c.io),
  ).toBe(0);
  const models = "  - { name: uk-1, brand: acme, market: uk, data: b1/prepare.yaml }\n";
  const text = `version: 1\nroot: models\ndefaults:\n  fit: { method: fast }\n  jobs: [prepare, fit, report, plan]\n  validation: none\nmodels:\n${models}`;
  writeFileSync(join(root, "run.yaml"), text);
  expect(await main(["batch", join(root, "run.yaml")], c.io)).toBe(0);
  // the served manifest also lists a model whose jobs have not run yet
  file = join(root, "portfolio.yaml");
  writeFileSync(file, `${text}  - { name: later, data: b1/prepare.yaml }\n`);
  app = createPortfolioApp(file);
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const text = async (path: string, init?: RequestInit) => {
  const res = await app.request(path, init);
  return { status: res.status, body: await res.text(), csp: res.headers.get("content-security-policy") };
};

describe("mmm serve --portfolio", () => {
  it("shows the portfolio, linking each model's dashboard and report", async () => {
    const page = await text("/");
    expect(page.status).toBe(200);
    expect(page.csp).toBe(CSP);
    expect(page.body).not.toMatch(/<script/i);
    expect(page.body).toContain('<a href="/m/uk-1/">uk-1</a>');
    const report = page.body.match(/href="(\/m\/uk-1\/files\/reports\/report-[0-9a-f]+\.html)"/)?.[1];
    expect(report).toBeDefined();
    expect((await text(report as string)).status).toBe(200);
    // not run yet: listed, without a link, and its dashboard does not exist
    expect(page.body).toMatch(/<td>later<\/td>/);
    expect((await text("/m/later/")).status).toBe(404);
    expect((await text("/m/nope/")).status).toBe(404);
  });

  it("serves each model's dashboard under its base: links, scripts and APIs, and the way back", async () => {
    const runs = await text("/m/uk-1/");
    expect(runs.status).toBe(200);
    expect(runs.body).toContain('data-base="/m/uk-1/"');
    expect(runs.body).toContain('<a href="/">Portfolio</a>');
    expect(runs.body).toContain('href="/m/uk-1/compare"');
    const fitId = runs.body.match(/href="\/m\/uk-1\/runs\/(fit-[^"]+)"/)?.[1] as string;
    expect(fitId).toBeDefined();
    // every link on the page stays inside the model's dashboard (or goes back to the portfolio)
    for (const [, href] of runs.body.matchAll(/href="([^"#?]+)"/g))
      expect(href === "/" || href.startsWith("/m/uk-1/"), href).toBe(true);
    const fit = await text(`/m/uk-1/runs/${fitId}`);
    expect(fit.status).toBe(200);
    expect(fit.body).toContain(`href="/m/uk-1/runs/${fitId}/plan"`);
    const plan = await text(`/m/uk-1/runs/${fitId}/plan`);
    expect(plan.status).toBe(200);
    expect(plan.body).toContain(`href="/m/uk-1/runs/${fitId}"`);
    const api = await app.request(`/m/uk-1/api/runs/${fitId}/planner`);
    expect(api.status).toBe(200);
    expect(((await api.json()) as { draws: unknown[] }).draws.length).toBeGreaterThan(0);
    expect((await text("/m/uk-1/api/runs/fit-nope")).body).toMatch(/"error":"no run fit-nope/);
    expect((await text("/m/uk-1")).body).toContain('data-base="/m/uk-1/"');
  }, 60_000);

  it("keeps a workspace dashboard's guards", async () => {
    const foreign = await app.request("http://evil.example/", { headers: { Host: "evil.example" } });
    expect(foreign.status).toBe(403);
    expect((await app.request("http://evil.example/m/uk-1/")).status).toBe(403);
    const post = await text("/m/uk-1/api/runs/x/plans", { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    const registry = await text("/m/uk-1/files/registry.sqlite");
    expect(registry.status).toBe(404);
    expect((await text("/m/uk-1/files/..%2f..%2frun.yaml")).status).toBe(404);
  });

  it("refuses --portfolio with --workspace, and a manifest that does not load", async () => {
    const both = capture();
    await expect(
      runServe({ portfolio: file, workspace: root, port: "0", host: "127.0.0.1" }, both.io),
    ).rejects.toThrow(/--portfolio and --workspace/);
    writeFileSync(join(root, "bad.yaml"), "version: 1\nmodels: []\n");
    const c = capture();
    expect(await main(["serve", "--portfolio", join(root, "bad.yaml"), "--port", "0"], c.io)).not.toBe(0);
    expect(c.err.join("\n")).toMatch(/list at least one model/);
    expect(readdirSync(root)).toContain("models");
  });
});
