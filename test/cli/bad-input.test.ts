// Bad input to `mmm prepare` and `mmm simulate`: every kind must end with exit code 2, a stable
// error code, a message that names the place (file, line, column, config key) and a fix line, and
// nothing written (no --out folder, no temporary sibling left behind).
//
// Each case starts from a fresh copy of a small, valid lab dataset (scenario 'short', seed 3) and
// corrupts exactly one thing.

import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./faultHelpers.js";
import {
  errorBlock,
  escapeRe,
  expectError,
  expectPrepareRejects,
  LabCase,
  type PrepareRun,
  prepareCase as prepare,
} from "./labCase.js";

let root = "";
let lab = "";
const dataset = () => new LabCase(root, lab);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "mmm-bad-input-"));
  lab = join(root, "lab");
  const r = await cli(["simulate", "--scenario", "short", "--seed", "3", "--out", lab]);
  expect(r.code, r.err).toBe(0);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function expectPrepareOk(r: PrepareRun): void {
  expect(r.code, r.err).toBe(0);
  expect(existsSync(join(r.ds.out, "table.csv"))).toBe(true);
  expect(r.ds.listing().filter((n) => n.startsWith("."))).toEqual([]);
}

const ORDERS = "raw/orders.csv";
const SPEND = "raw/ad_spend.csv";
const PRICING = "raw/pricing.csv";
const TAXONOMY = "taxonomy.yaml";
const CONFIG = "prepare.yaml";

/** The line of the orders row for a date. */
const ordersLine = (ds: LabCase, date: string) => ds.lineOf(ORDERS, (l) => l.startsWith(`${date},`));
/** Sets the value of a `date,value` orders line. */
const setKpi = (ds: LabCase, line: number, value: string) =>
  ds.editLine(ORDERS, line, (l) => l.replace(/,[^,]*$/, `,${value}`));
/** Replaces the date (first field) of a line. */
const setDate = (ds: LabCase, rel: string, line: number, date: string) =>
  ds.editLine(rel, line, (l) => l.replace(/^[^,]*/, date));
/** Replaces the spend field (5th: date,platform,campaign_name,currency,spend,…) of a spend line. */
const setSpend = (ds: LabCase, line: number, value: string) =>
  ds.editLine(SPEND, line, (l) => {
    const f = l.split(",");
    f[4] = value;
    return f.join(",");
  });

// ---------------------------------------------------------------------------------------------

describe("mmm prepare: positive control", () => {
  it("the uncorrupted copy passes and writes table.csv", async () => {
    const r = await prepare(dataset());
    expectPrepareOk(r);
    expect(r.out).toContain("QA: 0 error(s)");
  });
});

describe("mmm prepare: columns and headers", () => {
  it("KPI column renamed in the file -> E_MISSING_COLUMN listing the file's columns", async () => {
    const ds = dataset();
    ds.replace(ORDERS, "date,new_subscriptions\n", "date,subs\n");
    await expectPrepareRejects(
      ds,
      "E_MISSING_COLUMN",
      { file: ORDERS, column: "new_subscriptions", key: "kpi.column" },
      "one of the file's columns: date, subs",
    );
  });

  it("KPI column differing only in case -> E_MISSING_COLUMN suggesting the right name", async () => {
    const ds = dataset();
    ds.replace(ORDERS, "date,new_subscriptions\n", "date,New_Subscriptions\n");
    await expectPrepareRejects(
      ds,
      "E_MISSING_COLUMN",
      { file: ORDERS, column: "new_subscriptions", key: "kpi.column" },
      "the file has 'New_Subscriptions'",
      "set kpi.column: New_Subscriptions",
    );
  });

  it("date column differing only in case -> E_MISSING_COLUMN naming sources.<name>.date", async () => {
    const ds = dataset();
    ds.replace(PRICING, "date,list_price", "Date,list_price");
    await expectPrepareRejects(
      ds,
      "E_MISSING_COLUMN",
      { file: PRICING, column: "date", key: "sources.pricing.date" },
      "set sources.pricing.date: Date",
    );
  });

  it("two columns with the same name -> E_DUPLICATE_COLUMN", async () => {
    const ds = dataset();
    ds.replace(PRICING, "date,list_price,promo_active", "date,list_price,list_price");
    await expectPrepareRejects(
      ds,
      "E_DUPLICATE_COLUMN",
      { file: PRICING, line: 1, column: "list_price" },
      "positions 2 and 3",
    );
  });
});

