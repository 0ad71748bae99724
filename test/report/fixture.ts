// A realistic ReportData for report tests: six channels, 156 weeks, 31-point curves, every
// validation part and a budget plan (seeded, so identical on every run), plus a variant without them.

import { probabilityAbove, summarise } from "../../src/analysis/summaries.js";
import { Rng } from "../../src/core/rng.js";
import type { Lineage } from "../../src/data/lineage.js";
import type { QaReport } from "../../src/data/qaReport.js";
import type { PlanResult } from "../../src/planning/plan.js";
import type { ChannelFinding, ReportData, ResponseCurve } from "../../src/report/reportData.js";

const WEEKS = 156;
const VALUE = 60; // EUR per subscription
const HURDLE = 1.5;

interface ChannelTruth {
  name: string;
  spend: number;
  roi: number;
  /** Relative spread of the ROI posterior (sd of log ROI). */
  spread: number;
  /** Marginal ROI as a fraction of ROI at current spend. */
  marginal: number;
  /** Weeks on air out of every 10 (flighting). */
  onAir: number;
}

const CHANNELS: ChannelTruth[] = [
  { name: "tv", spend: 3_100_000, roi: 1.45, spread: 0.22, marginal: 0.35, onAir: 6 },
  { name: "paid_search", spend: 1_200_000, roi: 2.6, spread: 0.15, marginal: 0.8, onAir: 10 },
  { name: "paid_social", spend: 900_000, roi: 1.5, spread: 0.3, marginal: 0.9, onAir: 10 },
  { name: "online_video", spend: 600_000, roi: 0.8, spread: 0.35, marginal: 0.3, onAir: 7 },
  { name: "display", spend: 400_000, roi: 0.5, spread: 0.4, marginal: 0.25, onAir: 10 },
  { name: "podcast", spend: 150_000, roi: 2.4, spread: 0.45, marginal: 0.85, onAir: 5 },
];

function isoWeek(t: number): string {
  return new Date(Date.UTC(2022, 0, 3 + 7 * t)).toISOString().slice(0, 10);
}

/** Lognormal posterior draws of ROI around the channel's value. */
function roiDraws(rng: Rng, c: ChannelTruth): Float64Array {
  return Float64Array.from(
    { length: 2000 },
    () => c.roi * Math.exp(c.spread * rng.normal() - (c.spread * c.spread) / 2),
  );
}

function weeklySpend(c: ChannelTruth, rng: Rng): number[] {
  const raw = Array.from({ length: WEEKS }, (_, t) => {
    const on = t % 10 < c.onAir;
    const season = 1 + 0.3 * Math.sin((2 * Math.PI * (t + 8)) / 52);
    return on ? season * (0.7 + 0.6 * rng.uniform()) : 0;
  });
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((v) => (v * c.spend) / total);
}

/** Geometric adstock so contributions trail spend like real carryover. */
function adstock(x: number[], decay: number): number[] {
  let carry = 0;
  return x.map((v) => (carry = v + decay * carry));
}

function responseCurve(c: ChannelTruth, spendWeeks: number[]): ResponseCurve {
  // Hill curve through (spend, roi·spend) whose slope at current spend is `marginal`·roi
  const k = 1.4;
  const m = c.marginal;
  // for Hill y = top·s^k/(s^k+h^k): elasticity at s is k·h^k/(s^k+h^k) = m
  const ratio = m / (k - m); // (h/s)^k
  const h = c.spend * ratio ** (1 / k);
  const top = ((c.roi * c.spend) / VALUE) * ((c.spend ** k + h ** k) / c.spend ** k);
  const hill = (s: number) => (top * s ** k) / (s ** k + h ** k);
  const spend = Array.from({ length: 31 }, (_, i) => (3 * c.spend * i) / 30);
  const mean = spend.map(hill);
  const band = (z: number) =>
    spend.map((s, i) => mean[i] * Math.exp(z * c.spread * (0.7 + 0.3 * (s / c.spend))));
  const active = spendWeeks.filter((v) => v > 0);
  const maxWeekly = Math.max(...active);
  const activeMean = active.reduce((a, b) => a + b, 0) / active.length;
  return {
    channel: c.name,
    spend,
    mean,
    q05: band(-1.645),
    q25: band(-0.674),
    q75: band(0.674),
    q95: band(1.645),
    currentSpend: c.spend,
    observedMin: 0,
    observedMax: maxWeekly * active.length,
    extrapolatedFrom: (maxWeekly / activeMean) * c.spend,
  };
}

