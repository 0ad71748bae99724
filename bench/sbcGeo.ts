// Simulation-based calibration of the geo hierarchy (issue 13), as test/inference/sbc.test.ts does
// for the national model: draw every parameter from the prior — the geo spread τ and each geo's
// z included — simulate a KPI panel from the model, fit it with NUTS, and check that the rank of
// each true value among its posterior draws is uniform (χ² over 10 bins at p = 0.001). A small
// panel (4 geos × 52 weeks, two channels, partially pooled effects) keeps it to minutes; it is a
// benchmark, not a test, because it takes several times the national check's minute.
// Run: npx tsx bench/sbcGeo.ts [--replicates 120]

import type { ModelingTable } from "../src/core/modelingTable.js";
import { Rng } from "../src/core/rng.js";
import { runChain } from "../src/inference/chain.js";
import { buildModelData } from "../src/model/design.js";
import { MmmModel } from "../src/model/mmm.js";
import { samplePrior } from "../src/model/priors.js";
import { ModelSpecSchema } from "../src/model/spec.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { arg, table, writeResult } from "./lib.js";

const REPLICATES = Number(arg("replicates", "120"));
const THIN = 2;
const DRAWS = 200;
const BINS = 10;
const GEOS = 4;
const WEEKS = 52;

/** The lab's geo brand cut to 4 geos × 52 weeks and two channels (tv flighted, paid search always on). */
function smallPanel(): ModelingTable {
  const full = simulateScenario("geo", 11).table;
  const T = full.weeks.length;
  const keep = ["new_subscriptions", "spend_tv", "spend_paid_search"];
  return {
    ...full,
    geos: full.geos.slice(0, GEOS),
    weeks: full.weeks.slice(0, WEEKS),
    columns: full.columns
      .filter((c) => keep.includes(c.name))
      .map((c) => ({
        ...c,
        values: Float64Array.from({ length: GEOS * WEEKS }, (_, i) => {
          const g = Math.floor(i / WEEKS);
          return c.values[g * T + (i % WEEKS)];
        }),
      })),
    channels: full.channels.filter((c) => c.name === "tv" || c.name === "paid_search"),
  };
}

const panel = smallPanel();
const spec = ModelSpecSchema.parse({
  baseline: { seasonality_order: 0, holidays: "none" },
  controls: [],
  geo_hierarchy: { media_effect: "partial" },
});
const kpiScale = Float64Array.from({ length: GEOS }, () => 1000);
const template = new MmmModel(buildModelData(panel, spec, { kpiScale }), spec);
const names = template.names;
const ranks: number[][] = names.map(() => []);
const rng = new Rng("sbc-geo");
const grad = new Float64Array(template.dim);
let divergences = 0;
const t0 = performance.now();
for (let r = 0; r < REPLICATES; r++) {
  const truth = Float64Array.from(template.params, (p) => samplePrior(p.prior, rng));
  const u = template.unconstrain(truth);
  template.logDensity(u, grad);
  const mu = template.mean(u);
  const sigma = truth[names.indexOf("sigma")];
  const y = Float64Array.from(mu, (m, i) => kpiScale[Math.floor(i / WEEKS)] * (m + sigma * rng.normal()));
  const simTable = {
    ...panel,
    columns: panel.columns.map((c) => (c.role === "kpi" ? { ...c, values: y } : c)),
  };
  const model = new MmmModel(buildModelData(simTable, spec, { kpiScale }), spec);
  const fit = runChain((q, g) => model.logDensity(q, g), model.initialPoint(), {
    chain: 0,
    seed: r,
    warmup: 300,
    draws: DRAWS,
    metric: "dense",
    maxDepth: 10,
    adaptDelta: 0.9,
  });
  for (let k = 0; k < fit.stats.length / 7; k++) divergences += fit.stats[k * 7 + 5] > 0 ? 1 : 0;
  const x = new Float64Array(model.dim);
  const below = new Int32Array(model.dim);
  for (let k = 0; k < DRAWS; k += THIN) {
    model.constrain(fit.draws.subarray(k * model.dim, (k + 1) * model.dim), x);
    for (let j = 0; j < model.dim; j++) if (x[j] < truth[j]) below[j]++;
  }
  for (let j = 0; j < model.dim; j++) ranks[j].push(below[j]);
  if ((r + 1) % 20 === 0) console.error(`${r + 1}/${REPLICATES} replicates`);
}
const L = DRAWS / THIN;
const expected = REPLICATES / BINS;
const rows = names.map((name, j) => {
  const counts = new Array(BINS).fill(0);
  for (const rank of ranks[j]) counts[Math.min(BINS - 1, Math.floor((rank / (L + 1)) * BINS))]++;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  return { name, chi2, counts: counts.join(" "), pass: chi2 <= 27.88 };
});
console.log(`\n== SBC, geo hierarchy: ${GEOS} geos × ${WEEKS} weeks, ${REPLICATES} replicates\n`);
console.log(
  table(
    rows.map((r) => [r.name, r.chi2.toFixed(1), r.counts, r.pass ? "ok" : "FAIL"]),
    ["parameter", "χ² (9 df)", "rank bins", ""],
  ),
);
const failed = rows.filter((r) => !r.pass).length;
console.log(
  `\n${failed} of ${rows.length} parameters fail uniformity at p = 0.001 (χ² > 27.88); divergent transitions ${divergences}; ${((performance.now() - t0) / 1000).toFixed(0)} s`,
);
console.log(
  `→ ${writeResult("sbc-geo", { replicates: REPLICATES, geos: GEOS, weeks: WEEKS, divergences, rows })}`,
);
