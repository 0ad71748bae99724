// The lineage manifest of a run: which input bytes, config and rules produced which output
// bytes, with which code version, so any table can be traced and reproduced.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceFile } from "./frame.js";

export function sha256(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface CodeVersion {
  name: string;
  version: string;
  gitCommit: string | null;
}

let cachedVersion: CodeVersion | null = null;

export function codeVersion(): CodeVersion {
  if (cachedVersion) return cachedVersion;
  let name = "mmm-os";
  let version = "unknown";
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8"));
    name = pkg.name;
    version = pkg.version;
  } catch {
    // running from an unusual layout: keep the defaults
  }
  let gitCommit: string | null = null;
  try {
    gitCommit =
      execFileSync("git", ["rev-parse", "HEAD"], { cwd: PACKAGE_ROOT, stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim() || null;
  } catch {
    gitCommit = null;
  }
  cachedVersion = { name, version, gitCommit };
  return cachedVersion;
}

export interface LineageInput {
  name: string;
  file: string;
  format: string;
  sha256: string;
  bytes: number;
  rows: number;
  columns: number;
}

export function frameLineage(name: string, f: SourceFile): LineageInput {
  return {
    name,
    file: f.file,
    format: f.format,
    sha256: f.sha256,
    bytes: f.bytes,
    rows: f.rowCount,
    columns: f.columns.length,
  };
}

export interface Lineage {
  format: "mmm-os/lineage@1";
  command: string;
  createdAt: string;
  code: CodeVersion;
  config?: { file: string; sha256: string };
  taxonomy?: { file: string; sha256: string; version: string } | null;
  inputs: LineageInput[];
  outputs: { file: string; sha256: string; bytes: number }[];
  table?: { rows: number; weeks: number; geos: number; firstWeek: string; lastWeek: string };
  parameters?: Record<string, unknown>;
}

export function outputsLineage(files: { name: string; content: string | Uint8Array }[]): Lineage["outputs"] {
  return files.map((f) => ({
    file: f.name,
    sha256: sha256(f.content),
    bytes: typeof f.content === "string" ? Buffer.byteLength(f.content) : f.content.byteLength,
  }));
}