describe("mmm prepare: dates", () => {
  it("impossible month '2024-13-01' -> E_BAD_DATE with line and column", async () => {
    const ds = dataset();
    const line = ordersLine(ds, "2024-08-10");
    setDate(ds, ORDERS, line, "2024-13-01");
    await expectPrepareRejects(
      ds,
      "E_BAD_DATE",
      { file: ORDERS, line, column: "date" },
      "'2024-13-01'",
      "YYYY-MM-DD",
    );
  });

  it("'31/01/2024' with the default format -> E_BAD_DATE pointing at sources.<name>.date_format", async () => {
    const ds = dataset();
    const line = ordersLine(ds, "2024-08-10");
    setDate(ds, ORDERS, line, "31/01/2024");
    await expectPrepareRejects(
      ds,
      "E_BAD_DATE",
      { file: ORDERS, line, column: "date" },
      "'31/01/2024'",
      "set sources.orders.date_format",
    );
  });

  it("a day that does not exist ('2024-02-30') -> E_BAD_DATE", async () => {
    const ds = dataset();
    const line = ordersLine(ds, "2024-08-10");
    setDate(ds, ORDERS, line, "2024-02-30");
    await expectPrepareRejects(ds, "E_BAD_DATE", { file: ORDERS, line, column: "date" }, "'2024-02-30'");
  });

  it("a blank date -> E_BAD_DATE asking to fill it", async () => {
    const ds = dataset();
    const line = ordersLine(ds, "2024-08-10");
    setDate(ds, ORDERS, line, "");
    await expectPrepareRejects(
      ds,
      "E_BAD_DATE",
      { file: ORDERS, line, column: "date" },
      "every row needs a date",
    );
  });

  it("wrong date_format in the config -> E_BAD_DATE on the first data line", async () => {
    const ds = dataset();
    ds.replace(
      CONFIG,
      "    path: raw/orders.csv\n    date: date\n",
      "    path: raw/orders.csv\n    date: date\n    date_format: DD/MM/YYYY\n",
    );
    await expectPrepareRejects(
      ds,
      "E_BAD_DATE",
      { file: ORDERS, line: 2, column: "date" },
      "in the format DD/MM/YYYY",
      "set sources.orders.date_format",
    );
  });

  it("date_format that is not a supported format -> E_CONFIG_SCHEMA naming the key", async () => {
    const ds = dataset();
    ds.replace(
      CONFIG,
      "    path: raw/orders.csv\n    date: date\n",
      "    path: raw/orders.csv\n    date: date\n    date_format: DD-MM-YYYY\n",
    );
    await expectPrepareRejects(
      ds,
      "E_CONFIG_SCHEMA",
      { file: ds.config, key: "sources.orders.date_format" },
      "DD/MM/YYYY",
    );
  });

  it("calendar window with no KPI data -> E_EMPTY_WINDOW naming calendar.start", async () => {
    const ds = dataset();
    ds.replace(CONFIG, "  partial_weeks: drop\n", "  partial_weeks: drop\n  start: 2027-01-04\n");
    await expectPrepareRejects(ds, "E_EMPTY_WINDOW", { file: ds.config, key: "calendar.start" });
  });

  // Regression test for a defect found in review (now fixed).
  it("a KPI date with a mistyped year names the KPI file and line (blames pricing.csv)", async () => {
    const ds = dataset();
    const line = ordersLine(ds, "2024-08-10");
    setDate(ds, ORDERS, line, "2099-08-10");
    await expectPrepareRejects(ds, "E_BAD_DATE", { file: ORDERS, line, column: "date" });
  });
});

