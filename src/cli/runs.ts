// `mmm init` (a workspace: mmm.yaml and its registry) and `mmm runs …` (list, show, register,
// approve, retire): the registry of every run, its status and the notes that explain it.

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import { channelDraws } from "../analysis/channelMetrics.js";
import { buildModelCard } from "../analysis/modelCard.js";
import { interval } from "../analysis/numberFormat.js";
import { diffData, diffLines, diffMeasures, diffSpec, type RunDiff } from "../analysis/runDiff.js";
import { MmmError } from "../core/errors.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import { planBudget } from "../planning/plan.js";
import { diffPlans, type PlanDiff, planDiffLines } from "../planning/planDiff.js";
import { redactUrl, SCHEMA_NAME, schemaNameFor } from "../registry/postgres.js";
import {
  type Registry,
  RUN_KINDS,
  RUN_STATUSES,
  type RunKind,
  type RunRecord,
  type RunStatus,
} from "../registry/registry.js";
import { runFromFolder } from "../registry/runFolder.js";
import {
  findWorkspace,
  openRegistry,
  ownerOf,
  POSTGRES_URL,
  registryName,
  registryTarget,
  WORKSPACE_FILE,
  type Workspace,
  withRegistry,
  workspaceYaml,
} from "../registry/workspace.js";
import { type RunFolder, readRun } from "../runs/runReader.js";
import type { CliIo } from "./io.js";

/** The workspace of --workspace DIR, else of the current folder (or a folder above it). */
export function workspace(dir?: string): Workspace {
  const ws = findWorkspace(dir);
  if (!ws)
    throw new MmmError(
      "E_WORKSPACE",
      `no ${WORKSPACE_FILE} in ${dir ?? "this folder"} or any folder above it`,
      dir ? { option: "--workspace" } : {},
      "run `mmm init` in the project folder first, or cd into one",
    );
  return ws;
}

/** Runs `f` on the registry of the workspace of --workspace DIR (or of the current folder). */
function inWorkspace<T>(
  dir: string | undefined,
  f: (ws: Workspace, r: Registry) => T | Promise<T>,
): Promise<T> {
  const ws = workspace(dir);
  return withRegistry(ws, (registry) => f(ws, registry));
}

/** A fit run whose folder is in place: what diff, card and refresh read. */
export function requireFitFolder(run: RunRecord, purpose: string): RunRecord {
  if (run.kind !== "fit")
    throw new MmmError(
      "E_OPTION",
      `run ${run.id} is a ${run.kind}; ${purpose} needs a fit`,
      {},
      "give a fit run's id",
    );
  if (!run.folderExists)
    throw new MmmError(
      "E_REGISTRY_FOLDER",
      `run ${run.id}'s folder is missing`,
      { file: run.path },
      `restore the folder to use it for ${purpose}`,
    );
  return run;
}

/**
 * `mmm init --registry postgres://…`: the shared registry and this workspace's schema in it (by
 * default the folder's name, made a valid schema name), checked before anything is written.
 */
function sharedRegistry(
  root: string,
  o: { registry?: string; registrySchema?: string },
): { url: string; schema: string } | undefined {
  if (!o.registry) {
    if (o.registrySchema)
      throw new MmmError("E_OPTION", "--registry-schema needs --registry postgres://…", {
        option: "--registry-schema",
      });
    return undefined;
  }
  if (!POSTGRES_URL.test(o.registry))
    throw new MmmError(
      "E_OPTION",
      `--registry must be a postgres:// URL (got ${JSON.stringify(redactUrl(o.registry))})`,
      { option: "--registry" },
      "e.g. --registry postgres://mmm@db.internal:5432/mmm (leave the password to PGPASSWORD or ~/.pgpass); without --registry the registry is registry.sqlite in the workspace",
    );
  const schema = o.registrySchema ?? schemaNameFor(basename(root));
  if (!SCHEMA_NAME.test(schema))
    throw new MmmError(
      "E_OPTION",
      `--registry-schema ${JSON.stringify(schema)} is not a valid schema name`,
      { option: "--registry-schema" },
      "use lower-case letters, digits and _ (at most 63), starting with a letter or _",
    );
  return { url: o.registry, schema };
}

