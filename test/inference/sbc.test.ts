// Simulation-based calibration (Talts et al. 2018) of the whole pipeline on a small MMM: draw
// parameters from the prior, simulate a KPI from the model, fit it with NUTS, and check that the
// rank of each true parameter among its posterior draws is uniform. A sampler, gradient or
// adaptation bug shows up as a U-, ∩- or sloped rank histogram.

import { describe, expect, it } from "vitest";
import type { ModelingTable } from "../../src/core/modelingTable.js";
import { Rng } from "../../src/core/rng.js";
import { runChain } from "../../src/inference/chain.js";
import { buildModelData } from "../../src/model/design.js";
import { MmmModel } from "../../src/model/mmm.js";
import { samplePrior } from "../../src/model/priors.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { simulateScenario } from "../../src/simulate/lab.js";

const REPLICATES = 120;
const THIN = 2;
const DRAWS = 200; // 100 after thinning: ranks 0…100
const BINS = 10;

/** A 52-week national table with two channels (tv flighted, paid_search always on) from the lab. */
function smallTable(): ModelingTable {
  const full = simulateScenario("short", 11).table;
  const T = 52;
  const keep = ["new_subscriptions", "spend_tv", "spend_paid_search"];
  return {
    ...full,
    weeks: full.weeks.slice(0, T),
    columns: full.columns
      .filter((c) => keep.includes(c.name))
      .map((c) => ({ ...c, values: c.values.slice(0, T) })),
    channels: full.channels.filter((c) => c.name === "tv" || c.name === "paid_search"),
  };
}

describe("simulation-based calibration", () => {
  it(`ranks of ${REPLICATES} prior draws among their posteriors are uniform`, () => {
    const table = smallTable();
    const spec = ModelSpecSchema.parse({
      baseline: { seasonality_order: 0, holidays: "none" },
      controls: [],
    });
    const kpiScale = Float64Array.from([1000]);
    const template = new MmmModel(buildModelData(table, spec, { kpiScale }), spec);
    const names = template.names;
    const ranks: number[][] = names.map(() => []);
    const rng = new Rng("sbc");
    const grad = new Float64Array(template.dim);
    for (let r = 0; r < REPLICATES; r++) {
      // 1. parameters from the prior; 2. a KPI from the model at those parameters
      const truth = Float64Array.from(template.params, (p) => samplePrior(p.prior, rng));
      const u = template.unconstrain(truth);
      template.logDensity(u, grad);
      const mu = template.mean(u);
      const sigma = truth[names.indexOf("sigma")];
      const y = Float64Array.from(mu, (m) => kpiScale[0] * (m + sigma * rng.normal()));
      const simTable = {
        ...table,
        columns: table.columns.map((c) => (c.role === "kpi" ? { ...c, values: y } : c)),
      };
      const model = new MmmModel(buildModelData(simTable, spec, { kpiScale }), spec);
      // 3. fit: one chain, started at the prior draw's neighbourhood is not allowed (that would cheat), so from the model's default start
      const fit = runChain((q, g) => model.logDensity(q, g), model.initialPoint(), {
        chain: 0,
        seed: r,
        warmup: 300,
        draws: DRAWS,
        metric: "dense",
        maxDepth: 10,
        adaptDelta: 0.9,
      });
      const x = new Float64Array(model.dim);
      const below = new Int32Array(model.dim);
      for (let k = 0; k < DRAWS; k += THIN) {
        model.constrain(fit.draws.subarray(k * model.dim, (k + 1) * model.dim), x);
        for (let j = 0; j < model.dim; j++) if (x[j] < truth[j]) below[j]++;
      }
      for (let j = 0; j < model.dim; j++) ranks[j].push(below[j]);
    }
    // chi-square of the binned ranks against uniform, per parameter
    const L = DRAWS / THIN;
    const expected = REPLICATES / BINS;
    const failures: string[] = [];
    names.forEach((name, j) => {
      const counts = new Array(BINS).fill(0);
      for (const rank of ranks[j]) counts[Math.min(BINS - 1, Math.floor((rank / (L + 1)) * BINS))]++;
      const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
      // 9 degrees of freedom: P(χ² > 27.88) = 0.001 under uniformity
      if (chi2 > 27.88) failures.push(`${name}: χ² = ${chi2.toFixed(1)}, bins ${counts.join(" ")}`);
    });
    expect(failures).toEqual([]);
  }, 300_000);
});
