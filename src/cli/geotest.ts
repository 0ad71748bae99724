// `mmm geotest analyze | design | simulate`: read a geo test with synthetic control, design one
// by simulation on history, or make one in the lab with a known answer. Parsing and printing
// only; the methods live in src/experiments/geo.

import { resolve } from "node:path";
import { parse as loadYaml, stringify as yamlStringify } from "yaml";
import { formatDay, parseDay } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { finiteJson } from "../core/finiteJson.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import { readUserText } from "../data/fsErrors.js";
import { readModelingTable } from "../data/tableFolder.js";
import { experimentsCsv } from "../experiments/experimentsFile.js";
import { analyzeGeoTest, experimentRow, type GeoTestResult } from "../experiments/geo/analyze.js";
import { type DesignRow, designTests } from "../experiments/geo/design.js";
import {
  type GeoPanel,
  locateTest,
  panelFromTable,
  parsePanelCsv,
  weeklyPanel,
} from "../experiments/geo/panel.js";
import { designHtml, geotestHtml } from "../report/geotestCharts.js";
import { type RunFolder, readRun } from "../runs/runReader.js";
import {
  type DesignCliOptions,
  designDoc,
  designLines,
  designOptions,
  fmt,
  kindOf,
  list,
  num,
  pct,
} from "./geotestDesign.js";
import { applyRunPrior } from "./geotestPrior.js";
import type { CliIo } from "./io.js";

export interface PanelOptions {
  panel?: string;
  table?: string;
  run?: string;
  weekly?: boolean;
  dateColumn?: string;
  geoColumn?: string;
  kpiColumn?: string;
}

export function readPanel(o: PanelOptions): GeoPanel {
  return readPanelAndRun(o).panel;
}

/** The panel, and the run it came from when --run was given (design uses its posterior). */
export function readPanelAndRun(o: PanelOptions): { panel: GeoPanel; run?: RunFolder } {
  const given = [o.panel, o.table, o.run].filter((x) => x !== undefined).length;
  if (given !== 1)
    throw new MmmError(
      "E_BAD_OPTION",
      given === 0 ? "No geo panel given." : "Give one of --panel, --table and --run, not several.",
      { option: "--panel" },
      "--panel data.csv (date, geo, KPI rows), --table <modeling table folder> or --run <run folder>",
    );
  let p: GeoPanel;
  let run: RunFolder | undefined;
  if (o.panel !== undefined)
    p = parsePanelCsv(readUserText({ path: o.panel, what: "the geo panel" }), o.panel, {
      dateColumn: o.dateColumn,
      geoColumn: o.geoColumn,
      kpiColumn: o.kpiColumn,
    });
  else if (o.table !== undefined) p = panelFromTable(readModelingTable(o.table), o.table);
  else {
    run = readRun(o.run as string);
    p = panelFromTable(run.recipe.table, o.run as string);
  }
  if (p.geos.length < 2)
    throw new MmmError(
      "E_GEO_PANEL",
      `The panel ${p.source} has a single geo; a geo test needs many.`,
      { file: p.source },
      "use a geo-level table or panel",
    );
  return { panel: o.weekly ? weeklyPanel(p) : p, run };
}

export interface AnalyzeCliOptions extends PanelOptions {
  treated?: string;
  start: string;
  end?: string;
  readout?: string;
  exclude?: string;
  spendChange?: string;
  channel?: string;
  kind?: string;
  id?: string;
  level: string;
  alpha: string;
  design?: string;
  rank: string;
  out?: string;
  experiments?: string;
  html?: string;
}

