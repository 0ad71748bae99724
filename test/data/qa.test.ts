import { describe, expect, it } from "vitest";
import type { ModelingTable, TableColumn } from "../../src/core/modelingTable.js";
import { Rng } from "../../src/core/rng.js";
import { PrepareConfigSchema } from "../../src/data/config.js";
import { runTableChecks } from "../../src/data/qa.js";
import { buildReport, finding } from "../../src/data/qaReport.js";

const T = 104;
const qa = PrepareConfigSchema.parse({
  sources: {},
  kpi: { source: "x", column: "y" },
  media: { channels: [] },
}).qa;

function table(cols: Record<string, { role: TableColumn["role"]; values: number[] }>): ModelingTable {
  return {
    weekStart: "monday",
    weeks: Array.from({ length: T }, (_, t) => 19723 + 7 * t),
    geos: ["national"],
    geoLevel: "national",
    kpi: "y",
    currency: "USD",
    columns: Object.entries(cols).map(([name, c]) => ({
      name,
      role: c.role,
      values: Float64Array.from(c.values),
      channel: c.role === "spend" ? name.replace(/^spend_/, "") : undefined,
    })),
    channels: Object.keys(cols)
      .filter((n) => n.startsWith("spend_"))
      .map((n) => ({ name: n.slice(6), spend: n })),
  };
}

const rng = new Rng(5);
const noise = (level: number, sd: number) =>
  Array.from({ length: T }, () => level * Math.exp(rng.normal(0, sd)));
const checks = (t: ModelingTable) => runTableChecks(t, qa, []).map((f) => f.check);

describe("QA checks on the weekly table", () => {
  const y = noise(1000, 0.05);
  const a = noise(100, 0.3);

  it("passes a healthy table", () => {
    expect(
      checks(
        table({
          y: { role: "kpi", values: y },
          spend_a: { role: "spend", values: a },
          spend_b: { role: "spend", values: noise(50, 0.3) },
        }),
      ),
    ).toEqual([]);
  });

  it("flags dead, constant and sparse channels", () => {
    const sparse = a.map((v, t) => (t % 20 === 0 ? v : 0));
    const found = checks(
      table({
        y: { role: "kpi", values: y },
        spend_dead: { role: "spend", values: Array(T).fill(0) },
        spend_flat: { role: "spend", values: Array(T).fill(500) },
        spend_sparse: { role: "spend", values: sparse },
      }),
    );
    expect(found).toEqual(expect.arrayContaining(["zero_channel", "constant_channel", "sparse_channel"]));
  });

  it("flags correlated channel pairs and high VIF", () => {
    const b = a.map((v) => 2 * v * Math.exp(rng.normal(0, 0.02)));
    const c = noise(80, 0.3);
    const found = runTableChecks(
      table({
        y: { role: "kpi", values: y },
        spend_a: { role: "spend", values: a },
        spend_b: { role: "spend", values: b },
        spend_c: { role: "spend", values: c },
      }),
      qa,
      [],
    );
    const pair = found.find((f) => f.check === "collinearity_pair");
    expect(pair?.data).toMatchObject({ a: "a", b: "b" });
    expect(found.filter((f) => f.check === "collinearity_vif").map((f) => f.where?.channel)).toEqual([
      "a",
      "b",
    ]);
  });

  it("flags spikes by robust z-score and negative or zero KPI weeks", () => {
    const spiky = [...y];
    spiky[40] = 50_000;
    spiky[41] = -5;
    spiky[42] = 0;
    const found = checks(table({ y: { role: "kpi", values: spiky }, spend_a: { role: "spend", values: a } }));
    expect(found).toEqual(expect.arrayContaining(["spikes", "negative_values", "kpi_zero_weeks"]));
  });

  it("flags a control that is the KPI (error) and one that tracks it (warning), and unused leaking columns", () => {
    const attributed = y.map((v) => 0.4 * v * Math.exp(rng.normal(0, 0.01)));
    const found = runTableChecks(
      table({
        y: { role: "kpi", values: y },
        spend_a: { role: "spend", values: a },
        y_copy: { role: "control", values: y },
        conversions: { role: "control", values: attributed },
      }),
      qa,
      [
        {
          source: "ads",
          file: "ads.csv",
          column: "platform_conversions",
          weekly: Float64Array.from(attributed),
        },
      ],
    );
    expect(found.find((f) => f.check === "leaking_control")?.where?.column).toBe("y_copy");
    expect(found.filter((f) => f.check === "leakage").map((f) => f.where?.column)).toEqual([
      "conversions",
      "platform_conversions",
    ]);
  });

  it("warns on short histories", () => {
    const short = { ...table({ y: { role: "kpi", values: y }, spend_a: { role: "spend", values: a } }) };
    expect(runTableChecks(short, { ...qa, min_weeks: 156 }, []).map((f) => f.check)).toContain(
      "short_history",
    );
  });
});

describe("QA report", () => {
  it("re-grades or silences checks by id and derives the status", () => {
    const fs = [
      finding("zero_channel", "dead"),
      finding("spikes", "spike"),
      finding("campaign_rename", "renamed"),
    ];
    expect(buildReport(fs, {}, {}).status).toBe("fail");
    const downgraded = buildReport(fs, { zero_channel: "warning", spikes: "off" }, {});
    expect(downgraded.status).toBe("warn");
    expect(downgraded.counts).toEqual({ error: 0, warning: 1, info: 1 });
    expect(downgraded.findings.map((f) => f.check)).toEqual(["zero_channel", "campaign_rename"]);
  });
});
