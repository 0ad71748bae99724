// PSIS-LOO: expected out-of-sample predictive accuracy (elpd_loo, p_loo, LOOIC) from a pointwise
// log-likelihood matrix, with Pareto-k diagnostics in plain language; agrees with R's loo 2.5.1.

import { accurateSum, accurateVariance } from "../core/accurate.js";
import { MmmError } from "../core/errors.js";
import { normalQuantile } from "../core/quantileFunctions.js";
import { essBasic } from "../inference/diagnostics.js";
import {
  logSumExp,
  type ParetoTailStatus,
  PsisWorkspace,
  paretoTailLength,
  psisSmoothColumn,
} from "./looPareto.js";

export {
  compareModels,
  type ModelComparisonRow,
  type ModelElpd,
  stackingWeights,
} from "./looCompare.js";
export { gpdFit, gpdQuantile, type ParetoTailStatus, paretoTailLength } from "./looPareto.js";

export interface PsisLooOptions {
  /**
   * Chain of each draw (row of the matrix); any integer labels, every chain the same length.
   * r_eff is then computed per observation as loo::relative_eff(exp(log_lik), chain_id) does.
   */
  chainIds?: Int32Array;
  /** Relative efficiency ESS/S of exp(log-lik), one per observation. Default 1 (independent draws). */
  r_eff?: Float64Array;
  /** What one observation is, for the messages: "week", "geo-week"… Default "observation". */
  unit?: string;
  /** A label per observation for the messages (e.g. week start dates); default "week 12" style. */
  labels?: readonly string[];
}

export interface PsisLooPointwise {
  /** elpd_loo_i = log p(y_i | y_−i), estimated by PSIS. */
  elpd: Float64Array;
  /** lpd_i − elpd_loo_i: how much observation i's own fit flatters it (effective parameters). */
  pLoo: Float64Array;
  looic: Float64Array;
  paretoK: Float64Array;
  /** Monte Carlo SE of elpd_loo_i (loo's mcse_elpd_loo). */
  mcse: Float64Array;
  /** PSIS effective sample size r_eff / Σ w², w the normalised weights. */
  nEff: Float64Array;
  rEff: Float64Array;
  tailLength: Int32Array;
  status: ParetoTailStatus[];
}

/** Counts of k in loo's bands: (−∞, 0.5] good, (0.5, 0.7] ok, (0.7, 1] bad, (1, ∞) very bad. */
export interface ParetoKCounts {
  good: number;
  ok: number;
  bad: number;
  veryBad: number;
}

export type LooWarningKind =
  | "pareto_k_high"
  | "pareto_k_slightly_high"
  | "tail_too_short"
  | "pareto_fit_undefined";

export interface LooWarning {
  kind: LooWarningKind;
  /** "error": elpd_loo is unreliable for these observations; "warning": usable, less precise. */
  severity: "error" | "warning";
  message: string;
  /** 0-based indices of the observations concerned. */
  observations: number[];
}

export interface PsisLooResult {
  draws: number;
  observations: number;
  /** elpd_loo = Σ_i elpd_loo_i, and its SE √n·sd(elpd_loo_i). */
  elpd: number;
  se: number;
  /** p_loo, the effective number of parameters, and its SE. */
  pLoo: number;
  sePLoo: number;
  /** LOOIC = −2·elpd_loo (deviance scale), and its SE. */
  looic: number;
  seLooic: number;
  /** Monte Carlo SE of elpd_loo, √Σ mcse_i²; NaN when some k > 0.7 (loo prints NA then). */
  mcse: number;
  pointwise: PsisLooPointwise;
  counts: ParetoKCounts;
  warnings: LooWarning[];
}

function checkShape(logLik: Float64Array, draws: number, observations: number, where: string): void {
  if (!Number.isInteger(draws) || !Number.isInteger(observations) || draws < 2 || observations < 1)
    throw new MmmError(
      "loo_shape",
      `${where}: need at least 2 draws and 1 observation (got ${draws} × ${observations})`,
    );
  if (logLik.length !== draws * observations)
    throw new MmmError(
      "loo_shape",
      `${where}: log-likelihood has ${logLik.length} values, expected draws × observations = ${draws * observations}`,
      {},
      "pass the matrix row-major, one row per draw and one column per observation",
    );
  for (let j = 0; j < logLik.length; j++) {
    if (!Number.isFinite(logLik[j])) {
      const s = Math.floor(j / observations);
      throw new MmmError(
        "loo_non_finite",
        `${where}: log-likelihood of observation ${(j % observations) + 1} at draw ${s + 1} is ${logLik[j]}`,
        {},
        "every pointwise log-likelihood must be finite; an observation impossible under some draw means the " +
          "likelihood or the data are wrong there (check for zero or negative values under a log link)",
      );
    }
  }
}

