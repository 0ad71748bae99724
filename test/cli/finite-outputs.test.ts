// No NaN or Infinity reaches a person or a file: the whole pipeline (simulate → prepare → fit →
// optimize → scenario → lift → report) runs on a lab brand, and every file it writes and every
// line it prints is scanned for non-finite numbers.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { capture } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "mmm-finite-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// NaN, Infinity, and the CmdStan spellings nan / inf as whole CSV or JSON values
const NON_FINITE = /\bNaN\b|\bInfinity\b|(^|[,:\s])[-+]?(nan|inf)(?=[,\s}\]]|$)/im;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("no non-finite number in any output", () => {
  it("the pipeline on a lab brand writes and prints only finite numbers", async () => {
    const c = capture();
    const run = join(root, "run");
    const steps: string[][] = [
      ["simulate", "--scenario", "short", "--seed", "4", "--out", join(root, "lab")],
      ["prepare", "--config", join(root, "lab", "prepare.yaml"), "--out", join(root, "table")],
      [
        "fit",
        "--table",
        join(root, "table"),
        "--out",
        run,
        "--chains",
        "2",
        "--warmup",
        "150",
        "--draws",
        "150",
        "--quiet",
      ],
      ["optimize", run, "--out", join(root, "out", "plan.json")],
      ["optimize", run, "--budget", "0.5M", "--out", join(root, "out", "plan-cut.json")],
      [
        "scenario",
        run,
        "--plan",
        "tv=0,display=+50%",
        "--plan-file",
        join(root, "out", "plan.json"),
        "--out",
        join(root, "out", "scenario.json"),
      ],
      ["lift", run, "--channel", "podcast", "--off"],
      ["report", run, "--out", join(root, "out", "report.html"), "--validation", "none", "--quiet"],
    ];
    for (const args of steps) expect(await main(args, c.io), args.join(" ")).toBe(0);
    const printed = [...c.out, ...c.err].join("\n");
    expect(printed.match(NON_FINITE)?.[0] ?? null, "printed output").toBeNull();
    const outputs = [join(root, "table"), run, join(root, "out")].flatMap(filesUnder);
    expect(outputs.length).toBeGreaterThan(10);
    for (const file of outputs) {
      const text = readFileSync(file, "utf8");
      const hit = NON_FINITE.exec(text);
      expect(hit ? `${file}: …${text.slice(Math.max(0, hit.index - 60), hit.index + 20)}…` : null).toBeNull();
    }
  }, 240_000);
});
