// Does a lift test agree with the model? For each test: the model's posterior for the test's lift
// (its own counterfactual, per draw), the posterior predictive p-value of the measured lift (the
// test's noise added to each draw's lift), and the returns both imply. Run on an uncalibrated fit
// this is the tension check: a test the model finds implausible is named before it is trusted.

import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import {
  ExperimentTerm,
  type LiftTest,
  type ResolvedExperiment,
  resolveExperiments,
  roiPriorTests,
} from "../model/experimentLift.js";
import type { MmmModel } from "../model/mmm.js";
import { PsisWorkspace, paretoTailLength, psisSmoothColumn } from "./looPareto.js";
import { thinned } from "./measures.js";
import { compact } from "./numberFormat.js";
import { type Interval, weightedInterval } from "./summaries.js";

/** Default level below which a test and the model are said to disagree (two-sided). */
export const TENSION_ALPHA = 0.05;

export interface ExperimentCheck {
  id: string;
  channel: string;
  kind: string;
  measured: number;
  se: number;
  spendChange: number;
  /** The model's lift for exactly this test (KPI units). */
  modelLift: Interval;
  /** Two-sided posterior predictive p-value of the measured lift. */
  pValue: number;
  /** Measured ÷ the model's mean lift: how far apart they are, as a factor. */
  ratio: number;
  /** Return per currency unit the test implies (lift × value ÷ spend change), with a 90% interval. */
  testIroas: Interval;
  /** The same return under the model. */
  modelIroas: Interval;
  tension: boolean;
  /**
   * For a posterior calibrated with these tests: the Pareto k of the importance weights that take
   * the test back out (above 0.7 the leave-test-out check is unreliable); null when not left out
   * or when the tail could not be fitted.
   */
  paretoK: number | null;
  /** One sentence for the report when they disagree (empty when they agree). */
  finding: string;
}

export function checkExperimentsAgainstModel(
  model: MmmModel,
  draws: Float64Array,
  experiments: (LiftTest & { kind: string })[],
  options: {
    valuePerUnit: number;
    alpha?: number;
    maxDraws?: number;
    /**
     * The draws already condition on these tests (a calibrated fit): judge each test against the
     * posterior without it, by Pareto-smoothed importance weights ∝ 1/p(lift | draw), as LOO does.
     */
    leaveOut?: boolean;
    /** How the fit used the tests (the term to take back out): its own lift, or an ROI prior. */
    calibration?: "likelihood" | "roi_prior";
  },
): ExperimentCheck[] {
  const alpha = options.alpha ?? TENSION_ALPHA;
  const rows = thinned(draws, model.dim, options.maxDraws ?? 1000);
  const resolved = resolveExperiments(experiments, model.data);
  const lifts = predictPerDraw(model, rows, resolved);
  // what the fit conditioned on: each test's own lift, or its ROI held over the history
  const conditioned = options.calibration === "roi_prior" ? roiPriorTests(experiments, model.data) : resolved;
  const conditionedLifts = conditioned === resolved ? lifts : predictPerDraw(model, rows, conditioned);
  return experiments.map((e, i) => {
    const l = lifts[i];
    const { weights, k: paretoK } = options.leaveOut
      ? leaveTestOutWeights(conditionedLifts[i], conditioned[i].lift, conditioned[i].se)
      : { weights: new Float64Array(l.length).fill(1 / l.length), k: null as number | null };
    // P(y_rep ≤ y) = Σ_k w_k Φ((y − lift_k)/se): exact given the draws, no simulation
    let below = 0;
    for (let k = 0; k < l.length; k++) below += weights[k] * normalCdf(e.lift, l[k], e.liftSe);
    const pValue = Math.min(1, 2 * Math.min(below, 1 - below));
    const modelLift = weightedInterval(l, weights);
    const perCurrency = options.valuePerUnit / e.spendChange;
    const z90 = 1.6448536269514722;
    const testIroas = {
      mean: e.lift * perCurrency,
      median: e.lift * perCurrency,
      q05: Math.min((e.lift - z90 * e.liftSe) * perCurrency, (e.lift + z90 * e.liftSe) * perCurrency),
      q95: Math.max((e.lift - z90 * e.liftSe) * perCurrency, (e.lift + z90 * e.liftSe) * perCurrency),
    };
    const modelIroas = weightedInterval(
      l.map((v) => v * perCurrency),
      weights,
    );
    const tension = pValue < alpha;
    const ratio = e.lift / modelLift.mean;
    return {
      id: e.id,
      channel: e.channel,
      kind: e.kind,
      measured: e.lift,
      se: e.liftSe,
      spendChange: e.spendChange,
      modelLift,
      pValue,
      ratio,
      testIroas,
      modelIroas,
      tension,
      paretoK,
      finding: tension ? tensionFinding(e, modelLift, ratio, pValue) : "",
    };
  });
}

function predictPerDraw(model: MmmModel, rows: Float64Array[], tests: ResolvedExperiment[]): Float64Array[] {
  const term = new ExperimentTerm(model.data, model.layout.channels, tests);
  const lifts = tests.map(() => new Float64Array(rows.length));
  const out = new Float64Array(tests.length);
  rows.forEach((x, k) => {
    term.predict(x, out);
    for (let i = 0; i < tests.length; i++) lifts[i][k] = out[i];
  });
  return lifts;
}

/** PSIS weights (normalised) that remove one test's likelihood from a calibrated posterior. */
function leaveTestOutWeights(
  lifts: Float64Array,
  y: number,
  se: number,
): { weights: Float64Array; k: number | null } {
  const S = lifts.length;
  const logRatios = lifts.map((m) => 0.5 * ((y - m) / se) ** 2);
  const logW = new Float64Array(S);
  const { k } = psisSmoothColumn(logRatios, paretoTailLength(1, S), logW, new PsisWorkspace(S));
  let max = Number.NEGATIVE_INFINITY;
  for (const v of logW) if (v > max) max = v;
  let total = 0;
  const weights = logW.map((v) => {
    const w = Math.exp(v - max);
    total += w;
    return w;
  });
  // a tail that cannot be fitted (too short or constant) gives no k: reported as unknown (null)
  return { weights: weights.map((w) => w / total), k: Number.isFinite(k) ? k : null };
}

function tensionFinding(e: LiftTest, model: Interval, ratio: number, p: number): string {
  const fmt = compact;
  const direction = Math.abs(ratio) > 1 ? "more" : "less";
  const causes =
    Math.abs(ratio) > 1
      ? "halo or spill-over the model credits elsewhere, a test window that caught a demand spike, or a model prior that holds the channel down"
      : "a test too small to read (check its power), carryover that outlasts the read-out, or a model that over-credits the channel because its spend follows demand";
  return `Test '${e.id}' on ${e.channel} measured ${fmt(e.lift)} (±${fmt(e.liftSe)}), ${Math.abs(ratio).toFixed(1)}× ${direction} than the model expects (${fmt(model.mean)}, 90% ${fmt(model.q05)} … ${fmt(model.q95)}); p = ${p < 0.001 ? "< 0.001" : p.toFixed(3)}. Likely causes: ${causes}.`;
}
