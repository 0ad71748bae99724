// Lift tests the lab runs inside its own history, so that their truth is known: before the KPI is
// drawn, chosen channels go dark (spend 0) or heavy up (spend ×2) for a few weeks in some or all
// geos. The data then contain the tests, as a real brand's data would; each test's true lift is
// the KPI with the test minus the KPI without it, through the true adstock and saturation, over
// the test weeks plus a read-out tail; the measured lift adds noise of its stated standard error.

import type { Rng } from "../core/rng.js";
import type { Experiment } from "../experiments/experimentsFile.js";
import { type ChannelTruthParams, channelContribution } from "./response.js";
import type { ScenarioSpec } from "./scenarios.js";

/** A test as the lab planned it: which channel, geos (indices) and weeks, and how spend changed. */
export interface LabTestPlan {
  id: string;
  channel: string;
  kind: "go_dark" | "holdout" | "heavy_up";
  geos: number[];
  /** First and last test week (indices into the weeks), inclusive. */
  startWeek: number;
  endWeek: number;
  readoutWeeks: number;
  /** Relative standard error of the measured lift (share of the true lift). */
  relativeSe: number;
  /** The spend the channel would have had in each treated geo over the test weeks (cents). */
  plannedCents: Float64Array[];
  /**
   * Share of each treated geo the test reached (1 on geo data; a national brand's regional holdout
   * reaches part of the country) and what it did to spend there (0: dark, 2: doubled).
   */
  share: number;
  multiplier: number;
}

/** What truth.json records of each test. */
export interface LabTestTruth {
  id: string;
  channel: string;
  kind: "go_dark" | "holdout" | "heavy_up";
  geos: string[];
  start: string;
  end: string;
  readoutWeeks: number;
  /** Spend with the test minus spend without it (USD; negative for a go-dark). */
  spendChange: number;
  /** KPI with the test minus KPI without it, over the test weeks and the read-out tail. */
  trueLift: number;
  /** The measured lift written to the experiments file, and its standard error. */
  measuredLift: number;
  liftSe: number;
  /** trueLift × value per unit ÷ spendChange: the return of the money the test moved. */
  trueIroas: number;
}

const TEST_WEEKS = 6;
const READOUT_WEEKS = 2;
const GAP_WEEKS = 2;
/** Share of a national brand's regions a lab geo test treats. */
const NATIONAL_TEST_REACH = 0.3;

/**
 * Chooses the lab's tests and applies them to the spend (mutating geoCents): every always-on
 * channel is tested once (they are the ones an MMM identifies worst), the demand-following channel
 * first when there is one; most cut spend, every third is a heavy-up (×2). Tests run one after
 * another, without overlap, ending 4 weeks before the data end. Geo data treat a random ~30% of
 * geos (go-dark there). National data cannot hold regions, yet a national brand's test is a
 * regional holdout: 30% of the country (regions alike) goes dark or doubles while the rest runs as
 * planned. The national series shows a diluted dip (spend −30%, KPI down by 30% of the channel's
 * effect, see testedContribution), and the experiments file says the test reached 30%.
 */
export function applyLabTests(
  spec: ScenarioSpec,
  geoNames: string[],
  geoCents: Record<string, Float64Array[]>,
  weeks: number,
  rng: Rng,
): LabTestPlan[] {
  const G = geoNames.length;
  const alwaysOn = spec.channels.filter((c) => c.pattern === "always_on").map((c) => c.name);
  const endogenous = spec.endogenous?.channel;
  const order = endogenous ? [endogenous, ...alwaysOn.filter((c) => c !== endogenous)] : alwaysOn;
  const span = TEST_WEEKS + READOUT_WEEKS + GAP_WEEKS;
  const lastEnd = weeks - 4 - READOUT_WEEKS;
  const plans: LabTestPlan[] = [];
  order.forEach((channel, i) => {
    const endWeek = lastEnd - (order.length - 1 - i) * span;
    const startWeek = endWeek - TEST_WEEKS + 1;
    if (startWeek < Math.floor(weeks / 3)) return; // keep tests in the later part of a short history
    const treated = G === 1 ? [0] : randomSubset(G, Math.max(2, Math.round(0.3 * G)), rng);
    const heavyUp = i % 3 === 2;
    const kind = heavyUp ? "heavy_up" : G === 1 ? "holdout" : "go_dark";
    // national data: the test reaches 30% of the country, so spend moves by 30% of the national level
    const share = G === 1 ? NATIONAL_TEST_REACH : 1;
    const multiplier = heavyUp ? 2 : 0;
    const factor = 1 - share + share * multiplier;
    const plannedCents = treated.map((g) => geoCents[channel][g].slice(startWeek, endWeek + 1));
    for (const g of treated)
      for (let t = startWeek; t <= endWeek; t++)
        geoCents[channel][g][t] = Math.round(factor * geoCents[channel][g][t]);
    plans.push({
      id: `lab_${kind}_${channel}`,
      channel,
      kind,
      geos: treated,
      startWeek,
      endWeek,
      readoutWeeks: READOUT_WEEKS,
      relativeSe: rng.uniformIn(0.2, 0.4),
      plannedCents,
      share,
      multiplier,
    });
  });
  return plans;
}

