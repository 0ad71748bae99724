// Known-answer tests for day-number calendar arithmetic: epoch offsets, weekdays of famous dates,
// ISO week starts, every DATE_FORMATS pattern, and Gregorian leap-year rules.

import { describe, expect, it } from "vitest";
import {
  DATE_FORMATS,
  type DateFormat,
  dayFromDate,
  dayFromYmd,
  formatDay,
  parseDay,
  WEEKDAYS,
  weekdayIndex,
  weekdayOf,
  weekStartOf,
  yearFraction,
  ymdFromDay,
} from "../../src/core/dates.js";

describe("dayFromYmd / ymdFromDay / formatDay", () => {
  it("counts days since 1970-01-01", () => {
    expect(dayFromYmd(1970, 1, 1)).toBe(0);
    expect(dayFromYmd(1970, 1, 2)).toBe(1);
    expect(dayFromYmd(1969, 12, 31)).toBe(-1);
    // 30 years of 365 days plus 7 leap days (1972 … 1996)
    expect(dayFromYmd(2000, 1, 1)).toBe(10957);
    // plus 24·365 + 6 leap days (2000 … 2020)
    expect(dayFromYmd(2024, 1, 1)).toBe(19723);
    expect(dayFromYmd(2024, 3, 1) - dayFromYmd(2024, 2, 1)).toBe(29);
    expect(dayFromYmd(2023, 3, 1) - dayFromYmd(2023, 2, 1)).toBe(28);
    expect(dayFromYmd(2025, 1, 1) - dayFromYmd(2024, 1, 1)).toBe(366);
    expect(dayFromYmd(2100, 3, 1) - dayFromYmd(2100, 2, 1)).toBe(28); // century rule
    expect(dayFromYmd(2000, 3, 1) - dayFromYmd(2000, 2, 1)).toBe(29); // 400-year rule
  });

  it("formats ISO dates with zero padding", () => {
    expect(formatDay(0)).toBe("1970-01-01");
    expect(formatDay(-1)).toBe("1969-12-31");
    expect(formatDay(19723)).toBe("2024-01-01");
    expect(formatDay(dayFromYmd(2024, 2, 29))).toBe("2024-02-29");
    expect(formatDay(dayFromYmd(999, 1, 2))).toBe("0999-01-02");
  });

  it("round-trips every day from 1899 to 2101", () => {
    const bad: string[] = [];
    for (let d = dayFromYmd(1899, 1, 1); d <= dayFromYmd(2101, 12, 31); d++) {
      const { year, month, day } = ymdFromDay(d);
      if (dayFromYmd(year, month, day) !== d) bad.push(formatDay(d));
      if (parseDay(formatDay(d)) !== d) bad.push(formatDay(d));
    }
    expect(bad).toEqual([]);
  });

  // Regression test; the bug was: Date.UTC maps years 0–99 to 1900–1999, so dayFromYmd(50, 3, 1) is 1950-03-01 and
  // parseDay("0050-03-01") silently returns a 1950 date.
  it("years 0–99 are not shifted to the 1900s", () => {
    expect(formatDay(dayFromYmd(50, 3, 1))).toBe("0050-03-01");
  });
});

