// Damaged or edited run folders are refused (issue 9, part 2): every command that reads a run
// (lift, optimize, scenario, report) checks the files fit.json records — present, unchanged, draws
// complete and finite — and fails with exit 2, a stable code, the file and a fix, touching nothing.
//
// One small NUTS fit is made once; each case copies it and damages exactly one thing.

import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SAMPLE_OPTIONS } from "../../src/inference/sample.js";
import { type CliRun, cli, expectFault, snapshot, type Where } from "./faultHelpers.js";
import { smallLabRun } from "./helpers.js";

let root = "";
let run = "";

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "mmm-run-integrity-"));
  run = await smallLabRun(root, 4, { chains: 2, warmup: 100, draws: 50 });
}, 120_000);
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A private copy of the run folder, in a case folder of its own. */
class RunCopy {
  readonly dir: string;
  readonly run: string;

  constructor() {
    this.dir = mkdtempSync(join(root, "case-"));
    this.run = join(this.dir, "run");
    cpSync(run, this.run, { recursive: true });
  }

  path(rel: string): string {
    return join(this.run, rel);
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), "utf8");
  }

  write(rel: string, text: string): void {
    writeFileSync(this.path(rel), text);
  }

  /** 0-based indexes of the data lines (not comments, not the header) of a draws file. */
  dataLines(rel: string): { lines: string[]; data: number[] } {
    const lines = this.read(rel).split("\n");
    const rows = lines.map((l, i) => [l, i] as const).filter(([l]) => l !== "" && !l.startsWith("#"));
    return { lines, data: rows.slice(1).map(([, i]) => i) };
  }

  /** Sets one cell of a draws data line (0-based data row) in the column `column`. */
  setDraw(rel: string, row: number, column: string, value: string): number {
    const { lines, data } = this.dataLines(rel);
    const header = lines.find((l) => l !== "" && !l.startsWith("#"))!.split(",");
    const c = header.indexOf(column);
    if (c < 0) throw new Error(`test setup: no column ${column}`);
    const cells = lines[data[row]].split(",");
    if (cells[c] === value) throw new Error("test setup: edit changes nothing");
    cells[c] = value;
    lines[data[row]] = cells.join(",");
    this.write(rel, lines.join("\n"));
    return data[row] + 1;
  }
}

const LIFT = ["--channel", "tv", "--off"];
const CHAIN1 = "draws/chain-1.csv";

/** Runs `lift` on the copy; asserts the fault and that nothing in the case folder changed. */
async function expectRefused(
  c: RunCopy,
  code: string,
  where: Where,
  ...mentions: (string | RegExp)[]
): Promise<CliRun> {
  const before = snapshot(c.dir);
  const r = await cli(["lift", c.run, ...LIFT]);
  expectFault(r, code, where, ...mentions);
  expect(snapshot(c.dir), "the case folder is untouched").toEqual(before);
  return r;
}

