// Reads a run folder written by `mmm fit` back into memory, verified on the way: every file that
// fit.json records must be there with the bytes it had and the draws complete and finite.
// src/runs/ is the edge through which the commands (cli) and the dashboard (server) read and
// register run folders; it may use every layer below those two, and neither of them.

import { statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { FitSummary } from "../analysis/fitSummary.js";
import { MmmError } from "../core/errors.js";
import { parseDrawsCsv } from "../data/drawsCsv.js";
import { fsError } from "../data/fsErrors.js";
import {
  checkManifestNames,
  checkRecorded,
  DRAWS_DIR,
  matchesRecord,
  type RunManifest,
  readRunFile,
  unrecordedDraws,
} from "../data/runManifest.js";
import { parseModelingTable, parseTableSchema, SCHEMA_FILE, TABLE_FILE } from "../data/tableIo.js";
import { type Experiment, parseExperiments } from "../experiments/experimentsFile.js";
import { buildModel, type ModelRecipe } from "../inference/executor.js";
import type { SampleOptions } from "../inference/sample.js";
import type { MmmModel } from "../model/mmm.js";
import { type ModelSpec, ModelSpecSchema } from "../model/spec.js";

export interface RunFolder {
  dir: string;
  fit: { method: "nuts" | "fast"; settings: SampleOptions; config: { resolved: ModelSpec } };
  summary: FitSummary;
  recipe: ModelRecipe;
  model: MmmModel;
  /** Constrained draws of all chains, row-major (draws × dim). */
  draws: Float64Array;
  /** The lift tests the fit was calibrated with (the run's experiments.csv); empty if none. */
  experiments: Experiment[];
  /** How the tests calibrated the fit. */
  calibration: "likelihood" | "roi_prior";
  qa: unknown | null;
  lineage: unknown | null;
}

export const FIT_FORMAT = "mmm-os/fit@1";
/** The lift tests a calibrated fit was fitted with, kept in its folder. */
export const EXPERIMENTS_FILE = "experiments.csv";

// only what the reader relies on; the rest of fit.json is for people and other tools
const FitJsonSchema = z.looseObject({
  format: z.literal(FIT_FORMAT),
  method: z.enum(["nuts", "fast"]),
  settings: z.looseObject({ chains: z.number(), draws: z.number(), seed: z.number() }),
  config: z.looseObject({ resolved: z.unknown() }),
  data: z.looseObject({ table: z.string() }).optional(),
  files: z
    .record(
      z.string(),
      z.looseObject({
        sha256: z.string(),
        bytes: z.number(),
        draws: z.number().optional(),
        columns: z.number().optional(),
      }),
    )
    .optional(),
});
type FitJson = z.infer<typeof FitJsonSchema>;

const REFIT = "re-run mmm fit (the same table, spec, options and seed give the same draws)";
const RESTORE = `restore the run folder from a copy, or ${REFIT}`;

function checkRunDir(dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new MmmError(
        "E_RUN_FOLDER",
        `Run folder not found: ${dir}.`,
        { file: dir },
        "pass the --out folder of a finished `mmm fit`",
      );
    throw fsError(e, { path: dir, action: "read", what: "the run folder" });
  }
  if (!isDir)
    throw new MmmError(
      "E_RUN_FOLDER",
      `${dir} is a file, not a run folder.`,
      { file: dir },
      "pass the --out folder of a finished `mmm fit`",
    );
}

function parseRunJson(dir: string, name: string, bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    // an error at the very end of the text means the text stops early: a file cut short
    const at = /at position (\d+)/.exec(msg);
    const cut =
      /end of JSON input|Unterminated/i.test(msg) || (at !== null && Number(at[1]) >= text.trimEnd().length);
    throw new MmmError(
      "E_RUN_DAMAGED",
      `${name} in run folder ${dir} is not valid JSON${cut ? ": it ends early, so the file was cut short" : ` (${msg})`}.`,
      { file: join(dir, name) },
      RESTORE,
    );
  }
}

function readFitJson(dir: string): FitJson {
  const path = join(dir, "fit.json");
  let bytes: Buffer;
  try {
    bytes = readRunFile(dir, "fit.json");
  } catch (e) {
    if (!(e instanceof MmmError) || e.code !== "E_RUN_INCOMPLETE") throw e;
    let hasSummary = true;
    try {
      statSync(join(dir, "summary.json"));
    } catch {
      hasSummary = false;
    }
    throw new MmmError(
      "E_RUN_FOLDER",
      hasSummary
        ? `${dir} has no fit.json (but a summary.json): fit.json was deleted, and the run cannot be read without it.`
        : `${dir} is not a run folder written by mmm fit (it has no fit.json).`,
      { file: path },
      hasSummary ? RESTORE : "pass the --out folder of a finished `mmm fit`",
    );
  }
  const parsed = FitJsonSchema.safeParse(parseRunJson(dir, "fit.json", bytes));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MmmError(
      "E_RUN_DAMAGED",
      `fit.json in ${dir} is not the record mmm fit writes: ${issue.message} at '${issue.path.join(".")}'.`,
      { file: path, key: issue.path.join(".") },
      RESTORE,
    );
  }
  return parsed.data;
}

/** The fix for a file changed after the fit: the table can be restored from its source folder. */
function changedFix(name: string, fit: FitJson): string {
  if (name.startsWith("data/"))
    return `restore it from the table folder the fit read (${fit.data?.table ?? "its --table"}), or re-run mmm fit on the edited table`;
  return RESTORE;
}