describe("weekdayOf (0 = Monday … 6 = Sunday)", () => {
  it("knows famous weekdays", () => {
    expect(weekdayOf(0)).toBe(3); // 1970-01-01 was a Thursday
    expect(weekdayOf(dayFromYmd(2024, 1, 1))).toBe(0); // Monday
    expect(weekdayOf(dayFromYmd(2000, 1, 1))).toBe(5); // Saturday
    expect(weekdayOf(dayFromYmd(1969, 7, 20))).toBe(6); // Moon landing, Sunday
    expect(weekdayOf(dayFromYmd(1900, 1, 1))).toBe(0); // Monday
    expect(weekdayOf(dayFromYmd(2024, 2, 29))).toBe(3); // Thursday
    expect(weekdayOf(dayFromYmd(2024, 12, 25))).toBe(2); // Wednesday
    expect(weekdayOf(-1)).toBe(2); // 1969-12-31, Wednesday
  });

  it("cycles with period 7 and stays in 0..6 for negative days", () => {
    for (let d = -1000; d < 1000; d++) {
      const w = weekdayOf(d);
      expect(w === (weekdayOf(d - 1) + 1) % 7 && w >= 0 && w <= 6).toBe(true);
    }
  });

  it("weekdayIndex follows WEEKDAYS", () => {
    expect(WEEKDAYS[weekdayOf(dayFromYmd(2024, 1, 1))]).toBe("monday");
    expect(weekdayIndex("monday")).toBe(0);
    expect(weekdayIndex("thursday")).toBe(3);
    expect(weekdayIndex("sunday")).toBe(6);
  });
});

describe("weekStartOf", () => {
  it("gives ISO week starts (the Monday of the week holding 4 January)", () => {
    const isoWeek1 = (year: number) => formatDay(weekStartOf(dayFromYmd(year, 1, 4), 0));
    expect(isoWeek1(2015)).toBe("2014-12-29");
    expect(isoWeek1(2020)).toBe("2019-12-30");
    expect(isoWeek1(2021)).toBe("2021-01-04");
    expect(isoWeek1(2024)).toBe("2024-01-01");
    expect(isoWeek1(2026)).toBe("2025-12-29");
  });

  it("maps every day of a week to its start, for Monday and Sunday weeks", () => {
    const monday = dayFromYmd(2024, 1, 1);
    for (let k = 0; k < 7; k++) expect(weekStartOf(monday + k, 0)).toBe(monday);
    expect(formatDay(weekStartOf(dayFromYmd(2024, 1, 3), 6))).toBe("2023-12-31");
    expect(formatDay(weekStartOf(dayFromYmd(2024, 1, 7), 6))).toBe("2024-01-07");
    expect(formatDay(weekStartOf(dayFromYmd(2024, 12, 25), 0))).toBe("2024-12-23");
  });

  it("lands on the requested weekday, within the previous 6 days, and is idempotent", () => {
    for (let start = 0; start < 7; start++) {
      for (let d = -400; d < 400; d += 3) {
        const s = weekStartOf(d, start);
        expect(weekdayOf(s) === start && d - s >= 0 && d - s <= 6 && weekStartOf(s, start) === s).toBe(true);
      }
    }
  });
});

