// Turns the lab's weekly world into the raw daily exports a real brand has: ad-platform spend by
// day and campaign (dirty names, renames, an ignorable test campaign, the platforms' own biased
// attributed conversions: see attribution.ts), orders by day, and the price/promotion calendar. Weekly totals split into days
// and campaigns in whole cents and whole orders, so re-aggregating them is exact.

import { type DayNumber, formatDay } from "../core/dates.js";
import { apportion, type Rng } from "../core/rng.js";
import { catalogueFor, type RealisedCampaign, realiseCampaigns } from "./campaigns.js";
import type { DailyCalendars, GeoInfo } from "./lab.js";
import type { ScenarioSpec } from "./scenarios.js";
import { campaignActive, campaignNameOn, changeTaxonomy, type WorldChanges } from "./worldChanges.js";

export interface RawTable {
  /** File name the table is written to (inside the dataset's raw/ folder). */
  file: string;
  columns: string[];
  rows: (string | number)[][];
}

export interface RawExports {
  adSpend: RawTable;
  orders: RawTable;
  pricing: RawTable;
  regions: RawTable | null;
  /** Impressions per channel, geo and week, summed from the exported daily rows. */
  weeklyImpressions: Record<string, Float64Array[]>;
  /** Attributed conversions per channel as exported, summed over geos, per week. */
  weeklyAttributed: Record<string, Float64Array>;
  campaigns: (RealisedCampaign & { renameDate?: string })[];
}

const DIGITAL_WEEKDAY_PROFILE = [1.1, 1.08, 1.05, 1.02, 0.95, 0.88, 0.92];
const FLAT_WEEKDAY_PROFILE = [1, 1, 1, 1, 1, 1, 1];
const ORDERS_WEEKDAY_PROFILE = [1.12, 1.08, 1.04, 1.0, 0.92, 0.88, 0.96];
const OFFLINE = new Set(["tv", "ctv", "radio", "ooh", "podcast"]);

interface ExportInput {
  spec: ScenarioSpec;
  geos: GeoInfo[];
  weekStarts: DayNumber[];
  firstDay: DayNumber;
  lastDay: DayNumber;
  geoCents: Record<string, Float64Array[]>;
  orders: Float64Array[];
  /** What each platform claims per channel, geo and week (expected conversions; see attribution.ts). */
  platformClaims: Record<string, Float64Array[]>;
  calendars: DailyCalendars;
  rng: Rng;
  /** The drift world's taxonomy change: from `day` on, `moved` cents (per geo and week) are booked as one new campaign. */
  taxonomyChange?: { change: WorldChanges["taxonomy"]; day: DayNumber; moved: Float64Array[] };
}

