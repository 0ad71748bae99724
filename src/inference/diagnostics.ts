// MCMC convergence diagnostics of Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021), matching
// R's posterior 1.4.0: rank-normalised split-R̂, bulk/tail ESS, MCSE, plus E-BFMI and sampler warnings.

import { accurateMean, accurateVariance } from "../core/accurate.js";
import { fftInPlace, nextPowerOfTwo } from "../core/fft.js";
import { betaQuantile, normalQuantile } from "../core/quantileFunctions.js";

/** Draws of one scalar quantity: one Float64Array per chain, all of equal length. */
export type Chains = readonly Float64Array[];

const DOUBLE_EPS = 2.220446049250313e-16; // R's .Machine$double.eps, posterior's constancy tolerance

function pool(chains: Chains): Float64Array {
  let total = 0;
  for (const c of chains) total += c.length;
  const out = new Float64Array(total);
  let o = 0;
  for (const c of chains) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function anyNaN(xs: Float64Array): boolean {
  for (let i = 0; i < xs.length; i++) if (Number.isNaN(xs[i])) return true;
  return false;
}

/** posterior's should_return_NA: any NaN/±Inf, or all values within double.eps of each other. */
function shouldReturnNaN(columns: Chains): boolean {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const c of columns) {
    for (let i = 0; i < c.length; i++) {
      const x = c[i];
      if (!Number.isFinite(x)) return true;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return !(hi - lo >= DOUBLE_EPS);
}

/** posterior stores draws as an iterations × chains matrix, so ragged chains have no meaning. */
function assertEqualLengths(columns: Chains): void {
  for (const c of columns) {
    if (c.length !== columns[0].length) {
      throw new Error(
        `diagnostics: chains must have equal length (got ${columns.map((x) => x.length).join(", ")})`,
      );
    }
  }
}

/** R's quantile type 7 on sorted draws, with R's exact interpolation arithmetic. */
function sortedQuantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(sorted[n - 1])) return Number.NaN;
  const index = 1 + Math.max(n - 1, 0) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const qs = sorted[lo - 1];
  const xhi = sorted[hi - 1];
  if (index > lo && xhi !== qs) {
    const h = index - lo;
    return (1 - h) * qs + h * xhi;
  }
  return qs;
}

/** Pooled draws sorted ascending (typed-array sort is numeric and puts NaN last). */
function sortedDraws(chains: Chains): Float64Array {
  return pool(chains).sort();
}

// ---------------------------------------------------------------------------------------------
// Building blocks, exported so callers (and tests) can reuse them.

/** Split each chain into its first and second half; with an odd length the middle draw is dropped. */
export function splitChains(chains: Chains): Float64Array[] {
  const out: Float64Array[] = [];
  for (const c of chains) {
    const n = c.length;
    if (n === 1) {
      out.push(c);
      continue;
    }
    const half = n / 2;
    out.push(c.subarray(0, Math.floor(half)), c.subarray(Math.ceil(half + 1) - 1, n));
  }
  return out;
}

/** Average ranks (1-based, ties share the mean rank) of the values; NaN stays NaN. */
export function averageRanks(values: Float64Array): Float64Array {
  const sorted = Float64Array.from(values).sort();
  let finiteEnd = sorted.length;
  while (finiteEnd > 0 && Number.isNaN(sorted[finiteEnd - 1])) finiteEnd--;
  // runEnd[i]: one past the last sorted position holding the same value as position i.
  const runEnd = new Uint32Array(finiteEnd);
  for (let i = finiteEnd - 1; i >= 0; i--)
    runEnd[i] = i + 1 < finiteEnd && sorted[i + 1] === sorted[i] ? runEnd[i + 1] : i + 1;
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      ranks[i] = Number.NaN;
      continue;
    }
    let a = 0;
    let b = finiteEnd;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (sorted[m] < v) a = m + 1;
      else b = m;
    }
    // Ties occupy sorted positions [a, runEnd[a]); their average 1-based rank is (a + 1 + runEnd[a]) / 2.
    ranks[i] = (a + 1 + runEnd[a]) / 2;
  }
  return ranks;
}

/**
 * Rank normalisation: pooled average ranks r → Φ⁻¹((r − 3/8) / (S − 3/4 + 1)) (Blom's offset),
 * returned in the same chain layout. It makes R̂ and ESS well defined for heavy tails.
 */
