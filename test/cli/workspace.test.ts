// The workspace flow on the command line: mmm init, a fit registered with its note (and refused
// without one, before any sampling), list/show, approve (refused for an approximate fit), a second
// fit that follows the approved one, and a run folder deleted by hand.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { capture } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "mmm-workspace-"));
const ws = join(root, "brand");
const table = join(root, "table");
const fitArgs = (out: string, ...extra: string[]) => [
  "fit",
  "--table",
  table,
  "--out",
  out,
  "--quiet",
  ...extra,
];

beforeAll(async () => {
  const c = capture();
  expect(
    await main(["simulate", "--scenario", "short", "--seed", "3", "--out", join(root, "lab")], c.io),
  ).toBe(0);
  expect(await main(["prepare", "--config", join(root, "lab", "prepare.yaml"), "--out", table], c.io)).toBe(
    0,
  );
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("a workspace's runs", () => {
  let first = "";

  it("mmm init writes mmm.yaml and an empty registry", async () => {
    const c = capture();
    expect(await main(["init", ws, "--owner", "ana"], c.io)).toBe(0);
    expect(existsSync(join(ws, "mmm.yaml"))).toBe(true);
    expect(existsSync(join(ws, "registry.sqlite"))).toBe(true);
    const again = capture();
    expect(await main(["init", ws], again.io)).not.toBe(0);
    expect(again.err.join("\n")).toMatch(/already exists/);
    const list = capture();
    expect(await main(["runs", "list", "--workspace", ws], list.io)).toBe(0);
    expect(list.out.join("\n")).toMatch(/No runs registered yet/);
  });

  it("a fit in the workspace needs a change note, and is refused before sampling without one", async () => {
    const c = capture();
    const out = join(ws, "runs", "first");
    expect(await main(fitArgs(out), c.io)).not.toBe(0);
    expect(c.err.join("\n")).toMatch(/needs a change note[\s\S]*--note/);
    expect(existsSync(out)).toBe(false);
  });

  it("registers the fit as a draft with its lineage and headline ROI", async () => {
    const c = capture();
    expect(await main(fitArgs(join(ws, "runs", "first"), "--note", "first model of the brand"), c.io)).toBe(
      0,
    );
    const line = c.out.find((l) => l.startsWith("Registered "));
    expect(line).toMatch(/Registered fit-\d{8}-\d{6}-[0-9a-f]{6} \(draft\)/);
    first = (line as string).split(" ")[1];
    const show = capture();
    expect(await main(["runs", "show", first, "--workspace", ws], show.io)).toBe(0);
    const text = show.out.join("\n");
    expect(text).toMatch(/folder {5}runs\/first/);
    expect(text).toMatch(/created .* by ana/);
    expect(text).toMatch(/data {7}[0-9a-f]{64}/);
    expect(text).toMatch(/ROI [\d.]+ \[/);
    expect(text).toMatch(/registered ana: first model of the brand/);
  }, 120_000);

  it("approves it (with a note), and the next fit follows it", async () => {
    const a = capture();
    expect(
      await main(["runs", "approve", first, "--workspace", ws, "--note", "reviewed", "--owner", "ben"], a.io),
    ).toBe(0);
    const card = capture();
    expect(await main(["runs", "card", first, "--workspace", ws], card.io)).toBe(0);
    const mc = JSON.parse(card.out.join("\n"));
    expect(mc).toMatchObject({
      format: "mmm-os/model-card@1",
      run: { id: first, status: "approved", owner: "ana" },
    });
    expect(mc.approvals).toMatchObject([{ action: "approved", by: "ben", note: "reviewed" }]);
    expect(mc.data.sources.length).toBeGreaterThan(0);
    expect(mc.model.priors.some((p: { group: string }) => p.group === "effect")).toBe(true);
    expect(mc.evidence.diagnostics.verdict).toBe("ok");
    expect(mc.known_limits.join(" ")).toMatch(/Not calibrated with experiments/);
    const c = capture();
    expect(await main(fitArgs(join(ws, "runs", "second"), "--note", "refit, same data"), c.io)).toBe(0);
    expect(c.out.join("\n")).toMatch(new RegExp(`follows ${first}`));
    const json = capture();
    expect(await main(["runs", "list", "--workspace", ws, "--json"], json.io)).toBe(0);
    const runs = JSON.parse(json.out.join("\n"));
    expect(runs.map((r: { status: string }) => r.status)).toEqual(["draft", "approved"]);
    // the same data and spec: the lineage hashes agree
    expect(runs[0].dataSha256).toBe(runs[1].dataSha256);
    // the same data, spec and seed: nothing moved, every P(up) is exactly one half
    const diff = capture();
    expect(await main(["runs", "diff", runs[1].id, runs[0].id, "--workspace", ws], diff.io)).toBe(0);
    const text = diff.out.join("\n");
    expect(text).toMatch(/weeks added none; dropped none/);
    expect(text).toMatch(/Model spec: unchanged/);
    expect(text.match(/ROI .* P\(up\) 0\.50\n/g)?.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/moved (up|down)/);
    // the unapproved run is marked as a draft in what optimize prints and in the report; the approved one is not
    const draftPlan = capture();
    expect(await main(["optimize", join(ws, "runs", "second")], draftPlan.io)).toBe(0);
    expect(draftPlan.out[0]).toMatch(/^DRAFT: run fit-\S+ is draft, not approved/);
    const approvedPlan = capture();
    expect(await main(["optimize", join(ws, "runs", "first")], approvedPlan.io)).toBe(0);
    expect(approvedPlan.out.join("\n")).not.toMatch(/DRAFT/);
    const report = join(root, "second.html");
    expect(
      await main(
        ["report", join(ws, "runs", "second"), "--out", report, "--validation", "none", "--quiet"],
        capture().io,
      ),
    ).toBe(0);
    const html = readFileSync(report, "utf8");
    expect(html).toMatch(/class="banner-draft"[^>]*>DRAFT — run fit-\S+ is draft, not approved/);
    // the model card on the data page: the run's note, and no approval yet
    expect(html).toMatch(/<h3>Model card<\/h3>[\s\S]*refit, same data[\s\S]*Not approved yet\./);
  }, 120_000);

  it("refuses to approve an approximate fit, and reports a folder deleted by hand", async () => {
    const c = capture();
    expect(
      await main(fitArgs(join(ws, "runs", "fast"), "--method", "fast", "--note", "quick look"), c.io),
    ).toBe(0);
    const id = (c.out.find((l) => l.startsWith("Registered ")) as string).split(" ")[1];
    const a = capture();
    expect(await main(["runs", "approve", id, "--workspace", ws, "--note", "ok"], a.io)).not.toBe(0);
    expect(a.err.join("\n")).toMatch(/did not pass its diagnostics \(verdict: approximate\)/);
    rmSync(join(ws, "runs", "fast"), { recursive: true });
    const list = capture();
    expect(await main(["runs", "list", "--workspace", ws], list.io)).toBe(0);
    expect(list.out.join("\n")).toMatch(/quick look {2}⚠ FOLDER MISSING/);
    expect(readdirSync(join(ws, "runs")).sort()).toEqual(["first", "second"]);
  }, 120_000);

  it("records a plan or report given a note, and approves it only once its fit is approved", async () => {
    const registered = (lines: string[]) =>
      (lines.find((l) => l.startsWith("Registered ")) as string).split(" ")[1];
    // a plan printed to look at records nothing; with --note it is a run of its own, from its fit
    const look = capture();
    expect(await main(["optimize", join(ws, "runs", "first")], look.io)).toBe(0);
    expect(look.out.join("\n")).not.toMatch(/Registered/);
    const p = capture();
    expect(await main(["optimize", join(ws, "runs", "first"), "--note", "Q1 plan for finance"], p.io)).toBe(
      0,
    );
    const planId = registered(p.out);
    expect(planId).toMatch(/^plan-\d{8}-\d{6}-[0-9a-f]{6}$/);
    const shown = capture();
    expect(await main(["runs", "show", planId, "--workspace", ws, "--json"], shown.io)).toBe(0);
    const plan = JSON.parse(shown.out.join("\n"));
    const fitList = capture();
    await main(
      ["runs", "list", "--workspace", ws, "--kind", "fit", "--status", "approved", "--json"],
      fitList.io,
    );
    const approvedFit = JSON.parse(fitList.out.join("\n"))[0];
    expect(plan.run ?? plan).toMatchObject({
      kind: "plan",
      parentId: approvedFit.id,
      dataSha256: approvedFit.dataSha256,
    });
    const folder = join(ws, "runs", planId);
    expect(readdirSync(folder).sort()).toEqual(["plan.json", "plan.txt", "run.json"]);
    expect(await main(["runs", "approve", planId, "--workspace", ws, "--note", "agreed"], capture().io)).toBe(
      0,
    );
    // a plan of the draft fit cannot be approved before the fit is
    const d = capture();
    expect(await main(["optimize", join(ws, "runs", "second"), "--note", "what-if"], d.io)).toBe(0);
    const refused = capture();
    expect(
      await main(["runs", "approve", registered(d.out), "--workspace", ws, "--note", "x"], refused.io),
    ).toBe(2);
    expect(refused.err.join("\n")).toMatch(/E_REGISTRY_SOURCE[\s\S]*which is draft/);
    // a report with a note is kept in its own run folder too
    const r = capture();
    const out = join(root, "first.html");
    expect(
      await main(
        [
          "report",
          join(ws, "runs", "first"),
          "--out",
          out,
          "--validation",
          "none",
          "--no-plan",
          "--quiet",
          "--note",
          "board pack",
        ],
        r.io,
      ),
    ).toBe(0);
    const reportId = registered(r.out);
    expect(readFileSync(join(ws, "runs", reportId, "report.html"), "utf8")).toBe(readFileSync(out, "utf8"));
  }, 120_000);

  it("mmm prepare in the workspace registers the table, traceable to the fits of it by its data digest", async () => {
    const c = capture();
    const out = join(ws, "tables", "march");
    const config = join(root, "lab", "prepare.yaml");
    expect(await main(["prepare", "--config", config, "--out", out], c.io)).not.toBe(0);
    expect(c.err.join("\n")).toMatch(/needs a change note/);
    const ok = capture();
    expect(await main(["prepare", "--config", config, "--out", out, "--note", "March exports"], ok.io)).toBe(
      0,
    );
    expect(ok.out.join("\n")).toMatch(/Registered prepare-\d{8}-\d{6}-[0-9a-f]{6} \(draft\)/);
    const json = capture();
    expect(await main(["runs", "list", "--workspace", ws, "--json"], json.io)).toBe(0);
    const runs = JSON.parse(json.out.join("\n")) as { kind: string; dataSha256: string }[];
    const table = runs.find((r) => r.kind === "prepare");
    const fits = runs.filter((r) => r.kind === "fit" && r.dataSha256 === table?.dataSha256);
    expect(fits.length).toBeGreaterThanOrEqual(2);
  });
});
