// The `mmm prepare` config: which file holds what, how dates and weeks work, which checks apply.
// Validated with zod; unknown keys are errors (a typo must not be silently ignored).

import { dirname, resolve } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { DATE_FORMATS, parseDay, WEEKDAYS } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { ownRecord } from "../core/ownRecord.js";
import { readSmallTextFile } from "./inputFile.js";
import { QA_CHECKS } from "./qaReport.js";
import { ENCODINGS } from "./textEncoding.js";

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD")
  .refine((s) => parseDay(s) !== null, "not a real calendar date");
const name = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, "use lower-case letters, digits and underscores, starting with a letter");

export const SourceSchema = z.strictObject({
  path: z.string().min(1),
  format: z.enum(["csv", "parquet"]).optional(),
  delimiter: z.string().length(1).optional(),
  /** Text encoding of a CSV file; UTF-8 unless set (a UTF-16 byte-order mark is always honoured). */
  encoding: z.enum(ENCODINGS).optional(),
  /** Date column; omit for static sources (e.g. a geo attribute table). */
  date: z.string().optional(),
  /** `excel`: the column holds Excel serial day numbers (45292 = 2024-01-01). */
  date_format: z.enum([...DATE_FORMATS, "excel"]).default("YYYY-MM-DD"),
  /** Timestamps whose UTC offset moves them to another UTC day: refuse, keep the day as written, or take the UTC day. */
  date_offsets: z.enum(["error", "local", "utc"]).default("error"),
  /** The date column holds a week number instead of a date: week `first` starts on `origin`. */
  week_index: z.strictObject({ origin: isoDate, first: z.number().int().default(1) }).optional(),
  geo: z.string().optional(),
  granularity: z.enum(["daily", "weekly"]).optional(),
});

export const SeverityOverride = z.enum(["error", "warning", "info", "off"]);

export const PrepareConfigSchema = z.strictObject({
  version: z.literal(1).default(1),
  /** Named input files. */
  sources: ownRecord(SourceSchema),
  kpi: z.strictObject({
    source: z.string(),
    column: z.string(),
    name: name.optional(),
    unit: z.string().default("units"),
    value_per_unit: z.number().positive().optional(),
    /** A column with the value of one KPI unit per row (e.g. revenue per conversion); averaged per week. */
    value_column: z.string().optional(),
  }),
  geo: z
    .strictObject({
      population: z.strictObject({ source: z.string(), column: z.string() }).optional(),
    })
    .optional(),
  media: z
    .strictObject({
      long: z
        .strictObject({
          source: z.string(),
          campaign: z.string(),
          platform: z.string().optional(),
          spend: z.string(),
          exposure: z.string().optional(),
          exposure_unit: z.string().default("impressions"),
          currency: z.string().optional(),
          taxonomy: z.string(),
        })
        .optional(),
      channels: z
        .array(
          z.strictObject({
            name,
            source: z.string(),
            spend: z.string().optional(),
            exposure: z.string().optional(),
            exposure_unit: z.string().default("impressions"),
          }),
        )
        .default([]),
    })
    .prefault({}),
  controls: z
    .array(
      z.strictObject({
        name,
        source: z.string(),
        column: z.string(),
        aggregation: z.enum(["sum", "mean", "max", "min", "first", "last"]).default("mean"),
        /** `onehot` turns a text column into one 0/1 column per level, except the baseline_levels (the reference). */
        encode: z.enum(["numeric", "onehot"]).default("numeric"),
        /** Levels of an onehot column that mean "nothing happened" and get no column. */
        baseline_levels: z.array(z.string()).default(["", "na", "none", "0"]),
        sign: z.enum(["positive", "negative", "any"]).default("any"),
      }),
    )
    .default([]),
  currency: z.string().default("USD"),
  /** Rates that convert other currencies into `currency`: amount × rate. */
  fx: ownRecord(z.number().positive()).default({}),
  calendar: z
    .strictObject({
      week_start: z.enum(WEEKDAYS).optional(),
      granularity: z.enum(["daily", "weekly"]).default("daily"),
      partial_weeks: z.enum(["drop", "keep", "error"]).default("drop"),
      start: isoDate.optional(),
      end: isoDate.optional(),
      holidays: z
        .union([
          z.literal(false),
          z.strictObject({ country: z.string().length(2), events: z.array(z.string()).optional() }),
        ])
        .default(false),
    })
    .prefault({}),
  qa: z
    .strictObject({
      spike_threshold: z.number().positive().default(8),
      correlation_warn: z.number().min(0).max(1).default(0.8),
      vif_warn: z.number().positive().default(10),
      leakage_correlation: z.number().min(0).max(1).default(0.95),
      max_unmapped_spend_share: z.number().min(0).max(1).default(0),
      min_weeks: z.number().int().positive().default(52),
      severity: z
        .record(z.string(), SeverityOverride)
        .default({})
        .refine((r) => Object.keys(r).every((k) => Object.hasOwn(QA_CHECKS, k)), {
          message: `unknown check id; known checks: ${Object.keys(QA_CHECKS).join(", ")}`,
        }),
    })
    .prefault({}),
});

