// The modeling table as text: table.csv (one row per geo and week) and table.schema.json, a
// sidecar naming every column's role, unit and aggregation, plus a JSON Schema of a row. No file
// access here (tableFolder.ts reads a folder), so a browser can parse a dropped table with it.

import { parse } from "csv-parse/sync";
import { type DayNumber, formatDay, parseDay, WEEKDAYS, type Weekday } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import type { ColumnRole, ModelingTable, TableColumn } from "../core/modelingTable.js";

export const TABLE_FORMAT = "mmm-os/modeling-table@1";
export const TABLE_FILE = "table.csv";
export const SCHEMA_FILE = "table.schema.json";

/** Shortest faithful text for a number: integers as is, others to 15 significant digits (drops float-sum noise). */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return "";
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(15)));
}

function quote(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvText(columns: string[], rows: (string | number)[][]): string {
  const out: string[] = [columns.map(quote).join(",")];
  for (const r of rows)
    out.push(r.map((v) => (typeof v === "number" ? formatNumber(v) : quote(v))).join(","));
  return `${out.join("\n")}\n`;
}

export function tableCsv(table: ModelingTable): string {
  const T = table.weeks.length;
  const rows: (string | number)[][] = [];
  for (let g = 0; g < table.geos.length; g++) {
    for (let t = 0; t < T; t++)
      rows.push([formatDay(table.weeks[t]), table.geos[g], ...table.columns.map((c) => c.values[g * T + t])]);
  }
  return csvText(["week", "geo", ...table.columns.map((c) => c.name)], rows);
}

export interface TableSchema {
  format: typeof TABLE_FORMAT;
  data: string;
  kpi: string;
  currency: string;
  week_start: Weekday;
  geo_level: "national" | "geo";
  geos: string[];
  weeks: { count: number; first: string; last: string };
  holiday_country: string | null;
  value_per_unit: number | null;
  channels: { name: string; spend?: string; exposure?: string }[];
  columns: {
    name: string;
    role: ColumnRole | "week" | "geo";
    type: "date" | "string" | "number";
    unit?: string;
    aggregation?: string;
    channel?: string;
    sign?: string;
    description?: string;
  }[];
  json_schema: Record<string, unknown>;
}

export function tableSchema(table: ModelingTable): TableSchema {
  const T = table.weeks.length;
  const properties: Record<string, unknown> = {
    week: { type: "string", format: "date", description: `week start (${table.weekStart})` },
    geo: { type: "string", enum: table.geos },
  };
  for (const c of table.columns) {
    properties[c.name] = {
      type: "number",
      ...(c.role === "spend" || c.role === "exposure" || c.role === "kpi" || c.role === "population"
        ? { minimum: 0 }
        : {}),
      ...(c.role === "holiday" ? { enum: [0, 1] } : {}),
      description: [c.role, c.unit, c.sign ? `expected sign ${c.sign}` : "", c.description]
        .filter(Boolean)
        .join("; "),
    };
  }
  return {
    format: TABLE_FORMAT,
    data: TABLE_FILE,
    kpi: table.kpi,
    currency: table.currency,
    week_start: table.weekStart,
    geo_level: table.geoLevel,
    geos: table.geos,
    weeks: { count: T, first: formatDay(table.weeks[0]), last: formatDay(table.weeks[T - 1]) },
    holiday_country: table.holidayCountry ?? null,
    value_per_unit: table.valuePerUnit ?? null,
    channels: table.channels,
    columns: [
      { name: "week", role: "week", type: "date" },
      { name: "geo", role: "geo", type: "string" },
      ...table.columns.map((c) => ({
        name: c.name,
        role: c.role,
        type: "number" as const,
        unit: c.unit,
        aggregation: c.aggregation,
        channel: c.channel,
        sign: c.sign,
        description: c.description,
      })),
    ],
    json_schema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "one row of the MMM-OS modeling table",
      type: "object",
      required: ["week", "geo", ...table.columns.map((c) => c.name)],
      additionalProperties: false,
      properties,
    },
  };
}

/** The schema sidecar's text → its content, checked for the fields the reader relies on. */
export function parseTableSchema(text: string, schemaPath: string): TableSchema {
  let schema: TableSchema;
  try {
    schema = JSON.parse(text);
  } catch (e) {
    throw new MmmError(
      "E_TABLE_SCHEMA",
      `${schemaPath} is not valid JSON (${(e as Error).message}); it may have been cut short or edited.`,
      { file: schemaPath },
      "re-run mmm prepare to write the table folder again",
    );
  }
  if (schema?.format !== TABLE_FORMAT) {
    throw new MmmError(
      "E_TABLE_SCHEMA",
      `${schemaPath} is not a modeling-table schema (format '${schema?.format}').`,
      { file: schemaPath, key: "format" },
      `expected format ${TABLE_FORMAT}`,
    );
  }
  if (!WEEKDAYS.includes(schema.week_start))
    throw new MmmError("E_TABLE_SCHEMA", `Unknown week_start '${schema.week_start}'.`, {
      file: schemaPath,
      key: "week_start",
    });
  if (
    !Array.isArray(schema.columns) ||
    !Array.isArray(schema.geos) ||
    typeof schema.data !== "string" ||
    parseDay(schema.weeks?.first ?? "") === null ||
    !Number.isInteger(schema.weeks?.count)
  )
    throw new MmmError(
      "E_TABLE_SCHEMA",
      `${schemaPath} lacks some of data, columns, geos, weeks.first or weeks.count.`,
      { file: schemaPath },
      "re-run mmm prepare to write the table folder again",
    );
  return schema;
}

