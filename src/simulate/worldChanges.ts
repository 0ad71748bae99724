// The lab's drift world: a brand whose world changes during its last year, at weeks the truth
// records, so that refresh monitoring (input drift, the post-period review, ROI moves) can be
// scored on whether and when it notices. Three changes, each a classic of running an MMM month
// after month:
// - an effect change: one channel's true coefficient is multiplied (halved) from a week on, as
//   when creative wears out or a platform changes its auction;
// - a taxonomy change: the agency renames every campaign in its own convention, and one tactic
//   (retargeting) moves from social to display — its money is bought as display from then on;
// - a price regime: the list price is cut for good, not a step of a few dollars.

import { type DayNumber, formatDay } from "../core/dates.js";
import type { Rng } from "../core/rng.js";
import { AGENCY_PREFIXES, CASE_STYLES, dirtyName, type RealisedCampaign } from "./campaigns.js";
import type { DailyCalendars } from "./lab.js";
import type { ChannelTruthParams } from "./response.js";
import type { TruthChannel } from "./truth.js";

export interface WorldChanges {
  /** From week `week` (0-based) on, `channel`'s true coefficient is multiplied by `multiplier`. */
  effect: { channel: string; week: number; multiplier: number };
  /**
   * From week `week` on, every campaign carries the agency's new naming convention, and `share`
   * of `from`'s spend — the campaign whose name matches `tactic` — is bought as `to`, under
   * the campaign name `movedName`.
   */
  taxonomy: { week: number; from: string; to: string; tactic: RegExp; movedName: string; share: number };
  /** From week `week` on, the list price is multiplied by `factor`. */
  price: { week: number; factor: number };
}

/** What the truth says about each change (`week` is the Monday of the first changed week). */
export type TruthWorldChange =
  | {
      kind: "effect";
      week: string;
      weekIndex: number;
      channel: string;
      multiplier: number;
      /** Weekly contribution in the 13 weeks before and after the change (national, KPI units). */
      contributionBefore: number;
      contributionAfter: number;
    }
  | {
      kind: "taxonomy";
      week: string;
      weekIndex: number;
      from: string;
      to: string;
      campaignBefore: string;
      campaignAfter: string;
      /** Weekly spend moved (USD, national, mean over the weeks after the change). */
      movedPerWeek: number;
      renamedCampaigns: number;
    }
  | { kind: "price"; week: string; weekIndex: number; priceBefore: number; priceAfter: number };

/**
 * Moves `share` of the `from` channel's spend to the `to` channel from the change week on, in
 * whole cents. Returns the moved cents per geo and week (the exports book them as one campaign).
 */
export function moveTactic(
  geoCents: Record<string, Float64Array[]>,
  change: WorldChanges["taxonomy"],
): Float64Array[] {
  const from = geoCents[change.from];
  const to = geoCents[change.to];
  if (!from || !to) throw new Error(`drift world: channels ${change.from} and ${change.to} must both exist`);
  return from.map((cents, g) => {
    const moved = new Float64Array(cents.length);
    for (let w = change.week; w < cents.length; w++) {
      moved[w] = Math.round(cents[w] * change.share);
      cents[w] -= moved[w];
      to[g][w] += moved[w];
    }
    return moved;
  });
}

/** Multiplies the daily list price by `factor` from the first day of the change week on. */
export function shiftPrice(price: Float64Array, fromIndex: number, factor: number): void {
  for (let i = Math.max(0, fromIndex); i < price.length; i++)
    price[i] = Math.round(price[i] * factor * 100) / 100;
}

/** The channels as they are at the end of the history: an effect change folded into the coefficient. */
export function currentWorld(media: ChannelTruthParams[], weeks: number): ChannelTruthParams[] {
  return media.map((p) => {
    if (!p.effectChange || p.effectChange.week >= weeks) return p;
    const m = p.effectChange.multiplier;
    const { effectChange: _, ...rest } = p;
    return { ...rest, beta: p.beta.map((b) => b * m) };
  });
}

/**
 * The campaigns of the exports after the taxonomy change: every campaign takes the agency's new
 * convention (a new prefix and case) on the change day, the moved tactic stops on its old
 * channel, and a new campaign books the moved money on the new one.
 */
