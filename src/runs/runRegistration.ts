// How a command that writes a run (prepare, fit; and a plan or report given a note) joins the workspace's registry: before any work,
// decide the run's id, folder, owner, change note and parent (checked now, not after minutes of
// sampling); after the folder is written, register it as a draft.

import { dirname, join, resolve } from "node:path";
import { MmmError } from "../core/errors.js";
import type { CliIo } from "../core/io.js";
import { type OutputFile, writeDirAtomic } from "../data/atomicDir.js";
import { codeVersion } from "../data/lineage.js";
import type { RunKind, RunRecord } from "../registry/registry.js";
import { ARTEFACT_FILE, ARTEFACT_FORMAT, newRunId, runFromFolder } from "../registry/runFolder.js";
import {
  findWorkspace,
  ownerOf,
  registeredRun,
  registryName,
  type Workspace,
  withRegistry,
} from "../registry/workspace.js";

export interface RegistrationOptions {
  /** The change note (required in a workspace). */
  note?: string;
  owner?: string;
  /** The run this one follows (default: the approved run of the same kind). */
  parent?: string;
  /** false with --no-register: write the folder only. */
  register?: boolean;
  /** The run id to register under (a caller that names the folder after it, e.g. refresh). */
  id?: string;
  /** The workspace to register in (default: the one around the working directory or the run). */
  ws?: Workspace;
}

export interface PlannedRegistration {
  ws: Workspace;
  id: string;
  out: string;
  owner: string;
  note: string;
  parentId: string | null;
}

/**
 * The registration of a run about to be written, or undefined outside a workspace (found from the
 * current folder, else from the output folder's). Without --out, a workspace run goes to
 * <runs_dir>/<id>.
 */
export async function planRegistration(
  kind: RunKind,
  out: string | undefined,
  o: RegistrationOptions,
): Promise<PlannedRegistration | undefined> {
  const ws =
    o.register === false
      ? undefined
      : (findWorkspace() ?? (out ? findWorkspace(dirname(resolve(out))) : undefined));
  if (!ws) {
    if (!out)
      throw new MmmError(
        "E_OUT",
        "no output folder given, and no workspace to put the run in",
        { option: "--out" },
        "give --out DIR, or run inside a workspace (`mmm init` creates one)",
      );
    return undefined;
  }
  const note = o.note?.trim() ?? "";
  if (!note)
    throw new MmmError(
      "E_REGISTRY_NOTE",
      `this ${kind} is registered in ${ws.file}, and every registered run needs a change note`,
      { option: "--note" },
      "say what changed and why, e.g. --note 'April refresh: 4 new weeks'; or --no-register to write the folder only",
    );
  const parentId = await withRegistry(ws, async (registry) =>
    o.parent ? (await registry.get(o.parent)).id : ((await registry.approved(kind))?.id ?? null),
  );
  const id = o.id ?? newRunId(kind, new Date().toISOString(), out ?? ws.root);
  return {
    ws,
    id,
    out: out ?? join(ws.root, ws.config.runs_dir, id),
    owner: ownerOf(ws, o.owner),
    note,
    parentId,
  };
}

/** Registers the written folder as a draft and says how to approve it. */
export async function completeRegistration(plan: PlannedRegistration, io: CliIo): Promise<RunRecord> {
  const run = await withRegistry(plan.ws, (registry) =>
    registry.register(
      runFromFolder(plan.out, { id: plan.id, owner: plan.owner, note: plan.note, parentId: plan.parentId }),
    ),
  );
  io.out(
    `Registered ${run.id} (draft${run.parentId ? `, follows ${run.parentId}` : ""}) in ${registryName(plan.ws)}. Approve it with: mmm runs approve ${run.id} --note '…'`,
  );
  return run;
}