describe("mmm prepare: currencies", () => {
  it("a EUR row without fx -> E_MIXED_CURRENCY; adding fx: {EUR: 1.1} makes the same data pass", async () => {
    const ds = dataset();
    const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,USD,"));
    ds.editLine(SPEND, line, (l) => l.replace(",USD,", ",EUR,"));
    await expectPrepareRejects(
      ds,
      "E_MIXED_CURRENCY",
      { file: SPEND, line, column: "currency" },
      "Spend in EUR",
      "add fx: { EUR: <rate to USD> }",
    );

    ds.replace(CONFIG, "currency: USD\n", "currency: USD\nfx:\n  EUR: 1.1\n");
    expectPrepareOk(await prepare(ds));
  });

  it("a blank currency cell -> E_MIXED_CURRENCY with line and column", async () => {
    const ds = dataset();
    const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,USD,"));
    ds.editLine(SPEND, line, (l) => l.replace(",USD,", ",,"));
    await expectPrepareRejects(ds, "E_MIXED_CURRENCY", { file: SPEND, line, column: "currency" }, "(blank)");
  });

  // Regression test for a defect found in review (now fixed).
  it("a blank currency cell gets a fix that does not ask for an fx rate", async () => {
    const ds = dataset();
    const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,USD,"));
    ds.editLine(SPEND, line, (l) => l.replace(",USD,", ",,"));
    const r = await expectPrepareRejects(ds, "E_MIXED_CURRENCY", { file: SPEND, line });
    expect(errorBlock(r.err)).not.toContain("fx: { XXX");
  });
});

describe("mmm prepare: duplicate keys", () => {
  /** Keeps only the Monday rows of pricing.csv and declares the source weekly. */
  const makePricingWeekly = (ds: LabCase) => {
    ds.deleteLines(
      PRICING,
      (l) => /^\d{4}-\d{2}-\d{2},/.test(l) && new Date(`${l.slice(0, 10)}T00:00:00Z`).getUTCDay() !== 1,
    );
    ds.replace(
      CONFIG,
      "    path: raw/pricing.csv\n    date: date\n",
      "    path: raw/pricing.csv\n    date: date\n    granularity: weekly\n",
    );
  };

  it("a duplicate week in a weekly source -> E_DUPLICATE_KEY naming both lines", async () => {
    const valid = dataset();
    makePricingWeekly(valid);
    expectPrepareOk(await prepare(valid)); // the weekly rewrite alone is valid

    const ds = dataset();
    makePricingWeekly(ds);
    const ls = ds.lines(PRICING);
    ls.splice(6, 0, ls[5]); // line 6 repeated as line 7
    ds.write(PRICING, ls.join("\n"));
    await expectPrepareRejects(
      ds,
      "E_DUPLICATE_KEY",
      { file: PRICING, line: 7, column: "date" },
      "Duplicate week",
      "lines 6 and 7",
    );
  });

  it("a weekly source whose rows mix weekdays -> E_WEEKLY_WEEKDAY", async () => {
    const ds = dataset();
    makePricingWeekly(ds);
    const line = ds.lineOf(PRICING, (l) => l.startsWith("2024-08-05,"));
    setDate(ds, PRICING, line, "2024-08-06");
    await expectPrepareRejects(
      ds,
      "E_WEEKLY_WEEKDAY",
      { file: PRICING, line, column: "date" },
      "2024-08-06 is a tuesday",
    );
  });

  it("a duplicate day in the daily orders file -> E_DUPLICATE_KEY naming both lines", async () => {
    const ds = dataset();
    const first = ordersLine(ds, "2024-08-18");
    const ls = ds.lines(ORDERS);
    ls.splice(first, 0, ls[first - 1].replace(/,\d+$/, ",5")); // same day, different value, next line
    ds.write(ORDERS, ls.join("\n"));
    await expectPrepareRejects(
      ds,
      "E_DUPLICATE_KEY",
      { file: ORDERS, line: first + 1, column: "date" },
      "Duplicate day",
      `lines ${first} and ${first + 1}`,
    );
  });
});

