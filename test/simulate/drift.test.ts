// The lab's drift world: the truth records three changes at known weeks and the exports carry
// them — paid search's effect halves, every campaign is renamed and retargeting moves from
// social to display (its money with it), and the list price is cut — while the raw exports still
// re-aggregate to the simulator's table per channel, and every new name maps under the shipped
// taxonomy. The monthly drops hold the history up to their last Sunday.

import { describe, expect, it } from "vitest";
import { exportDrops } from "../../src/simulate/exportDrops.js";
import { simulateScenario } from "../../src/simulate/lab.js";
import { classify, loadTaxonomy } from "./taxonomy.js";

const ds = simulateScenario("drift", 2);
const { raw, table, truth } = ds;
const changes = truth.changes ?? [];
const weekOf = (date: string) =>
  truth.series.week.findIndex(
    (w, i) => date >= w && (i + 1 >= truth.series.week.length || date < truth.series.week[i + 1]),
  );

describe("drift world", () => {
  it("records its three changes at the scenario's weeks", () => {
    expect(changes.map((c) => [c.kind, c.weekIndex])).toEqual([
      ["taxonomy", 114],
      ["effect", 122],
      ["price", 134],
    ]);
    for (const c of changes) expect(c.week).toBe(truth.series.week[c.weekIndex]);
  });

  it("halves paid search's coefficient from the change week (same spend, half the contribution)", () => {
    const effect = changes.find((c) => c.kind === "effect");
    if (effect?.kind !== "effect") throw new Error("no effect change");
    expect(effect.contributionAfter / effect.contributionBefore).toBeGreaterThan(0.35);
    expect(effect.contributionAfter / effect.contributionBefore).toBeLessThan(0.65);
    // the budget truth is for the world as it is now: the halved channel earns less at the optimum
    expect(truth.budget.optimalAllocation.paid_search).toBeLessThan(
      truth.budget.currentAllocation.paid_search,
    );
  });

  it("moves retargeting from social to display, renames every campaign, and keeps every name mapped", () => {
    const tax = changes.find((c) => c.kind === "taxonomy");
    if (tax?.kind !== "taxonomy") throw new Error("no taxonomy change");
    const taxonomy = loadTaxonomy();
    const { columns, rows } = raw.adSpend;
    const [iDate, iPlatform, iName, iSpend] = ["date", "platform", "campaign_name", "spend"].map((c) =>
      columns.indexOf(c),
    );
    const namesBefore = new Set<string>();
    const namesAfter = new Set<string>();
    const spend = { social: [0, 0], display: [0, 0], moved: 0 };
    for (const r of rows) {
      const name = String(r[iName]);
      if (name === "TEST_pixel_check") continue;
      const after = String(r[iDate]) >= tax.week;
      (after ? namesAfter : namesBefore).add(name);
      const channel = classify(taxonomy, name, String(r[iPlatform]));
      expect(channel, name).toBeTruthy();
      if (name === tax.campaignAfter) {
        expect(after).toBe(true);
        expect(channel).toBe("display");
        spend.moved += Number(r[iSpend]);
      }
      if (name === tax.campaignBefore) expect(after).toBe(false);
    }
    // no name of the old convention is used after the change
    for (const n of namesAfter) expect(namesBefore.has(n), n).toBe(false);
    expect(tax.renamedCampaigns).toBeGreaterThanOrEqual(10);
    expect(spend.moved).toBeGreaterThan(0);
    // the table (what prepare must reproduce) carries the moved money as display from the change week
    const col = (n: string) => table.columns.find((c) => c.name === n)?.values as Float64Array;
    const mean = (v: Float64Array, a: number, b: number) =>
      v.slice(a, b).reduce((s, x) => s + x, 0) / (b - a);
    expect(mean(col("spend_display"), 114, 130) / mean(col("spend_display"), 98, 114)).toBeGreaterThan(1.3);
    expect(mean(col("spend_paid_social"), 114, 130) / mean(col("spend_paid_social"), 98, 114)).toBeLessThan(
      0.85,
    );
  });

  it("cuts the list price by 15% from the price week", () => {
    const price = changes.find((c) => c.kind === "price");
    if (price?.kind !== "price") throw new Error("no price change");
    expect(price.priceAfter / price.priceBefore).toBeCloseTo(0.85, 2);
    const listPrice = table.columns.find((c) => c.name === "list_price")?.values as Float64Array;
    expect(listPrice[134] / listPrice[133]).toBeCloseTo(0.85, 2);
  });

  it("writes monthly drops that end on Sundays and hold the history up to them", () => {
    const drops = exportDrops(ds, 12);
    expect(drops.map((d) => d.weeks)).toEqual(Array.from({ length: 13 }, (_, i) => 108 + 4 * i));
    for (const d of drops) {
      expect(new Date(`${d.lastDay}T00:00:00Z`).getUTCDay()).toBe(0);
      const last = d.raw.orders.rows[d.raw.orders.rows.length - 1][0];
      expect(last).toBe(d.lastDay);
      expect(weekOf(String(last))).toBe(d.weeks - 1);
      expect(d.raw.adSpend.rows.every((r) => String(r[0]) <= d.lastDay)).toBe(true);
    }
    expect(() => exportDrops(ds, 30)).toThrow(/a year of history/);
  });

  it("leaves the other scenarios as they were (the clean brand has no changes)", () => {
    expect(simulateScenario("clean", 2).truth.changes).toBeUndefined();
  });
});
