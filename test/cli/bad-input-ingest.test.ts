// Big and strange inputs, and plausible but wrong data (issue 9): every case ends with exit code
// 2, a stable error code, a where line naming the place, a fix line, and nothing written. Each
// starts from a fresh copy of the lab's 'short' dataset (seed 3) and changes one thing; where a
// config key is the remedy, the test also shows that setting it makes the same data pass.

import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./faultHelpers.js";
import { expectError, expectPrepareOk, expectPrepareRejects, LabCase } from "./labCase.js";

let root = "";
let lab = "";
const dataset = () => new LabCase(root, lab);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "mmm-bad-ingest-"));
  lab = join(root, "lab");
  const r = await cli(["simulate", "--scenario", "short", "--seed", "3", "--out", lab]);
  expect(r.code, r.err).toBe(0);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const ORDERS = "raw/orders.csv";
const SPEND = "raw/ad_spend.csv";
const PRICING = "raw/pricing.csv";
const TAXONOMY = "taxonomy.yaml";
const CONFIG = "prepare.yaml";

// ---------------------------------------------------------------------------------------------

describe("mmm prepare: inputs that are not regular files", () => {
  it("a FIFO as an input -> E_NOT_REGULAR_FILE at once, instead of waiting for a writer", async () => {
    const ds = dataset();
    rmSync(ds.path(PRICING));
    execFileSync("mkfifo", [ds.path(PRICING)]);
    await expectPrepareRejects(
      ds,
      "E_NOT_REGULAR_FILE",
      { file: PRICING, key: "sources.pricing.path" },
      "named pipe (FIFO)",
    );
  });

  it("a link to /dev/zero -> E_NOT_REGULAR_FILE, without reading a byte", async () => {
    const ds = dataset();
    rmSync(ds.path(SPEND));
    symlinkSync("/dev/zero", ds.path(SPEND));
    await expectPrepareRejects(
      ds,
      "E_NOT_REGULAR_FILE",
      { file: SPEND, key: "sources.ad_spend.path" },
      "character device",
    );
  });

  it("a Unix socket as an input -> E_NOT_REGULAR_FILE", async () => {
    const ds = dataset();
    rmSync(ds.path(PRICING));
    const server = createServer().listen(ds.path(PRICING));
    await once(server, "listening");
    try {
      await expectPrepareRejects(
        ds,
        "E_NOT_REGULAR_FILE",
        { file: PRICING, key: "sources.pricing.path" },
        "a socket",
      );
    } finally {
      server.close();
    }
  });

  it("a symbolic link loop -> E_FILE_ACCESS (ELOOP)", async () => {
    const ds = dataset();
    rmSync(ds.path(ORDERS));
    symlinkSync("orders-b.csv", ds.path(ORDERS));
    symlinkSync("orders.csv", ds.path("raw/orders-b.csv"));
    await expectPrepareRejects(
      ds,
      "E_FILE_ACCESS",
      { file: ORDERS, key: "sources.orders.path" },
      "loop of symbolic links",
      "ELOOP",
    );
  });

  it("a taxonomy that is a FIFO -> E_NOT_REGULAR_FILE at media.long.taxonomy", async () => {
    const ds = dataset();
    rmSync(ds.path(TAXONOMY));
    execFileSync("mkfifo", [ds.path(TAXONOMY)]);
    await expectPrepareRejects(ds, "E_NOT_REGULAR_FILE", { file: TAXONOMY, key: "media.long.taxonomy" });
  });

  it("a config that is /dev/zero -> E_NOT_REGULAR_FILE", async () => {
    const ds = dataset();
    rmSync(ds.config);
    symlinkSync("/dev/zero", ds.config);
    await expectPrepareRejects(ds, "E_NOT_REGULAR_FILE", { file: ds.config });
  });
});

