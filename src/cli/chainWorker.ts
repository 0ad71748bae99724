// A worker_threads worker: receives chain jobs with the model recipe, samples, posts progress and
// the result back. Float64Array buffers are transferred, not copied. The worker lives as long as
// its executor and keeps the last recipe's model: a chain continued in segments (segments.ts)
// neither rebuilds the model nor loses the JIT's work.

import { parentPort } from "node:worker_threads";
import { buildModel, type ChainJob, type ModelRecipe, runChainJob } from "../inference/executor.js";
import type { MmmModel } from "../model/mmm.js";

let cached: { id: number; recipe: ModelRecipe; model: MmmModel } | undefined;

parentPort?.on("message", (msg: { recipeId: number; recipe?: ModelRecipe; job: ChainJob }) => {
  try {
    if (msg.recipe) cached = { id: msg.recipeId, recipe: msg.recipe, model: buildModel(msg.recipe) };
    if (!cached || cached.id !== msg.recipeId)
      throw new Error("chain worker: the job's model recipe was not sent");
    const result = runChainJob(
      cached.recipe,
      msg.job,
      (p) => parentPort?.postMessage({ type: "progress", progress: p }),
      cached.model,
    );
    parentPort?.postMessage({ type: "result", result }, [
      result.draws.buffer as ArrayBuffer,
      result.stats.buffer as ArrayBuffer,
    ]);
  } catch (e) {
    parentPort?.postMessage({ type: "error", message: (e as Error).message, stack: (e as Error).stack });
  }
});
