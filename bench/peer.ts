// Peer benchmark (issue: the Bayesian engine): the same model, priors and data in Stan (rstan),
// same chains and draws, measured in one run, one sampler after the other:
//   1. ours end to end as `mmm fit` does it (benchFit: workers, L-BFGS mode + Laplace init, dense
//      metric), timed from the model build;
//   2. Stan: export the same model's data (bench/stan/export.ts), compile mmm.stan afresh (timed)
//      and sample with Stan's defaults (diag_e, adapt_delta 0.8, max_treedepth 10) through
//      bench/stan/run-stan.R, which also writes every post-warm-up draw under our names;
//   3. report: posterior means (|Δ|/sd Stan < 0.2 for every parameter), ROI per channel computed
//      from each engine's draws by OUR code (channelDraws), time and min-bulk-ESS/s ratios.
//
//   npx tsx bench/peer.ts [--scenario clean] [--seed 1] [--chains 4] [--warmup 1000] [--draws 1000] [--cores 2]
//   (npm run bench:peer -- --scenario clean --seed 1)
// Writes bench/results/peer-stan.json; scratch (Stan data, draws, log) under bench/results/stan/.
// Needs Rscript with rstan, posterior and jsonlite (see bench/stan/README.md).

import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { channelDraws } from "../src/analysis/channelMetrics.js";
import { summarise } from "../src/analysis/summaries.js";
import { type ParameterSummary, summariseParameter } from "../src/inference/diagnostics.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { benchFit, RESULTS_DIR, table, writeResult } from "./lib.js";
import { writeStanData } from "./stan/export.js";

const ROOT = join(RESULTS_DIR, "..", "..");
const TARGET = { meanZ: 0.2, roiMeanZ: 0.2, roiEnds: 0.1, essPerSecond: 10, time: 30 };

const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "clean" },
    seed: { type: "string", default: "1" },
    chains: { type: "string", default: "4" },
    warmup: { type: "string", default: "1000" },
    draws: { type: "string", default: "1000" },
    cores: { type: "string", default: "2" },
  },
});
const scenario = values.scenario as string;
const seed = Number(values.seed);
const chains = Number(values.chains);
const warmup = Number(values.warmup);
const draws = Number(values.draws);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const loadAtStart = load();
const log = (s: string) => process.stderr.write(`${s}\n`);

// ---- 1. ours, end to end ----
log(`load average ${loadAtStart}; ours: ${scenario} seed ${seed}, ${chains} chains × (${warmup} + ${draws})`);
const ds = simulateScenario(scenario, seed);
const ours = await benchFit(ds.table, {}, { chains, warmup, draws, seed });
const model = ours.model;
const rep = ours.convergence.report;
log(
  `ours: ${ours.timing.wallSeconds.toFixed(1)} s end to end, min bulk ESS ${(rep.ess_bulk_min ?? Number.NaN).toFixed(0)}`,
);

// ---- 2. Stan: export, fresh compile, sample ----
const base = join(RESULTS_DIR, "stan", `${scenario}-${seed}.peer`);
const files = {
  data: `${base}.data.json`,
  summary: `${base}.stan.json`,
  draws: `${base}.stan.draws.json`,
  log: `${base}.stan.log`,
};
writeStanData(model, files.data, { scenario, seed, holdout: 0, spec: "default" });
// rstan's stan_model() silently reuses a compiled model saved next to the .stan file (its
// auto_write cache): remove it so the compile is timed every run
const cached = join(ROOT, "bench", "stan", "mmm.rds");
if (existsSync(cached)) {
  rmSync(cached);
  log(`removed rstan's cached ${cached} (so the compile is measured)`);
}
const loadBeforeStan = load();
log(`load average ${loadBeforeStan}; Stan: fresh compile, then sampling (log: ${files.log})`);
const logFd = openSync(files.log, "w");
const t0 = performance.now();
const proc = spawnSync(
  "Rscript",
  [
    join(ROOT, "bench", "stan", "run-stan.R"),
    ...["--data", files.data, "--out", files.summary, "--draws-out", files.draws],
    ...["--chains", String(chains), "--warmup", String(warmup), "--draws", String(draws)],
    ...["--seed", String(seed), "--cores", values.cores as string],
  ],
  { cwd: ROOT, stdio: ["ignore", logFd, logFd] },
);
const stanProcessSeconds = (performance.now() - t0) / 1000;
closeSync(logFd);
if (proc.status !== 0) {
  throw new Error(
    `run-stan.R failed (status ${proc.status}); see ${files.log}:\n${readFileSync(files.log, "utf8")}`,
  );
}

