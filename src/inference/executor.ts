// Where chains run. The sampler core is environment-free; an executor decides whether chains
// run one after another in this thread (tests, a browser main thread) or in parallel workers
// (worker_threads in Node, Web Workers in a browser), each rebuilding the model from its recipe.

import type { ModelingTable } from "../core/modelingTable.js";
import { buildModelData } from "../model/design.js";
import {
  ExperimentTerm,
  type LiftTest,
  resolveExperiments,
  roiPriorTests,
  testsInsideTraining,
} from "../model/experimentLift.js";
import { MmmModel } from "../model/mmm.js";
import type { ModelSpec } from "../model/spec.js";
import { type ChainProgress, type ChainResult, type ChainSettings, runChain } from "./chain.js";

/** Everything needed to rebuild the same model anywhere (structured-clone friendly). */
export interface ModelRecipe {
  table: ModelingTable;
  spec: ModelSpec;
  holdoutWeeks?: number;
  /** Lift tests that calibrate the model (each adds a likelihood term). */
  experiments?: LiftTest[];
  /**
   * How tests calibrate: "likelihood" (default: each test's own counterfactual) or "roi_prior"
   * (each test's return held as the channel's return over the history; docs/experiments.md).
   */
  calibration?: "likelihood" | "roi_prior";
}

export interface ChainJob {
  settings: ChainSettings;
  init: Float64Array;
  initInverseMetric?: Float64Array;
}

export interface ChainExecutor {
  run(recipe: ModelRecipe, jobs: ChainJob[], onProgress?: (p: ChainProgress) => void): Promise<ChainResult[]>;
}

export function buildModel(recipe: ModelRecipe): MmmModel {
  const model = new MmmModel(
    buildModelData(recipe.table, recipe.spec, { holdoutWeeks: recipe.holdoutWeeks }),
    recipe.spec,
  );
  // a holdout or CV fold learns from its past only: tests read out in its held-out weeks stay out
  const tests = testsInsideTraining(recipe.experiments ?? [], model.data);
  if (tests.length > 0) {
    const resolved =
      recipe.calibration === "roi_prior"
        ? roiPriorTests(tests, model.data)
        : resolveExperiments(tests, model.data);
    model.addTerm(new ExperimentTerm(model.data, model.layout.channels, resolved));
  }
  return model;
}

/** Unconstrained draws (row-major, draws × dim) mapped to the constrained scale. */
export function constrainDraws(model: MmmModel, draws: Float64Array): Float64Array {
  const d = model.dim;
  const out = new Float64Array(draws.length);
  for (let k = 0; k < draws.length / d; k++)
    model.constrain(draws.subarray(k * d, (k + 1) * d), out.subarray(k * d, (k + 1) * d));
  return out;
}

/** Runs one chain job: the body of every worker. `model` is the recipe's, if already built. */
export function runChainJob(
  recipe: ModelRecipe,
  job: ChainJob,
  onProgress?: (p: ChainProgress) => void,
  model: MmmModel = buildModel(recipe),
): ChainResult {
  return runChain(
    (q, g) => model.logDensity(q, g),
    job.init,
    job.settings,
    onProgress,
    job.initInverseMetric,
  );
}

/** Runs chains one after another in the calling thread. */
export class InlineExecutor implements ChainExecutor {
  async run(
    recipe: ModelRecipe,
    jobs: ChainJob[],
    onProgress?: (p: ChainProgress) => void,
  ): Promise<ChainResult[]> {
    return jobs.map((job) => runChainJob(recipe, job, onProgress));
  }
}
