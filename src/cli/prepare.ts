// `mmm prepare`: raw exports + config → modeling table folder (written only if the QA has no errors).

import { MmmError } from "../core/errors.js";
import { checkOutputDir, writeDirAtomic } from "../data/atomicDir.js";
import { loadPrepareConfig } from "../data/config.js";
import { type PrepareResult, prepare } from "../data/prepare.js";
import { prepareFiles } from "../data/prepareOutput.js";
import { renderReport } from "../data/qaReport.js";
import { type CliIo, processIo } from "./io.js";
import { ReadProgressLine } from "./readProgress.js";

export interface PrepareOptions {
  config: string;
  out: string;
  force?: boolean;
}

export async function runPrepare(opts: PrepareOptions, io: CliIo): Promise<PrepareResult> {
  checkOutputDir(opts.out, opts.force ?? false);
  const loaded = loadPrepareConfig(opts.config);
  // redrawing in place needs raw writes to the terminal; logs get whole lines through io
  const tty = io === processIo && Boolean(process.stderr.isTTY);
  const progress = new ReadProgressLine(tty ? (t) => process.stderr.write(t) : io.err, tty);
  const result = await prepare(loaded, { onProgress: (p) => progress.update(p) });
  const text = renderReport(result.qa);
  if (result.qa.status === "fail") {
    io.err(text);
    const errors = result.qa.findings.filter((f) => f.severity === "error");
    throw new MmmError(
      "E_QA_FAILED",
      `Data checks failed with ${errors.length} error(s); nothing was written. First: [${errors[0].check}] ${errors[0].message}`,
      // point at the data when the finding knows where the problem sits, else at the config
      errors[0].where?.file || errors[0].where?.column ? errors[0].where : { file: opts.config },
      errors[0].fix ?? "fix the errors listed above (or re-grade a check with qa.severity in the config)",
    );
  }
  writeDirAtomic(opts.out, prepareFiles(result, loaded), opts.force ?? false);
  io.out(text);
  io.out(
    `Wrote ${opts.out}/table.csv (+ table.schema.json, qa.json, qa.txt, lineage.json${result.campaigns.length > 0 ? ", campaigns.csv" : ""})`,
  );
  return result;
}
