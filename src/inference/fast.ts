// The fast approximate fit: posterior mode by L-BFGS (best of a few starts), then a Laplace
// approximation there, then draws from it. An approximation, not a substitute for NUTS (see fitFast).

import { Rng } from "../core/rng.js";
import { type LaplaceApproximation, type LaplaceOptions, laplace, laplaceDraws } from "./laplace.js";
import { type LbfgsOptions, type LbfgsResult, maximize } from "./lbfgs.js";
import type { LogDensity } from "./nuts.js";

export interface FastOptions {
  /** Number of approximate posterior draws. */
  draws: number;
  seed: number;
  /** Extra optimisations from jittered copies of x0 (default 0); the best mode is kept. */
  restarts?: number;
  /** Standard deviation of the restart jitter, in unconstrained units (default 1). */
  jitter?: number;
  lbfgs?: LbfgsOptions;
  laplace?: LaplaceOptions;
}

export interface OptimizerRun {
  start: number;
  lp: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
  gradNorm: number;
}

export interface FastResult {
  dim: number;
  /** The posterior mode on the unconstrained scale. */
  mode: Float64Array;
  /** log p at the mode (up to the model's constant). */
  lp: number;
  /** Approximate posterior draws on the unconstrained scale, row-major draws × dim. */
  draws: Float64Array;
  /** Laplace covariance, row-major dim×dim. */
  covariance: Float64Array;
  laplace: LaplaceApproximation;
  /** The run whose mode was kept. */
  optimizer: OptimizerRun;
  /** Every run, in start order (0 is x0 itself). */
  runs: OptimizerRun[];
  /** Log-density evaluations in total (all optimisations and the Hessian). */
  evaluations: number;
  seconds: number;
}

function gradNorm(r: LbfgsResult): number {
  let s = 0;
  for (let i = 0; i < r.grad.length; i++) s += r.grad[i] ** 2;
  return Math.sqrt(s);
}

/**
 * Approximate posterior: the mode of log p on the unconstrained scale, found by L-BFGS from `x0`
 * (and from `restarts` jittered copies; the highest log p wins, converged or not), and a
 * Gaussian there whose covariance is the inverse negative Hessian.
 *
 * This is an approximation. It is a Gaussian in the unconstrained space, so draws mapped back
 * through the bijectors are log-normal / logit-normal, but any skew, heavy tail, funnel or second
 * mode of the real posterior is lost, and the mode of the Jacobian-adjusted density is not the
 * posterior mean. Use it for quick looks, starting points and metric initialisation; report
 * NUTS results for decisions. `laplace.regularized` says when the curvature had to be patched
 * (the mode is flat or a saddle in some direction), in which case the spread is not trustworthy.
 */
export function fitFast(logDensity: LogDensity, x0: Float64Array, opts: FastOptions): FastResult {
  const t0 = performance.now();
  // separate streams, so the draws do not depend on how many restarts were made
  const rng = new Rng(opts.seed);
  const jitterRng = rng.fork("restarts");
  const drawRng = rng.fork("laplace-draws");
  const restarts = opts.restarts ?? 0;
  const jitter = opts.jitter ?? 1;
  const runs: OptimizerRun[] = [];
  let best: LbfgsResult | null = null;
  let bestRun: OptimizerRun | null = null;
  let evaluations = 0;
  const start = new Float64Array(x0.length);
  for (let r = 0; r <= restarts; r++) {
    for (let i = 0; i < x0.length; i++) start[i] = r === 0 ? x0[i] : x0[i] + jitter * jitterRng.normal();
    let res: LbfgsResult;
    try {
      res = maximize(logDensity, start, opts.lbfgs);
    } catch (e) {
      // a jittered start outside the support is skipped; the given start must be valid
      if (r === 0) throw e;
      continue;
    }
    evaluations += res.evaluations;
    const run: OptimizerRun = {
      start: r,
      lp: res.lp,
      iterations: res.iterations,
      evaluations: res.evaluations,
      converged: res.converged,
      message: res.message,
      gradNorm: gradNorm(res),
    };
    runs.push(run);
    if (best === null || res.lp > best.lp) {
      best = res;
      bestRun = run;
    }
  }
  if (best === null || bestRun === null) throw new Error("fitFast: no optimisation succeeded");
  const approx = laplace(logDensity, best.x, opts.laplace);
  evaluations += approx.evaluations;
  const draws = laplaceDraws(approx, opts.draws, drawRng);
  return {
    dim: x0.length,
    mode: best.x,
    lp: best.lp,
    draws,
    covariance: approx.covariance,
    laplace: approx,
    optimizer: bestRun,
    runs,
    evaluations,
    seconds: (performance.now() - t0) / 1000,
  };
}
