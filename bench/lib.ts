// Shared pieces of the benchmarks: fit a table end to end with the production code path
// (workers, diagnostics, per-draw measures), time it, and write results as JSON tables.

import { execSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resourceUsage } from "node:process";
import { channelDraws } from "../src/analysis/channelMetrics.js";
import { assessConvergence } from "../src/analysis/convergence.js";
import { summarise } from "../src/analysis/summaries.js";
import { WorkerExecutor } from "../src/cli/workerExecutor.js";
import type { ModelingTable } from "../src/core/modelingTable.js";
import { buildModel } from "../src/inference/executor.js";
import {
  DEFAULT_SAMPLE_OPTIONS,
  fitModel,
  type Posterior,
  pooledDraws,
  type SampleOptions,
} from "../src/inference/sample.js";
import type { LiftTest } from "../src/model/experimentLift.js";
import type { MmmModel } from "../src/model/mmm.js";
import { ModelSpecSchema } from "../src/model/spec.js";
import { planBudget } from "../src/planning/plan.js";
import type { SimulatedDataset } from "../src/simulate/lab.js";
import { planningProblems } from "../src/simulate/planningProblems.js";
import { trueAllocationValue } from "../src/simulate/truth.js";

export const RESULTS_DIR = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "results");

export async function benchFit(
  table: ModelingTable,
  specInput: Record<string, unknown> = {},
  options: Partial<SampleOptions> = {},
  experiments?: LiftTest[],
) {
  const t0 = performance.now();
  const spec = ModelSpecSchema.parse(specInput);
  const recipe = { table, spec, experiments };
  const model = buildModel(recipe);
  const opts = { ...DEFAULT_SAMPLE_OPTIONS, ...options };
  const posterior = await fitModel(model, recipe, opts, new WorkerExecutor());
  const convergence = assessConvergence(posterior, opts);
  const measures = channelDraws(model, pooledDraws(posterior), {
    valuePerUnit: model.data.valuePerUnit ?? 1,
  });
  const wall = (performance.now() - t0) / 1000;
  const gradients = posterior.chains.reduce((s, c) => s + c.gradientEvaluations, 0);
  const chainSeconds = posterior.chains.reduce((s, c) => s + c.warmupSeconds + c.samplingSeconds, 0);
  let leapfrog = 0;
  let draws = 0;
  for (const c of posterior.chains) {
    for (let i = 0; i < c.stats.length / 7; i++) leapfrog += c.stats[i * 7 + 4];
    draws += c.stats.length / 7;
  }
  const samplingWall = posterior.seconds.sample;
  return {
    model,
    posterior,
    convergence,
    measures,
    roi: Object.fromEntries(measures.map((m) => [m.channel, summarise(m.roi)])),
    timing: {
      wallSeconds: wall,
      optimizeSeconds: posterior.seconds.optimize,
      samplingWallSeconds: samplingWall,
      gradientEvaluations: gradients,
      gradientsPerSecond: gradients / chainSeconds,
      meanLeapfrogPerIteration: draws > 0 ? leapfrog / draws : 0,
      minBulkEssPerSecond: (convergence.report.ess_bulk_min ?? Number.NaN) / wall,
      peakRssMiB: resourceUsage().maxRSS / 1024,
    },
  };
}

export function writeResult(name: string, result: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(
    path,
    `${JSON.stringify({ name, date: new Date().toISOString(), ...(result as object) }, null, 2)}\n`,
  );
  return path;
}

export function table(rows: (string | number)[][], header: string[]): string {
  const cells = [
    header,
    ...rows.map((r) =>
      r.map((v) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : v)),
    ),
  ];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => String(r[j]).length)));
  return cells
    .map(
      (r, i) =>
        r.map((v, j) => String(v).padEnd(widths[j])).join("  ") +
        (i === 0 ? `\n${widths.map((w) => "-".repeat(w)).join("  ")}` : ""),
    )
    .join("\n");
}

/**
 * Mean true regret (1 − value ÷ optimum) of the default plan over a lab dataset's planning
 * problems (3 per seed): the score every decision benchmark uses.
 */
export function defaultPlanRegret(
  ds: SimulatedDataset,
  fit: { model: MmmModel; posterior: Posterior },
  seed: number,
): number {
  const problems = planningProblems(ds, seed, 3);
  const draws = pooledDraws(fit.posterior);
  let sum = 0;
  for (const problem of problems) {
    const names = Object.keys(problem.reference);
    const plan = planBudget(fit.model, draws, {
      horizonWeeks: problem.horizonWeeks,
      carryoverWeeks: problem.carryoverWeeks,
      reference: { kind: "recent", weeks: problem.referenceWeeks },
      total: problem.budget,
      minimum: new Map(names.map((n) => [n, problem.bounds[n][0]])),
      maximum: new Map(names.map((n) => [n, problem.bounds[n][1]])),
    });
    const value = trueAllocationValue(
      ds.truth,
      Object.fromEntries(plan.rows.map((r) => [r.channel, r.recommended])),
    );
    sum += 1 - value / problem.optimalValue;
  }
  return sum / problems.length;
}

/** Parses seeds: "1-5", "1,3,7" or a mix ("1-3,9"). */
/** The value after `--name` on the command line, else the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

export function seedList(text: string): number[] {
  return text.split(",").flatMap((part) => {
    const m = /^(\d+)-(\d+)$/.exec(part.trim());
    if (m) return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i);
    const n = Number(part);
    if (!Number.isInteger(n)) throw new Error(`seeds: "${part}" is not a seed or a range like 1-5`);
    return [n];
  });
}

/** The median (NaN for no values). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

let built = false;

/**
 * The compiled module dist/<path>, after `npm run build`: what the installed `mmm` runs (its
 * worker threads and job processes without a TypeScript loader), so timings are the product's.
 */
export async function compiled<T>(path: string): Promise<T> {
  if (!built) {
    execSync("npm run build", { stdio: "ignore" });
    built = true;
  }
  return (await import(new URL(`../dist/${path}`, import.meta.url).href)) as T;
}
