// Shared checks of the fault corpus (run-folder integrity, output paths): run the CLI in-process,
// assert exit code 2 with a stable code, a where line and a fix, and that the disk did not change.

import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function cli(argv: string[]): Promise<CliRun> {
  let out = "";
  let err = "";
  const io: CliIo = {
    out: (t) => {
      out += t.endsWith("\n") ? t : `${t}\n`;
    },
    err: (t) => {
      err += t.endsWith("\n") ? t : `${t}\n`;
    },
  };
  const code = await main(argv, io);
  return { code, out, err };
}

export interface Where {
  file?: string;
  line?: number;
  column?: string;
  option?: string;
  key?: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Exit 2, `error [CODE]:` on stderr (never `internal error`), a where line naming each given part
 * of the place, a fix line, and every `mentions` text in the error block.
 */
export function expectFault(r: CliRun, code: string, where: Where, ...mentions: (string | RegExp)[]): string {
  expect(r.err, "no internal error").not.toContain("internal error");
  expect(r.code, r.err).toBe(2);
  const i = r.err.lastIndexOf("error [");
  const block = i < 0 ? "" : r.err.slice(i);
  expect(block, r.err).toMatch(new RegExp(`^error \\[${code}\\]: \\S`));
  const whereLine = /^ {2}where: (.*)$/m.exec(block)?.[1] ?? "";
  if (where.file) expect(whereLine, block).toMatch(new RegExp(`(^|, )file ${escapeRe(where.file)}(,|$)`));
  if (where.line !== undefined) expect(whereLine, block).toMatch(new RegExp(`(^|, )line ${where.line}(,|$)`));
  if (where.column) expect(whereLine, block).toContain(`column '${where.column}'`);
  if (where.option)
    expect(whereLine, block).toMatch(new RegExp(`(^|, )option ${escapeRe(where.option)}(,|$)`));
  if (where.key) expect(whereLine, block).toMatch(new RegExp(`(^|, )config key ${escapeRe(where.key)}(,|$)`));
  expect(block, "a fix line").toMatch(/^ {2}fix: \S/m);
  for (const m of mentions) {
    if (typeof m === "string") expect(block).toContain(m);
    else expect(block).toMatch(m);
  }
  return block;
}

/** Every entry under `dir` (hidden ones too) → its SHA-256, `dir` or `link -> target`: compare before and after. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    const abs = join(dir, rel);
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(abs)}`;
    else if (st.isDirectory()) {
      out[rel] = "dir";
      for (const name of readdirSync(abs)) walk(rel === "" ? name : join(rel, name));
    } else out[rel] = createHash("sha256").update(readFileSync(abs)).digest("hex");
  };
  walk("");
  return out;
}
