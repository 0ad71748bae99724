// Known-answer tests for holiday calendars: US federal holidays and the retail events of 2024,
// Thanksgiving as the 4th Thursday of November, weekly indicators, and the error codes.

import { describe, expect, it } from "vitest";
import { dayFromYmd, formatDay, weekdayOf } from "../../src/core/dates.js";
import { MmmError } from "../../src/core/errors.js";
import { holidayEvents, RETAIL_EVENTS, slugify, weeklyHolidays } from "../../src/core/holidays.js";

const dated = (events: { slug: string; day: number }[], slug: string) =>
  events.filter((e) => e.slug === slug).map((e) => formatDay(e.day));

function mondayWeeks(from: string, count: number, step = 7): number[] {
  const [y, m, d] = from.split("-").map(Number);
  const start = dayFromYmd(y, m, d);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

describe("slugify", () => {
  it("turns holiday names into stable identifiers", () => {
    expect(slugify("Christmas Day")).toBe("christmas_day");
    expect(slugify("New Year's Day")).toBe("new_years_day");
    expect(slugify("Martin Luther King Jr. Day")).toBe("martin_luther_king_jr_day");
    expect(slugify("Washington's Birthday")).toBe("washingtons_birthday");
    expect(slugify("Christmas Day (substitute day)")).toBe("christmas_day");
    expect(slugify("Boxing Day (Substitute Day)")).toBe("boxing_day");
    expect(slugify("Fête Nationale")).toBe("fete_nationale");
    expect(slugify("Día de la Independencia")).toBe("dia_de_la_independencia");
    expect(slugify("  Black -- Friday!! ")).toBe("black_friday");
    expect(slugify("May 1st")).toBe("may_1st");
    expect(slugify("")).toBe("");
  });

  // Regression test; the bug was: only the ASCII apostrophe is folded, so date-holidays' "St. Patrick’s Day" (U+2019,
  // used for IE) becomes `st_patrick_s_day` while "St. Patrick's Day" becomes `st_patricks_day`.
  it("folds a typographic apostrophe like an ASCII one", () => {
    expect(slugify("St. Patrick\u2019s Day")).toBe(slugify("St. Patrick's Day"));
  });
});

describe("holidayEvents", () => {
  const us2024 = holidayEvents("US", 2024, 2024);

  it("has the 2024 US dates", () => {
    expect(dated(us2024, "new_years_day")).toEqual(["2024-01-01"]);
    expect(dated(us2024, "martin_luther_king_jr_day")).toEqual(["2024-01-15"]);
    expect(dated(us2024, "memorial_day")).toEqual(["2024-05-27"]);
    expect(dated(us2024, "independence_day")).toEqual(["2024-07-04"]);
    expect(dated(us2024, "thanksgiving_day")).toEqual(["2024-11-28"]);
    expect(dated(us2024, "black_friday")).toEqual(["2024-11-29"]);
    expect(dated(us2024, "cyber_monday")).toEqual(["2024-12-02"]);
    expect(dated(us2024, "christmas_day")).toEqual(["2024-12-25"]);
  });

  it("marks retail events as retail and the rest as public, with readable names", () => {
    for (const e of us2024) {
      expect(e.kind).toBe((RETAIL_EVENTS as readonly string[]).includes(e.slug) ? "retail" : "public");
      expect(e.name).not.toMatch(/substitute/i);
      expect(slugify(e.name)).toBe(e.slug);
    }
    expect(us2024.find((e) => e.slug === "black_friday")?.name).toBe("Black Friday");
  });

  it("is sorted by day and covers the requested years only", () => {
    const events = holidayEvents("US", 2022, 2024);
    for (let i = 1; i < events.length; i++) expect(events[i].day).toBeGreaterThanOrEqual(events[i - 1].day);
    expect(events[0].day).toBeGreaterThanOrEqual(dayFromYmd(2022, 1, 1));
    expect(events[events.length - 1].day).toBeLessThanOrEqual(dayFromYmd(2024, 12, 31));
  });

  it("puts Thanksgiving on the 4th Thursday, Black Friday the day after, Cyber Monday 4 days after", () => {
    const known: Record<number, string> = {
      2019: "2019-11-28",
      2020: "2020-11-26",
      2021: "2021-11-25",
      2022: "2022-11-24",
      2023: "2023-11-23",
      2025: "2025-11-27",
      2026: "2026-11-26",
    };
    const events = holidayEvents("US", 2010, 2030);
    for (let year = 2010; year <= 2030; year++) {
      const bf = events.filter((e) => e.slug === "black_friday" && formatDay(e.day).startsWith(String(year)));
      const cm = events.filter((e) => e.slug === "cyber_monday" && formatDay(e.day).startsWith(String(year)));
      const tg = events.filter(
        (e) => e.slug === "thanksgiving_day" && formatDay(e.day).startsWith(String(year)),
      );
      expect(bf.length).toBe(1);
      expect(cm.length).toBe(1);
      expect(tg.length).toBe(1);
      // cross-check against the date-holidays rule table
      expect(bf[0].day - tg[0].day).toBe(1);
      expect(cm[0].day - tg[0].day).toBe(4);
      expect(weekdayOf(tg[0].day)).toBe(3);
      expect(weekdayOf(bf[0].day)).toBe(4);
      expect(weekdayOf(cm[0].day)).toBe(0);
      const dom = Number(formatDay(tg[0].day).slice(8));
      expect(dom >= 22 && dom <= 28).toBe(true);
      if (known[year]) expect(formatDay(tg[0].day)).toBe(known[year]);
    }
  });

  it("adds the retail events for other countries too and knows GB bank holidays", () => {
    const gb = holidayEvents("gb", 2024, 2024); // case-insensitive country code
    expect(dated(gb, "black_friday")).toEqual(["2024-11-29"]);
    expect(dated(gb, "boxing_day")).toEqual(["2024-12-26"]);
    expect(dated(gb, "good_friday")).toEqual(["2024-03-29"]);
    expect(dated(gb, "easter_monday")).toEqual(["2024-04-01"]);
  });

  it("throws E_HOLIDAY_COUNTRY for an unknown country, pointing at the config key", () => {
    let caught: unknown;
    try {
      holidayEvents("XX", 2024, 2024);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(MmmError);
    const err = caught as MmmError;
    expect(err.code).toBe("E_HOLIDAY_COUNTRY");
    expect(err.message).toContain("'XX'");
    expect(err.where.key).toBe("calendar.holidays.country");
    expect(err.fix).toMatch(/ISO 3166/);
  });
});

describe("weeklyHolidays", () => {
  const weeks2024 = mondayWeeks("2024-01-01", 53); // 2024-01-01 … 2024-12-30, all Mondays

  it("puts each 2024 US event in the Monday week that holds it", () => {
    const wh = weeklyHolidays(weeks2024, "US");
    const weekOf = (slug: string) => {
      const ind = wh.indicator[slug];
      const hits = Array.from(ind.keys()).filter((i) => ind[i] === 1);
      return hits.map((i) => formatDay(weeks2024[i]));
    };
    expect(weekOf("christmas_day")).toEqual(["2024-12-23"]);
    expect(weekOf("thanksgiving_day")).toEqual(["2024-11-25"]);
    expect(weekOf("black_friday")).toEqual(["2024-11-25"]);
    expect(weekOf("cyber_monday")).toEqual(["2024-12-02"]);
    // the last week (2024-12-30 … 2025-01-05) holds New Year's Day 2025
    expect(weekOf("new_years_day")).toEqual(["2024-01-01", "2024-12-30"]);
    expect(weekOf("independence_day")).toEqual(["2024-07-01"]);
    expect(wh.names.black_friday).toBe("Black Friday");
    expect(wh.events).toContainEqual({ slug: "christmas_day", date: "2024-12-25" });
    expect(wh.events).toContainEqual({ slug: "cyber_monday", date: "2024-12-02" });
  });

  it("has 0/1 indicators of the right length, one per slug, slugs in order of appearance", () => {
    const wh = weeklyHolidays(weeks2024, "US");
    expect(Object.keys(wh.indicator).sort()).toEqual([...wh.slugs].sort());
    expect(new Set(wh.slugs).size).toBe(wh.slugs.length);
    expect(wh.slugs[0]).toBe("new_years_day");
    for (const slug of wh.slugs) {
      const ind = wh.indicator[slug];
      expect(ind.length).toBe(weeks2024.length);
      expect(Array.from(ind).every((v) => v === 0 || v === 1)).toBe(true);
      expect(Array.from(ind).some((v) => v === 1)).toBe(true);
    }
    // every recorded event date lies in the span
    for (const e of wh.events) {
      expect(e.date >= "2024-01-01" && e.date <= "2025-01-05").toBe(true);
    }
  });

  it("works for Sunday-start weeks: Christmas 2024 falls in the week from 2024-12-22", () => {
    const sundays = mondayWeeks("2023-12-31", 53);
    expect(weekdayOf(sundays[0])).toBe(6);
    const wh = weeklyHolidays(sundays, "US");
    const ind = wh.indicator.christmas_day;
    const hits = Array.from(ind.keys()).filter((i) => ind[i] === 1);
    expect(hits.map((i) => formatDay(sundays[i]))).toEqual(["2024-12-22"]);
  });

  it("keeps only events inside the span", () => {
    const wh = weeklyHolidays(mondayWeeks("2024-11-25", 2), "US");
    expect(wh.slugs).toEqual(["thanksgiving_day", "black_friday", "cyber_monday"]);
    expect(Array.from(wh.indicator.thanksgiving_day)).toEqual([1, 0]);
    expect(Array.from(wh.indicator.cyber_monday)).toEqual([0, 1]);
    expect(wh.indicator.christmas_day).toBeUndefined();
  });

  it("restricts to `only` slugs", () => {
    const wh = weeklyHolidays(weeks2024, "US", ["christmas_day", "black_friday"]);
    expect([...wh.slugs].sort()).toEqual(["black_friday", "christmas_day"]);
    expect(wh.events.map((e) => e.slug).sort()).toEqual(["black_friday", "christmas_day"]);
  });

  it("throws E_HOLIDAY_EVENT naming an unknown slug in `only`, and lists the known ones", () => {
    let caught: unknown;
    try {
      weeklyHolidays(weeks2024, "US", ["christmas_day", "prime_day"]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(MmmError);
    const err = caught as MmmError;
    expect(err.code).toBe("E_HOLIDAY_EVENT");
    expect(err.message).toContain("'prime_day'");
    expect(err.where.key).toBe("calendar.holidays.events");
    expect(err.fix).toContain("black_friday");
    expect(err.fix).toContain("christmas_day");
  });

  it("throws E_HOLIDAY_COUNTRY for an unknown country", () => {
    expect(() => weeklyHolidays(weeks2024, "ZZ")).toThrow(
      expect.objectContaining({ code: "E_HOLIDAY_COUNTRY", name: "MmmError" }),
    );
  });

  it("returns an empty result for no weeks", () => {
    expect(weeklyHolidays([], "US")).toEqual({ slugs: [], names: {}, indicator: {}, events: [] });
  });
});
