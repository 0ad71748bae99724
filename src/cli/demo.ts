// `mmm demo`: the quick-start job on an embedded default — simulate the lab's clean brand, prepare
// its raw exports into a modeling table, and print the table's QA summary. Later stages (fit,
// report, optimise) extend it.

import { join } from "node:path";
import type { CliIo } from "./io.js";
import { runPrepare } from "./prepare.js";
import { runSimulate } from "./simulate.js";

export async function runDemo(opts: { out: string; seed: string }, io: CliIo): Promise<void> {
  const dataDir = join(opts.out, "lab");
  const tableDir = join(opts.out, "table");
  io.out("== 1/2  Simulate a brand whose truth is known (scenario 'clean')");
  runSimulate({ scenario: "clean", seed: opts.seed, out: dataDir, format: "csv", force: true }, io);
  io.out("\n== 2/2  Prepare its raw daily exports into a weekly modeling table");
  await runPrepare({ config: join(dataDir, "prepare.yaml"), out: tableDir, force: true }, io);
  io.out(
    `\nDemo outputs are in ${opts.out}/ (lab/ holds the raw exports and the truth, table/ the modeling table).`,
  );
}
