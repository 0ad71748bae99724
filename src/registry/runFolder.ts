// What the registry records about a run folder, read from the files the command wrote: a fit's
// fit.json (lineage, settings) and summary.json (measures, diagnostics); a prepared table's
// lineage.json. The registry stores hashes and headlines, never copies of draws or tables: the
// folder stays the source of truth.

import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { MmmError } from "../core/errors.js";
import { sha256 } from "../data/lineage.js";
import { SCHEMA_FILE, TABLE_FILE } from "../data/tableIo.js";
import type { Diagnostics, Headline, NewRun, RunKind } from "./registry.js";

export interface RunFolderFacts {
  kind: RunKind;
  createdAt: string;
  dataSha256: string | null;
  specSha256: string | null;
  spec: unknown;
  codeVersion: string | null;
  diagnostics: Diagnostics | null;
  headline: Headline | null;
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new MmmError(
      "E_REGISTRY_FOLDER",
      `cannot read ${basename(path)}: ${(e as Error).message}`,
      { file: path },
      "register a folder written by `mmm fit` or `mmm prepare`, complete and unedited",
    );
  }
}

/** A stable digest of a {file: sha256} map, whatever the key order. */
function digestOf(hashes: unknown): string | null {
  if (!hashes || typeof hashes !== "object") return null;
  const entries = Object.entries(hashes as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return sha256(JSON.stringify(entries));
}

function codeText(code: unknown): string | null {
  if (!code || typeof code !== "object") return null;
  const c = code as { name?: string; version?: string; gitCommit?: string | null };
  return `${c.name ?? "mmm-os"}@${c.version ?? "?"}${c.gitCommit ? `+${c.gitCommit.slice(0, 12)}` : ""}`;
}

/** The facts of a fit folder (fit.json and summary.json). */
function fitFacts(dir: string): RunFolderFacts {
  const fit = readJson(join(dir, "fit.json")) as {
    created_at?: string;
    code?: unknown;
    data?: { sha256?: unknown };
    config?: { sha256?: string; resolved?: unknown };
  };
  const summary = readJson(join(dir, "summary.json")) as {
    kpi: string;
    window: Headline["window"];
    channels: Record<string, { spend: number; roi: Stat; mroi: Stat; p_roi_above_1: number | null }>;
    diagnostics: Diagnostics;
    roi_display?: { factor: number; unit: string; short: string };
  };
  const pick = (s: Stat) => ({ mean: s.mean, q05: s.q05, q95: s.q95 });
  return {
    kind: "fit",
    createdAt: fit.created_at ?? new Date().toISOString(),
    dataSha256: digestOf(fit.data?.sha256),
    specSha256: fit.config?.sha256 ?? null,
    spec: fit.config?.resolved ?? null,
    codeVersion: codeText(fit.code),
    diagnostics: {
      verdict: summary.diagnostics.verdict,
      rhat_max: summary.diagnostics.rhat_max,
      ess_bulk_min: summary.diagnostics.ess_bulk_min,
      divergences: summary.diagnostics.divergences,
      warnings: summary.diagnostics.warnings,
    },
    headline: {
      ...(summary.roi_display
        ? {
            roi_display: {
              factor: summary.roi_display.factor,
              unit: summary.roi_display.unit,
              short: summary.roi_display.short,
            },
          }
        : {}),
      kpi: summary.kpi,
      window: summary.window,
      channels: Object.fromEntries(
        Object.entries(summary.channels).map(([name, c]) => [
          name,
          { spend: c.spend, roi: pick(c.roi), mroi: pick(c.mroi), p_roi_above_1: c.p_roi_above_1 },
        ]),
      ),
    },
  };
}
interface Stat {
  mean: number;
  q05: number;
  q95: number;
}

/** The facts of a modeling-table folder written by `mmm prepare` (lineage.json). */
function prepareFacts(dir: string): RunFolderFacts {
  const lineage = readJson(join(dir, "lineage.json")) as {
    createdAt?: string;
    code?: unknown;
    config?: { sha256?: string };
    outputs?: { file: string; sha256: string }[];
  };
  // the table's own files: what a fit of this table records as its data hashes
  const outputs = Object.fromEntries(
    (lineage.outputs ?? [])
      .filter((o) => o.file === TABLE_FILE || o.file === SCHEMA_FILE)
      .map((o) => [o.file, o.sha256]),
  );
  return {
    kind: "prepare",
    createdAt: lineage.createdAt ?? new Date().toISOString(),
    dataSha256: digestOf(outputs),
    specSha256: lineage.config?.sha256 ?? null,
    spec: null,
    codeVersion: codeText(lineage.code),
    diagnostics: null,
    headline: null,
  };
}

/** The file that makes a folder a recorded plan or report. */
export const ARTEFACT_FILE = "run.json";
export const ARTEFACT_FORMAT = "mmm-os/run@1";

/** The facts of a plan or report folder (run.json): it carries its source fit's data and spec digests. */
function artefactFacts(dir: string): RunFolderFacts {
  const r = readJson(join(dir, ARTEFACT_FILE)) as {
    format?: string;
    kind?: string;
    created_at?: string;
    code?: unknown;
    source?: { dataSha256?: string | null; specSha256?: string | null };
  };
  if (r.format !== ARTEFACT_FORMAT || (r.kind !== "plan" && r.kind !== "report"))
    throw new MmmError(
      "E_REGISTRY_FOLDER",
      `${ARTEFACT_FILE} in ${dir} is not a plan or report record (format ${String(r.format)}, kind ${String(r.kind)})`,
      { file: join(dir, ARTEFACT_FILE) },
      "register the folder `mmm optimize --note` or `mmm report --note` wrote",
    );
  return {
    kind: r.kind,
    createdAt: r.created_at ?? new Date().toISOString(),
    dataSha256: r.source?.dataSha256 ?? null,
    specSha256: r.source?.specSha256 ?? null,
    spec: null,
    codeVersion: codeText(r.code),
    diagnostics: null,
    headline: null,
  };
}

/** Reads a run folder: a fit (fit.json), a prepared table (lineage.json), a plan or report (run.json). */
export function readRunFolder(dir: string): RunFolderFacts {
  if (!existsSync(dir))
    throw new MmmError("E_REGISTRY_FOLDER", `run folder ${dir} does not exist`, { file: dir });
  if (existsSync(join(dir, "fit.json"))) return fitFacts(dir);
  if (existsSync(join(dir, ARTEFACT_FILE))) return artefactFacts(dir);
  if (existsSync(join(dir, "lineage.json"))) return prepareFacts(dir);
  throw new MmmError(
    "E_REGISTRY_FOLDER",
    `${dir} is neither a fit run (fit.json), a prepared table (lineage.json), nor a plan or report (run.json)`,
    { file: dir },
    "register the folder `mmm fit --out` or `mmm prepare --out` wrote",
  );
}

/** A run id: kind, UTC time to the second, and 6 hex digits of the folder's facts, e.g. fit-20261203-0615-… */
export function newRunId(kind: RunKind, createdAt: string, salt: string): string {
  const t = createdAt.replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${kind}-${t}-${sha256(`${createdAt}|${salt}|${Math.random()}`).slice(0, 6)}`;
}

/** The registry entry for a folder, ready for Registry.register. */
export function runFromFolder(
  dir: string,
  who: { owner: string; note: string; parentId?: string | null; id?: string },
): NewRun {
  const facts = readRunFolder(dir);
  return {
    id: who.id ?? newRunId(facts.kind, facts.createdAt, dir),
    kind: facts.kind,
    parentId: who.parentId ?? null,
    createdAt: facts.createdAt,
    folder: dir,
    owner: who.owner,
    note: who.note,
    dataSha256: facts.dataSha256,
    specSha256: facts.specSha256,
    spec: facts.spec,
    codeVersion: facts.codeVersion,
    diagnostics: facts.diagnostics,
    headline: facts.headline,
  };
}