function headroom(mroi: Float64Array): Pick<ChannelFinding, "headroom" | "headroomReason"> {
  const p = probabilityAbove(mroi, HURDLE);
  const median = summarise(mroi).median;
  return {
    headroom: p < 0.2 ? "saturated" : p > 0.8 ? "room_to_grow" : "uncertain",
    headroomReason: `P(marginal ROI > ${HURDLE}) = ${p.toFixed(2)}; the next euro returns about ${median.toFixed(2)}`,
  };
}

function qaReport(): QaReport {
  return {
    status: "warn",
    counts: { error: 0, warning: 3, info: 1 },
    findings: [
      {
        check: "collinearity_pair",
        severity: "warning",
        message:
          "paid_social and online_video spend move together (correlation 0.83): their separate effects are hard to tell apart.",
        where: { file: "spend.csv", channel: "paid_social" },
        fix: "Vary one of them on its own for a few weeks, or add a lift test.",
      },
      {
        check: "spikes",
        severity: "warning",
        message: "KPI spike in 2 weeks (robust z > 6).",
        where: { file: "kpi.csv", column: "subscriptions", weeks: ["2022-11-21", "2023-11-20"] },
        fix: "Check they are Black Friday; the holiday calendar covers them if so.",
      },
      {
        check: "partial_week",
        severity: "warning",
        message: "The last week has 4 of 7 days of data.",
        where: { file: "kpi.csv", row: 1089 },
        fix: "Drop the last week or wait for complete data.",
      },
      {
        check: "ignored_campaigns",
        severity: "info",
        message: "3 campaigns dropped by the taxonomy's ignore rules (EUR 12,400 of spend).",
        where: { file: "taxonomy.yaml", key: "ignore" },
      },
    ],
    summary: { headline: "156 weeks × 1 geo, 6 channels, 2 controls" },
  };
}

function lineage(): Lineage {
  return {
    format: "mmm-os/lineage@1",
    command: "mmm prepare --config mmm.yaml",
    createdAt: "2025-11-20T09:14:03.000Z",
    code: { name: "mmm-os", version: "0.1.0", gitCommit: "a9ea449c0ffee0000000000000000000000000000" },
    config: { file: "mmm.yaml", sha256: "3f1c9a7e55c2d0b8e4a1f6c3b2d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1" },
    taxonomy: {
      file: "taxonomy.yaml",
      sha256: "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b",
      version: "2025-10",
    },
    inputs: [
      {
        name: "kpi",
        file: "kpi.csv",
        format: "csv",
        sha256: "aa".repeat(32),
        bytes: 48_211,
        rows: 1092,
        columns: 3,
      },
      {
        name: "spend",
        file: "spend.parquet",
        format: "parquet",
        sha256: "bb".repeat(32),
        bytes: 311_904,
        rows: 24_566,
        columns: 5,
      },
    ],
    outputs: [
      { file: "table.csv", sha256: "cc".repeat(32), bytes: 39_870 },
      { file: "qa.json", sha256: "dd".repeat(32), bytes: 2_411 },
    ],
    table: { rows: 156, weeks: 156, geos: 1, firstWeek: "2022-01-03", lastWeek: "2024-12-23" },
    parameters: { weekStart: "monday", country: "DE" },
  };
}

