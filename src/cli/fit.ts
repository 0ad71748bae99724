// `mmm fit`: modeling table + model spec → run folder with draws (CmdStan CSV), diagnostics and
// summary.json. Chains run in parallel worker threads; the same seed gives the same draws.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { channelDraws, organicDraws } from "../analysis/channelMetrics.js";
import { assessConvergence } from "../analysis/convergence.js";
import { convergenceLines, roiTable } from "../analysis/fitReport.js";
import { buildFitSummary, type FitSummary } from "../analysis/fitSummary.js";
import { MmmError } from "../core/errors.js";
import { finiteJson } from "../core/finiteJson.js";
import { parseUserNumber } from "../core/userNumber.js";
import { checkOutputDir, type OutputFile, writeDirAtomic } from "../data/atomicDir.js";
import { readUserFile, readUserText } from "../data/fsErrors.js";
import { codeVersion, sha256 } from "../data/lineage.js";
import type { OutputInput } from "../data/outputPath.js";
import { buildRunManifest } from "../data/runManifest.js";
import { SCHEMA_FILE, TABLE_FILE } from "../data/tableIo.js";
import { SAMPLER_STATS } from "../inference/chain.js";
import { cmdstanCsv } from "../inference/cmdstanCsv.js";
import { buildModel } from "../inference/executor.js";
import { DEFAULT_SAMPLE_OPTIONS, fitModel, pooledDraws, type SampleOptions } from "../inference/sample.js";
import { DEFAULT_STOP_AT_BAR } from "../inference/segments.js";
import type { WarmStart } from "../inference/warmStart.js";
import { describePrior } from "../model/priors.js";
import { type ModelSpec, parseModelSpec } from "../model/spec.js";
import { readRun } from "../runs/runReader.js";
import { completeRegistration, planRegistration, type RegistrationOptions } from "../runs/runRegistration.js";
import {
  EXPERIMENTS_FILE,
  experimentsLines,
  experimentsSummary,
  parseCalibration,
  readFitExperiments,
} from "./fitExperiments.js";
import type { CliIo } from "./io.js";
import { ChainProgressBars } from "./progress.js";
import { readTable, tableFolder } from "./tableInput.js";
import { WorkerExecutor } from "./workerExecutor.js";

export interface FitOptions extends RegistrationOptions {
  table: string;
  config?: string;
  /** The run folder; in a workspace it defaults to <runs_dir>/<id>. */
  out?: string;
  chains: string;
  warmup: string;
  draws: string;
  seed: string;
  method: string;
  metric: string;
  adaptDelta: string;
  maxDepth: string;
  force?: boolean;
  quiet?: boolean;
  /** Lift tests to calibrate with (the experiments file). */
  experiments?: string;
  /** likelihood (default) or roi-prior: how the tests calibrate. */
  calibration?: string;
  /** A previous run folder to start the chains from (warmStart.ts). */
  warmStart?: string;
  /** True when --warmup was not given: a warm start then uses WARM_WARMUP. */
  warmupDefaulted?: boolean;
}

function intOption(text: string, flag: string, min: number, max: number): number {
  return parseUserNumber(
    text,
    flag,
    { option: flag },
    { integer: true, min, max, example: `${flag} ${min}` },
  );
}

/**
 * Warm-up iterations of a warm-started fit when --warmup is not given: its metric and step size
 * come from the previous posterior, so one initial buffer, one short window and a terminal buffer
 * (75 + 25 + 50) re-tune them. Over 60 monthly refreshes of the lab's clean brand
 * (`npm run bench:refresh`) this took 0.69× a cold fit's wall time (median) and met R̂ ≤ 1.01,
 * ESS ≥ 400 and no divergences in 82% of them (cold fits: 100%): the convergence report says when
 * to refit longer.
 */
export const WARM_WARMUP = 150;

