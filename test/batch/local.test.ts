// The embedded default: a manifest read and checked (every mistake names its key), expanded into
// jobs whose keys change exactly where an input changed, and run on this machine's pool: the second
// run does nothing, and a broken model fails alone, blocking only its own later jobs.

import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandManifest } from "../../src/batch/jobs.js";
import { loadManifest } from "../../src/batch/manifest.js";
import { ensureWorkspace } from "../../src/batch/runJob.js";
import { main } from "../../src/cli/main.js";
import { loadWorkspace, withRegistry } from "../../src/registry/workspace.js";
import { capture } from "../cli/helpers.js";

let root = "";

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "mmm-batch-local-"));
  const c = capture();
  for (const seed of [1, 2])
    expect(
      await main(
        ["simulate", "--scenario", "short", "--seed", String(seed), "--out", join(root, `b${seed}`)],
        c.io,
      ),
    ).toBe(0);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  writeFileSync(join(root, name), text);
  return join(root, name);
};

describe("the portfolio manifest", () => {
  it("names the key of every mistake", () => {
    const bad: [string, RegExp][] = [
      ["version: 2\nmodels: []\n", /at 'version'/],
      ["version: 1\nmodels: []\n", /list at least one model at 'models'/],
      [
        "version: 1\nmodels:\n  - { name: a, data: nowhere.yaml }\n",
        /models\[0\].data 'nowhere.yaml' does not exist/,
      ],
      [
        "version: 1\nmodels:\n  - { name: a/b, data: b1/prepare.yaml }\n",
        /letters, digits.*at 'models.0.name'/,
      ],
      [
        "version: 1\nmodels:\n  - { name: a, data: b1/prepare.yaml }\n  - { name: a, data: b2/prepare.yaml }\n",
        /two models are named 'a'/,
      ],
      ["version: 1\nmodels:\n  - { name: a, data: b1/prepare.yaml, jobs: [fit] }\n", /without prepare/],
      [
        "version: 1\nmodels:\n  - { name: a, data: b1/prepare.yaml, jobs: [prepare, fit, variants] }\n",
        /asks for variants but lists none/,
      ],
      [
        "version: 1\nmodels:\n  - { name: a, data: b1/prepare.yaml, fit: { chainz: 2 } }\n",
        /at 'models.0.fit'/,
      ],
      [
        "version: 1\nregistry: mysql://db/mmm\nmodels:\n  - { name: a, data: b1/prepare.yaml }\n",
        /must be a postgres:\/\/ URL/,
      ],
      [
        "version: 1\nregistry: { url: 'postgres://db/mmm', schema_prefix: Acme }\nmodels:\n  - { name: a, data: b1/prepare.yaml }\n",
        /at 'registry.schema_prefix'/,
      ],
    ];
    for (const [text, message] of bad)
      expect(() => loadManifest(write("bad.yaml", text)), text).toThrow(message);
  });

  it("gives each model its own schema of a shared registry, and keeps a workspace on its registry", () => {
    const file = write(
      "shared.yaml",
      "version: 1\nregistry: { url: 'postgres://mmm@db.internal/mmm', schema_prefix: acme_ }\nmodels:\n  - { name: UK-Brand.1, data: b1/prepare.yaml }\n",
    );
    const [model] = loadManifest(file).models;
    expect(model.registry).toEqual({ url: "postgres://mmm@db.internal/mmm", schema: "acme_uk_brand_1" });
    expect(expandManifest(loadManifest(file)).every((j) => j.registry?.schema === "acme_uk_brand_1")).toBe(
      true,
    );
    // the workspace is made naming the shared registry; a manifest naming another is refused
    const ws = join(root, "ws-shared");
    ensureWorkspace(ws, "ana", model.registry);
    expect(loadWorkspace(join(ws, "mmm.yaml")).config).toMatchObject({
      registry: "postgres://mmm@db.internal/mmm",
      registry_schema: "acme_uk_brand_1",
    });
    expect(() => ensureWorkspace(ws, "ana", null)).toThrow(/is not the one the manifest asks for/);
    expect(() => ensureWorkspace(ws, "ana", { ...model.registry!, schema: "other" })).toThrow(
      /registry_schema match/,
    );
  });

  it("gives jobs keys that change only downstream of a changed input", () => {
    const file = write(
      "keys.yaml",
      "version: 1\ndefaults: { fit: { method: fast } }\nmodels:\n  - { name: one, data: b1/prepare.yaml }\n  - { name: two, data: b2/prepare.yaml }\n",
    );
    const before = expandManifest(loadManifest(file));
    expect(before.map((j) => j.id)).toEqual([
      "one/prepare",
      "one/fit",
      "one/report",
      "one/plan",
      "two/prepare",
      "two/fit",
      "two/report",
      "two/plan",
    ]);
    expect(expandManifest(loadManifest(file)).map((j) => j.key)).toEqual(before.map((j) => j.key));
    appendFileSync(join(root, "b2", "raw", "pricing.csv"), "");
    appendFileSync(join(root, "b2", "taxonomy.yaml"), "\n# a comment changes the file\n");
    const after = expandManifest(loadManifest(file));
    after.forEach((j, i) => {
      if (j.model === "one") expect(j.key, j.id).toBe(before[i].key);
      else expect(j.key, j.id).not.toBe(before[i].key);
    });
  });
});

