// Sampling until the diagnostics bar is met: a refit that starts warm (a monthly refresh) often
// reaches R̂ ≤ 1.01 and bulk and tail ESS ≥ 400 well before the draws a cold fit needs, so it
// samples a first segment, checks, and continues every chain where it stopped — same step size,
// same metric, a fresh random stream — one short segment at a time until the bar is met or the
// requested draws are reached. The bar is the one every fit is judged on; only the cost moves.

import type { MmmModel } from "../model/mmm.js";
import { type ChainProgress, type ChainResult, type ChainSettings, SAMPLER_STATS } from "./chain.js";
import { summariseParameter } from "./diagnostics.js";
import { type ChainExecutor, type ChainJob, constrainDraws, type ModelRecipe } from "./executor.js";

/** When to stop: the bar (Vehtari et al. 2021's thresholds) and the segment sizes. */
export interface StopAtBar {
  /** Draws per chain before the first check. */
  firstDraws: number;
  /** Draws per chain added at each further segment. */
  step: number;
  rhat: number;
  ess: number;
}

export const DEFAULT_STOP_AT_BAR: StopAtBar = { firstDraws: 200, step: 50, rhat: 1.01, ess: 400 };

const DIVERGENT = SAMPLER_STATS.indexOf("divergent__");

/** Every parameter's R̂ and bulk/tail ESS pass, on the constrained scale, and no draw diverged. */
export function meetsBar(model: MmmModel, chains: ChainResult[], bar: StopAtBar): boolean {
  const d = model.dim;
  for (const c of chains)
    for (let k = DIVERGENT; k < c.stats.length; k += SAMPLER_STATS.length) if (c.stats[k] !== 0) return false;
  const constrained = chains.map((c) => ({ n: c.draws.length / d, out: constrainDraws(model, c.draws) }));
  for (let j = 0; j < d; j++) {
    const columns = constrained.map(({ n, out }) =>
      Float64Array.from({ length: n }, (_, k) => out[k * d + j]),
    );
    const s = summariseParameter(columns);
    // a constant parameter has no R̂ or ESS, and needs none
    if (Number.isNaN(s.rhat) && s.sd === 0) continue;
    if (!(s.rhat <= bar.rhat && s.essBulk >= bar.ess && s.essTail >= bar.ess)) return false;
  }
  return true;
}

/** A chain with its next segment appended. */
function appendSegment(a: ChainResult, b: ChainResult): ChainResult {
  const join = (x: Float64Array, y: Float64Array) => {
    const out = new Float64Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    ...a,
    draws: join(a.draws, b.draws),
    stats: join(a.stats, b.stats),
    gradientEvaluations: a.gradientEvaluations + b.gradientEvaluations,
    samplingSeconds: a.samplingSeconds + b.warmupSeconds + b.samplingSeconds,
  };
}

/**
 * Runs `jobs` (warm-up and a first segment), then continues the chains in segments until the bar
 * is met or `maxDraws` per chain are drawn.
 */
export async function sampleUntilBar(
  model: MmmModel,
  recipe: ModelRecipe,
  executor: ChainExecutor,
  jobs: ChainJob[],
  maxDraws: number,
  bar: StopAtBar,
  onProgress?: (p: ChainProgress) => void,
): Promise<ChainResult[]> {
  const first = Math.min(maxDraws, bar.firstDraws);
  let chains = await executor.run(
    recipe,
    jobs.map((j) => ({ ...j, settings: { ...j.settings, draws: first } })),
    onProgress,
  );
  let drawn = first;
  for (let segment = 1; drawn < maxDraws && !meetsBar(model, chains, bar); segment++) {
    const step = Math.min(bar.step, maxDraws - drawn);
    const d = model.dim;
    const next: ChainJob[] = chains.map((c, i) => {
      const settings: ChainSettings = {
        ...jobs[i].settings,
        warmup: 0,
        draws: step,
        initStepSize: c.stepSize,
        segment,
      };
      return {
        settings,
        init: c.draws.slice(c.draws.length - d),
        initInverseMetric: Float64Array.from(c.inverseMetric),
      };
    });
    const more = await executor.run(recipe, next, onProgress);
    chains = chains.map((c, i) => appendSegment(c, more[i]));
    drawn += step;
  }
  return chains;
}
