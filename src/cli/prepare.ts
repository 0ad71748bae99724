// `mmm prepare`: raw exports + config → modeling table folder (written only if the QA has no errors).

import { statSync } from "node:fs";
import { resolve } from "node:path";
import { MmmError } from "../core/errors.js";
import { checkOutputDir, writeDirAtomic } from "../data/atomicDir.js";
import { type LoadedConfig, loadPrepareConfig } from "../data/config.js";
import { MAX_TEXT_BYTES } from "../data/fsErrors.js";
import type { OutputInput } from "../data/outputPath.js";
import { type PrepareResult, prepare } from "../data/prepare.js";
import { prepareFiles } from "../data/prepareOutput.js";
import { renderReport } from "../data/qaReport.js";
import { completeRegistration, planRegistration, type RegistrationOptions } from "../runs/runRegistration.js";
import { type CliIo, processIo } from "./io.js";
import { ReadProgressLine } from "./readProgress.js";

export interface PrepareOptions extends RegistrationOptions {
  config: string;
  /** The table folder; in a workspace it defaults to <runs_dir>/<id>. */
  out?: string;
  force?: boolean;
}

/** The files prepare reads, which its output folder may not be, replace or hold. */
function prepareInputs(loaded: LoadedConfig): OutputInput[] {
  const { config, baseDir } = loaded;
  return [
    { path: loaded.path, what: "the prepare config" },
    ...Object.entries(config.sources).map(([name, s]) => ({
      path: resolve(baseDir, s.path),
      what: `source '${name}'`,
    })),
    ...(config.media.long
      ? [{ path: resolve(baseDir, config.media.long.taxonomy), what: "the taxonomy" }]
      : []),
  ];
}

/**
 * Node cannot hold a text of over ~512 MB in one string: name the source that is too large.
 * CSV is streamed (no record over 8 MB), so only a Parquet file can still get here.
 */
function sourceTooLarge(e: unknown, loaded: LoadedConfig): MmmError | null {
  if ((e as NodeJS.ErrnoException)?.code !== "ERR_STRING_TOO_LONG") return null;
  const sizes = Object.entries(loaded.config.sources).map(([name, s]) => {
    try {
      return { name, path: s.path, bytes: statSync(resolve(loaded.baseDir, s.path)).size };
    } catch {
      return { name, path: s.path, bytes: 0 };
    }
  });
  const big = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return new MmmError(
    "E_FILE_TOO_LARGE",
    `Source '${big.name}' (${big.path}, ${(big.bytes / 2 ** 20).toFixed(0)} MB) is too large to read: a Parquet file is read into memory whole, and text over about ${(MAX_TEXT_BYTES / 2 ** 20).toFixed(0)} MB does not fit.`,
    { file: big.path, key: `sources.${big.name}.path` },
    "export fewer rows or columns (a shorter date range, only the columns the config names), then try again",
  );
}

export async function runPrepare(opts: PrepareOptions, io: CliIo): Promise<PrepareResult & { out: string }> {
  const force = opts.force ?? false;
  // the config names the inputs the output may not touch; reading it is quick, the work is not
  const loaded = loadPrepareConfig(opts.config);
  const inputs = prepareInputs(loaded);
  const registration = await planRegistration("prepare", opts.out, opts);
  const out = registration?.out ?? (opts.out as string);
  checkOutputDir(out, force, "--out", inputs);
  // redrawing in place needs raw writes to the terminal; logs get whole lines through io
  const tty = io === processIo && Boolean(process.stderr.isTTY);
  const progress = new ReadProgressLine(tty ? (t) => process.stderr.write(t) : io.err, tty);
  let result: PrepareResult;
  try {
    result = await prepare(loaded, { onProgress: (p) => progress.update(p) });
  } catch (e) {
    throw sourceTooLarge(e, loaded) ?? e;
  }
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
  writeDirAtomic(out, prepareFiles(result, loaded), force, inputs);
  io.out(text);
  io.out(
    `Wrote ${out}/table.csv (+ table.schema.json, qa.json, qa.txt, lineage.json${result.campaigns.length > 0 ? ", campaigns.csv" : ""})`,
  );
  if (registration) await completeRegistration(registration, io);
  return { ...result, out };
}
