// `mmm recover`: the lab's scorecard — simulate a scenario, fit it, and compare every channel's
// posterior ROI and contribution share with the truth the simulator knows.

import { channelDraws } from "../analysis/channelMetrics.js";
import { assessConvergence } from "../analysis/convergence.js";
import { summarise } from "../analysis/summaries.js";
import { MmmError } from "../core/errors.js";
import { buildModel } from "../inference/executor.js";
import { fitModel, pooledDraws } from "../inference/sample.js";
import { ModelSpecSchema } from "../model/spec.js";
import { simulateScenario } from "../simulate/lab.js";
import { SCENARIO_NAMES } from "../simulate/scenarios.js";
import { type FitOptions, parseSampleOptions } from "./fit.js";
import type { CliIo } from "./io.js";
import { parseSeed } from "./simulate.js";
import { WorkerExecutor } from "./workerExecutor.js";

export interface Scorecard {
  scenario: string;
  seed: number;
  channels: {
    name: string;
    trueRoi: number;
    mean: number;
    q05: number;
    q95: number;
    covered: boolean;
    trueShare: number;
    share: number;
  }[];
  coverage: number;
  meanAbsRoiError: number;
  rhatMax: number | null;
  divergences: number;
}

export async function runRecover(
  o: { scenario: string; seed: string } & Omit<FitOptions, "table" | "out" | "config" | "seed">,
  io: CliIo,
): Promise<Scorecard> {
  if (!SCENARIO_NAMES.includes(o.scenario)) {
    throw new MmmError(
      "E_BAD_OPTION",
      `Unknown scenario '${o.scenario}'.`,
      { option: "--scenario" },
      `choose one of: ${SCENARIO_NAMES.join(", ")}`,
    );
  }
  const seed = parseSeed(o.seed);
  const opts = parseSampleOptions({ ...o, seed: o.seed, table: "", out: "" });
  const ds = simulateScenario(o.scenario, seed);
  // count data get a count likelihood: choosing the observation model is not tuning
  const spec = ModelSpecSchema.parse(
    o.scenario === "counts" ? { likelihood: { family: "negative_binomial" } } : {},
  );
  const recipe = { table: ds.table, spec };
  const model = buildModel(recipe);
  io.err(
    `Recovering '${o.scenario}' (seed ${seed}): ${ds.table.weeks.length} weeks × ${ds.table.geos.length} geo(s), ${model.data.channels.length} channels…`,
  );
  const posterior = await fitModel(model, recipe, opts, new WorkerExecutor());
  const conv = assessConvergence(posterior, opts).report;
  const measures = channelDraws(model, pooledDraws(posterior), {
    valuePerUnit: model.data.valuePerUnit ?? 1,
  });
  const observed = ds.truth.totals.observedKpi;
  const channels = ds.truth.channels.map((t) => {
    const m = measures.find((x) => x.channel === t.name)!;
    const roi = summarise(m.roi);
    return {
      name: t.name,
      trueRoi: t.roi,
      mean: roi.mean,
      q05: roi.q05,
      q95: roi.q95,
      covered: t.roi >= roi.q05 && t.roi <= roi.q95,
      trueShare: t.contribution / observed,
      share: summarise(m.contribution).mean / observed,
    };
  });
  const card: Scorecard = {
    scenario: o.scenario,
    seed,
    channels,
    coverage: channels.filter((c) => c.covered).length / channels.length,
    meanAbsRoiError: channels.reduce((s, c) => s + Math.abs(c.mean - c.trueRoi), 0) / channels.length,
    rhatMax: conv.rhat_max,
    divergences: conv.divergences,
  };
  io.out(
    `Recovery scorecard — scenario '${o.scenario}', seed ${seed} (ROI in ${model.data.currency} of value per ${model.data.currency}; 90% intervals)`,
  );
  io.out(
    `${"channel".padEnd(14)}${"true ROI".padStart(9)}  ${"posterior mean [5%, 95%]".padEnd(27)}${"covered".padEnd(9)}${"true share".padStart(11)}${"est. share".padStart(11)}`,
  );
  for (const c of channels) {
    io.out(
      `${c.name.padEnd(14)}${c.trueRoi.toFixed(2).padStart(9)}  ${`${c.mean.toFixed(2)} [${c.q05.toFixed(2)}, ${c.q95.toFixed(2)}]`.padEnd(27)}${(c.covered ? "yes" : "NO").padEnd(9)}${`${(100 * c.trueShare).toFixed(1)}%`.padStart(11)}${`${(100 * c.share).toFixed(1)}%`.padStart(11)}`,
    );
  }
  io.out(
    `coverage ${channels.filter((c) => c.covered).length}/${channels.length} = ${card.coverage.toFixed(2)}; mean |ROI error| ${card.meanAbsRoiError.toFixed(3)}; R̂ max ${conv.rhat_max === null ? "—" : conv.rhat_max.toFixed(3)}; divergences ${conv.divergences}`,
  );
  return card;
}
