// The experiments file: one row per lift test (geo test, go-dark, heavy-up, platform lift study)
// with what changed, where, when, and what was measured with its uncertainty. It is read as CSV,
// checked row by row (errors name the row and column), checked against a modeling table, and
// written back by the tools that produce tests (the lab, `mmm geotest analyze`).

import { parse as parseCsv } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { type DayNumber, formatDay, parseDay } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { normalQuantile } from "../core/quantileFunctions.js";

export const EXPERIMENT_KINDS = ["go_dark", "holdout", "heavy_up", "conversion_lift"] as const;
export type ExperimentKind = (typeof EXPERIMENT_KINDS)[number];

export interface Experiment {
  id: string;
  channel: string;
  /** "all" (every geo of the table) or the treated geos. */
  geos: "all" | string[];
  /** First and last week start (YYYY-MM-DD) of the spend change, inclusive. */
  start: string;
  end: string;
  kind: ExperimentKind;
  /** Spend change over the window and geos, in the currency: negative for go-dark and holdouts. */
  spendChange: number;
  /** Measured incremental KPI over the window plus `readoutWeeks` after it (sign as measured). */
  lift: number;
  /** Standard error of `lift` (from lift_se, or from a confidence interval). */
  liftSe: number;
  readoutWeeks: number;
  /**
   * Share of each listed geo (by the channel's spend) the test treated, when its regions are finer
   * than the table's geos (a holdout of some regions read against a national table); 1 if absent.
   */
  treatedShare?: number;
  source: string;
  /** Optional: the KPI and currency the test was measured in (checked against the table). */
  kpi?: string;
  currency?: string;
}

/** The columns of the file, in order; `lift_se` or `ci_low`/`ci_high`/`ci_level` give the uncertainty. */
export const EXPERIMENT_COLUMNS = [
  "id",
  "channel",
  "geos",
  "start",
  "end",
  "kind",
  "spend_change",
  "lift",
  "lift_se",
  "ci_low",
  "ci_high",
  "ci_level",
  "readout_weeks",
  "treated_share",
  "source",
  "kpi",
  "currency",
] as const;

const REQUIRED = ["id", "channel", "start", "end", "kind", "spend_change", "lift"] as const;
const FIX =
  "see docs/experiments.md for the experiments file: one row per test, columns id, channel, geos, start, end, kind, spend_change, lift, lift_se (or ci_low, ci_high, ci_level), readout_weeks, treated_share, source";

function fail(
  file: string,
  row: number | undefined,
  column: string | undefined,
  what: string,
  fix = FIX,
): MmmError {
  return new MmmError("E_EXPERIMENTS", `Experiments file ${file}: ${what}`, { file, row, column }, fix);
}

function numberCell(text: string, file: string, row: number, column: string): number {
  const t = text.trim();
  const v = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : Number.NaN;
  if (!Number.isFinite(v))
    throw fail(
      file,
      row,
      column,
      `'${text}' is not a number.`,
      "write plain numbers: no currency signs, no thousands separators",
    );
  return v;
}

function dateCell(text: string, file: string, row: number, column: string): DayNumber {
  const d = parseDay(text.trim());
  if (d === null)
    throw fail(file, row, column, `'${text}' is not a date (YYYY-MM-DD).`, "write dates as YYYY-MM-DD");
  return d;
}

/** The standard error of a row: lift_se, or a symmetric normal interval's half-width ÷ z. */
function standardError(r: Record<string, string>, file: string, row: number): number {
  if (r.lift_se?.trim()) {
    const se = numberCell(r.lift_se, file, row, "lift_se");
    if (!(se > 0)) throw fail(file, row, "lift_se", `the standard error must be positive, got ${se}.`);
    return se;
  }
  if (r.ci_low?.trim() && r.ci_high?.trim()) {
    const lo = numberCell(r.ci_low, file, row, "ci_low");
    const hi = numberCell(r.ci_high, file, row, "ci_high");
    const level = r.ci_level?.trim() ? numberCell(r.ci_level, file, row, "ci_level") : 0.9;
    if (!(level > 0 && level < 1))
      throw fail(file, row, "ci_level", `ci_level must be in (0, 1), e.g. 0.9; got ${level}.`);
    if (!(hi > lo)) throw fail(file, row, "ci_high", `ci_high (${hi}) must be above ci_low (${lo}).`);
    return (hi - lo) / (2 * normalQuantile(0.5 + level / 2));
  }
  throw fail(
    file,
    row,
    "lift_se",
    "the measured lift has no uncertainty.",
    "give lift_se, or ci_low and ci_high (with ci_level, default 0.9)",
  );
}

