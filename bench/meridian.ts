// Speed at Meridian's scale (issue 13): Google Meridian's own demo data, geo_all_channels (40 geos
// × 156 weeks, 5 paid channels + 1 organic, 3 controls), prepared by the example config and fitted
// with full NUTS at Meridian's demo length, 4 chains × (1000 warm-up + 1000 draws), by default
// pooled and with partially pooled geo effects. Reports wall time (data preparation excluded),
// R̂, divergences, min bulk ESS, leapfrog steps per iteration and peak memory.
// Run: npm run bench:meridian -- [--hierarchy pooled,partial] [--warmup 1000] [--draws 1000]
// (results/meridian-geo.json). Target: ≤ 3 minutes wall, R̂ ≤ 1.01, no divergences.

import { resolve } from "node:path";
import { loadPrepareConfig } from "../src/data/config.js";
import { prepare } from "../src/data/prepare.js";
import { arg, benchFit, table, writeResult } from "./lib.js";

const CONFIG = resolve(import.meta.dirname, "..", "examples", "datasets", "meridian-geo-all-channels.yaml");
const TARGET_SECONDS = 180;

const loaded = loadPrepareConfig(CONFIG);
const prepared = await prepare(loaded);
const data = prepared.table;
const settings = {
  chains: 4,
  warmup: Number(arg("warmup", "1000")),
  draws: Number(arg("draws", "1000")),
  seed: Number(arg("seed", "1")),
};

const runs: Record<string, number | string>[] = [];
for (const hierarchy of arg("hierarchy", "pooled,partial").split(",")) {
  const fit = await benchFit(data, { geo_hierarchy: { media_effect: hierarchy } }, settings);
  const rep = fit.convergence.report;
  const d = fit.model.data;
  runs.push({
    hierarchy,
    geos: d.G,
    weeks: d.T,
    paid: d.channels.length,
    organic: d.organic.length,
    parameters: fit.model.dim,
    wallSeconds: fit.timing.wallSeconds,
    rhatMax: rep.rhat_max ?? Number.NaN,
    divergences: rep.divergences,
    minBulkEss: rep.ess_bulk_min ?? Number.NaN,
    leapfrogPerIteration: fit.timing.meanLeapfrogPerIteration,
    microsecondsPerGradient: 1e6 / fit.timing.gradientsPerSecond,
    peakRssMiB: fit.timing.peakRssMiB,
    verdict:
      fit.timing.wallSeconds <= TARGET_SECONDS && (rep.rhat_max ?? 2) <= 1.01 && rep.divergences === 0
        ? "met"
        : "not met",
  });
  process.stderr.write(`${JSON.stringify(runs.at(-1))}\n`);
}

const f = (x: number | string, d = 1) => (typeof x === "number" ? x.toFixed(d) : x);
console.log(
  `\n== Meridian geo_all_channels: ${data.geos.length} geos × ${data.weeks.length} weeks, 4 chains × (${settings.warmup} + ${settings.draws}), 2 cores\n`,
);
console.log(
  table(
    runs.map((r) => [
      String(r.hierarchy),
      String(r.parameters),
      f(r.wallSeconds),
      f(r.rhatMax, 4),
      String(r.divergences),
      f(r.minBulkEss, 0),
      f(r.leapfrogPerIteration),
      f(r.microsecondsPerGradient, 0),
      f(r.peakRssMiB, 0),
      String(r.verdict),
    ]),
    [
      "geo effects",
      "params",
      "wall s",
      "R̂ max",
      "div",
      "min ESS",
      "lf/iter",
      "µs/grad",
      "peak MiB",
      "≤ 3 min",
    ],
  ),
);
console.log(`→ ${writeResult(arg("name", "meridian-geo"), { settings, runs })}`);
