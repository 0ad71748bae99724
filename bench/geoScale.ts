// Geo scaling curve (issue 13): the lab's geo brand at 10, 40, 100 and 200 geos × 156 weeks, fitted
// with the sampler defaults, so the cost of a geo panel can be read off one table: wall time,
// gradient cost, leapfrog steps, min bulk ESS, seconds per effective sample (should grow no
// faster than linearly in geos), peak memory. Targets: 200 geos in ≤ 15 minutes and ≤ 4 GiB.
// Each size runs in its own process so peak memory is that size's own.
// Run: npm run bench:geoscale -- [--geos 10,40,100,200] [--weeks 156] [--hierarchy pooled]
// (results/geo-scale.json)

import { spawnSync } from "node:child_process";
import { simulateScenario } from "../src/simulate/lab.js";
import { arg, benchFit, table, writeResult } from "./lib.js";

const weeks = Number(arg("weeks", "156"));
const hierarchy = arg("hierarchy", "pooled");

if (process.argv.includes("--one")) {
  // child: one size, result as JSON on stdout
  const geos = Number(arg("one", "10"));
  const t0 = performance.now();
  const ds = simulateScenario("geo", 1, { geos, weeks });
  const simulateSeconds = (performance.now() - t0) / 1000;
  const fit = await benchFit(ds.table, { geo_hierarchy: { media_effect: hierarchy } }, { seed: 1 });
  const rep = fit.convergence.report;
  const ess = rep.ess_bulk_min ?? Number.NaN;
  process.stdout.write(
    JSON.stringify({
      geos,
      weeks,
      hierarchy,
      parameters: fit.model.dim,
      simulateSeconds,
      wallSeconds: fit.timing.wallSeconds,
      microsecondsPerGradient: 1e6 / fit.timing.gradientsPerSecond,
      leapfrogPerIteration: fit.timing.meanLeapfrogPerIteration,
      minBulkEss: ess,
      secondsPerEffectiveSample: fit.timing.wallSeconds / ess,
      rhatMax: rep.rhat_max,
      divergences: rep.divergences,
      peakRssMiB: fit.timing.peakRssMiB,
    }),
  );
  process.exit(0);
}

const runs: Record<string, number | string | null>[] = [];
for (const geos of arg("geos", "10,40,100,200").split(",").map(Number)) {
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      process.argv[1],
      "--one",
      String(geos),
      "--weeks",
      String(weeks),
      "--hierarchy",
      hierarchy,
    ],
    { encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "inherit"] },
  );
  if (child.status !== 0) throw new Error(`${geos} geos failed (status ${child.status})`);
  runs.push(JSON.parse(child.stdout));
  process.stderr.write(`${child.stdout}\n`);
}

const base = runs[0];
const f = (x: unknown, d = 1) => (typeof x === "number" ? x.toFixed(d) : String(x));
console.log(
  `\n== geo scaling: lab geo brand × ${weeks} weeks, ${hierarchy} geo effects, sampler defaults, 2 cores\n`,
);
console.log(
  table(
    runs.map((r) => [
      f(r.geos, 0),
      f(r.parameters, 0),
      f(r.wallSeconds),
      f(r.microsecondsPerGradient, 0),
      f(r.leapfrogPerIteration),
      f(r.minBulkEss, 0),
      f(r.secondsPerEffectiveSample, 4),
      // growth of the cost per effective sample relative to growth in geos (≤ 1: linear or better)
      f(
        Number(r.secondsPerEffectiveSample) /
          Number(base.secondsPerEffectiveSample) /
          (Number(r.geos) / Number(base.geos)),
        2,
      ),
      f(r.rhatMax, 4),
      f(r.divergences, 0),
      f(r.peakRssMiB, 0),
    ]),
    [
      "geos",
      "params",
      "wall s",
      "µs/grad",
      "lf/iter",
      "min ESS",
      "s/ESS",
      "vs linear",
      "R̂ max",
      "div",
      "peak MiB",
    ],
  ),
);
console.log(`→ ${writeResult(arg("name", "geo-scale"), { weeks, hierarchy, runs })}`);