/**
 * loo::relative_eff(exp(log_lik), chain_id): per observation, the ESS of the likelihood draws
 * (multi-chain, Geyer's monotone sequence, chains not split, no rank normalisation) divided by S.
 * Uses essBasic(…, split = false); the likelihood is scaled by exp(−max) first, which leaves the
 * ESS unchanged and keeps exp from underflowing. An observation whose likelihood is constant has
 * no defined ESS and gets r_eff = 1 (loo's own estimator returns 0.5 there). Equal to loo's value
 * when the chain length is 2^a·3^b·5^c (250, 500, 1000…); otherwise loo's autocovariance carries a
 * stray factor nextn(N)/N and the two differ by ~2e-4 relative.
 */
export function relativeEff(
  logLik: Float64Array,
  draws: number,
  observations: number,
  chainIds: Int32Array,
): Float64Array {
  checkShape(logLik, draws, observations, "relativeEff");
  if (chainIds.length !== draws)
    throw new MmmError("loo_chains", `relativeEff: ${chainIds.length} chain ids for ${draws} draws`);
  const labels = [...new Set(chainIds)].sort((a, b) => a - b);
  const chainOf = new Map(labels.map((id, c) => [id, c]));
  const counts = new Array<number>(labels.length).fill(0);
  for (const id of chainIds) counts[chainOf.get(id)!]++;
  if (counts.some((c) => c !== counts[0]))
    throw new MmmError(
      "loo_chains",
      `relativeEff: chains have different lengths (${counts.join(", ")})`,
      {},
      "keep the same number of post-warm-up draws from every chain",
    );
  const chains = labels.map(() => new Float64Array(counts[0]));
  const chainIndex = new Int32Array(draws);
  const position = new Int32Array(draws);
  counts.fill(0);
  for (let s = 0; s < draws; s++) {
    const c = chainOf.get(chainIds[s])!;
    chainIndex[s] = c;
    position[s] = counts[c]++;
  }
  const out = new Float64Array(observations);
  for (let i = 0; i < observations; i++) {
    let top = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < draws; s++) top = Math.max(top, logLik[s * observations + i]);
    for (let s = 0; s < draws; s++)
      chains[chainIndex[s]][position[s]] = Math.exp(logLik[s * observations + i] - top);
    const r = essBasic(chains, false) / draws;
    out[i] = Number.isFinite(r) ? r : 1;
  }
  return out;
}

// loo's mcse_elpd draws 1000 normal quantiles at Blom's plotting positions (r − 3/8)/(S − 3/4 + 1).
const MCSE_POINTS = 1000;
let mcseQuantiles: Float64Array | undefined;
function mcseNormalQuantiles(): Float64Array {
  if (!mcseQuantiles) {
    mcseQuantiles = new Float64Array(MCSE_POINTS);
    for (let r = 1; r <= MCSE_POINTS; r++)
      mcseQuantiles[r - 1] = normalQuantile((r - 3 / 8) / (MCSE_POINTS - 2 * (3 / 8) + 1));
  }
  return mcseQuantiles;
}

/**
 * PSIS-LOO of a row-major draws × observations matrix of pointwise log-likelihoods, as
 * loo::loo.matrix in loo 2.5.1: log ratios −log p(y_i | θ_s), Pareto smoothing of the largest
 * ⌈min(0.2·S, 3·√(S/r_eff))⌉ of them (psisSmoothColumn), truncation at the largest raw weight,
 * normalisation; then elpd_loo_i = log Σ_s w_s p(y_i | θ_s), p_loo_i = lpd_i − elpd_loo_i, and
 * totals with SE √n·sd(pointwise). Work is O(S log S) per observation, in reused buffers.
 */
