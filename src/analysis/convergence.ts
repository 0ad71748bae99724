// The convergence verdict of a fit: per-parameter summaries with R̂ and ESS, sampler health
// (divergences, tree depth, E-BFMI), and warnings in plain language with their remedies.

import { SAMPLER_STATS } from "../inference/chain.js";
import {
  type ParameterSummary,
  sampleDiagnostics,
  samplerStatsFromRows,
  summariseParameter,
} from "../inference/diagnostics.js";
import type { Posterior, SampleOptions } from "../inference/sample.js";
import type { ConvergenceReport } from "./fitSummary.js";

export interface ConvergenceResult {
  parameters: Record<string, ParameterSummary>;
  report: ConvergenceReport;
}

/** Splits each chain's row-major draws into one column per parameter. */
export function parameterColumns(posterior: Posterior, j: number): Float64Array[] {
  const d = posterior.dim;
  return posterior.constrained.map((draws) => {
    const n = draws.length / d;
    const col = new Float64Array(n);
    for (let k = 0; k < n; k++) col[k] = draws[k * d + j];
    return col;
  });
}

export function assessConvergence(posterior: Posterior, opts: SampleOptions): ConvergenceResult {
  const parameters: Record<string, ParameterSummary> = {};
  posterior.names.forEach((name, j) => {
    parameters[name] = summariseParameter(parameterColumns(posterior, j));
  });
  if (posterior.approximate) {
    return {
      parameters,
      report: {
        rhat_max: null,
        ess_bulk_min: null,
        ess_tail_min: null,
        divergences: 0,
        treedepth_saturated: 0,
        ebfmi_min: null,
        seconds: posterior.seconds.total,
        verdict: "approximate",
        warnings: [
          "Approximate fit (Laplace at the posterior mode): no MCMC diagnostics exist; confirm decisions with a full NUTS fit (--method nuts).",
        ],
      },
    };
  }
  const diag = sampleDiagnostics({
    chains: posterior.chains.map((c) => samplerStatsFromRows(c.stats, SAMPLER_STATS)),
    maxDepth: opts.maxDepth,
    parameters,
    positions: { names: posterior.names, draws: posterior.chains.map((c) => c.draws) },
  });
  return {
    parameters,
    report: {
      rhat_max: finiteOrNull(diag.maxRhat),
      ess_bulk_min: finiteOrNull(diag.minEssBulk),
      ess_tail_min: finiteOrNull(diag.minEssTail),
      divergences: diag.divergences,
      treedepth_saturated: diag.treedepthSaturated,
      ebfmi_min: finiteOrNull(Math.min(...diag.ebfmi.filter((v) => !Number.isNaN(v)))),
      seconds: posterior.seconds.total,
      verdict:
        diag.warnings.some((w) => w.severity === "error") || diag.warnings.length > 0 ? "warning" : "ok",
      warnings: diag.warnings.map((w) => w.message),
    },
  };
}

/** A diagnostic that does not exist (one chain, a constant parameter) is null, never NaN. */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
