// What a plan is compared with and how it lands in the data: the reference plan (the last N weeks'
// run-rate, or amounts the user gives), how a national amount splits over geos, and per-channel
// facts the guardrails need (largest week seen, recent weekly spend).

import { formatDay } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import type { MmmModel } from "../model/mmm.js";

/** The plan every other plan is compared with ("keep doing what we do"). */
export type ReferenceSpec =
  /** Each channel's average weekly spend over the last `weeks` weeks, times the horizon. */
  | { kind: "recent"; weeks: number }
  /** Horizon totals per channel, e.g. from a plan file (channels not listed: recent run-rate). */
  | { kind: "given"; amounts: ReadonlyMap<string, number>; label: string };

/** How a national amount is split over geos. */
export type GeoSplitSpec =
  /** As the channel's spend was split over the last `weeks` weeks. */
  | { kind: "spend"; weeks: number }
  /** In proportion to the geos' populations (the table's population column). */
  | { kind: "population" }
  /** Shares per geo (normalised to sum to 1). */
  | { kind: "given"; shares: ReadonlyMap<string, number>; label: string };

/** The planning horizons any plan command takes, in weeks (and the default, a quarter). */
export const HORIZON_WEEKS = { min: 1, max: 104, default: 13 } as const;

export interface HorizonSettings {
  horizonWeeks: number;
  /** Weeks after the horizon whose carryover is credited to the plan (default: longest lag − 1). */
  carryoverWeeks?: number;
  /** Default: the last `horizonWeeks` weeks' run-rate. */
  reference?: ReferenceSpec;
  /** Default: spend shares over the last 52 weeks. */
  geoSplit?: GeoSplitSpec;
  /**
   * Allocate across geos as well as channels: one plan item per channel and geo, named
   * `channel@geo`, whose reference is the channel's reference times the geo's share (geoSplit)
   * and whose guardrails are the geo's own. Bounds, locks and groups then name items.
   */
  byGeo?: boolean;
}

export interface ChannelPlanContext {
  name: string;
  c: number;
  /** Share of a national amount that goes to each geo. */
  geoSplit: Float64Array;
  /** A by-geo plan item's geo (index into the model's geos); absent for a channel-level item. */
  geo?: number;
  /** The reference plan's amount for the horizon (currency). */
  current: number;
  /** Largest weekly national spend seen in the data (currency). */
  maxWeekly: number;
  /** Average weekly national spend over the last 4 weeks (currency). */
  lastWeekly: number;
}

export interface PlanContext {
  channels: ChannelPlanContext[];
  /** The reference plan in words, for every printed table ("the last 13 weeks' run-rate …"). */
  referenceLabel: string;
  geoSplitLabel: string;
}

const DEFAULT_GEO_SPLIT_WEEKS = 52;

function weeklyNational(model: MmmModel, c: number): Float64Array {
  const { G, T } = model.data;
  const spend = model.data.channels[c].spend;
  const weekly = new Float64Array(T);
  for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) weekly[t] += spend[g * T + t];
  return weekly;
}

function sumLast(xs: Float64Array, n: number): number {
  let s = 0;
  for (let t = xs.length - n; t < xs.length; t++) s += xs[t];
  return s;
}

