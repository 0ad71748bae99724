// mmm refresh in a workspace: an approved fit on a table's first weeks, then a refresh on the full
// exports — re-prepared and registered, input drift checked (tv's record weeks), the approved run
// reviewed on the 13 new weeks, refitted warm-started and registered as a draft that follows it,
// with a pre-filled note.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { runRefresh } from "../../src/cli/refresh.js";
import { firstWeeks } from "../../src/core/modelingTable.js";
import { readModelingTable } from "../../src/data/tableFolder.js";
import { SCHEMA_FILE, TABLE_FILE, tableCsv, tableSchema } from "../../src/data/tableIo.js";
import { capture } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "mmm-refresh-"));
const ws = join(root, "brand");
let approved = "";
const cwd = process.cwd();

beforeAll(async () => {
  const c = capture();
  expect(await main(["simulate", "--scenario", "clean", "--seed", "3", "--out", join(ws, "lab")], c.io)).toBe(
    0,
  );
  expect(await main(["init", ws, "--owner", "ana", "--data-config", "lab/prepare.yaml"], c.io)).toBe(0);
  // last month's table: the same exports without their last 13 weeks
  expect(
    await main(
      ["prepare", "--config", join(ws, "lab", "prepare.yaml"), "--out", join(root, "all"), "--no-register"],
      c.io,
    ),
  ).toBe(0);
  const past = firstWeeks(readModelingTable(join(root, "all")), 143);
  const pastDir = join(root, "past");
  mkdirSync(pastDir);
  writeFileSync(join(pastDir, TABLE_FILE), tableCsv(past));
  writeFileSync(join(pastDir, SCHEMA_FILE), JSON.stringify(tableSchema(past), null, 2));
  const f = capture();
  expect(
    await main(
      ["fit", "--table", pastDir, "--out", join(ws, "runs", "october"), "--note", "October model"],
      f.io,
    ),
  ).toBe(0);
  approved = (f.out.find((l) => l.startsWith("Registered ")) as string).split(" ")[1];
  const a = capture();
  const rc = await main(["runs", "approve", approved, "--workspace", ws, "--note", "reviewed"], a.io);
  expect(a.err.join("\n")).toBe("");
  expect(rc).toBe(0);
  process.chdir(ws);
}, 180_000);
afterAll(() => {
  process.chdir(cwd);
  rmSync(root, { recursive: true, force: true });
});

describe("mmm refresh", () => {
  it("re-prepares, checks drift, reviews the approved run and refits warm-started", async () => {
    const c = capture();
    const result = await runRefresh({ note: "November exports", quiet: true }, c.io);
    const text = c.out.join("\n");
    expect(text).toMatch(/13 week\(s\) added/);
    expect(text).toMatch(/Post-period review: the run's forecast .* for 13 week\(s\)/);
    expect(text).toMatch(/Warm start from .*: chains began at its posterior/);
    expect(text).toMatch(/What moved/);
    // the lab's clean brand re-mixes its last quarter: tv spends beyond anything in the October
    // window, and the review says that the misses coincide with that extrapolation
    expect(result.review?.extrapolated.map((e) => e.channel)).toContain("tv");
    if (result.review?.alarm) expect(text).toMatch(/tv spent beyond the run's range in \d+ of the new weeks/);
    const list = capture();
    expect(await main(["runs", "list", "--json"], list.io)).toBe(0);
    const runs = JSON.parse(list.out.join("\n")) as {
      id: string;
      kind: string;
      parentId: string;
      note: string;
      status: string;
    }[];
    const fit = runs.find((r) => r.id === result.fitId);
    expect(fit).toMatchObject({ kind: "fit", status: "draft", parentId: approved });
    expect(fit?.note).toMatch(
      /^November exports \[refresh of fit-\S+: \+13 weeks; .*post-period (ok|ALARM|borderline)\]$/,
    );
    expect(runs.some((r) => r.id === result.tableId && r.kind === "prepare")).toBe(true);
    // what moved in the plan: each run's default plan, side by side
    expect(text).toMatch(/Plan \(default settings, each run at its own reference budget\)/);
    // the refresh page and its figures, in the new fit's folder
    const fitDir = join(ws, "runs", result.fitId);
    const record = JSON.parse(readFileSync(join(fitDir, "refresh.json"), "utf8"));
    expect(record).toMatchObject({
      format: "mmm-os/refresh@1",
      fit: result.fitId,
      previous: { id: approved },
    });
    expect(record.readyToApprove).toBe(result.readyToApprove);
    expect(record.review.weeks).toHaveLength(13);
    expect(record.plans.channels.map((c: { channel: string }) => c.channel)).toContain("tv");
    const page = readFileSync(join(fitDir, "refresh.html"), "utf8");
    for (const heading of [
      "1. What changed in the data",
      "did on the weeks it had not seen",
      "3. What moved in the measures",
      "4. What moved in the plan",
    ])
      expect(page).toContain(heading);
    expect(page).toMatch(/Content-Security-Policy" content="default-src /);
    expect(page).not.toMatch(/<script|(src|href)="https?:/i);
    expect(page).toMatch(result.readyToApprove ? /Ready to approve/ : /Review before approving/);
  }, 180_000);

  it("refuses without an approved fit to start from", async () => {
    const c = capture();
    expect(await main(["refresh", "--note", "x", "--from", "fit-nope"], c.io)).toBe(2);
    expect(c.err.join("\n")).toMatch(/no run fit-nope/);
  });
});
