// Portfolio throughput on this machine: 24 lab brands (clean and short, 12 seeds each), each
// prepared and fitted (NUTS, 4 chains × (300 + 300), one chain thread per job so that worker
// processes are what scales), with 1, 2 and 4 worker processes of the local pool; then the same
// portfolio through the Redis queue with 2 `mmm worker`s, whose extra wall time per job is the
// queue's overhead, once with each model's SQLite registry and once with every worker registering
// into one Postgres (the multi-machine set-up). The compiled dist/ is measured (as installed),
// each configuration from scratch. Needs redis-server for the queue part and Debian's postgresql
// for the shared registry (each skipped without it).
// Run: npm run bench:batch -- [--brands 24] [--workers 1,2,4]   (results/batch.json)

import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { PG_BIN, startPostgres } from "../test/registry/pgServer.js";
import { arg, compiled, table, writeResult } from "./lib.js";

const brands = Number(arg("brands", "24"));
const workerCounts = arg("workers", "1,2,4").split(",").map(Number);
const cores = availableParallelism();

const { main } = await compiled<typeof import("../src/cli/main.js")>("cli/main.js");
const { loadManifest } = await compiled<typeof import("../src/batch/manifest.js")>("batch/manifest.js");
const { expandManifest } = await compiled<typeof import("../src/batch/jobs.js")>("batch/jobs.js");
const { runLocal } = await compiled<typeof import("../src/batch/localPool.js")>("batch/localPool.js");
const queueMod = await compiled<typeof import("../src/batch/queue.js")>("batch/queue.js");

const quiet = { out: () => {}, err: () => {} };
const root = mkdtempSync(join(tmpdir(), "mmm-bench-batch-"));

// the lab's brands, simulated once
const models: string[] = [];
for (let i = 0; i < brands; i++) {
  const scenario = i % 2 === 0 ? "clean" : "short";
  const seed = 100 + Math.floor(i / 2);
  const dir = join(root, "data", `${scenario}-${seed}`);
  if ((await main(["simulate", "--scenario", scenario, "--seed", String(seed), "--out", dir], quiet)) !== 0)
    throw new Error(`simulate ${scenario} ${seed} failed`);
  models.push(`  - { name: ${scenario}-${seed}, data: data/${scenario}-${seed}/prepare.yaml }`);
}

function manifest(name: string, registry?: string): string {
  const file = join(root, `${name}.yaml`);
  writeFileSync(
    file,
    `version: 1\n${registry ? `registry: "${registry}"\n` : ""}root: ${name}\ndefaults:\n  fit: { chains: 4, warmup: 300, draws: 300 }\n  jobs: [prepare, fit]\nmodels:\n${models.join("\n")}\n`,
  );
  return file;
}

interface Row {
  mode: string;
  workers: number;
  jobs: number;
  fits: number;
  seconds: number;
  fitsPerMinute: number;
  speedup: number;
  /** Speed-up over one worker ÷ the cores the workers can use. */
  efficiency: number;
  failed: number;
}

const rows: Row[] = [];
let single = 0;
for (const workers of workerCounts) {
  const m = loadManifest(manifest(`local-${workers}`));
  const jobs = expandManifest(m);
  const t0 = performance.now();
  const outcomes = await runLocal(jobs, { workers, chainThreads: 1 });
  const seconds = (performance.now() - t0) / 1000;
  if (workers === 1) single = seconds;
  const speedup = single > 0 ? single / seconds : 1;
  rows.push({
    mode: "local pool",
    workers,
    jobs: jobs.length,
    fits: brands,
    seconds,
    fitsPerMinute: (brands / seconds) * 60,
    speedup,
    efficiency: speedup / Math.min(workers, cores),
    failed: outcomes.filter((o) => o.status !== "done").length,
  });
  console.log(JSON.stringify(rows.at(-1)));
}

/** Extra worker time per job against the 2-worker local pool, by queue mode. */
const overheadMs: Record<string, number> = {};
const hasRedis = (() => {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** The portfolio through the queue with 2 workers, registering into `registry` (default: SQLite files). */
async function queueRun(mode: string, name: string, registry?: string): Promise<void> {
  const port = 6300 + Math.floor(Math.random() * 600);
  const redis = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  await new Promise((r) => setTimeout(r, 500));
  const url = `redis://127.0.0.1:${port}`;
  try {
    const m = loadManifest(manifest(name, registry));
    const jobs = expandManifest(m);
    const t0 = performance.now();
    await queueMod.enqueue(jobs, url, m.name);
    const workers = await Promise.all([1, 2].map(() => queueMod.startWorker(url, { chainThreads: 1 })));
    let states = await queueMod.queueStatus(jobs, url);
    while (!states.every((s) => s.state === "done" || s.state === "failed")) {
      await new Promise((r) => setTimeout(r, 200));
      states = await queueMod.queueStatus(jobs, url);
    }
    const seconds = (performance.now() - t0) / 1000;
    await Promise.all(workers.map((w) => w.close()));
    const local2 = rows.find((r) => r.workers === 2 && r.mode === "local pool");
    const speedup = single > 0 ? single / seconds : 1;
    rows.push({
      mode,
      workers: 2,
      jobs: jobs.length,
      fits: brands,
      seconds,
      fitsPerMinute: (brands / seconds) * 60,
      speedup,
      efficiency: speedup / Math.min(2, cores),
      failed: states.filter((s) => s.state !== "done").length,
    });
    if (local2) overheadMs[mode] = ((seconds - local2.seconds) / jobs.length) * 1000 * 2;
    console.log(JSON.stringify(rows.at(-1)));
  } finally {
    redis.kill("SIGKILL");
  }
}

if (hasRedis) {
  await queueRun("redis queue", "queue-2");
  // the multi-machine set-up: every worker registers into one Postgres (a throwaway server)
  if (PG_BIN) {
    const pg = await startPostgres();
    try {
      await queueRun("redis queue + postgres registry", "queue-pg-2", pg.url);
    } finally {
      await pg.stop();
    }
  }
}
rmSync(root, { recursive: true, force: true });
mkdirSync(join(import.meta.dirname ?? ".", "results"), { recursive: true });

console.log(
  table(
    rows.map((r) => [
      r.mode,
      r.workers,
      r.jobs,
      r.seconds.toFixed(1),
      r.fitsPerMinute.toFixed(1),
      r.speedup.toFixed(2),
      r.efficiency.toFixed(2),
      r.failed,
    ]),
    ["mode", "workers", "jobs", "wall s", "fits/min", "speed-up", "efficiency", "not done"],
  ),
);
console.log(
  `${cores} cores. Efficiency = speed-up over 1 worker ÷ min(workers, cores).${
    !hasRedis
      ? " Queue: skipped (no redis-server)."
      : Object.keys(overheadMs).length === 0
        ? " Queue overhead: needs the 2-worker local run to compare with."
        : ` Overhead per job (2 workers, worker time against the local pool's): ${Object.entries(overheadMs)
            .map(([mode, ms]) => `${mode} ${ms.toFixed(0)} ms`)
            .join("; ")}.${PG_BIN ? "" : " Shared registry: skipped (no postgresql)."}`
  }`,
);
console.log(
  `wrote ${writeResult("batch", { brands, cores, fit: { chains: 4, warmup: 300, draws: 300, chainThreads: 1 }, rows, overheadMs })}`,
);
process.exit(0);