describe("mmm prepare: files that are not CSV", () => {
  const PNG = Buffer.from(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
      "1f15c4890000000d49444154789c63600000000000050001",
    "hex",
  );
  // the start of an .xlsx: a ZIP local file header for [Content_Types].xml
  const XLSX = Buffer.concat([
    Buffer.from("504b030414000600080000002100", "hex"),
    Buffer.from("[Content_Types].xml"),
  ]);

  it.each([
    ["a PNG image renamed .csv", () => PNG, "a PNG image"],
    ["an Excel .xlsx (ZIP) renamed .csv", () => XLSX, "ZIP archive (an Excel .xlsx workbook?)"],
    ["a gzip-compressed CSV", (csv: string) => gzipSync(csv), "gzip-compressed"],
    ["a PDF renamed .csv", () => Buffer.from("%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n"), "PDF document"],
  ] as const)("%s -> E_NOT_CSV", async (_name, bytes, kind) => {
    const ds = dataset();
    ds.write(ORDERS, bytes(ds.read(ORDERS)));
    await expectPrepareRejects(ds, "E_NOT_CSV", { file: ORDERS, key: "sources.orders.path" }, kind);
  });

  it("a CSV declared format: parquet -> E_NOT_PARQUET", async () => {
    const ds = dataset();
    ds.replace(CONFIG, "    path: raw/orders.csv\n", "    path: raw/orders.csv\n    format: parquet\n");
    await expectPrepareRejects(ds, "E_NOT_PARQUET", { file: ORDERS, key: "sources.orders.path" });
  });

  it("an empty file -> E_FILE_EMPTY", async () => {
    const ds = dataset();
    ds.write(PRICING, "");
    await expectPrepareRejects(ds, "E_FILE_EMPTY", { file: PRICING, key: "sources.pricing.path" });
  });

  it("a file of blank lines -> E_FILE_EMPTY", async () => {
    const ds = dataset();
    ds.write(PRICING, "\n \n\n");
    await expectPrepareRejects(ds, "E_FILE_EMPTY", { file: PRICING, key: "sources.pricing.path" });
  });

  it("a header-only file -> E_FILE_EMPTY at line 1", async () => {
    const ds = dataset();
    ds.write(ORDERS, "date,new_subscriptions\n");
    await expectPrepareRejects(
      ds,
      "E_FILE_EMPTY",
      { file: ORDERS, line: 1, key: "sources.orders.path" },
      "header but no data rows",
    );
  });
});

describe("mmm prepare: malformed CSV", () => {
  it("a ragged row with too few fields -> E_CSV_PARSE with its line", async () => {
    const ds = dataset();
    const line = ordersLine(ds, "2024-08-10");
    ds.editLine(ORDERS, line, () => "2024-08-10");
    await expectPrepareRejects(
      ds,
      "E_CSV_PARSE",
      { file: ORDERS, line, key: "sources.orders.path" },
      "expect 2, got 1",
      "as many fields as the header",
    );
  });

  it("an unquoted '$1,234.50' (one field too many) -> E_CSV_PARSE with its line", async () => {
    const ds = dataset();
    const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,"));
    setSpend(ds, line, "$1,234.50");
    await expectPrepareRejects(
      ds,
      "E_CSV_PARSE",
      { file: SPEND, line, key: "sources.ad_spend.path" },
      "expect 8, got 9",
    );
  });

  it("a stray quote inside a field -> E_CSV_PARSE with its line", async () => {
    const ds = dataset();
    const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,"));
    ds.editLine(SPEND, line, (l) => l.replace(",srch_nonbrand_generic,", ',srch_"nonbrand"_generic,'));
    await expectPrepareRejects(
      ds,
      "E_CSV_PARSE",
      { file: SPEND, line, key: "sources.ad_spend.path" },
      "check quoting",
    );
  });

  it("a quote that is never closed -> E_CSV_PARSE naming the file", async () => {
    const ds = dataset();
    const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,"));
    ds.editLine(SPEND, line, (l) => l.replace(",srch_nonbrand_generic,", ',"srch_nonbrand_generic,'));
    await expectPrepareRejects(ds, "E_CSV_PARSE", { file: SPEND, key: "sources.ad_spend.path" });
  });

  // Regression test for a defect found in review (now fixed).
  it("a quote that is never closed names the line where it opens", async () => {
    const ds = dataset();
    const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,"));
    ds.editLine(SPEND, line, (l) => l.replace(",srch_nonbrand_generic,", ',"srch_nonbrand_generic,'));
    await expectPrepareRejects(ds, "E_CSV_PARSE", { file: SPEND, line });
  });
});