export function zScale(columns: Chains): Float64Array[] {
  const pooled = pool(columns);
  const ranks = averageRanks(pooled);
  const s = pooled.length;
  const denom = s - 2 * 0.375 + 1;
  const out: Float64Array[] = [];
  let o = 0;
  for (const c of columns) {
    const z = new Float64Array(c.length);
    for (let i = 0; i < c.length; i++) z[i] = normalQuantile((ranks[o + i] - 0.375) / denom);
    out.push(z);
    o += c.length;
  }
  return out;
}

/**
 * Biased (1/N) autocovariance at lags 0…N−1 via a zero-padded FFT, as posterior's autocovariance;
 * a constant series gives all zeros.
 */
export function autocovariance(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const mean = accurateMean(x);
  const varx = accurateVariance(x, x.length, mean);
  if (!(varx !== 0)) return out;
  // Padding to ≥ 2N makes the circular correlation equal the linear one (R pads to 2·nextn(N)).
  const m = nextPowerOfTwo(2 * n);
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  for (let i = 0; i < n; i++) re[i] = x[i] - mean;
  fftInPlace(re, im);
  for (let k = 0; k < m; k++) {
    re[k] = re[k] * re[k] + im[k] * im[k];
    im[k] = 0;
  }
  fftInPlace(re, im, true);
  const scale = (varx * (n - 1)) / n / re[0];
  for (let t = 0; t < n; t++) out[t] = re[t] * scale;
  return out;
}

/**
 * Mean over columns of their biased autocovariances, Σ_i y_i y_{i+t} / N with y centred per column.
 * Equal to averaging posterior's per-chain autocovariance, but cheaper: two real columns share one
 * complex FFT (as real and imaginary part), and because only the sum of power spectra is needed,
 * |X_j|² + |Y_j|² = (|Z_j|² + |Z_{−j}|²)/2 needs no unpacking; one inverse FFT then serves all.
 * A constant column centres to zeros and contributes nothing, as posterior's zero autocovariance.
 */
function meanAutocovariance(columns: Chains, means: Float64Array): Float64Array {
  const n = columns[0].length;
  const size = nextPowerOfTwo(2 * n);
  const power = new Float64Array(size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let k = 0; k < columns.length; k += 2) {
    re.fill(0);
    im.fill(0);
    const a = columns[k];
    for (let i = 0; i < n; i++) re[i] = a[i] - means[k];
    if (k + 1 < columns.length) {
      const b = columns[k + 1];
      for (let i = 0; i < n; i++) im[i] = b[i] - means[k + 1];
    }
    fftInPlace(re, im);
    for (let j = 0; j < size; j++) {
      const r = (size - j) & (size - 1);
      power[j] += 0.5 * (re[j] * re[j] + im[j] * im[j] + re[r] * re[r] + im[r] * im[r]);
    }
  }
  im.fill(0);
  fftInPlace(power, im, true);
  const out = new Float64Array(n);
  const scale = 1 / (size * n * columns.length);
  for (let t = 0; t < n; t++) out[t] = power[t] * scale;
  return out;
}

/**
 * ESS of already-split (and possibly rank-normalised) columns: the multi-chain autocorrelation
 * estimate with Geyer's initial positive and monotone sequences, capped at S·log10(S) (posterior's
 * internal .ess). NaN for fewer than 3 draws per column, non-finite or constant draws.
 */
