// The ground-truth lab: simulates a direct-to-consumer subscription brand week by week from a
// scenario and a seed, then writes what a real brand would export (daily, per campaign, with
// dirty names) and the truth behind it (every parameter, contribution, ROI and the optimal budget).

import { type DayNumber, formatDay, parseDay, weekdayOf, yearFraction } from "../core/dates.js";
import { weeklyHolidays } from "../core/holidays.js";
import { type ModelingTable, NATIONAL_GEO, type TableColumn } from "../core/modelingTable.js";
import { apportion, Rng } from "../core/rng.js";
import type { Experiment } from "../experiments/experimentsFile.js";
import { type AdstockSpec, adstockWeights, applyAdstock } from "../model/adstock.js";
import { platformBias, platformClaims } from "./attribution.js";
import { type BudgetProblem, planValue, solveBudget } from "./budget.js";
import { buildRawExports, type RawExports } from "./exports.js";
import { applyLabTests, readLabTests, testedContribution } from "./labExperiments.js";
import {
  type ChannelTruthParams,
  channelContribution,
  contributionScaleDerivative,
  sumRange,
} from "./response.js";
import { type ScenarioSpec, scenarioSpec } from "./scenarios.js";
import { simulateSpend } from "./spend.js";
import type { LabTruth, TruthChannel } from "./truth.js";
import { currentWorld, moveTactic, shiftPrice, worldChangesTruth } from "./worldChanges.js";

export const LAB_VERSION = "1";
export const KPI_NAME = "new_subscriptions";
export const VALUE_PER_SUBSCRIPTION = 240;
export const HOLIDAY_COUNTRY = "US";
/** Holidays with a true effect on the KPI, as a fraction of the intercept (before the seed's jitter). */
const HOLIDAY_EFFECTS: Record<string, number> = {
  new_years_day: 0.08,
  black_friday: 0.18,
  cyber_monday: 0.08,
  christmas_day: -0.12,
};
const METROS = [
  "New York",
  "Los Angeles",
  "Chicago",
  "Philadelphia",
  "Dallas",
  "San Francisco",
  "Washington DC",
  "Houston",
  "Boston",
  "Atlanta",
  "Phoenix",
  "Tampa",
  "Seattle",
  "Detroit",
  "Minneapolis",
  "Miami",
  "Denver",
  "Orlando",
  "Cleveland",
  "Sacramento",
  "Charlotte",
  "Portland",
  "Raleigh",
  "St. Louis",
  "Pittsburgh",
  "Nashville",
];

export interface SimulatedDataset {
  scenario: ScenarioSpec;
  seed: number;
  raw: RawExports;
  /** The simulator's own weekly modeling table (what `mmm prepare` must reproduce). */
  table: ModelingTable;
  truth: LabTruth;
  /** The lab's lift tests as an experiments file's rows (only when asked for). */
  experiments?: Experiment[];
}

export interface SimulateOptions {
  /** Run lift tests inside the history (changes the spend of the tested weeks). */
  experiments?: boolean;
  /** Override the scenario's number of geos (geo scenarios only): scaling benchmarks. */
  geos?: number;
  /** Override the scenario's number of weeks. */
  weeks?: number;
}

export interface GeoInfo {
  name: string;
  population: number | null;
  share: number;
  baselineMultiplier: number;
}

function drawGeos(spec: ScenarioSpec, rng: Rng): GeoInfo[] {
  if (!spec.geo) return [{ name: NATIONAL_GEO, population: null, share: 1, baselineMultiplier: 1 }];
  const { count, populationMin, populationMax } = spec.geo;
  // evenly spaced on the log scale from min to max (so the 10× spread is exact), jittered inside
  const logMin = Math.log(populationMin);
  const logMax = Math.log(populationMax);
  const pops = Array.from({ length: count }, (_, i) => {
    const base = logMin + ((logMax - logMin) * i) / (count - 1);
    const jitter =
      i === 0 || i === count - 1 ? 0 : rng.uniformIn(-0.3, 0.3) * ((logMax - logMin) / (count - 1));
    return Math.round(Math.exp(base + jitter) / 1000) * 1000;
  }).sort((a, b) => b - a);
  const total = pops.reduce((s, p) => s + p, 0);
  // the largest population goes to the largest metro; geos are then listed by name, as tables list them
  return pops
    .map((population, i) => ({
      // beyond the named metros (scaling benchmarks): numbered regions
      name: METROS[i] ?? `Region ${i + 1 - METROS.length}`,
      population,
      share: population / total,
      baselineMultiplier: Math.exp(rng.normal(0, 0.08)),
    }))
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
}

