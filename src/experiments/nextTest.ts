// Which test to run next: preposterior analysis over the posterior draws. For each candidate test
// (channel × go-dark/heavy-up × weeks × where), every outer draw plays the true world once: the
// test's outcome is simulated from that draw's lift plus the test's noise, the posterior is
// updated by importance weights, and next quarter's budget is re-optimised under it. The expected
// value of sample information (EVSI) is how much better that re-optimised decision is, on
// average, than the best decision today; the test's cost and the narrowing of the channel's ROI
// interval are reported beside it.

import { channelDraws } from "../analysis/channelMetrics.js";
import { thinned } from "../analysis/measures.js";
import { type Interval, summarise, weightedInterval } from "../analysis/summaries.js";
import { Rng } from "../core/rng.js";
import { maximiseSeparable } from "../core/separable.js";
import { ExperimentTerm, type ResolvedExperiment } from "../model/experimentLift.js";
import type { MmmModel } from "../model/mmm.js";
import { channelBounds } from "../planning/constraints.js";
import { planContext } from "../planning/context.js";
import { buildGrids, meanCurves, type ValueGrids } from "../planning/optimize.js";
import { DEFAULT_PLAN_OPTIONS } from "../planning/plan.js";
import { PlanValuer } from "../planning/planValue.js";

export interface NextTestOptions {
  horizonWeeks: number;
  durations: number[];
  kinds: ("go_dark" | "heavy_up")[];
  /** Weeks after the test that its read-out includes. */
  readoutWeeks: number;
  /** How much noisier a real read-out is than the model's weekly residuals summed (≥ 1). */
  seInflation: number;
  /** Outer draws (simulated worlds) per candidate and posterior draws reweighted for each. */
  outerDraws: number;
  maxDraws: number;
  /** Below this effective sample size the reweighted posterior is not trusted: no ranking. */
  minEss: number;
  seed: number;
  /** The KPI's weekly noise (KPI units, all geos); default: the fit's residual spread. */
  weeklyNoiseSd?: number;
  /** Channels whose spend follows demand (src/analysis/demandFollowing.ts): their tests rank first. */
  demandFollowing?: string[];
}

export const DEFAULT_NEXT_TEST_OPTIONS: NextTestOptions = {
  horizonWeeks: 13,
  durations: [4, 6, 8],
  kinds: ["go_dark", "heavy_up"],
  readoutWeeks: 2,
  seInflation: 1.5,
  outerDraws: 100,
  maxDraws: 1000,
  minEss: 20,
  seed: 1,
};

export interface TestCandidate {
  channel: string;
  kind: "go_dark" | "heavy_up";
  weeks: number;
  geos: "all" | string[];
  /** Spend with the test minus without it (currency). */
  spendChange: number;
  /** The lift the model expects (KPI units) and the read-out's standard error. */
  expectedLift: Interval;
  se: number;
  /** Expected value of sample information for next quarter's budget (value units). */
  evsi: number;
  /**
   * Value the test gives up: lost KPI value of a go-dark; extra spend minus its return for a
   * heavy-up — null for a heavy-up when the KPI has no value (spend and KPI do not subtract).
   */
  cost: number | null;
  /** The channel's 90% ROI interval width now, and expected after the test. */
  roiWidthNow: number;
  roiWidthAfter: number;
  /** Median effective sample size of the reweighted posteriors (reliability of the estimate). */
  ess: number;
  reliable: boolean;
}

export interface NextTestResult {
  valueUnit: string;
  horizonWeeks: number;
  total: number;
  candidates: TestCandidate[];
  notes: string[];
}

