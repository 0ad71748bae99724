// Peer benchmark (issue 12): the same model, priors and data in Stan (rstan), over several
// scenarios and seeds, so no verdict rests on one lucky seed. Per run:
//   1. ours end to end as `mmm fit` runs it by default (benchFit: workers, L-BFGS mode + Laplace
//      init, dense metric, our default warm-up and draws), timed from the model build to the ROI
//      draws and convergence summary;
//   2. Stan with its defaults (diag_e, adapt_delta 0.8, max_treedepth 10, 1000 + 1000) through
//      bench/stan/peerStan.ts, which reuses a result already on disk for the same settings;
//   3. posterior means (|Δ|/sd Stan < 0.2 for every parameter) and ROI per channel computed from
//      both engines' draws by OUR code (means within 0.2 sd; each 90% interval end within 10% of
//      the width or within 3 Monte Carlo standard errors of the difference); min-bulk-ESS/s and
//      time ratios; divergences; R̂.
// Then the median and the worst ratio over all runs, against the targets.
//
//   npx tsx bench/peer.ts [--scenarios clean,collinear,short] [--seeds 1-5] [--fresh-stan]
//                         [--chains 4] [--warmup 1000] [--draws 1000] [--cores 2]
//   (npm run bench:peer -- --scenarios clean,collinear,short --seeds 1-5)
// --warmup/--draws are Stan's; ours runs with DEFAULT_SAMPLE_OPTIONS (what a user gets).
// Writes bench/results/peer-stan.json; Stan's data, draws and logs under bench/results/stan/.
// Needs Rscript with rstan, posterior and jsonlite (see bench/stan/README.md).

import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { summarise } from "../src/analysis/summaries.js";
import { mcseQuantile } from "../src/inference/diagnostics.js";
import { buildModel } from "../src/inference/executor.js";
import { DEFAULT_SAMPLE_OPTIONS } from "../src/inference/sample.js";
import { ModelSpecSchema } from "../src/model/spec.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { benchFit, median, seedList, table, writeResult } from "./lib.js";
import {
  forgetCompiledStan,
  recordedCompileSeconds,
  type StanRun,
  stanCached,
  stanRun,
} from "./stan/peerStan.js";

const TARGET = {
  meanZ: 0.2,
  roiMeanZ: 0.2,
  roiEnds: 0.1,
  roiEndsMcse: 3,
  essPerSecondMedian: 10,
  essPerSecondWorst: 5,
  timeMedian: 30,
  timeWorst: 15,
  divergenceFreeShare: 14 / 15,
  rhat: 1.01,
};

const { values } = parseArgs({
  options: {
    scenarios: { type: "string" },
    scenario: { type: "string" },
    seeds: { type: "string" },
    seed: { type: "string" },
    chains: { type: "string", default: "4" },
    warmup: { type: "string", default: "1000" },
    draws: { type: "string", default: "1000" },
    cores: { type: "string", default: "2" },
    "fresh-stan": { type: "boolean", default: false },
  },
});

const scenarios = (values.scenarios ?? values.scenario ?? "clean").split(",").map((s) => s.trim());
const seeds = seedList(values.seeds ?? values.seed ?? "1");
const runs = scenarios.flatMap((scenario) => seeds.map((seed) => ({ scenario, seed })));
const stanSettings = (seed: number) => ({
  chains: Number(values.chains),
  warmup: Number(values.warmup),
  draws: Number(values.draws),
  seed,
  cores: Number(values.cores),
});
const fresh = values["fresh-stan"] as boolean;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const log = (s: string) => process.stderr.write(`${s}\n`);

// one fresh compile per invocation that samples Stan at all, charged to every run
const defaultModel = (scenario: string, seed: number) =>
  buildModel({ table: simulateScenario(scenario, seed).table, spec: ModelSpecSchema.parse({}) });
