// Lays a simulated lab dataset out as files: the raw exports (CSV or Parquet), the shipped
// taxonomy rules, a ready prepare config, and the truth (truth.json, the simulator's own weekly
// table and weekly contributions).

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parquetWriteBuffer } from "hyparquet-writer";
import { stringify as toYaml } from "yaml";
import { formatDay } from "../core/dates.js";
import type { OutputFile } from "../data/atomicDir.js";
import { codeVersion, outputsLineage } from "../data/lineage.js";
import { csvText, SCHEMA_FILE, TABLE_FILE, tableCsv, tableSchema } from "../data/tableIo.js";
import { experimentsCsv } from "../experiments/experimentsFile.js";
import type { ExportDrop } from "../simulate/exportDrops.js";
import type { RawTable } from "../simulate/exports.js";
import type { SimulatedDataset } from "../simulate/lab.js";

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const LAB_TAXONOMY_PATH = join(PACKAGE_ROOT, "rules", "dtc-taxonomy.yaml");

export type RawFormat = "csv" | "parquet";

function rawFile(t: RawTable, format: RawFormat): OutputFile {
  if (format === "csv") return { name: `raw/${t.file}`, content: csvText(t.columns, t.rows) };
  const name = `raw/${t.file.replace(/\.csv$/, ".parquet")}`;
  const columnData = t.columns.map((c, j) => {
    const data = t.rows.map((r) => r[j]);
    const numeric = data.every(
      (v) => typeof v === "number" || (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) && c !== "date"),
    );
    return numeric
      ? { name: c, data: data.map(Number), type: "DOUBLE" as const }
      : { name: c, data: data.map(String), type: "STRING" as const };
  });
  return { name, content: new Uint8Array(parquetWriteBuffer({ columnData })) };
}

export function labPrepareConfig(ds: SimulatedDataset, format: RawFormat): string {
  const geo = ds.raw.regions !== null;
  const ext = format === "csv" ? "csv" : "parquet";
  const withGeo = (o: Record<string, unknown>) => (geo ? { ...o, geo: "region" } : o);
  const config = {
    version: 1,
    sources: {
      orders: withGeo({ path: `raw/orders.${ext}`, date: "date" }),
      ad_spend: withGeo({ path: `raw/ad_spend.${ext}`, date: "date" }),
      pricing: { path: `raw/pricing.${ext}`, date: "date" },
      ...(geo ? { regions: { path: `raw/regions.${ext}`, geo: "region" } } : {}),
    },
    kpi: {
      source: "orders",
      column: "new_subscriptions",
      unit: "subscriptions",
      value_per_unit: ds.truth.kpi.valuePerUnit,
    },
    ...(geo ? { geo: { population: { source: "regions", column: "population" } } } : {}),
    media: {
      long: {
        source: "ad_spend",
        campaign: "campaign_name",
        platform: "platform",
        spend: "spend",
        exposure: "impressions",
        exposure_unit: "impressions",
        currency: "currency",
        taxonomy: "taxonomy.yaml",
      },
    },
    controls: [
      { name: "list_price", source: "pricing", column: "list_price", aggregation: "mean", sign: "negative" },
      {
        name: "promo_active",
        source: "pricing",
        column: "promo_active",
        aggregation: "max",
        sign: "positive",
      },
      { name: "promo_discount_pct", source: "pricing", column: "promo_discount_pct", aggregation: "max" },
    ],
    currency: "USD",
    calendar: {
      week_start: "monday",
      granularity: "daily",
      partial_weeks: "drop",
      holidays: { country: ds.truth.calendar.holidayCountry },
    },
  };
  const header = `# mmm prepare config for the MMM-OS lab dataset '${ds.scenario.name}' (seed ${ds.seed}).\n# Run: mmm prepare --config prepare.yaml --out table\n`;
  return header + toYaml(config);
}

