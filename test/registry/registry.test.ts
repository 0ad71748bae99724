// The run registry: registration, lookup, the draft → approved → retired life cycle with its audit
// trail, and integrity — concurrent writers, a run folder deleted by hand, a damaged row, an old
// schema migrated and a newer one refused.

import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type NewRun, Registry } from "../../src/registry/registry.js";
import { migrate } from "../../src/registry/schema.js";

let root: string;
let registry: Registry;
const file = () => join(root, "registry.sqlite");

function run(id: string, extra: Partial<NewRun> = {}): NewRun {
  const folder = join(root, "runs", id);
  mkdirSync(folder, { recursive: true });
  return {
    id,
    kind: "fit",
    createdAt: `2026-12-0${1 + (Number(id.slice(-1)) % 9)}T10:00:00.000Z`,
    folder,
    owner: "ana",
    note: `fit ${id}`,
    diagnostics: { verdict: "ok", rhat_max: 1.004, ess_bulk_min: 812, divergences: 0, warnings: [] },
    headline: {
      kpi: "revenue",
      window: { first_week: "2024-01-01", last_week: "2026-11-23", weeks: 152, geos: 1 },
      channels: {
        tv: {
          spend: 1e6,
          roi: { mean: 1.8, q05: 1.1, q95: 2.6 },
          mroi: { mean: 0.9, q05: 0.4, q95: 1.5 },
          p_roi_above_1: 0.97,
        },
      },
    },
    ...extra,
  };
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "mmm-registry-"));
  registry = new Registry(file(), root);
});
afterEach(() => {
  registry.close();
  rmSync(root, { recursive: true, force: true });
});

describe("registering and finding runs", () => {
  it("keeps the facts, stores folders relative to the workspace, finds a run by a unique prefix", () => {
    registry.register(run("fit-a1"));
    const r = registry.get("fit-a");
    expect(r.id).toBe("fit-a1");
    expect(r.status).toBe("draft");
    expect(r.folder).toBe(join("runs", "fit-a1"));
    expect(r.folderExists).toBe(true);
    expect(r.headline?.channels.tv.roi.mean).toBe(1.8);
    expect(r.problem).toBeNull();
    registry.register(run("fit-a2"));
    expect(() => registry.get("fit-a")).toThrow(/matches 2 runs/);
    expect(() => registry.get("nope")).toThrow(/no run nope/);
    expect(registry.list().map((x) => x.id)).toEqual(["fit-a2", "fit-a1"]);
  });

  it("requires a change note, refuses a duplicate id and an unknown parent", () => {
    expect(() => registry.register(run("fit-b1", { note: "  " }))).toThrow(/no change note/);
    registry.register(run("fit-b1"));
    expect(() => registry.register(run("fit-b1"))).toThrow(/already registered/);
    expect(() => registry.register(run("fit-b2", { parentId: "fit-zz" }))).toThrow(/parent run fit-zz/);
    expect(registry.list()).toHaveLength(1);
  });
});

describe("status: draft → approved → retired", () => {
  it("approving supersedes the approved run of the kind, and every change is in the trail", () => {
    registry.register(run("fit-c1"));
    registry.register(run("fit-c2", { parentId: "fit-c1" }));
    registry.approve("fit-c1", "ben", "reviewed with finance");
    registry.approve("fit-c2", "ben", "March refresh reviewed");
    expect(registry.get("fit-c1").status).toBe("retired");
    expect(registry.approved("fit")?.id).toBe("fit-c2");
    expect(registry.events("fit-c1").map((e) => [e.action, e.statusTo, e.note])).toEqual([
      ["registered", "draft", "fit fit-c1"],
      ["approved", "approved", "reviewed with finance"],
      ["retired", "retired", "superseded by fit-c2"],
    ]);
    expect(() => registry.approve("fit-c1", "ben", "again")).toThrow(/only a draft/);
    registry.retire("fit-c2", "ben", "model replaced");
    expect(registry.approved("fit")).toBeUndefined();
    expect(() => registry.retire("fit-c2", "ben", "x")).toThrow(/already retired/);
  });

  it("refuses to approve without a note, with failed diagnostics, or when the folder is gone", () => {
    registry.register(
      run("fit-d1", {
        diagnostics: {
          verdict: "warning",
          rhat_max: 1.08,
          ess_bulk_min: 40,
          divergences: 12,
          warnings: ["R̂"],
        },
      }),
    );
    expect(() => registry.approve("fit-d1", "ben", "")).toThrow(/note is required/);
    expect(() => registry.approve("fit-d1", "ben", "looks fine")).toThrow(/did not pass its diagnostics/);
    registry.register(run("fit-d2"));
    rmSync(join(root, "runs", "fit-d2"), { recursive: true });
    const gone = registry.get("fit-d2");
    expect(gone.folderExists).toBe(false);
    expect(() => registry.approve("fit-d2", "ben", "ok")).toThrow(/folder is missing/);
    // listing still works and says so
    expect(registry.list().find((r) => r.id === "fit-d2")?.folderExists).toBe(false);
  });
});