function parseCsvRecords(csv: string, dataPath: string): string[][] {
  try {
    return parse(csv, { bom: true }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new MmmError(
      "E_TABLE_SCHEMA",
      `${dataPath} is not a well-formed CSV: ${(e as Error).message}`,
      { file: dataPath, ...(line ? { row: line, rowKind: "line" as const } : {}) },
      "the table file was cut short or edited; re-run mmm prepare",
    );
  }
}

/** A table cell → its number; blank is a missing value (NaN), anything else must be a finite number. */
function tableNumber(cell: string, dataPath: string, line: number, column: string): number {
  if (cell === "") return Number.NaN;
  const v = Number(cell);
  if (!Number.isFinite(v))
    throw new MmmError(
      "E_TABLE_VALUE",
      `'${cell}' in the modeling table is not a finite number${Number.isNaN(v) ? "" : " (infinite values cannot be modelled)"}.`,
      { file: dataPath, row: line, rowKind: "line", column },
      "correct the cell to a plain finite number (blank for a missing value), or re-run mmm prepare",
    );
  return v;
}

/** The schema and the text of table.csv → the modeling table; every cell and row is checked. */
export function parseModelingTable(schema: TableSchema, csv: string, dataPath: string): ModelingTable {
  const records = parseCsvRecords(csv, dataPath);
  const header = records[0] ?? [];
  const expected = schema.columns.map((c) => c.name);
  if (header.join(",") !== expected.join(",")) {
    throw new MmmError(
      "E_TABLE_SCHEMA",
      `The header of ${schema.data} does not match ${SCHEMA_FILE}.`,
      { file: dataPath, row: 1, rowKind: "line" },
      "the table and its sidecar must come from the same run; re-run mmm prepare",
    );
  }
  const weeks: DayNumber[] = [];
  const first = parseDay(schema.weeks.first)!;
  for (let t = 0; t < schema.weeks.count; t++) weeks.push(first + 7 * t);
  const T = weeks.length;
  const geoIndex = new Map(schema.geos.map((g, i) => [g, i]));
  const weekIndex = new Map(weeks.map((w, i) => [w, i]));
  const dataCols = schema.columns.slice(2);
  const values = dataCols.map(() => new Float64Array(schema.geos.length * T).fill(Number.NaN));
  const seen = new Uint8Array(schema.geos.length * T);
  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    const w = weekIndex.get(parseDay(rec[0]) ?? Number.NaN);
    const g = geoIndex.get(rec[1]);
    if (w === undefined || g === undefined || seen[g * T + w]) {
      throw new MmmError(
        "E_TABLE_SCHEMA",
        w === undefined || g === undefined
          ? `Row for week '${rec[0]}', geo '${rec[1]}' is outside the schema's weeks or geos.`
          : `Week '${rec[0]}', geo '${rec[1]}' appears twice.`,
        { file: dataPath, row: r + 1, rowKind: "line" },
        "re-run mmm prepare",
      );
    }
    seen[g * T + w] = 1;
    dataCols.forEach((c, j) => {
      values[j][g * T + w] = tableNumber(rec[j + 2], dataPath, r + 1, c.name);
    });
  }
  const missing = seen.indexOf(0);
  if (missing >= 0)
    throw new MmmError(
      "E_TABLE_SCHEMA",
      `${dataPath} has ${records.length - 1} rows, but the schema has ${schema.geos.length} geo(s) × ${T} weeks; the first missing is week ${formatDay(weeks[missing % T])}, geo '${schema.geos[Math.floor(missing / T)]}'.`,
      { file: dataPath },
      "the table file was cut short or edited; re-run mmm prepare",
    );
  const columns: TableColumn[] = dataCols.map((c, j) => ({
    name: c.name,
    role: c.role as ColumnRole,
    values: values[j],
    unit: c.unit,
    aggregation: c.aggregation as TableColumn["aggregation"],
    channel: c.channel,
    sign: c.sign as TableColumn["sign"],
    description: c.description,
  }));
  return {
    weekStart: schema.week_start,
    weeks,
    geos: schema.geos,
    geoLevel: schema.geo_level,
    kpi: schema.kpi,
    currency: schema.currency,
    columns,
    channels: schema.channels,
    holidayCountry: schema.holiday_country ?? undefined,
    valuePerUnit: schema.value_per_unit ?? undefined,
  };
}
