// The browser-only fit: the dropped table is parsed here, checked with the same code as
// `mmm fit`, and fitted by NUTS with each chain in a Web Worker. Nothing is sent anywhere (the
// page's policy forbids connections); the result is the fit's summary, shown as a table.

import type { FitSummary } from "../../src/analysis/fitSummary.js";
import { compact, sig } from "../../src/analysis/numberFormat.js";
import type { ModelingTable } from "../../src/core/modelingTable.js";
import { parseModelingTable, parseTableSchema } from "../../src/data/tableIo.js";
import { fitTable } from "../../src/fitTable.js";
import { DEFAULT_SAMPLE_OPTIONS } from "../../src/inference/sample.js";
import { type ModelSpec, parseModelSpec } from "../../src/model/spec.js";
import { BASE } from "../base.js";
import { WebWorkerExecutor } from "./webWorkerExecutor.js";

/** What a benchmark or test reads once the fit is done. */
interface LocalFitProbe {
  table?: { weeks: number; geos: number; channels: string[] };
  done: boolean;
  ms?: number;
  summary?: FitSummary;
  error?: string;
}

const probe: LocalFitProbe = { done: false };
(window as unknown as { mmmLocalFit: LocalFitProbe }).mmmLocalFit = probe;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The largest file read: a weekly modeling table of hundreds of geos is a few MB. */
const MAX_FILE_BYTES = 100 * 1024 * 1024;

let table: ModelingTable | undefined;
let spec: ModelSpec | undefined;

async function readFiles(files: File[]): Promise<void> {
  const status = $("fit-status");
  try {
    const large = files.find((f) => f.size > MAX_FILE_BYTES);
    if (large)
      throw new Error(
        `${large.name} is ${(large.size / 1024 / 1024).toFixed(0)} MB, over the 100 MB this page reads: drop the modeling table from mmm prepare, not the raw exports`,
      );
    const schemaFile = files.find((f) => f.name.endsWith(".schema.json"));
    const csvFile = files.find((f) => f.name.toLowerCase().endsWith(".csv"));
    const specFile = files.find((f) => /\.ya?ml$/i.test(f.name));
    if (!schemaFile || !csvFile)
      throw new Error(
        `need both table.csv and table.schema.json from a mmm prepare folder (got ${files.map((f) => f.name).join(", ") || "nothing"})`,
      );
    const schema = parseTableSchema(await schemaFile.text(), schemaFile.name);
    table = parseModelingTable(schema, await csvFile.text(), csvFile.name);
    spec = parseModelSpec(specFile ? await specFile.text() : "", specFile?.name ?? "(defaults)");
    probe.error = undefined;
    probe.table = {
      weeks: table.weeks.length,
      geos: table.geos.length,
      channels: table.channels.map((c) => c.name),
    };
    status.textContent = `Read ${csvFile.name}: ${table.weeks.length} weeks × ${table.geos.length} geo(s), channels ${probe.table.channels.join(", ")}; model spec ${specFile ? specFile.name : "defaults"}. Ready to fit.`;
    $<HTMLButtonElement>("fit").disabled = false;
  } catch (err) {
    table = undefined;
    $<HTMLButtonElement>("fit").disabled = true;
    probe.error = (err as Error).message;
    status.textContent = `Cannot use these files: ${(err as Error).message}`;
  }
}

function setting(id: string): number {
  const input = $<HTMLInputElement>(id);
  const v = Number(input.value);
  if (!Number.isInteger(v) || v < Number(input.min) || (input.max !== "" && v > Number(input.max)))
    throw new Error(`${id} must be a whole number from ${input.min}${input.max ? ` to ${input.max}` : ""}`);
  return v;
}