interface StanSummary {
  rstan_version: string;
  stan_version: string;
  settings: Record<string, unknown>;
  compile_seconds: number;
  sampling_seconds: number;
  min_ess_bulk: number;
  min_ess_bulk_param: string;
  max_rhat: number;
  leapfrog_per_iteration: number;
  divergences: number;
  warmup_divergences: number;
  max_treedepth_hits: number;
}
interface StanDraws {
  names: string[];
  chains: {
    draws: number[][];
    lp: number[];
    n_leapfrog: number[];
    divergent: number[];
    treedepth: number[];
  }[];
}
const stan = JSON.parse(readFileSync(files.summary, "utf8")) as StanSummary;
const stanDraws = JSON.parse(readFileSync(files.draws, "utf8")) as StanDraws;
const dim = model.dim;
if (stanDraws.names.join() !== model.names.join()) {
  throw new Error(
    `Stan's draws are not in model.names order:\n${stanDraws.names.join()}\n${model.names.join()}`,
  );
}
// Stan's draws in our constrained layout: per chain row-major (draws × dim), and pooled
const stanChains = stanDraws.chains.map((c) => {
  const out = new Float64Array(c.draws.length * dim);
  c.draws.forEach((row, k) => {
    if (row.length !== dim) throw new Error(`Stan draw has ${row.length} values, model.dim is ${dim}`);
    out.set(row, k * dim);
  });
  return out;
});
const stanPooled = new Float64Array(stanChains.reduce((s, c) => s + c.length, 0));
let offset = 0;
for (const c of stanChains) {
  stanPooled.set(c, offset);
  offset += c.length;
}
const column = (chain: Float64Array, j: number) =>
  Float64Array.from({ length: chain.length / dim }, (_, k) => chain[k * dim + j]);
// every summary of Stan's draws by our code (the same estimators as ours' summaries)
const stanParams: Record<string, ParameterSummary> = {};
model.names.forEach((name, j) => {
  stanParams[name] = summariseParameter(stanChains.map((c) => column(c, j)));
});
const stanEssMin = Math.min(...model.names.map((n) => stanParams[n].essBulk));
const stanEssMinParam = model.names.find((n) => stanParams[n].essBulk === stanEssMin) as string;
const stanRhatMax = Math.max(...model.names.map((n) => stanParams[n].rhat));
const allLeapfrog = stanDraws.chains.flatMap((c) => c.n_leapfrog);
const stanLeapfrog = allLeapfrog.reduce((a, b) => a + b, 0) / allLeapfrog.length;
const valuePerUnit = model.data.valuePerUnit ?? 1;
const stanMeasures = channelDraws(model, stanPooled, { valuePerUnit });

// ---- 3. report ----
const sd = (xs: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i];
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - m) ** 2;
  return Math.sqrt(v / (xs.length - 1));
};
const fx = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const sig = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : String(x));

const params = model.names.map((name) => {
  const o = ours.convergence.parameters[name];
  const s = stanParams[name];
  const z = Math.abs(o.mean - s.mean) / s.sd;
  return {
    name,
    meanOurs: o.mean,
    meanStan: s.mean,
    sdOurs: o.sd,
    sdStan: s.sd,
    z,
    pass: z < TARGET.meanZ,
    essOurs: o.essBulk,
    essStan: s.essBulk,
  };
});
const maxZ = Math.max(...params.map((p) => p.z));
const maxZParam = params.find((p) => p.z === maxZ)?.name;

const roi = ours.measures.map((m, c) => {
  const sm = stanMeasures[c];
  if (sm.channel !== m.channel) throw new Error("channel order differs");
  const o = summarise(m.roi);
  const s = summarise(sm.roi);
  const sdStan = sd(sm.roi);
  const width = s.q95 - s.q05;
  const meanZ = Math.abs(o.mean - s.mean) / sdStan;
  const endShift = Math.max(Math.abs(o.q05 - s.q05), Math.abs(o.q95 - s.q95)) / width;
  return {
    channel: m.channel,
    ours: { ...o, sd: sd(m.roi) },
    stan: { ...s, sd: sdStan },
    meanZ,
    endShift,
    agree: meanZ < TARGET.roiMeanZ && endShift < TARGET.roiEnds,
  };
});

