// Decides, before any work, whether an output path may be written: never onto an input or into a
// folder being read, never onto a folder, device or through a file; only where files can be made.

import { lstatSync, mkdtempSync, readdirSync, realpathSync, rmdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { MmmError } from "../core/errors.js";
import { errnoFix, errnoWords, fsError, isErrnoException } from "./fsErrors.js";

/** A file or folder the command reads; its output may not land on it (or, for a folder, in it). */
export interface OutputInput {
  path: string;
  /** What it is, for the message: "the run folder", "the model spec". */
  what: string;
  /** A folder whose inside is off limits too (a run folder, a modeling-table folder). */
  folder?: boolean;
}

export interface OutputRules {
  kind: "file" | "folder";
  /** The option that named the path, for messages (default `--out`). */
  flag?: string;
  inputs?: OutputInput[];
  /** A folder output may replace an existing, non-empty folder. */
  force?: boolean;
}

export interface OutputPlan {
  /** Absolute path to write, symbolic links resolved (so a link's target is written, not the link replaced). */
  target: string;
  exists: boolean;
}

interface Resolved {
  real: string;
  exists: boolean;
  /** The deepest part of the path that exists (real path). */
  ancestor: string;
}

/** The real path of `p`, or of its deepest existing folder plus the missing rest. */
function resolveReal(p: string, flag: string, display: string): Resolved {
  const rest: string[] = [];
  let cur = resolve(p);
  for (;;) {
    try {
      lstatSync(cur);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ENOTDIR: a file on the way; keep climbing to name it below
      if ((code !== "ENOENT" && code !== "ENOTDIR") || dirname(cur) === cur)
        throw fsError(e, { path: display, action: "write", what: flag, option: flag });
      rest.unshift(basename(cur));
      cur = dirname(cur);
    }
  }
  let ancestor: string;
  try {
    ancestor = realpathSync(cur);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new MmmError(
        "E_OUTPUT_PATH",
        `${flag} ${display}: ${cur} is a symbolic link to something that does not exist.`,
        { file: display, option: flag },
        "remove or repair the symbolic link, or choose another path",
      );
    throw fsError(e, { path: display, action: "write", what: flag, option: flag });
  }
  return { real: join(ancestor, ...rest), exists: rest.length === 0, ancestor };
}

/** The real path of an input, or its absolute path when it cannot be resolved (the read will complain). */
function inputReal(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/** True when `inner` is `outer` or lies inside it. */
function within(inner: string, outer: string): boolean {
  const r = relative(outer, inner);
  return r === "" || (!r.startsWith(`..${sep}`) && r !== ".." && !r.startsWith(sep) && !/^[a-zA-Z]:/.test(r));
}

function checkInputs(out: string, real: string, rules: OutputRules, flag: string): void {
  for (const input of rules.inputs ?? []) {
    const inReal = inputReal(input.path);
    const where = { file: out, option: flag };
    if (real === inReal)
      throw new MmmError(
        "E_OUTPUT_IS_INPUT",
        `${flag} ${out} is ${input.what} (${input.path}), which this command reads: the output would overwrite it.`,
        where,
        `write the output to a new path, e.g. ${rules.kind === "file" ? "plan.json next to the run folder" : "a new folder"}`,
      );
    if (input.folder && within(real, inReal))
      throw new MmmError(
        "E_OUTPUT_IS_INPUT",
        `${flag} ${out} lies inside ${input.what} ${input.path}, which this command reads; outputs never go into it.`,
        where,
        `write the output outside ${input.path}, e.g. in its parent folder`,
      );
    if (rules.kind === "folder" && within(inReal, real))
      throw new MmmError(
        "E_OUTPUT_IS_INPUT",
        `${flag} folder ${out} holds ${input.what} ${input.path}, which this command reads: writing the folder would replace it.`,
        where,
        "choose an output folder that does not contain the inputs",
      );
  }
}

function checkExisting(out: string, real: string, rules: OutputRules, flag: string): void {
  const st = statSync(real);
  const where = { file: out, option: flag };
  if (rules.kind === "file") {
    if (st.isDirectory())
      throw new MmmError(
        "E_OUTPUT_EXISTS",
        `${flag} ${out} is a folder; this command writes one file.`,
        where,
        `give the path of the file to write, e.g. ${join(out, "output.json")}`,
      );
    if (!st.isFile())
      throw new MmmError(
        "E_OUTPUT_PATH",
        `${flag} ${out} is not a regular file (a device, pipe or socket); outputs are written to a temporary file and renamed into place.`,
        where,
        "give the path of a regular file",
      );
    return;
  }
  if (!st.isDirectory())
    throw new MmmError(
      "E_OUTPUT_EXISTS",
      `Output path ${out} exists and is a file.`,
      where,
      `choose another ${flag} path`,
    );
  if (!rules.force && readdirSync(real).length > 0)
    throw new MmmError(
      "E_OUTPUT_EXISTS",
      `Output folder ${out} already exists and is not empty.`,
      where,
      `choose another ${flag} path, or pass --force to replace it`,
    );
}

/** Creates and removes an empty folder in `dir`: the cheapest proof that files can be made there. */
function probeWritable(dir: string, out: string, flag: string): void {
  try {
    rmdirSync(mkdtempSync(join(dir, ".mmm-probe-")));
  } catch (e) {
    if (!isErrnoException(e)) throw e;
    throw new MmmError(
      "E_OUTPUT_PATH",
      `Cannot write ${flag} ${out}: files cannot be created in ${dir}: ${errnoWords(e)} [${e.code}].`,
      { file: out, option: flag },
      errnoFix(e, "write"),
    );
  }
}

/**
 * Checks an output path before the work that produces it: run it first, so a fit does not fail
 * after minutes for a path it could have refused at once. Writes nothing.
 */
export function checkOutputPath(out: string, rules: OutputRules): OutputPlan {
  const flag = rules.flag ?? "--out";
  if (out.trim() === "")
    throw new MmmError("E_OUTPUT_PATH", `${flag} is empty.`, { option: flag }, `give ${flag} a path`);
  const r = resolveReal(out, flag, out);
  checkInputs(out, r.real, rules, flag);
  if (r.exists) checkExisting(out, r.real, rules, flag);
  else if (!statSync(r.ancestor).isDirectory())
    throw new MmmError(
      "E_OUTPUT_PATH",
      `${flag} ${out}: ${r.ancestor} is a file, so it cannot hold a folder or file.`,
      { file: out, option: flag },
      `choose another path, or move the file ${r.ancestor} away`,
    );
  probeWritable(r.exists ? dirname(r.real) : r.ancestor, out, flag);
  return { target: r.real, exists: r.exists };
}