/** The previous run's draws, names and step sizes for a warm start. */
function readWarmStart(dir: string): WarmStart {
  const prev = readRun(dir);
  let stepSizes: number[] | undefined;
  try {
    const diag = JSON.parse(readFileSync(join(dir, "diagnostics.json"), "utf8")) as {
      chains?: { step_size?: number }[];
    };
    stepSizes = (diag.chains ?? []).map((c) => c.step_size ?? Number.NaN);
  } catch {
    stepSizes = undefined; // an older run without per-chain step sizes: adapt from the default
  }
  if (prev.fit.method !== "nuts")
    throw new MmmError(
      "E_BAD_OPTION",
      `${dir} is an approximate (fast) fit: its draws are not a posterior sample to start chains from`,
      { option: "--warm-start" },
      "warm-start from a NUTS fit, or fit from scratch",
    );
  return { names: prev.model.names, draws: prev.draws, ...(stepSizes ? { stepSizes } : {}) };
}

export function parseSampleOptions(o: FitOptions): SampleOptions {
  if (o.method !== "nuts" && o.method !== "fast")
    throw new MmmError(
      "E_BAD_OPTION",
      `--method must be nuts or fast, got '${o.method}'.`,
      { option: "--method" },
      "nuts (full MCMC, default) or fast (Laplace approximation)",
    );
  if (o.metric !== "dense" && o.metric !== "diag")
    throw new MmmError("E_BAD_OPTION", `--metric must be dense or diag, got '${o.metric}'.`, {
      option: "--metric",
    });
  const delta = parseUserNumber(
    o.adaptDelta,
    "--adapt-delta",
    { option: "--adapt-delta" },
    {
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
      example: "0.8 (default) or 0.95 to cure divergences",
    },
  );
  return {
    ...DEFAULT_SAMPLE_OPTIONS,
    method: o.method,
    chains: intOption(o.chains, "--chains", 1, 64),
    warmup: intOption(o.warmup, "--warmup", 0, 100_000),
    draws: intOption(o.draws, "--draws", 1, 100_000),
    seed: intOption(o.seed, "--seed", 0, 2 ** 32 - 1),
    metric: o.metric,
    adaptDelta: delta,
    maxDepth: intOption(o.maxDepth, "--max-depth", 1, 15),
  };
}

function readSpecText(path: string): string {
  try {
    return readUserText({ path, what: "the model spec", option: "--config" });
  } catch (e) {
    if (!(e instanceof MmmError) || e.code !== "E_FILE_NOT_FOUND") throw e;
    throw new MmmError(
      "E_FILE_NOT_FOUND",
      `Model spec not found: ${path}.`,
      { file: path, option: "--config" },
      "pass a model spec YAML with --config, or omit it to use the defaults",
    );
  }
}