export function buildRawExports(input: ExportInput): RawExports {
  const { spec, geos, weekStarts, firstDay, lastDay, geoCents, orders, platformClaims, calendars, rng } =
    input;
  const taxonomyChange = input.taxonomyChange;
  const G = geos.length;
  const W = weekStarts.length;
  const isGeo = G > 1;
  const crng = rng.fork("campaigns");
  const campaigns: Record<string, RealisedCampaign[]> = {};
  for (const ch of spec.channels)
    campaigns[ch.name] = realiseCampaigns(
      ch.name,
      crng,
      firstDay,
      lastDay,
      isGeo ? 2 : Number.POSITIVE_INFINITY,
    );
  const movedCampaign = taxonomyChange
    ? changeTaxonomy(campaigns, taxonomyChange.change, taxonomyChange.day, rng.fork("taxonomy-change"))
    : undefined;

  // daily orders per geo: each week's count split over its days
  const orng = rng.fork("orders");
  const dailyOrders: Float64Array[] = geos.map(() => new Float64Array(W * 7));
  for (let g = 0; g < G; g++) {
    for (let w = 0; w < W; w++) {
      const weights = ORDERS_WEEKDAY_PROFILE.map((p) => p * orng.logNormal(0, 0.03));
      orng.multinomial(orders[g][w], weights).forEach((n, d) => {
        dailyOrders[g][w * 7 + d] = n;
      });
    }
  }

  const weeklyImpressions: Record<string, Float64Array[]> = {};
  for (const ch of spec.channels) weeklyImpressions[ch.name] = geos.map(() => new Float64Array(W));
  const claimCarry = new Map<string, number>();
  const weeklyAttributed: Record<string, Float64Array> = {};
  for (const ch of spec.channels) weeklyAttributed[ch.name] = new Float64Array(W);

  const srng = rng.fork("spend-rows");
  // campaign mix drifts slowly: a log random walk of weights per channel
  const mix: Record<string, number[]> = {};
  for (const ch of spec.channels) mix[ch.name] = campaigns[ch.name].map(() => srng.gamma(3));
  const rows: (string | number)[][] = [];
  for (let w = 0; w < W; w++) {
    // cents[d][g] = list of [channel, campaign index, cents]
    const dayCells: { g: number; ch: string; k: number; cents: number }[][] = Array.from(
      { length: 7 },
      () => [],
    );
    for (const ch of spec.channels) {
      mix[ch.name] = mix[ch.name].map((m) => m * srng.logNormal(0, 0.1));
      const profile = OFFLINE.has(ch.name) ? FLAT_WEEKDAY_PROFILE : DIGITAL_WEEKDAY_PROFILE;
      for (let g = 0; g < G; g++) {
        const total = geoCents[ch.name][g][w];
        if (total === 0) continue;
        const list = campaigns[ch.name];
        // a moved tactic's cents are booked whole to its campaign; the rest split by the mix over the campaigns running
        const fixed = list.map((c) =>
          c === movedCampaign && taxonomyChange ? taxonomyChange.moved[g][w] : 0,
        );
        const rest = total - fixed.reduce((a, b) => a + b, 0);
        const weights = mix[ch.name].map((m, k) =>
          fixed[k] > 0 || list[k] === movedCampaign || !campaignActive(list[k], weekStarts[w]) ? 0 : m,
        );
        const perCampaign = (rest > 0 ? apportion(rest, weights) : weights.map(() => 0)).map(
          (c, k) => c + fixed[k],
        );
        perCampaign.forEach((cents, k) => {
          if (cents === 0) return;
          const daily = apportion(
            cents,
            profile.map((p) => p * srng.logNormal(0, 0.05)),
          );
          daily.forEach((c, d) => {
            if (c > 0) dayCells[d].push({ g, ch: ch.name, k, cents: c });
          });
        });
      }
    }
    for (let d = 0; d < 7; d++) {
      const day = weekStarts[w] + d;
      if (day > lastDay) break;
      const cells = dayCells[d]
        .map((cell) => ({ ...cell, campaign: campaigns[cell.ch][cell.k] }))
        .sort(
          (a, b) =>
            a.campaign.platform.localeCompare(b.campaign.platform) ||
            campaignNameOn(a.campaign, day).localeCompare(campaignNameOn(b.campaign, day)) ||
            a.g - b.g,
        );
      for (const cell of cells) {
        const cat = catalogueFor(cell.ch);
        const usd = cell.cents / 100;
        const impressions = Math.round((usd / cat.cpm) * 1000 * srng.logNormal(0, 0.08));
        const clicks = Math.round(impressions * cat.ctr * srng.logNormal(0, 0.1));
        // the platform's weekly claim, split like the spend, with reporting noise; whole
        // conversions, the remainders carried so small cells do not round a channel's claims away
        const claimed =
          (platformClaims[cell.ch][cell.g][w] * cell.cents * srng.logNormal(0, 0.15)) /
          geoCents[cell.ch][cell.g][w];
        const key = `${cell.ch}|${cell.g}`;
        const before = claimCarry.get(key) ?? 0;
        const attributed = Math.round(before + claimed);
        claimCarry.set(key, before + claimed - attributed);
        weeklyImpressions[cell.ch][cell.g][w] += impressions;
        weeklyAttributed[cell.ch][w] += attributed;
        const row: (string | number)[] = [
          formatDay(day),
          cell.campaign.platform,
          campaignNameOn(cell.campaign, day),
        ];
        if (isGeo) row.push(geos[cell.g].name);
        row.push("USD", usd.toFixed(2), impressions, clicks, attributed);
        rows.push(row);
      }
    }
  }
  addTestCampaign(rows, spec, campaigns, geos, firstDay, lastDay, rng.fork("test-campaign"));

  const adSpend: RawTable = {
    file: "ad_spend.csv",
    columns: [
      "date",
      "platform",
      "campaign_name",
      ...(isGeo ? ["region"] : []),
      "currency",
      "spend",
      "impressions",
      "clicks",
      "platform_conversions",
    ],
    rows,
  };
  const orderRows: (string | number)[][] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const i = day - weekStarts[0];
    for (let g = 0; g < G; g++) {
      orderRows.push(
        isGeo ? [formatDay(day), geos[g].name, dailyOrders[g][i]] : [formatDay(day), dailyOrders[g][i]],
      );
    }
  }
  const pricingRows: (string | number)[][] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const i = day - calendars.firstDay;
    pricingRows.push([
      formatDay(day),
      calendars.price[i].toFixed(2),
      calendars.promo[i],
      calendars.discount[i],
    ]);
  }
  return {
    adSpend,
    orders: {
      file: "orders.csv",
      columns: ["date", ...(isGeo ? ["region"] : []), "new_subscriptions"],
      rows: orderRows,
    },
    pricing: {
      file: "pricing.csv",
      columns: ["date", "list_price", "promo_active", "promo_discount_pct"],
      rows: pricingRows,
    },
    regions: isGeo
      ? {
          file: "regions.csv",
          columns: ["region", "population"],
          rows: geos.map((g) => [g.name, g.population ?? 0]),
        }
      : null,
    weeklyImpressions,
    weeklyAttributed,
    campaigns: Object.values(campaigns)
      .flat()
      .map((c) => (c.renameDay === undefined ? c : { ...c, renameDate: formatDay(c.renameDay) })),
  };
}

/** A handful of days of an internal test campaign: a few dollars that the taxonomy must ignore. */
function addTestCampaign(
  rows: (string | number)[][],
  spec: ScenarioSpec,
  campaigns: Record<string, RealisedCampaign[]>,
  geos: GeoInfo[],
  firstDay: DayNumber,
  lastDay: DayNumber,
  rng: Rng,
): void {
  const host = campaigns[spec.channels[0].name][0];
  const days = new Set<number>();
  while (days.size < 5) days.add(rng.integer(firstDay, lastDay));
  for (const day of [...days].sort((a, b) => a - b)) {
    const row: (string | number)[] = [formatDay(day), host.platform, "TEST_pixel_check"];
    if (geos.length > 1) row.push(geos[0].name);
    row.push("USD", (rng.integer(100, 500) / 100).toFixed(2), rng.integer(10, 200), 0, 0);
    // keep the file in date order: insert before the first row of a later day
    const at = rows.findIndex((r) => (r[0] as string) > formatDay(day));
    rows.splice(at < 0 ? rows.length : at, 0, row);
  }
}
