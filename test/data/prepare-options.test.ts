// Config options that change how prepare reads the data: kept partial weeks, impossible window
// dates, unknown QA check ids, national spend in a geo table, colliding one-hot levels.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labFiles } from "../../src/cli/labFiles.js";
import { writeDirAtomic } from "../../src/data/atomicDir.js";
import { loadPrepareConfig } from "../../src/data/config.js";
import { prepare } from "../../src/data/prepare.js";
import { simulateScenario } from "../../src/simulate/lab.js";

const root = mkdtempSync(join(tmpdir(), "mmm-prepare-options-"));
const base = join(root, "base");
beforeAll(() => writeDirAtomic(base, labFiles(simulateScenario("short", 2), "csv")));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function variant(name: string, edit: (config: string) => string): string {
  const dir = join(root, name);
  cpSync(base, dir, { recursive: true });
  const path = join(dir, "prepare.yaml");
  writeFileSync(path, edit(readFileSync(path, "utf8")));
  return path;
}

describe("prepare options", () => {
  it("partial_weeks: keep keeps the trailing partial week with a warning, not a missing-days error", async () => {
    const path = variant("keep", (c) => c.replace("partial_weeks: drop", "partial_weeks: keep"));
    const r = await prepare(loadPrepareConfig(path));
    expect(r.qa.status).not.toBe("fail");
    expect(r.table.weeks).toHaveLength(79);
    expect(r.qa.findings.find((f) => f.check === "partial_week")?.message).toMatch(/kept/);
  });

  it("rejects an impossible calendar date and an unknown QA check id", () => {
    expect(() =>
      loadPrepareConfig(
        variant("bad-date", (c) => c.replace("calendar:\n", "calendar:\n  start: 2024-02-30\n")),
      ),
    ).toThrow(/calendar.start.*not a real calendar date/s);
    expect(() =>
      loadPrepareConfig(variant("bad-check", (c) => `${c}qa:\n  severity:\n    spikez: off\n`)),
    ).toThrow(/unknown check id/);
  });
});
