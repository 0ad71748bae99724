// A manifest expanded into jobs: one `mmm` command each, with the jobs it waits for and a content
// key. The key hashes everything the job's result depends on (the data config and every file it
// reads; the model spec; the settings; the keys of the jobs it reads from), and names the job's
// output. So the same manifest on unchanged inputs maps to the same outputs, which are already
// there: nothing is redone. A changed export or spec changes the keys downstream of it only.

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadPrepareConfig } from "../data/config.js";
import { sha256 } from "../data/lineage.js";
import type { Manifest, PortfolioModel, SharedRegistryTarget } from "./manifest.js";

export type BatchJobKind = "prepare" | "fit" | "variant" | "refresh" | "report" | "plan";

/** The order of stages: a pool or queue with a choice takes the earliest, whose outputs others wait for. */
export const STAGE: Record<BatchJobKind, number> = {
  prepare: 1,
  fit: 2,
  refresh: 2,
  variant: 3,
  report: 4,
  plan: 4,
};

export interface BatchJob {
  /** "<model>/<kind>", or "<model>/variant:<name>". */
  id: string;
  model: string;
  kind: BatchJobKind;
  /** 16 hex characters of the content key. */
  key: string;
  workspace: string;
  /** The workspace's registry when the portfolio shares one (Postgres), else null (its SQLite file). */
  registry: SharedRegistryTarget | null;
  /**
   * A run folder (prepare, fit, variant), or a file (report, plan; a refresh's refresh.json, the
   * last thing it writes): once it exists, the job is done.
   */
  out: string;
  /** Folders a job writes on the way to `out` (a refresh's table and fit), for cleaning up after a kill. */
  steps?: string[];
  /** `mmm` arguments; the command runs in the workspace. */
  argv: string[];
  /** Ids of the jobs whose outputs it reads. */
  deps: string[];
  /**
   * The change note a prepare, fit or variant run is registered with in the workspace's registry
   * (also passed to its command); null for a report or plan, whose output is a file.
   */
  note: string | null;
}

const KEY_CHARS = 16;

function key(...parts: string[]): string {
  return sha256(parts.join("\u0000")).slice(0, KEY_CHARS);
}

const fileDigest = (path: string) => sha256(readFileSync(path));

/** The prepare config and every file it reads (sources, taxonomy), as one digest. */
export function prepareInputsDigest(configPath: string): string {
  const loaded = loadPrepareConfig(configPath);
  const files = Object.values(loaded.config.sources).map((s) => resolve(loaded.baseDir, s.path));
  if (loaded.config.media.long) files.push(resolve(loaded.baseDir, loaded.config.media.long.taxonomy));
  const parts = [...new Set(files)].sort().map((f) => `${f}:${fileDigest(f)}`);
  return key("prepare-inputs", loaded.text, ...parts);
}

