// `mmm geotest simulate`: a lab dataset with a geo test applied (go-dark, heavy-up or A/A), written
// as a long geo panel plus the test's truth, so `analyze` can be scored against a known answer.

import { formatDay } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { finiteJson } from "../core/finiteJson.js";
import { column, type ModelingTable } from "../core/modelingTable.js";
import { parseUserNumber } from "../core/userNumber.js";
import { checkOutputDir, writeDirAtomic } from "../data/atomicDir.js";
import { formatNumber } from "../data/tableIo.js";
import { type GeoTestKind, randomTreated, simulateGeoTest } from "../simulate/geoTests.js";
import { simulateScenario } from "../simulate/lab.js";
import { SCENARIO_NAMES } from "../simulate/scenarios.js";
import type { CliIo } from "./io.js";
import { parseSeed } from "./simulate.js";

export interface GeotestSimulateOptions {
  scenario: string;
  seed: string;
  channel: string;
  treated: string;
  startWeek?: string;
  weeks: string;
  kind: string;
  factor: string;
  readout: string;
  out: string;
  force?: boolean;
}

export function runGeotestSimulate(o: GeotestSimulateOptions, io: CliIo): void {
  if (!SCENARIO_NAMES.includes(o.scenario))
    throw new MmmError(
      "E_BAD_OPTION",
      `Unknown scenario '${o.scenario}'.`,
      { option: "--scenario" },
      `choose one of: ${SCENARIO_NAMES.join(", ")}`,
    );
  if (!["go_dark", "heavy_up", "aa"].includes(o.kind))
    throw new MmmError(
      "E_BAD_OPTION",
      `--kind '${o.kind}' is not go_dark, heavy_up or aa.`,
      { option: "--kind" },
      "e.g. --kind go_dark",
    );
  const seed = parseSeed(o.seed);
  checkOutputDir(o.out, o.force ?? false);
  const ds = simulateScenario(o.scenario, seed);
  const t = ds.table;
  if (t.geos.length < 8)
    throw new MmmError(
      "E_BAD_OPTION",
      `Scenario '${o.scenario}' has ${t.geos.length} geo(s); a geo test needs a multi-geo scenario.`,
      { option: "--scenario" },
      "use --scenario geo",
    );
  if (!t.channels.some((c) => c.name === o.channel))
    throw new MmmError(
      "E_BAD_OPTION",
      `Unknown channel '${o.channel}'.`,
      { option: "--channel" },
      `choose from: ${t.channels.map((c) => c.name).join(", ")}`,
    );
  const N = t.weeks.length;
  const rule = (max: number) => ({ integer: true, min: 1, max });
  const weeks = parseUserNumber(o.weeks, "--weeks", { option: "--weeks" }, rule(26));
  const readout = parseUserNumber(
    o.readout,
    "--readout",
    { option: "--readout" },
    { integer: true, min: 0, max: 12 },
  );
  const startWeek =
    o.startWeek === undefined
      ? N - weeks - readout
      : parseUserNumber(o.startWeek, "--start-week", { option: "--start-week" }, rule(N - weeks - readout));
  const random = /^random:(\d+)$/.exec(o.treated);
  const treated = random
    ? randomTreated(t.geos, Number(random[1]), `${o.scenario}:${seed}:treated`)
    : o.treated.split(",").map((g) => g.trim());
  const missing = treated.find((g) => !t.geos.includes(g));
  if (missing !== undefined)
    throw new MmmError(
      "E_BAD_OPTION",
      `Geo '${missing}' is not in the scenario.`,
      { option: "--treated" },
      `geos: ${t.geos.join(", ")}; or random:3`,
    );
  const test = simulateGeoTest(ds, {
    channel: o.channel,
    treated,
    startWeek,
    weeks,
    kind: o.kind as GeoTestKind,
    factor: parseUserNumber(o.factor, "--factor", { option: "--factor" }, { min: 0 }),
    readoutWeeks: readout,
  });
  writeDirAtomic(
    o.out,
    [
      { name: "panel.csv", content: panelCsv(test.table, o.channel) },
      { name: "geotest_truth.json", content: finiteJson(test.truth, "geotest_truth.json") },
    ],
    o.force ?? false,
  );
  const tr = test.truth;
  io.out(
    [
      `Simulated a ${tr.kind} test on ${tr.channel} in ${tr.treated.join(", ")}, ${tr.start} … ${tr.end} (+${readout} readout weeks), into ${o.out}`,
      `  truth: lift ${tr.lift.toFixed(1)} ${t.kpi}, spend change ${tr.spendChange.toFixed(0)} USD, iROAS ${tr.iroas === null ? "—" : tr.iroas.toFixed(5)} per USD`,
      `  next: mmm geotest analyze --panel ${o.out}/panel.csv --kpi-column ${t.kpi} --treated "${tr.treated.join(",")}" --start ${tr.start} --end ${tr.end}${readout ? ` --readout ${readout}` : ""} --spend-change ${tr.spendChange.toFixed(0)}`,
    ].join("\n"),
  );
}

/** The test's table as a long panel: date, geo, KPI and the tested channel's spend. */
function panelCsv(t: ModelingTable, channel: string): string {
  const N = t.weeks.length;
  const kpi = column(t, t.kpi).values;
  const spend = column(t, `spend_${channel}`).values;
  const lines = [`date,geo,${t.kpi},spend_${channel}`];
  t.geos.forEach((g, gi) => {
    for (let w = 0; w < N; w++)
      lines.push(
        `${formatDay(t.weeks[w])},"${g.replaceAll('"', '""')}",${formatNumber(kpi[gi * N + w])},${formatNumber(spend[gi * N + w])}`,
      );
  });
  return `${lines.join("\n")}\n`;
}
