// Fitting a model: find the posterior mode (L-BFGS) and its Laplace approximation, then either
// stop there (the fast, approximate path) or start NUTS chains from draws of that approximation,
// with its covariance as the first metric, so warm-up begins in the right place at the right scale.

import { Rng } from "../core/rng.js";
import type { MmmModel } from "../model/mmm.js";
import type { ChainProgress, ChainResult } from "./chain.js";
import { type ChainExecutor, type ChainJob, constrainDraws, type ModelRecipe } from "./executor.js";
import { laplace, laplaceDraws } from "./laplace.js";
import { maximize } from "./lbfgs.js";
import type { MetricKind } from "./metric.js";
import { type StopAtBar, sampleUntilBar } from "./segments.js";
import { planWarmStart, type WarmStart, type WarmStartPlan } from "./warmStart.js";

export interface SampleOptions {
  method: "nuts" | "fast";
  chains: number;
  warmup: number;
  draws: number;
  seed: number;
  metric: MetricKind;
  maxDepth: number;
  adaptDelta: number;
  /**
   * Stop sampling once the diagnostics bar is met, checking after a first segment and then every
   * few draws; `draws` is then the most per chain (see segments.ts). Used by warm starts.
   */
  stopAtBar?: StopAtBar;
}

/**
 * What `mmm fit` runs without flags. 500 + 500 per chain rather than Stan's 1000 + 1000: chains
 * start from the Laplace approximation with its covariance as the metric, so a shorter warm-up
 * adapts as well, and 4 × 500 draws give a minimum bulk ESS of 860–1670 and tail ESS above 500 on
 * the lab's clean, collinear and short scenarios (seeds 1–5; `npm run bench:peer`), twice the
 * ESS ≥ 400 bar. The convergence report asks for more draws when a model needs them.
 */
export const DEFAULT_SAMPLE_OPTIONS: SampleOptions = {
  method: "nuts",
  chains: 4,
  warmup: 500,
  draws: 500,
  seed: 1,
  metric: "dense",
  maxDepth: 10,
  adaptDelta: 0.9,
};

export interface Posterior {
  method: "nuts" | "fast";
  /** True for the Laplace approximation: label every output derived from it. */
  approximate: boolean;
  names: string[];
  dim: number;
  /** Per chain: constrained draws, row-major (draws × dim). */
  constrained: Float64Array[];
  /** NUTS chains (empty for the fast path). */
  chains: ChainResult[];
  mode: { x: Float64Array; lp: number; iterations: number; converged: boolean };
  /** True when the chains started from a previous fit's posterior (warmStart.ts). */
  warmStarted?: boolean;
  /** Why a requested warm start was not possible (the fit then started from scratch). */
  coldStartReason?: string;
  seconds: { optimize: number; sample: number; total: number };
}