const sampling = runs.some(
  (r) => fresh || !stanCached(defaultModel(r.scenario, r.seed), r.scenario, r.seed, stanSettings(r.seed)),
);
if (sampling) forgetCompiledStan();
let compileSeconds = sampling ? undefined : recordedCompileSeconds(runs);

/** Pooled draws (chains one after another) back into their chains. */
const byChain = (xs: Float64Array, chains: number) => {
  const n = xs.length / chains;
  return Array.from({ length: chains }, (_, c) => xs.subarray(c * n, (c + 1) * n));
};

const sd = (xs: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i];
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - m) ** 2;
  return Math.sqrt(v / (xs.length - 1));
};

async function oneRun(scenario: string, seed: number) {
  const loadAtStart = load();
  log(`load ${loadAtStart}; ours: ${scenario} seed ${seed}`);
  const ds = simulateScenario(scenario, seed);
  const ours = await benchFit(ds.table, {}, { seed });
  const model = ours.model;
  const rep = ours.convergence.report;
  const stan: StanRun = stanRun(model, scenario, stanSettings(seed), { fresh, compileSeconds });
  if (stan.summary.compile_seconds > 0) compileSeconds = stan.summary.compile_seconds;

  const params = model.names.map((name) => {
    const o = ours.convergence.parameters[name];
    const s = stan.params[name];
    return {
      name,
      meanOurs: o.mean,
      meanStan: s.mean,
      sdOurs: o.sd,
      sdStan: s.sd,
      z: Math.abs(o.mean - s.mean) / s.sd,
    };
  });
  const maxZ = Math.max(...params.map((p) => p.z));
  const roi = ours.measures.map((m, c) => {
    const sm = stan.measures[c];
    if (sm.channel !== m.channel) throw new Error("channel order differs");
    const o = summarise(m.roi);
    const s = summarise(sm.roi);
    const width = s.q95 - s.q05;
    const meanZ = Math.abs(o.mean - s.mean) / sd(sm.roi);
    const endShift = Math.max(Math.abs(o.q05 - s.q05), Math.abs(o.q95 - s.q95)) / width;
    // an interval end of a skewed ROI is a tail quantile: with ~1000 effective draws its own
    // Monte Carlo error can exceed a tenth of the width, so an end also agrees when the two
    // engines differ by less than three standard errors of their difference
    const oursChains = byChain(m.roi, DEFAULT_SAMPLE_OPTIONS.chains);
    const stanChains = byChain(sm.roi, Number(values.chains));
    const endZ = Math.max(
      ...([0.05, 0.95] as const).map((p) => {
        const diff = Math.abs(p === 0.05 ? o.q05 - s.q05 : o.q95 - s.q95);
        return diff / Math.hypot(mcseQuantile(oursChains, p), mcseQuantile(stanChains, p));
      }),
    );
    return {
      channel: m.channel,
      ours: o,
      stan: s,
      meanZ,
      endShift,
      endZ,
      strictAgree: meanZ < TARGET.roiMeanZ && endShift < TARGET.roiEnds,
      agree: meanZ < TARGET.roiMeanZ && (endShift < TARGET.roiEnds || endZ < TARGET.roiEndsMcse),
    };
  });
  const oursWall = ours.timing.wallSeconds;
  const stanTotal = stan.compileSeconds + stan.samplingSeconds;
  const oursEssPerS = (rep.ess_bulk_min ?? Number.NaN) / oursWall;
  const stanEssPerS = stan.essMin / stan.samplingSeconds;
  return {
    scenario,
    seed,
    load: { start: loadAtStart, end: load() },
    ours: {
      endToEndSeconds: oursWall,
      optimizeSeconds: ours.timing.optimizeSeconds,
      samplingWallSeconds: ours.timing.samplingWallSeconds,
      minBulkEss: rep.ess_bulk_min,
      minBulkEssParam: minEssName(ours.convergence.parameters),
      essPerSecond: oursEssPerS,
      leapfrogPerIteration: ours.timing.meanLeapfrogPerIteration,
      divergences: rep.divergences,
      rhatMax: rep.rhat_max,
    },
    stan: {
      cached: stan.cached,
      compileSeconds: stan.compileSeconds,
      samplingSeconds: stan.samplingSeconds,
      samplingWallSeconds: stan.samplingWallSeconds,
      minBulkEss: stan.essMin,
      minBulkEssParam: stan.essMinParam,
      essPerSecond: stanEssPerS,
      leapfrogPerIteration: stan.leapfrogPerIteration,
      divergences: stan.summary.divergences,
      warmupDivergences: stan.summary.warmup_divergences,
      treedepthHits: stan.summary.max_treedepth_hits,
      rhatMax: stan.rhatMax,
      versions: { stan: stan.summary.stan_version, rstan: stan.summary.rstan_version },
    },
    essPerSecondRatio: oursEssPerS / stanEssPerS,
    timeRatio: stanTotal / oursWall,
    maxMeanZ: maxZ,
    maxMeanZParam: params.find((p) => p.z === maxZ)?.name,
    meansAgree: params.every((p) => p.z < TARGET.meanZ),
    roiAgree: roi.filter((r) => r.agree).length,
    roiStrictAgree: roi.filter((r) => r.strictAgree).length,
    roiChannels: roi.length,
    params,
    roi,
  };
}

