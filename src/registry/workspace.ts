// A project workspace: a folder with mmm.yaml naming the data config, the model spec, where run
// folders go and the registry file. Commands run inside it (or any sub-folder) find it by walking
// up from the current folder, as git finds its repository.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { MmmError } from "../core/errors.js";
import { redactUrl, SCHEMA_NAME } from "./postgres.js";
import { Registry, type RegistryTarget, type RunEvent, type RunRecord } from "./registry.js";

export const WORKSPACE_FILE = "mmm.yaml";

export const WorkspaceSchema = z.strictObject({
  version: z.literal(1),
  /** The prepare config (raw exports → modeling table), relative to the workspace. */
  data_config: z.string().optional(),
  /** The model spec, relative to the workspace; omitted means the defaults. */
  model_spec: z.string().optional(),
  /** Where run folders are written. */
  runs_dir: z.string().default("runs"),
  /**
   * The registry: an SQLite file relative to the workspace (the default), or a postgres:// URL for
   * a registry shared by several machines (the password is best left to PGPASSWORD or ~/.pgpass).
   */
  registry: z.string().min(1).default("registry.sqlite"),
  /** On Postgres, this workspace's schema: each workspace sharing a database needs its own. */
  registry_schema: z
    .string()
    .regex(SCHEMA_NAME, "registry_schema must be lower-case letters, digits and _ (at most 63)")
    .default("mmm"),
  /** Who runs are registered as when --owner is not given. */
  owner: z.string().optional(),
});
export type WorkspaceConfig = z.infer<typeof WorkspaceSchema>;

/** mmm.yaml's text for a new workspace: `mmm init`'s, and `mmm batch`'s for each model's folder. */
export function workspaceYaml(o: {
  dataConfig?: string;
  spec?: string;
  owner?: string;
  /** A shared Postgres registry: its URL and this workspace's schema. */
  registry?: { url: string; schema: string };
}): string {
  return [
    "# MMM-OS workspace (docs/operations.md): commands run in this folder register their runs here",
    "version: 1",
    o.dataConfig ? `data_config: ${JSON.stringify(o.dataConfig)}` : "# data_config: prepare.yaml",
    o.spec ? `model_spec: ${JSON.stringify(o.spec)}` : "# model_spec: model.yaml",
    "runs_dir: runs",
    ...(o.registry
      ? [`registry: ${JSON.stringify(o.registry.url)}`, `registry_schema: ${o.registry.schema}`]
      : ["registry: registry.sqlite"]),
    o.owner ? `owner: ${JSON.stringify(o.owner)}` : "# owner: your name (default: the OS user)",
    "",
  ].join("\n");
}

export interface Workspace {
  root: string;
  file: string;
  config: WorkspaceConfig;
}

/** The workspace whose mmm.yaml is in `from` or one of its parents, if any. */
export function findWorkspace(from = process.cwd()): Workspace | undefined {
  let dir = resolve(from);
  for (;;) {
    const file = join(dir, WORKSPACE_FILE);
    if (existsSync(file)) return loadWorkspace(file);
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function loadWorkspace(file: string): Workspace {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    throw new MmmError("E_WORKSPACE", `cannot read the workspace file: ${(e as Error).message}`, { file });
  }
  const parsed = WorkspaceSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MmmError(
      "E_WORKSPACE",
      `invalid workspace file: ${issue.message}`,
      { file, key: issue.path.join(".") || undefined },
      "see docs/operations.md for mmm.yaml's keys, or recreate it with `mmm init`",
    );
  }
  return { root: dirname(resolve(file)), file: resolve(file), config: parsed.data };
}

export const POSTGRES_URL = /^postgres(ql)?:\/\//;

/** Where the workspace's registry is: a Postgres schema, or an SQLite file in the workspace. */
export function registryTarget(ws: Workspace): RegistryTarget {
  const r = ws.config.registry;
  return POSTGRES_URL.test(r) ? { url: r, schema: ws.config.registry_schema } : { file: resolve(ws.root, r) };
}

/** The registry as people should see it in messages: the file as written, or the URL without password. */
export function registryName(ws: Workspace): string {
  const r = ws.config.registry;
  return POSTGRES_URL.test(r) ? `${redactUrl(r)} (schema ${ws.config.registry_schema})` : r;
}

export function openRegistry(ws: Workspace): Promise<Registry> {
  return Registry.open(registryTarget(ws), ws.root);
}

/** Runs `f` on the workspace's registry, closed afterwards whatever happens. */
export async function withRegistry<T>(ws: Workspace, f: (registry: Registry) => T | Promise<T>): Promise<T> {
  const registry = await openRegistry(ws);
  try {
    return await f(registry);
  } finally {
    await registry.close();
  }
}

/**
 * The registry entry of a run folder, when the folder belongs to a workspace whose registry lists
 * it (found from the current folder, else from the run folder's); undefined otherwise. Never
 * creates a registry file.
 */
export async function registeredRun(
  runDir: string,
): Promise<{ run: RunRecord; events: RunEvent[] } | undefined> {
  const ws = findWorkspace() ?? findWorkspace(dirname(resolve(runDir)));
  if (!ws) return undefined;
  const target = registryTarget(ws);
  if ("file" in target && !existsSync(target.file)) return undefined;
  return withRegistry(ws, async (registry) => {
    const run = await registry.findByFolder(runDir);
    return run ? { run, events: await registry.events(run.id) } : undefined;
  });
}

/** Who a command acts as: --owner, the workspace's owner, then the OS user. */
export function ownerOf(ws: Workspace | undefined, option?: string): string {
  return option?.trim() || ws?.config.owner || process.env.USER || process.env.USERNAME || "unknown";
}