describe("mmm prepare: numbers", () => {
  it("a quoted '$1,234.50' spend -> E_NOT_A_NUMBER suggesting plain numbers", async () => {
    const ds = dataset();
    const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,"));
    setSpend(ds, line, '"$1,234.50"');
    await expectPrepareRejects(
      ds,
      "E_NOT_A_NUMBER",
      { file: SPEND, line, column: "spend" },
      "'$1,234.50' is not a number",
      "remove currency symbols and thousands separators",
    );
  });

  it("a decimal comma in the KPI ('1003,5') -> E_NOT_A_NUMBER suggesting '.'", async () => {
    const ds = dataset();
    const line = ordersLine(ds, "2024-08-10");
    setKpi(ds, line, '"1003,5"');
    await expectPrepareRejects(
      ds,
      "E_NOT_A_NUMBER",
      { file: ORDERS, line, column: "new_subscriptions" },
      "use '.' as the decimal point",
    );
  });

  it("text in the exposure column -> E_NOT_A_NUMBER", async () => {
    const ds = dataset();
    const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,"));
    ds.editLine(SPEND, line, (l) => {
      const f = l.split(",");
      f[5] = "lots";
      return f.join(",");
    });
    await expectPrepareRejects(ds, "E_NOT_A_NUMBER", { file: SPEND, line, column: "impressions" }, "'lots'");
  });

  it.each([
    ["empty", ""],
    ["NA", "NA"],
    ["n/a", "n/a"],
  ])("a missing KPI value (%s) -> E_MISSING_VALUE", async (_name, value) => {
    const ds = dataset();
    const line = ordersLine(ds, "2024-08-10");
    setKpi(ds, line, value);
    await expectPrepareRejects(
      ds,
      "E_MISSING_VALUE",
      { file: ORDERS, line, column: "new_subscriptions" },
      `Missing value ('${value}')`,
    );
  });

  it("a missing control value -> E_MISSING_VALUE", async () => {
    const ds = dataset();
    const line = ds.lineOf(PRICING, (l) => l.startsWith("2024-08-10,"));
    ds.editLine(PRICING, line, (l) => l.replace(/^([^,]*),[^,]*,/, "$1,,"));
    await expectPrepareRejects(ds, "E_MISSING_VALUE", { file: PRICING, line, column: "list_price" });
  });

  // Regression test for a defect found in review (now fixed).
  it("a KPI value that overflows to Infinity ('1e999') is rejected", async () => {
    const ds = dataset();
    const line = ordersLine(ds, "2024-08-10");
    setKpi(ds, line, "1e999");
    await expectPrepareRejects(ds, "E_NOT_A_NUMBER", { file: ORDERS, line, column: "new_subscriptions" });
  });
});

