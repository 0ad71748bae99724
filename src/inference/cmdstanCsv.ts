// Draws in CmdStan's CSV layout, so ArviZ (from_cmdstan), cmdstanpy and R's posterior
// (read_cmdstan_csv) read our fits: a commented config header, the column header with the
// sampler statistics first, the adaptation block, one row per draw, and the timing footer.

import type { ChainResult } from "./chain.js";
import { SAMPLER_STATS } from "./chain.js";

export interface CmdStanCsvInput {
  chain: ChainResult;
  /** Constrained parameter values (draws × names.length), then generated quantities. */
  values: Float64Array;
  names: string[];
  generated?: { names: string[]; values: Float64Array };
  seed: number;
  warmup: number;
  draws: number;
  adaptDelta: number;
  maxDepth: number;
  modelName: string;
  version: string;
}

function num(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(9)));
}

export function cmdstanCsv(input: CmdStanCsvInput): string {
  const { chain, names } = input;
  const metric = chain.metricKind === "dense" ? "dense_e" : "diag_e";
  const lines = [
    `# model = ${input.modelName}`,
    "# method = sample (Default)",
    "#   sample",
    `#     num_samples = ${input.draws}`,
    `#     num_warmup = ${input.warmup}`,
    "#     save_warmup = false",
    "#     thin = 1",
    "#     adapt",
    "#       engaged = true",
    "#       gamma = 0.05",
    `#       delta = ${input.adaptDelta}`,
    "#       kappa = 0.75",
    "#       t0 = 10",
    "#       init_buffer = 75",
    "#       term_buffer = 50",
    "#       window = 25",
    "#     algorithm = hmc (Default)",
    "#       hmc",
    "#         engine = nuts (Default)",
    "#           nuts",
    `#             max_depth = ${input.maxDepth}`,
    `#         metric = ${metric}`,
    "#         stepsize = 1 (Default)",
    "#         stepsize_jitter = 0 (Default)",
    `# id = ${chain.chain + 1}`,
    "# random",
    `#   seed = ${input.seed}`,
    `# sampler = ${input.version} (MMM-OS NUTS, not Stan)`,
  ];
  const gq = input.generated;
  lines.push([...SAMPLER_STATS, ...names, ...(gq ? gq.names : [])].join(","));
  lines.push("# Adaptation terminated");
  lines.push(`# Step size = ${num(chain.stepSize)}`);
  lines.push(
    chain.metricKind === "dense"
      ? "# Elements of inverse mass matrix:"
      : "# Diagonal elements of inverse mass matrix:",
  );
  const d = chain.dim;
  if (chain.metricKind === "dense") {
    for (let i = 0; i < d; i++)
      lines.push(`# ${Array.from(chain.inverseMetric.subarray(i * d, (i + 1) * d), num).join(", ")}`);
  } else {
    lines.push(`# ${Array.from(chain.inverseMetric, num).join(", ")}`);
  }
  const S = SAMPLER_STATS.length;
  const p = names.length;
  const q = gq ? gq.names.length : 0;
  for (let k = 0; k < input.draws; k++) {
    const row: string[] = [];
    for (let j = 0; j < S; j++) row.push(num(chain.stats[k * S + j]));
    for (let j = 0; j < p; j++) row.push(num(input.values[k * p + j]));
    for (let j = 0; j < q; j++) row.push(num(gq!.values[k * q + j]));
    lines.push(row.join(","));
  }
  lines.push("# ");
  lines.push(`#  Elapsed Time: ${chain.warmupSeconds.toFixed(3)} seconds (Warm-up)`);
  lines.push(`#                ${chain.samplingSeconds.toFixed(3)} seconds (Sampling)`);
  lines.push(`#                ${(chain.warmupSeconds + chain.samplingSeconds).toFixed(3)} seconds (Total)`);
  lines.push("# ");
  return `${lines.join("\n")}\n`;
}
