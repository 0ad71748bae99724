// Designs a geo test on history alone: candidate treated groups (matched markets and stratified
// randomisation), and for each group and duration the power and minimum detectable effect found
// by injecting known lifts into past windows and reading them with the analysis's own inference.

import { Rng } from "../../core/rng.js";
import { correlation } from "../../core/stats.js";
import { conformalRead, donorMatrix, minTraining, sumRows } from "./inference.js";
import type { GeoPanel } from "./panel.js";
import type { EffectPrior } from "./prior.js";
import { chooseLambda, fitSynth, gapSum, synthData } from "./synth.js";

export interface DesignOptions {
  /** Test lengths to consider, in panel periods. */
  durations: number[];
  /** Treated-group sizes to consider. */
  sizes: number[];
  /** Geos that must be treated / must never be treated (they may still be controls). */
  include?: string[];
  exclude?: string[];
  /** Largest share of the panel's KPI the treated group may hold (default 0.5). */
  maxShare?: number;
  /** Groups to evaluate as given, besides the generated candidates (e.g. a group already chosen). */
  groups?: string[][];
  /** Candidate groups per size (half matched, half stratified random; default 10). */
  candidates?: number;
  /** Sign of the effect looked for: -1 for go-dark, +1 for heavy-up. */
  sign: 1 | -1;
  /** Effect expected (KPI over the test, absolute), for the power and cost columns. */
  expectedLift?: number;
  /** Relative expected effect (share of the treated KPI), used when expectedLift is not given. */
  expectedRelative?: number;
  alpha?: number;
  level?: number;
  /** Power the MDE is defined at (default 0.8). */
  targetPower?: number;
  seed?: string;
}

export const EFFECT_GRID = [
  0.0025, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5,
];

export interface DesignRow {
  treated: string[];
  how: "matched" | "stratified" | "given";
  periods: number;
  share: number;
  /** Past windows the power is averaged over. */
  windows: number;
  /** Ridge penalty scale (null: plain SCM). */
  lambda: number | null;
  /** Power at each relative effect of EFFECT_GRID (signed by the test's kind). */
  powerCurve: number[];
  /** Smallest relative effect with power ≥ target, or null if none on the grid. */
  mdeRelative: number | null;
  /** The same in KPI units over a typical test window. */
  mde: number | null;
  /** Treated KPI over a typical window of this length (mean over the evaluated windows). */
  treatedPerWindow: number;
  powerAtExpected: number | null;
  /**
   * Share of past windows read as detected with nothing injected: about α when the group's errors
   * are exchangeable over time; well above α warns that this group's history would mislead a test.
   */
  falsePositiveRate: number | null;
  /** KPI expected to be lost (go-dark) or gained over the test at the expected effect. */
  expectedLift: number | null;
  rank?: number;
  /** With an MMM run: the posterior of this test's effect, P(conclusive) and expected cost. */
  prior?: EffectPrior;
}

/** Candidate treated groups for one size: matched markets first, then stratified random draws. */
export function candidateGroups(
  p: GeoPanel,
  size: number,
  o: DesignOptions,
): { geos: number[]; how: DesignRow["how"] }[] {
  const T = p.dates.length;
  const G = p.geos.length;
  const include = (o.include ?? []).map((g) => p.geos.indexOf(g));
  const excluded = new Set((o.exclude ?? []).map((g) => p.geos.indexOf(g)));
  const eligible = p.geos.map((_, i) => i).filter((i) => !excluded.has(i) && !include.includes(i));
  const level = p.geos.map((_, g) => p.y.subarray(g * T, (g + 1) * T).reduce((s, x) => s + x, 0));
  const total = level.reduce((s, x) => s + x, 0);
  const share = (gs: number[]) => gs.reduce((s, g) => s + level[g], 0) / total;
  const n = o.candidates ?? 10;
  const out: { geos: number[]; how: DesignRow["how"] }[] = [];
  const seen = new Set<string>();
  const push = (geos: number[], how: DesignRow["how"]) => {
    const s = [...new Set(geos)].sort((a, b) => a - b);
    const key = s.join(",");
    if (s.length !== size || seen.has(key) || share(s) > (o.maxShare ?? 0.5) || G - s.length < 5) return;
    seen.add(key);
    out.push({ geos: s, how });
  };
  // matched markets: geos that move together with the rest of the panel make groups a synthetic
  // control can follow; each anchor takes the geos whose paths correlate most with its own
  const series = p.geos.map((_, g) => p.y.subarray(g * T, (g + 1) * T));
  const rest = Float64Array.from({ length: T }, (_, t) => series.reduce((s, x) => s + x[t], 0));
  const fitScore = eligible.map((g) => ({ g, c: correlation(series[g], rest) })).sort((a, b) => b.c - a.c);
  for (const { g: anchor } of fitScore) {
    if (out.length >= Math.ceil(n / 2)) break;
    const byCorr = eligible
      .filter((x) => x !== anchor)
      .map((x) => ({ x, c: correlation(series[x], series[anchor]) }))
      .sort((a, b) => b.c - a.c)
      .map((e) => e.x);
    push([...include, anchor, ...byCorr].slice(0, size), "matched");
  }
  // stratified randomisation: strata of similar size, one geo drawn from each
  const rng = new Rng(o.seed ?? "geo-design");
  const bySize = [...eligible].sort((a, b) => level[a] - level[b]);
  const free = size - include.length;
  for (let attempt = 0; out.length < n && attempt < 20 * n && free > 0; attempt++) {
    const pick: number[] = [...include];
    for (let k = 0; k < free; k++) {
      const lo = Math.floor((k * bySize.length) / free);
      const hi = Math.floor(((k + 1) * bySize.length) / free) - 1;
      pick.push(bySize[rng.integer(lo, Math.max(lo, hi))]);
    }
    push(pick, "stratified");
  }
  if (free === 0) push(include, "matched");
  return out;
}

