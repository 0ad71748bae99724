// A portfolio through a real Redis queue (redis-server from Debian; CI installs it, and this test
// skips without it): 4 brands × (prepare, fit, 2 sensitivity variants) = 12 NUTS fits, processed by
// two `mmm worker` processes, registering into one shared Postgres registry (Debian's postgresql,
// a throwaway server; each model's SQLite file when Postgres is absent). One worker is killed with SIGKILL in the middle of a fit: its job is
// taken up again by the other once its lock expires and completes. Afterwards every output is
// there, each run folder is registered exactly once, no temporary leftovers remain, and submitting
// the same manifest again queues nothing.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandManifest } from "../../src/batch/jobs.js";
import { loadManifest } from "../../src/batch/manifest.js";
import { enqueue, queueStatus } from "../../src/batch/queue.js";
import { mmmCommand } from "../../src/batch/runJob.js";
import { main } from "../../src/cli/main.js";
import { loadWorkspace, withRegistry } from "../../src/registry/workspace.js";
import { capture } from "../cli/helpers.js";
import { PG_BIN, type PgServer, startPostgres } from "../registry/pgServer.js";

const HAS_REDIS = (() => {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!HAS_REDIS && process.env.CI === "true")
  throw new Error("CI=true but redis-server is not installed (.ci/run installs it)");
const SKIP = "skipped: redis-server not found (apt-get install -y redis-server; CI installs it)";

let root = "";
let redis: ChildProcess | undefined;
let url = "";
let pgServer: PgServer | undefined;
const workers: { proc: ChildProcess; log: string[] }[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function startWorker(): { proc: ChildProcess; log: string[] } {
  const [cmd, ...pre] = mmmCommand();
  const proc = spawn(cmd, [...pre, "worker", "--queue", url, "--chain-threads", "1", "--lock", "3"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  proc.stderr?.setEncoding("utf8").on("data", (d: string) => log.push(d));
  proc.stdout?.setEncoding("utf8").on("data", (d: string) => log.push(d));
  const w = { proc, log };
  workers.push(w);
  return w;
}

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

beforeAll(async () => {
  if (!HAS_REDIS) return;
  root = mkdtempSync(join(tmpdir(), "mmm-batch-"));
  const port = await freePort();
  redis = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  url = `redis://127.0.0.1:${port}`;
  if (PG_BIN) pgServer = await startPostgres();
  const c = capture();
  for (const seed of [1, 2, 3, 4])
    expect(
      await main(
        ["simulate", "--scenario", "short", "--seed", String(seed), "--out", join(root, "data", `b${seed}`)],
        c.io,
      ),
    ).toBe(0);
  writeFileSync(
    join(root, "short.yaml"),
    "media_defaults:\n  adstock: { family: geometric, max_lag: 4, normalize: true }\n",
  );
  writeFileSync(
    join(root, "share.yaml"),
    "media_defaults:\n  effect_prior: { dist: spend_share, total_share: 0.1, sigma: 1 }\n",
  );
  const models = [1, 2, 3, 4]
    .map(
      (s) =>
        `  - { name: brand${s}, data: data/b${s}/prepare.yaml, variants: [{ name: short, model: short.yaml }, { name: share, model: share.yaml }] }`,
    )
    .join("\n");
  writeFileSync(
    join(root, "portfolio.yaml"),
    `version: 1\n${pgServer ? `registry: { url: "${pgServer.url}", schema_prefix: q_ }\n` : ""}root: models\ndefaults:\n  fit: { chains: 2, warmup: 120, draws: 120 }\n  jobs: [prepare, fit, variants]\nmodels:\n${models}\n`,
  );
}, 120_000);

afterAll(async () => {
  for (const w of workers) w.proc.kill("SIGKILL");
  redis?.kill("SIGKILL");
  await pgServer?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("mmm batch on a Redis queue with two workers", () => {
  it("survives a worker killed mid-fit: every job completes once, nothing half-written, a resubmission adds nothing", async (ctx) => {
    ctx.skip(!HAS_REDIS, SKIP);
    const manifest = loadManifest(join(root, "portfolio.yaml"));
    const jobs = expandManifest(manifest);
    expect(jobs.filter((j) => j.kind === "fit" || j.kind === "variant")).toHaveLength(12);
    await until(
      "redis",
      async () => {
        try {
          await queueStatus(jobs.slice(0, 1), url);
          return true;
        } catch {
          return false;
        }
      },
      20_000,
    );
    const first = await enqueue(jobs, url, manifest.name);
    expect(first.added).toBe(jobs.length);
    const doomed = startWorker();
    const survivor = startWorker();
    // kill the first worker once it is in the middle of a fit
    await until("a fit to start", () => /▶ \S+\/(fit|variant:)/.test(doomed.log.join("")), 120_000);
    await new Promise((r) => setTimeout(r, 1500));
    const started = doomed.log.join("").match(/▶ (\S+\/(?:fit|variant:\S+))/g) ?? [];
    const killedJob = (started.pop() as string).slice(2);
    doomed.proc.kill("SIGKILL");
    await until(
      "every job to finish",
      async () => (await queueStatus(jobs, url)).every((s) => s.state === "done"),
      240_000,
    );
    expect(survivor.log.join("")).toContain(`▶ ${killedJob}`);
    for (const job of jobs) {
      expect(existsSync(job.out), job.id).toBe(true);
      // no temporary sibling of a killed attempt is left
      expect(readdirSync(join(job.workspace, "runs")).filter((n) => n.startsWith("."))).toEqual([]);
    }
    for (const m of manifest.models) {
      const ws = loadWorkspace(join(m.workspace, "mmm.yaml"));
      // the workers registered into the shared registry, the model's own schema
      if (pgServer)
        expect(ws.config).toMatchObject({ registry: pgServer.url, registry_schema: `q_${m.name}` });
      const runs = await withRegistry(ws, (r) => r.list());
      expect(await withRegistry(ws, (r) => r.integrity())).toBe("ok");
      const folders = runs.map((r) => r.folder);
      expect(new Set(folders).size, m.name).toBe(folders.length);
      expect(runs, m.name).toHaveLength(4);
    }
    const again = await enqueue(jobs, url, manifest.name);
    expect(again).toEqual({ added: 0, queued: 0, done: jobs.length, retried: 0 });
    survivor.proc.kill("SIGTERM");
  }, 400_000);

  it("cancels a submitted manifest: waiting jobs are removed, the running one is stopped and leaves nothing", async (ctx) => {
    ctx.skip(!HAS_REDIS, SKIP);
    // the first test's workers are gone before anything is submitted
    for (const w of workers)
      if (w.proc.exitCode === null && w.proc.signalCode === null)
        await new Promise((r) => w.proc.once("exit", r));
    // the same brands with another seed: the tables are done, twelve new fits to run
    const text = readFileSync(join(root, "portfolio.yaml"), "utf8").replace(
      "draws: 120 }",
      "draws: 120, seed: 9 }",
    );
    writeFileSync(join(root, "reseed.yaml"), text);
    const manifest = loadManifest(join(root, "reseed.yaml"));
    const jobs = expandManifest(manifest);
    const submitted = await enqueue(jobs, url, manifest.name);
    expect(submitted.added).toBe(12);
    expect(submitted.done).toBe(4);
    const worker = startWorker();
    await until("a fit to start", () => /▶ \S+\/(fit|variant:)/.test(worker.log.join("")), 120_000);
    const running = (worker.log.join("").match(/▶ (\S+)/) ?? [])[1] as string;
    const c = capture();
    expect(await main(["batch", "cancel", join(root, "reseed.yaml"), "--queue", url], c.io)).toBe(0);
    expect(c.out.join("\n")).toMatch(/1[01] waiting job\(s\) removed, 1 running job\(s\) told to stop/);
    await until(
      "the running job to stop",
      async () => (await queueStatus(jobs, url)).find((s) => s.id === running)?.state === "failed",
      60_000,
    );
    const states = await queueStatus(jobs, url);
    expect(states.find((s) => s.id === running)?.message).toBe("cancelled");
    for (const j of jobs.filter((x) => x.kind === "prepare"))
      expect(states.find((s) => s.id === j.id)?.state).toBe("done");
    const stopped = jobs.find((j) => j.id === running) as (typeof jobs)[number];
    expect(existsSync(stopped.out)).toBe(false);
    expect(readdirSync(join(stopped.workspace, "runs")).filter((n) => n.startsWith("."))).toEqual([]);
    worker.proc.kill("SIGTERM");
  }, 200_000);
});
