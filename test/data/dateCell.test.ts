// Date cells: a time of day and a UTC offset are accepted only when they cannot change the day
// (or as date_offsets says); text after a date is refused; Excel serial days are named.

import { describe, expect, it } from "vitest";
import { dayFromYmd } from "../../src/core/dates.js";
import { readDateText } from "../../src/data/dateCell.js";

const d = (y: number, m: number, day: number) => ({ day: dayFromYmd(y, m, day) });

describe("readDateText", () => {
  it("reads plain dates and dates with a time of day in every format", () => {
    expect(readDateText("2024-01-31", "YYYY-MM-DD", "error")).toEqual(d(2024, 1, 31));
    expect(readDateText(" 2024-01-31 13:45 ", "YYYY-MM-DD", "error")).toEqual(d(2024, 1, 31));
    expect(readDateText("2024-01-31T13:45:00.123", "YYYY-MM-DD", "error")).toEqual(d(2024, 1, 31));
    expect(readDateText("01/31/2024 1:45:00 PM", "MM/DD/YYYY", "error")).toEqual(d(2024, 1, 31));
    expect(readDateText("31.01.2024", "DD.MM.YYYY", "error")).toEqual(d(2024, 1, 31));
    expect(readDateText("20240131", "YYYYMMDD", "error")).toEqual(d(2024, 1, 31));
  });

  it("accepts a UTC offset that leaves the day unchanged, and Z / UTC", () => {
    expect(readDateText("2024-01-31T10:00:00-05:00", "YYYY-MM-DD", "error")).toEqual(d(2024, 1, 31));
    expect(readDateText("2024-01-31T23:30:00Z", "YYYY-MM-DD", "error")).toEqual(d(2024, 1, 31));
    expect(readDateText("2024-01-31 00:00:00 UTC", "YYYY-MM-DD", "error")).toEqual(d(2024, 1, 31));
    expect(readDateText("2024-01-31T00:00:00+0100", "YYYY-MM-DD", "error")).toMatchObject({
      problem: "offset",
    });
  });

  it("refuses an offset that moves the day, unless told to keep the local or take the UTC day", () => {
    const late = "2024-01-01T23:30:00-05:00";
    expect(readDateText(late, "YYYY-MM-DD", "error")).toEqual({
      problem: "offset",
      local: dayFromYmd(2024, 1, 1),
      utc: dayFromYmd(2024, 1, 2),
      offset: "-05:00",
    });
    expect(readDateText(late, "YYYY-MM-DD", "local")).toEqual(d(2024, 1, 1));
    expect(readDateText(late, "YYYY-MM-DD", "utc")).toEqual(d(2024, 1, 2));
    expect(readDateText("2024-01-01 12:30 AM +09:00", "YYYY-MM-DD", "utc")).toEqual(d(2023, 12, 31));
  });

  it("refuses text after the date that is not a time", () => {
    for (const text of [
      "2024-01-01abc",
      "2024-01-01 total",
      "2024-01-01T",
      "2024-01-01T25",
      "20240101 00:00",
    ])
      expect(readDateText(text, text.includes("-") ? "YYYY-MM-DD" : "YYYYMMDD", "error")).toMatchObject({
        problem: "junk",
      });
  });

  it("names Excel serial day numbers, and reads them with date_format: excel", () => {
    expect(readDateText("45292", "YYYY-MM-DD", "error")).toEqual({ problem: "excel" });
    expect(readDateText("45292.75", "DD/MM/YYYY", "error")).toEqual({ problem: "excel" });
    expect(readDateText("45292", "excel", "error")).toEqual(d(2024, 1, 1));
    expect(readDateText("45292.75", "excel", "error")).toEqual(d(2024, 1, 1));
    expect(readDateText("2024", "YYYY-MM-DD", "error")).toEqual({ problem: "unreadable" });
    expect(readDateText("2024-01-01", "excel", "error")).toEqual({ problem: "unreadable" });
  });

  it("refuses impossible dates", () => {
    expect(readDateText("2023-02-29", "YYYY-MM-DD", "error")).toEqual({ problem: "unreadable" });
    expect(readDateText("", "YYYY-MM-DD", "error")).toEqual({ problem: "unreadable" });
  });
});
