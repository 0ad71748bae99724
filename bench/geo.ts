// Geo hierarchy benchmark (issue 13): the lab's `geo` brand (24 regions × 104 weeks, each region's
// media effects varying around a national mean) fitted with every channel's effect fully pooled
// across geos (the default) and partially pooled, per seed:
//   - per-geo ROI: how often the 90% interval covers the region's true ROI, and the mean absolute
//     error of its posterior mean (the pooled model can only say "the national ROI" everywhere);
//   - national ROI: the mean absolute error of each channel's posterior mean against the truth;
//   - fit time, R̂, divergences, and the learned spread τ against the lab's log-effect spread.
// Run: npm run bench:geo -- [--seeds 1-5] [--variants pooled,partial] [--name geo-hierarchy]  (results/<name>.json)

import { geoMeasures } from "../src/analysis/geoMeasures.js";
import { pooledDraws } from "../src/inference/sample.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { arg, benchFit, median, seedList, table, writeResult } from "./lib.js";

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
function correlation(a: number[], b: number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

type Fit = Awaited<ReturnType<typeof benchFit>>;
// pooled and partially pooled; `--variants pooled,partial:non_centered,partial:centered` also
// compares the partial model's two sampling parameterisations (same model, other coordinates)
const VARIANTS = arg("variants", "pooled,partial").split(",");

const rows: Record<string, number | string>[] = [];
for (const seed of seedList(arg("seeds", "1-5"))) {
  const ds = simulateScenario("geo", seed);
  const vpu = ds.truth.kpi.valuePerUnit;
  const geoSeries = ds.truth.geoSeries ?? [];
  for (const hierarchy of VARIANTS) {
    const [media_effect, parameterization = "non_centered"] = hierarchy.split(":");
    const fit = await benchFit(ds.table, { geo_hierarchy: { media_effect, parameterization } }, { seed });
    const d = fit.model.data;
    const perGeo = geoMeasures(fit.model, pooledDraws(fit.posterior), { valuePerUnit: vpu, maxDraws: 800 });
    let covered = 0;
    let cells = 0;
    const geoErrors: number[] = [];
    const nationalErrors: number[] = [];
    // does the model get the geos' differences right, whatever its national level? per channel,
    // the correlation across geos of estimated and true ROI
    const patterns: number[] = [];
    d.channels.forEach((ch, c) => {
      const estimated: number[] = [];
      const actual: number[] = [];
      const truth = ds.truth.channels.find((t) => t.name === ch.name);
      if (!truth) return;
      nationalErrors.push(Math.abs(fit.roi[ch.name].mean - truth.roi));
      for (let g = 0; g < d.G; g++) {
        const series = geoSeries.find((s) => s.geo === d.geos[g]);
        let spend = 0;
        for (let t = 0; t < d.T; t++) spend += ch.spend[g * d.T + t];
        const trueRoi = (vpu * (series?.contributions[ch.name] ?? []).reduce((a, b) => a + b, 0)) / spend;
        const est = perGeo[c].roi[g];
        if (est.q05 <= trueRoi && trueRoi <= est.q95) covered++;
        cells++;
        geoErrors.push(Math.abs(est.mean - trueRoi));
        estimated.push(est.mean);
        actual.push(trueRoi);
      }
      patterns.push(correlation(estimated, actual));
    });
    const spreads = fit.model.layout.channels
      .map((l) => (l.geo ? median(Array.from(columnOf(fit, l.geo.spread))) : 0))
      .map((v) => v.toFixed(2))
      .join(" ");
    const rep = fit.convergence.report;
    rows.push({
      seed,
      hierarchy,
      seconds: fit.timing.wallSeconds,
      geoCoverage: covered / cells,
      geoRoiMae: mean(geoErrors),
      nationalRoiMae: mean(nationalErrors),
      geoPatternR: mean(patterns),
      rhatMax: rep.rhat_max ?? Number.NaN,
      essBulkMin: rep.ess_bulk_min ?? Number.NaN,
      divergences: rep.divergences,
      leapfrog: fit.timing.meanLeapfrogPerIteration,
      spreads,
    });
    console.error(`geo seed ${seed} ${hierarchy}: ${fit.timing.wallSeconds.toFixed(1)} s`);
  }
}

function columnOf(fit: Fit, index: number): Float64Array {
  const draws = pooledDraws(fit.posterior);
  const S = draws.length / fit.model.dim;
  return Float64Array.from({ length: S }, (_, k) => draws[k * fit.model.dim + index]);
}

const summarise = (h: string) => {
  const r = rows.filter((x) => x.hierarchy === h);
  const col = (k: string) => r.map((x) => x[k] as number);
  return {
    runs: r.length,
    geoCoverage: mean(col("geoCoverage")),
    geoRoiMae: mean(col("geoRoiMae")),
    geoPatternR: mean(col("geoPatternR")),
    nationalRoiMae: mean(col("nationalRoiMae")),
    medianSeconds: median(col("seconds")),
    worstSeconds: Math.max(...col("seconds")),
    worstRhat: Math.max(...col("rhatMax")),
    divergences: col("divergences").reduce((a, b) => a + b, 0),
  };
};
const summary = Object.fromEntries(VARIANTS.map((v) => [v, summarise(v)]));

console.log("\n== geo: 24 regions × 104 weeks, per-region effects around a national mean (lab log-sd 0.2)\n");
console.log(
  table(
    rows.map((r) => [
      r.seed,
      r.hierarchy,
      (r.seconds as number).toFixed(1),
      (r.geoCoverage as number).toFixed(2),
      (r.geoRoiMae as number).toFixed(3),
      (r.geoPatternR as number).toFixed(2),
      (r.nationalRoiMae as number).toFixed(3),
      (r.rhatMax as number).toFixed(4),
      (r.essBulkMin as number).toFixed(0),
      r.divergences,
      (r.leapfrog as number).toFixed(1),
      r.spreads,
    ]),
    [
      "seed",
      "effects",
      "wall s",
      "geo ROI coverage",
      "geo ROI MAE",
      "geo pattern r",
      "national ROI MAE",
      "R̂ max",
      "min bulk ESS",
      "div",
      "leapfrog/iter",
      "τ median per channel",
    ],
  ),
);
for (const v of VARIANTS.filter((x) => x !== "pooled")) {
  const p = summary[v];
  const pooled = summary.pooled;
  console.log(
    `${v}: per-geo ROI coverage ${p.geoCoverage.toFixed(2)} (target ≥ 0.85${pooled ? `; pooled ${pooled.geoCoverage.toFixed(2)}` : ""}), national ROI MAE ${p.nationalRoiMae.toFixed(3)}${pooled ? ` (pooled ${pooled.nationalRoiMae.toFixed(3)}: must be no worse)` : ""}, geo pattern r ${p.geoPatternR.toFixed(2)}, median ${p.medianSeconds.toFixed(1)} s, worst ${p.worstSeconds.toFixed(1)} s${pooled ? ` (pooled ${pooled.medianSeconds.toFixed(1)} s)` : ""}`,
  );
}
console.log(`→ ${writeResult(arg("name", "geo-hierarchy"), { summary, runs: rows })}`);