function jitterAdstock(a: AdstockSpec, rng: Rng): AdstockSpec {
  switch (a.type) {
    case "geometric":
      return { ...a, alpha: round4(Math.min(0.9, Math.max(0.02, a.alpha + rng.normal(0, 0.05)))) };
    case "delayed_geometric":
      return { ...a, alpha: round4(Math.min(0.9, Math.max(0.1, a.alpha + rng.normal(0, 0.05)))) };
    case "weibull_cdf":
    case "weibull_pdf":
      return {
        ...a,
        shape: round4(a.shape * rng.logNormal(0, 0.1)),
        scale: round4(a.scale * rng.logNormal(0, 0.1)),
      };
  }
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Simulates one dataset of a named scenario. Deterministic in (scenario, seed). */
export function simulateScenario(
  name: string,
  seed: number,
  options: SimulateOptions = {},
): SimulatedDataset {
  const base = scenarioSpec(name, seed);
  if (!base) throw new Error(`unknown scenario '${name}'`);
  if (options.geos !== undefined && !base.geo) throw new Error(`scenario '${name}' has no geos to count`);
  const spec = {
    ...base,
    weeks: options.weeks ?? base.weeks,
    ...(base.geo ? { geo: { ...base.geo, count: options.geos ?? base.geo.count } } : {}),
  };
  const rng = new Rng(`${name}:${seed}`);
  const N = spec.weeks;
  const W = N + 1; // one extra week, of which the exports hold the first 3 days (a mid-week data pull)
  const start = parseDay(spec.start) as DayNumber;
  if (weekdayOf(start) !== 0) throw new Error(`scenario ${name} must start on a Monday`);
  const weekStarts = Array.from({ length: W }, (_, w) => start + 7 * w);
  const weekMid = Float64Array.from(weekStarts, (d) => yearFraction(d + 3));
  const geos = drawGeos(spec, rng.fork("geos"));
  const G = geos.length;

  // ---- media spend (national cents, then split over geos) ----
  const paths = simulateSpend(spec, W, weekMid, rng.fork("spend"));
  const geoCents: Record<string, Float64Array[]> = {};
  for (const ch of spec.channels) {
    const grng = rng.fork(`geo-split:${ch.name}`);
    const fixed = geos.map((g) => g.share * (G > 1 ? grng.logNormal(0, 0.15) : 1));
    geoCents[ch.name] = geos.map(() => new Float64Array(W));
    for (let w = 0; w < W; w++) {
      const weights = fixed.map((f) => f * (G > 1 ? grng.logNormal(0, 0.05) : 1));
      const parts = apportionCents(paths.cents[ch.name][w], weights);
      for (let g = 0; g < G; g++) geoCents[ch.name][g][w] = parts[g];
    }
  }
  // the drift world's moved tactic: its money is the new channel's from the change week on
  const movedCents = spec.changes ? moveTactic(geoCents, spec.changes.taxonomy) : undefined;
  // lift tests change the spend of their weeks before anything is drawn from it (the data hold them)
  const testPlans = options.experiments
    ? applyLabTests(
        spec,
        geos.map((g) => g.name),
        geoCents,
        N,
        rng.fork("experiments"),
      )
    : [];
  const spendUsd = (ch: string, g: number) => Float64Array.from(geoCents[ch][g], (c) => c / 100);

  // ---- media response parameters ----
  const prng = rng.fork("media-params");
  const betaSd = spec.geo?.betaSd ?? 0;
  const media: ChannelTruthParams[] = [];
  const roiTargets: Record<string, number> = {};
  for (const ch of spec.channels) {
    const adstock = jitterAdstock(ch.adstock, prng);
    const slope = round4(
      ch.slope > 1
        ? Math.max(1.2, ch.slope * prng.logNormal(0, 0.1))
        : Math.min(1, ch.slope * prng.logNormal(0, 0.08)),
    );
    const roi = ch.targetRoi * prng.logNormal(0, 0.25);
    roiTargets[ch.name] = roi;
    const geoMultiplier = geos.map(() => (G > 1 ? Math.exp(prng.normal(0, betaSd)) : 1));
    // half-saturation relative to the national adstocked spend in active weeks
    const national = new Float64Array(N);
    for (let g = 0; g < G; g++) {
      const s = spendUsd(ch.name, g);
      for (let t = 0; t < N; t++) national[t] += s[t];
    }
    const params: ChannelTruthParams = { name: ch.name, adstock, slope, halfSaturation: [], beta: [] };
    const adstocked = applyAdstock(national, adstockWeights(adstock));
    let activeSum = 0;
    let activeCount = 0;
    for (let t = 0; t < N; t++) {
      if (national[t] > 0) {
        activeSum += adstocked[t];
        activeCount++;
      }
    }
    const K = round4(
      (activeSum / Math.max(1, activeCount)) * ch.halfSaturationMultiple * prng.logNormal(0, 0.15),
    );
    params.halfSaturation = geos.map((g) => K * g.share);
    // coefficient that makes the revenue ROI over the history equal the target
    params.beta = geos.map((g, i) => g.share * geoMultiplier[i]);
    let unitContribution = 0;
    let spend = 0;
    for (let g = 0; g < G; g++) {
      const s = spendUsd(ch.name, g);
      unitContribution += sumRange(channelContribution(params, g, s), 0, N);
      spend += sumRange(s, 0, N);
    }
    const beta = (roi * spend) / (VALUE_PER_SUBSCRIPTION * unitContribution);
    params.beta = params.beta.map((b) => b * beta);
    // the drift world's effect change comes after the coefficient is set: the target ROI is the old world's
    const effect = spec.changes?.effect;
    if (effect?.channel === ch.name)
      params.effectChange = { week: effect.week, multiplier: effect.multiplier };
    media.push(params);
  }

  // ---- daily price and promotion calendars ----
  const firstDay = start;
  const lastDay = start + 7 * N + 2; // exports end on the Wednesday of the extra week
  const calendars = drawPriceAndPromos(firstDay, start + 7 * W - 1, rng.fork("pricing"));
  if (spec.changes)
    shiftPrice(calendars.price, weekStarts[spec.changes.price.week] - firstDay, spec.changes.price.factor);
  const weeklyPrice = new Float64Array(W);
  const weeklyPromo = new Float64Array(W);
  const weeklyDiscount = new Float64Array(W);
  for (let w = 0; w < W; w++) {
    let p = 0;
    for (let d = 0; d < 7; d++) {
      const i = weekStarts[w] - firstDay + d;
      p += calendars.price[i];
      weeklyPrice[w] = p / 7;
      weeklyPromo[w] = Math.max(weeklyPromo[w], calendars.promo[i]);
      weeklyDiscount[w] = Math.max(weeklyDiscount[w], calendars.discount[i]);
    }
  }

  // ---- baseline ----
  const brng = rng.fork("baseline");
  const intercept = Math.round(spec.intercept * brng.logNormal(0, 0.05) * 100) / 100;
  const growthPerYear = brng.uniformIn(0.05, 0.15);
  const trendPerWeek = (intercept * growthPerYear) / 52;
  const fourierCos = [0.08 + brng.normal(0, 0.01), brng.normal(0, 0.02)].map((c) => round4(c * intercept));
  const fourierSin = [brng.normal(0, 0.03), brng.normal(0, 0.02)].map((c) => round4(c * intercept));
  const holidayTable = weeklyHolidays(weekStarts, HOLIDAY_COUNTRY);
  const holidayEffects: Record<string, number> = {};
  for (const [slug, frac] of Object.entries(HOLIDAY_EFFECTS))
    holidayEffects[slug] = round4(frac * intercept * brng.logNormal(0, 0.2));
  const priceCoefficient = round4(-0.012 * intercept * brng.logNormal(0, 0.2));
  const promoCoefficient = round4(0.1 * intercept * brng.logNormal(0, 0.2));
  const referencePrice = calendars.price[0];
  const kpiLift = spec.endogenous?.kpiLift ?? 0;

  const baselineNational = new Float64Array(W);
  for (let w = 0; w < W; w++) {
    let b = intercept + trendPerWeek * w;
    for (let k = 0; k < 2; k++) {
      const angle = 2 * Math.PI * (k + 1) * weekMid[w];
      b += fourierSin[k] * Math.sin(angle) + fourierCos[k] * Math.cos(angle);
    }
    for (const [slug, effect] of Object.entries(holidayEffects))
      b += effect * (holidayTable.indicator[slug]?.[w] ?? 0);
    b += priceCoefficient * (weeklyPrice[w] - referencePrice) + promoCoefficient * weeklyPromo[w];
    b += intercept * kpiLift * paths.demandShock[w];
    baselineNational[w] = b;
  }

  // ---- mean and observed KPI per geo ----
  const nrng = rng.fork("noise");
  const baseline: Float64Array[] = [];
  const contributions: Record<string, Float64Array[]> = {};
  for (const p of media) contributions[p.name] = [];
  const mean: Float64Array[] = [];
  const observed: Float64Array[] = [];
  for (let g = 0; g < G; g++) {
    const base = baselineNational.map((b) => b * geos[g].share * geos[g].baselineMultiplier);
    baseline.push(base);
    const mu = Float64Array.from(base);
    for (const p of media) {
      const c = testedContribution(p, g, spendUsd(p.name, g), testPlans);
      contributions[p.name].push(c);
      for (let w = 0; w < W; w++) mu[w] += c[w];
    }
    mean.push(mu);
    const y = new Float64Array(W);
    for (let w = 0; w < W; w++) {
      if (mu[w] <= 0) throw new Error(`lab bug: non-positive mean KPI in week ${w}`);
      if (spec.noise.family === "negative_binomial")
        y[w] = nrng.negativeBinomial(mu[w], spec.noise.phi ?? 30);
      else
        y[w] = Math.max(
          0,
          Math.round(mu[w] + nrng.normal(0, (spec.noise.cv ?? 0.03) * intercept * Math.sqrt(geos[g].share))),
        );
    }
    observed.push(y);
  }

  // ---- raw exports and the simulator's own weekly table ----
  const raw = buildRawExports({
    spec,
    geos,
    weekStarts,
    firstDay,
    lastDay,
    geoCents,
    orders: observed,
    platformClaims: Object.fromEntries(
      media.map((p) => [
        p.name,
        geos.map((_, g) =>
          platformClaims(p.name, contributions[p.name][g], baseline[g], geoCents[p.name][g]),
        ),
      ]),
    ),
    calendars,
    rng: rng.fork("exports"),
    ...(spec.changes && movedCents
      ? {
          taxonomyChange: {
            change: spec.changes.taxonomy,
            day: weekStarts[spec.changes.taxonomy.week],
            moved: movedCents,
          },
        }
      : {}),
  });

  const weeks = weekStarts.slice(0, N);
  const table = labTable(spec, weeks, geos, observed, geoCents, raw.weeklyImpressions, {
    list_price: weeklyPrice,
    promo_active: weeklyPromo,
    promo_discount_pct: weeklyDiscount,
  });

  // ---- the truth ----
  const channels: TruthChannel[] = media.map((p) => {
    const template = spec.channels.find((c) => c.name === p.name)!;
    let spend = 0;
    let contribution = 0;
    let derivative = 0;
    const weekly = new Float64Array(N);
    for (let g = 0; g < G; g++) {
      const s = spendUsd(p.name, g).subarray(0, N);
      spend += sumRange(s);
      // incremental contribution as a counterfactual: mean with the channel vs with its spend set to zero
      const withChannel = testedContribution(p, g, s, testPlans).subarray(0, N);
      const without = channelContribution(p, g, new Float64Array(N));
      for (let t = 0; t < N; t++) weekly[t] += withChannel[t] - without[t];
      derivative += contributionScaleDerivative(p, g, s);
    }
    contribution = sumRange(weekly);
    const multipliers = Array.from({ length: 31 }, (_, i) => round4(i * 0.1));
    const curve = multipliers.map((m) => {
      let c = 0;
      for (let g = 0; g < G; g++)
        c += sumRange(
          channelContribution(
            p,
            g,
            spendUsd(p.name, g)
              .subarray(0, N)
              .map((x) => x * m),
          ),
        );
      return c;
    });
    return {
      name: p.name,
      pattern: template.pattern,
      adstock: p.adstock,
      saturation: { type: "hill", slope: p.slope, halfSaturation: sumRange(p.halfSaturation) },
      halfSaturationByGeo: p.halfSaturation,
      beta: sumRange(p.beta),
      betaByGeo: p.beta,
      spend,
      contribution,
      roi: (VALUE_PER_SUBSCRIPTION * contribution) / spend,
      mroi: (VALUE_PER_SUBSCRIPTION * derivative) / spend,
      costPerIncremental: spend / contribution,
      weeklyContribution: Array.from(weekly),
      responseCurve: { multipliers, contribution: curve, spend: multipliers.map((m) => m * spend) },
    };
  });
  const nationalSum = (arrs: Float64Array[]) => {
    const out = new Float64Array(N);
    for (const a of arrs) for (let t = 0; t < N; t++) out[t] += a[t];
    return out;
  };
  const mediaTotal = channels.reduce((s, c) => s + c.contribution, 0);
  const meanNational = nationalSum(mean);
  const budget = budgetProblem(media, geos, geoCents, N);
  // plans are for the world as it is now: after any change of effect
  const solution = solveBudget(currentWorld(media, N), budget);
  const currentValue = planValue(currentWorld(media, N), budget, budget.currentAllocation);

  const tests = options.experiments
    ? readLabTests(
        testPlans,
        media,
        geoCents,
        {
          geoNames: geos.map((g) => g.name),
          weekLabels: weeks.map(formatDay),
          valuePerUnit: VALUE_PER_SUBSCRIPTION,
          kpi: KPI_NAME,
          currency: "USD",
        },
        rng.fork("experiment-readout"),
      )
    : undefined;
  const truth: LabTruth = {
    format: "mmm-os/lab-truth@1",
    labVersion: LAB_VERSION,
    scenario: spec.name,
    seed,
    description: spec.description,
    calendar: {
      weekStart: "monday",
      firstWeek: formatDay(weeks[0]),
      lastWeek: formatDay(weeks[N - 1]),
      weeks: N,
      holidayCountry: HOLIDAY_COUNTRY,
    },
    kpi: {
      name: KPI_NAME,
      unit: "subscriptions",
      valuePerUnit: VALUE_PER_SUBSCRIPTION,
      currency: "USD",
      noise:
        spec.noise.family === "negative_binomial"
          ? { family: "negative_binomial", phi: spec.noise.phi ?? 30 }
          : {
              family: "normal",
              sd: (spec.noise.cv ?? 0.03) * intercept,
              sdByGeo: geos.map((g) => (spec.noise.cv ?? 0.03) * intercept * Math.sqrt(g.share)),
            },
      rounding: spec.noise.family === "normal" ? "nearest integer, floored at 0" : "none (counts)",
    },
    geos: geos.map((g) => ({ ...g })),
    baseline: {
      intercept,
      trendPerWeek,
      fourier: {
        order: 2,
        sin: fourierSin,
        cos: fourierCos,
        period: "year (365.25 days), at each week's Thursday",
      },
      holidays: holidayEffects,
      controls: {
        list_price: {
          coefficient: priceCoefficient,
          reference: referencePrice,
          effect: "coefficient × (weekly mean price − reference)",
        },
        promo_active: {
          coefficient: promoCoefficient,
          effect: "coefficient × weekly max of the daily promo flag",
        },
        promo_discount_pct: { coefficient: 0, effect: "none: recorded but without effect" },
      },
      geoScaling: "every baseline term is multiplied by the geo's share × baselineMultiplier",
      demandShock: spec.endogenous
        ? {
            observed: false,
            kpiLift,
            series: Array.from(paths.demandShock.subarray(0, N)),
            drivesSpendOf: spec.endogenous.channel,
          }
        : null,
    },
    channels,
    totals: {
      observedKpi: sumRange(nationalSum(observed)),
      meanKpi: sumRange(meanNational),
      baseline: sumRange(nationalSum(baseline)),
      media: mediaTotal,
      mediaShareOfKpi: mediaTotal / sumRange(meanNational),
      spend: channels.reduce((s, c) => s + c.spend, 0),
    },
    series: {
      week: weeks.map(formatDay),
      mean: Array.from(meanNational),
      baseline: Array.from(nationalSum(baseline)),
      observed: Array.from(nationalSum(observed)),
    },
    geoSeries:
      G > 1
        ? geos.map((g, i) => ({
            geo: g.name,
            mean: Array.from(mean[i].subarray(0, N)),
            baseline: Array.from(baseline[i].subarray(0, N)),
            contributions: Object.fromEntries(
              media.map((p) => [p.name, Array.from(contributions[p.name][i].subarray(0, N))]),
            ),
          }))
        : null,
    budget: {
      ...budget,
      currentValue,
      optimalAllocation: solution.allocation,
      optimalValue: solution.value,
      optimalValueCurrency: solution.value * VALUE_PER_SUBSCRIPTION,
      currentValueCurrency: currentValue * VALUE_PER_SUBSCRIPTION,
      marginalValueAtOptimum: solution.marginalValue,
      valueUnits: KPI_NAME,
    },
    platform: channels.map((c) => {
      const attributed = sumRange(raw.weeklyAttributed[c.name], 0, N);
      return {
        channel: c.name,
        ...platformBias(c.name),
        spend: c.spend,
        attributed,
        trueContribution: c.contribution,
        creditRatio: attributed / c.contribution,
      };
    }),
  };
  if (tests) truth.experiments = tests.truth;
  if (spec.changes)
    truth.changes = worldChangesTruth({
      changes: spec.changes,
      weekStarts,
      weeks: N,
      channels,
      campaigns: raw.campaigns,
      calendars,
      moved: movedCents ?? [],
    });
  return { scenario: spec, seed, raw, table, truth, experiments: tests?.experiments };
}

/** Splits whole cents across geos in proportion to weights, exactly. */
function apportionCents(cents: number, weights: number[]): number[] {
  return apportion(cents, weights);
}

export interface DailyCalendars {
  firstDay: DayNumber;
  price: Float64Array;
  promo: Float64Array;
  discount: Float64Array;
}

/** Daily list price (with one or two price rises) and promotion flags (about six a year, plus Black Friday). */
function drawPriceAndPromos(firstDay: DayNumber, lastDay: DayNumber, rng: Rng): DailyCalendars {
  const n = lastDay - firstDay + 1;
  const price = new Float64Array(n).fill(rng.pick([24.99, 29.99, 34.99]));
  const rises = rng.integer(1, 2);
  for (let r = 0; r < rises; r++) {
    const from = rng.integer(Math.floor(n * 0.15), Math.floor(n * 0.85));
    const step = rng.pick([2, 3, 5]);
    for (let i = from; i < n; i++) price[i] = Math.round((price[i] + step) * 100) / 100;
  }
  const promo = new Float64Array(n);
  const discount = new Float64Array(n);
  const mark = (from: number, length: number, pct: number) => {
    for (let i = Math.max(0, from); i < Math.min(n, from + length); i++) {
      promo[i] = 1;
      discount[i] = Math.max(discount[i], pct);
    }
  };
  const years = n / 365.25;
  const count = Math.round(6 * years);
  for (let k = 0; k < count; k++) mark(rng.integer(0, n - 1), rng.integer(3, 10), rng.pick([15, 20, 25, 30]));
  // a Black Friday to Cyber Monday sale every year: Friday to Monday crosses a week boundary
  for (const e of holidayDays(firstDay, lastDay, "black_friday")) mark(e - firstDay, 4, 30);
  return { firstDay, price, promo, discount };
}

function holidayDays(firstDay: DayNumber, lastDay: DayNumber, slug: string): DayNumber[] {
  const weeks: DayNumber[] = [];
  for (let d = firstDay - weekdayOf(firstDay); d <= lastDay; d += 7) weeks.push(d);
  const h = weeklyHolidays(weeks, HOLIDAY_COUNTRY, [slug]);
  return h.events.map((e) => parseDay(e.date) as DayNumber);
}

/** The simulator's own weekly modeling table, built from its weekly values (not from the exports' parser). */
function labTable(
  spec: ScenarioSpec,
  weeks: DayNumber[],
  geos: GeoInfo[],
  observed: Float64Array[],
  geoCents: Record<string, Float64Array[]>,
  weeklyImpressions: Record<string, Float64Array[]>,
  controls: Record<string, Float64Array>,
): ModelingTable {
  const N = weeks.length;
  const G = geos.length;
  const panel = (f: (g: number, t: number) => number) => {
    const v = new Float64Array(G * N);
    for (let g = 0; g < G; g++) for (let t = 0; t < N; t++) v[g * N + t] = f(g, t);
    return v;
  };
  const columns: TableColumn[] = [];
  if (G > 1)
    columns.push({ name: "population", role: "population", values: panel((g) => geos[g].population ?? 0) });
  columns.push({
    name: KPI_NAME,
    role: "kpi",
    values: panel((g, t) => observed[g][t]),
    aggregation: "sum",
    unit: "subscriptions",
  });
  for (const ch of spec.channels) {
    columns.push({
      name: `spend_${ch.name}`,
      role: "spend",
      channel: ch.name,
      values: panel((g, t) => geoCents[ch.name][g][t] / 100),
      aggregation: "sum",
      unit: "USD",
    });
  }
  for (const ch of spec.channels) {
    columns.push({
      name: `exposure_${ch.name}`,
      role: "exposure",
      channel: ch.name,
      values: panel((g, t) => weeklyImpressions[ch.name][g][t]),
      aggregation: "sum",
      unit: "impressions",
    });
  }
  const rules: Record<string, "mean" | "max"> = {
    list_price: "mean",
    promo_active: "max",
    promo_discount_pct: "max",
  };
  const signs: Record<string, "positive" | "negative" | undefined> = {
    list_price: "negative",
    promo_active: "positive",
  };
  for (const [name, series] of Object.entries(controls)) {
    columns.push({
      name,
      role: "control",
      values: panel((_, t) => series[t]),
      aggregation: rules[name],
      sign: signs[name],
    });
  }
  const holidays = weeklyHolidays(weeks, HOLIDAY_COUNTRY);
  for (const slug of holidays.slugs) {
    columns.push({
      name: `holiday_${slug}`,
      role: "holiday",
      values: panel((_, t) => holidays.indicator[slug][t]),
      description: holidays.names[slug],
    });
  }
  return {
    weekStart: "monday",
    weeks,
    geos: geos.map((g) => g.name),
    geoLevel: G > 1 ? "geo" : "national",
    kpi: KPI_NAME,
    currency: "USD",
    columns,
    channels: spec.channels.map((c) => ({
      name: c.name,
      spend: `spend_${c.name}`,
      exposure: `exposure_${c.name}`,
    })),
    holidayCountry: HOLIDAY_COUNTRY,
    valuePerUnit: VALUE_PER_SUBSCRIPTION,
  };
}

/** The 13-week budget problem after the history: current plan, total, bounds and carryover state. */
function budgetProblem(
  media: ChannelTruthParams[],
  geos: GeoInfo[],
  geoCents: Record<string, Float64Array[]>,
  N: number,
): BudgetProblem {
  const H = 13;
  const lookback = Math.min(52, N);
  const maxLag = Math.max(...media.map((p) => p.adstock.maxLag));
  const current: Record<string, number> = {};
  const bounds: Record<string, [number, number]> = {};
  const geoSplit: Record<string, number[]> = {};
  const historyTail: Record<string, number[][]> = {};
  for (const p of media) {
    const perGeo = geos.map((_, g) => sumRange(geoCents[p.name][g], N - lookback, N) / 100);
    const total = perGeo.reduce((s, x) => s + x, 0);
    current[p.name] = Math.round((total / lookback) * H * 100) / 100;
    bounds[p.name] = [Math.round(current[p.name] * 50) / 100, Math.round(current[p.name] * 200) / 100];
    geoSplit[p.name] = perGeo.map((x) => x / total);
    historyTail[p.name] = geos.map((_, g) =>
      Array.from(geoCents[p.name][g].subarray(N - (p.adstock.maxLag - 1), N), (c) => c / 100),
    );
  }
  return {
    horizonWeeks: H,
    carryoverWeeks: maxLag - 1,
    flighting: "flat",
    totalBudget: Object.values(current).reduce((s, x) => s + x, 0),
    currentAllocation: current,
    bounds,
    geoSplit,
    historyTail,
  };
}
