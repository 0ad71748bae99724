// A private copy of the lab's inputs (prepare.yaml, taxonomy.yaml, raw/) with editing helpers, and
// the checks every bad-input case of `mmm prepare` makes: exit 2, a stable code, the place, a fix
// line, and nothing written. Shared by the bad-input corpora.

import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { type CliRun, cli } from "./faultHelpers.js";

export class LabCase {
  readonly dir: string;
  readonly config: string;
  readonly out: string;

  /** A fresh case folder under `root`, copied from the simulated lab folder `lab`. */
  constructor(root: string, lab: string) {
    this.dir = mkdtempSync(join(root, "case-"));
    for (const name of ["prepare.yaml", "taxonomy.yaml", "raw"])
      cpSync(join(lab, name), join(this.dir, name), { recursive: true });
    this.config = join(this.dir, "prepare.yaml");
    this.out = join(this.dir, "table");
  }

  path(rel: string): string {
    return join(this.dir, rel);
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), "utf8");
  }

  write(rel: string, content: string | Uint8Array): void {
    writeFileSync(this.path(rel), content);
  }

  /** Replaces text in a file; fails loudly when the text is not there (no silent no-op edits). */
  replace(rel: string, from: string, to: string, all = false): void {
    const text = this.read(rel);
    if (!text.includes(from)) throw new Error(`test setup: '${from}' not found in ${rel}`);
    this.write(rel, all ? text.replaceAll(from, to) : text.replace(from, to));
  }

  lines(rel: string): string[] {
    return this.read(rel).split("\n");
  }

  /** 1-based file line (header = line 1) of the first line that satisfies `pred`. */
  lineOf(rel: string, pred: (line: string) => boolean): number {
    const i = this.lines(rel).findIndex(pred);
    if (i < 0) throw new Error(`test setup: no matching line in ${rel}`);
    return i + 1;
  }

  /** Rewrites one line (1-based); the edit must change it. */
  editLine(rel: string, line: number, edit: (text: string) => string): void {
    const ls = this.lines(rel);
    const next = edit(ls[line - 1]);
    if (next === ls[line - 1]) throw new Error(`test setup: edit left line ${line} of ${rel} unchanged`);
    ls[line - 1] = next;
    this.write(rel, ls.join("\n"));
  }

  /** Rewrites every data line (not the header) of a CSV; `edit` gets the fields. */
  editRows(rel: string, edit: (fields: string[], line: number) => string[]): void {
    const ls = this.lines(rel);
    for (let i = 1; i < ls.length; i++) if (ls[i] !== "") ls[i] = edit(ls[i].split(","), i + 1).join(",");
    this.write(rel, ls.join("\n"));
  }

  /** Deletes the lines that satisfy `pred`; returns how many. */
  deleteLines(rel: string, pred: (line: string) => boolean): number {
    const ls = this.lines(rel);
    const kept = ls.filter((l) => !pred(l));
    if (kept.length === ls.length) throw new Error(`test setup: nothing deleted from ${rel}`);
    this.write(rel, kept.join("\n"));
    return ls.length - kept.length;
  }

  /** Adds `key: value` lines under `sources.<name>` of prepare.yaml. */
  sourceOption(name: string, path: string, option: string): void {
    this.replace(
      "prepare.yaml",
      `  ${name}:\n    path: ${path}\n`,
      `  ${name}:\n    path: ${path}\n    ${option}\n`,
    );
  }

  listing(): string[] {
    return readdirSync(this.dir).sort();
  }
}

export interface PrepareRun extends CliRun {
  ds: LabCase;
  /** The case folder's entries before the run. */
  before: string[];
}

export async function prepareCase(ds: LabCase, extra: string[] = []): Promise<PrepareRun> {
  const before = ds.listing();
  const r = await cli(["prepare", "--config", ds.config, "--out", ds.out, ...extra]);
  return { ...r, ds, before };
}

export interface Where {
  file?: string;
  line?: number;
  column?: string;
  key?: string;
}

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The final error message (the QA report, if any, is printed above it). */
export function errorBlock(err: string): string {
  const i = err.lastIndexOf("error [");
  return i < 0 ? "" : err.slice(i);
}

/**
 * Exit 2, `error [CODE]:` in stderr, a where line naming each given part of the place, a fix
 * line, and every `mentions` text somewhere in stderr (the QA report may print above the error).
 */
export function expectError(r: CliRun, code: string, where: Where, ...mentions: (string | RegExp)[]): void {
  expect(r.code, r.err).toBe(2);
  const block = errorBlock(r.err);
  expect(block, r.err).toMatch(new RegExp(`^error \\[${code}\\]: \\S`));
  const whereLine = /^ {2}where: (.*)$/m.exec(block)?.[1];
  if (Object.keys(where).length > 0) expect(whereLine, block).toBeDefined();
  if (where.file) expect(whereLine).toMatch(new RegExp(`(^|, )file ${escapeRe(where.file)}(,|$)`));
  if (where.line !== undefined) expect(whereLine).toMatch(new RegExp(`(^|, )line ${where.line}(,|$)`));
  if (where.column) expect(whereLine).toContain(`column '${where.column}'`);
  if (where.key) expect(whereLine).toMatch(new RegExp(`(^|, )config key ${escapeRe(where.key)}(,|$)`));
  expect(block, "a fix line").toMatch(/^ {2}fix: \S/m);
  for (const m of mentions) {
    if (typeof m === "string") expect(r.err).toContain(m);
    else expect(r.err).toMatch(m);
  }
}

/** No --out folder, no `.table.tmp-…`/`.table.old-…` sibling, nothing else new in the case folder. */
export function expectNothingWritten(r: PrepareRun): void {
  expect(existsSync(r.ds.out), "the --out folder must not exist").toBe(false);
  const after = r.ds.listing();
  expect(
    after.filter((n) => n.startsWith(".")),
    "temporary siblings",
  ).toEqual([]);
  expect(after).toEqual(r.before);
}

export async function expectPrepareRejects(
  ds: LabCase,
  code: string,
  where: Where,
  ...mentions: (string | RegExp)[]
): Promise<PrepareRun> {
  const r = await prepareCase(ds);
  expectError(r, code, where, ...mentions);
  expectNothingWritten(r);
  return r;
}

export async function expectPrepareOk(ds: LabCase): Promise<PrepareRun> {
  const r = await prepareCase(ds);
  expect(r.code, r.err).toBe(0);
  expect(existsSync(join(ds.out, "table.csv"))).toBe(true);
  return r;
}