export function essFromColumns(columns: Chains): number {
  const nChains = columns.length;
  const n = nChains > 0 ? columns[0].length : 0;
  assertEqualLengths(columns);
  if (n < 3 || shouldReturnNaN(columns)) return Number.NaN;
  const chainMeans = new Float64Array(nChains);
  for (let k = 0; k < nChains; k++) chainMeans[k] = accurateMean(columns[k]);
  const acovMeans = meanAutocovariance(columns, chainMeans);
  const meanVar = (acovMeans[0] * n) / (n - 1);
  let varPlus = (meanVar * (n - 1)) / n;
  if (nChains > 1) varPlus += accurateVariance(chainMeans);
  // Autocorrelations combined across chains; pairs (even, odd) summed as in Geyer (1992).
  const rho = new Float64Array(n);
  let t = 0;
  let rhoEven = 1;
  rho[0] = rhoEven;
  let rhoOdd = 1 - (meanVar - acovMeans[1]) / varPlus;
  rho[1] = rhoOdd;
  while (t < n - 5 && !Number.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
    t += 2;
    rhoEven = 1 - (meanVar - acovMeans[t]) / varPlus;
    rhoOdd = 1 - (meanVar - acovMeans[t + 1]) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t] = rhoEven;
      rho[t + 1] = rhoOdd;
    }
  }
  const maxT = t;
  // posterior keeps the last positive even lag even though its pair sum went negative.
  if (rhoEven > 0) rho[maxT] = rhoEven;
  // Initial monotone sequence: pair sums may not increase.
  t = 0;
  while (t <= maxT - 4) {
    t += 2;
    if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
      rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
      rho[t + 1] = rho[t];
    }
  }
  const total = nChains * n;
  // R's sum(rho[1:max_t]) with max_t = 0 is rho[1] (1:0 counts down), i.e. our rho[0].
  let sumRho = 0;
  if (maxT === 0) sumRho = rho[0];
  else for (let i = 0; i < maxT; i++) sumRho += rho[i];
  let tau = -1 + 2 * sumRho + rho[maxT];
  // Antithetic chains can make tau tiny; the bound keeps ESS ≤ S·log10(S).
  tau = Math.max(tau, 1 / Math.log10(total));
  return total / tau;
}

/** Gelman–Rubin potential scale reduction of the given columns (no splitting, no ranks). */
export function rhatFromColumns(columns: Chains): number {
  assertEqualLengths(columns);
  if (columns.length === 0 || shouldReturnNaN(columns)) return Number.NaN;
  const n = columns[0].length;
  const chainMeans = new Float64Array(columns.length);
  const chainVars = new Float64Array(columns.length);
  for (let k = 0; k < columns.length; k++) {
    chainMeans[k] = accurateMean(columns[k]);
    chainVars[k] = accurateVariance(columns[k], columns[k].length, chainMeans[k]);
  }
  const varBetween = n * accurateVariance(chainMeans);
  const varWithin = accurateMean(chainVars);
  return Math.sqrt((varBetween / varWithin + n - 1) / n);
}

// ---------------------------------------------------------------------------------------------
// R̂

/** |x − median(x)| over all draws, kept in chain layout: the "folded" draws that probe the tails. */
function foldDraws(chains: Chains, sorted: Float64Array): Float64Array[] {
  const med = sortedQuantile(sorted, 0.5);
  return chains.map((c) => c.map((x) => Math.abs(x - med)));
}

/** Rank-normalised split-R̂ of the draws themselves (posterior's bulk R̂). */
export function rhatBulk(chains: Chains): number {
  return rhatFromColumns(zScale(splitChains(chains)));
}

/** Rank-normalised split-R̂ of the folded draws (posterior's tail R̂). */
export function rhatTail(chains: Chains): number {
  if (anyNaN(pool(chains))) return Number.NaN;
  return rhatFromColumns(zScale(splitChains(foldDraws(chains, sortedDraws(chains)))));
}

/** posterior::rhat: max(bulk, tail) rank-normalised split-R̂; NaN if either is undefined. */
export function rhat(chains: Chains): number {
  const bulk = rhatBulk(chains);
  const tail = rhatTail(chains);
  return Number.isNaN(bulk) || Number.isNaN(tail) ? Number.NaN : Math.max(bulk, tail);
}

/** posterior::rhat_basic: classic (split by default) R̂ without rank normalisation. */
export function rhatBasic(chains: Chains, split = true): number {
  return rhatFromColumns(split ? splitChains(chains) : chains);
}

// ---------------------------------------------------------------------------------------------
// ESS

/** posterior::ess_bulk: ESS of the rank-normalised split chains (for means and medians). */
export function essBulk(chains: Chains): number {
  return essFromColumns(zScale(splitChains(chains)));
}

/** posterior::ess_basic: ESS of the raw (split by default) chains. */
export function essBasic(chains: Chains, split = true): number {
  return essFromColumns(split ? splitChains(chains) : chains);
}

/** posterior::ess_mean: split ESS of the raw draws, the one that sets the MCSE of the mean. */
export function essMean(chains: Chains): number {
  return essFromColumns(splitChains(chains));
}

