// Runs chains in parallel worker threads, at most one per core. Each worker rebuilds the model
// from the recipe and runs its chain from its own seed, so results do not depend on scheduling.

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ChainProgress, ChainResult } from "../inference/chain.js";
import type { ChainExecutor, ChainJob, ModelRecipe } from "../inference/executor.js";

/**
 * The worker entry: the compiled .js next to this module; when running from the TypeScript
 * sources (tests, tsx), a tiny bootstrap that registers tsx's loader first and then imports the
 * .ts worker (a worker's execArgv cannot carry --import on Node 20).
 */
function workerEntry(): URL {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new URL("./chainWorker.js", here);
  const api = import.meta.resolve("tsx/esm/api");
  const target = new URL("./chainWorker.ts", here).href;
  const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(target)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/**
 * Chain threads per process: the machine's cores, unless MMM_CHAIN_WORKERS says otherwise (a
 * batch running several fits at once gives each its share of the cores).
 */
function defaultWorkers(): number {
  const n = Number(process.env.MMM_CHAIN_WORKERS);
  return Number.isInteger(n) && n >= 1 ? n : availableParallelism();
}

/** Ids for recipes, so a worker that has built a recipe's model is not sent the recipe again. */
const recipeIds = new WeakMap<ModelRecipe, number>();
let nextRecipeId = 1;

interface Lane {
  worker: Worker;
  recipeId: number;
  /** Stops the worker after a while unused: a finished fit does not keep its workers' memory. */
  idle?: NodeJS.Timeout;
}

/** How long an unused worker is kept for the next run (a segment, a refit) before it is stopped. */
const IDLE_MS = 20_000;

export class WorkerExecutor implements ChainExecutor {
  /** Workers kept between runs (and unref'd while idle, so they never hold the process open). */
  private readonly lanes: Lane[] = [];

  constructor(private readonly maxWorkers = defaultWorkers()) {}

  async run(
    recipe: ModelRecipe,
    jobs: ChainJob[],
    onProgress?: (p: ChainProgress) => void,
  ): Promise<ChainResult[]> {
    const results: ChainResult[] = new Array(jobs.length);
    let next = 0;
    let recipeId = recipeIds.get(recipe);
    if (recipeId === undefined) {
      recipeId = nextRecipeId++;
      recipeIds.set(recipe, recipeId);
    }
    const id = recipeId;
    const runOne = (lane: Lane, job: ChainJob, index: number) =>
      new Promise<void>((resolve, reject) => {
        const { worker } = lane;
        const onMessage = (msg: {
          type: string;
          progress?: ChainProgress;
          result?: ChainResult;
          message?: string;
          stack?: string;
        }) => {
          if (msg.type === "progress" && msg.progress) onProgress?.(msg.progress);
          else if (msg.type === "result" && msg.result) {
            results[index] = msg.result;
            done();
            resolve();
          } else if (msg.type === "error") {
            done();
            reject(new Error(`chain ${job.settings.chain + 1} failed: ${msg.message}`));
          }
        };
        const onError = (e: Error) => {
          done();
          this.drop(lane);
          reject(e);
        };
        const done = () => {
          worker.off("message", onMessage);
          worker.off("error", onError);
        };
        worker.on("message", onMessage);
        worker.on("error", onError);
        // the recipe goes only to a worker that has not built its model yet
        worker.postMessage(lane.recipeId === id ? { recipeId: id, job } : { recipeId: id, recipe, job });
        lane.recipeId = id;
      });
    const count = Math.min(this.maxWorkers, jobs.length);
    // one lane per core, reused for the lane's chains and kept for the next run: starting a worker
    // (and, from sources, its TypeScript loader) costs about half a second, and a fresh worker's
    // JIT has to learn the model again
    while (this.lanes.length < count) this.lanes.push({ worker: new Worker(workerEntry()), recipeId: 0 });
    const lanes = this.lanes.slice(0, count);
    await Promise.all(
      lanes.map(async (lane) => {
        clearTimeout(lane.idle);
        lane.worker.ref();
        try {
          while (next < jobs.length) {
            const i = next++;
            await runOne(lane, jobs[i], i);
          }
        } finally {
          lane.worker.unref();
          lane.idle = setTimeout(() => this.drop(lane), IDLE_MS);
          lane.idle.unref();
        }
      }),
    );
    return results;
  }

  /** Stops the workers (they are unref'd while idle, so this is only needed to free them early). */
  async close(): Promise<void> {
    const lanes = this.lanes.splice(0);
    for (const l of lanes) clearTimeout(l.idle);
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }

  private drop(lane: Lane): void {
    clearTimeout(lane.idle);
    const i = this.lanes.indexOf(lane);
    if (i >= 0) this.lanes.splice(i, 1);
    void lane.worker.terminate();
  }
}
