// Times `readRun` (the run-folder reader behind report, lift, optimize and scenario) on a run
// folder, so the cost of verifying a run on read stays measured. Run: npx tsx bench/run-read.ts <run>

import { readRun } from "../src/runs/runReader.js";

const dir = process.argv[2];
if (!dir) throw new Error("usage: npx tsx bench/run-read.ts <run folder>");
const times: number[] = [];
for (let i = 0; i < 15; i++) {
  const t = performance.now();
  const run = readRun(dir);
  times.push(performance.now() - t);
  if (i === 0) console.log(`${run.draws.length / run.model.dim} draws × ${run.model.dim} parameters`);
}
const sorted = [...times].sort((a, b) => a - b);
console.log(
  `first read ${times[0].toFixed(0)} ms; median of ${times.length} ${sorted[7].toFixed(0)} ms (min ${sorted[0].toFixed(0)}, max ${sorted[sorted.length - 1].toFixed(0)})`,
);