/** posterior::ess_sd (1.4.0): split ESS of |x − mean(x)|. */
export function essSd(chains: Chains): number {
  const m = accurateMean(pool(chains));
  return essFromColumns(splitChains(chains.map((c) => c.map((x) => Math.abs(x - m)))));
}

function essQuantileSorted(chains: Chains, sorted: Float64Array, p: number): number {
  if (shouldReturnNaN(chains)) return Number.NaN;
  const len = sorted.length;
  const prob = p === 1 ? (len - 0.5) / len : p;
  const q = sortedQuantile(sorted, prob);
  const indicators = chains.map((c) => c.map((x) => (x <= q ? 1 : 0)));
  return essFromColumns(splitChains(indicators));
}

/** posterior::ess_quantile: split ESS of the indicator 1{x ≤ q_p}. */
export function essQuantile(chains: Chains, p: number): number {
  return essQuantileSorted(chains, sortedDraws(chains), p);
}

/** posterior::ess_tail: the smaller of the 5% and 95% quantile ESS (for interval ends). */
export function essTail(chains: Chains): number {
  const sorted = sortedDraws(chains);
  const lo = essQuantileSorted(chains, sorted, 0.05);
  const hi = essQuantileSorted(chains, sorted, 0.95);
  return Number.isNaN(lo) || Number.isNaN(hi) ? Number.NaN : Math.min(lo, hi);
}

// ---------------------------------------------------------------------------------------------
// Quantiles and Monte Carlo standard errors

/** Quantile of all draws pooled (R type 7, posterior::quantile2); NaN if any draw is NaN. */
export function drawQuantile(chains: Chains, p: number): number {
  return sortedQuantile(sortedDraws(chains), p);
}

/** posterior::mcse_mean: sd / √ess_mean. */
export function mcseMean(chains: Chains): number {
  return Math.sqrt(accurateVariance(pool(chains))) / Math.sqrt(essMean(chains));
}

/** posterior::mcse_sd (1.4.0): delta method on the variance with the ESS of the squared deviations. */
export function mcseSd(chains: Chains): number {
  const m = accurateMean(pool(chains));
  const sq = chains.map((c) => c.map((x) => (x - m) ** 2));
  const ess = essMean(sq);
  const sq2 = pool(sq);
  const evar = accurateMean(sq2);
  const fourth = accurateMean(sq2.map((x) => x * x));
  const varvar = (fourth - evar * evar) / ess;
  return Math.sqrt(varvar / evar / 4);
}

function mcseQuantileSorted(chains: Chains, sorted: Float64Array, p: number): number {
  const ess = essQuantileSorted(chains, sorted, p);
  if (Number.isNaN(ess)) return Number.NaN;
  // ±1 sd of a Beta(ess·p + 1, ess·(1 − p) + 1) posterior for the quantile's probability, mapped
  // back through the empirical quantile function; the constants are posterior's Φ(∓1).
  const a1 = betaQuantile(0.1586553, ess * p + 1, ess * (1 - p) + 1);
  const a2 = betaQuantile(0.8413447, ess * p + 1, ess * (1 - p) + 1);
  const s = sorted.length;
  const th1 = sorted[Math.max(Math.floor(a1 * s), 1) - 1];
  const th2 = sorted[Math.min(Math.ceil(a2 * s), s) - 1];
  return (th2 - th1) / 2;
}

/** posterior::mcse_quantile (1.4.0) for one probability p. */
export function mcseQuantile(chains: Chains, p: number): number {
  return mcseQuantileSorted(chains, sortedDraws(chains), p);
}

// ---------------------------------------------------------------------------------------------
// Summaries

export interface ParameterSummary {
  mean: number;
  sd: number;
  q05: number;
  q50: number;
  q95: number;
  rhat: number;
  essBulk: number;
  essTail: number;
  mcseMean: number;
}