describe("run folder: positive control", () => {
  it("an intact copy is read by lift (exit 0)", async () => {
    const c = new RunCopy();
    const r = await cli(["lift", c.run, ...LIFT]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/tv switched off/);
  });

  it("fit.json records every other file with its hash, and draws and columns for draws files", () => {
    const fit = JSON.parse(readFileSync(join(run, "fit.json"), "utf8"));
    expect(Object.keys(fit.files).sort()).toEqual([
      "data/campaigns.csv",
      "data/lineage.json",
      "data/qa.json",
      "data/table.csv",
      "data/table.schema.json",
      "diagnostics.json",
      "draws/chain-1.csv",
      "draws/chain-2.csv",
      "parameters.csv",
      "spec.yaml",
      "summary.json",
    ]);
    expect(fit.files[CHAIN1]).toMatchObject({ draws: 50, columns: expect.any(Number) });
    expect(fit.files["summary.json"].sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("run folder: damaged draws", () => {
  it("a draws file cut in the middle of a line -> E_RUN_DAMAGED naming the file and line", async () => {
    const c = new RunCopy();
    const { lines, data } = c.dataLines(CHAIN1);
    const cut = data[20];
    const text = `${lines.slice(0, cut).join("\n")}\n${lines[cut].slice(0, 40)}`;
    c.write(CHAIN1, text);
    await expectRefused(
      c,
      "E_RUN_DAMAGED",
      { file: c.path(CHAIN1), line: cut + 1 },
      "cut short",
      "re-run mmm fit",
    );
  });

  it("a draws file cut at a line end -> E_RUN_DAMAGED: fewer draws than the fit wrote", async () => {
    const c = new RunCopy();
    const { lines, data } = c.dataLines(CHAIN1);
    c.write(CHAIN1, `${lines.slice(0, data[30]).join("\n")}\n`);
    await expectRefused(c, "E_RUN_DAMAGED", { file: c.path(CHAIN1) }, "has 30 draws, but the fit wrote 50");
  });

  it("a parameter cell set to 'abc' -> E_RUN_DAMAGED with file, line and column", async () => {
    const c = new RunCopy();
    const line = c.setDraw(CHAIN1, 7, "tv_effect", "abc");
    await expectRefused(
      c,
      "E_RUN_DAMAGED",
      { file: c.path(CHAIN1), line, column: "tv_effect" },
      "'abc' in",
      "is not a number",
    );
  });

  it("a generated-quantity cell set to 'abc' -> E_RUN_DAMAGED with its column", async () => {
    const c = new RunCopy();
    const line = c.setDraw(CHAIN1, 3, "roi_tv", "abc");
    await expectRefused(
      c,
      "E_RUN_DAMAGED",
      { file: c.path(CHAIN1), line, column: "roi_tv" },
      "is not a number",
    );
  });

  it.each(["inf", "nan", "Infinity"])(
    "a parameter cell set to '%s' -> E_RUN_DAMAGED (not finite)",
    async (v) => {
      const c = new RunCopy();
      const line = c.setDraw(CHAIN1, 11, "sigma", v);
      await expectRefused(
        c,
        "E_RUN_DAMAGED",
        { file: c.path(CHAIN1), line, column: "sigma" },
        "not a finite number",
      );
    },
  );

  it("an empty cell -> E_RUN_DAMAGED", async () => {
    const c = new RunCopy();
    const line = c.setDraw(CHAIN1, 2, "tv_effect", "");
    await expectRefused(c, "E_RUN_DAMAGED", { file: c.path(CHAIN1), line, column: "tv_effect" });
  });

  it("a whole draw deleted -> E_RUN_DAMAGED: 49 draws, the fit wrote 50", async () => {
    const c = new RunCopy();
    const { lines, data } = c.dataLines(CHAIN1);
    lines.splice(data[10], 1);
    c.write(CHAIN1, lines.join("\n"));
    await expectRefused(c, "E_RUN_DAMAGED", { file: c.path(CHAIN1) }, "has 49 draws, but the fit wrote 50");
  });

  it("a draw changed to another valid number -> E_RUN_CHANGED naming the file", async () => {
    const c = new RunCopy();
    c.setDraw(CHAIN1, 5, "tv_effect", "0.5");
    await expectRefused(
      c,
      "E_RUN_CHANGED",
      { file: c.path(CHAIN1) },
      "was changed after the fit",
      "re-run mmm fit",
    );
  });

  it("draws/ missing -> E_RUN_INCOMPLETE", async () => {
    const c = new RunCopy();
    rmSync(c.path("draws"), { recursive: true });
    await expectRefused(c, "E_RUN_INCOMPLETE", {}, "has no draws/ folder");
  });

  it("draws/ empty -> E_RUN_INCOMPLETE", async () => {
    const c = new RunCopy();
    for (const f of readdirSync(c.path("draws"))) rmSync(c.path(`draws/${f}`));
    await expectRefused(c, "E_RUN_INCOMPLETE", {}, "draws/ folder of run", "is empty");
  });

  it("one chain's file missing -> E_RUN_INCOMPLETE naming it", async () => {
    const c = new RunCopy();
    rmSync(c.path("draws/chain-2.csv"));
    await expectRefused(c, "E_RUN_INCOMPLETE", { file: c.path("draws/chain-2.csv") }, "is missing");
  });

  it("an extra draws file copied in -> E_RUN_CHANGED (it would be mixed in silently)", async () => {
    const c = new RunCopy();
    cpSync(c.path(CHAIN1), c.path("draws/chain-3.csv"));
    await expectRefused(
      c,
      "E_RUN_CHANGED",
      { file: c.path("draws/chain-3.csv") },
      "is not one of the files mmm fit wrote",
    );
  });
});

describe("run folder: JSON files", () => {
  it("summary.json cut short -> E_RUN_DAMAGED saying so (not 'missing')", async () => {
    const c = new RunCopy();
    const text = c.read("summary.json");
    c.write("summary.json", text.slice(0, Math.floor(text.length / 2)));
    const r = await expectRefused(c, "E_RUN_DAMAGED", { file: c.path("summary.json") }, "cut short");
    expect(r.err).not.toContain("missing");
  });

  it("summary.json missing -> E_RUN_INCOMPLETE", async () => {
    const c = new RunCopy();
    rmSync(c.path("summary.json"));
    await expectRefused(c, "E_RUN_INCOMPLETE", { file: c.path("summary.json") }, "is missing");
  });

  it("fit.json cut short -> E_RUN_DAMAGED", async () => {
    const c = new RunCopy();
    c.write("fit.json", c.read("fit.json").slice(0, 300));
    await expectRefused(c, "E_RUN_DAMAGED", { file: c.path("fit.json") }, "cut short");
  });

  it("fit.json missing (summary.json still there) -> E_RUN_FOLDER saying it was deleted", async () => {
    const c = new RunCopy();
    rmSync(c.path("fit.json"));
    await expectRefused(c, "E_RUN_FOLDER", { file: c.path("fit.json") }, "fit.json was deleted");
  });

  it("fit.json with a wrong format -> E_RUN_DAMAGED naming the key", async () => {
    const c = new RunCopy();
    c.write("fit.json", c.read("fit.json").replace('"mmm-os/fit@1"', '"mmm-os/fit@0"'));
    await expectRefused(c, "E_RUN_DAMAGED", { file: c.path("fit.json") }, "format");
  });

  it("a run from before the manifest (no files in fit.json) -> E_RUN_UNVERIFIED: re-run mmm fit", async () => {
    const c = new RunCopy();
    const fit = JSON.parse(c.read("fit.json"));
    delete fit.files;
    c.write("fit.json", JSON.stringify(fit, null, 2));
    await expectRefused(c, "E_RUN_UNVERIFIED", { file: c.path("fit.json") }, "re-run mmm fit");
  });

  it("a manifest name that leaves the folder -> E_RUN_DAMAGED", async () => {
    const c = new RunCopy();
    const fit = JSON.parse(c.read("fit.json"));
    fit.files["../../etc/passwd"] = { sha256: "0".repeat(64), bytes: 1 };
    c.write("fit.json", JSON.stringify(fit, null, 2));
    await expectRefused(c, "E_RUN_DAMAGED", { file: c.path("fit.json") }, "'../../etc/passwd'");
  });
});

describe("run folder: edited after the fit", () => {
  /** Multiplies the KPI (third field) of every table row by 10. */
  const kpiTimes10 = (c: RunCopy) => {
    const lines = c.read("data/table.csv").split("\n");
    c.write(
      "data/table.csv",
      lines
        .map((l, i) => {
          if (i === 0 || l === "") return l;
          const f = l.split(",");
          f[2] = String(Number(f[2]) * 10);
          return f.join(",");
        })
        .join("\n"),
    );
  };

  it("data/table.csv with the KPI × 10 -> E_RUN_CHANGED: changed after the fit; restore or re-fit", async () => {
    const c = new RunCopy();
    kpiTimes10(c);
    await expectRefused(
      c,
      "E_RUN_CHANGED",
      { file: c.path("data/table.csv") },
      "data/table.csv",
      "was changed after the fit",
      /fix: restore it from the table folder the fit read \(.+\), or re-run mmm fit on the edited table/,
    );
  });

  it("the ×10 table is refused by optimize, scenario and report as well (nothing written)", async () => {
    const c = new RunCopy();
    kpiTimes10(c);
    const before = snapshot(c.dir);
    for (const argv of [
      ["optimize", c.run, "--out", join(c.dir, "plan.json")],
      ["scenario", c.run, "--plan", "tv=+10%", "--out", join(c.dir, "s.json")],
      ["report", c.run, "--out", join(c.dir, "r.html"), "--validation", "none", "--quiet"],
    ]) {
      const r = await cli(argv);
      expectFault(r, "E_RUN_CHANGED", { file: c.path("data/table.csv") });
    }
    expect(snapshot(c.dir)).toEqual(before);
  });

  it("data/table.schema.json edited -> E_RUN_CHANGED", async () => {
    const c = new RunCopy();
    c.write("data/table.schema.json", c.read("data/table.schema.json").replace('"USD"', '"EUR"'));
    await expectRefused(c, "E_RUN_CHANGED", { file: c.path("data/table.schema.json") });
  });

  it("parameters.csv edited -> E_RUN_CHANGED (every recorded file is checked)", async () => {
    const c = new RunCopy();
    c.write("parameters.csv", `${c.read("parameters.csv")}extra\n`);
    await expectRefused(c, "E_RUN_CHANGED", { file: c.path("parameters.csv") }, "size");
  });
});

describe("run folder: the path itself", () => {
  it("a run folder that does not exist -> E_RUN_FOLDER", async () => {
    const dir = mkdtempSync(join(root, "case-"));
    const r = await cli(["lift", join(dir, "nope"), ...LIFT]);
    expectFault(r, "E_RUN_FOLDER", { file: join(dir, "nope") }, "not found");
  });

  it("a file given as the run folder -> E_RUN_FOLDER", async () => {
    const dir = mkdtempSync(join(root, "case-"));
    writeFileSync(join(dir, "run"), "x");
    const r = await cli(["lift", join(dir, "run"), ...LIFT]);
    expectFault(r, "E_RUN_FOLDER", { file: join(dir, "run") }, "is a file");
  });

  it("a symbolic-link loop as the run folder -> E_FILE_ACCESS naming the loop", async () => {
    const dir = mkdtempSync(join(root, "case-"));
    symlinkSync(join(dir, "b"), join(dir, "a"));
    symlinkSync(join(dir, "a"), join(dir, "b"));
    const r = await cli(["lift", join(dir, "a"), ...LIFT]);
    expectFault(r, "E_FILE_ACCESS", { file: join(dir, "a") }, "loop of symbolic links", "ELOOP");
  });

  it("a folder that is not a run (a table folder) -> E_RUN_FOLDER", async () => {
    const r = await cli(["lift", join(root, "table"), ...LIFT]);
    expectFault(r, "E_RUN_FOLDER", {}, "has no fit.json");
  });

  it("a data/ file that cannot be read as a file (replaced by a folder) -> a clear error, not a crash", async () => {
    const c = new RunCopy();
    rmSync(c.path("data/qa.json"));
    mkdirSync(c.path("data/qa.json"));
    await expectRefused(c, "E_FILE_ACCESS", {}, "data/qa.json");
  });
});

describe("run folder: a --method fast run (draws/laplace.csv)", () => {
  it("is verified and read; cut short it is refused like a chain file", async () => {
    const dir = mkdtempSync(join(root, "case-"));
    const fast = join(dir, "run");
    const fit = await cli([
      "fit",
      "--table",
      join(root, "table"),
      "--out",
      fast,
      "--method",
      "fast",
      "--quiet",
    ]);
    expect(fit.code, fit.err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(fast, "fit.json"), "utf8")).files;
    // the default chains × draws, all in one file
    expect(manifest["draws/laplace.csv"]).toMatchObject({
      draws: DEFAULT_SAMPLE_OPTIONS.chains * DEFAULT_SAMPLE_OPTIONS.draws,
    });
    const ok = await cli(["lift", fast, ...LIFT]);
    expect(ok.code, ok.err).toBe(0);
    const path = join(fast, "draws", "laplace.csv");
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.slice(0, text.length - 30));
    const r = await cli(["lift", fast, ...LIFT]);
    expectFault(r, "E_RUN_DAMAGED", { file: path }, "cut short");
  });
});
