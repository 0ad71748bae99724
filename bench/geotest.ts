// Geo-test benchmark (issue 11): coverage of analyze's 90% intervals and the A/A false-positive
// rate over lab tests with known lift, design's predicted power against realised detection on
// later windows it never saw, and speed. Writes bench/results/geotest.json.
//   npm run bench:geotest [-- --seeds 12 --tests 20]

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatDay } from "../src/core/dates.js";
import { Rng } from "../src/core/rng.js";
import { analyzeGeoTest } from "../src/experiments/geo/analyze.js";
import { designPower, designTests, EFFECT_GRID } from "../src/experiments/geo/design.js";
import { type GeoPanel, locateTest, panelFromTable } from "../src/experiments/geo/panel.js";
import { type GeoTestKind, randomTreated, simulateGeoTest } from "../src/simulate/geoTests.js";
import { type SimulatedDataset, simulateScenario } from "../src/simulate/lab.js";
import { RESULTS_DIR } from "./lib.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SEEDS = arg("seeds", 12);
const TESTS = arg("tests", 20);
const ALPHA = 0.1;
const quantiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)], worst: s[s.length - 1], n: s.length };
};

/** The panel cut to its first `periods` periods (what was known at that time). */
function truncate(p: GeoPanel, periods: number): GeoPanel {
  const T = p.dates.length;
  const y = new Float64Array(p.geos.length * periods);
  for (let g = 0; g < p.geos.length; g++) y.set(p.y.subarray(g * T, g * T + periods), g * periods);
  return { ...p, dates: p.dates.slice(0, periods), y };
}

interface CoverageCase {
  seed: number;
  channel: string;
  kind: GeoTestKind;
  treated: number;
  weeks: number;
  truth: number;
  lift: number;
  low: number | null;
  high: number | null;
  pValue: number;
  covered: boolean;
  tbrCovered: boolean;
  verdict: string;
}

function labCases(ds: SimulatedDataset, seed: number): CoverageCase[] {
  const rng = new Rng(`bench-geotest:${seed}`);
  const channels = ds.table.channels.map((c) => c.name);
  const N = ds.table.weeks.length;
  const out: CoverageCase[] = [];
  for (let i = 0; i < TESTS; i++) {
    const weeks = [2, 4, 6][rng.integer(0, 2)];
    const startWeek = rng.integer(52, N - weeks);
    const treated = randomTreated(ds.table.geos, rng.integer(2, 5), `${seed}:${i}`);
    const channel = channels[rng.integer(0, channels.length - 1)];
    const real: GeoTestKind = rng.uniform() < 0.5 ? "go_dark" : "heavy_up";
    for (const kind of [real, "aa" as const]) {
      const t = simulateGeoTest(ds, { channel, treated, startWeek, weeks, kind, factor: 2 });
      const p = panelFromTable(t.table, "lab");
      const w = locateTest(p, { treated, start: t.truth.start, end: t.truth.end });
      const r = analyzeGeoTest(p, w, { spacePlacebos: false, alpha: ALPHA });
      const inside = (lo: number | null, hi: number | null) =>
        lo !== null && hi !== null && lo <= t.truth.lift && t.truth.lift <= hi;
      out.push({
        seed,
        channel,
        kind,
        treated: treated.length,
        weeks,
        truth: t.truth.lift,
        lift: r.lift,
        low: r.low,
        high: r.high,
        pValue: r.pValue,
        covered: inside(r.low, r.high),
        tbrCovered: inside(r.tbr.low, r.tbr.high),
        verdict: r.verdict,
      });
    }
  }
  return out;
}

const POWER_EFFECTS = [0.02, 0.05, 0.1];

/**
 * For test windows late in each history: design predicts power from the weeks before the window
 * only, then the same lift is injected into the window and analyze reads it. Realised detection
 * over all cases is compared with the mean predicted power, effect by effect.
 */
function powerCases(ds: SimulatedDataset, seed: number) {
  const p0 = panelFromTable(ds.table, "lab");
  const rng = new Rng(`bench-geopower:${seed}`);
  const N = p0.dates.length;
  const out: { effect: number; predicted: number; detected: boolean }[] = [];
  for (const start of [N - 30, N - 20, N - 10]) {
    for (let k = 0; k < 4; k++) {
      const L = 4;
      const treated = randomTreated(p0.geos, rng.integer(2, 4), `${seed}:${start}:${k}`).map((g) =>
        p0.geos.indexOf(g),
      );
      const history = truncate(p0, start);
      const predicted = designPower(history, treated, L, { durations: [L], sizes: [], sign: -1 }).powerCurve;
      for (const effect of POWER_EFFECTS) {
        const panel = truncate(p0, start + L);
        const y = Float64Array.from(panel.y);
        const T = start + L;
        for (const g of treated) for (let t = start; t < T; t++) y[g * T + t] *= 1 - effect;
        const injected = { ...panel, y };
        const w = locateTest(injected, {
          treated: treated.map((g) => p0.geos[g]),
          start: formatDay(p0.dates[start]),
          end: formatDay(p0.dates[T - 1]),
        });
        const r = analyzeGeoTest(injected, w, { spacePlacebos: false, alpha: ALPHA });
        out.push({
          effect,
          predicted: predicted[EFFECT_GRID.indexOf(effect)],
          detected: r.pValue <= ALPHA && r.lift < 0,
        });
      }
    }
  }
  return out;
}

