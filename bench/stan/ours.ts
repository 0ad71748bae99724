// Our sampler on a lab scenario, for comparison with Stan: runChain one chain at a time (NUTS,
// windowed adaptation, dense metric by default, init at model.initialPoint()), then the
// constrained draws under our parameter names, with timings and sampler statistics, as JSON
// for summarise-draws.R.
//
//   npx tsx bench/stan/ours.ts --scenario clean --seed 1 [--holdout weeks] [--chains 2] [--warmup 1000]
//     [--draws 1000] [--metric dense|diag] [--adapt-delta 0.8] [--max-depth 10]
//     [--init initial-point|laplace]   (laplace: start as `mmm fit` does, from the mode's Laplace approximation)
//     [--out bench/results/stan/clean-1.ours.draws.json]

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { Rng } from "../../src/core/rng.js";
import { type ChainResult, runChain, SAMPLER_STATS } from "../../src/inference/chain.js";
import { laplace, laplaceDraws } from "../../src/inference/laplace.js";
import { maximize } from "../../src/inference/lbfgs.js";
import type { MetricKind } from "../../src/inference/metric.js";
import { ModelSpecSchema, parseModelSpec } from "../../src/model/spec.js";
import { labModel } from "./export.js";

function main(): void {
  const { values } = parseArgs({
    options: {
      scenario: { type: "string", default: "clean" },
      seed: { type: "string", default: "1" },
      spec: { type: "string" },
      holdout: { type: "string", default: "0" },
      chains: { type: "string", default: "2" },
      warmup: { type: "string", default: "1000" },
      draws: { type: "string", default: "1000" },
      metric: { type: "string", default: "dense" },
      "adapt-delta": { type: "string", default: "0.8" },
      "max-depth": { type: "string", default: "10" },
      "sampler-seed": { type: "string", default: "1" },
      init: { type: "string", default: "initial-point" },
      out: { type: "string" },
    },
  });
  const scenario = values.scenario as string;
  const seed = Number(values.seed);
  const spec = values.spec
    ? parseModelSpec(readFileSync(values.spec, "utf8"), values.spec)
    : ModelSpecSchema.parse({});
  const holdout = Number(values.holdout);
  const model = labModel(scenario, seed, spec, holdout);
  const logDensity = (q: Float64Array, g: Float64Array) => model.logDensity(q, g);
  const nChains = Number(values.chains);
  const settings = {
    seed: Number(values["sampler-seed"]),
    warmup: Number(values.warmup),
    draws: Number(values.draws),
    metric: values.metric as MetricKind,
    maxDepth: Number(values["max-depth"]),
    adaptDelta: Number(values["adapt-delta"]),
  };
  const results: ChainResult[] = [];
  const t0 = performance.now();
  // --init laplace: as `mmm fit` (src/inference/sample.ts) — L-BFGS mode, Laplace approximation,
  // chains start at a draw of it with its covariance as the first metric (timed with the chains)
  let inits: Float64Array[] = Array.from({ length: nChains }, () => model.initialPoint());
  let initMetric: Float64Array | undefined;
  if (values.init === "laplace") {
    const opt = maximize(logDensity, model.initialPoint());
    const approx = laplace(logDensity, opt.x);
    const d = model.dim;
    initMetric =
      settings.metric === "dense"
        ? Float64Array.from(approx.covariance)
        : Float64Array.from({ length: d }, (_, i) => approx.covariance[i * d + i]);
    const grad = new Float64Array(d);
    inits = inits.map((_, c) => {
      const rng = new Rng(`init:${settings.seed}:${c}`);
      for (let attempt = 0; attempt < 20; attempt++) {
        const u = laplaceDraws(approx, 1, rng);
        if (Number.isFinite(model.logDensity(u, grad))) return u;
      }
      return Float64Array.from(opt.x);
    });
    process.stderr.write(
      `mode and Laplace approximation in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
  } else if (values.init !== "initial-point") throw new Error("--init is initial-point or laplace");
  for (let c = 0; c < nChains; c++) {
    const r = runChain(
      logDensity,
      inits[c],
      { ...settings, chain: c, progressEvery: 500 },
      (p) =>
        process.stderr.write(
          `chain ${p.chain} ${p.iteration}/${p.total} step ${p.stepSize.toFixed(3)} div ${p.divergences}\n`,
        ),
      initMetric ? Float64Array.from(initMetric) : undefined,
    );
    const nl = SAMPLER_STATS.indexOf("n_leapfrog__");
    let leap = 0;
    for (let i = 0; i < settings.draws; i++) leap += r.stats[i * SAMPLER_STATS.length + nl];
    process.stderr.write(
      `chain ${c}: warmup ${r.warmupSeconds.toFixed(1)} s, sampling ${r.samplingSeconds.toFixed(1)} s, ` +
        `leapfrog/iter ${(leap / settings.draws).toFixed(1)}, step ${r.stepSize.toFixed(3)}\n`,
    );
    results.push(r);
  }
  const wall = (performance.now() - t0) / 1000;
  const S = SAMPLER_STATS.length;
  const stat = (r: ChainResult, name: (typeof SAMPLER_STATS)[number]) =>
    Array.from({ length: settings.draws }, (_, i) => r.stats[i * S + SAMPLER_STATS.indexOf(name)]);
  const chains = results.map((r) => {
    const draws: number[][] = [];
    const x = new Float64Array(model.dim);
    for (let i = 0; i < settings.draws; i++) {
      model.constrain(r.draws.subarray(i * model.dim, (i + 1) * model.dim), x);
      draws.push(Array.from(x));
    }
    const leapfrog = stat(r, "n_leapfrog__");
    return {
      draws,
      lp: stat(r, "lp__"),
      leapfrog_per_iteration: leapfrog.reduce((a, b) => a + b, 0) / settings.draws,
      divergences: stat(r, "divergent__").reduce((a, b) => a + b, 0),
      warmup_divergences: r.warmupDivergences,
      max_treedepth_hits: stat(r, "treedepth__").filter((d) => d >= settings.maxDepth).length,
      stepsize: r.stepSize,
      gradient_evaluations: r.gradientEvaluations,
      warmup_seconds: r.warmupSeconds,
      sampling_seconds: r.samplingSeconds,
    };
  });
  const out = values.out ?? `bench/results/stan/${scenario}-${seed}.ours.draws.json`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify({
      engine: "mmm-os",
      meta: { scenario, seed, holdout, spec: values.spec ?? "default" },
      settings: { chains: nChains, ...settings, init: values.init },
      wall_seconds: wall,
      names: model.names,
      chains,
    }),
  );
  process.stderr.write(`wrote ${out} (${wall.toFixed(1)} s for ${nChains} chains, one after another)\n`);
}

main();
