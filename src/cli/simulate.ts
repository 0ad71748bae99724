// `mmm simulate`: writes a ground-truth lab dataset (raw exports, truth, prepare config) to a folder.

import { formatDay } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { parseUserNumber } from "../core/userNumber.js";
import { checkOutputDir, writeDirAtomic } from "../data/atomicDir.js";
import { DROP_WEEKS, type ExportDrop, exportDrops } from "../simulate/exportDrops.js";
import { type SimulatedDataset, simulateScenario } from "../simulate/lab.js";
import { SCENARIO_NAMES } from "../simulate/scenarios.js";
import type { TruthWorldChange } from "../simulate/worldChanges.js";
import type { CliIo } from "./io.js";
import { dropFiles, dropName, labFiles, type RawFormat } from "./labFiles.js";

export interface SimulateOptions {
  scenario: string;
  seed: string;
  out: string;
  format: string;
  force?: boolean;
  /** Run lift tests inside the history and write them as experiments.csv. */
  experiments?: boolean;
  /** Also write the exports as this many monthly drops (drops/00 … drops/NN). */
  drops?: string;
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
  const dropCount =
    opts.drops === undefined
      ? 0
      : parseUserNumber(
          opts.drops,
          "--drops",
          { option: "--drops" },
          { integer: true, min: 1, max: 26, example: "--drops 12" },
        );
  checkOutputDir(opts.out, opts.force ?? false);
  const ds = simulateScenario(opts.scenario, seed, { experiments: opts.experiments ?? false });
  let drops: ExportDrop[] = [];
  try {
    drops = dropCount > 0 ? exportDrops(ds, dropCount) : [];
  } catch (e) {
    throw new MmmError("E_BAD_OPTION", (e as Error).message, { option: "--drops" }, "ask for fewer drops");
  }
  const files = [
    ...labFiles(ds, opts.format as RawFormat),
    ...drops.flatMap((d) => dropFiles(ds, d, opts.format as RawFormat)),
  ];
  writeDirAtomic(opts.out, files, opts.force ?? false);
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
      ...(drops.length > 0
        ? [
            `  drops: ${opts.out}/drops/00 holds the history to ${drops[0].lastDay}; drops/01 … drops/${dropName(drops.length - 1)} add ${DROP_WEEKS} weeks each, to ${drops[drops.length - 1].lastDay}`,
          ]
        : []),
      ...(t.changes
        ? t.changes.map((c) => `  world change (${c.kind}) from the week of ${c.week}: ${describeChange(c)}`)
        : []),
      `  next: mmm prepare --config ${opts.out}/prepare.yaml --out ${opts.out}/table`,
    ].join("\n"),
  );
  return ds;
}

function describeChange(c: TruthWorldChange): string {
  switch (c.kind) {
    case "effect":
      return `${c.channel}'s effect × ${c.multiplier} (${c.contributionBefore.toFixed(0)} → ${c.contributionAfter.toFixed(0)} a week)`;
    case "taxonomy":
      return `${c.renamedCampaigns} campaigns renamed; '${c.campaignBefore}' (${c.from}) became '${c.campaignAfter}' (${c.to}), ${c.movedPerWeek.toFixed(0)} USD a week`;
    case "price":
      return `list price ${c.priceBefore} → ${c.priceAfter}`;
  }
}
