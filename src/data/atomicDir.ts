// Writes a whole output folder, or one output file, or nothing: content goes to a temporary sibling
// that is renamed into place at the end, so a failed run never leaves a half-written result behind.

import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fsError } from "./fsErrors.js";
import { checkOutputPath, type OutputInput } from "./outputPath.js";

export interface OutputFile {
  /** Path inside the output folder, e.g. `raw/orders.csv`. */
  name: string;
  content: string | Uint8Array;
}

/**
 * Fails early (before any work) when the output folder may not be written: it exists and is not
 * empty (without `force`), is a file, holds or lies inside an input folder, or its parent cannot
 * take files.
 */
export function checkOutputDir(
  outDir: string,
  force: boolean,
  flag = "--out",
  inputs: OutputInput[] = [],
): void {
  checkOutputPath(outDir, { kind: "folder", force, flag, inputs });
}

/** A hidden sibling name for `target`, short enough that a long final name still fits the limit. */
function tempSibling(target: string, kind: string): string {
  return join(dirname(target), `.${basename(target).slice(0, 180)}.${kind}-${process.pid}-${Date.now()}`);
}

/**
 * Runs `write` with the parent folder of `target` created if it is missing; if `write` fails,
 * the folders it created are removed again, so a failure leaves the disk as it was.
 */
function withParent(target: string, out: string, flag: string, write: () => void): void {
  let created: string | undefined;
  try {
    created = mkdirSync(dirname(target), { recursive: true });
    write();
  } catch (e) {
    if (created) rmSync(created, { recursive: true, force: true });
    throw fsError(e, { path: out, action: "write", what: flag, option: flag });
  }
}

export function writeDirAtomic(
  outDir: string,
  files: OutputFile[],
  force = false,
  inputs: OutputInput[] = [],
  flag = "--out",
): void {
  const { target } = checkOutputPath(outDir, { kind: "folder", force, flag, inputs });
  const tmp = tempSibling(target, "tmp");
  withParent(target, outDir, flag, () => {
    try {
      for (const f of files) {
        const path = join(tmp, f.name);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.content);
      }
      if (existsSync(target)) {
        const old = tempSibling(target, "old");
        renameSync(target, old);
        try {
          renameSync(tmp, target);
        } catch (e) {
          renameSync(old, target); // put the previous folder back
          throw e;
        }
        rmSync(old, { recursive: true, force: true });
      } else {
        renameSync(tmp, target);
      }
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
  });
}

/**
 * Writes one output file atomically (a temporary file in the same folder, then a rename), after
 * the same checks as `checkOutputPath`; missing parent folders are created. Returns the path written.
 */
export function writeFileAtomic(
  out: string,
  content: string | Uint8Array,
  inputs: OutputInput[] = [],
  flag = "--out",
): string {
  const { target } = checkOutputPath(out, { kind: "file", flag, inputs });
  const tmp = tempSibling(target, "tmp");
  withParent(target, out, flag, () => {
    try {
      writeFileSync(tmp, content, { flag: "wx" });
      renameSync(tmp, target);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  });
  return target;
}
