// Stan's side of the peer benchmark (bench/peer.ts): export our model's data, sample it with
// rstan through run-stan.R, and read the result back into our layout and our estimators.
//
// Stan's run depends only on the data, its seed and its settings, never on our engine, so a result
// already on disk for the same scenario, seed and settings is reused (unless `fresh`): the
// benchmark can then be re-run for our side in seconds. Stan is compiled once per invocation that
// samples (fresh, timed) and the compiled model reused by that invocation's other runs; every run
// is charged that one compile time, as a user who fits one brand pays it.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { channelDraws } from "../../src/analysis/channelMetrics.js";
import { type ParameterSummary, summariseParameter } from "../../src/inference/diagnostics.js";
import type { MmmModel } from "../../src/model/mmm.js";
import { RESULTS_DIR } from "../lib.js";
import { stanData, writeStanData } from "./export.js";

const ROOT = join(RESULTS_DIR, "..", "..");
const COMPILED = join(RESULTS_DIR, "stan", "peer-compiled.rds");

export interface StanSettings {
  chains: number;
  warmup: number;
  draws: number;
  seed: number;
  cores: number;
}

interface StanSummary {
  rstan_version: string;
  stan_version: string;
  settings: Record<string, unknown> & StanSettings;
  compile_seconds: number;
  sampling_seconds: number;
  /** Stan's own per-chain timers (CPU clock of each chain's process). */
  chain_seconds: { warmup: number[]; sample: number[] };
  min_ess_bulk: number;
  leapfrog_per_iteration: number;
  divergences: number;
  warmup_divergences: number;
  max_treedepth_hits: number;
  /** SHA-256 of the data Stan sampled (added by sample()): a result for other data is never reused. */
  data_sha256?: string;
}

interface StanDraws {
  names: string[];
  chains: { draws: number[][]; n_leapfrog: number[] }[];
}

export interface StanRun {
  summary: StanSummary;
  /** Seconds Stan took to compile (measured once per sampling invocation). */
  compileSeconds: number;
  /**
   * Sampling time charged to Stan: its per-chain timers summed and spread over the cores, the wall
   * time the chains would need with no overhead and nothing else running. A lower bound on Stan's
   * wall time (so the ratio is conservative) that other load on the machine does not inflate.
   */
  samplingSeconds: number;
  /** The sampling wall time rstan measured (includes starting its workers, and any other load). */
  samplingWallSeconds: number;
  cached: boolean;
  /** Per-parameter summaries of Stan's draws by our estimators. */
  params: Record<string, ParameterSummary>;
  essMin: number;
  essMinParam: string;
  rhatMax: number;
  leapfrogPerIteration: number;
  /** ROI draws per channel, from Stan's draws by our code. */
  measures: ReturnType<typeof channelDraws>;
  log: string;
}

const log = (s: string) => process.stderr.write(`${s}\n`);

function files(scenario: string, seed: number) {
  const base = join(RESULTS_DIR, "stan", `${scenario}-${seed}.peer`);
  return {
    data: `${base}.data.json`,
    summary: `${base}.stan.json`,
    draws: `${base}.stan.draws.json`,
    log: `${base}.stan.log`,
  };
}

function sameSettings(a: StanSettings, b: StanSettings): boolean {
  return (["chains", "warmup", "draws", "seed", "cores"] as const).every(
    (k) => Number(a[k]) === Number(b[k]),
  );
}

const META = (scenario: string, seed: number) => ({ scenario, seed, holdout: 0, spec: "default" });

/** The digest of the data Stan would be given for this model, scenario and seed. */
function dataDigest(model: MmmModel, scenario: string, seed: number): string {
  const json = JSON.stringify(stanData(model, META(scenario, seed)).data);
  return createHash("sha256").update(json).digest("hex");
}

/**
 * Whether a Stan result for this model's data and these settings is on disk (and will be reused
 * unless fresh). The data must match too: when the lab or the model changes, an old result
 * would otherwise be compared with a fit of different data.
 */
export function stanCached(model: MmmModel, scenario: string, seed: number, settings: StanSettings): boolean {
  const f = files(scenario, seed);
  if (!existsSync(f.summary) || !existsSync(f.draws)) return false;
  const s = JSON.parse(readFileSync(f.summary, "utf8")) as StanSummary;
  return sameSettings(s.settings, settings) && s.data_sha256 === dataDigest(model, scenario, seed);
}

/** Removes the compiled model so the next sampling invocation compiles afresh (timed). */
export function forgetCompiledStan(): void {
  if (existsSync(COMPILED)) rmSync(COMPILED);
  // rstan's stan_model() silently reuses a model saved next to the .stan file (auto_write)
  const cached = join(ROOT, "bench", "stan", "mmm.rds");
  if (existsSync(cached)) rmSync(cached);
}

