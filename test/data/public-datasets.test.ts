// Every config in examples/datasets/ prepares a public third-party MMM dataset (shared/datasets/,
// beside the repo). Each run is checked against facts recomputed from the raw CSV (KPI and spend
// totals, geos, weeks) and against the numbers stated in the dataset's README. Skipped, with the
// reason, when shared/datasets is not there.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { formatDay } from "../../src/core/dates.js";
import { column, type ModelingTable } from "../../src/core/modelingTable.js";
import { type LoadedConfig, loadPrepareConfig } from "../../src/data/config.js";
import { type PrepareResult, prepare } from "../../src/data/prepare.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const EXAMPLES = join(ROOT, "examples/datasets");
const SHARED = resolve(ROOT, "../shared/datasets");
const HAVE_SHARED = existsSync(SHARED);

/** A README number as written ("3.09M", "109.44", "15.69B"): its value and half its last digit. */
function stated(text: string): { value: number; tolerance: number } {
  const m = /^([\d,]+)(?:\.(\d+))?([kMB]?)$/.exec(text);
  if (!m) throw new Error(`cannot read stated number '${text}'`);
  const scale = { "": 1, k: 1e3, M: 1e6, B: 1e9 }[m[3]]!;
  const decimals = m[2]?.length ?? 0;
  const value = Number(`${m[1].replaceAll(",", "")}.${m[2] ?? "0"}`) * scale;
  return { value, tolerance: 0.5 * 10 ** -decimals * scale };
}

function expectStated(actual: number, text: string): void {
  const { value, tolerance } = stated(text);
  expect(Math.abs(actual - value), `${actual} should round to the README's ${text}`).toBeLessThanOrEqual(
    tolerance * (1 + 1e-9),
  );
}