export function rankNextTests(
  model: MmmModel,
  draws: Float64Array,
  input: Partial<NextTestOptions> = {},
): NextTestResult {
  const o = { ...DEFAULT_NEXT_TEST_OPTIONS, ...input };
  const d = model.data;
  const vpu = d.valuePerUnit ?? 1;
  const rows = thinned(draws, model.dim, o.maxDraws);
  const planSettings = { ...DEFAULT_PLAN_OPTIONS, horizonWeeks: o.horizonWeeks };
  const context = planContext(model, planSettings);
  const { bounds } = channelBounds(context.channels, planSettings);
  const total = context.channels.reduce((s, c) => s + c.current, 0);
  const valuer = new PlanValuer(model, planSettings, vpu);
  const grids = buildGrids(valuer, rows, context.channels, bounds, 41);
  const today = bestPlan(meanCurves(grids), bounds, total);
  const roi = channelDraws(model, concat(rows, model.dim), { valuePerUnit: vpu });
  const noise = o.weeklyNoiseSd ?? weeklyResidualSd(model, rows);
  const candidates: TestCandidate[] = [];
  const rng = new Rng(`next-test:${o.seed}`);
  for (const [c, ch] of d.channels.entries()) {
    if (ch.input !== "spend") continue;
    for (const weeks of o.durations)
      for (const kind of o.kinds) {
        const test = hypotheticalTest(model, c, kind, weeks, o.readoutWeeks);
        if (!test) continue;
        const lifts = predictLifts(model, rows, test.resolved);
        const se = o.seInflation * Math.sqrt(test.weeksRead) * noise;
        const channelRoi = roi.find((r) => r.channel === ch.name)?.roi as Float64Array;
        const outcome = preposterior(grids, bounds, total, today, lifts, se, channelRoi, o, rng);
        const liftSummary = summarise(lifts);
        candidates.push({
          channel: ch.name,
          kind,
          weeks,
          geos: "all",
          spendChange: test.spendChange,
          expectedLift: liftSummary,
          se,
          evsi: outcome.evsi,
          cost:
            kind === "go_dark"
              ? -liftSummary.mean * vpu
              : d.valuePerUnit
                ? test.spendChange - liftSummary.mean * vpu
                : null,
          roiWidthNow: roiWidth(channelRoi),
          roiWidthAfter: outcome.width,
          ess: outcome.ess,
          reliable: outcome.ess >= o.minEss,
        });
      }
  }
  // a channel whose spend follows demand is biased in a way no reweighting of this posterior can
  // show (the posterior is confidently wrong), so its tests go first whatever their EVSI says
  const atRisk = new Set(o.demandFollowing ?? []);
  candidates.sort(
    (a, b) =>
      Number(b.reliable) - Number(a.reliable) ||
      Number(atRisk.has(b.channel)) - Number(atRisk.has(a.channel)) ||
      b.evsi - a.evsi,
  );
  const notes = [
    `EVSI: the expected gain of next quarter's expected-value-optimal plan after the test's read-out over the best plan today (budget ${Math.round(total).toLocaleString("en-US")} over ${o.horizonWeeks} weeks, ±${Math.round(100 * (planSettings.maxChange ?? 0.5))}% per channel), by importance reweighting of ${rows.length} draws over ${o.outerDraws} simulated read-outs per test.`,
    `Read-out noise: ${o.seInflation}× the model's weekly residual spread summed over the test and read-out weeks; tests are placed like the last weeks of the history, at current spend.`,
  ];
  if (atRisk.size > 0)
    notes.unshift(
      `Ranked first: tests of ${[...atRisk].join(", ")}, whose spend follows demand — the posterior may be confidently biased there, which EVSI computed from that posterior cannot see.`,
    );
  const unreliable = candidates.filter((c) => !c.reliable).length;
  if (unreliable > 0)
    notes.push(
      `${unreliable} candidate(s) left unranked: a single read-out would move the posterior so far that fewer than ${o.minEss} effective draws remain (refit with more draws to rank them).`,
    );
  return {
    valueUnit: d.valuePerUnit ? d.currency : d.kpi,
    horizonWeeks: o.horizonWeeks,
    total,
    candidates,
    notes,
  };
}

/**
 * A test placed on the last weeks of the history at the spend they had: a go-dark removes that
 * spend, a heavy-up doubles it. Returned in the model's "observed minus undone" form, negated:
 * predictLifts gives the lift of doing the test (f(s + Δ) − f(s)).
 */
function hypotheticalTest(
  model: MmmModel,
  c: number,
  kind: "go_dark" | "heavy_up",
  weeks: number,
  readout: number,
) {
  const d = model.data;
  const endWeek = d.trainWeeks - 1 - readout;
  const startWeek = endWeek - weeks + 1;
  if (startWeek < 0) return null;
  const ch = d.channels[c];
  const geos = d.geos.map((_, g) => g);
  const delta = new Float64Array(geos.length * weeks);
  let spendChange = 0;
  for (const g of geos)
    for (let t = 0; t < weeks; t++) {
      const x = ch.x[g * d.T + startWeek + t];
      // f(s + Δ) − f(s) = −(f(s) − f(s − (−Δ))): the term's counterfactual with the change −Δ
      delta[g * weeks + t] = kind === "go_dark" ? x : -x;
      spendChange += (kind === "go_dark" ? -1 : 1) * ch.spend[g * d.T + startWeek + t];
    }
  if (spendChange === 0) return null;
  const resolved: ResolvedExperiment = {
    id: `${kind}:${ch.name}:${weeks}`,
    channel: c,
    geos,
    startWeek,
    endWeek,
    lastWeek: endWeek + readout,
    delta,
    share: 1,
    lift: 0,
    se: 1,
  };
  return { resolved, spendChange, weeksRead: weeks + readout };
}

