// mmm review: a fit on a table's first weeks, reviewed on the full table — the weeks printed with
// their forecast, no alarm; with the new weeks' KPI cut by a fifth, the alarm and its reasons;
// a table that does not extend the run's weeks is refused with a clear error.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { firstWeeks, type ModelingTable } from "../../src/core/modelingTable.js";
import { readModelingTable } from "../../src/data/tableFolder.js";
import { SCHEMA_FILE, TABLE_FILE, tableCsv, tableSchema } from "../../src/data/tableIo.js";
import { capture } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "mmm-review-"));
const held = 13;

function writeTable(dir: string, table: ModelingTable): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, TABLE_FILE), tableCsv(table));
  writeFileSync(join(dir, SCHEMA_FILE), JSON.stringify(tableSchema(table), null, 2));
  return dir;
}

let full: ModelingTable;
beforeAll(async () => {
  const c = capture();
  expect(
    await main(["simulate", "--scenario", "clean", "--seed", "6", "--out", join(root, "lab")], c.io),
  ).toBe(0);
  expect(
    await main(["prepare", "--config", join(root, "lab", "prepare.yaml"), "--out", join(root, "full")], c.io),
  ).toBe(0);
  full = readModelingTable(join(root, "full"));
  writeTable(join(root, "past"), firstWeeks(full, full.weeks.length - held));
  expect(
    await main(["fit", "--table", join(root, "past"), "--out", join(root, "run"), "--quiet"], c.io),
  ).toBe(0);
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("mmm review", () => {
  it("reviews the run on the 13 weeks it did not see", async () => {
    const c = capture();
    const out = join(root, "review.json");
    expect(await main(["review", join(root, "run"), "--table", join(root, "full"), "--out", out], c.io)).toBe(
      0,
    );
    const text = c.out.join("\n");
    expect(text).toMatch(/forecast of \S+ for 13 week\(s\) it did not see/);
    expect(text).toMatch(/Coverage: \d+\/13 weeks inside the 50% band, \d+\/13 inside the 90% band/);
    expect(text).toMatch(/No alarm/);
    const json = JSON.parse(readFileSync(out, "utf8"));
    expect(json.weeks).toHaveLength(13);
    expect(json.alarm).toBe(false);
  });

  it("raises the alarm when the KPI drops after the run's window", async () => {
    const T = full.weeks.length;
    const dropped = {
      ...full,
      columns: full.columns.map((col) =>
        col.name === full.kpi
          ? { ...col, values: col.values.map((v, i) => (i % T >= T - held ? 0.8 * v : v)) }
          : col,
      ),
    };
    writeTable(join(root, "dropped"), dropped);
    const c = capture();
    expect(await main(["review", join(root, "run"), "--table", join(root, "dropped")], c.io)).toBe(0);
    const text = c.out.join("\n");
    expect(text).toMatch(/ALARM: the run's relationships did not hold/);
    expect(text).toMatch(/came in below the run's forecast/);
  });

  it("refuses a table that is not the run's weeks and more", async () => {
    const c = capture();
    expect(await main(["review", join(root, "run"), "--table", join(root, "past")], c.io)).toBe(2);
    expect(c.err.join("\n")).toMatch(/E_REVIEW_TABLE[\s\S]*must start with the run's/);
  });
});