function minEssName(ps: Record<string, { essBulk: number }>): string {
  return Object.entries(ps).reduce((a, b) => (b[1].essBulk < a[1].essBulk ? b : a))[0];
}

const results: Awaited<ReturnType<typeof oneRun>>[] = [];
for (const r of runs) results.push(await oneRun(r.scenario, r.seed));

const fx = (x: number | null | undefined, d = 2) =>
  x != null && Number.isFinite(x) ? x.toFixed(d) : String(x);
const opts = DEFAULT_SAMPLE_OPTIONS;
const out: string[] = [];
out.push(
  `\n== peer: ours (defaults: ${opts.chains} chains × (${opts.warmup} warm-up + ${opts.draws} draws), dense metric from the Laplace init) vs Stan ${results[0].stan.versions.stan} (${values.chains} chains × (${values.warmup} + ${values.draws}), diag_e defaults), ${values.cores} cores\n`,
);
out.push(
  table(
    results.map((r) => [
      `${r.scenario} ${r.seed}`,
      fx(r.ours.endToEndSeconds, 1),
      fx(r.ours.minBulkEss, 0),
      fx(r.ours.leapfrogPerIteration, 1),
      r.ours.divergences,
      fx(r.ours.rhatMax, 4),
      `${fx(r.stan.compileSeconds, 0)}+${fx(r.stan.samplingSeconds, 0)}${r.stan.cached ? "*" : ""}`,
      fx(r.stan.minBulkEss, 0),
      fx(r.stan.leapfrogPerIteration, 1),
      r.stan.divergences,
      `${fx(r.essPerSecondRatio, 1)}×`,
      `${fx(r.timeRatio, 1)}×`,
      `${fx(r.maxMeanZ, 3)} ${r.meansAgree ? "ok" : "NO"}`,
      `${r.roiAgree}/${r.roiChannels}`,
    ]),
    [
      "run",
      "ours s",
      "ours ESS",
      "lf/iter",
      "div",
      "R̂ max",
      "Stan s (compile+sample)",
      "Stan ESS",
      "lf/iter",
      "div",
      "ESS/s ratio",
      "time ratio",
      "max |Δ|/sd",
      "ROI agree",
    ],
  ),
);
out.push(
  "Stan s = one fresh compile (timed once per sampling invocation, charged to every run) + sampling, taken from Stan's own per-chain timers summed and spread over the cores (a lower bound on its wall time that other load does not inflate); * = Stan's result reused from an earlier run with the same settings (bench/stan/peerStan.ts). Ours: wall clock, model build to ROI draws and convergence summary.",
);