export async function runInit(
  dir: string,
  o: {
    dataConfig?: string;
    spec?: string;
    owner?: string;
    force?: boolean;
    registry?: string;
    registrySchema?: string;
  },
  io: CliIo,
): Promise<void> {
  const root = resolve(dir);
  const file = join(root, WORKSPACE_FILE);
  if (existsSync(file) && !o.force)
    throw new MmmError(
      "E_WORKSPACE",
      `${file} already exists`,
      { file },
      "keep it, or pass --force to rewrite it",
    );
  for (const [path, flag] of [
    [o.dataConfig, "--data-config"],
    [o.spec, "--spec"],
  ] as const) {
    if (path && !existsSync(resolve(root, path)))
      throw new MmmError("E_WORKSPACE", `${path} does not exist (relative to ${root})`, { option: flag });
  }
  mkdirSync(root, { recursive: true });
  writeFileSync(file, workspaceYaml({ ...o, registry: sharedRegistry(root, o) }));
  const ws = findWorkspace(root) as Workspace;
  await (await openRegistry(ws)).close();
  const target = registryTarget(ws);
  io.out(`Workspace ready: ${file} and ${"file" in target ? target.file : registryName(ws)}`);
}

/** A headline return as the fit displayed it (raw × factor; e.g. per 1,000 USD for a small KPI). */
const shown = (r: RunRecord, x: { mean: number; q05: number; q95: number }) => {
  const f = r.headline?.roi_display?.factor ?? 1;
  return { mean: x.mean * f, median: x.mean * f, q05: x.q05 * f, q95: x.q95 * f };
};

const fmtRoi = (r: RunRecord) =>
  r.headline
    ? Object.entries(r.headline.channels)
        .map(([c, m]) => `${c} ${shown(r, m.roi).mean.toPrecision(3)}`)
        .join(", ")
    : "";

function flags(r: RunRecord): string {
  return [r.folderExists ? "" : "FOLDER MISSING", r.problem ? `DAMAGED ROW: ${r.problem}` : ""]
    .filter(Boolean)
    .join("; ");
}

interface WorkspaceOption {
  workspace?: string;
}

export async function runRunsList(
  o: { kind?: string; status?: string; json?: boolean } & WorkspaceOption,
  io: CliIo,
): Promise<void> {
  const kind = choice(o.kind, RUN_KINDS, "--kind") as RunKind | undefined;
  const status = choice(o.status, RUN_STATUSES, "--status") as RunStatus | undefined;
  await inWorkspace(o.workspace, async (_ws, registry) => {
    const runs = await registry.list({ kind, status });
    if (o.json) {
      io.out(JSON.stringify(runs, null, 2));
      return;
    }
    if (runs.length === 0) {
      io.out("No runs registered yet.");
      return;
    }
    for (const r of runs) {
      const diag = r.diagnostics ? ` [${r.diagnostics.verdict}]` : "";
      const extra = flags(r);
      io.out(
        `${r.id.padEnd(30)} ${r.status.padEnd(8)} ${r.createdAt.slice(0, 16).replace("T", " ")}  ${r.owner}${diag}  ${r.note}${extra ? `  ⚠ ${extra}` : ""}`,
      );
      const roi = fmtRoi(r);
      if (roi) io.out(`${"".padEnd(31)}${r.headline?.roi_display?.short ?? "ROI"}: ${roi}`);
    }
  });
}

export async function runRunsShow(
  id: string,
  o: { json?: boolean } & WorkspaceOption,
  io: CliIo,
): Promise<void> {
  await inWorkspace(o.workspace, async (_ws, registry) => {
    const r = await registry.get(id);
    const events = await registry.events(r.id);
    if (o.json) {
      io.out(JSON.stringify({ ...r, events }, null, 2));
      return;
    }
    io.out(`${r.id}  (${r.kind}, ${r.status})`);
    io.out(`  folder     ${r.folder}${r.folderExists ? "" : "  ⚠ missing: deleted or moved by hand"}`);
    if (r.problem) io.out(`  ⚠ damaged registry row: ${r.problem}`);
    io.out(`  created    ${r.createdAt} by ${r.owner}`);
    io.out(`  follows    ${r.parentId ?? "(none)"}`);
    io.out(`  note       ${r.note}`);
    io.out(`  data       ${r.dataSha256 ?? "—"}`);
    io.out(`  spec       ${r.specSha256 ?? "—"}`);
    io.out(`  code       ${r.codeVersion ?? "—"}`);
    if (r.diagnostics) {
      const d = r.diagnostics;
      io.out(
        `  diagnostics ${d.verdict}: R̂ max ${d.rhat_max?.toFixed(3) ?? "—"}, min bulk ESS ${d.ess_bulk_min?.toFixed(0) ?? "—"}, ${d.divergences} divergences`,
      );
    }
    if (r.headline) {
      io.out(
        `  ${r.headline.kpi}, ${r.headline.window.first_week} .. ${r.headline.window.last_week}; returns in ${r.headline.roi_display?.unit ?? "KPI units per currency unit"}`,
      );
      for (const [c, m] of Object.entries(r.headline.channels))
        io.out(`    ${c.padEnd(14)} ROI ${interval(shown(r, m.roi))}  mROI ${interval(shown(r, m.mroi))}`);
    }
    io.out("  history");
    for (const e of events)
      io.out(`    ${e.at.slice(0, 19).replace("T", " ")}  ${e.action.padEnd(10)} ${e.owner}: ${e.note}`);
  });
}