/** Next quarter's plan: ±30% guardrails, paid_search at its upper limit, podcast locked. */
function planFixture(rng: Rng): PlanResult {
  const H = 13;
  const shift: Record<string, number> = {
    tv: -0.12,
    paid_search: 0.3,
    paid_social: 0.18,
    online_video: -0.3,
    display: -0.3,
    podcast: 0,
  };
  const current = CHANNELS.map((c) => (c.spend / WEEKS) * H);
  const wanted = CHANNELS.map((c, k) => current[k] * (1 + shift[c.name]));
  // tv absorbs the rounding so the total is kept exactly
  const gap = current.reduce((a, b) => a + b, 0) - wanted.reduce((a, b) => a + b, 0);
  wanted[0] += gap;
  const currentTotal = current.reduce((a, b) => a + b, 0);
  const gain = Float64Array.from({ length: 1000 }, () => 41_000 + 30_000 * rng.normal());
  const iv = (mean: number, sd: number) => ({
    mean,
    median: mean,
    q05: mean - 1.645 * sd,
    q95: mean + 1.645 * sd,
  });
  const base = 2_900_000;
  return {
    horizonWeeks: H,
    objective: { kind: "quantile", q: 0.25 },
    valueUnit: "EUR",
    returnUnits: { factor: 1, unit: "EUR of value per EUR spent", short: "ROI", valued: true },
    reference: "the last 13 weeks' run-rate (2025-09-29 to 2025-12-22) × 13 weeks",
    geoSplit: "national",
    total: currentTotal,
    referenceTotal: currentTotal,
    draws: 1000,
    decision: "optimum",
    rows: CHANNELS.map((c, k) => {
      const locked = c.name === "podcast";
      const bounds: [number, number] = locked
        ? [current[k], current[k]]
        : [0.7 * current[k], 1.3 * current[k]];
      return {
        channel: c.name,
        reference: current[k],
        neutral: current[k],
        recommended: wanted[k],
        change: wanted[k] - current[k],
        changeShare: wanted[k] / current[k] - 1,
        bounds,
        extrapolated: c.name === "paid_social",
        mroi: iv(c.roi * c.marginal * (1 - 0.5 * shift[c.name]), 0.2 * c.roi * c.marginal),
      };
    }),
    gain: summarise(gain),
    pGain: probabilityAbove(gain, 0),
    gainOverReference: summarise(gain),
    pGainOverReference: probabilityAbove(gain, 0),
    referenceValue: iv(base, 300_000),
    neutralValue: iv(base, 300_000),
    recommendedValue: iv(base + 41_000, 305_000),
    frontier: [0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3].map((f) => {
      // concave: each extra step buys less
      const gainAt = 41_000 + 420_000 * (1 - Math.exp(-2.2 * (f - 1))) * 0.6;
      return { total: f * currentTotal, expectedValue: base + gainAt, expectedGain: gainAt };
    }),
    notes: ["podcast is locked at its current spend (a contract runs to the end of the quarter)."],
  };
}