/** Relative equality for sums of the same numbers added in a different order. */
function expectSameSum(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs raw ${expected}`).toBeLessThanOrEqual(
    1e-9 * Math.max(1, Math.abs(expected)),
  );
}

/** What each dataset's README says, and what its config promises. */
interface Facts {
  weeks: number;
  geos: number;
  first: string;
  last: string;
  weekStart: ModelingTable["weekStart"];
  channels: string[];
  /** Channels with an exposure column but no spend (organic). */
  organic?: string[];
  controls?: string[];
  holidayCountry?: string;
  /** README totals, written as in the README. */
  readme?: { kpi?: string; spend?: Record<string, string>; totalSpend?: string; revenue?: string };
  /** Extra dataset-specific assertions. */
  extra?: (r: PrepareResult) => void;
}

const MERIDIAN_SPAN = { weeks: 156, first: "2021-01-25", last: "2024-01-15", weekStart: "monday" } as const;

const FACTS: Record<string, Facts> = {
  "pymc-marketing-example": {
    weeks: 179,
    geos: 1,
    first: "2018-04-02",
    last: "2021-08-30",
    weekStart: "monday",
    channels: ["x1", "x2"],
    controls: ["event_1", "event_2"],
    extra: ({ table }) => {
      // each event is a single week (README: 2019-05-13 and 2020-09-14)
      for (const [name, week] of [
        ["event_1", "2019-05-13"],
        ["event_2", "2020-09-14"],
      ]) {
        const on = [...column(table, name).values.entries()].filter(([, v]) => v === 1);
        expect(on.map(([t]) => formatDay(table.weeks[t]))).toEqual([week]);
      }
      // calendar helpers are not carried over
      expect(table.columns.map((c) => c.name)).not.toContain("t");
      expect(table.columns.map((c) => c.name)).not.toContain("dayofyear");
    },
  },
  "pymc-marketing-roas-confounded": {
    weeks: 131,
    geos: 1,
    first: "2021-10-02",
    last: "2024-03-30",
    weekStart: "saturday",
    channels: ["x1", "x2"],
    controls: [],
    readme: { kpi: "48,739.7", spend: { x1: "109.44", x2: "39.13" } },
    extra: ({ table, qa }) => {
      // only date, x1, x2, y go in; the truth columns stay out of the table
      expect(table.columns.map((c) => c.name).sort()).toEqual(["spend_x1", "spend_x2", "y"]);
      // y01 = y − 100·x1_effect is truth; the leakage check must point at it
      expect(qa.findings.some((f) => f.check === "leakage" && f.where?.column === "y01")).toBe(true);
    },
  },
  "amss-vignette": {
    weeks: 156,
    geos: 1,
    // arbitrary origin: week 1 = 2017-01-02, so weeks 53…208 run 2018-01-01 … 2020-12-21
    first: "2018-01-01",
    last: "2020-12-21",
    weekStart: "monday",
    channels: ["tv", "search"],
    controls: [],
    readme: { kpi: "15.69B", spend: { tv: "135M", search: "55.0M" } },
    extra: ({ table }) => {
      expect(table.columns.map((c) => c.name)).not.toContain("market.rate");
      expect(table.columns.filter((c) => c.role === "holiday")).toHaveLength(0);
    },
  },
  "robyn-simulated-weekly": {
    weeks: 208,
    geos: 1,
    first: "2015-11-23",
    last: "2019-11-11",
    weekStart: "monday",
    channels: ["tv", "ooh", "print", "facebook", "search", "newsletter"],
    organic: ["newsletter"],
    controls: ["competitor_sales", "events_event1", "events_event2"],
    holidayCountry: "DE",
    // The README's totals line reads "facebook 1.23M, search 0.45M": the two are swapped there. The
    // file (facebook_S Σ 446,297; search_S Σ 1,230,427) and the README's own ranges and Robyn's spend
    // shares (facebook 2.7 %, search 6.4 %) agree with the values below.
    readme: {
      kpi: "379M",
      spend: { tv: "3.09M", ooh: "8.99M", print: "0.78M", facebook: "0.45M", search: "1.23M" },
      totalSpend: "14.53M",
    },
    extra: ({ table }) => {
      const weeksOn = (name: string) =>
        [...column(table, name).values.entries()].filter(([, v]) => v === 1).map(([t]) => table.weeks[t]);
      expect(weeksOn("events_event1").map(formatDay)).toEqual(["2018-05-21"]);
      expect(weeksOn("events_event2").map(formatDay)).toEqual(["2019-04-22"]);
      // Prophet's DE calendar for these years: nine national holidays plus Reformation Day 2017
      const holidays = table.columns.filter((c) => c.role === "holiday").map((c) => c.name);
      expect(holidays).toHaveLength(10);
      expect(holidays).toContain("holiday_whit_monday");
      expect(weeksOn("holiday_reformation_day").map(formatDay)).toEqual(["2017-10-30"]);
      // facebook and search carry their exposure metrics with the right units
      expect(column(table, "exposure_facebook").unit).toBe("impressions");
      expect(column(table, "exposure_search").unit).toBe("clicks");
      expect(column(table, "exposure_newsletter").unit).toBe("sends");
    },
  },
  "meridian-geo-all-channels": {
    ...MERIDIAN_SPAN,
    geos: 40,
    channels: ["channel0", "channel1", "channel2", "channel3", "channel4", "organic_channel0"],
    organic: ["organic_channel0"],
    controls: ["competitor_sales", "sentiment_score", "promo"],
    // Meridian's Getting Started summary: spend per channel, total spend 219.5M and total observed
    // revenue (Σ conversions × revenue_per_conversion) 1,318.7M
    readme: {
      spend: {
        channel0: "40.50M",
        channel1: "31.32M",
        channel2: "12.08M",
        channel3: "87.86M",
        channel4: "47.73M",
      },
      totalSpend: "219.5M",
      revenue: "1,318.7M",
    },
    extra: ({ table }) => {
      expect(table.columns.map((c) => c.name)).not.toContain("_col0");
    },
  },
  "meridian-geo-media": {
    ...MERIDIAN_SPAN,
    geos: 20,
    channels: ["channel0", "channel1", "channel2", "channel3"],
    controls: ["competitor_activity", "sentiment_score"],
  },
  "meridian-geo-media-rf": {
    ...MERIDIAN_SPAN,
    geos: 20,
    channels: ["channel0", "channel1", "channel2", "channel3"],
    controls: ["competitor_activity", "sentiment_score"],
    extra: ({ table }) => {
      // Channel3 by impressions; reach and frequency are left out
      expect(table.channels.find((c) => c.name === "channel3")?.exposure).toBe("exposure_channel3");
      expect(table.columns.some((c) => /reach|frequency/i.test(c.name))).toBe(false);
    },
  },
  "meridian-geo-full-funnel": {
    ...MERIDIAN_SPAN,
    geos: 20,
    channels: ["awareness_video", "performance_display", "performance_native"],
    controls: ["branded_gqv", "generic_gqv"],
  },
  "meridian-national-all-channels": {
    ...MERIDIAN_SPAN,
    geos: 1,
    channels: ["channel0", "channel1", "channel2", "channel3", "channel4", "organic_channel0"],
    organic: ["organic_channel0"],
    controls: ["competitor_sales", "sentiment_score", "promo"],
    // the national file is the sum of geo_all_channels, so the same README totals hold
    readme: {
      spend: {
        channel0: "40.50M",
        channel1: "31.32M",
        channel2: "12.08M",
        channel3: "87.86M",
        channel4: "47.73M",
      },
      totalSpend: "219.5M",
    },
  },
  "meridian-national-media": {
    ...MERIDIAN_SPAN,
    geos: 1,
    channels: ["channel0", "channel1", "channel2", "channel3"],
    controls: ["competitor_activity", "sentiment_score"],
  },
  "meridian-national-media-rf": {
    ...MERIDIAN_SPAN,
    geos: 1,
    channels: ["channel0", "channel1", "channel2", "channel3"],
    controls: ["competitor_activity", "sentiment_score"],
  },
};

const CONFIGS = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.replace(/\.yaml$/, ""))
  .sort();

type RawRow = Record<string, string>;
const rawCache = new Map<string, RawRow[]>();
function raw(loaded: LoadedConfig, source: string): RawRow[] {
  const path = resolve(loaded.baseDir, loaded.config.sources[source].path);
  let rows = rawCache.get(path);
  if (!rows) {
    rows = parse(readFileSync(path, "utf8"), {
      columns: true,
      bom: true,
      skip_empty_lines: true,
    }) as RawRow[];
    rawCache.set(path, rows);
  }
  return rows;
}
function rawSum(rows: RawRow[], col: string): number {
  let s = 0;
  for (const r of rows) {
    const v = Number(r[col]);
    if (!Number.isFinite(v)) throw new Error(`raw column '${col}' holds '${r[col]}'`);
    s += v;
  }
  return s;
}
const total = (values: Float64Array) => values.reduce((s, v) => s + v, 0);
/** Registers a test only where it applies (a national file has no geos to check). */
function itWhere(applies: boolean, name: string, fn: () => void): void {
  if (applies) it(name, fn);
}

describe("examples/datasets", () => {
  it("has a README-facts entry for every config, and a config for every entry", () => {
    expect(CONFIGS).toEqual(Object.keys(FACTS).sort());
  });
});

describe.skipIf(!HAVE_SHARED)(
  HAVE_SHARED
    ? "public datasets through mmm prepare"
    : `public datasets through mmm prepare — SKIPPED: ${SHARED} not found (put shared/datasets beside the repo)`,
  () => {
    describe.each(CONFIGS)("%s", (name) => {
      const facts = FACTS[name];
      let loaded: LoadedConfig;
      let result: PrepareResult;
      let table: ModelingTable;
      beforeAll(async () => {
        loaded = loadPrepareConfig(join(EXAMPLES, `${name}.yaml`));
        result = await prepare(loaded);
        table = result.table;
      });

      it("passes QA (warnings allowed)", () => {
        expect(result.qa.status, JSON.stringify(result.qa.findings, null, 1)).not.toBe("fail");
        expect(result.qa.counts.error).toBe(0);
      });

      it("has the README's weeks, geos and calendar", () => {
        expect(table.weeks).toHaveLength(facts.weeks);
        expect(table.geos).toHaveLength(facts.geos);
        expect(formatDay(table.weeks[0])).toBe(facts.first);
        expect(formatDay(table.weeks[table.weeks.length - 1])).toBe(facts.last);
        expect(table.weekStart).toBe(facts.weekStart);
        // a complete spine: consecutive weeks, 7 days apart
        expect(table.weeks.every((w, i) => i === 0 || w - table.weeks[i - 1] === 7)).toBe(true);
        expect(table.holidayCountry).toBe(facts.holidayCountry);
        if (!facts.holidayCountry) expect(table.columns.some((c) => c.role === "holiday")).toBe(false);
      });

      it("has the expected channels and controls, and no gaps", () => {
        expect(table.channels.map((c) => c.name)).toEqual(facts.channels);
        for (const c of table.channels) {
          const organic = facts.organic?.includes(c.name) ?? false;
          expect(c.spend === undefined, `${c.name} spend`).toBe(organic);
          if (organic) expect(c.exposure, `${c.name} exposure`).toBeDefined();
        }
        if (facts.controls)
          expect(table.columns.filter((c) => c.role === "control").map((c) => c.name)).toEqual(
            facts.controls,
          );
        for (const c of table.columns)
          expect(
            c.values.every((v) => Number.isFinite(v)),
            `column ${c.name} has a NaN`,
          ).toBe(true);
      });

      it("keeps every row of the raw file: KPI, spend and exposure totals equal the raw column sums", () => {
        const { config } = loaded;
        const kpiRows = raw(loaded, config.kpi.source);
        const kpiTotal = total(column(table, table.kpi).values);
        expectSameSum(kpiTotal, rawSum(kpiRows, config.kpi.column), `KPI ${config.kpi.column}`);
        if (facts.readme?.kpi) expectStated(kpiTotal, facts.readme.kpi);
        for (const ch of config.media.channels) {
          const rows = raw(loaded, ch.source);
          const entry = table.channels.find((c) => c.name === ch.name)!;
          if (ch.spend)
            expectSameSum(
              total(column(table, entry.spend!).values),
              rawSum(rows, ch.spend),
              `spend ${ch.name}`,
            );
          if (ch.exposure)
            expectSameSum(
              total(column(table, entry.exposure!).values),
              rawSum(rows, ch.exposure),
              `exposure ${ch.name}`,
            );
        }
      });

      itWhere(
        facts.readme?.spend !== undefined || facts.readme?.totalSpend !== undefined,
        "matches the spend totals stated in the README",
        () => {
          const spendOf = (ch: string) =>
            total(column(table, table.channels.find((c) => c.name === ch)!.spend!).values);
          for (const [ch, text] of Object.entries(facts.readme?.spend ?? {})) expectStated(spendOf(ch), text);
          if (facts.readme?.totalSpend) {
            const all = table.channels.filter((c) => c.spend).reduce((s, c) => s + spendOf(c.name), 0);
            expectStated(all, facts.readme.totalSpend);
          }
        },
      );

      itWhere(
        facts.geos > 1,
        "places every geo: per-geo KPI totals and populations equal the raw file",
        () => {
          const { config } = loaded;
          const rows = raw(loaded, config.kpi.source);
          const geoCol = config.sources[config.kpi.source].geo!;
          const labels = [...new Set(rows.map((r) => r[geoCol]))];
          expect([...table.geos].sort()).toEqual(labels.sort());
          const T = table.weeks.length;
          const kpi = column(table, table.kpi).values;
          const pop = column(table, "population").values;
          for (const [g, geo] of table.geos.entries()) {
            const mine = rows.filter((r) => r[geoCol] === geo);
            expectSameSum(
              total(kpi.subarray(g * T, (g + 1) * T)),
              rawSum(mine, config.kpi.column),
              `KPI ${geo}`,
            );
            expect(pop[g * T]).toBeCloseTo(Number(mine[0][config.geo!.population!.column]), 6);
            expect(pop.subarray(g * T, (g + 1) * T).every((v) => v === pop[g * T])).toBe(true);
          }
        },
      );

      it("carries the KPI's unit value when the config names one", () => {
        const valueColumn = loaded.config.kpi.value_column;
        if (!valueColumn) {
          expect(table.columns.some((c) => c.role === "kpi_value")).toBe(false);
          return;
        }
        // one row per (geo, week), so revenue = Σ KPI × value equals the raw Σ conversions × value
        const rows = raw(loaded, loaded.config.kpi.source);
        const rawRevenue = rows.reduce(
          (s, r) => s + Number(r[loaded.config.kpi.column]) * Number(r[valueColumn]),
          0,
        );
        const kpi = column(table, table.kpi).values;
        const value = column(table, "kpi_value").values;
        const revenue = kpi.reduce((s, v, i) => s + v * value[i], 0);
        expectSameSum(revenue, rawRevenue, "revenue");
        if (facts.readme?.revenue) expectStated(revenue, facts.readme.revenue);
      });

      itWhere(facts.extra !== undefined, "holds the dataset-specific facts", () => {
        facts.extra!(result);
      });
    });
  },
);
