// Posterior summaries of a quantity computed per draw: mean, median and the 90% interval, plus
// the probability of exceeding a threshold. Every decision metric goes through here, so it is
// always a summary of per-draw values, never a ratio of means.

import { quantile } from "../core/stats.js";

export interface Interval {
  mean: number;
  median: number;
  q05: number;
  q95: number;
}

export function summarise(draws: ArrayLike<number>): Interval {
  let s = 0;
  for (let i = 0; i < draws.length; i++) s += draws[i];
  return {
    mean: s / draws.length,
    median: quantile(draws, 0.5),
    q05: quantile(draws, 0.05),
    q95: quantile(draws, 0.95),
  };
}

/** Share of draws above `threshold`. */
export function probabilityAbove(draws: ArrayLike<number>, threshold: number): number {
  let k = 0;
  for (let i = 0; i < draws.length; i++) if (draws[i] > threshold) k++;
  return k / draws.length;
}

/**
 * Mean and 5/50/95% quantiles of draws under normalised weights (a reweighted posterior): the
 * smallest value whose cumulative weight reaches each level.
 */
export function weightedInterval(values: ArrayLike<number>, weights: ArrayLike<number>): Interval {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const q = (p: number) => {
    let c = 0;
    for (const i of order) {
      c += weights[i];
      if (c >= p) return values[i];
    }
    return values[order[order.length - 1]];
  };
  let mean = 0;
  for (let k = 0; k < values.length; k++) mean += weights[k] * values[k];
  return { mean, median: q(0.5), q05: q(0.05), q95: q(0.95) };
}
