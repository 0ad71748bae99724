// The dashboard's server over a real workspace: the runs list, a fit's page (the report's own
// executive section), the registry's JSON, the workspace's files — and nothing else: encoded
// `..`, absolute paths, the registry database and links out of the workspace are all refused;
// every response carries the content security policy; anything but GET and HEAD is refused; an
// unknown run or a folder deleted by hand gets a page that says so.

import { renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runServe } from "../../src/cli/serve.js";
import { loadWorkspace } from "../../src/registry/workspace.js";
import { createApp } from "../../src/server/app.js";
import { CSP } from "../../src/server/http.js";
import { capture } from "../cli/helpers.js";
import { dashboardWorkspace } from "./fixture.js";

let root = "";
let ws = "";
let fitId = "";
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ({ root, ws, fitId } = await dashboardWorkspace());
  writeFileSync(join(root, "secret.txt"), "outside the workspace");
  symlinkSync(join(root, "secret.txt"), join(ws, "link-out.txt"));
  app = createApp(loadWorkspace(join(ws, "mmm.yaml")));
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("mmm serve", () => {
  it("lists the runs, with the security headers on every response", async () => {
    const res = await app.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toBe(CSP);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const page = await res.text();
    expect(page).toContain(fitId);
    expect(page).toContain("first look");
    expect(page).not.toMatch(/<script/i);
    const json = (await (await app.request("/api/runs")).json()) as { id: string; kind: string }[];
    expect(json.map((r) => r.kind).sort()).toEqual(["fit", "prepare"]);
  });

  it("shows a fit with its history and the report's executive page", async () => {
    const res = await app.request(`/runs/${fitId}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("What we learned");
    expect(page).toMatch(/DRAFT — run fit-\S+ is draft/);
    expect(page).toMatch(/registered → draft · ana: first look/);
    expect(page).toContain("<svg");
  }, 60_000);

  it("serves workspace files and refuses everything outside it", async () => {
    const ok = await app.request("/files/lab/prepare.yaml");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-security-policy")).toBe(CSP);
    for (const path of [
      "/files/..%2fsecret.txt",
      "/files/%2e%2e/secret.txt",
      "/files/lab/%2e%2e/%2e%2e/secret.txt",
      "/files/%2Fetc%2Fpasswd",
      "/files/lab%5c..%5c..%5csecret.txt",
      "/files/registry.sqlite",
      "/files/registry.sqlite-wal",
      "/files/link-out.txt",
      "/files/lab",
      "/files/nope.txt",
      "/files/%00",
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain("outside the workspace");
    }
  });

  it("compares the fits' ROI, and puts the newest refresh's findings first", async () => {
    const compare = await app.request("/compare");
    expect(compare.status).toBe(200);
    const page = await compare.text();
    expect(page).toMatch(/ROI of each channel across 1 fit\(s\)/);
    expect(page).toMatch(/Response curves across 1 fit\(s\)/);
    expect(page).toContain(`href="/runs/${fitId}"`);
    expect(page).toContain("<svg");
    // what `mmm refresh` leaves in the new fit's folder
    writeFileSync(
      join(ws, "runs", "first", "refresh.json"),
      JSON.stringify({
        format: "mmm-os/refresh@1",
        previous: { id: "fit-older" },
        review: null,
        reviewSkipped: "the new table's geos differ from the run's",
        drift: [
          {
            kind: "campaign_moved",
            severity: "alarm",
            message: "a tactic moved from paid_social to display",
          },
          { kind: "campaign_new", severity: "info", message: "new campaign x" },
        ],
        readyToApprove: false,
      }),
    );
    try {
      const runs = await (await app.request("/")).text();
      expect(runs).toMatch(/Refresh fit-older → <a href="\/runs\/fit-[^"]+">/);
      expect(runs).toContain("a tactic moved from paid_social to display");
      expect(runs).not.toContain("new campaign x");
      expect(runs).toContain(`href="/files/runs/first/refresh.html"`);
      expect(runs).toMatch(/No post-period review: the new table&#39;s geos differ/);
    } finally {
      rmSync(join(ws, "runs", "first", "refresh.json"));
    }
  });

  it("is read-only, and explains an unknown run or a folder deleted by hand", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const res = await app.request("/api/runs", { method });
      expect(res.status, method).toBe(405);
    }
    const unknown = await app.request("/runs/fit-nope");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(
      /No such run[\s\S]*no run fit-nope in the registry[\s\S]*mmm runs list/,
    );
    renameSync(join(ws, "runs", "first"), join(ws, "runs", "moved"));
    try {
      const missing = await app.request(`/runs/${fitId}`);
      expect(missing.status).toBe(200);
      expect(await missing.text()).toMatch(/folder \(runs\/first\) is missing/);
    } finally {
      renameSync(join(ws, "runs", "moved"), join(ws, "runs", "first"));
    }
  });

  it("listens on 127.0.0.1 and prints its URL", async () => {
    const c = capture();
    const server = await runServe({ workspace: ws, port: "0", host: "127.0.0.1" }, c.io);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(c.out.join("\n")).toContain(`at ${server.url}`);
      const res = await fetch(server.url);
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