/** The full report: NUTS fit, every validation part present. */
export function reportFixture(): ReportData {
  const rng = new Rng(20251120);
  const weeks = Array.from({ length: WEEKS }, (_, t) => isoWeek(t));
  const spendByChannel = CHANNELS.map((c) => weeklySpend(c, rng));
  // baseline, controls and per-channel weekly contributions (subscriptions)
  const intercept = weeks.map(() => 3600);
  const trend = weeks.map((_, t) => 4 * t - 300);
  const seasonality = weeks.map(
    (_, t) => 600 * Math.sin((2 * Math.PI * t) / 52) + 250 * Math.cos((4 * Math.PI * t) / 52),
  );
  const holidays = weeks.map((w) =>
    w.endsWith("-11-21") || w.endsWith("-11-20") || w.endsWith("-11-25") ? 1400 : 0,
  );
  const price = weeks.map((_, t) => -150 - 80 * Math.sin((2 * Math.PI * t) / 26));
  const promo = weeks.map((_, t) => (t % 13 === 5 ? 500 : 0));
  const findings: ChannelFinding[] = [];
  const channelMeans: number[][] = [];
  let kpiTotal = 0;
  const mediaWeekly = CHANNELS.map((c, k) => {
    const stock = adstock(spendByChannel[k], c.name === "tv" ? 0.6 : 0.3);
    const total = stock.reduce((a, b) => a + b, 0);
    return stock.map((v) => (v / total) * ((c.roi * c.spend) / VALUE));
  });
  const modelMean = weeks.map(
    (_, t) =>
      intercept[t] +
      trend[t] +
      seasonality[t] +
      holidays[t] +
      price[t] +
      promo[t] +
      mediaWeekly.reduce((s, m) => s + m[t], 0),
  );
  const observed = modelMean.map((m) => m * (1 + 0.04 * rng.normal()));
  observed[47] = Number.NaN; // a week the KPI export missed
  for (const y of observed) if (!Number.isNaN(y)) kpiTotal += y;
  const mediaTotals = new Float64Array(2000);
  CHANNELS.forEach((c, k) => {
    const roi = roiDraws(rng, c);
    const contribution = roi.map((r) => (r * c.spend) / VALUE);
    contribution.forEach((v, i) => {
      mediaTotals[i] += v;
    });
    const mroi = roi.map((r) => r * c.marginal * Math.exp(0.15 * rng.normal()));
    channelMeans.push(mediaWeekly[k]);
    findings.push({
      name: c.name,
      spend: c.spend,
      contribution: summarise(contribution),
      share: summarise(contribution.map((v) => v / kpiTotal)),
      roi: summarise(roi),
      pRoiAbove1: probabilityAbove(roi, 1),
      pRoiAboveHurdle: probabilityAbove(roi, HURDLE),
      costPerIncremental: summarise(contribution.map((v) => c.spend / v)),
      profitRoi: summarise(roi.map((r) => r * 0.6 - 1)),
      mroi: summarise(mroi),
      ...headroom(mroi),
    });
  });
  const sd = modelMean.map((m) => 0.042 * m);
  const band = (z: number) => modelMean.map((m, t) => m + z * sd[t]);
  const inside = (z: number) =>
    observed.filter((y, t) => !Number.isNaN(y) && Math.abs(y - modelMean[t]) <= z * sd[t]).length /
    observed.filter((y) => !Number.isNaN(y)).length;
  const coverage = [
    { level: 0.5, observed: inside(0.674) },
    { level: 0.8, observed: inside(1.2816) },
    { level: 0.95, observed: inside(1.96) },
  ];
  const fitChannels = Object.fromEntries(
    findings.map((f) => [
      f.name,
      {
        spend: f.spend,
        roi: f.roi,
        contribution: f.contribution,
        mroi: f.mroi,
        p_roi_above_1: f.pRoiAbove1,
        cost_per_incremental: f.costPerIncremental,
        contribution_share: f.share,
      },
    ]),
  );
  const diagnostics: ReportData["diagnostics"] = {
    rhat_max: 1.004,
    ess_bulk_min: 812,
    ess_tail_min: 655,
    divergences: 0,
    treedepth_saturated: 0,
    ebfmi_min: 0.71,
    seconds: 41.3,
    verdict: "ok",
    warnings: [],
  };
  const fold = (trainWeeks: number, mape: number) => ({
    trainWeeks,
    testWeeks: 13,
    rmse: mape * 4800,
    mape,
    smape: mape * 1.02,
    wape: mape * 0.97,
    coverage50: 0.46,
    coverage90: 0.85,
  });
  const { testWeeks: _testWeeks, ...holdoutMetrics } = fold(143, 0.058);
  const variants = ["default priors", "wider priors", "adstock max lag 8", "no changepoints"];
  const wobble = [1, 1.06, 0.93, 1.02];
  return {
    title: "Acme Streaming — marketing mix, Germany",
    generatedAt: "2025-11-20T10:02:44.000Z",
    fit: {
      format: "mmm-os/fit-summary@1",
      method: "nuts",
      approximate: false,
      kpi: "subscriptions",
      currency: "EUR",
      value_per_unit: VALUE,
      roi_unit: "EUR of KPI value per EUR spent",
      roi_display: {
        factor: 1,
        unit: "EUR of subscriptions value per EUR spent",
        short: "ROI",
        valued: true,
      },
      window: { first_week: weeks[0], last_week: weeks[WEEKS - 1], weeks: WEEKS, geos: 1 },
      channels: fitChannels,
      diagnostics,
    },
    hurdle: HURDLE,
    channels: findings,
    incremental: {
      contribution: summarise(mediaTotals),
      share: summarise(mediaTotals.map((v) => v / kpiTotal)),
    },
    decomposition: {
      weeks,
      components: [
        { name: "intercept", kind: "baseline", mean: intercept },
        { name: "trend", kind: "baseline", mean: trend },
        { name: "seasonality", kind: "baseline", mean: seasonality },
        { name: "holidays", kind: "baseline", mean: holidays },
        { name: "price", kind: "control", mean: price },
        { name: "promotion", kind: "control", mean: promo },
        ...CHANNELS.map((c, k) => ({ name: c.name, kind: "channel" as const, mean: channelMeans[k] })),
      ],
      modelMean,
      method: "additive",
    },
    curves: CHANNELS.map((c, k) => {
      const curve = responseCurve(c, spendByChannel[k]);
      // curves are in value units when the value per subscription is known
      const toValue = (xs: number[]) => xs.map((v) => v * VALUE);
      return {
        ...curve,
        mean: toValue(curve.mean),
        q05: toValue(curve.q05),
        q25: toValue(curve.q25),
        q75: toValue(curve.q75),
        q95: toValue(curve.q95),
      };
    }),
    ppc: {
      weeks,
      observed,
      mean: modelMean,
      q05: band(-1.645),
      q25: band(-0.674),
      q75: band(0.674),
      q95: band(1.645),
      coverage,
      residualAutocorrelation: [0.21, 0.09, 0.04, -0.02, -0.06, 0.03, -0.01, 0.05],
      verdicts: [
        `Predictive intervals are calibrated: ${coverage.map((c) => `${c.level * 100}% → ${Math.round(100 * c.observed)}%`).join(", ")} of weeks covered.`,
        "Residuals are autocorrelated (lag-1 correlation 0.21 > 0.16): the baseline misses slow movements; consider a time-varying intercept or a changepoint trend.",
      ],
    },
    validation: {
      holdout: { weeks: 13, ...holdoutMetrics },
      cv: { folds: [fold(91, 0.071), fold(104, 0.064), fold(117, 0.049), fold(130, 0.055)] },
      loo: {
        models: [
          {
            name: "geometric adstock + Hill",
            elpd: -1021.4,
            se: 11.2,
            pLoo: 24.1,
            elpdDiff: 0,
            seDiff: 0,
            stackingWeight: 0.71,
            paretoKBad: 0,
          },
          {
            name: "Weibull adstock + Hill",
            elpd: -1023.9,
            se: 11.6,
            pLoo: 27.8,
            elpdDiff: -2.5,
            seDiff: 2.1,
            stackingWeight: 0.29,
            paretoKBad: 1,
          },
          {
            name: "geometric adstock + logistic",
            elpd: -1031.0,
            se: 12.0,
            pLoo: 22.5,
            elpdDiff: -9.6,
            seDiff: 4.0,
            stackingWeight: 0,
            paretoKBad: 0,
          },
        ],
      },
      sensitivity: {
        variants,
        channels: findings.map((f, k) => {
          // tv's ROI leans on the adstock length: its carryover is long
          const w = k === 0 ? [1, 1.1, 0.62, 1.04] : wobble;
          return {
            name: f.name,
            roiMean: w.map((x) => f.roi.mean * x),
            roiQ05: w.map((x) => f.roi.q05 * x),
            roiQ95: w.map((x) => f.roi.q95 * x),
            stable: k !== 0,
          };
        }),
        verdicts: [
          "tv's ROI drops by a third with adstock max lag 8: its long carryover is identified mostly by the prior.",
          "All other channels move less than 10% across variants.",
        ],
      },
      placebo: {
        roi: { mean: 0.04, median: 0.03, q05: -0.18, q95: 0.29 },
        passed: true,
        message:
          "The placebo was tv's spend shifted by 26 weeks; its ROI is consistent with zero, so the model does not invent effects from timing alone.",
      },
    },
    diagnostics,
    plan: planFixture(rng),
    uncertainties: [
      {
        channel: "tv",
        message:
          "tv's ROI interval is the widest in euros (EUR 3.1M of spend) and depends on the adstock length; a 6-week regional TV holdout would settle it.",
      },
      {
        channel: "paid_social",
        message:
          "paid_social and online_video move together (correlation 0.83); pausing online_video for 4 weeks would separate them.",
      },
      {
        channel: "podcast",
        message:
          "podcast spend is small and sparse, so its ROI could be anywhere from 0.8 to 3.4; a promo-code lift test is cheap.",
      },
    ],
    data: { qa: qaReport(), lineage: lineage() },
  };
}

