// The raw exports re-aggregate exactly to the lab's weekly table: a plain re-implementation (ISO
// weeks from the date strings, whole cents) independent of the project's data pipeline.

import { describe, expect, it } from "vitest";
import { simulateScenario } from "../../src/simulate/lab.js";
import { classify, loadTaxonomy } from "./taxonomy.js";

const DAY_MS = 86_400_000;
const { raw, table, truth } = simulateScenario("clean", 1);

/** Days since 1970-01-01 from "YYYY-MM-DD". */
function dayOf(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`bad date ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday starting the ISO week of a day. */
function mondayOf(day: number): number {
  const dow = new Date(day * DAY_MS).getUTCDay(); // 0 = Sunday
  return day - ((dow + 6) % 7);
}

const cents = (usd: string | number) => Math.round(Number(usd) * 100);
const weeks = truth.series.week;
const weekIndex = new Map(weeks.map((w, i) => [w, i]));
const firstDay = dayOf(weeks[0]);
const lastTableDay = dayOf(weeks[weeks.length - 1]) + 6;

function col(columns: string[], name: string): number {
  const i = columns.indexOf(name);
  if (i < 0) throw new Error(`no column ${name} in ${columns.join(",")}`);
  return i;
}

describe("clean seed 1: raw exports re-aggregate to the weekly table", () => {
  it("the table's weeks are consecutive Mondays", () => {
    expect(weeks).toHaveLength(table.weeks.length);
    weeks.forEach((w, i) => {
      const d = dayOf(w);
      expect(mondayOf(d)).toBe(d);
      expect(d).toBe(firstDay + 7 * i);
      expect(isoDate(d)).toBe(w);
    });
  });

  it("weekly ad spend (without the test campaign) equals the table's summed spend columns to the cent", () => {
    const { columns, rows } = raw.adSpend;
    const iDate = col(columns, "date");
    const iName = col(columns, "campaign_name");
    const iSpend = col(columns, "spend");
    const iCurrency = col(columns, "currency");
    const weekly = new Array<number>(weeks.length).fill(0);
    let testRows = 0;
    for (const r of rows) {
      expect(r[iCurrency]).toBe("USD");
      expect(String(r[iSpend])).toMatch(/^\d+\.\d{2}$/);
      if (r[iName] === "TEST_pixel_check") {
        testRows++;
        continue;
      }
      const day = dayOf(String(r[iDate]));
      if (day > lastTableDay) continue;
      const w = weekIndex.get(isoDate(mondayOf(day)));
      expect(w, `row dated ${r[iDate]} falls in a table week`).toBeDefined();
      weekly[w as number] += cents(r[iSpend]);
    }
    expect(testRows).toBe(5);
    const spendCols = table.columns.filter((c) => c.role === "spend");
    expect(spendCols).toHaveLength(truth.channels.length);
    weeks.forEach((w, t) => {
      const expected = spendCols.reduce((s, c) => s + cents(c.values[t]), 0);
      expect(weekly[t], `week ${w}`).toBe(expected);
    });
    // the table's spend columns are whole cents, and the truth's totals match them
    for (const c of spendCols)
      for (const v of c.values) expect(Math.abs(v * 100 - cents(v))).toBeLessThan(1e-6);
    const totalCents = spendCols.reduce((s, c) => s + c.values.reduce((a, v) => a + cents(v), 0), 0);
    expect(Math.abs(truth.totals.spend * 100 - totalCents)).toBeLessThan(0.5);
  });

  it("per channel (mapped by the shipped taxonomy), weekly ad spend equals each spend column to the cent", () => {
    const taxonomy = loadTaxonomy();
    const { columns, rows } = raw.adSpend;
    const iDate = col(columns, "date");
    const iName = col(columns, "campaign_name");
    const iPlatform = col(columns, "platform");
    const iSpend = col(columns, "spend");
    const weekly: Record<string, number[]> = {};
    for (const c of truth.channels) weekly[c.name] = new Array<number>(weeks.length).fill(0);
    for (const r of rows) {
      const channel = classify(taxonomy, String(r[iName]), String(r[iPlatform]));
      expect(channel, `campaign ${r[iName]}`).not.toBeNull();
      if (channel === "ignored") {
        expect(r[iName]).toBe("TEST_pixel_check");
        continue;
      }
      const day = dayOf(String(r[iDate]));
      if (day > lastTableDay) continue;
      expect(weekly[channel as string], `channel ${channel}`).toBeDefined();
      weekly[channel as string][weekIndex.get(isoDate(mondayOf(day))) as number] += cents(r[iSpend]);
    }
    for (const c of table.columns.filter((x) => x.role === "spend")) {
      weeks.forEach((w, t) => {
        expect(weekly[c.channel as string][t], `${c.channel} week ${w}`).toBe(cents(c.values[t]));
      });
    }
  });

  it("weekly orders equal the KPI column exactly", () => {
    const { columns, rows } = raw.orders;
    const iDate = col(columns, "date");
    const iKpi = col(columns, table.kpi);
    const weekly = new Array<number>(weeks.length).fill(0);
    for (const r of rows) {
      const n = r[iKpi] as number;
      expect(Number.isInteger(n) && n >= 0).toBe(true);
      const day = dayOf(String(r[iDate]));
      if (day > lastTableDay) continue;
      weekly[weekIndex.get(isoDate(mondayOf(day))) as number] += n;
    }
    const kpi = table.columns.find((c) => c.name === table.kpi);
    expect(kpi?.role).toBe("kpi");
    weeks.forEach((w, t) => {
      expect(weekly[t], `week ${w}`).toBe(kpi?.values[t]);
    });
    expect(weekly.reduce((s, x) => s + x, 0)).toBe(truth.totals.observedKpi);
    expect(weekly).toEqual(truth.series.observed);
  });

  it("the exports hold exactly 3 days after the last table week (a partial week) and none before the first", () => {
    const partial = [lastTableDay + 1, lastTableDay + 2, lastTableDay + 3].map(isoDate);
    const after = (rows: (string | number)[][], i: number) =>
      [...new Set(rows.map((r) => String(r[i])).filter((d) => dayOf(d) > lastTableDay))].sort();
    const before = (rows: (string | number)[][], i: number) =>
      rows.filter((r) => dayOf(String(r[i])) < firstDay);
    for (const t of [raw.orders, raw.adSpend, raw.pricing]) {
      const i = col(t.columns, "date");
      expect(after(t.rows, i), t.file).toEqual(partial);
      expect(before(t.rows, i), t.file).toHaveLength(0);
    }
    // orders and pricing have one row per day over the whole span
    const days = lastTableDay + 3 - firstDay + 1;
    expect(raw.orders.rows).toHaveLength(days);
    expect(raw.pricing.rows).toHaveLength(days);
    expect(truth.calendar.lastWeek).toBe(weeks[weeks.length - 1]);
  });
});