describe("mmm prepare: config", () => {
  it("YAML syntax error -> E_CONFIG_YAML with the line", async () => {
    const ds = dataset();
    const line = ds.lineOf(CONFIG, (l) => l === "  column: new_subscriptions");
    ds.editLine(CONFIG, line, (l) => `${l}: [`);
    await expectPrepareRejects(ds, "E_CONFIG_YAML", { file: ds.config, line }, "not valid YAML");
  });

  it("tab indentation -> E_CONFIG_YAML with the line", async () => {
    const ds = dataset();
    const line = ds.lineOf(CONFIG, (l) => l === "  column: new_subscriptions");
    ds.editLine(CONFIG, line, (l) => l.replace(/^ {2}/, "\t"));
    await expectPrepareRejects(ds, "E_CONFIG_YAML", { file: ds.config, line }, "Tabs");
  });

  it("a config that is not a mapping -> E_CONFIG_SCHEMA", async () => {
    const ds = dataset();
    ds.write(CONFIG, "- orders\n- ad_spend\n");
    await expectPrepareRejects(ds, "E_CONFIG_SCHEMA", { file: ds.config }, "must be a YAML mapping");
  });

  it("an unknown top-level key (typo 'contrls') -> E_CONFIG_SCHEMA naming it", async () => {
    const ds = dataset();
    ds.replace(CONFIG, "\ncontrols:\n", "\ncontrls:\n");
    await expectPrepareRejects(ds, "E_CONFIG_SCHEMA", { file: ds.config }, "unknown key(s) 'contrls'");
  });

  // Regression test for a defect found in review (now fixed).
  it("a misspelt key inside a section ('kpi.colum') is named in the message", async () => {
    const ds = dataset();
    ds.replace(CONFIG, "  column: new_subscriptions\n", "  colum: new_subscriptions\n");
    await expectPrepareRejects(ds, "E_CONFIG_SCHEMA", { file: ds.config }, "'colum'");
  });

  it("a misspelt key inside a section is still an error (E_CONFIG_SCHEMA)", async () => {
    const ds = dataset();
    ds.replace(CONFIG, "  column: new_subscriptions\n", "  colum: new_subscriptions\n");
    await expectPrepareRejects(
      ds,
      "E_CONFIG_SCHEMA",
      { file: ds.config, key: "kpi" },
      "unknown key(s) 'colum'",
    );
  });

  it("a value outside the allowed options -> E_CONFIG_SCHEMA naming the key", async () => {
    const ds = dataset();
    ds.replace(CONFIG, "    aggregation: mean\n", "    aggregation: average\n");
    await expectPrepareRejects(
      ds,
      "E_CONFIG_SCHEMA",
      { file: ds.config, key: "controls.0.aggregation" },
      '"mean"',
    );
  });

  it("kpi.source naming an undefined source -> E_CONFIG_SOURCE listing the defined ones", async () => {
    const ds = dataset();
    ds.replace(CONFIG, "kpi:\n  source: orders\n", "kpi:\n  source: order\n");
    await expectPrepareRejects(
      ds,
      "E_CONFIG_SOURCE",
      { file: ds.config, key: "kpi.source" },
      "'order'",
      "defined: orders, ad_spend, pricing",
    );
  });

  it("a control naming an undefined source -> E_CONFIG_SOURCE at controls.<i>.source", async () => {
    const ds = dataset();
    ds.replace(
      CONFIG,
      "    source: pricing\n    column: promo_active\n",
      "    source: prices\n    column: promo_active\n",
    );
    await expectPrepareRejects(
      ds,
      "E_CONFIG_SOURCE",
      { file: ds.config, key: "controls.1.source" },
      "'prices'",
    );
  });

  it("a missing input file -> E_FILE_NOT_FOUND naming the config key", async () => {
    const ds = dataset();
    rmSync(ds.path(PRICING));
    await expectPrepareRejects(ds, "E_FILE_NOT_FOUND", { file: PRICING, key: "sources.pricing.path" });
  });

  it("an input path that is a folder -> E_FILE_NOT_FOUND", async () => {
    const ds = dataset();
    rmSync(ds.path(PRICING));
    mkdirSync(ds.path(PRICING));
    await expectPrepareRejects(
      ds,
      "E_FILE_NOT_FOUND",
      { file: PRICING, key: "sources.pricing.path" },
      "folder",
    );
  });

  it("a missing config file -> E_FILE_NOT_FOUND", async () => {
    const ds = dataset();
    rmSync(ds.config);
    await expectPrepareRejects(ds, "E_FILE_NOT_FOUND", { file: ds.config }, "--config");
  });
});