/** An approximate fit with every optional part missing (null) — the report must still render. */
export function minimalReportFixture(): ReportData {
  const full = reportFixture();
  const note =
    "APPROXIMATE: Laplace approximation at the posterior mode, not MCMC; intervals may be too narrow or misplaced.";
  const diagnostics: ReportData["diagnostics"] = {
    rhat_max: Number.NaN,
    ess_bulk_min: Number.NaN,
    ess_tail_min: Number.NaN,
    divergences: 0,
    treedepth_saturated: 0,
    ebfmi_min: Number.NaN,
    seconds: 2.1,
    verdict: "approximate",
    warnings: [
      "Approximate fit (Laplace at the posterior mode): no MCMC diagnostics exist; confirm decisions with a full NUTS fit (--method nuts).",
    ],
  };
  const { incremental: _dropped, plan: _noPlan, ...rest } = full;
  return {
    ...rest,
    hurdle: 1,
    fit: { ...full.fit, method: "fast", approximate: true, note, diagnostics },
    channels: full.channels.map((c) => ({ ...c, profitRoi: null })),
    diagnostics,
    validation: { holdout: null, cv: null, loo: null, sensitivity: null, placebo: null },
    uncertainties: [],
    data: { qa: null, lineage: null },
  };
}

/** A channel name that would run script if any text reached the page unescaped. */
export const EVIL = "<img src=x onerror=alert(1)>";

