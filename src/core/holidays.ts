// Holiday calendars built offline from the `date-holidays` rule tables, plus the retail events
// that move marketing KPIs (Black Friday, Cyber Monday), turned into weekly indicator columns.

import Holidays from "date-holidays";
import { type DayNumber, dayFromYmd, formatDay, parseDay, weekdayOf } from "./dates.js";
import { MmmError } from "./errors.js";

export interface HolidayEvent {
  /** Stable identifier used in column names, e.g. `christmas_day`, `black_friday`. */
  slug: string;
  name: string;
  day: DayNumber;
  kind: "public" | "retail";
}

export const RETAIL_EVENTS = ["black_friday", "cyber_monday"] as const;

export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/\(substitute day\)/i, "")
    .toLowerCase()
    .replace(/['\u2019]s\b/g, "s")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** Thanksgiving (4th Thursday of November) of a year, from which the retail events follow. */
function thanksgiving(year: number): DayNumber {
  const nov1 = dayFromYmd(year, 11, 1);
  const firstThursday = nov1 + ((3 - weekdayOf(nov1) + 7) % 7);
  return firstThursday + 21;
}

/** Public holidays of `country` (ISO 3166 alpha-2) and the retail events, for the years given. */
export function holidayEvents(country: string, fromYear: number, toYear: number): HolidayEvent[] {
  const calendar = new Holidays();
  if (!calendar.getCountries()[country.toUpperCase()]) {
    throw new MmmError(
      "E_HOLIDAY_COUNTRY",
      `Unknown holiday country '${country}'.`,
      { key: "calendar.holidays.country" },
      "use an ISO 3166 alpha-2 code such as US, GB, DE, FR (see docs/data-format.md)",
    );
  }
  calendar.init(country.toUpperCase(), { languages: ["en"], types: ["public"] });
  const events: HolidayEvent[] = [];
  for (let year = fromYear; year <= toYear; year++) {
    for (const h of calendar.getHolidays(year) || []) {
      // an observed day off (a Sunday holiday moved to Monday) is not when shoppers behave differently
      if (h.substitute) continue;
      const day = parseDay(h.date.slice(0, 10));
      if (day === null) continue;
      events.push({
        slug: slugify(h.name),
        name: h.name.replace(/\s*\(substitute day\)/i, ""),
        day,
        kind: "public",
      });
    }
    const tg = thanksgiving(year);
    events.push({ slug: "black_friday", name: "Black Friday", day: tg + 1, kind: "retail" });
    events.push({ slug: "cyber_monday", name: "Cyber Monday", day: tg + 4, kind: "retail" });
  }
  return events.sort((a, b) => a.day - b.day || a.slug.localeCompare(b.slug));
}

export interface WeeklyHolidays {
  /** Slugs in order of first appearance in the calendar year. */
  slugs: string[];
  names: Record<string, string>;
  /** indicator[slug][w] = 1 when the event falls in week w (7 days from weekStarts[w]). */
  indicator: Record<string, Float64Array>;
  /** The dated events inside the span, for the lineage record and reports. */
  events: { slug: string; date: string }[];
}

/**
 * Weekly 0/1 indicators of holiday events. Only events that occur inside the weeks are kept, and
 * `only` (if given) restricts the slugs; an unknown slug in `only` is an error naming it.
 */
export function weeklyHolidays(weekStarts: DayNumber[], country: string, only?: string[]): WeeklyHolidays {
  if (weekStarts.length === 0) return { slugs: [], names: {}, indicator: {}, events: [] };
  const first = weekStarts[0];
  const last = weekStarts[weekStarts.length - 1] + 6;
  const fromYear = Number(formatDay(first).slice(0, 4));
  const toYear = Number(formatDay(last).slice(0, 4));
  const all = holidayEvents(country, fromYear - 1, toYear + 1);
  if (only) {
    const known = new Set(all.map((e) => e.slug));
    for (const slug of only) {
      if (!known.has(slug)) {
        throw new MmmError(
          "E_HOLIDAY_EVENT",
          `Holiday event '${slug}' is not in the ${country} calendar.`,
          { key: "calendar.holidays.events" },
          `choose from: ${[...known].sort().join(", ")}`,
        );
      }
    }
  }
  const keep = only ? new Set(only) : null;
  const weekIndex = new Map(weekStarts.map((w, i) => [w, i]));
  const indicator: Record<string, Float64Array> = {};
  const names: Record<string, string> = {};
  const slugs: string[] = [];
  const events: { slug: string; date: string }[] = [];
  for (const e of all) {
    if (e.day < first || e.day > last || (keep && !keep.has(e.slug))) continue;
    // find the week holding this day: week starts are 7 days apart
    const w = weekIndex.get(e.day - ((((e.day - first) % 7) + 7) % 7));
    if (w === undefined) continue;
    if (!indicator[e.slug]) {
      indicator[e.slug] = new Float64Array(weekStarts.length);
      names[e.slug] = e.name;
      slugs.push(e.slug);
    }
    indicator[e.slug][w] = 1;
    events.push({ slug: e.slug, date: formatDay(e.day) });
  }
  return { slugs, names, indicator, events };
}