function predictLifts(model: MmmModel, rows: Float64Array[], test: ResolvedExperiment): Float64Array {
  const term = new ExperimentTerm(model.data, model.layout.channels, [test]);
  const out = new Float64Array(1);
  return Float64Array.from(rows, (x) => -term.predict(x, out)[0]);
}

/** The spread of a week's KPI around the model's mean, summed over geos (KPI units). */
function weeklyResidualSd(model: MmmModel, rows: Float64Array[]): number {
  const d = model.data;
  const meanMu = new Float64Array(d.G * d.T);
  const take = rows.filter((_, k) => k % Math.max(1, Math.floor(rows.length / 50)) === 0);
  for (const x of take) {
    const mu = model.mean(model.unconstrain(x));
    for (let i = 0; i < mu.length; i++) meanMu[i] += (mu[i] * d.obsScale[i]) / take.length;
  }
  let ss = 0;
  let n = 0;
  for (let t = 0; t < d.trainWeeks; t++) {
    let r = 0;
    for (let g = 0; g < d.G; g++) r += d.y[g * d.T + t] - meanMu[g * d.T + t];
    ss += r * r;
    n++;
  }
  return Math.sqrt(ss / Math.max(1, n - 1));
}

/** E over simulated read-outs of the best expected value after the update, minus today's. */
function preposterior(
  grids: ValueGrids,
  bounds: [number, number][],
  total: number,
  today: { allocation: number[]; value: number },
  lifts: Float64Array,
  se: number,
  roi: Float64Array,
  o: NextTestOptions,
  rng: Rng,
): { evsi: number; width: number; ess: number } {
  const S = lifts.length;
  const J = Math.min(o.outerDraws, S);
  const w = new Float64Array(S);
  let gain = 0;
  let widths = 0;
  const ess: number[] = [];
  for (let j = 0; j < J; j++) {
    const truth = Math.floor(((j + 0.5) * S) / J);
    const y = lifts[truth] + rng.normal(0, se);
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < S; k++) {
      w[k] = -0.5 * ((y - lifts[k]) / se) ** 2;
      if (w[k] > max) max = w[k];
    }
    let sum = 0;
    for (let k = 0; k < S; k++) {
      w[k] = Math.exp(w[k] - max);
      sum += w[k];
    }
    let sq = 0;
    for (let k = 0; k < S; k++) {
      w[k] /= sum;
      sq += w[k] * w[k];
    }
    ess.push(1 / sq);
    // paired with today's plan valued under the same read-out: the gain is ≥ 0 read-out by read-out,
    // so the Monte Carlo noise of the read-outs does not swamp it
    const curves = meanCurves(grids, w);
    const best = bestPlan(curves, bounds, total);
    gain += best.value - today.allocation.reduce((s, a, c) => s + curves[c](a), 0);
    const after = weightedInterval(roi, w);
    widths += after.q95 - after.q05;
  }
  ess.sort((a, b) => a - b);
  return { evsi: gain / J, width: widths / J, ess: ess[Math.floor(J / 2)] };
}

/** The expected-value-optimal plan on the given curves (grid dynamic programme). */
function bestPlan(curves: ((a: number) => number)[], bounds: [number, number][], total: number) {
  // one budget grid for every read-out and no off-grid polish: its error cancels in the paired gain
  return maximiseSeparable(curves, bounds, total, 100, false);
}

function roiWidth(roi: Float64Array): number {
  const i = weightedInterval(roi, new Float64Array(roi.length).fill(1 / roi.length));
  return i.q95 - i.q05;
}

function concat(rows: Float64Array[], dim: number): Float64Array {
  const out = new Float64Array(rows.length * dim);
  rows.forEach((r, k) => {
    out.set(r, k * dim);
  });
  return out;
}
