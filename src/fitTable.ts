// Fitting a modeling table end to end, as `mmm fit` computes its summary, with no Node module:
// the browser-only fit (web/local/) and the public browser API (browser.ts) both use it. Kept
// apart from browser.ts so a page that only fits does not bundle the lab and its calendars.

import { channelDraws, organicDraws } from "./analysis/channelMetrics.js";
import { assessConvergence } from "./analysis/convergence.js";
import { buildFitSummary, type FitSummary } from "./analysis/fitSummary.js";
import type { ModelingTable } from "./core/modelingTable.js";
import type { ChainProgress } from "./inference/chain.js";
import { buildModel, type ChainExecutor, InlineExecutor } from "./inference/executor.js";
import { DEFAULT_SAMPLE_OPTIONS, fitModel, pooledDraws, type SampleOptions } from "./inference/sample.js";
import { type ModelSpec, ModelSpecSchema } from "./model/spec.js";

/**
 * Fits the model and returns summary.json's content, as `mmm fit` computes it. Chains run in the
 * calling thread unless an executor is given (the dashboard's browser-only fit passes one that
 * runs each chain in a Web Worker).
 */
export async function fitTable(
  table: ModelingTable,
  spec: Partial<ModelSpec> = {},
  options: Partial<SampleOptions> = {},
  executor: ChainExecutor = new InlineExecutor(),
  onProgress?: (p: ChainProgress) => void,
): Promise<FitSummary> {
  const parsed = ModelSpecSchema.parse(spec);
  const recipe = { table, spec: parsed };
  const model = buildModel(recipe);
  const opts = { ...DEFAULT_SAMPLE_OPTIONS, ...options };
  const posterior = await fitModel(model, recipe, opts, executor, onProgress);
  const pooled = pooledDraws(posterior);
  const measures = channelDraws(model, pooled, { valuePerUnit: model.data.valuePerUnit ?? 1 });
  return buildFitSummary(
    model,
    posterior.method,
    measures,
    assessConvergence(posterior, opts).report,
    organicDraws(model, pooled),
  );
}
