// One Markov chain: windowed warm-up (step size and metric), then sampling with NUTS. Pure and
// browser-safe; parallelism lives in the runner that calls this once per chain.

import { Rng } from "../core/rng.js";
import { DualAveraging, WelfordEstimator, WindowSchedule } from "./adaptation.js";
import { Metric, type MetricKind } from "./metric.js";
import { type LogDensity, Nuts } from "./nuts.js";

export interface ChainSettings {
  chain: number;
  seed: number;
  warmup: number;
  draws: number;
  metric: MetricKind;
  maxDepth: number;
  /** Target acceptance statistic of the step-size adaptation. */
  adaptDelta: number;
  /** Initial step size before the first heuristic search. */
  initStepSize?: number;
  /** Report progress every this many iterations. */
  progressEvery?: number;
  /**
   * A further segment of a chain that already ran (warm-up 0): its step size (initStepSize) and
   * metric are kept as adapted, and its random stream is the segment's own.
   */
  segment?: number;
  /**
   * Warm-up iterations before the first metric window (Stan's init buffer, 75). A chain started
   * at a previous posterior's draw is already in the typical set and needs fewer.
   */
  initBuffer?: number;
}

export interface ChainProgress {
  chain: number;
  iteration: number;
  total: number;
  warmup: boolean;
  divergences: number;
  stepSize: number;
}

/** Sampler statistics per saved draw, in CmdStan's column order. */
export const SAMPLER_STATS = [
  "lp__",
  "accept_stat__",
  "stepsize__",
  "treedepth__",
  "n_leapfrog__",
  "divergent__",
  "energy__",
] as const;

export interface ChainResult {
  chain: number;
  dim: number;
  /** Unconstrained draws, row-major draws × dim. */
  draws: Float64Array;
  /** Sampler statistics, row-major draws × 7 (SAMPLER_STATS). */
  stats: Float64Array;
  stepSize: number;
  metricKind: MetricKind;
  inverseMetric: Float64Array;
  warmupDivergences: number;
  /** Total leapfrog steps (gradient evaluations) in warm-up and sampling. */
  gradientEvaluations: number;
  warmupSeconds: number;
  samplingSeconds: number;
}

export function runChain(
  logDensity: LogDensity,
  init: Float64Array,
  settings: ChainSettings,
  onProgress?: (p: ChainProgress) => void,
  initInverseMetric?: Float64Array,
): ChainResult {
  const dim = init.length;
  const rng = new Rng(
    settings.segment
      ? `nuts:${settings.seed}:${settings.chain}:${settings.segment}`
      : `nuts:${settings.seed}:${settings.chain}`,
  );
  const metric = new Metric(settings.metric, dim, initInverseMetric);
  const nuts = new Nuts(logDensity, metric, rng, settings.maxDepth);
  const lp0 = nuts.setPosition(init);
  if (!Number.isFinite(lp0))
    throw new Error(`chain ${settings.chain}: the initial point has log density ${lp0}`);
  nuts.stepSize = settings.initStepSize ?? 1;
  // a continued chain keeps the step size its warm-up adapted
  if (!settings.segment) nuts.initStepSize();
  const dual = new DualAveraging(settings.adaptDelta);
  dual.restart(nuts.stepSize);
  const schedule = new WindowSchedule(settings.warmup, settings.initBuffer);
  const estimator = new WelfordEstimator(dim, settings.metric);
  const every = settings.progressEvery ?? 50;
  const total = settings.warmup + settings.draws;
  let divergences = 0;
  let gradients = 0;
  const t0 = performance.now();
  for (let i = 0; i < settings.warmup; i++) {
    const s = nuts.transition();
    gradients += s.nLeapfrog;
    if (s.divergent) divergences++;
    nuts.stepSize = dual.learn(s.acceptStat);
    if (schedule.inSlowWindow(i)) estimator.add(nuts.position);
    if (schedule.windowEndsAt(i)) {
      // shrink toward the metric in use only when the chain started from an informed one (Laplace);
      // from the identity, Stan's regularisation toward 1e-3·I is the better fallback
      metric.set(estimator.regularised(initInverseMetric ? metric.inverse : undefined));
      estimator.restart();
      nuts.initStepSize();
      dual.restart(nuts.stepSize);
    }
    if (onProgress && (i + 1) % every === 0)
      onProgress({
        chain: settings.chain,
        iteration: i + 1,
        total,
        warmup: true,
        divergences,
        stepSize: nuts.stepSize,
      });
  }
  if (settings.warmup > 0) nuts.stepSize = dual.final();
  const warmupDivergences = divergences;
  const t1 = performance.now();
  const draws = new Float64Array(settings.draws * dim);
  const stats = new Float64Array(settings.draws * SAMPLER_STATS.length);
  for (let i = 0; i < settings.draws; i++) {
    const s = nuts.transition();
    gradients += s.nLeapfrog;
    if (s.divergent) divergences++;
    draws.set(nuts.position, i * dim);
    const o = i * SAMPLER_STATS.length;
    stats[o] = s.lp;
    stats[o + 1] = s.acceptStat;
    stats[o + 2] = s.stepSize;
    stats[o + 3] = s.treeDepth;
    stats[o + 4] = s.nLeapfrog;
    stats[o + 5] = s.divergent ? 1 : 0;
    stats[o + 6] = s.energy;
    if (onProgress && (i + 1) % every === 0)
      onProgress({
        chain: settings.chain,
        iteration: settings.warmup + i + 1,
        total,
        warmup: false,
        divergences: divergences - warmupDivergences,
        stepSize: nuts.stepSize,
      });
  }
  const t2 = performance.now();
  return {
    chain: settings.chain,
    dim,
    draws,
    stats,
    stepSize: nuts.stepSize,
    metricKind: settings.metric,
    inverseMetric: Float64Array.from(metric.inverse),
    warmupDivergences,
    gradientEvaluations: gradients,
    warmupSeconds: (t1 - t0) / 1000,
    samplingSeconds: (t2 - t1) / 1000,
  };
}