function contributionsCsv(ds: SimulatedDataset): string {
  const t = ds.truth;
  const names = t.channels.map((c) => c.name);
  const rows: (string | number)[][] = [];
  if (t.geoSeries) {
    for (const g of t.geoSeries) {
      g.mean.forEach((m, w) => {
        rows.push([t.series.week[w], g.geo, g.baseline[w], ...names.map((n) => g.contributions[n][w]), m]);
      });
    }
  } else {
    t.series.mean.forEach((m, w) => {
      rows.push([
        t.series.week[w],
        "national",
        t.series.baseline[w],
        ...t.channels.map((c) => c.weeklyContribution[w]),
        m,
      ]);
    });
  }
  return csvText(["week", "geo", "baseline", ...names.map((n) => `contribution_${n}`), "mean_kpi"], rows);
}

/**
 * The platforms' own attribution per channel over the table's weeks, in the form
 * `mmm triangulate --platform` reads (the sums of raw/ad_spend.csv's platform_conversions).
 */
function platformCsv(ds: SimulatedDataset): string {
  return csvText(
    ["channel", "spend", "attributed"],
    ds.truth.platform
      .filter((p) => p.creditFactor > 0 || p.baselineCapture > 0) // broadcast reports no conversions
      .map((p) => [p.channel, p.spend.toFixed(2), Math.round(p.attributed)]),
  );
}

/** Every file of a lab dataset folder, lineage last (it hashes the others). */
export function labFiles(ds: SimulatedDataset, format: RawFormat): OutputFile[] {
  const raw = [ds.raw.adSpend, ds.raw.orders, ds.raw.pricing, ...(ds.raw.regions ? [ds.raw.regions] : [])];
  const files: OutputFile[] = [
    ...raw.map((t) => rawFile(t, format)),
    { name: "taxonomy.yaml", content: readFileSync(LAB_TAXONOMY_PATH, "utf8") },
    { name: "prepare.yaml", content: labPrepareConfig(ds, format) },
    { name: "truth/truth.json", content: `${JSON.stringify(ds.truth, null, 1)}\n` },
    { name: `truth/${TABLE_FILE}`, content: tableCsv(ds.table) },
    { name: `truth/${SCHEMA_FILE}`, content: `${JSON.stringify(tableSchema(ds.table), null, 2)}\n` },
    { name: "truth/contributions.csv", content: contributionsCsv(ds) },
    ...(ds.experiments ? [{ name: "experiments.csv", content: experimentsCsv(ds.experiments) }] : []),
    { name: "platform.csv", content: platformCsv(ds) },
  ];
  const lineage = {
    format: "mmm-os/lineage@1",
    command: "simulate",
    createdAt: new Date().toISOString(),
    code: codeVersion(),
    parameters: {
      scenario: ds.scenario.name,
      seed: ds.seed,
      format,
      labVersion: ds.truth.labVersion,
      experiments: ds.experiments !== undefined,
    },
    inputs: [],
    outputs: outputsLineage(files),
    table: {
      rows: ds.table.geos.length * ds.table.weeks.length,
      weeks: ds.table.weeks.length,
      geos: ds.table.geos.length,
      firstWeek: formatDay(ds.table.weeks[0]),
      lastWeek: formatDay(ds.table.weeks[ds.table.weeks.length - 1]),
    },
  };
  files.push({ name: "lineage.json", content: `${JSON.stringify(lineage, null, 2)}\n` });
  return files;
}

export const dropName = (index: number) => String(index).padStart(2, "0");

/** One monthly drop as a folder of its own: the exports up to its last day, the taxonomy and the prepare config. */
export function dropFiles(ds: SimulatedDataset, drop: ExportDrop, format: RawFormat): OutputFile[] {
  const dir = `drops/${dropName(drop.index)}`;
  const raw = [
    drop.raw.adSpend,
    drop.raw.orders,
    drop.raw.pricing,
    ...(drop.raw.regions ? [drop.raw.regions] : []),
  ];
  return [
    ...raw.map((t) => rawFile(t, format)),
    { name: "taxonomy.yaml", content: readFileSync(LAB_TAXONOMY_PATH, "utf8") },
    { name: "prepare.yaml", content: labPrepareConfig(ds, format) },
  ].map((f) => ({ ...f, name: `${dir}/${f.name}` }));
}