function showResult(summary: FitSummary, ms: number): void {
  const f = summary.roi_display.factor;
  const d = summary.diagnostics;
  const rows = Object.entries(summary.channels).map(([name, c]) => {
    const tr = document.createElement("tr");
    for (const [text, numeric] of [
      [name, false],
      [compact(c.spend), true],
      [sig(c.roi.mean * f, 3), true],
      [`${sig(c.roi.q05 * f, 3)} to ${sig(c.roi.q95 * f, 3)}`, true],
      [compact(c.contribution.mean), true],
      [c.p_roi_above_1 === null ? "—" : c.p_roi_above_1.toFixed(2), true],
    ] as [string, boolean][]) {
      const td = document.createElement("td");
      td.textContent = text;
      if (numeric) td.className = "num";
      tr.append(td);
    }
    return tr;
  });
  const table = document.createElement("table");
  table.id = "local-roi";
  table.innerHTML = `<thead><tr><th>channel</th><th class="num">spend</th><th class="num">${summary.roi_display.short}</th><th class="num">90% interval</th><th class="num">contribution</th><th class="num">P(ROI &gt; 1)</th></tr></thead>`;
  const body = document.createElement("tbody");
  body.append(...rows);
  table.append(body);
  const head = document.createElement("h2");
  head.textContent = "What the fit found";
  const p = document.createElement("p");
  p.textContent = `NUTS, fitted in this browser in ${(ms / 1000).toFixed(1)} s. Diagnostics: ${d.verdict}; max R̂ ${d.rhat_max?.toFixed(3) ?? "—"}, min bulk ESS ${d.ess_bulk_min?.toFixed(0) ?? "—"}, ${d.divergences} divergent transitions. ${summary.roi_display.short} in ${summary.roi_display.unit}.`;
  $("fit-result").replaceChildren(head, p, table);
}

async function runFit(): Promise<void> {
  if (!table || !spec) return;
  const status = $("fit-status");
  const bar = $<HTMLProgressElement>("fit-progress");
  const button = $<HTMLButtonElement>("fit");
  let executor: WebWorkerExecutor | undefined;
  try {
    const opts = {
      ...DEFAULT_SAMPLE_OPTIONS,
      chains: setting("chains"),
      warmup: setting("warmup"),
      draws: setting("draws"),
      seed: setting("seed"),
    };
    button.disabled = true;
    probe.done = false;
    probe.error = undefined;
    bar.hidden = false;
    const perChain = new Map<number, number>();
    const total = opts.chains * (opts.warmup + opts.draws);
    status.textContent = `Fitting: NUTS, ${opts.chains} chains × (${opts.warmup} warm-up + ${opts.draws} draws) in ${Math.min(opts.chains, navigator.hardwareConcurrency || 2)} workers…`;
    executor = new WebWorkerExecutor(`${BASE}assets/chain-worker.js`);
    const t0 = performance.now();
    const summary = await fitTable(table, spec, opts, executor, (p) => {
      perChain.set(p.chain, p.iteration);
      bar.value = [...perChain.values()].reduce((a, b) => a + b, 0) / total;
    });
    const ms = performance.now() - t0;
    probe.summary = summary;
    probe.ms = ms;
    probe.done = true;
    status.textContent = "Done. The table and the draws stayed in this browser.";
    showResult(summary, ms);
  } catch (err) {
    probe.error = (err as Error).message;
    status.textContent = `The fit failed: ${(err as Error).message}`;
  } finally {
    executor?.close();
    bar.hidden = true;
    button.disabled = false;
  }
}

function start(): void {
  const drop = $("drop");
  const input = $<HTMLInputElement>("table-files");
  if (!drop || !input) return;
  for (const [id, v] of [
    ["chains", DEFAULT_SAMPLE_OPTIONS.chains],
    ["warmup", DEFAULT_SAMPLE_OPTIONS.warmup],
    ["draws", DEFAULT_SAMPLE_OPTIONS.draws],
    ["seed", DEFAULT_SAMPLE_OPTIONS.seed],
  ] as const)
    $<HTMLInputElement>(id).value = String(v);
  input.addEventListener("change", () => readFiles([...(input.files ?? [])]));
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    readFiles([...(e.dataTransfer?.files ?? [])]);
  });
  $<HTMLButtonElement>("fit").addEventListener("click", () => runFit());
}

start();