describe("mmm prepare: taxonomy", () => {
  it("a missing taxonomy file -> E_FILE_NOT_FOUND at media.long.taxonomy", async () => {
    const ds = dataset();
    rmSync(ds.path(TAXONOMY));
    await expectPrepareRejects(ds, "E_FILE_NOT_FOUND", { file: TAXONOMY, key: "media.long.taxonomy" });
  });

  it("an invalid regex -> E_TAXONOMY_REGEX naming the rule", async () => {
    const ds = dataset();
    ds.replace(TAXONOMY, "    campaign: 'podc?a?st", "    campaign: '(podc?a?st");
    const rules = ds.lines(TAXONOMY).filter((l) => l.startsWith("  - channel: "));
    const i = rules.indexOf("  - channel: podcast");
    await expectPrepareRejects(
      ds,
      "E_TAXONOMY_REGEX",
      { file: TAXONOMY, key: `rules.${i}.campaign` },
      "Unterminated group",
    );
  });

  it("broken YAML -> E_TAXONOMY_YAML with the line in the message", async () => {
    const ds = dataset();
    ds.replace(TAXONOMY, "\nflags: i\n", "\nflags: i\n  bad: [\n");
    await expectPrepareRejects(ds, "E_TAXONOMY_YAML", { file: TAXONOMY }, /at line \d+, column \d+/);
  });

  it("a rule without a channel -> E_TAXONOMY_SCHEMA naming the rule", async () => {
    const ds = dataset();
    const rules = ds.lines(TAXONOMY).filter((l) => l.startsWith("  - channel: "));
    const i = rules.indexOf("  - channel: radio");
    ds.replace(TAXONOMY, "  - channel: radio\n", "  - chanel: radio\n");
    await expectPrepareRejects(ds, "E_TAXONOMY_SCHEMA", { file: TAXONOMY, key: `rules.${i}.channel` });
  });

  it("a removed rule leaves a channel's campaigns unmapped -> E_QA_FAILED listing them", async () => {
    const ds = dataset();
    const ls = ds.lines(TAXONOMY);
    const at = ls.indexOf("  - channel: podcast");
    expect(ls[at + 1]).toMatch(/^ {4}campaign: /);
    ls.splice(at, 2);
    ds.write(TAXONOMY, ls.join("\n"));
    await expectPrepareRejects(
      ds,
      "E_QA_FAILED",
      { file: TAXONOMY },
      "[unmapped_campaigns]",
      "2 campaign name(s) match no taxonomy rule",
      "'podcast_hostread_comedy'",
      "'podcast_programmatic_audio'",
      "add rules to taxonomy.yaml",
    );
  });

  it("a renamed campaign with an unmatched new name -> E_QA_FAILED with the 'looks like a rename' hint", async () => {
    const ds = dataset();
    // 'agy_facebok_prospecting_broad' (paid_social) is renamed to 'AGY_Meta_AdvantagePlus_Prospecting'
    // mid-history; the new name becomes one no rule matches, from its first appearance on
    ds.replace(SPEND, ",AGY_Meta_AdvantagePlus_Prospecting,", ",ZZ_NewName_2,", true);
    await expectPrepareRejects(
      ds,
      "E_QA_FAILED",
      { file: TAXONOMY },
      "[unmapped_campaigns]",
      "'ZZ_NewName_2' (facebook_ads",
      "looks like a rename of 'agy_facebok_prospecting_broad' (paid_social)",
    );
  });
});

describe("mmm prepare: QA and coverage", () => {
  /** Deletes three mid-history days of orders (Tue–Thu of the week of 2024-10-07). */
  const dropDays = (ds: LabCase) => ds.deleteLines(ORDERS, (l) => /^2024-10-(08|09|10),/.test(l));

  it("KPI missing days inside the window -> E_QA_FAILED with missing_days", async () => {
    const ds = dataset();
    expect(dropDays(ds)).toBe(3);
    await expectPrepareRejects(
      ds,
      "E_QA_FAILED",
      { file: ORDERS, column: "date" },
      "[missing_days]",
      "2024-10-08, 2024-10-09, 2024-10-10",
      "supply the missing days",
    );
  });

  // Regression: the QA report once dropped each finding's location.
  it("KPI missing days: stderr names the KPI file", async () => {
    const ds = dataset();
    dropDays(ds);
    const r = await expectPrepareRejects(ds, "E_QA_FAILED", {}, "[missing_days]");
    expect(r.err).toContain(ORDERS);
  });

  it("a control with a week-long gap -> E_CONTROL_GAP naming file, column and control", async () => {
    const ds = dataset();
    expect(ds.deleteLines(PRICING, (l) => /^2024-09-0[2-8],/.test(l))).toBe(7);
    await expectPrepareRejects(
      ds,
      "E_CONTROL_GAP",
      { file: PRICING, column: "list_price", key: "controls.0" },
      "no value in the week of 2024-09-02",
    );
  });

  it("negative weekly spend -> E_QA_FAILED with negative_values", async () => {
    const ds = dataset();
    const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,"));
    setSpend(ds, line, "-9999999");
    await expectPrepareRejects(
      ds,
      "E_QA_FAILED",
      { column: "spend_paid_search" },
      "[negative_values]",
      "Weekly spend of 'paid_search' is negative in 1 week(s)",
      "[negative_spend_rows] 1 row(s) have negative spend",
    );
  });

  // Regression: the QA report once dropped the location of the negative row.
  it("negative spend: stderr names the spend file and line of the negative row", async () => {
    const ds = dataset();
    const line = ds.lineOf(SPEND, (l) => l.includes(",srch_nonbrand_generic,"));
    setSpend(ds, line, "-9999999");
    const r = await expectPrepareRejects(ds, "E_QA_FAILED", {}, "[negative_values]");
    expect(r.err).toMatch(new RegExp(`${escapeRe(SPEND)}, line ${line}\\b`));
  });
});

