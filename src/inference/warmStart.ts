// Warm starts: a refit of a model that was fitted before (a monthly refresh adds a few weeks)
// starts where the last posterior was instead of from scratch. Each chain starts at a draw of the
// previous posterior, spread across it, and the metric starts as the previous draws' covariance on
// the unconstrained scale; the optimiser and the Laplace approximation are skipped, and warm-up can
// be short because the windowed adaptation shrinks toward the metric in use (adaptation.ts).

import type { MmmModel } from "../model/mmm.js";

export interface WarmStart {
  /** The previous fit's parameter names, in its order. */
  names: string[];
  /** Its constrained draws, row-major (draws × names.length), chains one after another. */
  draws: Float64Array;
  /** Its adapted step sizes, one per chain, if known. */
  stepSizes?: number[];
}

export interface WarmStartPlan {
  /** One initial point per chain (unconstrained). */
  inits: Float64Array[];
  /** The previous draws' covariance (dense) or variances (diag), unconstrained. */
  inverseMetric: Float64Array;
  stepSize?: number;
  /** The previous draw with the highest log density under the new model. */
  best: { u: Float64Array; lp: number };
}

/**
 * The warm start for `model`, or the reason there is none (a parameter the previous fit did not
 * have, or too few usable draws), in which case the caller fits from scratch.
 */
export function planWarmStart(
  model: MmmModel,
  warm: WarmStart,
  chains: number,
  metric: "dense" | "diag",
): WarmStartPlan | { reason: string } {
  const index = new Map(warm.names.map((n, i) => [n, i]));
  const missing = model.names.filter((n) => !index.has(n));
  if (missing.length > 0)
    return {
      reason: `the previous fit has no ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""}`,
    };
  const d = model.dim;
  const D = warm.names.length;
  const S = Math.floor(warm.draws.length / D);
  const x = new Float64Array(d);
  const grad = new Float64Array(d);
  const usable: { u: Float64Array; lp: number }[] = [];
  for (let s = 0; s < S; s++) {
    for (let i = 0; i < d; i++) x[i] = warm.draws[s * D + (index.get(model.names[i]) as number)];
    const u = model.unconstrain(x);
    if (!u.every(Number.isFinite)) continue;
    const lp = model.logDensity(u, grad);
    if (Number.isFinite(lp)) usable.push({ u, lp });
  }
  if (usable.length < Math.max(2 * d, 4 * chains))
    return { reason: `only ${usable.length} of the previous fit's ${S} draws are valid under the new model` };
  // chains start at draws spread evenly over the previous posterior (chains were stored in turn)
  const inits = Array.from({ length: chains }, (_, c) =>
    Float64Array.from(usable[Math.floor(((c + 0.5) * usable.length) / chains)].u),
  );
  const inverseMetric = covariance(
    usable.map((p) => p.u),
    metric,
  );
  const best = usable.reduce((a, b) => (b.lp > a.lp ? b : a));
  const steps = (warm.stepSizes ?? []).filter((h) => h > 0 && Number.isFinite(h));
  return {
    inits,
    inverseMetric,
    ...(steps.length > 0 ? { stepSize: steps.reduce((a, b) => a + b, 0) / steps.length } : {}),
    best,
  };
}

function covariance(rows: Float64Array[], kind: "dense" | "diag"): Float64Array {
  const n = rows.length;
  const d = rows[0].length;
  const mean = new Float64Array(d);
  for (const r of rows) for (let i = 0; i < d; i++) mean[i] += r[i] / n;
  const out = new Float64Array(kind === "dense" ? d * d : d);
  for (const r of rows) {
    for (let i = 0; i < d; i++) {
      const di = r[i] - mean[i];
      if (kind === "diag") out[i] += (di * di) / (n - 1);
      else for (let j = 0; j <= i; j++) out[i * d + j] += (di * (r[j] - mean[j])) / (n - 1);
    }
  }
  if (kind === "dense")
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) out[j * d + i] = out[i * d + j];
  return out;
}