const ess = results.map((r) => r.essPerSecondRatio);
const time = results.map((r) => r.timeRatio);
const divFree = results.filter((r) => r.ours.divergences === 0).length;
const rhatMax = Math.max(...results.map((r) => r.ours.rhatMax ?? Number.POSITIVE_INFINITY));
const wallMedian = median(results.map((r) => r.ours.endToEndSeconds));
const verdict = {
  essPerSecond: { median: median(ess), worst: Math.min(...ess) },
  time: { median: median(time), worst: Math.min(...time) },
  divergenceFreeRuns: divFree,
  runs: results.length,
  rhatMax,
  meansAgreeRuns: results.filter((r) => r.meansAgree).length,
  roiAgreeRuns: results.filter((r) => r.roiAgree === r.roiChannels).length,
  roiStrictAgreeRuns: results.filter((r) => r.roiStrictAgree === r.roiChannels).length,
  oursSecondsMedian: wallMedian,
};
const pass = (ok: boolean) => (ok ? "PASS" : "FAIL");
out.push(`\n-- verdict over ${results.length} runs\n`);
out.push(
  table(
    [
      [
        `min-bulk-ESS/s ratio, median ≥ ${TARGET.essPerSecondMedian}×`,
        `${fx(verdict.essPerSecond.median, 1)}×`,
        pass(verdict.essPerSecond.median >= TARGET.essPerSecondMedian),
      ],
      [
        `min-bulk-ESS/s ratio, worst ≥ ${TARGET.essPerSecondWorst}×`,
        `${fx(verdict.essPerSecond.worst, 1)}×`,
        pass(verdict.essPerSecond.worst >= TARGET.essPerSecondWorst),
      ],
      [
        `time ratio (Stan compile+sample ÷ ours end to end), median ≥ ${TARGET.timeMedian}×`,
        `${fx(verdict.time.median, 1)}×`,
        pass(verdict.time.median >= TARGET.timeMedian),
      ],
      [
        `time ratio, worst ≥ ${TARGET.timeWorst}×`,
        `${fx(verdict.time.worst, 1)}×`,
        pass(verdict.time.worst >= TARGET.timeWorst),
      ],
      [
        "runs without post-warm-up divergences (ours)",
        `${divFree}/${results.length}`,
        pass(divFree >= TARGET.divergenceFreeShare * results.length),
      ],
      [`R̂ max (ours) ≤ ${TARGET.rhat}`, fx(rhatMax, 4), pass(rhatMax <= TARGET.rhat)],
      [
        `posterior means within ${TARGET.meanZ} sd of Stan's`,
        `${verdict.meansAgreeRuns}/${results.length} runs`,
        pass(verdict.meansAgreeRuns === results.length),
      ],
      [
        "ROI intervals agree on every channel",
        `${verdict.roiAgreeRuns}/${results.length} runs`,
        pass(verdict.roiAgreeRuns === results.length),
      ],
      [
        `ROI interval ends within ${TARGET.roiEnds * 100}% of the width, without the MCSE allowance`,
        `${verdict.roiStrictAgreeRuns}/${results.length} runs`,
        "info",
      ],
      ["ours end to end, median seconds", fx(wallMedian, 1), ""],
    ],
    ["check", "value", "result"],
  ),
);
console.log(out.join("\n"));

const path = writeResult("peer-stan", {
  scenarios,
  seeds,
  settings: {
    ours: { ...opts, init: "L-BFGS mode + Laplace draws", executor: "WorkerExecutor" },
    stan: {
      chains: Number(values.chains),
      warmup: Number(values.warmup),
      draws: Number(values.draws),
      cores: Number(values.cores),
      metric: "diag_e",
      adapt_delta: 0.8,
      max_treedepth: 10,
      init: "random",
    },
  },
  targets: TARGET,
  verdict,
  runs: results.map(({ params, ...rest }) => ({ ...rest, params: params.filter((p) => p.z >= 0.1) })),
});
console.log(`\n→ ${path}`);
