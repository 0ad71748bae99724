// Runs chains in Web Workers, one per chain up to the machine's cores: the browser's counterpart
// of the Node worker_threads executor. Each worker rebuilds the model from the recipe once and
// keeps it for the chains (and segments) it runs; results do not depend on scheduling, since
// every chain carries its own seed.

import type { ChainProgress, ChainResult } from "../../src/inference/chain.js";
import type { ChainExecutor, ChainJob, ModelRecipe } from "../../src/inference/executor.js";

export type ChainWorkerReply =
  | { type: "progress"; progress: ChainProgress }
  | { type: "result"; result: ChainResult }
  | { type: "error"; message: string };

export interface ChainWorkerJob {
  recipeId: number;
  recipe?: ModelRecipe;
  job: ChainJob;
}

export class WebWorkerExecutor implements ChainExecutor {
  private readonly lanes: { worker: Worker; recipeId: number }[] = [];
  private readonly recipeIds = new WeakMap<ModelRecipe, number>();
  private nextRecipeId = 1;

  constructor(
    private readonly url: string,
    private readonly maxWorkers = Math.max(1, navigator.hardwareConcurrency || 2),
  ) {}

  async run(
    recipe: ModelRecipe,
    jobs: ChainJob[],
    onProgress?: (p: ChainProgress) => void,
  ): Promise<ChainResult[]> {
    let id = this.recipeIds.get(recipe);
    if (id === undefined) {
      id = this.nextRecipeId++;
      this.recipeIds.set(recipe, id);
    }
    const recipeId = id;
    while (this.lanes.length < Math.min(this.maxWorkers, jobs.length))
      this.lanes.push({ worker: new Worker(this.url, { type: "module" }), recipeId: 0 });
    const results: ChainResult[] = new Array(jobs.length);
    let next = 0;
    const runLane = async (lane: { worker: Worker; recipeId: number }) => {
      while (next < jobs.length) {
        const index = next++;
        results[index] = await new Promise<ChainResult>((resolve, reject) => {
          lane.worker.onmessage = (e: MessageEvent<ChainWorkerReply>) => {
            const msg = e.data;
            if (msg.type === "progress") onProgress?.(msg.progress);
            else if (msg.type === "result") resolve(msg.result);
            else reject(new Error(`chain ${jobs[index].settings.chain + 1} failed: ${msg.message}`));
          };
          lane.worker.onerror = (e) => reject(new Error(`a chain worker failed: ${e.message}`));
          const message: ChainWorkerJob = {
            recipeId,
            recipe: lane.recipeId === recipeId ? undefined : recipe,
            job: jobs[index],
          };
          lane.recipeId = recipeId;
          lane.worker.postMessage(message);
        });
      }
    };
    await Promise.all(this.lanes.slice(0, Math.min(this.lanes.length, jobs.length)).map(runLane));
    return results;
  }

  /** Stops the workers (the page is done fitting). */
  close(): void {
    for (const lane of this.lanes.splice(0)) lane.worker.terminate();
  }
}