const oursWall = ours.timing.wallSeconds;
const stanTotal = stan.compile_seconds + stan.sampling_seconds;
const timeRatio = stanTotal / oursWall;
const oursEssPerS = (rep.ess_bulk_min ?? Number.NaN) / oursWall;
const stanEssPerS = stanEssMin / stan.sampling_seconds;
const essRatio = oursEssPerS / stanEssPerS;
const loadAtEnd = load();

const out: string[] = [];
out.push(
  `\n== peer: ${scenario} seed ${seed}, ours vs Stan ${stan.stan_version} (rstan ${stan.rstan_version})`,
);
out.push(
  `   ${chains} chains × (${warmup} warm-up + ${draws} draws) each; ours dense metric from the Laplace init, Stan diag_e defaults, ${values.cores} cores`,
);
out.push(
  `   load average (1/5/15 min): start ${loadAtStart}, before Stan ${loadBeforeStan}, end ${loadAtEnd}\n`,
);
out.push(`-- posterior means (constrained scale; pass if |Δ|/sd Stan < ${TARGET.meanZ})\n`);
out.push(
  table(
    params.map((p) => [
      p.name,
      sig(p.meanOurs),
      sig(p.meanStan),
      sig(p.sdStan),
      fx(p.sdOurs / p.sdStan, 2),
      fx(p.z),
      p.pass ? "yes" : "NO",
    ]),
    ["parameter", "mean ours", "mean Stan", "sd Stan", "sd ours/Stan", "|Δ|/sd Stan", "pass"],
  ),
);
out.push(
  `\nmax |Δ|/sd Stan = ${fx(maxZ)} (${maxZParam}); ${params.filter((p) => p.pass).length}/${params.length} pass`,
);

out.push(
  `\n-- ROI per channel, mean [5%, 95%], both from channelDraws (agree if |Δ mean| < ${TARGET.roiMeanZ}·sd Stan and both ends within ${TARGET.roiEnds * 100}% of Stan's interval width)\n`,
);
const iv = (x: { mean: number; q05: number; q95: number }) => `${fx(x.mean)} [${fx(x.q05)}, ${fx(x.q95)}]`;
out.push(
  table(
    roi.map((r) => [
      r.channel,
      iv(r.ours),
      iv(r.stan),
      fx(r.stan.sd),
      fx(r.meanZ),
      fx(r.endShift),
      r.agree ? "yes" : "NO",
    ]),
    ["channel", "ours ROI", "Stan ROI", "sd Stan", "|Δ mean|/sd", "max end shift/width", "agree"],
  ),
);

out.push(`\n-- time (seconds, wall clock)\n`);
out.push(
  table(
    [
      [
        `ours end to end (model build, L-BFGS + Laplace, ${chains} chains in workers, ROI draws)`,
        fx(oursWall, 1),
      ],
      ["  of which optimisation (mode + Laplace)", fx(ours.timing.optimizeSeconds, 1)],
      ["  of which sampling (workers, wall)", fx(ours.timing.samplingWallSeconds, 1)],
      ["Stan compile", fx(stan.compile_seconds, 1)],
      ["Stan sampling (wall, incl. starting rstan's workers)", fx(stan.sampling_seconds, 1)],
      ["Stan compile + sample", fx(stanTotal, 1)],
      ["(Rscript process, incl. R start-up, summaries, writing draws)", fx(stanProcessSeconds, 1)],
      [`Stan compile+sample ÷ ours end to end (target ≥ ${TARGET.time}×)`, `${fx(timeRatio, 2)}×`],
    ],
    ["", "s"],
  ),
);

