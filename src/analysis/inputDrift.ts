// Input drift: before a refresh is fitted, what changed in the data it will be fitted on, compared
// with the data of the run it replaces. Restated history, channels that appeared or vanished, a
// new taxonomy, campaigns that moved between channels or arrived unmapped (taxonomy drift), a
// channel whose spend left the range or the rhythm it had (always-on → bursty), and a control
// whose level jumped (a price or promotion regime change). Each finding says how serious it is:
// an `alarm` changes what the model measures, a `warning` deserves a look, `info` is for the record.

import type { ModelingTable } from "../core/modelingTable.js";
import { type CampaignRow, campaignDrift } from "./campaignDrift.js";
import { compact } from "./numberFormat.js";

export type { CampaignRow } from "./campaignDrift.js";

import type { DataDiff } from "./runDiff.js";

export interface DriftFinding {
  kind:
    | "restated"
    | "channels"
    | "taxonomy"
    | "campaign_moved"
    | "campaign_renamed"
    | "campaign_unmapped"
    | "campaign_new"
    | "spend_range"
    | "spend_rhythm"
    | "spend_level"
    | "control_level";
  severity: "alarm" | "warning" | "info";
  message: string;
  channel?: string;
}

/** Weeks of history the new weeks are compared with. */
const HISTORY_WEEKS = 52;

export function inputDrift(
  prev: ModelingTable,
  next: ModelingTable,
  diff: DataDiff,
  campaigns?: { prev: CampaignRow[]; next: CampaignRow[] },
): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const c of diff.columns)
    if (c.restatedCells > 0)
      out.push({
        kind: "restated",
        severity: "warning",
        message: `${c.column}: ${c.restatedCells} geo-week(s) of history restated (largest change ${(100 * c.largestRestatement).toFixed(1)}%); totals over the shared weeks ${compact(c.beforeShared)} → ${compact(c.afterShared)}`,
      });
  if (diff.channelsAdded.length || diff.channelsDropped.length)
    out.push({
      kind: "channels",
      severity: "alarm",
      message: `channels added: ${diff.channelsAdded.join(", ") || "none"}; dropped: ${diff.channelsDropped.join(", ") || "none"} (the model changes: refit from scratch and compare)`,
    });
  if (diff.taxonomy.changed)
    out.push({
      kind: "taxonomy",
      severity: "warning",
      message: `the taxonomy changed: ${diff.taxonomy.before ?? "none"} → ${diff.taxonomy.after ?? "none"}`,
    });
  if (campaigns) out.push(...campaignDrift(campaigns.prev, campaigns.next));
  out.push(...spendDrift(prev, next));
  out.push(...controlDrift(prev, next));
  return out;
}

/** National weekly series of a column, by week day number. */
function national(table: ModelingTable, column: string): Map<number, number> {
  const col = table.columns.find((c) => c.name === column);
  const out = new Map<number, number>();
  if (!col) return out;
  const T = table.weeks.length;
  table.weeks.forEach((w, t) => {
    let s = 0;
    for (let g = 0; g < table.geos.length; g++) s += col.values[g * T + t];
    out.set(w, s);
  });
  return out;
}

/** History (the previous table's last HISTORY_WEEKS weeks) and the weeks after it in the new table. */
function split(
  prev: ModelingTable,
  next: ModelingTable,
  column: string,
): { history: number[]; recent: number[] } {
  const last = prev.weeks[prev.weeks.length - 1];
  const before = national(prev, column);
  const after = national(next, column);
  const history = prev.weeks.slice(-HISTORY_WEEKS).map((w) => before.get(w) ?? Number.NaN);
  const recent = next.weeks.filter((w) => w > last).map((w) => after.get(w) ?? Number.NaN);
  return { history: history.filter(Number.isFinite), recent: recent.filter(Number.isFinite) };
}