describe("mmm fit: inputs that are not regular files", () => {
  it("--config /dev/zero -> E_NOT_REGULAR_FILE, nothing written", async () => {
    const ds = dataset();
    await expectPrepareOk(ds);
    const run = join(ds.dir, "run");
    const r = await cli(["fit", "--table", ds.out, "--config", "/dev/zero", "--out", run, "--quiet"]);
    expectError(r, "E_NOT_REGULAR_FILE", { file: "/dev/zero" }, "character device");
    expect(existsSync(run)).toBe(false);
  });
});

describe("mmm prepare: taxonomy patterns that backtrack catastrophically", () => {
  it.each(["^(a+)+$", "(a|a)*$", "(\\w+\\s?)*$"])(
    "'%s' -> E_TAXONOMY_REDOS naming the rule, before any data is read",
    async (pattern) => {
      const ds = dataset();
      const rules = ds.lines(TAXONOMY).filter((l) => l.startsWith("  - channel: "));
      const i = rules.indexOf("  - channel: podcast");
      ds.replace(TAXONOMY, "    campaign: 'podc?a?st", `    campaign: '${pattern}|podc?a?st`);
      await expectPrepareRejects(
        ds,
        "E_TAXONOMY_REDOS",
        { file: TAXONOMY, key: `rules.${i}.campaign` },
        "exponential time",
        pattern,
      );
    },
  );
});

describe("mmm prepare: numbers that look right but are not", () => {
  const thousands = (v: number) => String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ".");

  it("spend exported with '.' thousands separators (1.250 for 1250) -> E_QA_FAILED thousands_separator", async () => {
    const ds = dataset();
    let first = 0;
    ds.editRows(SPEND, (f, line) => {
      f[4] = thousands(Math.round(Number(f[4])));
      if (!first && f[4].includes(".")) first = line;
      return f;
    });
    await expectPrepareRejects(
      ds,
      "E_QA_FAILED",
      { file: SPEND, line: first, column: "spend" },
      "[thousands_separator]",
      "set qa.severity.thousands_separator: off",
    );
  });

  it("a KPI exported with '.' thousands separators -> E_QA_FAILED thousands_separator", async () => {
    const ds = dataset();
    let first = 0;
    ds.editRows(ORDERS, (f, line) => {
      f[1] = thousands(Number(f[1]));
      if (!first && f[1].includes(".")) first = line;
      return f;
    });
    await expectPrepareRejects(
      ds,
      "E_QA_FAILED",
      { file: ORDERS, line: first, column: "new_subscriptions" },
      "[thousands_separator]",
    );
  });

  it("'1.234.567' -> E_NOT_A_NUMBER naming the thousands separator", async () => {
    const ds = dataset();
    const line = ds.lineOf(ORDERS, (l) => l.startsWith("2024-08-10,"));
    ds.editLine(ORDERS, line, (l) => l.replace(/,[^,]*$/, ",1.234.567"));
    await expectPrepareRejects(
      ds,
      "E_NOT_A_NUMBER",
      { file: ORDERS, line, column: "new_subscriptions" },
      "'.' as a thousands separator",
    );
  });

  it("a price of 1e300 -> E_NUMBER_TOO_LARGE with line and column", async () => {
    const ds = dataset();
    const line = ds.lineOf(PRICING, (l) => l.startsWith("2024-08-10,"));
    ds.editLine(PRICING, line, (l) => l.replace(/^([^,]*),[^,]*,/, "$1,1e300,"));
    await expectPrepareRejects(
      ds,
      "E_NUMBER_TOO_LARGE",
      { file: PRICING, line, column: "list_price" },
      "'1e300' is implausibly large",
    );
  });

  it("a KPI that is the same every day -> E_QA_FAILED constant_kpi, before any fit", async () => {
    const ds = dataset();
    ds.editRows(ORDERS, (f) => [f[0], "1000"]);
    await expectPrepareRejects(
      ds,
      "E_QA_FAILED",
      { column: "new_subscriptions" },
      "[constant_kpi]",
      "is 7,000 in every one of the",
    );
  });
});

