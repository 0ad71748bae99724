// Fit folders read once per server: a fit's folder does not change after `mmm fit` wrote it (its
// files are verified against fit.json on the way in), so the report page, the planner and saved
// plans share one copy of its model and draws.

import type { RunRecord } from "../registry/registry.js";
import { type RunFolder, readRun } from "../runs/runReader.js";

const fits = new Map<string, RunFolder>();

export function fitOf(run: RunRecord): RunFolder {
  const key = `${run.id}:${run.path}`;
  let fit = fits.get(key);
  if (!fit) {
    fit = readRun(run.path);
    fits.set(key, fit);
  }
  return fit;
}