function modelJobs(m: PortfolioModel, manifestName: string): BatchJob[] {
  const note = (id: string) => `batch ${manifestName}: ${id}`;
  const runs = join(m.workspace, "runs");
  const base = { model: m.name, workspace: m.workspace, registry: m.registry };
  const inputsDigest = prepareInputsDigest(m.data);
  const prepareKey = key("prepare", inputsDigest);
  const prepareOut = join(runs, `prepare-${prepareKey}`);
  const prepareId = `${m.name}/prepare`;
  const jobs: BatchJob[] = [];
  if (m.jobs.includes("refresh")) jobs.push(refreshJob(m, inputsDigest, base, note));
  if (!m.jobs.includes("prepare")) return jobs;
  jobs.push({
    ...base,
    id: prepareId,
    kind: "prepare",
    key: prepareKey,
    out: prepareOut,
    argv: ["prepare", "--config", m.data, "--out", prepareOut, "--note", note(prepareId)],
    deps: [],
    note: note(prepareId),
  });
  if (!m.jobs.includes("fit")) return jobs;
  const f = m.fit;
  const settings = [
    "--method",
    f.method,
    "--chains",
    String(f.chains),
    "--warmup",
    String(f.warmup),
    "--draws",
    String(f.draws),
    "--seed",
    String(f.seed),
  ];
  const fitJob = (id: string, kind: "fit" | "variant", spec: string | null, folder: string): BatchJob => {
    const specText = spec ? readFileSync(spec, "utf8") : "";
    const k = key(kind, prepareKey, specText, JSON.stringify(f));
    const out = join(runs, `${folder}-${k}`);
    const config = spec ? ["--config", spec] : [];
    return {
      ...base,
      id,
      kind,
      key: k,
      out,
      argv: [
        "fit",
        "--table",
        prepareOut,
        "--out",
        out,
        ...config,
        ...settings,
        "--quiet",
        "--note",
        note(id),
      ],
      deps: [prepareId],
      note: note(id),
    };
  };
  const fit = fitJob(`${m.name}/fit`, "fit", m.model, "fit");
  jobs.push(fit);
  if (m.jobs.includes("variants"))
    for (const v of m.variants)
      jobs.push(fitJob(`${m.name}/variant:${v.name}`, "variant", v.model, `fit-${v.name}`));
  // a report or a plan reads the fit and writes one file, named by its key
  const fileJob = (
    kind: "report" | "plan",
    setting: string,
    file: (k: string) => string,
    argv: (out: string) => string[],
  ): BatchJob => {
    const k = key(kind, fit.key, setting);
    const out = join(m.workspace, file(k));
    return {
      ...base,
      id: `${m.name}/${kind}`,
      kind,
      key: k,
      out,
      argv: argv(out),
      deps: [fit.id],
      note: null,
    };
  };
  if (m.jobs.includes("report"))
    jobs.push(
      fileJob(
        "report",
        m.validation,
        (k) => join("reports", `report-${k}.html`),
        (out) => ["report", fit.out, "--out", out, "--validation", m.validation],
      ),
    );
  if (m.jobs.includes("plan"))
    jobs.push(
      fileJob(
        "plan",
        String(m.horizon),
        (k) => join("plans", `plan-${k}.json`),
        (out) => ["optimize", fit.out, "--horizon", String(m.horizon), "--out", out],
      ),
    );
  return jobs;
}

/**
 * `mmm refresh` of the model's approved fit on the manifest's exports: re-prepared, checked for
 * drift, reviewed on the new weeks and refitted warm-started, in folders named by the key. It needs
 * no other job of the manifest (the approved fit is from an earlier cycle); run again after an
 * interruption, it resumes from the folders already written.
 */
function refreshJob(
  m: PortfolioModel,
  inputsDigest: string,
  base: Pick<BatchJob, "model" | "workspace" | "registry">,
  note: (id: string) => string,
): BatchJob {
  const runs = join(m.workspace, "runs");
  const id = `${m.name}/refresh`;
  const k = key("refresh", inputsDigest, m.model ? readFileSync(m.model, "utf8") : "", String(m.fit.seed));
  const fitOut = join(runs, `refresh-${k}`);
  const tableOut = join(runs, `refresh-table-${k}`);
  return {
    ...base,
    id,
    kind: "refresh",
    key: k,
    out: join(fitOut, "refresh.json"),
    steps: [tableOut, fitOut],
    argv: [
      "refresh",
      "--config",
      m.data,
      ...(m.model ? ["--spec", m.model] : []),
      "--out",
      fitOut,
      "--table-out",
      tableOut,
      "--seed",
      String(m.fit.seed),
      "--quiet",
      "--note",
      note(id),
    ],
    deps: [],
    // mmm refresh registers its table and fit itself
    note: null,
  };
}

/** Every job of the manifest, each after the jobs it depends on. */
export function expandManifest(manifest: Manifest): BatchJob[] {
  return manifest.models.flatMap((m) => modelJobs(m, manifest.name));
}
