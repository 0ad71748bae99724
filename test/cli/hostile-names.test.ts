// Names that are also JavaScript object keys (constructor, __proto__, toString, hasOwnProperty),
// emoji and accents, as sources, columns, channels, geos, currencies and controls: the whole
// pipeline (prepare → fit → optimize → scenario → lift → report) must treat them as ordinary names.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { capture } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "mmm-hostile-"));
const lab = join(root, "lab");
afterAll(() => rmSync(root, { recursive: true, force: true }));

// lab channel → hostile channel name (channel names are lower-case identifiers by the schema)
const CHANNELS: [string, string][] = [
  ["tv", "constructor"],
  ["paid_search", "hasownproperty"],
  ["paid_social", "valueof"],
  ["online_video", "tostring"],
];
// lab region → hostile geo name (geo names are free text)
const GEOS: [string, string][] = [
  ["New York", "__proto__"],
  ["Los Angeles", "constructor"],
  ["Chicago", "toString"],
  ["Dallas", "São Paulo 🌆"],
];

function rewrite(file: string, edit: (s: string) => string): void {
  writeFileSync(file, edit(readFileSync(file, "utf8")));
}

beforeAll(async () => {
  const c = capture();
  expect(await main(["simulate", "--scenario", "geo", "--seed", "2", "--out", lab], c.io)).toBe(0);
  // geos: keep five regions (a fast fit), four of them renamed, in every raw file that names one
  const kept = [...GEOS.map(([from]) => from), "Boston"];
  for (const f of ["raw/ad_spend.csv", "raw/orders.csv", "raw/regions.csv"])
    rewrite(join(lab, f), (s) => {
      const [head, ...rows] = s.split("\n");
      const col = head.split(",").indexOf("region");
      const keep = rows.filter((r) => r !== "" && kept.includes(r.split(",")[col]));
      return GEOS.reduce((t, [from, to]) => t.split(from).join(to), [head, ...keep, ""].join("\n"));
    });
  // channels: the taxonomy's channel names
  rewrite(join(lab, "taxonomy.yaml"), (s) =>
    CHANNELS.reduce(
      (t, [from, to]) => t.replace(new RegExp(`channel: ${from}$`, "gm"), `channel: ${to}`),
      s.replace(/^channels: .*$/m, ""),
    ),
  );
  // currencies: a share of the spend rows in a currency called constructor, converted by fx
  rewrite(join(lab, "raw/ad_spend.csv"), (s) =>
    s
      .split("\n")
      .map((line, i) => (i > 0 && i % 7 === 0 ? line.replace(",USD,", ",constructor,") : line))
      .join("\n"),
  );
  // sources and the KPI column: object-key names; a control named valueof
  rewrite(join(lab, "raw/orders.csv"), (s) => s.replace("new_subscriptions", "constructor"));
  rewrite(join(lab, "prepare.yaml"), (s) =>
    s
      .replace(/^ {2}orders:$/m, "  __proto__:")
      .replace(/^ {2}ad_spend:$/m, "  constructor:")
      .replace(/^ {2}regions:$/m, "  toString:")
      .replace(/source: orders/g, "source: __proto__")
      .replace(/source: ad_spend/g, "source: constructor")
      .replace(/source: regions/g, "source: toString")
      .replace(/column: new_subscriptions/, "column: constructor\n  name: subs")
      .replace("- name: promo_active", "- name: valueof")
      .replace(/^currency: USD$/m, "currency: USD\nfx:\n  constructor: 1"),
  );
}, 120_000);

describe("names that are object keys are ordinary names, end to end", () => {
  it("prepare, fit, optimize, scenario, lift and report all succeed and keep every name", async () => {
    const c = capture();
    const table = join(root, "table");
    const run = join(root, "run");
    const steps: string[][] = [
      ["prepare", "--config", join(lab, "prepare.yaml"), "--out", table],
      ["fit", "--table", table, "--out", run, "--method", "fast", "--quiet"],
      [
        "optimize",
        run,
        "--min",
        "constructor=10k/week",
        "--lock",
        "valueof",
        "--out",
        join(root, "plan.json"),
      ],
      ["scenario", run, "--plan", "constructor=+10%,hasownproperty=-10%"],
      ["lift", run, "--channel", "constructor", "--off"],
      ["report", run, "--out", join(root, "report.html"), "--validation", "none", "--quiet"],
    ];
    for (const args of steps) {
      const code = await main(args, c.io);
      expect(code, `${args[0]}: ${c.err.join("\n")}`).toBe(0);
    }
    const schema = JSON.parse(readFileSync(join(table, "table.schema.json"), "utf8"));
    const text = JSON.stringify(schema);
    for (const [, name] of [...CHANNELS, ...GEOS]) expect(text).toContain(JSON.stringify(name).slice(1, -1));
    const summary = JSON.parse(readFileSync(join(run, "summary.json"), "utf8"));
    for (const [, name] of CHANNELS) expect(Object.hasOwn(summary.channels, name), name).toBe(true);
    const plan = JSON.parse(readFileSync(join(root, "plan.json"), "utf8"));
    expect(plan.rows.map((r: { channel: string }) => r.channel)).toEqual(
      expect.arrayContaining(CHANNELS.map(([, n]) => n)),
    );
    const html = readFileSync(join(root, "report.html"), "utf8");
    for (const [, name] of CHANNELS) expect(html).toContain(`<td>${name}</td>`);
    const printed = c.out.join("\n");
    expect(printed).not.toMatch(/\bNaN\b|Infinity|\[object Object\]|function /);
  }, 240_000);
});
