// What the refresh benchmarks share: the diagnostics bar every fit is judged on, and one month's
// step — last month's model reviewed on the weeks it did not see, then refitted warm-started.

import { assessConvergence } from "../src/analysis/convergence.js";
import { modelOnLongerTable, type PostPeriodReview, postPeriodReview } from "../src/analysis/postPeriod.js";
import { observedNational } from "../src/analysis/ppc.js";
import { WARM_WARMUP } from "../src/cli/fit.js";
import type { WorkerExecutor } from "../src/cli/workerExecutor.js";
import type { ModelingTable } from "../src/core/modelingTable.js";
import { buildModel } from "../src/inference/executor.js";
import { DEFAULT_SAMPLE_OPTIONS, fitModel, type Posterior, pooledDraws } from "../src/inference/sample.js";
import { DEFAULT_STOP_AT_BAR } from "../src/inference/segments.js";
import type { WarmStart } from "../src/inference/warmStart.js";
import type { MmmModel } from "../src/model/mmm.js";
import type { ModelSpec } from "../src/model/spec.js";

// the warm-up `mmm fit --warm-start` uses, so the benchmark measures what users run
export { WARM_WARMUP } from "../src/cli/fit.js";

/** R̂ ≤ 1.01, bulk and tail ESS ≥ 400, no divergences: the bar cold and warm fits are held to. */
export function diagnosticsBar(p: Posterior, opts: typeof DEFAULT_SAMPLE_OPTIONS) {
  const r = assessConvergence(p, opts).report;
  return {
    rhat: r.rhat_max ?? Number.NaN,
    bulk: r.ess_bulk_min ?? Number.NaN,
    tail: r.ess_tail_min ?? Number.NaN,
    div: r.divergences,
    pass:
      (r.rhat_max ?? 2) <= 1.01 &&
      (r.ess_bulk_min ?? 0) >= 400 &&
      (r.ess_tail_min ?? 0) >= 400 &&
      r.divergences === 0,
  };
}

export interface FittedMonth {
  model: MmmModel;
  posterior: Posterior;
}

type TimedFit = FittedMonth & { seconds: number; opts: typeof DEFAULT_SAMPLE_OPTIONS };

/** A fit of the table with these options (warm-started when `warm` is given), timed from model to posterior. */
async function timedFit(
  table: ModelingTable,
  spec: ModelSpec,
  opts: typeof DEFAULT_SAMPLE_OPTIONS,
  executor: WorkerExecutor,
  warm?: WarmStart,
): Promise<TimedFit> {
  const recipe = { table, spec };
  const model = buildModel(recipe);
  const t0 = performance.now();
  const posterior = await fitModel(model, recipe, opts, executor, undefined, warm);
  return { model, posterior, seconds: (performance.now() - t0) / 1000, opts };
}

export function coldFit(
  table: ModelingTable,
  spec: ModelSpec,
  seed: number,
  executor: WorkerExecutor,
): Promise<TimedFit> {
  return timedFit(table, spec, { ...DEFAULT_SAMPLE_OPTIONS, seed }, executor);
}

/** Last month's model on the new table's weeks it did not see. */
export function reviewOn(
  prev: FittedMonth,
  spec: ModelSpec,
  next: ModelingTable,
  seed: number,
): PostPeriodReview {
  return postPeriodReview(
    modelOnLongerTable(prev.model, spec, next),
    pooledDraws(prev.posterior),
    observedNational(buildModel({ table: next, spec })),
    prev.model.data.T,
    seed,
  );
}

/** The refit of the new table, warm-started from last month's posterior. */
export async function warmFit(
  prev: FittedMonth,
  table: ModelingTable,
  spec: ModelSpec,
  seed: number,
  executor: WorkerExecutor,
): Promise<TimedFit> {
  // as `mmm fit --warm-start`: a short warm-up, then sampling until the diagnostics bar is met
  const opts = { ...DEFAULT_SAMPLE_OPTIONS, seed, warmup: WARM_WARMUP, stopAtBar: DEFAULT_STOP_AT_BAR };
  return timedFit(table, spec, opts, executor, {
    names: prev.model.names,
    draws: pooledDraws(prev.posterior),
    stepSizes: prev.posterior.chains.map((c) => c.stepSize),
  });
}

/**
 * Which refits become the approved run, the one the next month is reviewed against and warm-starts
 * from. `every` (the default): every refit (an alarm is acted on: the analyst investigates and
 * approves the refit). `hold` (--hold-borderline): every refit except after a borderline review,
 * which keeps the last run approved so that the next review spans both months. Measured on the
 * drift world, holding found the effect change no sooner (docs/operations.md).
 */
export const POLICY: "hold" | "every" = process.argv.includes("--hold-borderline") ? "hold" : "every";

export function approve(approved: FittedMonth, refit: FittedMonth, review: PostPeriodReview): FittedMonth {
  return POLICY === "hold" && review.borderline ? approved : refit;
}