export async function runRunsRegister(
  folder: string,
  o: { note?: string; owner?: string; parent?: string } & WorkspaceOption,
  io: CliIo,
): Promise<void> {
  await inWorkspace(o.workspace, async (ws, registry) => {
    const facts = runFromFolder(folder, { owner: ownerOf(ws, o.owner), note: o.note ?? "" });
    const parentId = o.parent
      ? (await registry.get(o.parent)).id
      : ((await registry.approved(facts.kind))?.id ?? null);
    const run = await registry.register({ ...facts, parentId });
    io.out(`Registered ${run.id} (${run.kind}, draft).`);
  });
}

export async function runRunsStatus(
  action: "approve" | "retire",
  id: string,
  o: { note?: string; owner?: string } & WorkspaceOption,
  io: CliIo,
): Promise<void> {
  await inWorkspace(o.workspace, async (ws, registry) => {
    const owner = ownerOf(ws, o.owner);
    const r =
      action === "approve"
        ? await registry.approve(id, owner, o.note ?? "")
        : await registry.retire(id, owner, o.note ?? "");
    io.out(`${r.id} is ${r.status}.`);
  });
}

/** `mmm runs card ID`: the model card as JSON, printed or written to a file. */
export async function runRunsCard(
  id: string,
  o: { out?: string } & WorkspaceOption,
  io: CliIo,
): Promise<void> {
  const card = await inWorkspace(o.workspace, async (_ws, registry) => {
    const run = requireFitFolder(await registry.get(id), "a model card");
    return buildModelCard(run, await registry.events(run.id));
  });
  const text = `${JSON.stringify(card, null, 2)}\n`;
  if (o.out) {
    writeFileAtomic(o.out, text);
    io.out(
      `Wrote ${o.out}${card.run.status === "approved" ? "" : ` (run ${card.run.id} is ${card.run.status}, not approved)`}`,
    );
  } else io.out(text.trimEnd());
}

/** `mmm runs diff A B`: data, spec and measures of two registered fits. */
export interface RunsDiffResult extends RunDiff {
  before: string;
  after: string;
  /** Each run's default plan side by side, or why there is none. */
  plans: PlanDiff | { unavailable: string } | null;
}

export async function runRunsDiff(
  a: string,
  b: string,
  o: { json?: boolean; plans?: boolean } & WorkspaceOption,
  io: CliIo,
): Promise<RunsDiffResult> {
  const [before, after] = await inWorkspace(o.workspace, async (_ws, registry) =>
    [await registry.get(a), await registry.get(b)].map((r) => requireFitFolder(r, "a diff")),
  );
  const runs = [readRun(before.path), readRun(after.path)];
  const measures = runs.map((r) =>
    channelDraws(r.model, r.draws, { valuePerUnit: r.model.data.valuePerUnit ?? 1 }),
  );
  const diff: RunsDiffResult = {
    before: before.id,
    after: after.id,
    data: diffData(runs[0].recipe.table, runs[1].recipe.table, {
      before: runs[0].lineage,
      after: runs[1].lineage,
    }),
    spec: diffSpec(runs[0].fit.config.resolved, runs[1].fit.config.resolved),
    measures: diffMeasures(measures[0], measures[1]),
    plans: o.plans === false ? null : comparePlans(runs[0], runs[1]),
  };
  if (o.json) io.out(JSON.stringify(diff, null, 2));
  else {
    for (const line of diffLines(diff, { before: before.id, after: after.id }, runs[1].summary.roi_display))
      io.out(line);
    if (diff.plans && "unavailable" in diff.plans) io.out(`\nPlan: not compared (${diff.plans.unavailable})`);
    else if (diff.plans) {
      io.out("");
      for (const line of planDiffLines(diff.plans)) io.out(line);
    }
  }
  return diff;
}