export function changeTaxonomy(
  campaigns: Record<string, RealisedCampaign[]>,
  change: WorldChanges["taxonomy"],
  day: DayNumber,
  rng: Rng,
): RealisedCampaign {
  const prefix = rng.pick(AGENCY_PREFIXES.filter((p) => p !== ""));
  const style = rng.pick(CASE_STYLES);
  for (const c of Object.values(campaigns).flat()) {
    // a pending mid-history rename after the change day would undo the convention: it happens at the change
    const base = c.renamedBaseName ?? c.baseName;
    const current = c.renamedName ?? c.name;
    // a channel that already used the new agency's prefix and case gets the next case style: every name changes
    const styles = [style, ...CASE_STYLES.filter((s) => s !== style)];
    c.conventionName =
      styles.map((s) => dirtyName(base, prefix, s)).find((n) => n !== current) ??
      dirtyName(base, prefix, style);
    c.conventionDay = day;
  }
  const tactic = campaigns[change.from].find((c) => change.tactic.test(c.baseName));
  if (!tactic) throw new Error(`drift world: no ${change.from} campaign matches ${change.tactic}`);
  tactic.activeUntil = day;
  const host = campaigns[change.to][0];
  const moved: RealisedCampaign = {
    channel: change.to,
    platform: host.platform,
    name: dirtyName(change.movedName, prefix, style),
    baseName: change.movedName,
    activeFrom: day,
  };
  campaigns[change.to].push(moved);
  return moved;
}

/** The name a campaign carries on a day. */
export function campaignNameOn(c: RealisedCampaign, day: DayNumber): string {
  if (c.conventionName !== undefined && c.conventionDay !== undefined && day >= c.conventionDay)
    return c.conventionName;
  return c.renamedName !== undefined && c.renameDay !== undefined && day >= c.renameDay
    ? c.renamedName
    : c.name;
}

export function campaignActive(c: RealisedCampaign, day: DayNumber): boolean {
  return (
    (c.activeFrom === undefined || day >= c.activeFrom) &&
    (c.activeUntil === undefined || day < c.activeUntil)
  );
}

interface ChangesTruthInput {
  changes: WorldChanges;
  weekStarts: DayNumber[];
  /** Weeks of history (changes after it did not happen yet). */
  weeks: number;
  channels: TruthChannel[];
  campaigns: RealisedCampaign[];
  calendars: DailyCalendars;
  /** Moved cents per geo and week. */
  moved: Float64Array[];
}

/** The truth's record of the changes that fall inside the history. */
export function worldChangesTruth(input: ChangesTruthInput): TruthWorldChange[] {
  const { changes, weekStarts, weeks, channels, campaigns, calendars, moved } = input;
  const out: TruthWorldChange[] = [];
  const { effect, taxonomy, price } = changes;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  if (taxonomy.week < weeks) {
    const day = weekStarts[taxonomy.week];
    const before = campaigns.find((c) => c.channel === taxonomy.from && c.activeUntil === day);
    const after = campaigns.find((c) => c.channel === taxonomy.to && c.activeFrom === day);
    const perWeek: number[] = [];
    for (let w = taxonomy.week; w < weeks; w++) perWeek.push(moved.reduce((s, m) => s + m[w], 0) / 100);
    out.push({
      kind: "taxonomy",
      week: formatDay(day),
      weekIndex: taxonomy.week,
      from: taxonomy.from,
      to: taxonomy.to,
      campaignBefore: before ? campaignNameOn(before, (day - 1) as DayNumber) : "",
      campaignAfter: after ? campaignNameOn(after, day) : "",
      movedPerWeek: mean(perWeek),
      renamedCampaigns: campaigns.filter((c) => c.conventionDay === day && c.activeUntil !== day).length,
    });
  }
  if (effect.week < weeks) {
    const ch = channels.find((c) => c.name === effect.channel);
    const series = ch?.weeklyContribution ?? [];
    out.push({
      kind: "effect",
      week: formatDay(weekStarts[effect.week]),
      weekIndex: effect.week,
      channel: effect.channel,
      multiplier: effect.multiplier,
      contributionBefore: mean(series.slice(Math.max(0, effect.week - 13), effect.week)),
      contributionAfter: mean(series.slice(effect.week, effect.week + 13)),
    });
  }
  if (price.week < weeks) {
    const i = weekStarts[price.week] - calendars.firstDay;
    out.push({
      kind: "price",
      week: formatDay(weekStarts[price.week]),
      weekIndex: price.week,
      priceBefore: calendars.price[i - 1],
      priceAfter: calendars.price[i],
    });
  }
  return out.sort((a, b) => a.weekIndex - b.weekIndex);
}