function rowToExperiment(r: Record<string, string>, file: string, row: number): Experiment {
  for (const c of REQUIRED) if (!r[c]?.trim()) throw fail(file, row, c, `the ${c} is empty.`);
  const kind = r.kind.trim() as ExperimentKind;
  if (!EXPERIMENT_KINDS.includes(kind))
    throw fail(file, row, "kind", `unknown kind '${r.kind}'.`, `use one of: ${EXPERIMENT_KINDS.join(", ")}`);
  const start = dateCell(r.start, file, row, "start");
  const end = dateCell(r.end, file, row, "end");
  if (end < start) throw fail(file, row, "end", `the window ends (${r.end}) before it starts (${r.start}).`);
  const spendChange = numberCell(r.spend_change, file, row, "spend_change");
  if (spendChange === 0)
    throw fail(file, row, "spend_change", "the spend change is 0: a test must change spend.");
  if ((kind === "go_dark" || kind === "holdout") && spendChange > 0)
    throw fail(
      file,
      row,
      "spend_change",
      `a ${kind} test cuts spend, so spend_change must be negative; got ${spendChange}.`,
    );
  if (kind === "heavy_up" && spendChange < 0)
    throw fail(
      file,
      row,
      "spend_change",
      `a heavy_up test adds spend, so spend_change must be positive; got ${spendChange}.`,
    );
  const readout = r.readout_weeks?.trim() ? numberCell(r.readout_weeks, file, row, "readout_weeks") : 0;
  if (!(Number.isInteger(readout) && readout >= 0 && readout <= 52))
    throw fail(
      file,
      row,
      "readout_weeks",
      `readout_weeks must be a whole number from 0 to 52; got ${r.readout_weeks}.`,
    );
  const share = r.treated_share?.trim() ? numberCell(r.treated_share, file, row, "treated_share") : 1;
  if (!(share > 0 && share <= 1))
    throw fail(
      file,
      row,
      "treated_share",
      `treated_share must be in (0, 1]; got ${r.treated_share}.`,
      "give the share of each listed geo's spend the treated regions hold (e.g. 0.3), or leave it empty when the whole geo was treated",
    );
  const geosText = r.geos?.trim() ?? "";
  const geos = geosText === "" || geosText === "all" ? "all" : geosText.split(";").map((g) => g.trim());
  if (geos !== "all" && (geos.some((g) => g === "") || new Set(geos).size !== geos.length))
    throw fail(
      file,
      row,
      "geos",
      `geos '${r.geos}' has an empty or repeated name.`,
      "list geos separated by ';', or write all",
    );
  return {
    id: r.id.trim(),
    channel: r.channel.trim(),
    geos,
    start: formatDay(start),
    end: formatDay(end),
    kind,
    spendChange,
    lift: numberCell(r.lift, file, row, "lift"),
    liftSe: standardError(r, file, row),
    readoutWeeks: readout,
    ...(share < 1 ? { treatedShare: share } : {}),
    source: r.source?.trim() ?? "",
    ...(r.kpi?.trim() ? { kpi: r.kpi.trim() } : {}),
    ...(r.currency?.trim() ? { currency: r.currency.trim() } : {}),
  };
}

