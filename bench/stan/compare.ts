// Compares our posterior with Stan's on the same data: per parameter (constrained scale)
// z = |mean_ours − mean_stan| / sd_stan and the Monte Carlo z, (mean_ours − mean_stan) /
// √(mcse_ours² + mcse_stan²); plus the log-density check: our logDensity at Stan's draws
// (unconstrained through our bijectors) against Stan's lp__ there. Identical models agree to
// rounding, whatever the samplers did.
//
//   npx tsx bench/stan/compare.ts --stan bench/results/stan/clean-1.stan.json \
//     --ours bench/results/stan/clean-1.ours.json [--scenario clean --seed 1 --holdout 0 --spec f.yaml]
//     [--out file.json]   (scenario, seed and holdout default to those the Stan data was exported with)

import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ModelSpecSchema, parseModelSpec } from "../../src/model/spec.js";
import { labModel } from "./export.js";

interface ParamSummary {
  name: string;
  mean: number;
  sd: number;
  q5: number;
  q95: number;
  mcse_mean: number;
  ess_bulk: number;
  rhat: number;
}

interface RunSummary {
  meta: { scenario: string; seed: number; holdout?: number; spec: string };
  settings: Record<string, unknown>;
  compile_seconds: number;
  sampling_seconds: number;
  /** Per chain; one chain's may come as a bare number. Stan's are CPU seconds, ours wall-clock. */
  chain_seconds: { warmup: number | number[]; sample: number | number[] };
  min_ess_bulk: number;
  min_ess_bulk_param: string;
  max_rhat: number;
  leapfrog_per_iteration: number;
  gradient_evaluations_total: number;
  divergences: number;
  warmup_divergences: number;
  max_treedepth_hits: number;
  lp: ParamSummary;
  params: ParamSummary[];
  lp_check?: {
    chain: number;
    iteration: number;
    lp: number;
    values: Record<string, number>;
    /** Stan's gradient on the unconstrained scale, by our parameter name. */
    grad?: Record<string, number>;
  }[];
}

const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

