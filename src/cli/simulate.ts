// `mmm simulate`: writes a ground-truth lab dataset (raw exports, truth, prepare config) to a folder.

import { formatDay } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { parseUserNumber } from "../core/userNumber.js";
import { checkOutputDir, writeDirAtomic } from "../data/atomicDir.js";
import { type SimulatedDataset, simulateScenario } from "../simulate/lab.js";
import { SCENARIO_NAMES } from "../simulate/scenarios.js";
import type { CliIo } from "./io.js";
import { labFiles, type RawFormat } from "./labFiles.js";

export interface SimulateOptions {
  scenario: string;
  seed: string;
  out: string;
  format: string;
  force?: boolean;
  /** Run lift tests inside the history and write them as experiments.csv. */
  experiments?: boolean;
}

export function parseSeed(text: string, flag = "--seed"): number {
  return parseUserNumber(
    text,
    flag,
    { option: flag },
    { integer: true, min: 0, max: 2 ** 32 - 1, example: `${flag} 1` },
  );
}

export function runSimulate(opts: SimulateOptions, io: CliIo): SimulatedDataset {
  if (!SCENARIO_NAMES.includes(opts.scenario)) {
    throw new MmmError(
      "E_BAD_OPTION",
      `Unknown scenario '${opts.scenario}'.`,
      { option: "--scenario" },
      `choose one of: ${SCENARIO_NAMES.join(", ")} (mmm scenarios describes them)`,
    );
  }
  if (opts.format !== "csv" && opts.format !== "parquet") {
    throw new MmmError(
      "E_BAD_OPTION",
      `--format must be csv or parquet, got '${opts.format}'.`,
      { option: "--format" },
      "use --format csv (default) or --format parquet",
    );
  }
  const seed = parseSeed(opts.seed);
  checkOutputDir(opts.out, opts.force ?? false);
  const ds = simulateScenario(opts.scenario, seed, { experiments: opts.experiments ?? false });
  writeDirAtomic(opts.out, labFiles(ds, opts.format as RawFormat), opts.force ?? false);
  const t = ds.truth;
  io.out(
    [
      `Simulated scenario '${t.scenario}' (seed ${seed}) into ${opts.out}`,
      `  ${t.calendar.weeks} weeks from ${t.calendar.firstWeek}, ${t.geos.length} geo(s), ${t.channels.length} channels; raw exports end ${formatDay(ds.table.weeks[ds.table.weeks.length - 1] + 9)} (a partial week)`,
      `  truth: media drives ${(100 * t.totals.mediaShareOfKpi).toFixed(1)}% of ${t.kpi.name}; ROI ${t.channels.map((c) => `${c.name} ${c.roi.toFixed(2)}`).join(", ")}`,
      ...(ds.experiments
        ? [
            `  experiments: ${ds.experiments.length} lift tests in experiments.csv (${ds.experiments.map((e) => `${e.kind} ${e.channel}`).join(", ")}); true lifts in truth/truth.json`,
          ]
        : []),
      `  next: mmm prepare --config ${opts.out}/prepare.yaml --out ${opts.out}/table`,
    ].join("\n"),
  );
  return ds;
}