out.push(
  `\n-- efficiency (min bulk ESS over all ${dim} parameters; Stan's by our estimator, R posterior's in brackets)\n`,
);
out.push(
  table(
    [
      [
        "ours",
        `${fx(rep.ess_bulk_min ?? Number.NaN, 0)} (${minName(ours.convergence.parameters)})`,
        fx(oursWall, 1),
        fx(oursEssPerS, 2),
        fx(ours.timing.meanLeapfrogPerIteration, 1),
        rep.divergences,
        fx(rep.rhat_max ?? Number.NaN, 4),
      ],
      [
        "Stan",
        `${fx(stanEssMin, 0)} [${fx(stan.min_ess_bulk, 0)}] (${stanEssMinParam})`,
        fx(stan.sampling_seconds, 1),
        fx(stanEssPerS, 2),
        fx(stanLeapfrog, 1),
        `${stan.divergences} (+${stan.warmup_divergences} warm-up)`,
        fx(stanRhatMax, 4),
      ],
    ],
    ["engine", "min bulk ESS", "seconds", "ESS/s", "leapfrog/iter", "divergences", "R̂ max"],
  ),
);
out.push(
  `ours ESS/s per end-to-end second, Stan's per sampling second (compile excluded; per compile+sample: ${fx(stanEssMin / stanTotal, 2)})`,
);
out.push(`ESS/s ours ÷ Stan = ${fx(essRatio, 2)}× (target ≥ ${TARGET.essPerSecond}×)`);

const allMeans = params.every((p) => p.pass);
const allRoi = roi.every((r) => r.agree);
out.push(`\n-- verdict\n`);
out.push(
  table(
    [
      [`posterior means within ${TARGET.meanZ} sd of Stan's`, `max ${fx(maxZ)}`, allMeans ? "PASS" : "FAIL"],
      ["ROI intervals agree", `${roi.filter((r) => r.agree).length}/${roi.length}`, allRoi ? "PASS" : "FAIL"],
      [
        `min-bulk-ESS/s ratio ≥ ${TARGET.essPerSecond}×`,
        `${fx(essRatio, 2)}×`,
        essRatio >= TARGET.essPerSecond ? "PASS" : "FAIL",
      ],
      [`time ratio ≥ ${TARGET.time}×`, `${fx(timeRatio, 2)}×`, timeRatio >= TARGET.time ? "PASS" : "FAIL"],
    ],
    ["check", "value", "result"],
  ),
);
const text = out.join("\n");
console.log(text);

const path = writeResult("peer-stan", {
  scenario,
  seed,
  settings: {
    chains,
    warmup,
    draws,
    cores: Number(values.cores),
    ours: "dense metric, L-BFGS + Laplace init, WorkerExecutor",
    stan: stan.settings,
  },
  versions: { stan: stan.stan_version, rstan: stan.rstan_version },
  loadAverage: { start: loadAtStart, beforeStan: loadBeforeStan, end: loadAtEnd },
  targets: TARGET,
  verdict: { means: allMeans, roi: allRoi, essPerSecondRatio: essRatio, timeRatio },
  timing: {
    ours: {
      endToEndSeconds: oursWall,
      optimizeSeconds: ours.timing.optimizeSeconds,
      samplingWallSeconds: ours.timing.samplingWallSeconds,
    },
    stan: {
      compileSeconds: stan.compile_seconds,
      samplingWallSeconds: stan.sampling_seconds,
      compilePlusSampleSeconds: stanTotal,
      rscriptProcessSeconds: stanProcessSeconds,
    },
    ratio: timeRatio,
  },
  efficiency: {
    ours: {
      minBulkEss: rep.ess_bulk_min,
      essPerSecond: oursEssPerS,
      leapfrogPerIteration: ours.timing.meanLeapfrogPerIteration,
      divergences: rep.divergences,
      rhatMax: rep.rhat_max,
    },
    stan: {
      minBulkEss: stanEssMin,
      minBulkEssParam: stanEssMinParam,
      minBulkEssPosteriorR: stan.min_ess_bulk,
      essPerSecond: stanEssPerS,
      essPerCompilePlusSampleSecond: stanEssMin / stanTotal,
      leapfrogPerIteration: stanLeapfrog,
      divergences: stan.divergences,
      warmupDivergences: stan.warmup_divergences,
      treedepthHits: stan.max_treedepth_hits,
      rhatMax: stanRhatMax,
    },
    ratio: essRatio,
  },
  maxMeanZ: maxZ,
  params,
  roi,
  files: { stanSummary: files.summary, stanLog: files.log },
});
console.log(`\n→ ${path}`);

function minName(ps: Record<string, ParameterSummary>): string {
  let best = "";
  let v = Number.POSITIVE_INFINITY;
  for (const [name, p] of Object.entries(ps)) {
    if (p.essBulk < v) {
      v = p.essBulk;
      best = name;
    }
  }
  return best;
}