export async function fitModel(
  model: MmmModel,
  recipe: ModelRecipe,
  opts: SampleOptions,
  executor: ChainExecutor,
  onProgress?: (p: ChainProgress) => void,
  warm?: WarmStart,
): Promise<Posterior> {
  const logDensity = (q: Float64Array, g: Float64Array) => model.logDensity(q, g);
  const t0 = performance.now();
  let coldStartReason: string | undefined;
  if (warm && opts.method === "nuts") {
    const plan = planWarmStart(model, warm, opts.chains, opts.metric);
    if ("inits" in plan) return warmFit(model, recipe, opts, executor, plan, t0, onProgress);
    coldStartReason = plan.reason;
  }
  const opt = maximize(logDensity, model.initialPoint());
  const approx = laplace(logDensity, opt.x);
  const t1 = performance.now();
  const mode = { x: opt.x, lp: opt.lp, iterations: opt.iterations, converged: opt.converged };

  if (opts.method === "fast") {
    const n = opts.chains * opts.draws;
    const u = laplaceDraws(approx, n, new Rng(`laplace:${opts.seed}`));
    const constrained = constrainDraws(model, u);
    const t2 = performance.now();
    return {
      method: "fast",
      approximate: true,
      names: model.names,
      dim: model.dim,
      constrained: [constrained],
      chains: [],
      mode,
      seconds: { optimize: (t1 - t0) / 1000, sample: (t2 - t1) / 1000, total: (t2 - t0) / 1000 },
    };
  }

  // chains start from distinct draws of the Laplace approximation, each with its own seed
  const initial =
    opts.metric === "dense"
      ? approx.covariance
      : Float64Array.from({ length: model.dim }, (_, i) => approx.covariance[i * model.dim + i]);
  const grad = new Float64Array(model.dim);
  const jobs: ChainJob[] = Array.from({ length: opts.chains }, (_, chain) => {
    const rng = new Rng(`init:${opts.seed}:${chain}`);
    let init = opt.x;
    for (let attempt = 0; attempt < 20; attempt++) {
      const candidate = laplaceDraws(approx, 1, rng);
      if (Number.isFinite(model.logDensity(candidate, grad))) {
        init = candidate;
        break;
      }
    }
    return {
      settings: settingsFor(opts, chain),
      init: Float64Array.from(init),
      initInverseMetric: Float64Array.from(initial),
    };
  });
  const posterior = posteriorOf(model, await executor.run(recipe, jobs, onProgress), mode, t0, t1);
  return coldStartReason ? { ...posterior, coldStartReason } : posterior;
}

function settingsFor(opts: SampleOptions, chain: number, initStepSize?: number): ChainJob["settings"] {
  return {
    chain,
    seed: opts.seed,
    warmup: opts.warmup,
    draws: opts.draws,
    metric: opts.metric,
    maxDepth: opts.maxDepth,
    adaptDelta: opts.adaptDelta,
    ...(initStepSize ? { initStepSize } : {}),
  };
}

/** Warm-up iterations before a warm chain's first metric window (a cold chain's is 75). */
const WARM_INIT_BUFFER = 25;

/** NUTS from a previous posterior (see warmStart.ts): no optimiser, no Laplace approximation. */
async function warmFit(
  model: MmmModel,
  recipe: ModelRecipe,
  opts: SampleOptions,
  executor: ChainExecutor,
  plan: WarmStartPlan,
  t0: number,
  onProgress?: (p: ChainProgress) => void,
): Promise<Posterior> {
  const jobs: ChainJob[] = plan.inits.map((init, chain) => ({
    // the chains start in the previous posterior's typical set: a short first buffer, then the metric windows
    settings: { ...settingsFor(opts, chain, plan.stepSize), initBuffer: WARM_INIT_BUFFER },
    init,
    initInverseMetric: Float64Array.from(plan.inverseMetric),
  }));
  const mode = { x: plan.best.u, lp: plan.best.lp, iterations: 0, converged: false };
  const chains = opts.stopAtBar
    ? await sampleUntilBar(model, recipe, executor, jobs, opts.draws, opts.stopAtBar, onProgress)
    : await executor.run(recipe, jobs, onProgress);
  return { ...posteriorOf(model, chains, mode, t0, t0), warmStarted: true };
}

/** The posterior of finished chains: their draws constrained, and the time taken. */
function posteriorOf(
  model: MmmModel,
  chains: ChainResult[],
  mode: Posterior["mode"],
  t0: number,
  t1: number,
): Posterior {
  const constrained = chains.map((c) => constrainDraws(model, c.draws));
  const t2 = performance.now();
  return {
    method: "nuts",
    approximate: false,
    names: model.names,
    dim: model.dim,
    constrained,
    chains,
    mode,
    seconds: { optimize: (t1 - t0) / 1000, sample: (t2 - t1) / 1000, total: (t2 - t0) / 1000 },
  };
}

/** All chains' constrained draws in one row-major array (draws × dim). */
export function pooledDraws(posterior: Posterior): Float64Array {
  const out = new Float64Array(posterior.constrained.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of posterior.constrained) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
