// `mmm batch`: a portfolio manifest's jobs, on this machine (the default: a pool of processes) or
// on a Redis queue for `mmm worker`s anywhere; `mmm batch status` and `mmm batch cancel`.

import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { type BatchJob, expandManifest } from "../batch/jobs.js";
import { runLocal } from "../batch/localPool.js";
import { loadManifest, type Manifest } from "../batch/manifest.js";
import { portfolioRows } from "../batch/portfolio.js";
import { portfolioPage } from "../batch/portfolioPage.js";
import { cancel, enqueue, queueStatus, startWorker } from "../batch/queue.js";
import { type JobOutcome, type JobStatus, outputExists } from "../batch/runJob.js";
import { MmmError } from "../core/errors.js";
import { finiteJson } from "../core/finiteJson.js";
import { parseUserNumber } from "../core/userNumber.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import type { CliIo } from "./io.js";

export interface BatchOptions {
  workers?: string;
  chainThreads?: string;
  queue?: string;
  dryRun?: boolean;
}

const count = (text: string | undefined, option: string, fallback: number) =>
  text === undefined
    ? fallback
    : parseUserNumber(text, option, { option }, { integer: true, min: 1, max: 256, example: `${option} 2` });

/** How a job's end is marked in the progress lines, here and in a worker's log. */
const STATUS_MARK: Record<JobStatus, string> = {
  done: "✓",
  skipped: "=",
  failed: "✗",
  cancelled: "■",
  blocked: "·",
};

function pad(text: string, n: number): string {
  return text.length >= n ? text : text + " ".repeat(n - text.length);
}