/** A 40-geo × 156-week panel with shared season, trend and shocks, for the speed runs. */
function speedPanel(): GeoPanel {
  const G = 40;
  const T = 156;
  const rng = new Rng("bench-geotest-speed");
  const shock = new Float64Array(T);
  for (let t = 1; t < T; t++) shock[t] = 0.8 * shock[t - 1] + rng.normal(0, 0.03);
  const y = new Float64Array(G * T);
  for (let g = 0; g < G; g++) {
    const level = 1000 * Math.exp(rng.normal(0, 0.7));
    const b = rng.uniformIn(0.5, 1.5);
    for (let t = 0; t < T; t++)
      y[g * T + t] =
        level * (1 + 0.1 * Math.sin((2 * Math.PI * t) / 52) + b * shock[t] + rng.normal(0, 0.03));
  }
  return {
    dates: Array.from({ length: T }, (_, t) => 19359 + 7 * t),
    step: 7,
    geos: Array.from({ length: G }, (_, g) => `g${g}`),
    y,
    kpi: "kpi",
    source: "speed",
  };
}

function speed() {
  const p = speedPanel();
  const w = locateTest(p, {
    treated: ["g3", "g17", "g29"],
    start: formatDay(p.dates[148]),
    end: formatDay(p.dates[151]),
  });
  const analyze: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    analyzeGeoTest(p, w);
    analyze.push((performance.now() - t0) / 1000);
  }
  const t0 = performance.now();
  const rows = designTests(p, {
    durations: [2, 4, 6],
    sizes: [2, 3, 4, 5, 6],
    candidates: 10,
    sign: -1,
    expectedRelative: 0.05,
  });
  const design = (performance.now() - t0) / 1000;
  return {
    analyzeSeconds: quantiles(analyze.slice(1)),
    analyzeFirstRunSeconds: analyze[0],
    designSeconds: design,
    designs: rows.length,
    groups: rows.length / 3,
  };
}

function main() {
  const t0 = performance.now();
  const cases: CoverageCase[] = [];
  const power: { effect: number; predicted: number; detected: boolean }[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const ds = simulateScenario("geo", 100 + seed);
    cases.push(...labCases(ds, seed));
    power.push(...powerCases(ds, seed));
    process.stderr.write(`seed ${seed}/${SEEDS} done (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  const real = cases.filter((c) => c.kind !== "aa");
  const aa = cases.filter((c) => c.kind === "aa");
  const rate = (xs: boolean[]) => xs.filter(Boolean).length / xs.length;
  const perSeedCoverage = Array.from({ length: SEEDS }, (_, s) =>
    rate(real.filter((c) => c.seed === s + 1).map((c) => c.covered)),
  );
  const widths = real.filter((c) => c.low !== null).map((c) => ((c.high as number) - (c.low as number)) / 2);
  const result = {
    format: "mmm-os/bench-geotest@1",
    scenario: "geo (24 geos × 104 weeks), seeds 101…",
    seeds: SEEDS,
    coverage: {
      tests: real.length,
      level: 0.9,
      ascm: rate(real.map((c) => c.covered)),
      tbr: rate(real.map((c) => c.tbrCovered)),
      perSeed: {
        lowest: Math.min(...perSeedCoverage),
        median: quantiles(perSeedCoverage).median,
        highest: Math.max(...perSeedCoverage),
      },
      byKind: Object.fromEntries(
        (["go_dark", "heavy_up"] as const).map((k) => [
          k,
          rate(real.filter((c) => c.kind === k).map((c) => c.covered)),
        ]),
      ),
      byWeeks: Object.fromEntries(
        [2, 4, 6].map((w) => [w, rate(real.filter((c) => c.weeks === w).map((c) => c.covered))]),
      ),
      detected: rate(real.map((c) => c.verdict === "detected")),
      notTrustworthy: rate(real.map((c) => c.verdict === "not_trustworthy")),
      halfWidth: quantiles(widths),
      absoluteError: quantiles(real.map((c) => Math.abs(c.lift - c.truth))),
    },
    aa: {
      tests: aa.length,
      alpha: ALPHA,
      falsePositiveRate: rate(aa.map((c) => c.pValue <= ALPHA)),
      byWeeks: Object.fromEntries(
        [2, 4, 6].map((w) => [w, rate(aa.filter((c) => c.weeks === w).map((c) => c.pValue <= ALPHA))]),
      ),
    },
    power: POWER_EFFECTS.map((effect) => {
      const xs = power.filter((x) => x.effect === effect);
      const predicted = xs.reduce((s, x) => s + x.predicted, 0) / xs.length;
      const realised = rate(xs.map((x) => x.detected));
      return { effect, cases: xs.length, predicted, realised, gapPoints: 100 * (predicted - realised) };
    }),
    speed: speed(),
    seconds: (performance.now() - t0) / 1000,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "geotest.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

main();
