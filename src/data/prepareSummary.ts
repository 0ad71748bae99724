// The summary of a prepared table for the QA report: the headline, spend per channel and the
// taxonomy line, plus the figures the CLI and lineage quote.

import { formatDay } from "../core/dates.js";
import type { ModelingTable } from "../core/modelingTable.js";
import { money } from "./longMedia.js";
import type { CampaignStat, Taxonomy } from "./taxonomy.js";

export function summarise(
  table: ModelingTable,
  taxonomy: Taxonomy | null,
  campaigns: CampaignStat[],
): Record<string, unknown> {
  const T = table.weeks.length;
  const spend = table.columns.filter((c) => c.role === "spend");
  const totals = spend.map((c) => ({ channel: c.channel!, spend: c.values.reduce((s, v) => s + v, 0) }));
  const all = totals.reduce((s, c) => s + c.spend, 0);
  const controls = table.columns.filter((c) => c.role === "control").length;
  const holidays = table.columns.filter((c) => c.role === "holiday").length;
  const mapped = campaigns.filter((c) => c.status === "mapped");
  return {
    headline: `Modeling table: ${T} weeks (${formatDay(table.weeks[0])} … ${formatDay(table.weeks[T - 1])}, weeks start ${table.weekStart}) × ${table.geos.length} geo(s); KPI '${table.kpi}'; ${table.channels.length} channels, ${controls} control column(s), ${holidays} holiday column(s).`,
    spendLines: [
      `total media spend ${money(all, table.currency)}:`,
      ...totals.map(
        (t) =>
          `${t.channel.padEnd(16)} ${money(t.spend, table.currency).padStart(18)}  ${all > 0 ? ((100 * t.spend) / all).toFixed(1) : "0.0"}%`,
      ),
    ],
    taxonomyLine: taxonomy
      ? `Taxonomy ${taxonomy.file} (version ${taxonomy.version}): ${mapped.length} campaign name(s) mapped to ${new Set(mapped.map((c) => c.channel)).size} channel(s); ${campaigns.filter((c) => c.status === "ignored").length} ignored; ${campaigns.filter((c) => c.status === "unmapped").length} unmapped.`
      : undefined,
    weeks: T,
    geos: table.geos.length,
    firstWeek: formatDay(table.weeks[0]),
    lastWeek: formatDay(table.weeks[T - 1]),
    spendByChannel: Object.fromEntries(totals.map((t) => [t.channel, t.spend])),
  };
}
