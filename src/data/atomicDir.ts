// Writes a whole output folder or nothing: files go to a temporary sibling folder that is renamed
// into place at the end, so a failed run never leaves a half-written result behind.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { MmmError } from "../core/errors.js";

export interface OutputFile {
  /** Path inside the output folder, e.g. `raw/orders.csv`. */
  name: string;
  content: string | Uint8Array;
}

/** Fails early (before any work) when the output folder exists and may not be replaced. */
export function checkOutputDir(outDir: string, force: boolean, flag = "--out"): void {
  const abs = resolve(outDir);
  if (!existsSync(abs)) return;
  if (!statSync(abs).isDirectory()) {
    throw new MmmError(
      "E_OUTPUT_EXISTS",
      `Output path ${outDir} exists and is a file.`,
      { file: outDir },
      `choose another ${flag} path`,
    );
  }
  if (!force && readdirSync(abs).length > 0) {
    throw new MmmError(
      "E_OUTPUT_EXISTS",
      `Output folder ${outDir} already exists and is not empty.`,
      { file: outDir },
      `choose another ${flag} path, or pass --force to replace it`,
    );
  }
}

export function writeDirAtomic(outDir: string, files: OutputFile[], force = false): void {
  const abs = resolve(outDir);
  checkOutputDir(outDir, force);
  const parent = dirname(abs);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(abs)}.tmp-${process.pid}-${Date.now()}`);
  try {
    for (const f of files) {
      const path = join(tmp, f.name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content);
    }
    if (existsSync(abs)) {
      const old = join(parent, `.${basename(abs)}.old-${process.pid}-${Date.now()}`);
      renameSync(abs, old);
      renameSync(tmp, abs);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, abs);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