/** Treated geos and length from a design file written by `mmm geotest design --out`. */
function fromDesign(
  file: string,
  rank: number,
): { treated: string[]; periods: number; channel?: string; kind?: string } {
  const text = readUserText({ path: file, what: "the design file" });
  let parsed: unknown;
  try {
    parsed = loadYaml(text);
  } catch (e) {
    throw new MmmError(
      "E_BAD_OPTION",
      `Design file ${file} is not YAML (${(e as Error).message}).`,
      { file, option: "--design" },
      "give the file written by mmm geotest design --out",
    );
  }
  const doc = parsed as {
    designs?: { rank: number; treated: string[]; periods: number }[];
    channel?: string;
    kind?: string;
  };
  const d = doc.designs?.find((x) => x.rank === rank);
  if (!d)
    throw new MmmError(
      "E_BAD_OPTION",
      `Design file ${file} has no design of rank ${rank}.`,
      { file, option: "--rank" },
      "give a rank listed in the file",
    );
  return { treated: d.treated, periods: d.periods, channel: doc.channel, kind: doc.kind };
}

export async function runGeotestAnalyze(o: AnalyzeCliOptions, io: CliIo): Promise<GeoTestResult> {
  const p = readPanel(o);
  const design = o.design
    ? fromDesign(o.design, num(o.rank, "--rank", { integer: true, min: 1 }))
    : undefined;
  const treated = o.treated !== undefined ? list(o.treated) : (design?.treated ?? []);
  let end = o.end;
  if (end === undefined) {
    if (!design)
      throw new MmmError(
        "E_BAD_OPTION",
        "No --end given.",
        { option: "--end" },
        "give the last day of the test, e.g. --end 2021-04-15",
      );
    end = formatDay(Math.max(0, (parseDay(o.start.trim()) ?? 0) + p.step * (design.periods - 1)));
  }
  const readout =
    o.readout === undefined ? 0 : num(o.readout, "--readout", { integer: true, min: 0, max: 52 });
  const w = locateTest(p, {
    treated,
    start: o.start,
    end,
    readoutPeriods: readout,
    exclude: list(o.exclude),
  });
  const spendChange =
    o.spendChange === undefined
      ? undefined
      : num(o.spendChange, "--spend-change", { suffixes: true, example: "-50k" });
  const level = num(o.level, "--level", { min: 0.5, max: 0.99, example: "0.9" });
  const alpha = num(o.alpha, "--alpha", { min: 0.001, max: 0.5, example: "0.1" });
  for (const out of [o.out, o.experiments, o.html])
    if (out !== undefined && resolve(out) === resolve(p.source))
      throw new MmmError(
        "E_OUTPUT_IS_INPUT",
        `Output ${out} is the panel this command reads.`,
        { file: out },
        "write outputs to new paths",
      );
  const r = analyzeGeoTest(p, w, { level, alpha, spendChange });
  for (const line of analyzeLines(r)) io.out(line);
  const inputs = [{ path: p.source, what: "the geo panel", folder: o.panel === undefined }];
  if (o.out) writeFileAtomic(o.out, finiteJson(r, o.out), inputs);
  if (o.experiments) {
    const channel = o.channel ?? design?.channel;
    if (!channel || spendChange === undefined)
      throw new MmmError(
        "E_BAD_OPTION",
        "An experiments row needs --channel and --spend-change.",
        { option: "--experiments" },
        "e.g. --channel paid_social --spend-change -40k",
      );
    const row = experimentRow(r, {
      id: o.id ?? `geotest-${r.start}`,
      channel,
      spendChange,
      kind: kindOf(o.kind ?? design?.kind),
      changeEnd: formatDay(p.dates[w.end - readout]),
      readoutWeeks: p.step === 7 ? readout : Math.round(readout / 7),
    });
    writeFileAtomic(o.experiments, experimentsCsv([row]), inputs, "--experiments");
  }
  if (o.html) writeFileAtomic(o.html, await geotestHtml(r), inputs, "--html");
  return r;
}