export function psisLoo(
  logLik: Float64Array,
  draws: number,
  observations: number,
  opts: PsisLooOptions = {},
): PsisLooResult {
  checkShape(logLik, draws, observations, "psisLoo");
  if (opts.chainIds && opts.r_eff)
    throw new MmmError("loo_r_eff", "psisLoo: pass either chainIds or r_eff, not both");
  const rEff = opts.r_eff
    ? Float64Array.from(opts.r_eff)
    : opts.chainIds
      ? relativeEff(logLik, draws, observations, opts.chainIds)
      : new Float64Array(observations).fill(1);
  if (rEff.length !== observations || rEff.some((r) => !(r > 0 && Number.isFinite(r))))
    throw new MmmError(
      "loo_r_eff",
      `psisLoo: r_eff must hold ${observations} positive finite values (got ${rEff.length})`,
    );
  const s = draws;
  const n = observations;
  const pw: PsisLooPointwise = {
    elpd: new Float64Array(n),
    pLoo: new Float64Array(n),
    looic: new Float64Array(n),
    paretoK: new Float64Array(n),
    mcse: new Float64Array(n),
    nEff: new Float64Array(n),
    rEff,
    tailLength: new Int32Array(n),
    status: [],
  };
  let maxTail = 0;
  for (let i = 0; i < n; i++) {
    pw.tailLength[i] = paretoTailLength(rEff[i], s);
    maxTail = Math.max(maxTail, pw.tailLength[i]);
  }
  const ws = new PsisWorkspace(s, maxTail);
  const ll = new Float64Array(s);
  const lw = new Float64Array(s);
  const tmp = new Float64Array(Math.max(s, MCSE_POINTS));
  const zn = mcseNormalQuantiles();
  const logS = Math.log(s);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < s; d++) ll[d] = logLik[d * n + i];
    // Log importance ratios of leaving y_i out, log 1/p(y_i | θ_s), smoothed in place.
    for (let d = 0; d < s; d++) lw[d] = -ll[d];
    const { k, status } = psisSmoothColumn(lw, pw.tailLength[i], lw, ws);
    pw.paretoK[i] = k;
    pw.status.push(status);
    const norm = logSumExp(lw);
    for (let d = 0; d < s; d++) lw[d] -= norm;
    for (let d = 0; d < s; d++) tmp[d] = ll[d] + lw[d];
    const elpd = logSumExp(tmp, s);
    pw.elpd[i] = elpd;
    pw.pLoo[i] = logSumExp(ll) - logS - elpd;
    pw.looic[i] = -2 * elpd;
    for (let d = 0; d < s; d++) {
      const w = Math.exp(lw[d]);
      tmp[d] = w * w;
    }
    pw.nEff[i] = (1 / accurateSum(tmp, s)) * rEff[i];
    pw.mcse[i] = mcseElpd(ll, lw, elpd, rEff[i], zn, tmp);
  }
  const se = (xs: Float64Array): number => Math.sqrt(n * accurateVariance(xs));
  const counts: ParetoKCounts = { good: 0, ok: 0, bad: 0, veryBad: 0 };
  for (const k of pw.paretoK) {
    if (k <= 0.5) counts.good++;
    else if (k <= 0.7) counts.ok++;
    else if (k <= 1) counts.bad++;
    else counts.veryBad++;
  }
  let mcse = Number.NaN;
  if (counts.bad + counts.veryBad === 0) {
    for (let i = 0; i < n; i++) tmp[i] = pw.mcse[i] * pw.mcse[i];
    mcse = Math.sqrt(accurateSum(tmp, n));
  }
  return {
    draws: s,
    observations: n,
    elpd: accurateSum(pw.elpd),
    se: se(pw.elpd),
    pLoo: accurateSum(pw.pLoo),
    sePLoo: se(pw.pLoo),
    looic: accurateSum(pw.looic),
    seLooic: se(pw.looic),
    mcse,
    pointwise: pw,
    counts,
    warnings: looWarnings(pw, s, opts),
  };
}

/**
 * loo's mcse_elpd: the sd of the self-normalised IS estimate of p(y_i | y_−i) turned into one of its
 * log by a normal approximation evaluated at 1000 fixed quantiles, deflated by r_eff. Computed on
 * the likelihood scaled by exp(−max log-lik), which cancels in the variance of the log but keeps exp
 * from underflowing (loo returns NA when every exp(log-lik) underflows to 0).
 */