describe("mmm batch on this machine", () => {
  it("runs the jobs, does nothing the second time, and a broken model blocks only its own jobs", async () => {
    const file = write(
      "portfolio.yaml",
      `version: 1\nroot: models\ndefaults:\n  fit: { method: fast }\n  jobs: [prepare, fit, plan]\nmodels:\n  - { name: one, data: b1/prepare.yaml }\n  - { name: two, data: b2/prepare.yaml }\n`,
    );
    const c = capture();
    expect(await main(["batch", file, "--workers", "2"], c.io)).toBe(0);
    const summary = c.out.join("\n");
    expect(summary).toMatch(/6 jobs in [\d.]+ s: 6 done, 0 already done/);
    expect(summary).toMatch(/one\s+plan\s+done/);
    // the portfolio page and its JSON: every model's headline and plan gain
    const portfolio = JSON.parse(readFileSync(join(root, "models", "portfolio.json"), "utf8"));
    expect(portfolio.rows.map((r: { model: string }) => r.model)).toEqual(["one", "two"]);
    for (const r of portfolio.rows) {
      expect(Number.isFinite(r.blendedRoi), r.model).toBe(true);
      expect(Number.isFinite(r.planGain), r.model).toBe(true);
      expect(r.jobsDone).toBe(3);
    }
    const page = readFileSync(join(root, "models", "portfolio.html"), "utf8");
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('href="#by-gain"');
    const again = capture();
    expect(await main(["batch", file], again.io)).toBe(0);
    expect(again.out.join("\n")).toMatch(/0 done, 6 already done and unchanged/);
    // an unreachable queue is said at once, not waited on
    const unreachable = capture();
    expect(await main(["batch", "status", file, "--queue", "redis://127.0.0.1:1"], unreachable.io)).toBe(2);
    expect(unreachable.err.join("\n")).toMatch(/E_QUEUE_UNREACHABLE.*ECONNREFUSED/s);
    const status = capture();
    expect(await main(["batch", "status", file], status.io)).toBe(0);
    expect(status.out.at(-1)).toBe("6 jobs: 6 done.");

    // a model whose exports cannot be prepared (a date that is not one): it fails alone
    cpSync(join(root, "b2"), join(root, "b3"), { recursive: true });
    appendFileSync(join(root, "b3", "raw", "orders.csv"), "31/31/2024,5\n");
    const mixed = write(
      "mixed.yaml",
      "version: 1\nroot: models\ndefaults:\n  fit: { method: fast }\n  jobs: [prepare, fit, plan]\nmodels:\n  - { name: one, data: b1/prepare.yaml }\n  - { name: bad, data: b3/prepare.yaml }\n",
    );
    const m = capture();
    expect(await main(["batch", mixed], m.io)).toBe(2);
    const out = m.out.join("\n");
    expect(out).toMatch(/bad\s+prepare\s+failed/);
    expect(out).toMatch(/bad\s+fit\s+blocked/);
    expect(out).toMatch(/one\s+fit\s+skipped/);
    expect(m.err.join("\n")).toMatch(/E_BATCH_FAILED.*bad\/prepare/s);
  }, 240_000);

  it("refreshes each model's approved fit, once, and resumes a refresh that was cut short", async () => {
    const first = write(
      "cycle1.yaml",
      "version: 1\nroot: cycle\ndefaults:\n  jobs: [prepare, fit]\nmodels:\n  - { name: uk, data: b1/prepare.yaml }\n",
    );
    expect(await main(["batch", first], capture().io)).toBe(0);
    const ws = loadWorkspace(join(root, "cycle", "uk", "mmm.yaml"));
    // the team reviews the month's fit and approves it
    const fit = await withRegistry(ws, async (r) => {
      const [run] = await r.list({ kind: "fit" });
      return r.approve(run.id, "ana", "reviewed");
    });
    // next month: a refresh of the approved fit on the exports
    const second = write(
      "cycle2.yaml",
      "version: 1\nroot: cycle\ndefaults:\n  jobs: [refresh]\nmodels:\n  - { name: uk, data: b1/prepare.yaml }\n",
    );
    const [job] = expandManifest(loadManifest(second));
    expect(job).toMatchObject({ id: "uk/refresh", deps: [] });
    const c = capture();
    expect(await main(["batch", second], c.io)).toBe(0);
    expect(c.out.join("\n")).toMatch(/uk\s+refresh\s+done/);
    const record = JSON.parse(readFileSync(job.out, "utf8"));
    expect(record.previous.id).toBe(fit.id);
    const runs = async () => withRegistry(ws, (r) => r.list());
    const after = await runs();
    expect(after).toHaveLength(4);
    expect(after.find((r) => r.folder.endsWith(job.key) && r.kind === "fit")?.parentId).toBe(fit.id);
    const portfolio = JSON.parse(readFileSync(join(root, "cycle", "portfolio.json"), "utf8"));
    expect(portfolio.rows[0].driftAlarms).toBe(0);
    // cut short after the refit was written and registered: run again, it resumes and refits nothing
    rmSync(job.out);
    const resumed = capture();
    expect(await main(["batch", second], resumed.io)).toBe(0);
    expect(existsSync(job.out)).toBe(true);
    expect((await runs()).map((r) => r.id).sort()).toEqual(after.map((r) => r.id).sort());
    const again = capture();
    expect(await main(["batch", second], again.io)).toBe(0);
    expect(again.out.join("\n")).toMatch(/0 done, 1 already done and unchanged/);
  }, 240_000);
});
