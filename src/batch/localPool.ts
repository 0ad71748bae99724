// The embedded default: a manifest's jobs on this machine, each in its own process, at most
// `workers` at once, each job started as soon as the jobs it reads from have finished. A failed
// job blocks the jobs that need it and nothing else.

import { type BatchJob, STAGE } from "./jobs.js";
import { type JobOutcome, type RunJobOptions, runJob } from "./runJob.js";

export type BatchEvent =
  | { type: "start"; job: BatchJob; running: number }
  | { type: "end"; job: BatchJob; outcome: JobOutcome; finished: number; total: number };

export interface LocalPoolOptions extends RunJobOptions {
  workers: number;
  onEvent?: (e: BatchEvent) => void;
}

export async function runLocal(jobs: BatchJob[], o: LocalPoolOptions): Promise<JobOutcome[]> {
  const outcomes = new Map<string, JobOutcome>();
  const waiting = [...jobs];
  const running = new Set<Promise<void>>();
  const ok = (id: string) => {
    const s = outcomes.get(id)?.status;
    return s === "done" || s === "skipped";
  };
  const settled = (id: string) => outcomes.has(id);
  const finish = (job: BatchJob, outcome: JobOutcome) => {
    outcomes.set(job.id, outcome);
    o.onEvent?.({ type: "end", job, outcome, finished: outcomes.size, total: jobs.length });
  };
  for (;;) {
    // jobs whose inputs failed will never run
    for (let i = waiting.length - 1; i >= 0; i--) {
      const job = waiting[i];
      const failed = job.deps.find((d) => settled(d) && !ok(d));
      if (failed) {
        waiting.splice(i, 1);
        finish(job, {
          id: job.id,
          status: "blocked",
          seconds: 0,
          message: `not run: ${failed} did not finish`,
        });
      }
    }
    while (running.size < o.workers && !o.signal?.aborted) {
      // the earliest stage among the ready jobs: others wait for its outputs
      let index = -1;
      waiting.forEach((j, i) => {
        if (j.deps.every(ok) && (index < 0 || STAGE[j.kind] < STAGE[waiting[index].kind])) index = i;
      });
      if (index < 0) break;
      const [job] = waiting.splice(index, 1);
      const task = runJob(job, o).then(
        (outcome) => finish(job, outcome),
        (e: Error) => finish(job, { id: job.id, status: "failed", seconds: 0, message: e.message }),
      );
      const tracked: Promise<void> = task.finally(() => running.delete(tracked));
      running.add(tracked);
      o.onEvent?.({ type: "start", job, running: running.size });
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  // cancelled before they started
  for (const job of waiting)
    if (!settled(job.id)) finish(job, { id: job.id, status: "cancelled", seconds: 0 });
  return jobs.map((j) => outcomes.get(j.id) as JobOutcome);
}