export async function runFit(o: FitOptions, io: CliIo): Promise<FitSummary> {
  const opts = parseSampleOptions(o);
  const warm = o.warmStart ? readWarmStart(o.warmStart) : undefined;
  if (warm && o.warmupDefaulted) opts.warmup = WARM_WARMUP;
  // a warm start samples until the diagnostics bar is met; --draws is then the most per chain
  const maxDraws = opts.draws;
  if (warm && opts.method === "nuts") opts.stopAtBar = DEFAULT_STOP_AT_BAR;
  // in a workspace: the run's id, folder, note and parent, settled before minutes of sampling
  const registration = await planRegistration("fit", o.out, o);
  const out = registration?.out ?? (o.out as string);
  const tableDir = tableFolder(o.table);
  // the run may not land on or in what it reads; checked now, not after minutes of sampling
  const inputs: OutputInput[] = [
    { path: tableDir, what: "the modeling table folder", folder: true },
    ...(o.config ? [{ path: o.config, what: "the model spec" }] : []),
    ...(o.experiments ? [{ path: o.experiments, what: "the experiments file" }] : []),
  ];
  checkOutputDir(out, o.force ?? false, "--out", inputs);
  const { table, hashes, bytes: tableBytes } = readTable(tableDir, o.table);
  const specText = o.config ? readSpecText(o.config) : "";
  const spec: ModelSpec = parseModelSpec(specText, o.config ?? "(defaults)");
  // the tests are checked against the model's data before minutes of sampling, not after
  const tests = o.experiments
    ? readFitExperiments(o.experiments, buildModel({ table, spec }), table.kpi)
    : undefined;
  const calibration = parseCalibration(o.calibration, tests !== undefined);
  const recipe = { table, spec, experiments: tests?.experiments, calibration };
  const model = buildModel(recipe);
  if (!o.quiet)
    io.err(
      `Fitting ${model.dim} parameters on ${table.weeks.length} weeks × ${table.geos.length} geo(s), ${model.data.channels.length} channels — ${opts.method === "fast" ? "fast Laplace approximation" : `NUTS, ${opts.chains} chains × (${opts.warmup} warm-up + ${opts.draws} draws)`}`,
    );
  const bars = new ChainProgressBars(opts.chains, io.err, !o.quiet && Boolean(process.stderr.isTTY));
  const posterior = await fitModel(
    model,
    recipe,
    opts,
    new WorkerExecutor(),
    o.quiet ? undefined : (p) => bars.update(p),
    warm,
  );
  // what was drawn, for the record (a warm start may stop before --draws)
  if (posterior.chains.length > 0) opts.draws = posterior.chains[0].draws.length / model.dim;
  if (o.warmStart)
    io.out(
      posterior.warmStarted
        ? `Warm start from ${o.warmStart}: chains began at its posterior, ${opts.warmup} warm-up iterations, ${opts.draws} draws per chain (sampling stops once R̂ ≤ ${DEFAULT_STOP_AT_BAR.rhat} and bulk and tail ESS ≥ ${DEFAULT_STOP_AT_BAR.ess}, at most ${maxDraws}).`
        : `Warm start from ${o.warmStart} not possible (${posterior.coldStartReason}): fitted from scratch.`,
    );
  const convergence = assessConvergence(posterior, opts);
  const value = model.data.valuePerUnit ?? 1;
  const pooled = pooledDraws(posterior);
  const measures = channelDraws(model, pooled, { valuePerUnit: value });
  const summary = buildFitSummary(
    model,
    posterior.method,
    measures,
    convergence.report,
    organicDraws(model, pooled),
  );
  if (tests) summary.experiments = experimentsSummary(model, pooled, tests.experiments, calibration);

  const files: OutputFile[] = [];
  // draws and columns of each draws file, for the manifest the run reader checks
  const drawsShape: Record<string, { draws: number; columns: number }> = {};
  const version = codeVersion();
  // draws: one CmdStan CSV per chain, with per-draw ROI, contribution and marginal ROI as generated quantities
  const gqNames = measures.flatMap((m) => [
    `contribution_${m.channel}`,
    `roi_${m.channel}`,
    `mroi_${m.channel}`,
  ]);
  let offset = 0;
  posterior.constrained.forEach((values, k) => {
    const n = values.length / model.dim;
    const gq = new Float64Array(n * gqNames.length);
    for (let i = 0; i < n; i++) {
      measures.forEach((m, c) => {
        gq[i * gqNames.length + 3 * c] = m.contribution[offset + i];
        gq[i * gqNames.length + 3 * c + 1] = m.roi[offset + i];
        gq[i * gqNames.length + 3 * c + 2] = m.mroi[offset + i];
      });
    }
    offset += n;
    if (posterior.method === "nuts") {
      drawsShape[`draws/chain-${k + 1}.csv`] = {
        draws: n,
        columns: SAMPLER_STATS.length + posterior.names.length + gqNames.length,
      };
      files.push({
        name: `draws/chain-${k + 1}.csv`,
        content: cmdstanCsv({
          chain: posterior.chains[k],
          values,
          names: posterior.names,
          generated: { names: gqNames, values: gq },
          seed: opts.seed,
          warmup: opts.warmup,
          draws: opts.draws,
          adaptDelta: opts.adaptDelta,
          maxDepth: opts.maxDepth,
          modelName: "mmm_os",
          version: `${version.name} ${version.version}`,
        }),
      });
    } else {
      const header = [
        "# APPROXIMATE draws: Laplace approximation at the posterior mode (not MCMC)",
        [...posterior.names, ...gqNames].join(","),
      ];
      const rows: string[] = [];
      for (let i = 0; i < n; i++)
        rows.push(
          [
            ...values.subarray(i * model.dim, (i + 1) * model.dim),
            ...gq.subarray(i * gqNames.length, (i + 1) * gqNames.length),
          ]
            .map((v) => String(Number(v.toPrecision(9))))
            .join(","),
        );
      drawsShape["draws/laplace.csv"] = { draws: n, columns: posterior.names.length + gqNames.length };
      files.push({ name: "draws/laplace.csv", content: `${header.join("\n")}\n${rows.join("\n")}\n` });
    }
  });
  const paramRows = posterior.names.map((name, j) => {
    const s = convergence.parameters[name];
    const p = model.params[j];
    return [
      name,
      p.group,
      `"${describePrior(p.prior)}"`,
      s.mean,
      s.sd,
      s.q05,
      s.q50,
      s.q95,
      s.rhat,
      s.essBulk,
      s.essTail,
      s.mcseMean,
    ]
      .map((v) => (typeof v === "number" ? String(Number(v.toPrecision(6))) : v))
      .join(",");
  });
  files.push({
    name: "parameters.csv",
    content: `name,group,prior,mean,sd,q05,median,q95,rhat,ess_bulk,ess_tail,mcse_mean\n${paramRows.join("\n")}\n`,
  });
  files.push({ name: "summary.json", content: finiteJson(summary, "summary.json") });
  files.push({
    name: "diagnostics.json",
    content: `${JSON.stringify(
      {
        ...summary.diagnostics,
        chains: posterior.chains.map((c) => ({
          chain: c.chain + 1,
          step_size: c.stepSize,
          gradient_evaluations: c.gradientEvaluations,
          warmup_divergences: c.warmupDivergences,
          warmup_seconds: c.warmupSeconds,
          sampling_seconds: c.samplingSeconds,
          metric: c.metricKind,
        })),
        mode: {
          lp: posterior.mode.lp,
          optimizer_iterations: posterior.mode.iterations,
          converged: posterior.mode.converged,
        },
      },
      null,
      2,
    )}\n`,
  });
  files.push({
    name: "spec.yaml",
    content: specText || "# the default model spec (see docs/model-spec.md)\n",
  });
  if (tests) files.push({ name: EXPERIMENTS_FILE, content: tests.text });
  // a copy of the data, so the run can be reported on and reproduced even if the table folder moves
  files.push({ name: `data/${TABLE_FILE}`, content: tableBytes[TABLE_FILE] });
  files.push({ name: `data/${SCHEMA_FILE}`, content: tableBytes[SCHEMA_FILE] });
  for (const f of ["qa.json", "lineage.json", "campaigns.csv"]) {
    // these exist only for tables written by mmm prepare (campaigns.csv only with campaign-level media)
    if (existsSync(join(tableDir, f)))
      files.push({
        name: `data/${f}`,
        content: readUserFile({ path: join(tableDir, f), what: `the table's ${f}` }),
      });
  }
  files.push({
    name: "fit.json",
    content: `${JSON.stringify(
      {
        format: "mmm-os/fit@1",
        created_at: new Date().toISOString(),
        code: version,
        method: posterior.method,
        approximate: posterior.approximate,
        settings: opts,
        data: { table: o.table, sha256: hashes, weeks: table.weeks.length, geos: table.geos, kpi: table.kpi },
        config: { file: o.config ?? null, sha256: sha256(specText), resolved: spec },
        experiments: tests
          ? { file: o.experiments, sha256: tests.sha256, tests: tests.experiments.length, calibration }
          : null,
        parameters: model.params.map((p) => ({
          name: p.name,
          group: p.group,
          prior: describePrior(p.prior),
          transform: p.bijector.kind,
          negated: p.negate ?? false,
        })),
        channels: model.data.channels.map((c) => ({
          name: c.name,
          input: c.input,
          adstock: c.adstock,
          max_lag: c.maxLag,
          saturation: c.saturation,
          input_scale: Array.from(c.inputScale),
        })),
        kpi_scale: Array.from(model.data.yScale),
        seconds: posterior.seconds,
        warm_start: o.warmStart
          ? {
              run: o.warmStart,
              used: posterior.warmStarted ?? false,
              reason: posterior.coldStartReason ?? null,
            }
          : null,
        // every other file of the folder: what readers verify (docs/fit-output.md § The manifest)
        files: buildRunManifest(files, drawsShape),
      },
      null,
      2,
    )}\n`,
  });
  writeDirAtomic(out, files, o.force ?? false, inputs);
  io.out(roiTable(summary));
  io.out(convergenceLines(summary));
  if (summary.experiments) io.out(experimentsLines(summary.experiments));
  io.out(`Wrote ${out}/ (summary.json, parameters.csv, diagnostics.json, draws/)`);
  if (registration) await completeRegistration(registration, io);
  return summary;
}
