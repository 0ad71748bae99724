// Reads a run folder written by `mmm fit` back into memory: its settings and spec, the copy of
// the modeling table, the rebuilt model and the constrained draws of every chain.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FitSummary } from "../analysis/fitSummary.js";
import { MmmError } from "../core/errors.js";
import { readModelingTable } from "../data/tableIo.js";
import { buildModel, type ModelRecipe } from "../inference/executor.js";
import type { SampleOptions } from "../inference/sample.js";
import type { MmmModel } from "../model/mmm.js";
import { type ModelSpec, ModelSpecSchema } from "../model/spec.js";

export interface RunFolder {
  dir: string;
  fit: { method: "nuts" | "fast"; settings: SampleOptions; config: { resolved: ModelSpec } };
  summary: FitSummary;
  recipe: ModelRecipe;
  model: MmmModel;
  /** Constrained draws of all chains, row-major (draws × dim). */
  draws: Float64Array;
  qa: unknown | null;
  lineage: unknown | null;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

export function readRun(dir: string): RunFolder {
  const fit = readJson(join(dir, "fit.json")) as RunFolder["fit"] | null;
  const summary = readJson(join(dir, "summary.json")) as FitSummary | null;
  if (!fit || !summary) {
    throw new MmmError(
      "E_RUN_FOLDER",
      `${dir} is not a run folder written by mmm fit (fit.json or summary.json is missing).`,
      { file: dir },
      "pass the --out folder of a finished `mmm fit`",
    );
  }
  if (!existsSync(join(dir, "data", "table.csv"))) {
    throw new MmmError(
      "E_RUN_FOLDER",
      `${dir} has no copy of its modeling table (data/table.csv).`,
      { file: dir },
      "re-run mmm fit with this version, which keeps a copy of the table in the run folder",
    );
  }
  const table = readModelingTable(join(dir, "data"));
  const spec = ModelSpecSchema.parse(fit.config.resolved);
  const recipe = { table, spec };
  const model = buildModel(recipe);
  const files = readdirSync(join(dir, "draws"))
    .filter((f) => f.endsWith(".csv"))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const parts: Float64Array[] = [];
  for (const f of files) {
    const lines = readFileSync(join(dir, "draws", f), "utf8")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"));
    const header = lines[0].split(",");
    const cols = model.names.map((n) => header.indexOf(n));
    if (cols.some((c) => c < 0))
      throw new MmmError(
        "E_RUN_FOLDER",
        `draws/${f} lacks some of the model's parameters.`,
        { file: join(dir, "draws", f) },
        "the run folder and the code version must match; re-run mmm fit",
      );
    const rows = lines.slice(1);
    const out = new Float64Array(rows.length * model.dim);
    rows.forEach((line, k) => {
      const v = line.split(",");
      cols.forEach((c, j) => {
        out[k * model.dim + j] = Number(v[c]);
      });
    });
    parts.push(out);
  }
  const draws = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    draws.set(p, o);
    o += p.length;
  }
  return {
    dir,
    fit,
    summary,
    recipe,
    model,
    draws,
    qa: readJson(join(dir, "data", "qa.json")),
    lineage: readJson(join(dir, "data", "lineage.json")),
  };
}