export type PrepareConfig = z.infer<typeof PrepareConfigSchema>;
export type SourceConfig = z.infer<typeof SourceSchema>;

export interface LoadedConfig {
  config: PrepareConfig;
  /** Absolute path of the config file. */
  path: string;
  /** Folder relative paths are resolved against. */
  baseDir: string;
  text: string;
}

/** Parses and validates a prepare config from YAML text; errors name the key and the fix. */
export function parsePrepareConfig(text: string, file: string): PrepareConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    const line = e instanceof YAMLParseError ? e.linePos?.[0]?.line : undefined;
    throw new MmmError(
      "E_CONFIG_YAML",
      `Config ${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`,
      { file, row: line, rowKind: "line" },
      "fix the YAML syntax (indentation, colons, quotes) at that line",
    );
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new MmmError(
      "E_CONFIG_SCHEMA",
      `Config ${file} must be a YAML mapping with keys such as sources, kpi, media.`,
      { file },
      "see docs/data-format.md for a complete example",
    );
  }
  const result = PrepareConfigSchema.safeParse(raw);
  if (!result.success) {
    // a misspelt key also makes the intended key look missing: name the misspelling first
    const issue = result.error.issues.find((i) => i.code === "unrecognized_keys") ?? result.error.issues[0];
    const key = issue.path.join(".") || "(top level)";
    const extra =
      result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem(s))` : "";
    throw new MmmError(
      "E_CONFIG_SCHEMA",
      `Config ${file} is invalid at '${key}': ${describeIssue(issue)}${extra}.`,
      { file, key },
      "see docs/data-format.md for every key and its allowed values",
    );
  }
  const config = result.data;
  checkReferences(config, file);
  return config;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys")
    return `unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
  return issue.message;
}

/** Every source named by kpi, media and controls must exist under `sources`. */
function checkReferences(config: PrepareConfig, file: string): void {
  const refs: [string, string][] = [["kpi.source", config.kpi.source]];
  if (config.media.long) refs.push(["media.long.source", config.media.long.source]);
  for (const [i, c] of config.media.channels.entries()) refs.push([`media.channels.${i}.source`, c.source]);
  for (const [i, c] of config.controls.entries()) refs.push([`controls.${i}.source`, c.source]);
  if (config.geo?.population) refs.push(["geo.population.source", config.geo.population.source]);
  for (const [key, src] of refs) {
    // own keys only: a source named 'constructor' must not be found on Object.prototype
    if (!Object.hasOwn(config.sources, src)) {
      throw new MmmError(
        "E_CONFIG_SOURCE",
        `Config ${file} refers to source '${src}', which is not defined under 'sources'.`,
        { file, key },
        `define sources.${src} (path, date, …) or fix the name; defined: ${Object.keys(config.sources).join(", ")}`,
      );
    }
  }
  const names = new Set<string>();
  const outputs = [
    ...config.media.channels.map((c, i) => [`media.channels.${i}.name`, c.name] as const),
    ...config.controls.map((c, i) => [`controls.${i}.name`, c.name] as const),
  ];
  for (const [key, n] of outputs) {
    if (names.has(n))
      throw new MmmError(
        "E_CONFIG_DUPLICATE",
        `Config ${file} uses the name '${n}' twice.`,
        { file, key },
        "give every channel and control its own name",
      );
    names.add(n);
  }
  if (!config.media.long && config.media.channels.length === 0) {
    throw new MmmError(
      "E_CONFIG_NO_MEDIA",
      `Config ${file} defines no media: set media.long (a campaign-level spend export) or media.channels.`,
      { file, key: "media" },
      "see docs/data-format.md, section 'media'",
    );
  }
}

export function loadPrepareConfig(path: string): LoadedConfig {
  const abs = resolve(path);
  const text = readSmallTextFile({
    file: path,
    absPath: abs,
    role: "Config file",
    option: "--config",
    missingFix: "pass the path of a prepare config (YAML) with --config",
  });
  return { config: parsePrepareConfig(text, path), path: abs, baseDir: dirname(abs), text };
}
