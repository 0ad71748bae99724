// The run registry on both its databases — the embedded SQLite file and a shared Postgres server
// (a throwaway one; skipped without Debian's postgresql package): registration, lookup, the
// draft → approved → retired life cycle with its audit trail, and integrity — concurrent writer
// processes, a run folder deleted by hand, a damaged row, an old schema migrated and a newer one
// refused.

import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PostgresConnection } from "../../src/registry/postgres.js";
import { type NewRun, Registry, type RegistryTarget } from "../../src/registry/registry.js";
import { migrate } from "../../src/registry/schema.js";
import { numberedPlaceholders, type SqlConnection } from "../../src/registry/sql.js";
import { SqliteConnection } from "../../src/registry/sqlite.js";
import { PG_BIN, PG_SKIP, type PgServer, startPostgres } from "./pgServer.js";

let root: string;
let registry: Registry;

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

/** A database the registry runs on, as the tests need it: a fresh target and raw access to it. */
interface Backend {
  name: string;
  skip?: string;
  /** A new, empty registry location for one test. */
  fresh(): RegistryTarget;
  /** A raw connection to a location, bypassing the registry (to damage or age it). */
  raw(target: RegistryTarget): Promise<SqlConnection>;
}

let pgServer: PgServer | undefined;
let schemaCount = 0;
const BACKENDS: Backend[] = [
  {
    name: "SQLite",
    fresh: () => ({ file: join(root, "registry.sqlite") }),
    raw: async (t) => new SqliteConnection((t as { file: string }).file),
  },
  {
    name: "Postgres",
    skip: PG_BIN ? undefined : PG_SKIP,
    fresh: () => ({ url: pgServer?.url ?? "", schema: `ws_${process.pid}_${++schemaCount}` }),
    raw: (t) => {
      const { url, schema } = t as { url: string; schema: string };
      return PostgresConnection.open(url, schema);
    },
  },
];

beforeAll(async () => {
  if (PG_BIN) pgServer = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pgServer?.stop();
});