function sample(model: MmmModel, scenario: string, settings: StanSettings): void {
  const f = files(scenario, settings.seed);
  writeStanData(model, f.data, META(scenario, settings.seed));
  const fd = openSync(f.log, "w");
  const proc = spawnSync(
    "Rscript",
    [
      join(ROOT, "bench", "stan", "run-stan.R"),
      ...["--data", f.data, "--out", f.summary, "--draws-out", f.draws, "--compiled", COMPILED],
      ...["--chains", String(settings.chains), "--warmup", String(settings.warmup)],
      ...[
        "--draws",
        String(settings.draws),
        "--seed",
        String(settings.seed),
        "--cores",
        String(settings.cores),
      ],
    ],
    { cwd: ROOT, stdio: ["ignore", fd, fd] },
  );
  closeSync(fd);
  if (proc.status !== 0) {
    throw new Error(
      `run-stan.R failed (status ${proc.status}); see ${f.log}:\n${readFileSync(f.log, "utf8")}`,
    );
  }
  const summary = JSON.parse(readFileSync(f.summary, "utf8")) as StanSummary;
  summary.data_sha256 = dataDigest(model, scenario, settings.seed);
  writeFileSync(f.summary, `${JSON.stringify(summary, null, 2)}\n`);
}

/** Stan's run for this scenario and seed: sampled now, or read from disk when cached. */
export function stanRun(
  model: MmmModel,
  scenario: string,
  settings: StanSettings,
  opts: { fresh: boolean; compileSeconds?: number },
): StanRun {
  const f = files(scenario, settings.seed);
  const cached = !opts.fresh && stanCached(model, scenario, settings.seed, settings);
  if (!cached) {
    log(`Stan: ${scenario} seed ${settings.seed} (log: ${f.log})`);
    sample(model, scenario, settings);
  } else log(`Stan: ${scenario} seed ${settings.seed} reused from ${f.summary}`);
  const summary = JSON.parse(readFileSync(f.summary, "utf8")) as StanSummary;
  const stanDraws = JSON.parse(readFileSync(f.draws, "utf8")) as StanDraws;
  const dim = model.dim;
  if (stanDraws.names.join() !== model.names.join()) {
    throw new Error(
      `Stan's draws in ${f.draws} are not in model.names order (the model changed since they were made; rerun with --fresh-stan):\n${stanDraws.names.join()}\n${model.names.join()}`,
    );
  }
  const chains = stanDraws.chains.map((c) => {
    const out = new Float64Array(c.draws.length * dim);
    for (let k = 0; k < c.draws.length; k++) out.set(c.draws[k], k * dim);
    return out;
  });
  const pooled = new Float64Array(chains.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of chains) {
    pooled.set(c, o);
    o += c.length;
  }
  const column = (chain: Float64Array, j: number) =>
    Float64Array.from({ length: chain.length / dim }, (_, k) => chain[k * dim + j]);
  const params: Record<string, ParameterSummary> = {};
  model.names.forEach((name, j) => {
    params[name] = summariseParameter(chains.map((c) => column(c, j)));
  });
  const essMin = Math.min(...model.names.map((n) => params[n].essBulk));
  const leapfrog = stanDraws.chains.flatMap((c) => c.n_leapfrog);
  return {
    summary,
    compileSeconds:
      summary.compile_seconds > 0 ? summary.compile_seconds : (opts.compileSeconds ?? Number.NaN),
    samplingSeconds: chainSecondsPerCore(summary),
    samplingWallSeconds: summary.sampling_seconds,
    cached,
    params,
    essMin,
    essMinParam: model.names.find((n) => params[n].essBulk === essMin) as string,
    rhatMax: Math.max(...model.names.map((n) => params[n].rhat)),
    leapfrogPerIteration: leapfrog.reduce((a, b) => a + b, 0) / leapfrog.length,
    measures: channelDraws(model, pooled, { valuePerUnit: model.data.valuePerUnit ?? 1 }),
    log: f.log,
  };
}

function chainSecondsPerCore(s: StanSummary): number {
  const total = [...s.chain_seconds.warmup, ...s.chain_seconds.sample].reduce((a, b) => a + b, 0);
  return total / Math.min(Number(s.settings.cores), Number(s.settings.chains));
}

/**
 * The compile time to charge runs whose Stan result was reused: the one recorded by the run that
 * compiled (the largest compile time among this scenario set's results on disk).
 */
export function recordedCompileSeconds(runs: { scenario: string; seed: number }[]): number | undefined {
  let best: number | undefined;
  for (const r of runs) {
    const f = files(r.scenario, r.seed);
    if (!existsSync(f.summary)) continue;
    const s = JSON.parse(readFileSync(f.summary, "utf8")) as StanSummary;
    if (s.compile_seconds > 0) best = Math.max(best ?? 0, s.compile_seconds);
  }
  return best;
}
