// The manifest `mmm fit` records in fit.json: the SHA-256 and size of every other file of the run
// folder, and each draws file's draws and columns, so a reader can tell a damaged or edited run.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { MmmError } from "../core/errors.js";
import type { OutputFile } from "./atomicDir.js";
import { fsError } from "./fsErrors.js";
import { sha256 } from "./lineage.js";

export interface ManifestEntry {
  sha256: string;
  bytes: number;
  /** Draws files only: data rows and header columns. */
  draws?: number;
  columns?: number;
}

/** File name inside the run folder (e.g. `draws/chain-1.csv`) → its entry. */
export type RunManifest = Record<string, ManifestEntry>;

export const DRAWS_DIR = "draws";

/** The manifest of the files of a run (fit.json excluded: it holds the manifest). */
export function buildRunManifest(
  files: OutputFile[],
  draws: Record<string, { draws: number; columns: number }>,
): RunManifest {
  const manifest: RunManifest = {};
  for (const f of files) {
    const bytes = typeof f.content === "string" ? Buffer.byteLength(f.content) : f.content.byteLength;
    manifest[f.name] = { sha256: sha256(f.content), bytes, ...(draws[f.name] ?? {}) };
  }
  return manifest;
}

// a recorded name is a plain relative path: fit.json must not steer the reader outside the folder
const SAFE_NAME = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_.+-]+(\/[A-Za-z0-9_.+-]+)*$/;

export function checkManifestNames(manifest: RunManifest, fitPath: string): void {
  for (const name of Object.keys(manifest))
    if (!SAFE_NAME.test(name) || typeof manifest[name]?.sha256 !== "string")
      throw new MmmError(
        "E_RUN_DAMAGED",
        `fit.json lists '${name}' among the run's files, which is not a file name mmm fit writes.`,
        { file: fitPath, key: `files.${name}` },
        "fit.json was edited or damaged; re-run mmm fit",
      );
}

/** Reads one recorded file of the run; a missing file (or draws/ folder) is named plainly. */
export function readRunFile(dir: string, name: string): Buffer {
  const path = join(dir, name);
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      throw fsError(e, { path, action: "read", what: "the run file" });
    const drawsDir = join(dir, DRAWS_DIR);
    const what = name.startsWith(`${DRAWS_DIR}/`)
      ? !exists(drawsDir)
        ? `The run folder ${dir} has no ${DRAWS_DIR}/ folder: the posterior draws are gone.`
        : readdirSync(drawsDir).length === 0
          ? `The ${DRAWS_DIR}/ folder of run ${dir} is empty: the posterior draws are gone.`
          : `${name} is missing from run folder ${dir}.`
      : `${name} is missing from run folder ${dir}.`;
    throw new MmmError(
      "E_RUN_INCOMPLETE",
      what,
      { file: path },
      "restore the run folder from a copy, or re-run mmm fit (the same table, spec, options and seed give the same draws)",
    );
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** True when `bytes` are what fit.json recorded. */
export function matchesRecord(entry: ManifestEntry, bytes: Uint8Array): boolean {
  return bytes.byteLength === entry.bytes && sha256(bytes) === entry.sha256;
}

/** Throws unless `bytes` are what fit.json recorded for `name`. */
export function checkRecorded(
  dir: string,
  name: string,
  entry: ManifestEntry,
  bytes: Uint8Array,
  fix: string,
): void {
  if (matchesRecord(entry, bytes)) return;
  const what =
    bytes.byteLength === entry.bytes
      ? "SHA-256"
      : `size (${bytes.byteLength} bytes, recorded ${entry.bytes})`;
  throw new MmmError(
    "E_RUN_CHANGED",
    `${name} in run folder ${dir} was changed after the fit: its ${what} no longer matches the record in fit.json, so results read from it could not be trusted.`,
    { file: join(dir, name) },
    fix,
  );
}

/** CSV files in draws/ that the manifest does not list (a copied-in chain would be read silently). */
export function unrecordedDraws(dir: string, manifest: RunManifest): string[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, DRAWS_DIR));
  } catch {
    return [];
  }
  return names.map((n) => `${DRAWS_DIR}/${n}`).filter((n) => n.endsWith(".csv") && !(n in manifest));
}