describe("mmm prepare: names that are also JavaScript object keys", () => {
  it.each(["constructor", "toString", "__proto__"])(
    "a currency code '%s' without an fx rate -> E_MIXED_CURRENCY, not a silent NaN",
    async (code) => {
      const ds = dataset();
      const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,USD,"));
      ds.editLine(SPEND, line, (l) => l.replace(",USD,", `,${code},`));
      await expectPrepareRejects(
        ds,
        "E_MIXED_CURRENCY",
        { file: SPEND, line, column: "currency" },
        `Spend in ${code} found`,
      );
    },
  );
});

describe("mmm prepare: config names that are also JavaScript object keys", () => {
  it("kpi.source: constructor, with no such source -> E_CONFIG_SOURCE, not an internal error", async () => {
    const ds = dataset();
    ds.replace(CONFIG, "kpi:\n  source: orders\n", "kpi:\n  source: constructor\n");
    await expectPrepareRejects(
      ds,
      "E_CONFIG_SOURCE",
      { file: ds.config, key: "kpi.source" },
      "'constructor'",
    );
  });

  it("qa.severity.toString is an unknown check id -> E_CONFIG_SCHEMA", async () => {
    const ds = dataset();
    ds.replace(CONFIG, "currency: USD\n", "currency: USD\nqa:\n  severity:\n    toString: off\n");
    await expectPrepareRejects(ds, "E_CONFIG_SCHEMA", { file: ds.config }, "unknown check id");
  });

  it("a source named constructor works", async () => {
    const ds = dataset();
    ds.replace(
      CONFIG,
      "  pricing:\n    path: raw/pricing.csv\n",
      "  constructor:\n    path: raw/pricing.csv\n",
    );
    ds.replace(CONFIG, "    source: pricing\n", "    source: constructor\n");
    ds.replace(CONFIG, "    source: pricing\n", "    source: constructor\n");
    ds.replace(CONFIG, "    source: pricing\n", "    source: constructor\n");
    await expectPrepareOk(ds);
  });
});

describe("mmm prepare --force: a failed run overwrites nothing", () => {
  it("bad input with an existing table folder and --force leaves the old table as it was", async () => {
    const ds = dataset();
    await expectPrepareOk(ds);
    const before = readFileSync(join(ds.out, "table.csv"), "utf8");
    const line = ds.lineOf(PRICING, (l) => l.startsWith("2024-08-10,"));
    ds.editLine(PRICING, line, (l) => l.replace(/^([^,]*),[^,]*,/, "$1,1e300,"));
    const listing = ds.listing();
    const r = await cli(["prepare", "--config", ds.config, "--out", ds.out, "--force"]);
    expectError(r, "E_NUMBER_TOO_LARGE", { file: PRICING, line, column: "list_price" });
    expect(readFileSync(join(ds.out, "table.csv"), "utf8")).toBe(before);
    expect(ds.listing()).toEqual(listing);
  });
});

describe("mmm fit: a constant KPI that got past the data checks", () => {
  it("-> E_MODEL_DATA before any sampling, nothing written", async () => {
    const ds = dataset();
    ds.editRows(ORDERS, (f) => [f[0], "1000"]);
    ds.replace(CONFIG, "currency: USD\n", "currency: USD\nqa:\n  severity:\n    constant_kpi: warning\n");
    await expectPrepareOk(ds);
    const run = join(ds.dir, "run");
    const r = await cli([
      "fit",
      "--table",
      ds.out,
      "--out",
      run,
      "--chains",
      "1",
      "--warmup",
      "20",
      "--draws",
      "20",
      "--quiet",
    ]);
    expectError(r, "E_MODEL_DATA", { column: "new_subscriptions" }, "nothing for the model to explain");
    expect(existsSync(run)).toBe(false);
  });
});