function summaryTable(m: Manifest, jobs: BatchJob[], outcomes: JobOutcome[]): string {
  const rows = jobs.map((j, i) => {
    const o = outcomes[i];
    return [j.model, j.id.slice(j.model.length + 1), o.status, o.seconds.toFixed(1), relative(m.root, j.out)];
  });
  const header = ["model", "job", "status", "seconds", "output"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((x, c) => pad(x, widths[c]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** portfolio.html and portfolio.json beside the models' folders: every model's headline and plan. */
function writePortfolio(manifest: Manifest, jobs: BatchJob[], io: CliIo): void {
  const rows = portfolioRows(manifest, jobs);
  const at = new Date().toISOString().slice(0, 16).replace("T", " ");
  writeFileAtomic(join(manifest.root, "portfolio.html"), portfolioPage(manifest.name, rows, at));
  const json = join(manifest.root, "portfolio.json");
  writeFileAtomic(json, finiteJson({ format: "mmm-os/portfolio@1", manifest: manifest.file, rows }, json));
  io.out(`Portfolio page: ${join(manifest.root, "portfolio.html")}`);
}

export async function runBatch(manifestPath: string, o: BatchOptions, io: CliIo): Promise<JobOutcome[]> {
  const manifest = loadManifest(manifestPath);
  const jobs = expandManifest(manifest);
  const done = jobs.filter(outputExists).length;
  io.out(
    `Portfolio ${manifest.name}: ${manifest.models.length} model(s), ${jobs.length} jobs (${done} already done and unchanged).`,
  );
  if (o.dryRun) {
    for (const j of jobs)
      io.out(
        `  ${outputExists(j) ? "done " : "to do"}  ${j.id}  (mmm ${j.argv.slice(0, 1).join(" ")}; key ${j.key})`,
      );
    return [];
  }
  if (o.queue) {
    const r = await enqueue(jobs, o.queue, manifest.name);
    io.out(
      `Queued ${r.added} job(s) on ${o.queue} (${r.queued} already queued, ${r.retried} failed before and retried, ${r.done} done). Start workers with: mmm worker --queue ${o.queue}`,
    );
    io.out(`Follow with: mmm batch status ${manifestPath} --queue ${o.queue}`);
    return [];
  }
  const cores = availableParallelism();
  const workers = count(o.workers, "--workers", cores);
  const chainThreads = count(o.chainThreads, "--chain-threads", Math.max(1, Math.floor(cores / workers)));
  io.out(`Running on this machine: ${workers} job(s) at a time, ${chainThreads} chain thread(s) each.`);
  const t0 = performance.now();
  const width = String(jobs.length).length;
  const outcomes = await runLocal(jobs, {
    workers,
    chainThreads,
    onEvent: (e) => {
      if (e.type === "start") io.err(`${" ".repeat(2 * width + 3)}▶ ${e.job.id}`);
      else {
        const mark = STATUS_MARK[e.outcome.status];
        const why = e.outcome.message ? `: ${e.outcome.message.split("\n").pop()}` : "";
        io.err(
          `[${String(e.finished).padStart(width)}/${e.total}] ${mark} ${e.job.id} ${e.outcome.status} (${e.outcome.seconds.toFixed(1)} s)${why}`,
        );
      }
    },
  });
  io.out(summaryTable(manifest, jobs, outcomes));
  writePortfolio(manifest, jobs, io);
  const tally = (s: string) => outcomes.filter((x) => x.status === s).length;
  io.out(
    `${jobs.length} jobs in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${tally("done")} done, ${tally("skipped")} already done and unchanged, ${tally("failed")} failed, ${tally("blocked")} not run (a job they need failed).`,
  );
  const failed = outcomes.filter((x) => x.status === "failed");
  if (failed.length > 0)
    throw new MmmError(
      "E_BATCH_FAILED",
      `${failed.length} job(s) failed: ${failed.map((f) => `${f.id} (${(f.message ?? "").split("\n").pop()})`).join("; ")}`,
      { file: manifestPath },
      "fix the causes and run the manifest again: finished jobs are not redone",
    );
  return outcomes;
}

export async function runBatchStatus(manifestPath: string, o: BatchOptions, io: CliIo): Promise<void> {
  const manifest = loadManifest(manifestPath);
  const jobs = expandManifest(manifest);
  const states = o.queue
    ? await queueStatus(jobs, o.queue)
    : jobs.map((j) => ({ id: j.id, state: outputExists(j) ? "done" : "to do", attempts: 0, message: "" }));
  const width = Math.max(...states.map((s) => s.id.length));
  for (const s of states)
    io.out(
      `${pad(s.id, width)}  ${pad(s.state, 10)}${s.attempts > 0 ? ` attempts ${s.attempts}` : ""}${s.message ? `  ${s.message.split("\n").pop()}` : ""}`,
    );
  const tally = new Map<string, number>();
  for (const s of states) tally.set(s.state, (tally.get(s.state) ?? 0) + 1);
  writePortfolio(manifest, jobs, io);
  io.out(`${jobs.length} jobs: ${[...tally].map(([k, v]) => `${v} ${k}`).join(", ")}.`);
}

export async function runBatchCancel(manifestPath: string, o: BatchOptions, io: CliIo): Promise<void> {
  if (!o.queue)
    throw new MmmError(
      "E_BAD_OPTION",
      "mmm batch cancel needs the queue the manifest was submitted to.",
      { option: "--queue" },
      "add --queue redis://host:port (a local batch stops with Ctrl+C)",
    );
  const manifest = loadManifest(manifestPath);
  const r = await cancel(expandManifest(manifest), o.queue);
  io.out(
    `Cancelled ${manifest.name}: ${r.removed} waiting job(s) removed, ${r.stopping} running job(s) told to stop.`,
  );
}

export interface WorkerCliOptions {
  queue: string;
  concurrency?: string;
  chainThreads?: string;
  lock?: string;
}

/** `mmm worker`: takes jobs until SIGINT or SIGTERM, then finishes the ones it holds. */
export async function runWorkerCli(o: WorkerCliOptions, io: CliIo): Promise<void> {
  const concurrency = count(o.concurrency, "--concurrency", 1);
  const chainThreads = count(
    o.chainThreads,
    "--chain-threads",
    Math.max(1, Math.floor(availableParallelism() / concurrency)),
  );
  const lockSeconds =
    o.lock === undefined
      ? 30
      : parseUserNumber(o.lock, "--lock", { option: "--lock" }, { min: 2, max: 3600, example: "--lock 30" });
  const worker = await startWorker(o.queue, {
    concurrency,
    chainThreads,
    lockMs: lockSeconds * 1000,
    onEvent: (e) =>
      io.err(
        e.type === "start"
          ? `▶ ${e.id}`
          : e.outcome
            ? `${STATUS_MARK[e.outcome.status]} ${e.id} ${e.outcome.status} (${e.outcome.seconds.toFixed(1)} s)`
            : `✗ ${e.id}: ${e.error}`,
      ),
  });
  io.out(
    `Worker on ${o.queue}: ${concurrency} job(s) at a time, ${chainThreads} chain thread(s) each (Ctrl+C stops after the current jobs).`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  io.out("Stopping: finishing the current jobs…");
  await worker.close();
}