/** Per channel: its plan context under the settings' reference plan and geo split. */
export function planContext(model: MmmModel, settings: HorizonSettings): PlanContext {
  const d = model.data;
  const { G, T } = d;
  const H = settings.horizonWeeks;
  const reference = settings.reference ?? { kind: "recent", weeks: H };
  const split = settings.geoSplit ?? { kind: "spend", weeks: DEFAULT_GEO_SPLIT_WEEKS };
  const names = new Set(d.channels.map((c) => c.name));
  if (reference.kind === "given") {
    for (const name of reference.amounts.keys())
      if (!names.has(name))
        throw new MmmError(
          "E_BAD_OPTION",
          `The reference plan (${reference.label}) names an unknown channel '${name}'.`,
          { option: "--current" },
          `use the model's channels: ${[...names].join(", ")}`,
        );
  }
  const recentWeeks = reference.kind === "recent" ? Math.min(reference.weeks, T) : Math.min(H, T);
  const geoShares = fixedGeoShares(model, split);
  const channels = d.channels.map((ch, c) => {
    const weekly = weeklyNational(model, c);
    const given = reference.kind === "given" ? reference.amounts.get(ch.name) : undefined;
    const current = given ?? (sumLast(weekly, recentWeeks) / recentWeeks) * H;
    let geoSplit = geoShares;
    if (!geoSplit) {
      const weeks = Math.min((split as { weeks: number }).weeks, T);
      const perGeo = new Float64Array(G);
      for (let g = 0; g < G; g++) for (let t = T - weeks; t < T; t++) perGeo[g] += ch.spend[g * T + t];
      const total = perGeo.reduce((a, b) => a + b, 0);
      geoSplit = perGeo.map((v) => (total > 0 ? v / total : 1 / G));
    }
    return {
      name: ch.name,
      c,
      geoSplit,
      current,
      maxWeekly: Math.max(...weekly),
      lastWeekly: sumLast(weekly, Math.min(4, T)) / Math.min(4, T),
    };
  });
  const byGeo = settings.byGeo === true && G > 1;
  return {
    channels: byGeo ? channels.flatMap((ch) => geoItems(model, ch)) : channels,
    referenceLabel: describeReference(model, reference, H),
    geoSplitLabel: byGeo
      ? `by geo: each channel in each geo is planned on its own, from a reference split by ${describeGeoSplit(split, G)}`
      : describeGeoSplit(split, G),
  };
}

/** A channel's plan items, one per geo: the channel's reference split over geos, geo guardrails. */
function geoItems(model: MmmModel, ch: ChannelPlanContext): ChannelPlanContext[] {
  const { G, T, geos } = model.data;
  const spend = model.data.channels[ch.c].spend;
  const recent = Math.min(4, T);
  return geos.map((geo, g) => {
    const weekly = spend.subarray(g * T, (g + 1) * T);
    const geoSplit = new Float64Array(G);
    geoSplit[g] = 1;
    return {
      name: `${ch.name}@${geo}`,
      c: ch.c,
      geoSplit,
      geo: g,
      current: ch.current * ch.geoSplit[g],
      maxWeekly: Math.max(...weekly),
      lastWeekly: sumLast(weekly, recent) / recent,
    };
  });
}

/** Geo shares that do not depend on the channel (population, given), or null for spend shares. */
function fixedGeoShares(model: MmmModel, split: GeoSplitSpec): Float64Array | null {
  const d = model.data;
  if (split.kind === "spend") return null;
  if (split.kind === "population") {
    if (!d.population)
      throw new MmmError(
        "E_BAD_OPTION",
        "The geo split by population needs a population per geo, and the modeling table has none.",
        { option: "--geo-split" },
        "add geo.population to the prepare config, or split by spend (--geo-split spend:52)",
      );
    const total = d.population.reduce((a, b) => a + b, 0);
    return d.population.map((p) => p / total);
  }
  for (const geo of split.shares.keys())
    if (!d.geos.includes(geo))
      throw new MmmError(
        "E_BAD_OPTION",
        `The geo split (${split.label}) names an unknown geo '${geo}'.`,
        { option: "--geo-split" },
        `use the table's geos: ${d.geos.slice(0, 12).join(", ")}${d.geos.length > 12 ? ", …" : ""}`,
      );
  const shares = Float64Array.from(d.geos, (g) => split.shares.get(g) ?? 0);
  const total = shares.reduce((a, b) => a + b, 0);
  if (!(total > 0) || shares.some((s) => !(s >= 0) || !Number.isFinite(s)))
    throw new MmmError(
      "E_BAD_OPTION",
      `The geo split (${split.label}) must give every geo a share ≥ 0, with a positive total.`,
      { option: "--geo-split" },
      "list each geo with its share (any positive scale; shares are normalised)",
    );
  return shares.map((s) => s / total);
}

function describeReference(model: MmmModel, r: ReferenceSpec, H: number): string {
  const { weeks, T } = model.data;
  if (r.kind === "given") return `${r.label} (amounts for the ${H}-week horizon)`;
  const n = Math.min(r.weeks, T);
  return `the last ${n} weeks' run-rate (${formatDay(weeks[T - n])} to ${formatDay(weeks[T - 1])}) × ${H} weeks`;
}

function describeGeoSplit(s: GeoSplitSpec, G: number): string {
  if (G === 1) return "national";
  if (s.kind === "spend") return `each channel's spend shares over the last ${s.weeks} weeks`;
  if (s.kind === "population") return "population shares";
  return s.label;
}