describe.each(BACKENDS)("the registry on $name", (backend) => {
  let target: RegistryTarget;
  /** Statements run outside the registry, then the connection closed. */
  const rawly = async (f: (db: SqlConnection) => Promise<unknown>) => {
    const db = await backend.raw(target);
    try {
      await f(db);
    } finally {
      await db.close();
    }
  };

  beforeEach(async (ctx) => {
    if (backend.skip) return ctx.skip();
    root = mkdtempSync(join(tmpdir(), "mmm-registry-"));
    target = backend.fresh();
    registry = await Registry.open(target, root);
  });
  afterEach(async () => {
    if (backend.skip) return;
    await registry.close();
    rmSync(root, { recursive: true, force: true });
  });

  describe("registering and finding runs", () => {
    it("keeps the facts, stores folders relative to the workspace, finds a run by a unique prefix", async () => {
      await registry.register(run("fit-a1"));
      const r = await registry.get("fit-a");
      expect(r.id).toBe("fit-a1");
      expect(r.status).toBe("draft");
      expect(r.folder).toBe(join("runs", "fit-a1"));
      expect(r.folderExists).toBe(true);
      expect(r.headline?.channels.tv.roi.mean).toBe(1.8);
      expect(r.problem).toBeNull();
      await registry.register(run("fit-a2"));
      await expect(registry.get("fit-a")).rejects.toThrow(/matches 2 runs/);
      await expect(registry.get("nope")).rejects.toThrow(/no run nope/);
      // LIKE's wildcards in an id are matched literally
      await expect(registry.get("fit_a")).rejects.toThrow(/no run fit_a/);
      expect((await registry.list()).map((x) => x.id)).toEqual(["fit-a2", "fit-a1"]);
      expect((await registry.findByFolder(join(root, "runs", "fit-a1")))?.id).toBe("fit-a1");
    });

    it("requires a change note, refuses a duplicate id and an unknown parent", async () => {
      await expect(registry.register(run("fit-b1", { note: "  " }))).rejects.toThrow(/no change note/);
      await registry.register(run("fit-b1"));
      await expect(registry.register(run("fit-b1"))).rejects.toThrow(/already registered/);
      await expect(registry.register(run("fit-b2", { parentId: "fit-zz" }))).rejects.toThrow(
        /parent run fit-zz/,
      );
      expect(await registry.list()).toHaveLength(1);
      expect(await registry.events("fit-b1")).toHaveLength(1);
    });
  });

  describe("status: draft → approved → retired", () => {
    it("approving supersedes the approved run of the kind, and every change is in the trail", async () => {
      await registry.register(run("fit-c1"));
      await registry.register(run("fit-c2", { parentId: "fit-c1" }));
      await registry.approve("fit-c1", "ben", "reviewed with finance");
      await registry.approve("fit-c2", "ben", "March refresh reviewed");
      expect((await registry.get("fit-c1")).status).toBe("retired");
      expect((await registry.approved("fit"))?.id).toBe("fit-c2");
      expect((await registry.events("fit-c1")).map((e) => [e.action, e.statusTo, e.note])).toEqual([
        ["registered", "draft", "fit fit-c1"],
        ["approved", "approved", "reviewed with finance"],
        ["retired", "retired", "superseded by fit-c2"],
      ]);
      await expect(registry.approve("fit-c1", "ben", "again")).rejects.toThrow(/only a draft/);
      await registry.retire("fit-c2", "ben", "model replaced");
      expect(await registry.approved("fit")).toBeUndefined();
      await expect(registry.retire("fit-c2", "ben", "x")).rejects.toThrow(/already retired/);
      expect(await registry.integrity()).toBe("ok");
    });

    it("refuses to approve without a note, with failed diagnostics, or when the folder is gone", async () => {
      await registry.register(
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
      await expect(registry.approve("fit-d1", "ben", "")).rejects.toThrow(/note is required/);
      await expect(registry.approve("fit-d1", "ben", "looks fine")).rejects.toThrow(
        /did not pass its diagnostics/,
      );
      await registry.register(run("fit-d2"));
      rmSync(join(root, "runs", "fit-d2"), { recursive: true });
      expect((await registry.get("fit-d2")).folderExists).toBe(false);
      await expect(registry.approve("fit-d2", "ben", "ok")).rejects.toThrow(/folder is missing/);
      // listing still works and says so
      expect((await registry.list()).find((r) => r.id === "fit-d2")?.folderExists).toBe(false);
    });

    it("a failed write leaves nothing behind: the transaction is rolled back whole", async () => {
      await registry.register(run("fit-f1"));
      // a write that inserts, then fails: what it inserted must not remain
      await expect(
        rawly((db) =>
          db.write(async (tx) => {
            await tx.run(
              "INSERT INTO run_events (run_id, at, action, owner, note) VALUES ('fit-f1', 'now', 'probe', 'x', 'y')",
            );
            throw new Error("stop here");
          }),
        ),
      ).rejects.toThrow(/stop here/);
      expect(await registry.events("fit-f1")).toHaveLength(1);
    });
  });

  describe("integrity", () => {
    it("reports a damaged row instead of failing", async () => {
      await registry.register(run("fit-e1"));
      await registry.register(run("fit-e2"));
      await rawly((db) =>
        db.run(
          "UPDATE runs SET headline_json = '{not json', diagnostics_json = '{\"verdict\": 7}' WHERE id = 'fit-e1'",
        ),
      );
      const rows = await registry.list();
      expect(rows).toHaveLength(2);
      const bad = rows.find((r) => r.id === "fit-e1");
      expect(bad?.problem).toMatch(/headline is not valid JSON/);
      expect(bad?.problem).toMatch(/diagnostics/);
      expect(bad?.headline).toBeNull();
      expect(rows.find((r) => r.id === "fit-e2")?.problem).toBeNull();
      await expect(registry.approve("fit-e1", "ben", "ok")).rejects.toThrow(/damaged/);
    });

    it("finds what the constraints cannot: two approved runs of a kind", async () => {
      await registry.register(run("fit-g1"));
      await registry.register(run("fit-g2"));
      await rawly((db) => db.run("UPDATE runs SET status = 'approved'"));
      expect(await registry.integrity()).toMatch(/more than one approved fit/);
    });

    it("migrates a version-1 registry, giving its runs their registration event", async () => {
      await registry.close();
      target = backend.fresh();
      if ("file" in target) rmSync(target.file, { force: true });
      await rawly(async (db) => {
        expect(await migrate(db, 1)).toEqual([1]);
        await db.run(
          "INSERT INTO runs (id, kind, created_at, folder, status, owner, note) VALUES ('fit-old', 'fit', '2026-01-05T00:00:00Z', 'runs/fit-old', 'approved', 'ana', 'January model')",
        );
      });
      registry = await Registry.open(target, root);
      expect(await registry.schemaVersion()).toBe(2);
      expect((await registry.get("fit-old")).status).toBe("approved");
      expect(await registry.events("fit-old")).toMatchObject([
        { action: "registered", statusTo: "approved", note: "January model" },
      ]);
      expect((await registry.get("fit-old")).folderExists).toBe(false);
    });

    it("refuses a registry written by a newer version", async () => {
      await rawly((db) => db.write((tx) => tx.setSchemaVersion(99)));
      await expect(Registry.open(target, root)).rejects.toThrow(/schema version 99/);
    });

    it("four processes writing at once lose nothing and corrupt nothing", async () => {
      await registry.close();
      target = backend.fresh();
      const writer = join(import.meta.dirname, "writer.ts");
      const exec = promisify(execFile);
      await Promise.all(
        ["w1", "w2", "w3", "w4"].map((name) =>
          exec(process.execPath, ["--import", "tsx", writer, JSON.stringify(target), root, name, "25"], {
            cwd: process.cwd(),
          }),
        ),
      );
      registry = await Registry.open(target, root);
      expect(await registry.integrity()).toBe("ok");
      const runs = await registry.list();
      expect(runs).toHaveLength(100);
      expect(runs.every((r) => r.problem === null)).toBe(true);
      // 20 approvals in total, each superseding the last: exactly one approved run remains
      expect(runs.filter((r) => r.status === "approved")).toHaveLength(1);
      expect(runs.filter((r) => r.status === "retired")).toHaveLength(19);
      let events = 0;
      for (const r of runs) events += (await registry.events(r.id)).length;
      expect(events).toBe(100 + 20 + 19);
    }, 60_000);
  });
});

describe("statements for Postgres", () => {
  it("numbers the placeholders, leaving quoted text alone", () => {
    expect(numberedPlaceholders("SELECT * FROM runs WHERE id = ? OR id LIKE ? ESCAPE '\\'")).toBe(
      "SELECT * FROM runs WHERE id = $1 OR id LIKE $2 ESCAPE '\\'",
    );
    expect(numberedPlaceholders("SELECT 'what?', 'it''s ?' FROM t WHERE a = ?")).toBe(
      "SELECT 'what?', 'it''s ?' FROM t WHERE a = $1",
    );
  });
});

describe("where the registry cannot be opened", () => {
  it("refuses a file that is not a registry", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mmm-registry-"));
    writeFileSync(join(dir, "junk.sqlite"), "this is not a database, just text ".repeat(200));
    await expect(Registry.open({ file: join(dir, "junk.sqlite") }, dir)).rejects.toThrow(
      /cannot open the run registry/,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it("names an unreachable Postgres without printing its password", async () => {
    const err = await Registry.open({ url: "postgres://ana:s3cret@127.0.0.1:1/mmm", schema: "x" }, ".").catch(
      (e) => e,
    );
    expect(err.code).toBe("E_REGISTRY_OPEN");
    expect(err.message).toMatch(/cannot open the run registry/);
    expect(`${err.message} ${JSON.stringify(err.where)} ${err.fix}`).not.toContain("s3cret");
    expect(err.fix).toMatch(/Postgres server is running/);
  });

  it.skipIf(!PG_BIN)("keeps each workspace's runs in its own schema of one database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mmm-registry-"));
    root = dir;
    const url = pgServer?.url ?? "";
    const a = await Registry.open({ url, schema: "brand_a" }, dir);
    const b = await Registry.open({ url, schema: "brand_b" }, dir);
    await a.register(run("fit-a1"));
    expect(await b.list()).toEqual([]);
    await b.register(run("fit-a1"));
    expect((await a.list()).map((r) => r.id)).toEqual(["fit-a1"]);
    await Promise.all([a.close(), b.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
});
