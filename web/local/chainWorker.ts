// A Web Worker that runs chain jobs for the browser-only fit: the same chain code as Node's
// worker threads (runChainJob), with the model built once per recipe.

import { buildModel, type ModelRecipe, runChainJob } from "../../src/inference/executor.js";
import type { MmmModel } from "../../src/model/mmm.js";
import type { ChainWorkerJob, ChainWorkerReply } from "./webWorkerExecutor.js";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ChainWorkerJob>) => void) | null;
  postMessage(message: ChainWorkerReply, transfer?: Transferable[]): void;
};

let cached: { id: number; recipe: ModelRecipe; model: MmmModel } | undefined;

scope.onmessage = (e) => {
  const msg = e.data;
  try {
    if (msg.recipe) cached = { id: msg.recipeId, recipe: msg.recipe, model: buildModel(msg.recipe) };
    if (!cached || cached.id !== msg.recipeId) throw new Error("the job's model recipe was not sent");
    const result = runChainJob(
      cached.recipe,
      msg.job,
      (progress) => scope.postMessage({ type: "progress", progress }),
      cached.model,
    );
    scope.postMessage({ type: "result", result }, [
      result.draws.buffer as ArrayBuffer,
      result.stats.buffer as ArrayBuffer,
    ]);
  } catch (err) {
    scope.postMessage({ type: "error", message: (err as Error).message });
  }
};
