// Engine benchmarks (issue: the Bayesian engine): speed on the lab's clean brand, truth recovery
// on four scenarios, the large scenario's time budget, and the PyMC-Marketing example dataset.
// Run: npm run bench -- [speed] [recovery] [large] [external]   (all by default)

import { join } from "node:path";
import { loadPrepareConfig } from "../src/data/config.js";
import { prepare } from "../src/data/prepare.js";
import { DEFAULT_SAMPLE_OPTIONS } from "../src/inference/sample.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { benchFit, table, writeResult } from "./lib.js";

const which = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const want = (name: string) => which.length === 0 || which.includes(name);

if (want("speed")) {
  // `mmm fit` with its defaults on clean, seeds 1–5: the median and the worst, never one seed
  const seeds = [1, 2, 3, 4, 5];
  const runs = [];
  for (const seed of seeds) {
    const r = await benchFit(simulateScenario("clean", seed).table, {}, { seed });
    const rep = r.convergence.report;
    runs.push({
      seed,
      ...r.timing,
      rhatMax: rep.rhat_max,
      essBulkMin: rep.ess_bulk_min,
      divergences: rep.divergences,
    });
  }
  const fx = (x: number | null, d = 2) => (x == null ? "—" : x.toFixed(d));
  console.log(
    `\n== speed: clean (156 weeks × 6 channels), mmm fit defaults (${DEFAULT_SAMPLE_OPTIONS.chains} chains × (${DEFAULT_SAMPLE_OPTIONS.warmup} + ${DEFAULT_SAMPLE_OPTIONS.draws}), dense metric, adapt_delta ${DEFAULT_SAMPLE_OPTIONS.adaptDelta}), seeds 1–5\n`,
  );
  console.log(
    table(
      runs.map((r) => [
        r.seed,
        fx(r.wallSeconds, 1),
        fx(r.samplingWallSeconds, 1),
        fx(r.gradientsPerSecond, 0),
        fx(r.meanLeapfrogPerIteration, 1),
        fx(r.essBulkMin, 0),
        fx(r.minBulkEssPerSecond, 1),
        fx(r.peakRssMiB, 0),
        fx(r.rhatMax, 4),
        r.divergences,
      ]),
      [
        "seed",
        "wall s",
        "sampling s",
        "grad/s (per chain)",
        "leapfrog/iter",
        "min bulk ESS",
        "min ESS/s",
        "peak RSS MiB",
        "R̂ max",
        "divergences",
      ],
    ),
  );
  const walls = runs.map((r) => r.wallSeconds).sort((a, b) => a - b);
  const summary = { medianWallSeconds: walls[walls.length >> 1], worstWallSeconds: walls[walls.length - 1] };
  console.log(
    `median ${fx(summary.medianWallSeconds, 1)} s, worst ${fx(summary.worstWallSeconds, 1)} s (target: median ≤ 8 s) → ${writeResult("engine-speed", { settings: DEFAULT_SAMPLE_OPTIONS, ...summary, runs })}`,
  );
}

if (want("recovery")) {
  const scenarios: [string, Record<string, unknown>][] = [
    ["clean", {}],
    ["collinear", {}],
    ["short", {}],
    ["counts", { likelihood: { family: "negative_binomial" } }],
  ];
  const rows: (string | number)[][] = [];
  const perScenario: Record<string, unknown>[] = [];
  let covered = 0;
  let total = 0;
  for (const [name, spec] of scenarios) {
    const ds = simulateScenario(name, 1);
    const r = await benchFit(ds.table, spec, { seed: 1 });
    let abs = 0;
    let cov = 0;
    const channels = ds.truth.channels.map((c) => {
      const est = r.roi[c.name];
      const inside = c.roi >= est.q05 && c.roi <= est.q95;
      cov += inside ? 1 : 0;
      abs += Math.abs(est.mean - c.roi);
      rows.push([name, c.name, c.roi, est.mean, est.q05, est.q95, inside ? "yes" : "NO"]);
      return { channel: c.name, trueRoi: c.roi, mean: est.mean, q05: est.q05, q95: est.q95, covered: inside };
    });
    covered += cov;
    total += channels.length;
    perScenario.push({
      scenario: name,
      spec,
      coverage: cov / channels.length,
      meanAbsRoiError: abs / channels.length,
      rhatMax: r.convergence.report.rhat_max ?? "—",
      divergences: r.convergence.report.divergences,
      wallSeconds: r.timing.wallSeconds,
      channels,
    });
  }
  console.log(
    "\n== recovery: true ROI vs posterior (90% interval), default spec (counts: negative-binomial likelihood)\n",
  );
  console.log(table(rows, ["scenario", "channel", "true ROI", "mean", "5%", "95%", "covered"]));
  console.log("");
  console.log(
    table(
      perScenario.map((s) => [
        s.scenario as string,
        s.coverage as number,
        s.meanAbsRoiError as number,
        s.rhatMax as number,
        s.divergences as number,
        s.wallSeconds as number,
      ]),
      ["scenario", "coverage", "mean |ROI error|", "R̂ max", "divergences", "wall s"],
    ),
  );
  console.log(
    `overall coverage ${covered}/${total} = ${(covered / total).toFixed(2)} (target ≥ 0.80) → ${writeResult("engine-recovery", { overallCoverage: covered / total, scenarios: perScenario })}`,
  );
}

if (want("large")) {
  const ds = simulateScenario("large", 1);
  const r = await benchFit(ds.table, {}, { seed: 1 });
  const rep = r.convergence.report;
  console.log("\n== large: 260 weeks × 12 channels, mmm fit defaults\n");
  console.log(
    table(
      [
        [
          r.timing.wallSeconds,
          rep.rhat_max ?? "—",
          rep.ess_bulk_min ?? "—",
          rep.divergences,
          r.timing.meanLeapfrogPerIteration,
        ],
      ],
      ["wall s", "R̂ max", "min bulk ESS", "divergences", "leapfrog/iter"],
    ),
  );
  console.log(
    `(target: ≤ 25 s, R̂ ≤ 1.01, no divergences) → ${writeResult("engine-large", { ...r.timing, rhatMax: rep.rhat_max, essBulkMin: rep.ess_bulk_min, divergences: rep.divergences })}`,
  );
}

if (want("external")) {
  const loaded = loadPrepareConfig(
    join(import.meta.dirname, "..", "examples", "datasets", "pymc-marketing-example.yaml"),
  );
  const prepared = await prepare(loaded);
  const r = await benchFit(prepared.table, {}, { seed: 1 });
  const rep = r.convergence.report;
  console.log("\n== external: PyMC-Marketing example dataset (179 weeks, 2 channels), default spec\n");
  console.log(
    table(
      [
        [
          r.timing.wallSeconds,
          rep.rhat_max ?? "—",
          rep.ess_bulk_min ?? "—",
          rep.divergences,
          ...Object.values(r.roi).map(
            (x) => `${x.mean.toFixed(0)} [${x.q05.toFixed(0)}, ${x.q95.toFixed(0)}]`,
          ),
        ],
      ],
      ["wall s", "R̂ max", "min bulk ESS", "divergences", "x1 ROI", "x2 ROI"],
    ),
  );
  console.log(
    `(target: no divergences, R̂ ≤ 1.01) → ${writeResult("engine-external-pymc", { ...r.timing, rhatMax: rep.rhat_max, essBulkMin: rep.ess_bulk_min, divergences: rep.divergences, roi: r.roi })}`,
  );
}
