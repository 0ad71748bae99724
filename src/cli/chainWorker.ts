// A worker_threads worker: receives one chain job and the model recipe, samples, posts progress
// and the result back. Float64Array buffers are transferred, not copied.

import { parentPort } from "node:worker_threads";
import { type ChainJob, type ModelRecipe, runChainJob } from "../inference/executor.js";

parentPort?.on("message", (msg: { recipe: ModelRecipe; job: ChainJob }) => {
  try {
    const result = runChainJob(msg.recipe, msg.job, (p) =>
      parentPort?.postMessage({ type: "progress", progress: p }),
    );
    parentPort?.postMessage({ type: "result", result }, [
      result.draws.buffer as ArrayBuffer,
      result.stats.buffer as ArrayBuffer,
    ]);
  } catch (e) {
    parentPort?.postMessage({ type: "error", message: (e as Error).message, stack: (e as Error).stack });
  }
});
