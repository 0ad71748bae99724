// The streamed campaign export: the same scan from CSV and from Parquet (rows located as file
// lines or as Parquet rows), duplicates found by fingerprint.

import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { labFiles } from "../../src/cli/labFiles.js";
import { writeDirAtomic } from "../../src/data/atomicDir.js";
import { loadPrepareConfig } from "../../src/data/config.js";
import { lineLocation } from "../../src/data/frame.js";
import { loadSources } from "../../src/data/prepareSources.js";
import { simulateScenario } from "../../src/simulate/lab.js";

const root = mkdtempSync(join(tmpdir(), "mmm-long-scan-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function scanOf(format: "csv" | "parquet", edit?: (dir: string) => void) {
  const dir = join(root, `${format}-${Math.random().toString(36).slice(2)}`);
  writeDirAtomic(dir, labFiles(simulateScenario("short", 2), format));
  edit?.(dir);
  const { long, frames } = await loadSources(loadPrepareConfig(join(dir, "prepare.yaml")));
  return { scan: long!.scan, frames };
}

describe("LongMediaScan", () => {
  it("gives the same campaigns and days from CSV and Parquet, locating Parquet rows as rows", async () => {
    const csv = await scanOf("csv");
    const pq = await scanOf("parquet");
    expect(csv.frames.has("ad_spend")).toBe(false); // streamed, not kept
    expect(pq.scan.format).toBe("parquet");
    expect(lineLocation(pq.scan, 7).rowKind).toBe("row");
    expect(lineLocation(csv.scan, 7).rowKind).toBe("line");
    const stats = (s: typeof csv.scan) =>
      [...s.stats.values()].map((c) => [c.platform, c.campaign, c.status, c.rows, Math.round(c.spend * 100)]);
    expect(stats(pq.scan)).toEqual(stats(csv.scan));
    expect([pq.scan.dataFirst, pq.scan.dataLast]).toEqual([csv.scan.dataFirst, csv.scan.dataLast]);
  });

  it("counts exact copies of earlier rows and points at the first", async () => {
    let lines = 0;
    const { scan } = await scanOf("csv", (dir) => {
      const path = join(dir, "raw/ad_spend.csv");
      const text = readFileSync(path, "utf8").trimEnd().split("\n");
      lines = text.length;
      appendFileSync(path, `${text[5]}\n${text[9]}\n`);
    });
    expect(scan.duplicateRows).toBe(2);
    expect(scan.duplicateFirstLine).toBe(lines + 1);
  });
});
