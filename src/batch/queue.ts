// The same jobs on a Redis queue (BullMQ), for workers on any number of machines that share the
// portfolio's folder. A job's queue id is its content key, so submitting a manifest twice adds
// nothing, and a job whose output is already there is not queued at all. A worker takes a job
// only once the outputs it reads exist (otherwise it puts it back for a moment, without using up
// an attempt); a failed command is retried with exponential back-off; a worker killed mid-job
// leaves its job to be taken up again once its lock expires. Cancelling removes what waits and
// stops what runs.

import { existsSync } from "node:fs";
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { MmmError } from "../core/errors.js";
import { type BatchJob, STAGE } from "./jobs.js";
import { type JobOutcome, outputExists, runJob } from "./runJob.js";

export const QUEUE_NAME = "mmm-batch";
const ATTEMPTS = 3;
const BACKOFF_MS = 2000;
/** How soon a job whose inputs are not there yet is looked at again. */
const DEPENDENCY_POLL_MS = 250;

const CANCEL_POLL_MS = 500;

export interface QueuedJob {
  job: BatchJob;
  manifest: string;
  /** The jobs it reads from: their queue ids and outputs. */
  deps: { id: string; queueId: string; out: string }[];
}

export const queueId = (job: BatchJob) => `${job.kind}-${job.key}`;
const cancelKey = (id: string) => `${QUEUE_NAME}:cancel:${id}`;

