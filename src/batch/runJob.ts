// Runs one batch job: an `mmm` command in a child process, in the job's workspace. A job whose
// output is already there is done (the commands write their folders and files atomically, so an
// output that exists is whole); a run folder that is there but not registered — its process was
// killed between the two — is registered now, once. Leftovers of a killed attempt (the hidden
// temporary siblings of the output) are removed before the next one.

import { spawn } from "node:child_process";
import { existsSync, linkSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MmmError } from "../core/errors.js";
import { redactUrl } from "../registry/postgres.js";
import {
  loadWorkspace,
  registryName,
  registryTarget,
  WORKSPACE_FILE,
  workspaceYaml,
} from "../registry/workspace.js";
import { registerRunFolder } from "../runs/runRegistration.js";
import type { BatchJob } from "./jobs.js";
import type { SharedRegistryTarget } from "./manifest.js";

/** done: ran now; skipped: its output was already there; blocked: a job it needs failed. */
export type JobStatus = "done" | "skipped" | "failed" | "cancelled" | "blocked";

export interface JobOutcome {
  id: string;
  status: JobStatus;
  seconds: number;
  /** The last lines the command wrote to stderr, for a failure. */
  message?: string;
}

/**
 * The `mmm` command line of this installation: the compiled CLI, or (when this module runs from
 * the TypeScript sources, in tests and benchmarks) the sources through tsx.
 */
export function mmmCommand(): string[] {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return [process.execPath, fileURLToPath(new URL("../../bin/mmm.js", here))];
  return [
    process.execPath,
    "--import",
    import.meta.resolve("tsx"),
    fileURLToPath(new URL("../cli/entry.ts", here)),
  ];
}

/** The job's output is there, whole. */
export function outputExists(job: BatchJob): boolean {
  return existsSync(job.out);
}

/** Removes what a killed attempt left: hidden temporary siblings of the output and its steps (atomicDir's). */
function removeLeftovers(job: BatchJob): void {
  for (const path of [job.out, ...(job.steps ?? [])]) {
    const dir = dirname(path);
    if (!existsSync(dir)) continue;
    const prefix = `.${basename(path).slice(0, 180)}.`;
    for (const name of readdirSync(dir))
      if (name.startsWith(prefix)) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * The workspace of a model, made on first use (mmm init's mmm.yaml, naming the portfolio's shared
 * registry if it has one; an SQLite registry comes with the first run). A workspace already there
 * must name the registry the manifest asks for: runs are never registered somewhere else quietly.
 */
export function ensureWorkspace(
  dir: string,
  owner: string,
  registry: SharedRegistryTarget | null = null,
): void {
  const file = join(dir, WORKSPACE_FILE);
  if (existsSync(file)) {
    checkRegistry(file, registry);
    return;
  }
  mkdirSync(dir, { recursive: true });
  // written whole, and only once: link() fails if another worker made it first, and theirs stands
  const tmp = join(dir, `.${WORKSPACE_FILE}.${process.pid}-${Date.now()}`);
  writeFileSync(tmp, workspaceYaml({ owner, registry: registry ?? undefined }));
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function checkRegistry(file: string, want: SharedRegistryTarget | null): void {
  const ws = loadWorkspace(file);
  const target = registryTarget(ws);
  const same = want
    ? "url" in target && target.url === want.url && target.schema === want.schema
    : "file" in target;
  if (!same)
    throw new MmmError(
      "E_WORKSPACE",
      `the workspace's registry (${registryName(ws)}) is not the one the manifest asks for (${want ? `${redactUrl(want.url)} (schema ${want.schema})` : "the workspace's own SQLite file"})`,
      { file, key: "registry" },
      "make mmm.yaml's registry and registry_schema match the manifest's registry (or change the manifest); runs already registered stay where they are",
    );
}

/** A registering job's folder is in its workspace's registry (registered now if it was not). */
async function ensureRegistered(job: BatchJob): Promise<void> {
  if (job.note === null) return;
  const ws = loadWorkspace(join(job.workspace, WORKSPACE_FILE));
  await registerRunFolder(ws, job.out, job.note);
}

export interface RunJobOptions {
  /** Chain worker threads for a fit (default: this machine's cores). */
  chainThreads?: number;
  signal?: AbortSignal;
  owner?: string;
}

/**
 * Runs the job unless its output is already there. Resolves with the outcome; a failed command
 * is an outcome, not an exception (its last stderr lines are the message).
 */
export async function runJob(job: BatchJob, o: RunJobOptions = {}): Promise<JobOutcome> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  ensureWorkspace(job.workspace, o.owner ?? "batch", job.registry);
  if (outputExists(job)) {
    await ensureRegistered(job);
    return { id: job.id, status: "skipped", seconds: seconds() };
  }
  removeLeftovers(job);
  const [cmd, ...pre] = mmmCommand();
  const child = spawn(cmd, [...pre, ...job.argv], {
    cwd: job.workspace,
    env: {
      ...process.env,
      MMM_CHAIN_WORKERS: String(o.chainThreads ?? availableParallelism()),
      MMM_EXIT_WITH_PARENT: "1",
    },
    // stdin is a pipe nobody writes to: it closes when this process dies, and the job stops (entry.ts)
    stdio: ["pipe", "ignore", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d: string) => {
    stderr.push(d);
    if (stderr.length > 200) stderr.splice(0, stderr.length - 200);
  });
  const onAbort = () => child.kill("SIGTERM");
  o.signal?.addEventListener("abort", onAbort, { once: true });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c, sig) => resolve(sig ? null : c));
  }).finally(() => o.signal?.removeEventListener("abort", onAbort));
  if (o.signal?.aborted) {
    removeLeftovers(job);
    return { id: job.id, status: "cancelled", seconds: seconds() };
  }
  if (code !== 0 || !outputExists(job)) {
    removeLeftovers(job);
    const tail = stderr.join("").trim().split("\n").slice(-6).join("\n");
    return {
      id: job.id,
      status: "failed",
      seconds: seconds(),
      message: tail || `mmm ${job.argv[0]} exited with ${code}`,
    };
  }
  await ensureRegistered(job);
  return { id: job.id, status: "done", seconds: seconds() };
}
