// The files `mmm prepare` writes: the table and its schema sidecar, the QA report (JSON and
// text), the campaign mapping report, and the lineage manifest.

import { resolve } from "node:path";
import { formatDay } from "../core/dates.js";
import type { OutputFile } from "./atomicDir.js";
import type { LoadedConfig } from "./config.js";
import { codeVersion, frameLineage, type Lineage, outputsLineage, sha256 } from "./lineage.js";
import type { PrepareResult } from "./prepare.js";
import { renderReport } from "./qaReport.js";
import { csvText, SCHEMA_FILE, TABLE_FILE, tableCsv, tableSchema } from "./tableIo.js";

export function prepareFiles(result: PrepareResult, loaded: LoadedConfig): OutputFile[] {
  const { table, qa, taxonomy, campaigns } = result;
  const files: OutputFile[] = [
    { name: TABLE_FILE, content: tableCsv(table) },
    { name: SCHEMA_FILE, content: `${JSON.stringify(tableSchema(table), null, 2)}\n` },
    { name: "qa.json", content: `${JSON.stringify(qa, null, 2)}\n` },
    { name: "qa.txt", content: `${renderReport(qa)}\n` },
  ];
  if (campaigns.length > 0) {
    files.push({
      name: "campaigns.csv",
      content: csvText(
        ["platform", "campaign", "status", "channel", "rule", "spend", "rows", "first_day", "last_day"],
        campaigns.map((c) => [
          c.platform,
          c.campaign,
          c.status,
          c.channel ?? "",
          c.rule ?? "",
          Math.round(c.spend * 100) / 100,
          c.rows,
          formatDay(c.firstDay),
          formatDay(c.lastDay),
        ]),
      ),
    });
  }
  const T = table.weeks.length;
  const lineage: Lineage = {
    format: "mmm-os/lineage@1",
    command: "prepare",
    createdAt: new Date().toISOString(),
    code: codeVersion(),
    config: { file: resolve(loaded.path), sha256: sha256(loaded.text) },
    taxonomy: taxonomy ? { file: taxonomy.file, sha256: taxonomy.sha256, version: taxonomy.version } : null,
    inputs: [...result.frames.entries()].map(([name, f]) => frameLineage(name, f)),
    outputs: outputsLineage(files),
    table: {
      rows: T * table.geos.length,
      weeks: T,
      geos: table.geos.length,
      firstWeek: formatDay(table.weeks[0]),
      lastWeek: formatDay(table.weeks[T - 1]),
    },
  };
  files.push({ name: "lineage.json", content: `${JSON.stringify(lineage, null, 2)}\n` });
  return files;
}