/** The usual posterior summary row, sharing the sort and the rank normalisation between measures. */
export function summariseParameter(chains: Chains): ParameterSummary {
  const pooled = pool(chains);
  const sorted = Float64Array.from(pooled).sort();
  const hasNaN = Number.isNaN(sorted[sorted.length - 1]);
  const bulkZ = zScale(splitChains(chains));
  const bulkRhat = rhatFromColumns(bulkZ);
  const tailRhat = hasNaN ? Number.NaN : rhatFromColumns(zScale(splitChains(foldDraws(chains, sorted))));
  const lo = essQuantileSorted(chains, sorted, 0.05);
  const hi = essQuantileSorted(chains, sorted, 0.95);
  const mean = accurateMean(pooled);
  const sd = Math.sqrt(accurateVariance(pooled, pooled.length, mean));
  return {
    mean,
    sd,
    q05: sortedQuantile(sorted, 0.05),
    q50: sortedQuantile(sorted, 0.5),
    q95: sortedQuantile(sorted, 0.95),
    rhat: Number.isNaN(bulkRhat) || Number.isNaN(tailRhat) ? Number.NaN : Math.max(bulkRhat, tailRhat),
    essBulk: essFromColumns(bulkZ),
    essTail: Number.isNaN(lo) || Number.isNaN(hi) ? Number.NaN : Math.min(lo, hi),
    mcseMean: sd / Math.sqrt(essMean(chains)),
  };
}

// ---------------------------------------------------------------------------------------------
// Sampler diagnostics

/**
 * E-BFMI of one chain, Σ(E_n − E_{n−1})² / Σ(E_n − Ē)² (Betancourt 2016). Values below 0.3 mean
 * momentum resampling moves the energy too little to explore the posterior's tails.
 */
export function ebfmi(energy: ArrayLike<number>): number {
  const n = energy.length;
  if (n < 2) return Number.NaN;
  const m = accurateMean(energy);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = energy[i] - m;
    den += d * d;
    if (i > 0) {
      const diff = energy[i] - energy[i - 1];
      num += diff * diff;
    }
  }
  return den > 0 ? num / den : Number.NaN;
}

/** Sampler statistics of one chain's saved (post-warm-up) draws. */
export interface ChainSamplerStats {
  /** 1 (or true) where the transition diverged. */
  divergent: ArrayLike<number | boolean>;
  treedepth: ArrayLike<number>;
  energy: ArrayLike<number>;
}

/** Pull the three columns out of row-major stats (draws × columns), e.g. CmdStan-named columns. */
export function samplerStatsFromRows(stats: Float64Array, columns: readonly string[]): ChainSamplerStats {
  const width = columns.length;
  const n = stats.length / width;
  const col = (name: string): Float64Array => {
    const j = columns.indexOf(name);
    if (j < 0) throw new Error(`samplerStatsFromRows: no column "${name}" in [${columns.join(", ")}]`);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = stats[i * width + j];
    return out;
  };
  return { divergent: col("divergent__"), treedepth: col("treedepth__"), energy: col("energy__") };
}

export interface DiagnosticThresholds {
  /** R̂ above this means the chains disagree. */
  rhat: number;
  /** Bulk and tail ESS below this many per chain are too few for stable estimates. */
  essPerChain: number;
  /** E-BFMI below this flags poor energy exploration. */
  ebfmi: number;
}

export const DEFAULT_THRESHOLDS: DiagnosticThresholds = { rhat: 1.01, essPerChain: 100, ebfmi: 0.3 };

export type DiagnosticKind =
  | "divergences"
  | "ebfmi"
  | "treedepth"
  | "rhat"
  | "ess_bulk"
  | "ess_tail"
  | "non_finite";

export interface DiagnosticWarning {
  kind: DiagnosticKind;
  /** "error": estimates may be wrong; "warning": estimates are valid but imprecise or slow. */
  severity: "error" | "warning";
  message: string;
  parameter?: string;
  /** 1-based chain number, as in the messages. */
  chain?: number;
  value: number;
}

export interface SampleDiagnosticsInput {
  /** One entry per chain, post-warm-up draws only. */
  chains: readonly ChainSamplerStats[];
  /** The sampler's maximum tree depth; a draw at this depth had its trajectory cut short. */
  maxDepth: number;
  /** Parameter summaries (from summariseParameter) to check R̂ and ESS, keyed by display name. */
  parameters?: Readonly<Record<string, ParameterSummary>>;
  thresholds?: Partial<DiagnosticThresholds>;
  /**
   * Where the chains were, on the sampler's (unconstrained) scale: per chain, row-major draws ×
   * names.length, aligned with `chains`. Lets a divergence warning name the parameters involved.
   */
  positions?: { names: readonly string[]; draws: readonly Float64Array[] };
}

/** A parameter whose divergent draws sit away from its other draws, in posterior sds. */
export interface DivergenceSuspect {
  name: string;
  /** (mean of the divergent draws − mean of all draws) / sd of all draws. */
  shift: number;
}

