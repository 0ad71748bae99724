// Gradient evaluations per second of the model assembled from terms (src/model/terms/) against
// the frozen single-class model it replaced (test/fixtures/mmmReference.ts). Runs alternate
// between the two, in both orders, and report medians of CPU-time rates: the machine is shared and noisy.
// Usage: npx tsx bench/terms.ts [repeats]

import { Rng } from "../src/core/rng.js";
import { buildModelData } from "../src/model/design.js";
import { MmmModel } from "../src/model/mmm.js";
import { ModelSpecSchema } from "../src/model/spec.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { MmmReferenceModel } from "../test/fixtures/mmmReference.js";

interface Density {
  dim: number;
  logDensity(u: ArrayLike<number>, grad: Float64Array): number;
}

/**
 * Evaluations per second of CPU time (this process's user + system time, less disturbed than
 * wall time by other jobs on a shared machine) over `calls` evaluations cycling through `points`.
 */
function rate(model: Density, points: Float64Array[], calls: number): number {
  const grad = new Float64Array(model.dim);
  let sink = 0;
  const t0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) sink += model.logDensity(points[i % points.length], grad);
  const dt = process.cpuUsage(t0);
  if (Number.isNaN(sink)) console.log("(sink)");
  return (calls / (dt.user + dt.system)) * 1e6;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

const repeats = Number(process.argv[2] ?? 7);
const cases = [
  { name: "clean (1 geo)", scenario: "clean", calls: 20000 },
  { name: "geo (multi-geo)", scenario: "geo", calls: 2000 },
];
for (const c of cases) {
  const spec = ModelSpecSchema.parse({});
  const data = buildModelData(simulateScenario(c.scenario, 1).table, spec);
  const terms = new MmmModel(data, spec);
  const ref = new MmmReferenceModel(data, spec);
  const rng = new Rng(2);
  const points = Array.from({ length: 64 }, () => terms.initialPoint().map((v) => v + rng.normal(0, 0.2)));
  rate(terms, points, c.calls / 4); // warm-up (JIT) for both
  rate(ref, points, c.calls / 4);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < repeats; r++) {
    if (r % 2 === 0) {
      b.push(rate(ref, points, c.calls));
      a.push(rate(terms, points, c.calls));
    } else {
      a.push(rate(terms, points, c.calls));
      b.push(rate(ref, points, c.calls));
    }
  }
  const fmt = (v: number[]) => v.map((x) => x.toFixed(0)).join(" ");
  console.log(`${c.name}: G=${data.G} T=${data.T} dim=${terms.dim}, ${c.calls} calls × ${repeats} repeats`);
  console.log(`  reference  median ${median(b).toFixed(0)} evals/s  [${fmt(b)}]`);
  console.log(`  terms      median ${median(a).toFixed(0)} evals/s  [${fmt(a)}]`);
  const paired = a.map((v, r) => v / b[r]);
  console.log(`  ratio of medians ${(median(a) / median(b)).toFixed(3)}`);
  console.log(
    `  median of paired ratios (adjacent runs) ${median(paired).toFixed(3)}  [${paired.map((v) => v.toFixed(2)).join(" ")}]`,
  );
}