describe("integrity", () => {
  it("reports a damaged row instead of failing", () => {
    registry.register(run("fit-e1"));
    registry.register(run("fit-e2"));
    const raw = new Database(file());
    raw
      .prepare(
        "UPDATE runs SET headline_json = '{not json', diagnostics_json = '{\"verdict\": 7}' WHERE id = 'fit-e1'",
      )
      .run();
    raw.close();
    const rows = registry.list();
    expect(rows).toHaveLength(2);
    const bad = rows.find((r) => r.id === "fit-e1");
    expect(bad?.problem).toMatch(/headline is not valid JSON/);
    expect(bad?.problem).toMatch(/diagnostics/);
    expect(bad?.headline).toBeNull();
    expect(rows.find((r) => r.id === "fit-e2")?.problem).toBeNull();
    expect(() => registry.approve("fit-e1", "ben", "ok")).toThrow(/damaged/);
  });

  it("migrates a version-1 registry, giving its runs their registration event", () => {
    registry.close();
    rmSync(file());
    const old = new Database(file());
    expect(migrate(old, 1)).toEqual([1]);
    old
      .prepare(
        "INSERT INTO runs (id, kind, created_at, folder, status, owner, note) VALUES ('fit-old', 'fit', '2026-01-05T00:00:00Z', 'runs/fit-old', 'approved', 'ana', 'January model')",
      )
      .run();
    old.close();
    registry = new Registry(file(), root);
    expect(registry.schemaVersion).toBe(2);
    expect(registry.get("fit-old").status).toBe("approved");
    expect(registry.events("fit-old")).toMatchObject([
      { action: "registered", statusTo: "approved", note: "January model" },
    ]);
    expect(registry.get("fit-old").folderExists).toBe(false);
  });

  it("refuses a registry written by a newer version", () => {
    registry.close();
    const raw = new Database(file());
    raw.pragma("user_version = 99");
    raw.close();
    expect(() => new Registry(file(), root)).toThrow(/schema version 99/);
    registry = new Registry(join(root, "other.sqlite"), root);
  });

  it("refuses a file that is not a registry", async () => {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(root, "junk.sqlite"), "this is not a database, just text ".repeat(200));
    expect(() => new Registry(join(root, "junk.sqlite"), root)).toThrow(/cannot open the run registry/);
  });

  it("four processes writing at once lose nothing and corrupt nothing", async () => {
    registry.close();
    rmSync(file());
    const writer = join(import.meta.dirname, "writer.ts");
    const exec = promisify(execFile);
    await Promise.all(
      ["w1", "w2", "w3", "w4"].map((name) =>
        exec(process.execPath, ["--import", "tsx", writer, file(), root, name, "25"], { cwd: process.cwd() }),
      ),
    );
    registry = new Registry(file(), root);
    expect(registry.integrity()).toBe("ok");
    const runs = registry.list();
    expect(runs).toHaveLength(100);
    expect(runs.every((r) => r.problem === null)).toBe(true);
    // 20 approvals in total, each superseding the last: exactly one approved run remains
    expect(runs.filter((r) => r.status === "approved")).toHaveLength(1);
    expect(runs.filter((r) => r.status === "retired")).toHaveLength(19);
    const events = runs.reduce((n, r) => n + registry.events(r.id).length, 0);
    expect(events).toBe(100 + 20 + 19);
  }, 60_000);
});
