// Outputs never overwrite inputs, and file-system faults are clear errors (issue 9, parts 2 and
// 4): every command that writes refuses an --out on or inside what it reads, a folder where a file
// goes, a parent that is a file, a symbolic-link loop, a name too long, a device or an unwritable
// place, with exit 2, the path and a fix, before its long work, leaving the disk as it was.

import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, expectFault, snapshot } from "./faultHelpers.js";
import { smallLabRun } from "./helpers.js";

let root = "";
let run = "";
let table = "";
let lab = "";

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "mmm-output-path-"));
  run = await smallLabRun(root, 7, { chains: 1, warmup: 100, draws: 60 });
  table = join(root, "table");
  lab = join(root, "lab");
}, 120_000);
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A fresh case folder; `snap` covers it and the shared run, lab and table folders. */
function caseDir(): { dir: string; snap: () => Record<string, string> } {
  const dir = mkdtempSync(join(root, "case-"));
  return {
    dir,
    snap: () => ({
      ...prefix("case", snapshot(dir)),
      ...prefix("run", snapshot(run)),
      ...prefix("table", snapshot(table)),
      ...prefix("lab", snapshot(lab)),
    }),
  };
}

const prefix = (p: string, o: Record<string, string>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p}/${k}`, v]));

/** The commands that write one file next to a run, with their --out. */
const fileWriters = (out: string) => [
  ["optimize", run, "--out", out],
  ["scenario", run, "--plan", "tv=+10%", "--out", out],
  ["report", run, "--out", out, "--validation", "quick", "--quiet"],
];

describe("--out on or inside what the command reads -> E_OUTPUT_IS_INPUT", () => {
  it("optimize RUN --out RUN/summary.json is refused; the run still reads", async () => {
    const c = caseDir();
    const before = c.snap();
    const r = await cli(["optimize", run, "--out", join(run, "summary.json")]);
    expectFault(
      r,
      "E_OUTPUT_IS_INPUT",
      { file: join(run, "summary.json"), option: "--out" },
      "the run folder",
    );
    expect(c.snap()).toEqual(before);
    expect((await cli(["lift", run, "--channel", "tv", "--off"])).code).toBe(0);
  });

  it.each([
    ["the run folder itself", ""],
    ["a new file inside the run folder", "plan.json"],
    ["a file inside the run's data/ folder", "data/table.csv"],
  ])("optimize, scenario and report refuse %s", async (_name, rel) => {
    const c = caseDir();
    const before = c.snap();
    const out = rel ? join(run, rel) : run;
    for (const argv of fileWriters(out)) {
      const r = await cli(argv);
      expectFault(r, "E_OUTPUT_IS_INPUT", { file: out, option: "--out" });
      // refused before the work: no plan table printed, no validation refit started
      expect(r.out).toBe("");
      expect(r.err).not.toContain("Validation:");
    }
    expect(c.snap()).toEqual(before);
  });

  it("a path into the run folder through a symbolic link is refused too", async () => {
    const c = caseDir();
    symlinkSync(run, join(c.dir, "alias"));
    const before = c.snap();
    const r = await cli(["optimize", run, "--out", join(c.dir, "alias", "summary.json")]);
    expectFault(r, "E_OUTPUT_IS_INPUT", { option: "--out" }, "lies inside the run folder");
    expect(c.snap()).toEqual(before);
  });

  it("fit --out inside the table folder, or the table folder itself with --force", async () => {
    const c = caseDir();
    const before = c.snap();
    for (const [out, extra] of [
      [join(table, "run"), []],
      [table, ["--force"]],
    ] as const) {
      const r = await cli(["fit", "--table", table, "--out", out, "--method", "fast", ...extra]);
      expectFault(r, "E_OUTPUT_IS_INPUT", { file: out, option: "--out" }, "the modeling table folder");
      expect(r.err).not.toContain("Fitting");
    }
    expect(c.snap()).toEqual(before);
  });

  it("fit --out a folder that holds the table folder, with --force, is refused (it would replace it)", async () => {
    const c = caseDir();
    const before = c.snap();
    const r = await cli(["fit", "--table", table, "--out", root, "--force", "--method", "fast"]);
    expectFault(r, "E_OUTPUT_IS_INPUT", { file: root }, "writing the folder would replace it");
    expect(c.snap()).toEqual(before);
  });

  it("fit --config spec.yaml --out spec.yaml is refused", async () => {
    const c = caseDir();
    const spec = join(c.dir, "spec.yaml");
    writeFileSync(spec, "# defaults\n");
    const before = c.snap();
    const r = await cli([
      "fit",
      "--table",
      table,
      "--config",
      spec,
      "--out",
      spec,
      "--force",
      "--method",
      "fast",
    ]);
    expectFault(r, "E_OUTPUT_IS_INPUT", { file: spec }, "the model spec");
    expect(c.snap()).toEqual(before);
  });

  it("prepare --out the lab folder (holding its config and exports) with --force is refused", async () => {
    const c = caseDir();
    const before = c.snap();
    const r = await cli(["prepare", "--config", join(lab, "prepare.yaml"), "--out", lab, "--force"]);
    expectFault(r, "E_OUTPUT_IS_INPUT", { file: lab }, "the prepare config");
    expect(c.snap()).toEqual(before);
  });

  it("prepare --out one of its source files is refused", async () => {
    const c = caseDir();
    const before = c.snap();
    const out = join(lab, "raw", "orders.csv");
    const r = await cli(["prepare", "--config", join(lab, "prepare.yaml"), "--out", out, "--force"]);
    expectFault(r, "E_OUTPUT_IS_INPUT", { file: out }, "source 'orders'");
    expect(c.snap()).toEqual(before);
  });
});

describe("where the output goes", () => {
  it("missing parent folders are created: optimize --out plans/q3/plan.json just works", async () => {
    const c = caseDir();
    const out = join(c.dir, "plans", "q3", "plan.json");
    const r = await cli(["optimize", run, "--out", out]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).horizonWeeks).toBe(13);
    expect(snapshot(c.dir)).toEqual({
      "": "dir",
      plans: "dir",
      "plans/q3": "dir",
      "plans/q3/plan.json": expect.any(String),
    });
  });

  it("an existing file is replaced atomically; a symbolic link's target is written, the link kept", async () => {
    const c = caseDir();
    const real = join(c.dir, "real.json");
    writeFileSync(real, "old");
    symlinkSync(real, join(c.dir, "link.json"));
    const r = await cli(["scenario", run, "--plan", "tv=+10%", "--out", join(c.dir, "link.json")]);
    expect(r.code, r.err).toBe(0);
    expect(lstatSync(join(c.dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(real, "utf8")).horizonWeeks).toBe(13);
    expect(Object.keys(snapshot(c.dir)).sort()).toEqual(["", "link.json", "real.json"]);
  });

  it("--out an existing folder for a file output -> E_OUTPUT_EXISTS, before the work", async () => {
    const c = caseDir();
    const out = join(c.dir, "plans");
    mkdirSync(out);
    const before = c.snap();
    for (const argv of fileWriters(out)) {
      const r = await cli(argv);
      expectFault(r, "E_OUTPUT_EXISTS", { file: out, option: "--out" }, "is a folder");
      expect(r.out).toBe("");
    }
    expect(c.snap()).toEqual(before);
  });

  it("a parent that is a file -> E_OUTPUT_PATH naming that file, for every writing command", async () => {
    const c = caseDir();
    const file = join(c.dir, "notes.txt");
    writeFileSync(file, "keep");
    const before = c.snap();
    const out = join(file, "q3", "plan.json");
    for (const argv of [
      ...fileWriters(out),
      ["fit", "--table", table, "--out", join(file, "run"), "--method", "fast"],
      ["prepare", "--config", join(lab, "prepare.yaml"), "--out", join(file, "table")],
      ["simulate", "--scenario", "short", "--out", join(file, "lab")],
      ["demo", "--out", join(file, "demo")],
    ]) {
      const r = await cli(argv);
      expectFault(r, "E_OUTPUT_PATH", { option: "--out" }, `${file} is a file`);
      expect(r.err).not.toContain("Fitting");
    }
    expect(c.snap()).toEqual(before);
  });

  it("demo --out an existing file -> E_OUTPUT_EXISTS, before simulating anything", async () => {
    const c = caseDir();
    const file = join(c.dir, "demo");
    writeFileSync(file, "keep");
    const before = c.snap();
    const r = await cli(["demo", "--out", file]);
    expectFault(r, "E_OUTPUT_EXISTS", { file }, "is a file");
    expect(r.out).toBe("");
    expect(c.snap()).toEqual(before);
  });

  it("a symbolic-link loop on the path -> E_OUTPUT_PATH (ELOOP) with a fix", async () => {
    const c = caseDir();
    symlinkSync(join(c.dir, "b"), join(c.dir, "a"));
    symlinkSync(join(c.dir, "a"), join(c.dir, "b"));
    const before = c.snap();
    for (const out of [join(c.dir, "a", "plan.json"), join(c.dir, "a")]) {
      const r = await cli(["optimize", run, "--out", out]);
      expectFault(r, "E_OUTPUT_PATH", { file: out, option: "--out" }, "loop of symbolic links", "ELOOP");
    }
    const r = await cli(["fit", "--table", table, "--out", join(c.dir, "a", "run"), "--method", "fast"]);
    expectFault(r, "E_OUTPUT_PATH", {}, "ELOOP");
    expect(c.snap()).toEqual(before);
  });

  it("a file name over 255 characters -> E_OUTPUT_PATH (ENAMETOOLONG)", async () => {
    const c = caseDir();
    const out = join(c.dir, `${"p".repeat(300)}.json`);
    const r = await cli(["optimize", run, "--out", out]);
    expectFault(r, "E_OUTPUT_PATH", { option: "--out" }, "too long", "ENAMETOOLONG");
    expect(snapshot(c.dir)).toEqual({ "": "dir" });
  });

  it("a name that fits but leaves no room for the temporary name still writes (temp names are shortened)", async () => {
    const c = caseDir();
    const out = join(c.dir, `${"p".repeat(250)}.json`);
    const r = await cli(["optimize", run, "--out", out]);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it("--out a device (/dev/null) -> E_OUTPUT_PATH; the device is left alone", async () => {
    const r = await cli(["optimize", run, "--out", "/dev/null"]);
    expectFault(r, "E_OUTPUT_PATH", { file: "/dev/null" }, "not a regular file");
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  it("an empty --out -> E_OUTPUT_PATH", async () => {
    const r = await cli(["optimize", run, "--out", ""]);
    expectFault(r, "E_OUTPUT_PATH", { option: "--out" }, "is empty");
  });
});

describe("places that take no files", () => {
  // chmod does not stop root, so the unwritable place for root is a system folder: /sys refuses
  // new entries (EPERM or EROFS) even to root. Skipped where /sys takes them (never seen).
  const sysTakesFiles = (() => {
    try {
      rmSync(mkdtempSync("/sys/.mmm-probe-"), { recursive: true });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(sysTakesFiles)(
    "--out under /sys -> E_OUTPUT_PATH for a file, a folder and the demo",
    async () => {
      for (const argv of [
        ["optimize", run, "--out", "/sys/mmm-test/plan.json"],
        ["simulate", "--scenario", "short", "--out", "/sys/mmm-test-lab"],
        ["fit", "--table", table, "--out", "/sys/mmm-test-run", "--method", "fast"],
        ["demo", "--out", "/sys/mmm-test-demo"],
      ]) {
        const r = await cli(argv);
        expectFault(
          r,
          "E_OUTPUT_PATH",
          { option: "--out" },
          "files cannot be created in /sys",
          /EPERM|EROFS|EACCES/,
        );
        expect(r.err).not.toContain("Fitting");
      }
      expect(existsSync("/sys/mmm-test")).toBe(false);
    },
  );

  // For anyone but root, a folder without write permission is the everyday case.
  it.skipIf(process.getuid?.() === 0)(
    "a folder without write permission -> E_OUTPUT_PATH (EACCES)",
    async () => {
      const c = caseDir();
      const locked = join(c.dir, "locked");
      mkdirSync(locked);
      chmodSync(locked, 0o555);
      try {
        const r = await cli(["optimize", run, "--out", join(locked, "plan.json")]);
        expectFault(r, "E_OUTPUT_PATH", { option: "--out" }, "permission denied", "EACCES");
      } finally {
        chmodSync(locked, 0o755);
      }
    },
  );
});

describe("reading user paths", () => {
  it("fit --config a folder -> E_FILE_ACCESS, nothing written", async () => {
    const c = caseDir();
    const before = c.snap();
    const r = await cli([
      "fit",
      "--table",
      table,
      "--config",
      c.dir,
      "--out",
      join(c.dir, "run"),
      "--method",
      "fast",
    ]);
    expectFault(r, "E_FILE_ACCESS", { file: c.dir, option: "--config" }, "is a folder");
    expect(c.snap()).toEqual(before);
  });

  it("fit --table through a symbolic-link loop -> E_FILE_ACCESS (ELOOP)", async () => {
    const c = caseDir();
    symlinkSync(join(c.dir, "b"), join(c.dir, "a"));
    symlinkSync(join(c.dir, "a"), join(c.dir, "b"));
    const r = await cli([
      "fit",
      "--table",
      join(c.dir, "a"),
      "--out",
      join(c.dir, "run"),
      "--method",
      "fast",
    ]);
    expectFault(r, "E_FILE_ACCESS", { option: "--table" }, "ELOOP");
    expect(existsSync(join(c.dir, "run"))).toBe(false);
  });

  it("prepare --config a folder -> E_FILE_ACCESS", async () => {
    const c = caseDir();
    const r = await cli(["prepare", "--config", c.dir, "--out", join(c.dir, "t")]);
    expectFault(r, "E_FILE_ACCESS", { option: "--config" }, "is a folder");
    expect(snapshot(c.dir)).toEqual({ "": "dir" });
  });

  it("a 600 MB raw export of NUL bytes is refused from its first bytes (E_NOT_CSV), not read whole", async () => {
    const c = caseDir();
    const copy = join(c.dir, "lab");
    cpSync(lab, copy, { recursive: true });
    // a sparse file: 600 MB long, no disk used; prepare streams CSV, so size alone is no error
    writeFileSync(join(copy, "raw", "orders.csv"), "");
    truncateSync(join(copy, "raw", "orders.csv"), 600 * 2 ** 20);
    const r = await cli(["prepare", "--config", join(copy, "prepare.yaml"), "--out", join(c.dir, "table")]);
    expectFault(r, "E_NOT_CSV", { key: "sources.orders.path" }, "NUL bytes");
    expect(existsSync(join(c.dir, "table"))).toBe(false);
  });
});

describe("modeling-table cells that are not finite numbers", () => {
  /** A copy of the table folder with one KPI cell (line 5) replaced. */
  const tableWith = (dir: string, value: string) => {
    const copy = join(dir, "table");
    cpSync(table, copy, { recursive: true });
    const path = join(copy, "table.csv");
    const lines = readFileSync(path, "utf8").split("\n");
    const f = lines[4].split(",");
    f[2] = value;
    lines[4] = f.join(",");
    writeFileSync(path, lines.join("\n"));
    return copy;
  };

  it.each(["Infinity", "-Infinity", "NaN", "1e999", "abc"])(
    "'%s' in a table cell -> E_TABLE_VALUE naming file, line and column; nothing written",
    async (value) => {
      const c = caseDir();
      const copy = tableWith(c.dir, value);
      const before = c.snap();
      const r = await cli(["fit", "--table", copy, "--out", join(c.dir, "run"), "--method", "fast"]);
      expectFault(
        r,
        "E_TABLE_VALUE",
        { file: join(copy, "table.csv"), line: 5, column: "new_subscriptions" },
        `'${value}'`,
        "not a finite number",
      );
      expect(c.snap()).toEqual(before);
    },
  );

  it("a table line cut short -> E_TABLE_SCHEMA with the line", async () => {
    const c = caseDir();
    const copy = join(c.dir, "table");
    cpSync(table, copy, { recursive: true });
    const path = join(copy, "table.csv");
    const lines = readFileSync(path, "utf8").split("\n");
    lines[9] = lines[9].slice(0, 25);
    writeFileSync(path, lines.join("\n"));
    const r = await cli(["fit", "--table", copy, "--out", join(c.dir, "run"), "--method", "fast"]);
    expectFault(r, "E_TABLE_SCHEMA", { file: path, line: 10 });
  });

  it("a table with a week missing -> E_TABLE_SCHEMA naming the week", async () => {
    const c = caseDir();
    const copy = join(c.dir, "table");
    cpSync(table, copy, { recursive: true });
    const path = join(copy, "table.csv");
    const lines = readFileSync(path, "utf8").split("\n");
    const week = lines[6].split(",")[0];
    lines.splice(6, 1);
    writeFileSync(path, lines.join("\n"));
    const r = await cli(["fit", "--table", copy, "--out", join(c.dir, "run"), "--method", "fast"]);
    expectFault(r, "E_TABLE_SCHEMA", { file: path }, `week ${week}`);
  });
});

describe("fit --table that is not a table folder", () => {
  it("a raw CSV file -> E_FILE_NOT_FOUND saying it is a file, nothing written", async () => {
    const c = caseDir();
    const csv = join(lab, "raw", "orders.csv");
    const before = c.snap();
    const r = await cli(["fit", "--table", csv, "--out", join(c.dir, "run"), "--method", "fast"]);
    expectFault(r, "E_FILE_NOT_FOUND", { file: csv, option: "--table" }, "is a file, not a table folder");
    expect(c.snap()).toEqual(before);
  });
});