/** A registered run that is not approved: said first, so no one takes its plan as final. */
export async function draftNotice(runDir: string, io: CliIo): Promise<void> {
  const r = (await registeredRun(runDir))?.run;
  if (r && r.status !== "approved")
    io.out(
      `${r.status === "retired" ? "RETIRED RUN" : "DRAFT"}: run ${r.id} is ${r.status}, not approved; these figures are provisional (mmm runs approve ${r.id} --note …).`,
    );
}

/** A plan or report about to be recorded in the workspace: checked before any work is done. */
export interface PlannedArtefact {
  ws: Workspace;
  kind: "plan" | "report";
  id: string;
  dir: string;
  owner: string;
  note: string;
  /** The fit it was made from, when that fit is registered. */
  source: { id: string | null; folder: string; dataSha256: string | null; specSha256: string | null };
}

/**
 * A plan or report is recorded when it is given a change note (`--note`): the decision record a
 * team takes to a meeting. Printing a plan to look at it records nothing. Found from the current
 * folder or the source run's; without a workspace, --note is an error rather than ignored.
 */
export async function planArtefact(
  kind: "plan" | "report",
  runDir: string,
  o: RegistrationOptions,
): Promise<PlannedArtefact | undefined> {
  const note = o.note?.trim();
  if (o.register === false || note === undefined) return undefined;
  const ws = o.ws ?? findWorkspace() ?? findWorkspace(resolve(runDir));
  if (!ws)
    throw new MmmError(
      "E_WORKSPACE",
      `--note records the ${kind} in a workspace's registry, and there is none here or around ${runDir}`,
      { option: "--note" },
      "run inside a workspace (`mmm init` creates one), or leave out --note",
    );
  if (!note)
    throw new MmmError(
      "E_REGISTRY_NOTE",
      `the ${kind}'s change note is empty`,
      { option: "--note" },
      "say what it is for",
    );
  const sourceRun = (await registeredRun(runDir))?.run ?? null;
  const facts = runFromFolder(runDir, { owner: "", note: "" });
  const id = o.id ?? newRunId(kind, new Date().toISOString(), runDir);
  return {
    ws,
    kind,
    id,
    dir: join(ws.root, ws.config.runs_dir, id),
    owner: ownerOf(ws, o.owner),
    note,
    source: {
      id: sourceRun?.id ?? null,
      folder: resolve(runDir),
      dataSha256: facts.dataSha256 ?? null,
      specSha256: facts.specSha256 ?? null,
    },
  };
}

/** Writes the artefact's run folder (its files and run.json) and registers it as a draft that follows its fit. */
export async function completeArtefact(
  plan: PlannedArtefact,
  files: OutputFile[],
  io: CliIo,
): Promise<RunRecord> {
  const runJson = {
    format: ARTEFACT_FORMAT,
    kind: plan.kind,
    created_at: new Date().toISOString(),
    code: codeVersion(),
    source: plan.source,
    files: files.map((f) => f.name),
  };
  writeDirAtomic(plan.dir, [
    ...files,
    { name: ARTEFACT_FILE, content: `${JSON.stringify(runJson, null, 2)}\n` },
  ]);
  const run = await withRegistry(plan.ws, (registry) =>
    registry.register(
      runFromFolder(plan.dir, { id: plan.id, owner: plan.owner, note: plan.note, parentId: plan.source.id }),
    ),
  );
  io.out(
    `Registered ${run.id} (draft${run.parentId ? `, from ${run.parentId}` : ""}) in ${registryName(plan.ws)}: ${plan.dir}`,
  );
  return run;
}

/**
 * Registers a finished run folder in the workspace's registry, unless it already is (a batch job
 * whose process was killed between writing its folder and registering it). Its parent is the
 * approved run of its kind, as for `mmm runs register`.
 */
export function registerRunFolder(ws: Workspace, dir: string, note: string): Promise<RunRecord> {
  return withRegistry(ws, async (registry) => {
    const known = await registry.findByFolder(dir);
    if (known) return known;
    const facts = runFromFolder(dir, { owner: ownerOf(ws), note });
    return registry.register({ ...facts, parentId: (await registry.approved(facts.kind))?.id ?? null });
  });
}
