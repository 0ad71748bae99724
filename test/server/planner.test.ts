// The live planner's server side: the page carries the reference plan's numbers and may run only
// this server's scripts; the posterior it sends is `mmm scenario`'s; saving a plan is closed
// unless the server was started with --allow-save, and then only a same-origin JSON request of a
// few KB naming every channel gets in. A saved plan is a registered draft following its fit, and
// its plan.json reads back with `mmm scenario --plan-file` to the same gain.

import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { loadWorkspace, withRegistry } from "../../src/registry/workspace.js";
import { createApp } from "../../src/server/app.js";
import { LOCAL_FIT_CSP, PLANNER_CSP } from "../../src/server/http.js";
import type { PlannerPayload } from "../../src/server/planner.js";
import { capture } from "../cli/helpers.js";
import { dashboardWorkspace } from "./fixture.js";

let root = "";
let ws = "";
let fitId = "";
let readOnly: ReturnType<typeof createApp>;
let saving: ReturnType<typeof createApp>;
const ORIGIN = "http://localhost";

beforeAll(async () => {
  ({ root, ws, fitId } = await dashboardWorkspace());
  const workspace = loadWorkspace(join(ws, "mmm.yaml"));
  readOnly = createApp(workspace);
  saving = createApp(workspace, { allowSave: true });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const post = (body: string, headers: Record<string, string> = {}) =>
  saving.request(`/api/runs/${fitId}/plans`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "application/json", ...headers },
    body,
  });

describe("the planner page and its posterior", () => {
  it("renders the reference plan with a slider per channel, under a policy for this server's scripts", async () => {
    const res = await readOnly.request(`/runs/${fitId}/plan`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(PLANNER_CSP);
    const page = await res.text();
    expect(page.match(/type="range"/g)).toHaveLength(6);
    expect(page).toContain('id="p-better"');
    expect(page).toContain("mmm serve --allow-save");
    expect(page).toMatch(/mmm scenario runs\/first --horizon 13 --plan (&quot;|")tv=\+0%/);
    const week8 = await (await readOnly.request(`/runs/${fitId}/plan?horizon=8`)).text();
    expect(week8).toContain("Plan the next 8 weeks");
    const bad = await readOnly.request(`/runs/${fitId}/plan?horizon=500`);
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("from 1 to 104");
  });

  it("sends the fit's own table, spec and up to 1,000 draws", async () => {
    const res = await readOnly.request(`/api/runs/${fitId}/planner`);
    expect(res.status).toBe(200);
    const p = (await res.json()) as PlannerPayload;
    expect(p.format).toBe("mmm-os/planner@1");
    expect(p.csvText).toBe(readFileSync(join(ws, "runs", "first", "data", "table.csv"), "utf8"));
    expect(p.draws.length % p.dim).toBe(0);
    expect(p.draws.length / p.dim).toBeLessThanOrEqual(1000);
    expect(p.draws.every(Number.isFinite)).toBe(true);
    const missing = await readOnly.request("/api/runs/fit-nope/planner");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toContain("fit-nope");
  });

  it("serves the browser-only fit under a policy that forbids every connection", async () => {
    const res = await readOnly.request("/local");
    expect(res.headers.get("content-security-policy")).toBe(LOCAL_FIT_CSP);
    expect(LOCAL_FIT_CSP).toContain("connect-src 'none'");
    for (const path of [
      "/assets/../app.ts",
      "/assets/planner.ts",
      "/assets/nothing.js",
      "/assets/%2e%2e%2fx.js",
    ])
      expect((await readOnly.request(path)).status, path).toBe(404);
  });

  it("answers only requests addressed to a loopback name (no DNS rebinding)", async () => {
    const res = await readOnly.request("http://evil.example:8080/api/runs");
    expect(res.status).toBe(403);
    expect((await readOnly.request("http://127.0.0.1:8080/api/runs")).status).toBe(200);
  });
});

describe("saving a plan", () => {
  it("is refused when the server is read-only", async () => {
    const res = await readOnly.request(`/api/runs/${fitId}/plans`, {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(405);
  });

  it("takes only same-origin JSON of a few KB that names every channel", async () => {
    expect((await post("{}", { Origin: "http://evil.example" })).status).toBe(403);
    expect((await post("{}", { "Content-Type": "text/plain" })).status).toBe(415);
    expect((await post("{not json")).status).toBe(400);
    expect((await post(JSON.stringify({ note: "x".repeat(20_000) }))).status).toBe(413);
    const partial = await post(JSON.stringify({ note: "x", horizonWeeks: 13, amounts: { tv: 1 } }));
    expect(partial.status).toBe(422);
    expect(((await partial.json()) as { error: string }).error).toContain("no amount for paid_search");
    const negative = await post(JSON.stringify({ note: "x", horizonWeeks: 13, amounts: { tv: -1 } }));
    expect(negative.status).toBe(422);
    // other paths stay closed even with saving on
    expect((await saving.request("/api/runs", { method: "POST", headers: { Origin: ORIGIN } })).status).toBe(
      405,
    );
  });

  it("registers a draft plan following its fit, whose plan.json mmm scenario reads to the same gain", async () => {
    const payload = (await (await readOnly.request(`/api/runs/${fitId}/planner`)).json()) as PlannerPayload;
    expect(payload.dim).toBeGreaterThan(0);
    const amounts = {
      tv: 900_000,
      paid_search: 500_000,
      paid_social: 700_000,
      online_video: 0,
      display: 200_000,
      podcast: 150_000,
    };
    const res = await post(JSON.stringify({ note: "shift video into search", horizonWeeks: 13, amounts }));
    expect(res.status).toBe(201);
    const saved = (await res.json()) as { id: string; folder: string; gain: number; pBetter: number };
    const run = await withRegistry(loadWorkspace(join(ws, "mmm.yaml")), (r) => r.get(saved.id));
    expect(run.kind).toBe("plan");
    expect(run.status).toBe("draft");
    expect(run.parentId).toBe(fitId);
    const c = capture();
    const planFile = join(ws, saved.folder, "plan.json");
    expect(
      await main(
        ["scenario", join(ws, "runs", "first"), "--plan-file", planFile, "--out", join(root, "s.json")],
        c.io,
      ),
    ).toBe(0);
    const cli = JSON.parse(readFileSync(join(root, "s.json"), "utf8"));
    expect(cli.scenarios[0].gain.mean).toBe(saved.gain);
    expect(cli.scenarios[0].pBetter).toBe(saved.pBetter);
  }, 60_000);
});