describe("mmm prepare: output folder", () => {
  it("--out is an existing non-empty folder without --force -> E_OUTPUT_EXISTS, folder untouched", async () => {
    const ds = dataset();
    mkdirSync(ds.out);
    writeFileSync(join(ds.out, "keep.txt"), "precious");
    const before = ds.listing();
    const r = await cli(["prepare", "--config", ds.config, "--out", ds.out]);
    expectError(r, "E_OUTPUT_EXISTS", { file: ds.out }, "--force");
    expect(readdirSync(ds.out)).toEqual(["keep.txt"]);
    expect(readFileSync(join(ds.out, "keep.txt"), "utf8")).toBe("precious");
    expect(ds.listing()).toEqual(before);
  });

  it("--out is an existing file -> E_OUTPUT_EXISTS, file untouched", async () => {
    const ds = dataset();
    writeFileSync(ds.out, "precious");
    const before = ds.listing();
    const r = await cli(["prepare", "--config", ds.config, "--out", ds.out, "--force"]);
    expectError(r, "E_OUTPUT_EXISTS", { file: ds.out }, "is a file");
    expect(readFileSync(ds.out, "utf8")).toBe("precious");
    expect(ds.listing()).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------

describe("mmm simulate: bad options", () => {
  /** Runs simulate into <fresh dir>/lab and checks nothing appeared in the fresh dir. */
  const simulate = async (args: string[], extra: string[] = []) => {
    const dir = mkdtempSync(join(root, "sim-"));
    const r = await cli(["simulate", ...args, "--out", join(dir, "lab"), ...extra]);
    return { ...r, dir, left: readdirSync(dir) };
  };

  it("an unknown scenario -> E_BAD_OPTION listing the scenarios, nothing written", async () => {
    const r = await simulate(["--scenario", "shortt", "--seed", "3"]);
    expectError(
      r,
      "E_BAD_OPTION",
      {},
      "Unknown scenario 'shortt'",
      "--scenario",
      /choose one of: .*\bshort\b/,
    );
    expect(r.left).toEqual([]);
  });

  it.each(["abc", "-1", "1.5", "4294967296", ""])(
    "a bad seed '%s' -> E_BAD_OPTION, nothing written",
    async (seed) => {
      const r = await simulate(["--scenario", "short", "--seed", seed]);
      expectError(r, "E_BAD_OPTION", {}, `--seed must be a whole number`, `got '${seed}'`, "e.g. --seed 1");
      expect(r.left).toEqual([]);
    },
  );

  it("an unknown --format -> E_BAD_OPTION, nothing written", async () => {
    const r = await simulate(["--scenario", "short", "--format", "xlsx"]);
    expectError(r, "E_BAD_OPTION", {}, "--format must be csv or parquet, got 'xlsx'");
    expect(r.left).toEqual([]);
  });

  it("--out is an existing non-empty folder -> E_OUTPUT_EXISTS, folder untouched", async () => {
    const dir = mkdtempSync(join(root, "sim-"));
    const out = join(dir, "lab");
    mkdirSync(out);
    writeFileSync(join(out, "keep.txt"), "precious");
    const r = await cli(["simulate", "--scenario", "short", "--out", out]);
    expectError(r, "E_OUTPUT_EXISTS", { file: out }, "--force");
    expect(readdirSync(dir)).toEqual(["lab"]);
    expect(readdirSync(out)).toEqual(["keep.txt"]);
  });

  // Regression test for a defect found in review (now fixed).
  it("a bad seed is located at the command-line option, not a 'config key'", async () => {
    const r = await simulate(["--scenario", "short", "--seed", "abc"]);
    expect(r.code).toBe(2);
    expect(errorBlock(r.err)).not.toContain("config key --seed");
  });
});