function mcseElpd(
  ll: Float64Array,
  lw: Float64Array,
  elpd: number,
  rEff: number,
  zn: Float64Array,
  tmp: Float64Array,
): number {
  const s = ll.length;
  let top = Number.NEGATIVE_INFINITY;
  for (let d = 0; d < s; d++) top = Math.max(top, ll[d]);
  const epd = Math.exp(elpd - top);
  for (let d = 0; d < s; d++) {
    const w = Math.exp(lw[d]);
    const dev = Math.exp(ll[d] - top) - epd;
    tmp[d] = w * w * dev * dev;
  }
  const sd = Math.sqrt(accurateSum(tmp, s));
  let m = 0;
  for (let r = 0; r < zn.length; r++) {
    const z = epd + sd * zn[r];
    if (z > 0) tmp[m++] = Math.log(z);
  }
  return Math.sqrt(accurateVariance(tmp, m) / rEff);
}

function listObservations(indices: number[], opts: PsisLooOptions): string {
  const unit = opts.unit ?? "observation";
  const name = (i: number): string => opts.labels?.[i] ?? `${unit} ${i + 1}`;
  const shown = indices.slice(0, 10).map(name).join(", ");
  return indices.length > 10 ? `${shown}, … ${indices.length - 10} more` : shown;
}

function countOf(count: number, opts: PsisLooOptions): string {
  const unit = opts.unit ?? "observation";
  return `${count} ${count === 1 ? unit : `${unit}s`}`;
}

/** Plain-language diagnostics: what each problem means for the estimate and what to do. */
function looWarnings(pw: PsisLooPointwise, draws: number, opts: PsisLooOptions): LooWarning[] {
  const warnings: LooWarning[] = [];
  const pick = (test: (i: number) => boolean): number[] => pw.status.flatMap((_, i) => (test(i) ? [i] : []));
  const short = pick((i) => pw.status[i] === "tail_too_short");
  const undefinedFit = pick((i) => pw.status[i] === "tail_constant" || pw.status[i] === "fit_failed");
  const smoothed = (i: number): boolean => pw.status[i] === "smoothed";
  const high = pick((i) => smoothed(i) && pw.paretoK[i] > 0.7);
  const veryHigh = high.filter((i) => pw.paretoK[i] > 1).length;
  const slightly = pick((i) => smoothed(i) && pw.paretoK[i] > 0.5 && pw.paretoK[i] <= 0.7);
  const their = (count: number): string => (count === 1 ? "it" : "them");
  if (short.length > 0) {
    warnings.push({
      kind: "tail_too_short",
      severity: "error",
      observations: short,
      message:
        `only ${draws} draws: the Pareto tail would hold fewer than 5 draws for ${countOf(short.length, opts)}, ` +
        `so the weights cannot be smoothed (k reported as Inf, as loo does) and elpd_loo is plain importance ` +
        `sampling; run more draws (a few hundred at least)`,
    });
  }
  if (high.length > 0) {
    const also = veryHigh > 0 ? `, ${veryHigh} of them above 1` : "";
    warnings.push({
      kind: "pareto_k_high",
      severity: "error",
      observations: high,
      message:
        `k > 0.7 for ${countOf(high.length, opts)}${also} (${listObservations(high, opts)}): PSIS-LOO is ` +
        `unreliable for ${their(high.length)} and elpd_loo is likely too optimistic; ` +
        `${high.length === 1 ? "that observation is" : "those observations are"} highly influential — check for ` +
        `outliers or a misspecified model, or use K-fold CV`,
    });
  }
  if (slightly.length > 0) {
    warnings.push({
      kind: "pareto_k_slightly_high",
      severity: "warning",
      observations: slightly,
      message:
        `k in (0.5, 0.7] for ${countOf(slightly.length, opts)} (${listObservations(slightly, opts)}): ` +
        `PSIS-LOO is still usable for ${their(slightly.length)}, with a larger Monte Carlo error; ` +
        `more draws make it more precise`,
    });
  }
  if (undefinedFit.length > 0) {
    warnings.push({
      kind: "pareto_fit_undefined",
      severity: "warning",
      observations: undefinedFit,
      message:
        `the largest importance ratios are tied for ${countOf(undefinedFit.length, opts)} ` +
        `(${listObservations(undefinedFit, opts)}), so no Pareto tail can be fitted (k reported as Inf, as loo ` +
        `does) and the raw weights are used; this happens when the log-likelihood takes few distinct values ` +
        `across draws (constant or rounded) — check how it is computed`,
    });
  }
  return warnings;
}