describe("mmm prepare: dates that look right but are not", () => {
  it.each([
    ["2024-08-10 total", "('total')"],
    ["2024-08-10abc", "('abc')"],
    ["2024-08-10T25", "('T25')"],
  ])("'%s' -> E_BAD_DATE: text after the date", async (value, detail) => {
    const ds = dataset();
    const line = ds.lineOf(ORDERS, (l) => l.startsWith("2024-08-10,"));
    ds.editLine(ORDERS, line, (l) => l.replace(/^[^,]*/, value));
    await expectPrepareRejects(
      ds,
      "E_BAD_DATE",
      { file: ORDERS, line, column: "date" },
      "has text after the date",
      detail,
    );
  });

  it("a UTC offset that moves the day -> E_DATE_OFFSET; date_offsets: local accepts the day as written", async () => {
    const ds = dataset();
    const line = ds.lineOf(ORDERS, (l) => l.startsWith("2024-08-10,"));
    ds.editLine(ORDERS, line, (l) => l.replace(/^[^,]*/, "2024-08-10T23:30:00-05:00"));
    await expectPrepareRejects(
      ds,
      "E_DATE_OFFSET",
      { file: ORDERS, line, column: "date" },
      "-05:00",
      "on 2024-08-11 in UTC",
      "sources.orders.date_offsets: local",
    );
    ds.sourceOption("orders", ORDERS, "date_offsets: local");
    await expectPrepareOk(ds);
  });

  it("Excel serial day numbers -> E_BAD_DATE naming them; date_format: excel reads them", async () => {
    const ds = dataset();
    ds.editRows(ORDERS, (f) => [String(Date.parse(`${f[0]}T00:00:00Z`) / 86_400_000 + 25569), f[1]]);
    await expectPrepareRejects(
      ds,
      "E_BAD_DATE",
      { file: ORDERS, line: 2, column: "date" },
      "looks like an Excel serial day number",
      "sources.orders.date_format: excel",
    );
    ds.sourceOption("orders", ORDERS, "date_format: excel");
    await expectPrepareOk(ds);
  });
});

describe("mmm prepare: text encodings", () => {
  it("a Windows-1252 byte -> E_ENCODING with its line; encoding: windows-1252 decodes it", async () => {
    const ds = dataset();
    const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,"));
    const text = ds.read(SPEND).split("\n");
    text[line - 1] = text[line - 1].replace(",srch_nonbrand_generic,", ",srch_nonbrand_générique,");
    ds.write(SPEND, Buffer.from(text.join("\n"), "latin1"));
    await expectPrepareRejects(
      ds,
      "E_ENCODING",
      { file: SPEND, line, key: "sources.ad_spend.encoding" },
      "byte 0xE9",
      "that byte is 'é'",
      "re-save the file as UTF-8",
    );
    ds.sourceOption("ad_spend", SPEND, "encoding: windows-1252");
    await expectPrepareOk(ds);
    expect(readFileSync(join(ds.out, "campaigns.csv"), "utf8")).toContain("srch_nonbrand_générique");
  });

  it("UTF-16 with a byte-order mark is decoded, with a note", async () => {
    const ds = dataset();
    ds.write(ORDERS, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ds.read(ORDERS), "utf16le")]));
    const r = await expectPrepareOk(ds);
    expect(r.out).toContain("[text_encoding]");
    expect(r.out).toContain("UTF-16LE");
  });

  it("UTF-16 without a byte-order mark -> E_NOT_CSV naming UTF-16; encoding: utf-16le reads it", async () => {
    const ds = dataset();
    ds.write(ORDERS, Buffer.from(ds.read(ORDERS), "utf16le"));
    await expectPrepareRejects(
      ds,
      "E_NOT_CSV",
      { file: ORDERS, key: "sources.orders.path" },
      "UTF-16 text (utf-16le) without a byte-order mark",
      "encoding: utf-16le",
    );
    ds.sourceOption("orders", ORDERS, "encoding: utf-16le");
    await expectPrepareOk(ds);
  });
});