/** Parses the CSV text of an experiments file (`file` names it in errors). */
export function parseExperiments(text: string, file: string): Experiment[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: true, bom: true, skip_empty_lines: true, trim: false });
  } catch (e) {
    throw fail(file, undefined, undefined, `not valid CSV (${(e as Error).message}).`);
  }
  if (records.length === 0) throw fail(file, undefined, undefined, "it has no test rows.");
  const unknown = Object.keys(records[0]).filter(
    (c) => !(EXPERIMENT_COLUMNS as readonly string[]).includes(c),
  );
  if (unknown.length > 0)
    throw fail(
      file,
      1,
      unknown[0],
      `unknown column(s) ${unknown.map((c) => `'${c}'`).join(", ")}.`,
      `columns: ${EXPERIMENT_COLUMNS.join(", ")}`,
    );
  const seen = new Map<string, number>();
  return records.map((r, i) => {
    const e = rowToExperiment(r, file, i + 1);
    if (seen.has(e.id))
      throw fail(file, i + 1, "id", `test id '${e.id}' is used twice (rows ${seen.get(e.id)} and ${i + 1}).`);
    seen.set(e.id, i + 1);
    return e;
  });
}

export interface TableFacts {
  channels: string[];
  geos: string[];
  /** Week start days of the table, ascending. */
  weeks: DayNumber[];
  kpi: string;
  currency: string;
}

/** Checks every test against the modeling table it will calibrate; the first problem is an error. */
export function checkExperiments(experiments: Experiment[], table: TableFacts, file: string): void {
  const first = table.weeks[0];
  const last = table.weeks[table.weeks.length - 1];
  experiments.forEach((e, i) => {
    const row = i + 1;
    if (!table.channels.includes(e.channel))
      throw fail(
        file,
        row,
        "channel",
        `test '${e.id}' is on channel '${e.channel}', which the table does not have.`,
        `use one of: ${table.channels.join(", ")}`,
      );
    if (e.geos !== "all") {
      const missing = e.geos.find((g) => !table.geos.includes(g));
      if (missing !== undefined)
        throw fail(
          file,
          row,
          "geos",
          `test '${e.id}' names geo '${missing}', which the table does not have.`,
          `use the table's geos (${table.geos.slice(0, 8).join(", ")}${table.geos.length > 8 ? ", …" : ""}) or all`,
        );
    }
    const start = parseDay(e.start) as DayNumber;
    const end = parseDay(e.end) as DayNumber;
    if (start < first || end > last + 6)
      throw fail(
        file,
        row,
        start < first ? "start" : "end",
        `test '${e.id}' runs ${e.start} … ${e.end}, outside the table's weeks (${formatDay(first)} … ${formatDay(last)}).`,
        "calibrate with tests that ran inside the fitted history",
      );
    if (!table.weeks.includes(start))
      throw fail(
        file,
        row,
        "start",
        `test '${e.id}' starts on ${e.start}, which is not a week start of the table.`,
        "give the start of the first week of the test (the table's weeks start on the same weekday)",
      );
    if (e.kpi !== undefined && e.kpi !== table.kpi)
      throw fail(
        file,
        row,
        "kpi",
        `test '${e.id}' measured '${e.kpi}', but the table's KPI is '${table.kpi}'.`,
        "convert the lift to the table's KPI, or leave the kpi column empty if it is the same KPI under another name",
      );
    if (e.currency !== undefined && e.currency !== table.currency)
      throw fail(
        file,
        row,
        "currency",
        `test '${e.id}' states spend in ${e.currency}, but the table is in ${table.currency}.`,
        "convert spend_change to the table's currency",
      );
  });
}

/** Writes experiments as CSV (lift_se form), in the column order above. */
export function experimentsCsv(experiments: Experiment[]): string {
  return stringify(
    experiments.map((e) => ({
      id: e.id,
      channel: e.channel,
      geos: e.geos === "all" ? "all" : e.geos.join(";"),
      start: e.start,
      end: e.end,
      kind: e.kind,
      spend_change: e.spendChange,
      lift: e.lift,
      lift_se: e.liftSe,
      ci_low: "",
      ci_high: "",
      ci_level: "",
      readout_weeks: e.readoutWeeks,
      treated_share: e.treatedShare ?? "",
      source: e.source,
      kpi: e.kpi ?? "",
      currency: e.currency ?? "",
    })),
    { header: true, columns: [...EXPERIMENT_COLUMNS] },
  );
}
