// A portfolio manifest (YAML): the brand × market models a team runs, each with its data config,
// its model spec and the jobs wanted, under shared defaults that each model may override. Paths
// are resolved against the manifest's folder; every mistake names the key and how to fix it.

import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { MmmError } from "../core/errors.js";
import { HORIZON_WEEKS } from "../planning/context.js";
import { schemaNameFor } from "../registry/postgres.js";
import { POSTGRES_URL as POSTGRES_URL_PATTERN } from "../registry/workspace.js";

/** Jobs a model can ask for; each runs one `mmm` command. */
export const JOB_KINDS = ["prepare", "fit", "variants", "refresh", "report", "plan"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const name = (what: string) =>
  z.string().regex(NAME, `${what} must be letters, digits, '-', '_' or '.' (it names a folder)`);

const FitSettings = z.strictObject({
  method: z.enum(["nuts", "fast"]).optional(),
  chains: z.number().int().min(1).max(16).optional(),
  warmup: z.number().int().min(10).max(20_000).optional(),
  draws: z.number().int().min(10).max(20_000).optional(),
  seed: z.number().int().min(0).optional(),
});
export type FitSettings = z.infer<typeof FitSettings>;

const Variant = z.strictObject({
  name: name("a variant's name"),
  /** The variant's model spec (YAML), fitted on the same table as the main model. */
  model: z.string(),
});

const Defaults = z.strictObject({
  model: z.string().optional(),
  fit: FitSettings.default({}),
  jobs: z.array(z.enum(JOB_KINDS)).min(1).default(["prepare", "fit", "report", "plan"]),
  /** `mmm report --validation`: none | quick | full. */
  validation: z.enum(["none", "quick", "full"]).default("quick"),
  /** `mmm optimize --horizon`, weeks. */
  horizon: z.number().int().min(HORIZON_WEEKS.min).max(HORIZON_WEEKS.max).default(HORIZON_WEEKS.default),
});

const Model = z.strictObject({
  name: name("a model's name"),
  brand: z.string().optional(),
  market: z.string().optional(),
  /** The prepare config (raw exports → modeling table). */
  data: z.string(),
  model: z.string().optional(),
  fit: FitSettings.optional(),
  jobs: z.array(z.enum(JOB_KINDS)).min(1).optional(),
  validation: z.enum(["none", "quick", "full"]).optional(),
  horizon: z.number().int().min(HORIZON_WEEKS.min).max(HORIZON_WEEKS.max).optional(),
  variants: z.array(Variant).default([]),
});

/** A registry shared by the portfolio's workers: a Postgres database, one schema per model. */
const POSTGRES_URL = z.string().regex(POSTGRES_URL_PATTERN, "the registry must be a postgres:// URL");
const SharedRegistry = z.strictObject({
  url: POSTGRES_URL,
  /** Put before each model's name to make its schema, so two portfolios can share a database. */
  schema_prefix: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,30}$/, "registry.schema_prefix must be lower-case letters, digits and _")
    .default(""),
});

const ManifestSchema = z.strictObject({
  version: z.literal(1),
  /**
   * Where the models' runs are registered: each model's own SQLite file (the default), or a
   * Postgres database shared by every machine that runs the portfolio's jobs.
   */
  registry: z.union([POSTGRES_URL, SharedRegistry]).optional(),
  /** Where the models' workspaces go (one folder each); default: beside the manifest. */
  root: z.string().default("."),
  defaults: Defaults.default({
    fit: {},
    jobs: ["prepare", "fit", "report", "plan"],
    validation: "quick",
    horizon: 13,
  }),
  models: z.array(Model).min(1, "list at least one model"),
});

/** One model of the portfolio with the defaults applied and paths made absolute. */
export interface PortfolioModel {
  name: string;
  brand: string | null;
  market: string | null;
  data: string;
  model: string | null;
  fit: Required<FitSettings>;
  jobs: JobKind[];
  validation: "none" | "quick" | "full";
  horizon: number;
  variants: { name: string; model: string }[];
  /** The model's workspace folder (created by `mmm batch` if missing). */
  workspace: string;
  /** Its registry, when the portfolio shares one: the Postgres URL and the model's schema. */
  registry: SharedRegistryTarget | null;
}

export interface SharedRegistryTarget {
  url: string;
  schema: string;
}