/** The fixture with one channel renamed everywhere it appears, and hostile text in every free-text field. */
export function hostileReportFixture(): ReportData {
  const d = reportFixture();
  const old = d.channels[1].name;
  const rename = (n: string) => (n === old ? EVIL : n);
  d.title = "</title><script>alert(1)</script>";
  d.channels = d.channels.map((c) => ({
    ...c,
    name: rename(c.name),
    headroomReason: `${c.headroomReason} ${EVIL}`,
  }));
  d.curves = d.curves.map((c) => ({ ...c, channel: rename(c.channel) }));
  d.decomposition.components = d.decomposition.components.map((c) => ({ ...c, name: rename(c.name) }));
  d.validation.sensitivity!.channels = d.validation.sensitivity!.channels.map((c) => ({
    ...c,
    name: rename(c.name),
  }));
  d.validation.sensitivity!.variants[0] = `" onmouseover="alert(1)`;
  d.plan!.rows = d.plan!.rows.map((r) => ({ ...r, channel: rename(r.channel) }));
  d.plan!.notes.push(`<script>alert(4)</script> ${EVIL}`);
  d.uncertainties.push({ channel: EVIL, message: `<script>alert(2)</script>` });
  d.ppc.verdicts.push(`<a href="http://evil.example">click</a>`);
  d.fit.kpi = `<b onclick=alert(3)>orders</b>`;
  (d.data.qa as { findings: { message: string; check: string }[] }).findings[0].check = EVIL;
  (d.data.lineage as { command: string }).command = `mmm prepare '${EVIL}'`;
  return d;
}