/** Both runs' plans with the default settings; a run that cannot be planned says why. */
function comparePlans(before: RunFolder, after: RunFolder): PlanDiff | { unavailable: string } {
  try {
    return diffPlans(planBudget(before.model, before.draws), planBudget(after.model, after.draws));
  } catch (e) {
    if (e instanceof MmmError) return { unavailable: e.message.split("\n")[0] };
    throw e;
  }
}

function choice(value: string | undefined, allowed: readonly string[], option: string): string | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value))
    throw new MmmError("E_OPTION", `${option} must be one of ${allowed.join(", ")}, not '${value}'`, {
      option,
    });
  return value;
}

export function addWorkspaceCommands(program: Command, io: CliIo): void {
  program
    .command("init")
    .description(
      "Make a folder a workspace: mmm.yaml and a run registry (SQLite in the folder, or a shared Postgres).",
    )
    .argument("[dir]", "the project folder", ".")
    .option("--data-config <file>", "the prepare config, relative to the folder")
    .option("--spec <file>", "the model spec, relative to the folder")
    .option("--owner <name>", "who runs are registered as (default: the OS user)")
    .option("--force", "rewrite an existing mmm.yaml (the registry is kept)")
    .option(
      "--registry <url>",
      "a shared registry: postgres://user@host:port/db (password from PGPASSWORD or ~/.pgpass)",
    )
    .option(
      "--registry-schema <name>",
      "this workspace's schema in the shared registry (default: the folder's name)",
    )
    .action((dir, opts) => runInit(dir, opts, io));

  const runs = program
    .command("runs")
    .description("The workspace's registered runs: list, show, approve, retire.");
  const WS = [
    "--workspace <dir>",
    "the workspace folder (default: found from the current folder upwards)",
  ] as const;
  runs
    .command("list")
    .description("List runs, newest first, with status, owner, note and headline ROI.")
    .option("--kind <kind>", `only runs of this kind (${RUN_KINDS.join(", ")})`)
    .option("--status <status>", `only runs with this status (${RUN_STATUSES.join(", ")})`)
    .option("--json", "print JSON")
    .option(...WS)
    .action((opts) => runRunsList(opts, io));
  runs
    .command("show")
    .description("One run: lineage, diagnostics, measures and its history of decisions.")
    .argument("<id>", "run id (a unique prefix is enough)")
    .option("--json", "print JSON")
    .option(...WS)
    .action((id, opts) => runRunsShow(id, opts, io));
  runs
    .command("register")
    .description("Register an existing fit or prepared-table folder as a draft.")
    .argument("<folder>", "a folder written by mmm fit or mmm prepare")
    .requiredOption("--note <text>", "what this run is and why it was made")
    .option("--owner <name>", "who registers it")
    .option("--parent <id>", "the run it follows (default: the approved run of its kind)")
    .option(...WS)
    .action((folder, opts) => runRunsRegister(folder, opts, io));
  runs
    .command("diff")
    .description(
      "Compare two fits: data (weeks, totals, restatements, taxonomy), spec, and each channel's ROI and mROI with P(moved).",
    )
    .argument("<before>", "the earlier run's id")
    .argument("<after>", "the later run's id")
    .option("--json", "print JSON")
    .option("--no-plans", "skip the plan comparison (each run's default plan, a few seconds each)")
    .option(...WS)
    .action(async (a, b, opts) => {
      await runRunsDiff(a, b, opts, io);
    });
  runs
    .command("card")
    .description(
      "The model card of a fit (JSON): objective, data, assumptions and priors, evidence, limits, approvals.",
    )
    .argument("<id>", "run id (a unique prefix is enough)")
    .option("--out <file>", "write it to a file instead of printing it")
    .option(...WS)
    .action((id, opts) => runRunsCard(id, opts, io));
  for (const action of ["approve", "retire"] as const)
    runs
      .command(action)
      .description(
        action === "approve"
          ? "Approve a draft (its diagnostics must pass); the previously approved run of its kind is retired."
          : "Retire a run: it stays on record but is no longer the one to use.",
      )
      .argument("<id>", "run id (a unique prefix is enough)")
      .requiredOption("--note <text>", `why you ${action} it`)
      .option("--owner <name>", "who decides")
      .option(...WS)
      .action((id, opts) => runRunsStatus(action, id, opts, io));
}
