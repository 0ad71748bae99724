// The lab's raw exports, prepared by `mmm prepare` with the shipped rules, reproduce the
// simulator's own weekly table exactly, for every scenario (and from Parquet as well as CSV).

import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { labFiles } from "../../src/cli/labFiles.js";
import { writeDirAtomic } from "../../src/data/atomicDir.js";
import { loadPrepareConfig } from "../../src/data/config.js";
import { prepare } from "../../src/data/prepare.js";
import { prepareFiles } from "../../src/data/prepareOutput.js";
import { readModelingTable } from "../../src/data/tableFolder.js";
import { tableCsv, tableSchema } from "../../src/data/tableIo.js";
import { simulateScenario } from "../../src/simulate/lab.js";
import { SCENARIO_NAMES } from "../../src/simulate/scenarios.js";

const root = mkdtempSync(join(tmpdir(), "mmm-roundtrip-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function roundTrip(scenario: string, seed: number, format: "csv" | "parquet") {
  const ds = simulateScenario(scenario, seed);
  const dir = join(root, `${scenario}-${seed}-${format}`);
  writeDirAtomic(dir, labFiles(ds, format));
  const loaded = loadPrepareConfig(join(dir, "prepare.yaml"));
  const result = await prepare(loaded);
  return { ds, dir, loaded, result };
}

describe("mmm prepare reproduces the lab's weekly table", () => {
  for (const scenario of SCENARIO_NAMES) {
    it(`${scenario}: identical table, every campaign mapped, spend and KPI to the cent`, async () => {
      const { ds, dir, result } = await roundTrip(scenario, 1, "csv");
      const { table, qa, campaigns } = result;
      expect(qa.status).not.toBe("fail");
      // every dirty name mapped by the shipped rules; only the internal test campaign ignored
      expect(campaigns.filter((c) => c.status === "unmapped")).toEqual([]);
      expect(campaigns.filter((c) => c.status === "ignored").map((c) => c.campaign)).toEqual([
        "TEST_pixel_check",
      ]);
      // byte-identical files
      expect(tableCsv(table)).toBe(tableCsv(ds.table));
      expect(JSON.stringify(tableSchema(table))).toBe(JSON.stringify(tableSchema(ds.table)));
      // and, value by value from the files on disk, spend and KPI to the cent
      const truthTable = readModelingTable(join(dir, "truth"));
      expect(table.weeks).toEqual(truthTable.weeks);
      expect(table.geos).toEqual(truthTable.geos);
      for (const col of truthTable.columns) {
        const mine = table.columns.find((c) => c.name === col.name);
        expect(mine, col.name).toBeDefined();
        for (let i = 0; i < col.values.length; i++) {
          const tol = col.role === "spend" || col.role === "kpi" ? 0.005 : 1e-9;
          if (Math.abs(mine!.values[i] - col.values[i]) > tol) {
            throw new Error(
              `${scenario} ${col.name}[${i}]: prepared ${mine!.values[i]} vs lab ${col.values[i]}`,
            );
          }
        }
      }
      // the trailing 3-day partial week is detected and dropped
      const partial = qa.findings.filter((f) => f.check === "partial_week");
      expect(partial).toHaveLength(1);
      expect(partial[0].message).toMatch(/only 3 of 7 days/);
      // the platform-attributed conversions column is flagged as leaking the KPI
      expect(
        qa.findings.some((f) => f.check === "leakage" && f.message.includes("platform_conversions")),
      ).toBe(true);
    });
  }

  it("reads the raw exports from Parquet just as from CSV", async () => {
    const { ds, result } = await roundTrip("short", 4, "parquet");
    expect(result.frames.get("ad_spend")?.format).toBe("parquet");
    expect(tableCsv(result.table)).toBe(tableCsv(ds.table));
  });

  it("records lineage: input hashes and row counts, config and rules hashes, output hash, code version", async () => {
    const { dir, loaded, result } = await roundTrip("clean", 2, "csv");
    const files = prepareFiles(result, loaded);
    const lineage = JSON.parse(String(files.find((f) => f.name === "lineage.json")!.content));
    const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
    const spendInput = lineage.inputs.find((i: { name: string }) => i.name === "ad_spend");
    expect(spendInput.sha256).toBe(sha(readFileSync(join(dir, "raw/ad_spend.csv"))));
    expect(spendInput.rows).toBe(
      readFileSync(join(dir, "raw/ad_spend.csv"), "utf8").trim().split("\n").length - 1,
    );
    expect(lineage.config.sha256).toBe(sha(readFileSync(join(dir, "prepare.yaml"), "utf8")));
    expect(lineage.taxonomy.sha256).toBe(sha(readFileSync(join(dir, "taxonomy.yaml"), "utf8")));
    expect(lineage.taxonomy.version).toBe("dtc-lab-2026.11.1");
    const tableFile = files.find((f) => f.name === "table.csv")!;
    expect(lineage.outputs.find((o: { file: string }) => o.file === "table.csv").sha256).toBe(
      sha(String(tableFile.content)),
    );
    expect(lineage.code.name).toBe("mmm-os");
    expect(lineage.table.weeks).toBe(156);
  });
});