describe("parseDay", () => {
  const target = dayFromYmd(2024, 3, 5);
  const samples: Record<DateFormat, string> = {
    "YYYY-MM-DD": "2024-03-05",
    "YYYY/MM/DD": "2024/03/05",
    YYYYMMDD: "20240305",
    "MM/DD/YYYY": "03/05/2024",
    "DD/MM/YYYY": "05/03/2024",
    "DD.MM.YYYY": "05.03.2024",
  };

  it("has a sample for every DATE_FORMATS entry", () => {
    expect(Object.keys(samples).sort()).toEqual([...DATE_FORMATS].sort());
  });

  for (const format of DATE_FORMATS) {
    it(`parses ${format}`, () => {
      expect(parseDay(samples[format], format)).toBe(target);
    });
  }

  it("defaults to YYYY-MM-DD", () => {
    expect(parseDay("2024-03-05")).toBe(target);
  });

  it("accepts single-digit fields, surrounding spaces and time suffixes where the pattern allows", () => {
    expect(parseDay("2024-3-5")).toBe(target);
    expect(parseDay("  2024-03-05  ")).toBe(target);
    expect(parseDay("2024-03-05T13:45:00Z")).toBe(target);
    expect(parseDay("2024-03-05 13:45")).toBe(target);
    expect(parseDay("2024/3/5", "YYYY/MM/DD")).toBe(target);
    expect(parseDay("3/5/2024", "MM/DD/YYYY")).toBe(target);
    expect(parseDay("5.3.2024", "DD.MM.YYYY")).toBe(target);
    expect(parseDay("03/05/2024 00:00", "MM/DD/YYYY")).toBe(target);
  });

  it("reads day and month in the order the format says", () => {
    expect(parseDay("13/05/2024", "MM/DD/YYYY")).toBeNull();
    expect(parseDay("13/05/2024", "DD/MM/YYYY")).toBe(dayFromYmd(2024, 5, 13));
    expect(parseDay("05/13/2024", "MM/DD/YYYY")).toBe(dayFromYmd(2024, 5, 13));
  });

  it("applies the Gregorian leap-year rules", () => {
    expect(parseDay("2024-02-29")).toBe(dayFromYmd(2024, 2, 29));
    expect(parseDay("2000-02-29")).toBe(dayFromYmd(2000, 2, 29));
    expect(parseDay("2023-02-29")).toBeNull();
    expect(parseDay("1900-02-29")).toBeNull();
    expect(parseDay("2100-02-29")).toBeNull();
    expect(parseDay("29.02.2023", "DD.MM.YYYY")).toBeNull();
    expect(parseDay("20230229", "YYYYMMDD")).toBeNull();
  });

  it("rejects impossible dates and non-dates", () => {
    for (const bad of [
      "2024-02-30",
      "2024-04-31",
      "2024-13-01",
      "2024-00-10",
      "2024-01-00",
      "2024-01-32",
      "2024-1",
      "24-01-01",
      "abc",
      "",
      "2024/01/01",
    ]) {
      expect(parseDay(bad), bad).toBeNull();
    }
    expect(parseDay("2024-01-01", "YYYYMMDD")).toBeNull();
    expect(parseDay("2024031", "YYYYMMDD")).toBeNull();
    expect(parseDay("2024-03-05", "DD.MM.YYYY")).toBeNull();
    expect(parseDay("31/04/2024", "DD/MM/YYYY")).toBeNull();
  });
});

describe("dayFromDate", () => {
  it("takes the UTC calendar day of a Date", () => {
    expect(dayFromDate(new Date("2024-01-01T00:00:00Z"))).toBe(19723);
    expect(dayFromDate(new Date("2024-01-01T23:59:59.999Z"))).toBe(19723);
    expect(dayFromDate(new Date("2024-01-02T00:00:00Z"))).toBe(19724);
    expect(dayFromDate(new Date(0))).toBe(0);
    expect(dayFromDate(new Date("1969-12-31T12:00:00Z"))).toBe(-1);
    expect(dayFromDate(new Date(Date.UTC(2024, 1, 29, 6)))).toBe(dayFromYmd(2024, 2, 29));
  });
});

describe("yearFraction", () => {
  it("is 0 at the epoch and in [0, 1) everywhere", () => {
    expect(yearFraction(0)).toBe(0);
    for (let d = -3000; d < 3000; d += 7) {
      const f = yearFraction(d);
      expect(f >= 0 && f < 1).toBe(true);
    }
  });

  it("is d / 365.25 modulo 1 and repeats every 4 years (1461 days)", () => {
    expect(yearFraction(182)).toBeCloseTo(182 / 365.25, 14);
    expect(yearFraction(-1)).toBeCloseTo(1 - 1 / 365.25, 12);
    for (const d of [0, 100, 19723, -5000]) expect(yearFraction(d + 1461)).toBeCloseTo(yearFraction(d), 9);
  });

  it("places the same calendar date at nearly the same fraction each year", () => {
    const f2023 = yearFraction(dayFromYmd(2023, 7, 1));
    const f2024 = yearFraction(dayFromYmd(2024, 7, 1));
    // drift is at most one day plus the quarter-day leap cycle
    expect(Math.abs(f2024 - f2023)).toBeLessThan(1.25 / 365.25);
  });
});