/** A model's schema in a shared registry: the prefix and its name in Postgres's identifier alphabet. */
export function modelSchema(prefix: string, model: string): string {
  return schemaNameFor(`${prefix}${model}`);
}

export interface Manifest {
  file: string;
  /** The manifest's name (its file name without extension): labels notes and queue jobs. */
  name: string;
  root: string;
  models: PortfolioModel[];
}

const FIT_DEFAULTS: Required<FitSettings> = { method: "nuts", chains: 4, warmup: 500, draws: 500, seed: 1 };

const FIX = "see docs/portfolio.md for the manifest format";

function manifestError(file: string, what: string, key?: string, fix = FIX): MmmError {
  return new MmmError("E_MANIFEST", `Portfolio manifest ${file}: ${what}`, { file, key }, fix);
}

export function loadManifest(file: string): Manifest {
  const abs = resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, "utf8");
  } catch (e) {
    throw new MmmError(
      "E_FILE_NOT_FOUND",
      `Cannot read the portfolio manifest ${file} (${(e as NodeJS.ErrnoException).code}).`,
      { file },
      "pass the path of a portfolio YAML",
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw manifestError(file, `not valid YAML (${(e as Error).message.split("\n")[0]}).`);
  }
  const parsed = ManifestSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw manifestError(file, `${issue.message} at '${issue.path.join(".")}'.`, issue.path.join("."));
  }
  const m = parsed.data;
  const dir = dirname(abs);
  const root = resolve(dir, m.root);
  const shared = typeof m.registry === "string" ? { url: m.registry, schema_prefix: "" } : m.registry;
  const seen = new Set<string>();
  const models = m.models.map((x, i): PortfolioModel => {
    const key = `models[${i}]`;
    if (seen.has(x.name))
      throw manifestError(
        file,
        `two models are named '${x.name}'.`,
        `${key}.name`,
        "give each model its own name",
      );
    seen.add(x.name);
    const path = (p: string, where: string) => {
      const full = resolve(dir, p);
      if (!existsSync(full))
        throw manifestError(
          file,
          `${where} '${p}' does not exist (looked for ${full}).`,
          where,
          "fix the path; paths are relative to the manifest",
        );
      return full;
    };
    const jobs = x.jobs ?? m.defaults.jobs;
    // a job needs the jobs it reads from: a fit needs its table, a report or plan its fit (a
    // refresh prepares its own table from the approved fit's workspace)
    if (jobs.some((j) => j !== "prepare" && j !== "refresh") && !jobs.includes("prepare"))
      throw manifestError(
        file,
        `model '${x.name}' asks for ${jobs.join(", ")} without prepare.`,
        `${key}.jobs`,
        "add prepare: every other job reads the table it writes",
      );
    if (
      (jobs.includes("report") || jobs.includes("plan") || jobs.includes("variants")) &&
      !jobs.includes("fit")
    )
      throw manifestError(
        file,
        `model '${x.name}' asks for ${jobs.join(", ")} without fit.`,
        `${key}.jobs`,
        "add fit: reports, plans and variants read it",
      );
    if (jobs.includes("variants") && x.variants.length === 0)
      throw manifestError(
        file,
        `model '${x.name}' asks for variants but lists none.`,
        `${key}.variants`,
        "list variants (name and model spec), or drop the job",
      );
    const model = x.model ?? m.defaults.model;
    return {
      name: x.name,
      brand: x.brand ?? null,
      market: x.market ?? null,
      data: path(x.data, `${key}.data`),
      model: model ? path(model, x.model ? `${key}.model` : "defaults.model") : null,
      fit: { ...FIT_DEFAULTS, ...m.defaults.fit, ...x.fit },
      jobs: JOB_KINDS.filter((k) => jobs.includes(k)),
      validation: x.validation ?? m.defaults.validation,
      horizon: x.horizon ?? m.defaults.horizon,
      variants: x.variants.map((v, j) => ({
        name: v.name,
        model: path(v.model, `${key}.variants[${j}].model`),
      })),
      workspace: resolve(root, x.name),
      registry: shared ? { url: shared.url, schema: modelSchema(shared.schema_prefix, x.name) } : null,
    };
  });
  return { file: abs, name: basename(abs).replace(/\.[^.]+$/, ""), root, models };
}