export function analyzeLines(r: GeoTestResult): string[] {
  const unit = r.periodDays === 7 ? "weeks" : "days";
  const L = Math.round(r.level * 100);
  const verdict = { detected: "DETECTED", not_detected: "NOT DETECTED", not_trustworthy: "NOT TRUSTWORTHY" }[
    r.verdict
  ];
  return [
    `Geo test on ${r.treated.join(", ")} (${r.controls} control geos), ${r.start} … ${r.end}: ${r.testPeriods} ${unit} after ${r.preperiods} ${unit} of pre-period`,
    `  pre-period fit       R² ${r.preFit.r2.toFixed(3)}, RMSPE ${fmt(r.preFit.rmspe, 1)} (${pct(r.preFit.relativeRmspe)} of the treated level)`,
    `  method               ${r.method === "ridge_ascm" ? `ridge-augmented synthetic control (penalty ${r.lambda} × mean eigenvalue, by CV)` : "synthetic control (CV chose no ridge augmentation)"}`,
    "",
    `  ${"estimate".padEnd(20)} ${"lift".padStart(12)} ${`${L}% interval`.padStart(26)}   relative`,
    `  ${"ridge ASCM".padEnd(20)} ${fmt(r.lift).padStart(12)} ${`${fmt(r.low)} … ${fmt(r.high)}`.padStart(26)}   ${pct(r.relativeLift)}`,
    `  ${"plain SCM".padEnd(20)} ${fmt(r.scmLift).padStart(12)}`,
    `  ${"time-based regr.".padEnd(20)} ${fmt(r.tbr.lift).padStart(12)} ${`${fmt(r.tbr.low)} … ${fmt(r.tbr.high)}`.padStart(26)}`,
    "",
    `  p-value (in-time conformal, ${r.inTimePlacebos} placebo windows): ${r.pValue.toFixed(3)}`,
    ...(r.space
      ? [
          `  p-value (in-space placebos, ${r.space.placebos} placebo groups, RMSPE ratio): ${r.space.pValue.toFixed(3)}`,
        ]
      : []),
    ...(r.iroas
      ? [
          `  iROAS (${r.kpi} per unit of spend change ${fmt(r.iroas.spendChange)}): ${fmt(r.iroas.estimate, 4)} (${L}%: ${fmt(r.iroas.low, 4)} … ${fmt(r.iroas.high, 4)})`,
        ]
      : []),
    `  synthetic control: ${r.weights
      .slice(0, 6)
      .map((w) => `${w.geo} ${w.weight.toFixed(2)}`)
      .join(", ")}${r.weights.length > 6 ? ", …" : ""}`,
    "",
    `Verdict: ${verdict}${r.reasons.length ? ` — ${r.reasons.join("; ")}` : ` at α = ${r.alpha}`}`,
  ];
}

export interface DesignCommandOptions extends PanelOptions, DesignCliOptions {}

export async function runGeotestDesign(o: DesignCommandOptions, io: CliIo): Promise<DesignRow[]> {
  const { panel: p, run } = readPanelAndRun(o);
  const { options, effectText, durations, kind } = designOptions(o, p);
  const started = Date.now();
  const rows = designTests(p, options);
  if (rows.length === 0)
    throw new MmmError(
      "E_GEO_DESIGN",
      "No candidate group meets the constraints.",
      { option: "--max-share" },
      "allow a larger --max-share, other --sizes, or fewer --include geos",
    );
  const seconds = (Date.now() - started) / 1000;
  if (run) applyRunPrior(rows, run, p, o, kind);
  const top = num(o.top, "--top", { integer: true, min: 1 });
  const unit = p.step === 7 ? "wk" : "d";
  for (const line of designLines(rows, {
    p,
    top,
    unit,
    seconds,
    durations: durations.length,
    kind,
    effectText,
    channel: o.channel,
    spendGiven: o.spendChange !== undefined,
    prior: run !== undefined,
  }))
    io.out(line);
  if (o.out) {
    const doc = designDoc(rows, p, kind, o.channel);
    writeFileAtomic(o.out, o.out.endsWith(".json") ? finiteJson(doc, o.out) : yamlStringify(doc), [
      { path: p.source, what: "the geo panel" },
    ]);
  }
  if (o.html)
    writeFileAtomic(
      o.html,
      await designHtml(rows.slice(0, Math.min(top, 6)), unit, p.source),
      [{ path: p.source, what: "the geo panel" }],
      "--html",
    );
  return rows;
}