/**
 * The parameters that divergent transitions concentrate on: divergences mark a region the step
 * size cannot handle (a funnel's neck, a curved ridge), and the draws they leave behind sit
 * toward it. Ranks parameters by how far the divergent draws' mean is from the overall mean, in
 * sds on the sampler's scale, and keeps those at least half an sd away (at most `top`).
 */
export function divergenceSuspects(
  chains: readonly ChainSamplerStats[],
  positions: { names: readonly string[]; draws: readonly Float64Array[] },
  top = 3,
): DivergenceSuspect[] {
  const d = positions.names.length;
  const sum = new Float64Array(d);
  const sumSq = new Float64Array(d);
  const divSum = new Float64Array(d);
  let n = 0;
  let nDiv = 0;
  chains.forEach((c, k) => {
    const draws = positions.draws[k];
    for (let i = 0; i < c.divergent.length; i++) {
      const div = Number(c.divergent[i]) !== 0;
      n++;
      if (div) nDiv++;
      for (let j = 0; j < d; j++) {
        const v = draws[i * d + j];
        sum[j] += v;
        sumSq[j] += v * v;
        if (div) divSum[j] += v;
      }
    }
  });
  if (nDiv === 0 || n < 2) return [];
  const out: DivergenceSuspect[] = [];
  for (let j = 0; j < d; j++) {
    const mean = sum[j] / n;
    const sd = Math.sqrt(Math.max(0, (sumSq[j] - n * mean * mean) / (n - 1)));
    if (!(sd > 0)) continue;
    const shift = (divSum[j] / nDiv - mean) / sd;
    if (Math.abs(shift) >= 0.5) out.push({ name: positions.names[j], shift });
  }
  return out.sort((a, b) => Math.abs(b.shift) - Math.abs(a.shift)).slice(0, top);
}

export interface SampleDiagnosticsReport {
  chains: number;
  /** Post-warm-up draws over all chains. */
  draws: number;
  divergences: number;
  divergencesPerChain: number[];
  treedepthSaturated: number;
  treedepthSaturatedFraction: number;
  ebfmi: number[];
  /** Worst R̂ and smallest ESS over the checked parameters (NaN when none were given). */
  maxRhat: number;
  minEssBulk: number;
  minEssTail: number;
  warnings: DiagnosticWarning[];
}

function formatPercent(fraction: number): string {
  const pct = 100 * fraction;
  if (pct >= 10) return `${pct.toFixed(0)}%`;
  if (pct >= 1) return `${Number(pct.toFixed(1))}%`;
  return `${Number(pct.toPrecision(1))}%`;
}

/** R̂ with two decimals, or three when two would print a value that looks like the threshold. */
function formatRhat(value: number, threshold: number): string {
  const two = value.toFixed(2);
  return Number(two) > threshold ? two : value.toFixed(3);
}

