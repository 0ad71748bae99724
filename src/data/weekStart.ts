// Which weekday the table's weeks start on: weekly sources fix it by the weekday their rows are
// dated on (and must agree); otherwise calendar.week_start decides (Monday, ISO, by default).

import { type DayNumber, formatDay, WEEKDAYS, weekdayIndex, weekdayOf } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import type { PrepareConfig } from "./config.js";

/** The weekdays of one dated source's rows, as much as the week start needs. */
export interface WeekdayProfile {
  name: string;
  /** The first row's day. */
  first: DayNumber;
  /** The first row dated on another weekday than the first row, with its location. */
  off: { day: DayNumber; where: { file: string; row: number; rowKind: "row" | "line" } } | null;
}

export function isWeekly(config: PrepareConfig, name: string): boolean {
  const src = config.sources[name];
  return src.week_index !== undefined || (src.granularity ?? config.calendar.granularity) === "weekly";
}

export function resolveWeekStart(
  config: PrepareConfig,
  profiles: WeekdayProfile[],
  configFile: string,
): number {
  let fromData: { weekday: number; source: string } | null = null;
  for (const p of profiles) {
    const src = config.sources[p.name];
    if (!isWeekly(config, p.name)) continue;
    const wd = weekdayOf(p.first);
    if (p.off) {
      throw new MmmError(
        "E_WEEKLY_WEEKDAY",
        `Weekly source '${p.name}' mixes weekdays: ${formatDay(p.first)} is a ${WEEKDAYS[wd]} but ${formatDay(p.off.day)} is a ${WEEKDAYS[weekdayOf(p.off.day)]}.`,
        { ...p.off.where, column: src.date },
        "weekly rows must all be dated on the same weekday; if the file is daily set granularity: daily",
      );
    }
    if (fromData && fromData.weekday !== wd) {
      throw new MmmError(
        "E_WEEK_START_CONFLICT",
        `Weekly sources disagree on the weekday: '${fromData.source}' uses ${WEEKDAYS[fromData.weekday]}s, '${p.name}' ${WEEKDAYS[wd]}s.`,
        { file: configFile, key: `sources.${p.name}` },
        "re-date one of the files so both label weeks by the same weekday",
      );
    }
    fromData = { weekday: wd, source: p.name };
  }
  const configured = config.calendar.week_start;
  if (fromData && configured && weekdayIndex(configured) !== fromData.weekday) {
    throw new MmmError(
      "E_WEEK_START_CONFLICT",
      `calendar.week_start is ${configured}, but weekly source '${fromData.source}' labels its weeks with ${WEEKDAYS[fromData.weekday]}s.`,
      { file: configFile, key: "calendar.week_start" },
      `set calendar.week_start: ${WEEKDAYS[fromData.weekday]} (or remove it to follow the data)`,
    );
  }
  return fromData ? fromData.weekday : weekdayIndex(configured ?? "monday");
}
