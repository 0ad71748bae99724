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

export class WorkerExecutor implements ChainExecutor {
  constructor(private readonly maxWorkers = availableParallelism()) {}

  async run(
    recipe: ModelRecipe,
    jobs: ChainJob[],
    onProgress?: (p: ChainProgress) => void,
  ): Promise<ChainResult[]> {
    const results: ChainResult[] = new Array(jobs.length);
    let next = 0;
    const url = workerEntry();
    // one worker per lane, reused for the lane's chains: starting a worker (and, from sources,
    // its TypeScript loader) costs about half a second
    const runOne = (worker: Worker, job: ChainJob, index: number) =>
      new Promise<void>((resolve, reject) => {
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
        const done = () => {
          worker.off("message", onMessage);
          worker.off("error", reject);
        };
        worker.on("message", onMessage);
        worker.on("error", reject);
        worker.postMessage({ recipe, job });
      });
    const lanes = Array.from({ length: Math.min(this.maxWorkers, jobs.length) }, async () => {
      const worker = new Worker(url);
      try {
        while (next < jobs.length) {
          const i = next++;
          await runOne(worker, jobs[i], i);
        }
      } finally {
        void worker.terminate();
      }
    });
    await Promise.all(lanes);
    return results;
  }
}