/** All chains' parameter draws, in model order, each file parsed strictly and checked against its record. */
function readDraws(dir: string, fit: FitJson, files: Map<string, Buffer>, names: string[]): Float64Array {
  const manifest = fit.files!;
  const drawsNames = Object.keys(manifest)
    .filter((n) => n.startsWith(`${DRAWS_DIR}/`))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  if (drawsNames.length === 0)
    throw new MmmError(
      "E_RUN_DAMAGED",
      `fit.json in ${dir} records no draws files.`,
      { file: join(dir, "fit.json") },
      RESTORE,
    );
  const parts: Float64Array[] = [];
  for (const name of drawsNames) {
    const entry = manifest[name];
    const bytes = files.get(name)!;
    // an intact file needs only its parameters read; a changed one is combed for the bad line
    const intact = matchesRecord(entry, bytes);
    const table = parseDrawsCsv(bytes.toString("utf8"), join(dir, name), names, !intact);
    if (table.rows !== entry.draws || table.columns !== entry.columns)
      throw new MmmError(
        "E_RUN_DAMAGED",
        table.rows !== entry.draws
          ? `${name} in run folder ${dir} has ${table.rows} draws, but the fit wrote ${entry.draws}: rows were lost or added.`
          : `${name} in run folder ${dir} has ${table.columns} columns, but the fit wrote ${entry.columns}.`,
        { file: join(dir, name) },
        RESTORE,
      );
    checkRecorded(dir, name, entry, bytes, RESTORE);
    parts.push(table.values);
  }
  const draws = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    draws.set(p, o);
    o += p.length;
  }
  return draws;
}

function unverified(dir: string): MmmError {
  return new MmmError(
    "E_RUN_UNVERIFIED",
    `Run folder ${dir} was written by an older mmm fit that recorded no file hashes, so it cannot be checked for damage or edits.`,
    { file: join(dir, "fit.json") },
    REFIT,
  );
}

function checkComplete(dir: string, manifest: RunManifest): Map<string, Buffer> {
  const extra = unrecordedDraws(dir, manifest);
  if (extra.length > 0)
    throw new MmmError(
      "E_RUN_CHANGED",
      `${extra[0]} in run folder ${dir} is not one of the files mmm fit wrote; its draws would be mixed in.`,
      { file: join(dir, extra[0]) },
      "remove the file (or restore the run folder from a copy)",
    );
  for (const name of [`data/${TABLE_FILE}`, `data/${SCHEMA_FILE}`, "summary.json"])
    if (!(name in manifest))
      throw new MmmError(
        "E_RUN_DAMAGED",
        `fit.json in ${dir} does not record ${name}.`,
        { file: join(dir, "fit.json") },
        RESTORE,
      );
  // every file first, so a missing one is named before any content is judged
  return new Map(Object.keys(manifest).map((n) => [n, readRunFile(dir, n)]));
}

export function readRun(dir: string): RunFolder {
  checkRunDir(dir);
  const fit = readFitJson(dir);
  if (!fit.files) throw unverified(dir);
  const manifest = fit.files;
  checkManifestNames(manifest, join(dir, "fit.json"));
  const files = checkComplete(dir, manifest);
  // the modeling table first: every number the commands print is computed from it
  for (const name of [`data/${SCHEMA_FILE}`, `data/${TABLE_FILE}`])
    checkRecorded(dir, name, manifest[name], files.get(name)!, changedFix(name, fit));
  const summary = parseRunJson(dir, "summary.json", files.get("summary.json")!) as FitSummary;
  for (const [name, bytes] of files)
    if (!name.startsWith(`${DRAWS_DIR}/`))
      checkRecorded(dir, name, manifest[name], bytes, changedFix(name, fit));
  const schemaPath = join(dir, "data", SCHEMA_FILE);
  const schema = parseTableSchema(files.get(`data/${SCHEMA_FILE}`)!.toString("utf8"), schemaPath);
  const table = parseModelingTable(
    schema,
    files.get(`data/${TABLE_FILE}`)!.toString("utf8"),
    join(dir, "data", TABLE_FILE),
  );
  const spec = ModelSpecSchema.safeParse(fit.config.resolved);
  if (!spec.success)
    throw new MmmError(
      "E_RUN_DAMAGED",
      `fit.json in ${dir} holds a model spec this version cannot read (${spec.error.issues[0].message}).`,
      { file: join(dir, "fit.json"), key: "config.resolved" },
      "the run folder and the code version must match; re-run mmm fit",
    );
  // a calibrated run rebuilds its calibrated model (workers that refit from the recipe need it)
  const experimentsBytes = files.get(EXPERIMENTS_FILE);
  const experiments = experimentsBytes
    ? parseExperiments(experimentsBytes.toString("utf8"), join(dir, EXPERIMENTS_FILE))
    : [];
  const calibration =
    (fit as { experiments?: { calibration?: string } }).experiments?.calibration === "roi_prior"
      ? "roi_prior"
      : "likelihood";
  const recipe = {
    table,
    spec: spec.data,
    experiments: experiments.length > 0 ? experiments : undefined,
    calibration: calibration as "likelihood" | "roi_prior",
  };
  const model = buildModel(recipe);
  const draws = readDraws(dir, fit, files, model.names);
  const json = (name: string) => (files.has(name) ? parseRunJson(dir, name, files.get(name)!) : null);
  return {
    dir,
    fit: fit as unknown as RunFolder["fit"],
    summary,
    recipe,
    model,
    draws,
    experiments,
    calibration: recipe.calibration,
    qa: json("data/qa.json"),
    lineage: json("data/lineage.json"),
  };
}
