// The platform file of `mmm triangulate --platform` and `mmm report --platform`: what each ad
// platform attributes to itself over the fit's window, one row per channel. It is never a model
// input; it is read beside the MMM to show each platform's over- or under-credit.

import { parse as parseCsv } from "csv-parse/sync";
import type { PlatformClaim } from "../analysis/triangulation.js";
import { MmmError } from "../core/errors.js";
import { parseUserNumber } from "../core/userNumber.js";
import { readUserText } from "../data/fsErrors.js";

/** A platform file: one row per channel with `channel`, `spend` and `attributed` (KPI units). */
export function readPlatform(path: string, channels: string[]): PlatformClaim[] {
  const text = readUserText({ path, what: "the platform file", option: "--platform" });
  const fail = (row: number | undefined, column: string | undefined, what: string) =>
    new MmmError(
      "E_PLATFORM_FILE",
      `Platform file ${path}: ${what}`,
      { file: path, row, column },
      "one row per channel with columns channel, spend, attributed (the platform's attributed KPI over the fit's window)",
    );
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: true, bom: true, skip_empty_lines: true });
  } catch (e) {
    throw fail(undefined, undefined, `not valid CSV (${(e as Error).message}).`);
  }
  if (records.length === 0) throw fail(undefined, undefined, "it has no rows.");
  return records.map((r, i) => {
    for (const c of ["channel", "spend", "attributed"])
      if (!(c in r)) throw fail(i + 1, c, `the column '${c}' is missing.`);
    if (!channels.includes(r.channel))
      throw fail(i + 1, "channel", `'${r.channel}' is not a channel of the run (${channels.join(", ")}).`);
    const num = (c: string) =>
      parseUserNumber(r[c], c, { file: path, row: i + 1, column: c }, { min: 0, example: "125000" });
    return { channel: r.channel, spend: num("spend"), attributed: num("attributed") };
  });
}