function spendDrift(prev: ModelingTable, next: ModelingTable): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const ch of next.channels) {
    const old = prev.channels.find((c) => c.name === ch.name);
    if (!ch.spend || !old?.spend) continue;
    const { history, recent } = split(prev, next, ch.spend);
    if (recent.length === 0 || history.length === 0) continue;
    const maxH = Math.max(...history);
    const maxN = Math.max(...recent);
    if (maxN > 1.5 * maxH)
      out.push({
        kind: "spend_range",
        severity: "warning",
        channel: ch.name,
        message: `${ch.name} spent ${compact(maxN)} in a week, beyond its largest week of the past year (${compact(maxH)}): the response there is extrapolated`,
      });
    const zeroH = history.filter((v) => v === 0).length / history.length;
    const zeroN = recent.filter((v) => v === 0).length / recent.length;
    if (recent.length >= 4 && zeroH < 0.1 && zeroN >= 0.5)
      out.push({
        kind: "spend_rhythm",
        severity: "warning",
        channel: ch.name,
        message: `${ch.name} went from always-on (${(100 * zeroH).toFixed(0)}% of weeks dark) to bursty (${(100 * zeroN).toFixed(0)}% dark in the new weeks)`,
      });
    else if (recent.length >= 4 && zeroH >= 0.5 && zeroN < 0.1)
      out.push({
        kind: "spend_rhythm",
        severity: "warning",
        channel: ch.name,
        message: `${ch.name} went from bursty (${(100 * zeroH).toFixed(0)}% of weeks dark) to always-on in the new weeks`,
      });
    const meanH = mean(history);
    const meanN = mean(recent);
    if (meanH > 0 && (meanN / meanH > 2.5 || meanN / meanH < 0.4))
      out.push({
        kind: "spend_level",
        severity: "info",
        channel: ch.name,
        message: `${ch.name} spends ${compact(meanN)} a week in the new weeks against ${compact(meanH)} over the past year (×${(meanN / meanH).toFixed(2)})`,
      });
  }
  return out;
}

function controlDrift(prev: ModelingTable, next: ModelingTable): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const c of next.columns.filter((col) => col.role === "control")) {
    if (!prev.columns.some((p) => p.name === c.name)) continue;
    const { history, recent } = split(prev, next, c.name);
    if (recent.length < 2 || history.length < 8) continue;
    const m = mean(history);
    const sd = Math.sqrt(history.reduce((s, v) => s + (v - m) ** 2, 0) / (history.length - 1));
    const r = mean(recent);
    // constant up to rounding: any move is a new regime, and a model fitted on it never measured its effect
    const constant = !(sd > 1e-9 * Math.max(1, Math.abs(m)));
    if (constant) {
      if (Math.abs(r - m) <= 1e-9 * Math.max(1, Math.abs(m))) continue;
      const wholeWindow = constantOver(prev, c.name);
      out.push({
        kind: "control_level",
        severity: wholeWindow ? "alarm" : "warning",
        message: wholeWindow
          ? `${c.name} was ${m.toPrecision(4)} in every week the previous run saw and is ${r.toPrecision(4)} in the new weeks: that run never measured its effect, so its predictions ignore the change (the refit can only start to learn it)`
          : `${c.name} moved to a new level in the new weeks: ${r.toPrecision(4)} against a constant ${m.toPrecision(4)} over the past year (a price or promotion regime change?)`,
      });
      continue;
    }
    const z = (r - m) / sd;
    if (Math.abs(z) > 3)
      out.push({
        kind: "control_level",
        severity: "warning",
        message: `${c.name} moved to a new level in the new weeks: ${r.toPrecision(4)} against ${m.toPrecision(4)} (±${sd.toPrecision(2)}) over the past year, ${Math.abs(z).toFixed(1)} sd (a price or promotion regime change?)`,
      });
  }
  return out;
}

/** True when a column holds one value (up to rounding) in every week and geo of the table. */
function constantOver(table: ModelingTable, column: string): boolean {
  const values = table.columns.find((c) => c.name === column)?.values ?? [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values)
    if (!Number.isNaN(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  return hi - lo <= 1e-9 * Math.max(1, Math.abs(hi));
}

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