/**
 * Power of one design by simulation on history: the estimator's error in every past window w (fit
 * on [0, w)) plus an injected lift δ is read against the placebo errors of other windows, with the
 * same conformal rule as `analyze`. The fit does not see the window, so δ adds to the estimate
 * unchanged and one pass over the windows serves every effect size.
 */
export function designPower(
  p: GeoPanel,
  treated: number[],
  L: number,
  o: DesignOptions,
): Omit<DesignRow, "treated" | "how" | "share"> {
  const T = p.dates.length;
  const controls = p.geos.map((_, i) => i).filter((i) => !treated.includes(i));
  const y = sumRows(p.y, T, treated);
  const d = synthData(y, donorMatrix(p.y, T, controls), controls.length, T);
  const lambda = chooseLambda(d, T, L);
  const level = o.level ?? 0.9;
  const alpha = o.alpha ?? 0.1;
  const first = minTraining(L, L);
  const errors = new Float64Array(T);
  const windowKpi = new Float64Array(T);
  for (let s = first; s + L <= T; s++) {
    errors[s] = gapSum(d, fitSynth(d, s, lambda).coef, s, s + L);
    for (let t = s; t < s + L; t++) windowKpi[s] += y[t];
  }
  const needed = Math.ceil(2 / (1 - level) - 1);
  const last = T - L;
  // every past window is a test, read against the windows that do not overlap it: exchangeable
  // under no effect, as the analysis assumes. Reading only the latest windows against earlier
  // ones gives few, strongly dependent draws, and ranking designs on them picks lucky histories.
  const hits = new Float64Array(EFFECT_GRID.length);
  let expectedHits = 0;
  let nullHits = 0;
  let perWindow = 0;
  let evaluated = 0;
  const placebos = new Float64Array(Math.max(0, last - first + 1));
  for (let w = first; w <= last; w++) {
    let n = 0;
    for (let s = first; s <= last; s++) if (s <= w - L || s >= w + L) placebos[n++] = errors[s];
    if (n < needed) continue;
    const pool = placebos.subarray(0, n);
    evaluated++;
    perWindow += windowKpi[w];
    EFFECT_GRID.forEach((r, i) => {
      if (conformalRead(errors[w] + o.sign * r * windowKpi[w], pool, level).pValue <= alpha) hits[i]++;
    });
    const expected = expectedFor(o, windowKpi[w]);
    if (expected !== null && conformalRead(errors[w] + expected, pool, level).pValue <= alpha) expectedHits++;
    if (conformalRead(errors[w], pool, level).pValue <= alpha) nullHits++;
  }
  perWindow /= Math.max(1, evaluated);
  const powerCurve = Array.from(hits, (h) => (evaluated ? h / evaluated : 0));
  const target = o.targetPower ?? 0.8;
  const mdeIndex = powerCurve.findIndex(
    (x, i) => x >= target && powerCurve.slice(i).every((y) => y >= target),
  );
  const mdeRelative = mdeIndex < 0 ? null : EFFECT_GRID[mdeIndex];
  const expectedLift = expectedFor(o, perWindow);
  return {
    periods: L,
    windows: evaluated,
    lambda: Number.isFinite(lambda) ? lambda : null,
    powerCurve,
    mdeRelative,
    mde: mdeRelative === null ? null : mdeRelative * perWindow,
    treatedPerWindow: perWindow,
    powerAtExpected: expectedLift === null || evaluated === 0 ? null : expectedHits / evaluated,
    falsePositiveRate: evaluated === 0 ? null : nullHits / evaluated,
    expectedLift,
  };
}

function expectedFor(o: DesignOptions, windowKpi: number): number | null {
  if (o.expectedLift !== undefined) return o.expectedLift;
  if (o.expectedRelative !== undefined) return o.sign * o.expectedRelative * windowKpi;
  return null;
}

/** Every candidate group × duration, ranked: A/A-sound first, then power at the expected effect, MDE, length, share. */
export function designTests(p: GeoPanel, o: DesignOptions): DesignRow[] {
  const T = p.dates.length;
  const level = p.geos.map((_, g) => p.y.subarray(g * T, (g + 1) * T).reduce((s, x) => s + x, 0));
  const total = level.reduce((s, x) => s + x, 0);
  const rows: DesignRow[] = [];
  const given = (o.groups ?? []).map((g) => ({
    geos: g.map((x) => p.geos.indexOf(x)),
    how: "given" as const,
  }));
  const generated = o.sizes.flatMap((size) => candidateGroups(p, size, o));
  for (const c of [...given, ...generated])
    for (const L of o.durations) {
      const share = c.geos.reduce((s, g) => s + level[g], 0) / total;
      rows.push({
        treated: c.geos.map((g) => p.geos[g]),
        how: c.how,
        share,
        ...designPower(p, c.geos, L, o),
      });
    }
  // designs whose own history rejects far more than α with nothing injected go last: their
  // power is not believable (the analysis would "detect" noise as often)
  const limit = 2 * (o.alpha ?? 0.1);
  const suspect = (r: DesignRow) => (r.falsePositiveRate === null || r.falsePositiveRate > limit ? 1 : 0);
  rows.sort(
    (a, b) =>
      suspect(a) - suspect(b) ||
      (b.powerAtExpected ?? 0) - (a.powerAtExpected ?? 0) ||
      (a.mdeRelative ?? 9) - (b.mdeRelative ?? 9) ||
      a.periods - b.periods ||
      a.share - b.share,
  );
  rows.forEach((r, i) => {
    r.rank = i + 1;
  });
  return rows;
}
