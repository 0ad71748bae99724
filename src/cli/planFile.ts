// Reads a plan file: per channel an amount for the horizon and/or its bounds. CSV (columns
// channel, amount, min, max), YAML or JSON (channel: amount, or channel: {amount, min, max}), or
// the JSON that `mmm optimize --out` writes (its recommended amounts).

import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { parse as parseYaml } from "yaml";
import { type ErrorLocation, MmmError } from "../core/errors.js";
import { parseAmount, parseUserNumber } from "../core/userNumber.js";

export interface PlanFileEntry {
  amount?: number;
  min?: number;
  max?: number;
}

/** Channel → entry; a Map, so any channel name (even `constructor`) is an ordinary key. */
export type PlanFile = Map<string, PlanFileEntry>;

const FIELDS = ["amount", "min", "max"] as const;

function bad(file: string, what: string, where: Partial<ErrorLocation>, option: string): MmmError {
  return new MmmError(
    "E_PLAN_FILE",
    `Plan file ${file}: ${what}`,
    { file, option, ...where },
    "write one row per channel: CSV with columns channel,amount (or min,max), or YAML 'channel: amount'; amounts like 500k for the horizon or 30k/week",
  );
}

function readText(file: string, option: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MmmError(
      "E_FILE_NOT_FOUND",
      `Cannot read the plan file ${file}${code === "ENOENT" ? ": it does not exist" : code === "EISDIR" ? ": it is a folder" : ` (${code})`}.`,
      { file, option },
      "check the path",
    );
  }
}

function entryFrom(
  raw: Record<string, unknown>,
  file: string,
  where: Partial<ErrorLocation>,
  option: string,
  horizonWeeks: number,
): PlanFileEntry {
  const entry: PlanFileEntry = {};
  for (const field of FIELDS) {
    const v = Object.hasOwn(raw, field) ? raw[field] : undefined;
    if (v === undefined || v === null || v === "") continue;
    entry[field] = parseAmount(
      String(v),
      `the ${field} of this channel`,
      { file, option, ...where, column: field },
      horizonWeeks,
    );
  }
  const unknown = Object.keys(raw).filter(
    (k) => !(FIELDS as readonly string[]).includes(k) && k !== "channel",
  );
  if (unknown.length > 0)
    throw bad(file, `unknown field(s) ${unknown.map((k) => `'${k}'`).join(", ")}.`, where, option);
  return entry;
}

function fromCsv(text: string, file: string, option: string, horizonWeeks: number): PlanFile {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: true, bom: true, skip_empty_lines: true, trim: true });
  } catch (e) {
    throw bad(file, `not valid CSV (${(e as Error).message}).`, {}, option);
  }
  const out: PlanFile = new Map();
  records.forEach((r, i) => {
    const where = { row: i + 1 };
    const channel = Object.hasOwn(r, "channel") ? r.channel : undefined;
    if (!channel) throw bad(file, "every row needs a channel (a 'channel' column).", where, option);
    if (out.has(channel)) throw bad(file, `channel '${channel}' is listed twice.`, where, option);
    out.set(channel, entryFrom(r, file, where, option, horizonWeeks));
  });
  return out;
}

function fromObject(data: unknown, file: string, option: string, horizonWeeks: number): PlanFile {
  const out: PlanFile = new Map();
  // the JSON of `mmm optimize --out`: its recommended amounts
  if (data && typeof data === "object" && Array.isArray((data as { rows?: unknown }).rows)) {
    for (const [i, row] of ((data as { rows: unknown[] }).rows as Record<string, unknown>[]).entries()) {
      const amount = row?.recommended ?? row?.planned;
      if (typeof row?.channel !== "string" || typeof amount !== "number" || !Number.isFinite(amount))
        throw bad(
          file,
          `rows[${i}] needs a channel and a recommended amount.`,
          { key: `rows[${i}]` },
          option,
        );
      out.set(row.channel, { amount });
    }
    return out;
  }
  if (!data || typeof data !== "object" || Array.isArray(data))
    throw bad(file, "expected a mapping of channel → amount (or {amount, min, max}).", {}, option);
  for (const [channel, v] of Object.entries(data as Record<string, unknown>)) {
    const where = { key: channel };
    if (typeof v === "number" || typeof v === "string") {
      out.set(channel, entryFrom({ amount: v }, file, where, option, horizonWeeks));
    } else if (v && typeof v === "object" && !Array.isArray(v)) {
      out.set(channel, entryFrom(v as Record<string, unknown>, file, where, option, horizonWeeks));
    } else {
      throw bad(file, `channel '${channel}' needs an amount or {amount, min, max}.`, where, option);
    }
  }
  return out;
}

/** Reads a plan file named by `option`; amounts are horizon totals unless written as x/week. */
export function readPlanFile(file: string, option: string, horizonWeeks: number): PlanFile {
  const text = readText(file, option);
  const ext = extname(file).toLowerCase();
  if (ext === ".csv") return fromCsv(text, file, option, horizonWeeks);
  let data: unknown;
  try {
    data = ext === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw bad(
      file,
      `not valid ${ext === ".json" ? "JSON" : "YAML"} (${(e as Error).message.split("\n")[0]}).`,
      {},
      option,
    );
  }
  const plan = fromObject(data, file, option, horizonWeeks);
  if (plan.size === 0) throw bad(file, "it lists no channel.", {}, option);
  return plan;
}

/** Reads geo shares for `--geo-split FILE`: CSV with columns geo,share, or YAML/JSON geo: share. */
export function readGeoShares(file: string, option: string): Map<string, number> {
  const text = readText(file, option);
  const out = new Map<string, number>();
  const share = (v: unknown, where: Partial<ErrorLocation>) =>
    parseUserNumber(String(v), "a geo's share", { file, option, ...where }, { min: 0, example: "0.12" });
  if (extname(file).toLowerCase() === ".csv") {
    let records: Record<string, string>[];
    try {
      records = parseCsv(text, { columns: true, bom: true, skip_empty_lines: true, trim: true });
    } catch (e) {
      throw bad(file, `not valid CSV (${(e as Error).message}).`, {}, option);
    }
    records.forEach((r, i) => {
      if (!Object.hasOwn(r, "geo") || !Object.hasOwn(r, "share"))
        throw bad(file, "a geo split needs the columns geo and share.", { row: i + 1 }, option);
      out.set(r.geo, share(r.share, { row: i + 1, column: "share" }));
    });
    return out;
  }
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw bad(file, `not valid YAML/JSON (${(e as Error).message.split("\n")[0]}).`, {}, option);
  }
  if (!data || typeof data !== "object" || Array.isArray(data))
    throw bad(file, "a geo split is a mapping geo: share.", {}, option);
  for (const [geo, v] of Object.entries(data as Record<string, unknown>))
    out.set(geo, share(v, { key: geo }));
  return out;
}