/** Sampler-level and per-parameter checks, with plain-language warnings that name a remedy. */
export function sampleDiagnostics(input: SampleDiagnosticsInput): SampleDiagnosticsReport {
  const th = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  const nChains = input.chains.length;
  const warnings: DiagnosticWarning[] = [];
  const divergencesPerChain = input.chains.map((c) => {
    let k = 0;
    for (let i = 0; i < c.divergent.length; i++) if (Number(c.divergent[i]) !== 0) k++;
    return k;
  });
  const divergences = divergencesPerChain.reduce((a, b) => a + b, 0);
  let draws = 0;
  let saturated = 0;
  for (const c of input.chains) {
    draws += c.treedepth.length;
    for (let i = 0; i < c.treedepth.length; i++) if (c.treedepth[i] >= input.maxDepth) saturated++;
  }
  const saturatedFraction = draws > 0 ? saturated / draws : 0;
  const ebfmis = input.chains.map((c) => ebfmi(c.energy));

  if (divergences > 0) {
    const noun = divergences === 1 ? "divergent transition" : "divergent transitions";
    const suspects = input.positions ? divergenceSuspects(input.chains, input.positions) : [];
    const where =
      suspects.length > 0
        ? ` They sit where ${suspects
            .map(
              (s) =>
                `${s.name} is ${s.shift > 0 ? "high" : "low"} (${s.shift > 0 ? "+" : "−"}${Math.abs(s.shift).toFixed(1)} sd)`,
            )
            .join(
              ", ",
            )} on the sampler's scale: check ${suspects.length > 1 ? "those parameters'" : "that parameter's"} prior and what in the data informs ${suspects.length > 1 ? "them" : "it"}.`
        : "";
    warnings.push({
      kind: "divergences",
      severity: "error",
      value: divergences,
      parameter: suspects[0]?.name,
      message:
        `${divergences} ${noun} after warm-up: the sampler missed part of the posterior, so estimates ` +
        `may be biased.${where} Remedies: rerun with --adapt-delta 0.95 (smaller steps, slower fit), ` +
        `or tighten ${suspects.length > 0 ? `the prior of ${suspects[0].name}` : "weak priors"} in the model config.`,
    });
  }
  ebfmis.forEach((value, k) => {
    if (value < th.ebfmi) {
      warnings.push({
        kind: "ebfmi",
        severity: "error",
        chain: k + 1,
        value,
        message:
          `E-BFMI ${value.toFixed(2)} < ${th.ebfmi} in chain ${k + 1}: momentum resampling barely moves ` +
          `the energy, so the tails are explored poorly (heavy tails or funnel geometry); ` +
          `reparameterise or tighten weak priors, then run longer warm-up`,
      });
    }
  });
  if (saturated > 0) {
    warnings.push({
      kind: "treedepth",
      severity: "warning",
      value: saturatedFraction,
      message:
        `${formatPercent(saturatedFraction)} of draws hit the maximum tree depth (${input.maxDepth}): ` +
        `trajectories were cut short, so sampling is slow and mixes poorly; raise max_treedepth or ` +
        `reparameterise to reduce strong posterior correlations`,
    });
  }

  let maxRhat = Number.NaN;
  let minEssBulk = Number.NaN;
  let minEssTail = Number.NaN;
  const essTarget = th.essPerChain * nChains;
  for (const [name, s] of Object.entries(input.parameters ?? {})) {
    if (!Number.isFinite(s.mean)) {
      warnings.push({
        kind: "non_finite",
        severity: "error",
        parameter: name,
        value: s.mean,
        message:
          `${name} has NaN or infinite draws: R̂ and ESS cannot be computed; check the model for ` +
          `overflow (e.g. exp of a large value) or an improper posterior`,
      });
      continue;
    }
    // Comparisons with a NaN running value are false, so the first defined value seeds each.
    if (!Number.isNaN(s.rhat) && !(s.rhat <= maxRhat)) maxRhat = s.rhat;
    if (!Number.isNaN(s.essBulk) && !(s.essBulk >= minEssBulk)) minEssBulk = s.essBulk;
    if (!Number.isNaN(s.essTail) && !(s.essTail >= minEssTail)) minEssTail = s.essTail;
    if (s.rhat > th.rhat) {
      warnings.push({
        kind: "rhat",
        severity: "error",
        parameter: name,
        value: s.rhat,
        message:
          `R̂ = ${formatRhat(s.rhat, th.rhat)} for ${name} > ${th.rhat}: chains disagree; ` +
          `run longer chains or more warm-up, and check for multiple modes or a weakly identified parameter`,
      });
    }
    if (s.essBulk < essTarget) {
      warnings.push({
        kind: "ess_bulk",
        severity: "warning",
        parameter: name,
        value: s.essBulk,
        message:
          `bulk ESS ${Math.round(s.essBulk)} < ${essTarget} (${th.essPerChain} per chain) for ${name}: ` +
          `too few effectively independent draws for a reliable mean and median; run more draws or ` +
          `reparameterise to reduce autocorrelation`,
      });
    }
    if (s.essTail < essTarget) {
      warnings.push({
        kind: "ess_tail",
        severity: "warning",
        parameter: name,
        value: s.essTail,
        message:
          `tail ESS ${Math.round(s.essTail)} < ${essTarget} (${th.essPerChain} per chain) for ${name}: ` +
          `the 5% and 95% quantiles (interval ends) are unreliable; run more draws`,
      });
    }
  }

  return {
    chains: nChains,
    draws,
    divergences,
    divergencesPerChain,
    treedepthSaturated: saturated,
    treedepthSaturatedFraction: saturatedFraction,
    ebfmi: ebfmis,
    maxRhat,
    minEssBulk,
    minEssTail,
    warnings,
  };
}
