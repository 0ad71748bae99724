// Monthly export drops: the raw exports as a brand would have pulled them at the end of each
// month of its last year — each drop holds the whole history up to its last day, so a refresh
// re-prepares the newest drop with the same config. Drops end on a Sunday (whole ISO weeks).

import { type DayNumber, formatDay } from "../core/dates.js";
import type { RawExports, RawTable } from "./exports.js";
import type { SimulatedDataset } from "./lab.js";

/** Weeks between drops (a month, as a refresh cadence). */
export const DROP_WEEKS = 4;

export interface ExportDrop {
  /** 0 is the history before the first drop; 1…n the monthly drops. */
  index: number;
  /** Weeks of history the drop holds. */
  weeks: number;
  lastDay: string;
  raw: RawExports;
}

/** The exports cut after `lastDay` (rows are dated in their first column, YYYY-MM-DD). */
export function exportsUpTo(raw: RawExports, lastDay: string): RawExports {
  const cut = (t: RawTable): RawTable => ({ ...t, rows: t.rows.filter((r) => String(r[0]) <= lastDay) });
  return { ...raw, adSpend: cut(raw.adSpend), orders: cut(raw.orders), pricing: cut(raw.pricing) };
}

/** The history before the last `count` drops, then each drop, `DROP_WEEKS` weeks apart. */
export function exportDrops(ds: SimulatedDataset, count: number): ExportDrop[] {
  const T = ds.table.weeks.length;
  const first = T - count * DROP_WEEKS;
  if (!Number.isInteger(count) || count < 1 || first < 52)
    throw new Error(`${count} monthly drops need at least a year of history before them (${T} weeks in all)`);
  return Array.from({ length: count + 1 }, (_, index) => {
    const weeks = first + index * DROP_WEEKS;
    const lastDay = formatDay((ds.table.weeks[weeks - 1] + 6) as DayNumber);
    return { index, weeks, lastDay, raw: exportsUpTo(ds.raw, lastDay) };
  });
}