export function connectionOf(url: string) {
  if (!/^rediss?:\/\//.test(url))
    throw new MmmError(
      "E_BAD_OPTION",
      `--queue '${url}' is not a Redis URL.`,
      { option: "--queue" },
      "give redis://host:port (or rediss:// for TLS), e.g. --queue redis://127.0.0.1:6379",
    );
  // BullMQ's workers block on Redis: no per-request retry limit
  return { url, maxRetriesPerRequest: null };
}

/**
 * Fails fast, with the reason, when Redis cannot be reached: BullMQ itself would wait and
 * reconnect for ever (right for a worker riding out a short outage, wrong for a first contact).
 */
async function checkReachable(url: string): Promise<void> {
  connectionOf(url);
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  let reason = "";
  client.on("error", (e: Error) => {
    reason = e.message;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new MmmError(
      "E_QUEUE_UNREACHABLE",
      `Cannot reach the Redis queue at ${url} (${reason || (e as Error).message}).`,
      { option: "--queue" },
      "start redis-server there (or check the host, port and firewall), then run the command again",
    );
  } finally {
    client.disconnect();
  }
}

async function withQueue<T>(url: string, f: (q: Queue) => Promise<T>): Promise<T> {
  await checkReachable(url);
  const queue = new Queue(QUEUE_NAME, { connection: connectionOf(url) });
  try {
    return await f(queue);
  } finally {
    await queue.close();
  }
}

export interface EnqueueResult {
  added: number;
  /** Already on the queue (waiting, running or finished): not added again. */
  queued: number;
  /** Output already there: nothing to do. */
  done: number;
  /** Failed earlier, sent back for new attempts. */
  retried: number;
}

/** Puts the manifest's jobs that are not done on the queue. */
export function enqueue(jobs: BatchJob[], url: string, manifest: string): Promise<EnqueueResult> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  return withQueue(url, async (queue) => {
    const result: EnqueueResult = { added: 0, queued: 0, done: 0, retried: 0 };
    for (const job of jobs) {
      if (outputExists(job)) {
        result.done++;
        continue;
      }
      const id = queueId(job);
      const existing = await queue.getJob(id);
      if (existing) {
        const state = await existing.getState();
        if (state === "failed") {
          await existing.retry("failed");
          result.retried++;
          continue;
        }
        // finished, but its output has since gone (deleted by hand): run it again
        if (state !== "completed") {
          result.queued++;
          continue;
        }
        await existing.remove();
      }
      const data: QueuedJob = {
        job,
        manifest,
        deps: job.deps.map((d) => {
          const dep = byId.get(d) as BatchJob;
          return { id: dep.id, queueId: queueId(dep), out: dep.out };
        }),
      };
      await queue.add(job.id, data, {
        jobId: id,
        // earlier stages first (lower is sooner): a worker seldom takes a job it must put back
        priority: STAGE[job.kind],
        attempts: ATTEMPTS,
        backoff: { type: "exponential", delay: BACKOFF_MS },
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
      result.added++;
    }
    return result;
  });
}

export interface QueuedState {
  id: string;
  state: string;
  attempts: number;
  message: string;
}

/** Each job of the manifest: done (output there), or its state on the queue. */
export function queueStatus(jobs: BatchJob[], url: string): Promise<QueuedState[]> {
  return withQueue(url, async (queue) =>
    Promise.all(
      jobs.map(async (job) => {
        const q = await queue.getJob(queueId(job));
        const state = q ? await q.getState() : "not queued";
        return {
          id: job.id,
          state: outputExists(job) ? "done" : state,
          attempts: q?.attemptsMade ?? 0,
          message: q?.failedReason ?? "",
        };
      }),
    ),
  );
}

/** Removes the manifest's waiting jobs and asks the workers to stop its running ones. */
export function cancel(jobs: BatchJob[], url: string): Promise<{ removed: number; stopping: number }> {
  return withQueue(url, async (queue) => {
    let removed = 0;
    let stopping = 0;
    const client = new Redis(url, { maxRetriesPerRequest: 3 });
    try {
      for (const job of jobs) {
        const q = await queue.getJob(queueId(job));
        if (!q) continue;
        const state = await q.getState();
        if (state === "active") {
          await client.set(cancelKey(queueId(job)), "1", "EX", 24 * 3600);
          stopping++;
        } else if (state === "waiting" || state === "delayed" || state === "prioritized") {
          await q.remove();
          removed++;
        }
      }
    } finally {
      client.disconnect();
    }
    return { removed, stopping };
  });
}

export interface WorkerOptions {
  concurrency?: number;
  chainThreads?: number;
  /** How long a job's lock lasts without renewal: a killed worker's job is taken up after this. */
  lockMs?: number;
  onEvent?: (e: { type: "start" | "end"; id: string; outcome?: JobOutcome; error?: string }) => void;
}

/** Processes jobs until closed; resolves with a function that closes it gracefully. */
export async function startWorker(
  url: string,
  o: WorkerOptions = {},
): Promise<{ close: () => Promise<void> }> {
  await checkReachable(url);
  const connection = connectionOf(url);
  const queue = new Queue(QUEUE_NAME, { connection });
  // the cancel flags: a plain client beside BullMQ's own connections
  const client = new Redis(url, { maxRetriesPerRequest: 3 });
  const lockMs = o.lockMs ?? 30_000;
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job<QueuedJob>, token?: string) => {
      const { job: batchJob, deps } = job.data;
      for (const dep of deps) {
        if (existsSync(dep.out)) continue;
        const depJob = await queue.getJob(dep.queueId);
        const state = depJob ? await depJob.getState() : "missing";
        if (state === "failed" || state === "missing")
          throw new UnrecoverableError(
            `not run: ${dep.id} ${state === "failed" ? "failed" : "is not on the queue"}`,
          );
        await job.moveToDelayed(Date.now() + DEPENDENCY_POLL_MS, token);
        throw new DelayedError();
      }
      o.onEvent?.({ type: "start", id: batchJob.id });
      const abort = new AbortController();
      const id = queueId(batchJob);
      const poll = setInterval(() => {
        client.get(cancelKey(id)).then(
          (v: string | null) => v && abort.abort(),
          () => {},
        );
      }, CANCEL_POLL_MS);
      try {
        const outcome = await runJob(batchJob, { signal: abort.signal, chainThreads: o.chainThreads });
        o.onEvent?.({ type: "end", id: batchJob.id, outcome });
        if (outcome.status === "cancelled") {
          await client.del(cancelKey(id));
          throw new UnrecoverableError("cancelled");
        }
        if (outcome.status === "failed") throw new Error(outcome.message ?? "failed");
        return outcome;
      } finally {
        clearInterval(poll);
      }
    },
    {
      connection,
      concurrency: o.concurrency ?? 1,
      lockDuration: lockMs,
      stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
      maxStalledCount: 2,
    },
  );
  worker.on("failed", (job, e) => o.onEvent?.({ type: "end", id: job?.name ?? "?", error: e.message }));
  // a lost connection is retried by BullMQ; it is said, not thrown (an unheard 'error' would crash)
  const connectionTrouble = (e: Error) => o.onEvent?.({ type: "end", id: "(queue)", error: e.message });
  worker.on("error", connectionTrouble);
  queue.on("error", connectionTrouble);
  await worker.waitUntilReady();
  return {
    close: async () => {
      await worker.close();
      await queue.close();
      client.disconnect();
    },
  };
}
