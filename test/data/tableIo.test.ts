import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readModelingTable } from "../../src/data/tableFolder.js";
import { formatNumber, tableCsv, tableSchema } from "../../src/data/tableIo.js";
import { simulateScenario } from "../../src/simulate/lab.js";

describe("modeling table files", () => {
  it("formats numbers without float-sum noise", () => {
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
    expect(formatNumber(1234.5600000000002)).toBe("1234.56");
    expect(formatNumber(42)).toBe("42");
    expect(formatNumber(Number.NaN)).toBe("");
  });

  it("writes table.csv + table.schema.json that read back to the same table (geo panel)", () => {
    const { table } = simulateScenario("geo", 2);
    const dir = mkdtempSync(join(tmpdir(), "mmm-table-"));
    try {
      writeFileSync(join(dir, "table.csv"), tableCsv(table));
      writeFileSync(join(dir, "table.schema.json"), JSON.stringify(tableSchema(table)));
      const back = readModelingTable(dir);
      expect(back.weeks).toEqual(table.weeks);
      expect(back.geos).toEqual(table.geos);
      expect(back.channels).toEqual(table.channels);
      expect(back.columns.map((c) => [c.name, c.role, c.channel, c.sign])).toEqual(
        table.columns.map((c) => [c.name, c.role, c.channel, c.sign]),
      );
      for (const [j, c] of table.columns.entries()) {
        c.values.forEach((v, i) => {
          expect(Math.abs(back.columns[j].values[i] - v)).toBeLessThanOrEqual(
            1e-9 * Math.max(1, Math.abs(v)),
          );
        });
      }
      const schema = tableSchema(table);
      expect(schema.json_schema.required).toContain("spend_tv");
      expect(schema.weeks.count).toBe(104);
      expect(schema.geo_level).toBe("geo");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