function main(): void {
  const { values } = parseArgs({
    options: {
      stan: { type: "string" },
      ours: { type: "string" },
      scenario: { type: "string" },
      seed: { type: "string" },
      holdout: { type: "string" },
      spec: { type: "string" },
      out: { type: "string" },
    },
  });
  if (!values.stan || !values.ours) throw new Error("--stan and --ours are required");
  const stan = JSON.parse(readFileSync(values.stan, "utf8")) as RunSummary;
  const ours = JSON.parse(readFileSync(values.ours, "utf8")) as RunSummary;
  const byName = new Map(stan.params.map((p) => [p.name, p]));

  const rows = ours.params.map((o) => {
    const s = byName.get(o.name);
    if (!s) throw new Error(`Stan has no parameter ${o.name}`);
    const diff = o.mean - s.mean;
    return {
      name: o.name,
      ours: o.mean,
      stan: s.mean,
      sdStan: s.sd,
      sdRatio: o.sd / s.sd,
      z: Math.abs(diff) / s.sd,
      zMc: diff / Math.sqrt(o.mcse_mean ** 2 + s.mcse_mean ** 2),
      essOurs: o.ess_bulk,
      essStan: s.ess_bulk,
    };
  });

  // log-density check at Stan's draws
  const scenario = values.scenario ?? stan.meta.scenario;
  const seed = Number(values.seed ?? stan.meta.seed);
  const spec = values.spec
    ? parseModelSpec(readFileSync(values.spec, "utf8"), values.spec)
    : ModelSpecSchema.parse({});
  const model = labModel(scenario, seed, spec, Number(values.holdout ?? stan.meta.holdout ?? 0));
  const grad = new Float64Array(model.dim);
  const stale = model.names.filter((n) => !(stan.lp_check ?? []).every((pt) => n in pt.values));
  if (stale.length > 0) {
    throw new Error(
      `Stan's draws have no ${stale.join(", ")}: the model changed since the export; re-export and rerun Stan`,
    );
  }
  const lpCheck = (stan.lp_check ?? []).map((pt) => {
    const x = Float64Array.from(model.names, (n) => pt.values[n]);
    const lpOurs = model.logDensity(model.unconstrain(x), grad);
    // largest gradient difference relative to max(1, |Stan's component|)
    let gradDiff = Number.NaN;
    if (pt.grad) {
      gradDiff = 0;
      model.names.forEach((n, i) => {
        const gs = (pt.grad as Record<string, number>)[n];
        gradDiff = Math.max(gradDiff, Math.abs(grad[i] - gs) / Math.max(1, Math.abs(gs)));
      });
    }
    return {
      chain: pt.chain,
      iteration: pt.iteration,
      lpStan: pt.lp,
      lpOurs,
      diff: lpOurs - pt.lp,
      gradDiff,
    };
  });
  const maxLpDiff = Math.max(0, ...lpCheck.map((c) => Math.abs(c.diff)));
  const maxGradDiff = Math.max(0, ...lpCheck.map((c) => c.gradDiff));

  const lines: string[] = [];
  lines.push(`# ${scenario} seed ${seed}: ours vs Stan`);
  lines.push("");
  lines.push(
    "| parameter | mean ours | mean Stan | sd Stan | sd ours/Stan | \\|Δ\\|/sd Stan | Δ/MCSE | ESS ours | ESS Stan |",
  );
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${f(r.ours, 4)} | ${f(r.stan, 4)} | ${f(r.sdStan, 4)} | ${f(r.sdRatio, 2)} | ${f(r.z, 3)} | ${f(r.zMc, 2)} | ${f(r.essOurs, 0)} | ${f(r.essStan, 0)} |`,
    );
  }
  const zs = rows.map((r) => r.z);
  const zMcs = rows.map((r) => Math.abs(r.zMc));
  lines.push("");
  lines.push(
    `max |Δ|/sd ${f(Math.max(...zs))} (${rows[zs.indexOf(Math.max(...zs))].name}), mean ${f(zs.reduce((a, b) => a + b, 0) / zs.length)}; ` +
      `max |Δ/MCSE| ${f(Math.max(...zMcs), 2)}, ${zMcs.filter((z) => z > 3).length} of ${rows.length} above 3`,
  );
  lines.push(`lp__ mean: ours ${f(ours.lp.mean, 2)}, Stan ${f(stan.lp.mean, 2)}`);
  lines.push(
    `log-density check at ${lpCheck.length} Stan draws: max |lp_ours − lp__Stan| = ${maxLpDiff.toExponential(2)}; ` +
      `max gradient difference (unconstrained, relative to max(1, |Stan's|)) = ${maxGradDiff.toExponential(2)}`,
  );
  lines.push("");
  lines.push("| | Stan (rstan) | ours |");
  lines.push("|---|---:|---:|");
  const run = (k: (r: RunSummary) => string) => `${k(stan)} | ${k(ours)}`;
  lines.push(
    `| chains × warmup + draws | ${run((r) => `${r.settings.chains} × ${r.settings.warmup} + ${r.settings.draws}`)} |`,
  );
  lines.push(`| metric | ${run((r) => String(r.settings.metric))} |`);
  lines.push(`| compile s | ${run((r) => f(r.compile_seconds, 1))} |`);
  lines.push(`| sampling s (wall) | ${run((r) => f(r.sampling_seconds, 1))} |`);
  // Stan's per-chain times are CPU seconds (clock() in Stan 2.21), ours wall-clock seconds
  const total = (x: number | number[]) => [x].flat().reduce((a, b) => a + b, 0);
  lines.push(`| Σ over chains: warmup s | ${run((r) => f(total(r.chain_seconds.warmup), 1))} |`);
  lines.push(`| Σ over chains: sampling s | ${run((r) => f(total(r.chain_seconds.sample), 1))} |`);
  lines.push(`| leapfrog / iteration | ${run((r) => f(r.leapfrog_per_iteration, 1))} |`);
  lines.push(`| gradient evaluations (all) | ${run((r) => String(r.gradient_evaluations_total))} |`);
  lines.push(`| min bulk ESS | ${run((r) => `${f(r.min_ess_bulk, 0)} (${r.min_ess_bulk_param})`)} |`);
  lines.push(`| max R-hat | ${run((r) => f(r.max_rhat, 3))} |`);
  lines.push(`| divergences (warmup) | ${run((r) => `${r.divergences} (${r.warmup_divergences})`)} |`);
  lines.push(`| max-treedepth hits | ${run((r) => String(r.max_treedepth_hits))} |`);
  const text = lines.join("\n");
  console.log(text);
  if (values.out)
    writeFileSync(values.out, JSON.stringify({ rows, lpCheck, maxLpDiff, maxGradDiff, text }, null, 2));
}

main();
