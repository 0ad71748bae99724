// A workspace whose registry is a shared Postgres server (a throwaway one; skipped without Debian's
// postgresql): two people on two machines see the same runs. The machines are simulated by two
// paths to the same run folders (a shared directory mounted in different places), so the registry
// must keep folders relative to the workspace. Bad registry settings are refused with a message,
// before anything is written.

import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { PG_BIN, PG_SKIP, type PgServer, startPostgres } from "../registry/pgServer.js";
import { capture } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "mmm-shared-"));
const table = join(root, "table");
let pg: PgServer | undefined;

beforeAll(async () => {
  if (!PG_BIN) return;
  pg = await startPostgres();
  const c = capture();
  expect(
    await main(["simulate", "--scenario", "short", "--seed", "5", "--out", join(root, "lab")], c.io),
  ).toBe(0);
  expect(await main(["prepare", "--config", join(root, "lab", "prepare.yaml"), "--out", table], c.io)).toBe(
    0,
  );
}, 120_000);
afterAll(async () => {
  await pg?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("a workspace on a shared Postgres registry", () => {
  it("two machines see and decide on the same runs", async (ctx) => {
    if (!pg) return ctx.skip(PG_SKIP);
    const ana = join(root, "ana", "brand-uk");
    const c = capture();
    expect(await main(["init", ana, "--registry", pg.url, "--owner", "ana"], c.io)).toBe(0);
    // the schema defaults to the folder's name, made a valid identifier
    expect(readFileSync(join(ana, "mmm.yaml"), "utf8")).toMatch(/registry_schema: brand_uk/);
    expect(existsSync(join(ana, "registry.sqlite"))).toBe(false);
    expect(c.out.join("\n")).toMatch(/schema brand_uk/);
    // ben's machine mounts the same shared folder somewhere else
    const benMount = join(root, "ben-mount");
    symlinkSync(join(root, "ana"), benMount);
    const ben = join(benMount, "brand-uk");

    const fit = capture();
    expect(
      await main(
        ["fit", "--table", table, "--out", join(ana, "runs", "first"), "--quiet", "--note", "first UK model"],
        fit.io,
      ),
    ).toBe(0);
    const id = (fit.out.find((l) => l.startsWith("Registered ")) as string).split(" ")[1];
    expect(fit.out.join("\n")).toMatch(/in postgres:\/\/mmm@127\.0\.0\.1:\d+\/postgres \(schema brand_uk\)/);

    const list = capture();
    expect(await main(["runs", "list", "--workspace", ben], list.io)).toBe(0);
    expect(list.out.join("\n")).toContain(id);
    expect(list.out.join("\n")).not.toMatch(/FOLDER MISSING/);
    const approve = capture();
    expect(
      await main(
        ["runs", "approve", id, "--workspace", ben, "--owner", "ben", "--note", "reviewed"],
        approve.io,
      ),
    ).toBe(0);
    const show = capture();
    expect(await main(["runs", "show", id, "--workspace", ana, "--json"], show.io)).toBe(0);
    const shown = JSON.parse(show.out.join("\n"));
    expect(shown.status).toBe("approved");
    expect(shown.events.map((e: { owner: string }) => e.owner)).toEqual(["ana", "ben"]);
  }, 180_000);

  it("refuses a registry that is not Postgres, and names an unreachable one", async (ctx) => {
    if (!pg) return ctx.skip(PG_SKIP);
    const bad = join(root, "bad");
    const c = capture();
    expect(await main(["init", bad, "--registry", "mysql://db/mmm"], c.io)).not.toBe(0);
    expect(c.err.join("\n")).toMatch(/--registry must be a postgres:\/\/ URL/);
    expect(existsSync(join(bad, "mmm.yaml"))).toBe(false);
    const schema = capture();
    expect(
      await main(["init", bad, "--registry", pg.url, "--registry-schema", "Brand UK"], schema.io),
    ).not.toBe(0);
    expect(schema.err.join("\n")).toMatch(/not a valid schema name/);

    const gone = join(root, "gone");
    expect(await main(["init", gone], capture().io)).toBe(0);
    writeFileSync(
      join(gone, "mmm.yaml"),
      "version: 1\nregistry: postgres://ana:s3cret@127.0.0.1:1/mmm\nregistry_schema: gone\n",
    );
    const list = capture();
    expect(await main(["runs", "list", "--workspace", gone], list.io)).not.toBe(0);
    const err = list.err.join("\n");
    expect(err).toMatch(/cannot open the run registry/);
    expect(err).toMatch(/Postgres server is running/);
    expect(err).not.toContain("s3cret");
  });
});