/**
 * Each test's true lift (with minus without, through the true response), its measured lift (true
 * + noise of the stated SE) and the experiments-file row a brand's analyst would write.
 */
export function readLabTests(
  plans: LabTestPlan[],
  media: ChannelTruthParams[],
  geoCents: Record<string, Float64Array[]>,
  context: { geoNames: string[]; weekLabels: string[]; valuePerUnit: number; kpi: string; currency: string },
  rng: Rng,
): { truth: LabTestTruth[]; experiments: Experiment[] } {
  const truth: LabTestTruth[] = [];
  const experiments: Experiment[] = [];
  for (const plan of plans) {
    const p = media.find((m) => m.name === plan.channel) as ChannelTruthParams;
    const to = Math.min(plan.endWeek + plan.readoutWeeks, context.weekLabels.length - 1);
    let trueLift = 0;
    let spendChange = 0;
    plan.geos.forEach((g, j) => {
      const observed = Float64Array.from(geoCents[plan.channel][g], (c) => c / 100);
      const { planned, tested } = testPaths(plan, j, observed);
      for (let t = plan.startWeek; t <= plan.endWeek; t++) spendChange += observed[t] - planned[t];
      // the treated share ran the tested path, the rest the planned one
      const a = channelContribution(p, g, tested);
      const b = channelContribution(p, g, planned);
      for (let t = plan.startWeek; t <= to; t++) trueLift += plan.share * (a[t] - b[t]);
    });
    const liftSe = plan.relativeSe * Math.abs(trueLift);
    const measuredLift = trueLift + rng.normal(0, liftSe);
    const geos =
      plan.geos.length === context.geoNames.length ? "all" : plan.geos.map((g) => context.geoNames[g]);
    const record = {
      id: plan.id,
      channel: plan.channel,
      kind: plan.kind,
      start: context.weekLabels[plan.startWeek],
      end: context.weekLabels[plan.endWeek],
      readoutWeeks: plan.readoutWeeks,
      ...(plan.share < 1 ? { treatedShare: plan.share } : {}),
    };
    truth.push({
      ...record,
      geos: geos === "all" ? [...context.geoNames] : geos,
      spendChange: round2(spendChange),
      trueLift,
      measuredLift: round2(measuredLift),
      liftSe: round2(liftSe),
      trueIroas: (trueLift * context.valuePerUnit) / spendChange,
    });
    experiments.push({
      ...record,
      geos,
      spendChange: round2(spendChange),
      lift: round2(measuredLift),
      liftSe: round2(liftSe),
      source: "lab lift test (simulated; true lift in truth/truth.json)",
      kpi: context.kpi,
      currency: context.currency,
    });
  }
  return { truth, experiments };
}

/**
 * A treated geo's spend without the test (planned) and in its treated part with it (tested), both
 * as national-equivalent paths (USD): equal to the observed spend outside the test's weeks.
 */
function testPaths(plan: LabTestPlan, j: number, observed: Float64Array) {
  const planned = Float64Array.from(observed);
  const tested = Float64Array.from(observed);
  for (let t = plan.startWeek; t <= plan.endWeek; t++) {
    planned[t] = plan.plannedCents[j][t - plan.startWeek] / 100;
    tested[t] = plan.multiplier * planned[t];
  }
  return { planned, tested };
}

/**
 * The channel's contribution in geo g given its observed spend (USD), when a test reached only
 * part of the geo: that share responds to the tested path, the rest to the planned one. Without
 * such a test it is the response to the observed spend.
 */
export function testedContribution(
  p: ChannelTruthParams,
  g: number,
  observed: Float64Array,
  plans: LabTestPlan[],
): Float64Array {
  const plan = plans.find((q) => q.channel === p.name && q.share < 1 && q.geos.includes(g));
  if (!plan) return channelContribution(p, g, observed);
  const { planned, tested } = testPaths(plan, plan.geos.indexOf(g), observed);
  const a = channelContribution(p, g, tested);
  const b = channelContribution(p, g, planned);
  for (let t = 0; t < a.length; t++) a[t] = plan.share * a[t] + (1 - plan.share) * b[t];
  return a;
}

/** k of 0…n−1 without replacement (partial Fisher–Yates), ascending. */
function randomSubset(n: number, k: number, rng: Rng): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = rng.integer(i, n - 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, k).sort((a, b) => a - b);
}

const round2 = (x: number) => Math.round(x * 100) / 100;
