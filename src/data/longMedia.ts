// Turns the scanned campaign export into the table's weekly spend and exposure per channel, once
// the week spine and the KPI's geos are known, and reports what the mapping found: unmapped and
// ignored names, renames, negative and duplicated rows, rows outside the window or the geos.

import { type DayNumber, formatDay, weekStartOf } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import type { PrepareConfig } from "./config.js";
import { lineLocation } from "./frame.js";
import { EXPOSURE, type LongMediaScan, ROWS, SPEND } from "./longMediaScan.js";
import type { LeakageCandidate } from "./qa.js";
import { finding, type QaFinding } from "./qaReport.js";
import { type CampaignStat, findRenames, type Taxonomy } from "./taxonomy.js";

export interface LongMediaResult {
  channels: string[];
  spend: Map<string, Float64Array>;
  exposure: Map<string, Float64Array>;
  campaigns: CampaignStat[];
}

/** Where the table's weeks and geos are. */
export interface TableFrame {
  weekStart: number;
  spineIndex: Map<DayNumber, number>;
  geoIndex: Map<string, number>;
  geoLevel: boolean;
  G: number;
  T: number;
}

export function finishLongMedia(
  scan: LongMediaScan,
  config: PrepareConfig,
  taxonomy: Taxonomy,
  at: TableFrame,
  findings: QaFinding[],
): LongMediaResult {
  const long = config.media.long!;
  if (at.geoLevel && !scan.hasGeo) {
    throw new MmmError(
      "E_GEO_MISMATCH",
      `The KPI is by geo but the spend export ${scan.file} has no geo column.`,
      { file: scan.file, key: `sources.${long.source}.geo` },
      "set the geo column of the spend source, or model the KPI nationally (remove its geo column)",
    );
  }
  const { T, G } = at;
  const C = taxonomy.channels.length;
  const spend = taxonomy.channels.map(() => new Float64Array(G * T));
  const exposure = taxonomy.channels.map(() => new Float64Array(G * T));
  let outsideRows = 0;
  let outsideSpend = 0;
  let unknownGeoSpend = 0;
  const unknownGeos = new Set<string>();
  for (const [key, sums] of scan.series) {
    const ch = key % C;
    const label = scan.geoNames[(key - ch) / C];
    const g = at.geoLevel ? (at.geoIndex.get(label) ?? -2) : 0;
    sums.forEachDay((day, v, o) => {
      if (v[o + ROWS] === 0) return;
      const t = at.spineIndex.get(weekStartOf(day, at.weekStart));
      if (t === undefined) {
        outsideRows += v[o + ROWS];
        outsideSpend += v[o + SPEND];
      } else if (g === -2) {
        unknownGeoSpend += v[o + SPEND];
        unknownGeos.add(label);
      } else {
        spend[ch][g * T + t] += v[o + SPEND];
        exposure[ch][g * T + t] += v[o + EXPOSURE];
      }
    });
  }
  const campaigns = [...scan.stats.values()].sort((a, b) => b.spend - a.spend);
  reportMapping(scan, config, taxonomy, campaigns, findings);
  reportRows(scan, config, findings, { outsideRows, outsideSpend, unknownGeoSpend, unknownGeos });
  // channels in taxonomy rule order, so tables from different exports line up
  const channels = taxonomy.channels.filter((_, i) => scan.channelSeen[i]);
  const spendOut = new Map<string, Float64Array>();
  const exposureOut = new Map<string, Float64Array>();
  taxonomy.channels.forEach((ch, i) => {
    if (!scan.channelSeen[i]) return;
    spendOut.set(ch, spend[i]);
    exposureOut.set(ch, exposure[i]);
  });
  return { channels, spend: spendOut, exposure: exposureOut, campaigns };
}

/** The export's columns that the config does not use, summed per week (leakage candidates). */
export function unusedWeekly(scan: LongMediaScan, source: string, at: TableFrame): LeakageCandidate[] {
  return scan.unused
    .filter((u) => u.numeric)
    .map((u) => {
      const weekly = new Float64Array(at.T);
      u.sums.forEachDay((day, v, o) => {
        const t = at.spineIndex.get(weekStartOf(day, at.weekStart));
        if (t !== undefined) weekly[t] += v[o];
      });
      return { source, file: scan.file, column: u.column, weekly };
    });
}

function reportMapping(
  scan: LongMediaScan,
  config: PrepareConfig,
  taxonomy: Taxonomy,
  campaigns: CampaignStat[],
  findings: QaFinding[],
): void {
  const totalSpend = campaigns.reduce((s, c) => s + c.spend, 0);
  const unmapped = campaigns.filter((c) => c.status === "unmapped");
  const ignored = campaigns.filter((c) => c.status === "ignored");
  const renames = findRenames(campaigns, scan.dataFirst, scan.dataLast);
  if (unmapped.length > 0) {
    const unmappedSpend = unmapped.reduce((s, c) => s + c.spend, 0);
    const share = totalSpend > 0 ? unmappedSpend / totalSpend : 1;
    const hints = unmapped.slice(0, 10).map((c) => {
      const r = renames.find((x) => x.campaign === c.campaign && x.platform === c.platform);
      return `'${c.campaign}' (${c.platform || "no platform"}, ${money(c.spend, config.currency)}, ${formatDay(c.firstDay)}…${formatDay(c.lastDay)})${r ? ` — looks like a rename of '${r.replaces}' (${r.replacesChannel}), which stopped on ${r.lastSeen}` : ""}`;
    });
    findings.push({
      ...finding(
        "unmapped_campaigns",
        `${unmapped.length} campaign name(s) match no taxonomy rule: ${money(unmappedSpend, config.currency)} (${(share * 100).toFixed(2)}% of spend) would be lost. ${hints.join("; ")}${unmapped.length > 10 ? "; …" : ""}.`,
        {
          where: { file: taxonomy.file },
          fix: `add rules to ${taxonomy.file} for these names (or ignore: entries for spend to drop on purpose)`,
          data: {
            unmapped: unmapped.map((c) => ({ platform: c.platform, campaign: c.campaign, spend: c.spend })),
          },
        },
      ),
      severity: share > config.qa.max_unmapped_spend_share ? "error" : "warning",
    });
  }
  if (ignored.length > 0) {
    findings.push(
      finding(
        "ignored_campaigns",
        `${ignored.length} campaign name(s) dropped by ignore rules (${money(
          ignored.reduce((s, c) => s + c.spend, 0),
          config.currency,
        )}): ${ignored.map((c) => `'${c.campaign}'`).join(", ")}.`,
        { where: { file: taxonomy.file } },
      ),
    );
  }
  for (const r of renames.filter((x) => x.status === "mapped")) {
    findings.push(
      finding(
        "campaign_rename",
        `'${r.campaign}' appears on ${r.firstSeen} as '${r.replaces}' stops (last seen ${r.lastSeen}); both map to ${r.channel}.`,
        { where: { file: scan.file, channel: r.channel ?? undefined } },
      ),
    );
  }
}

function reportRows(
  scan: LongMediaScan,
  config: PrepareConfig,
  findings: QaFinding[],
  dropped: { outsideRows: number; outsideSpend: number; unknownGeoSpend: number; unknownGeos: Set<string> },
): void {
  const long = config.media.long!;
  if (scan.negativeRows > 0) {
    findings.push(
      finding(
        "negative_spend_rows",
        `${scan.negativeRows} row(s) have negative spend (refunds or credits?).`,
        {
          where: { ...lineLocation(scan, scan.negativeFirstLine), column: long.spend },
          fix: "check these rows; weekly totals must stay non-negative",
        },
      ),
    );
  }
  if (scan.duplicateRows > 0) {
    findings.push(
      finding(
        "duplicate_rows",
        `${scan.duplicateRows} row(s) are exact copies of an earlier row (a double export?); they are counted twice.`,
        {
          where: lineLocation(scan, scan.duplicateFirstLine),
          fix: "remove duplicated rows, or make them distinct if they are real",
        },
      ),
    );
  }
  if (scan.fingerprints.full) {
    findings.push({
      ...finding(
        "duplicate_rows",
        `The export has more rows than the duplicate check keeps in memory: rows after the first ${scan.fingerprints.size.toLocaleString("en-US")} were compared with those only, not with each other.`,
        { where: { file: scan.file } },
      ),
      severity: "info",
    });
  }
  if (dropped.outsideRows > 0) {
    findings.push(
      finding(
        "media_outside_window",
        `${dropped.outsideRows} mapped spend row(s) (${money(dropped.outsideSpend, config.currency)}) fall outside the table's weeks and are left out.`,
        {
          where: { file: scan.file },
          fix: "expected for partial edge weeks; otherwise check the dates of the spend export against the KPI's",
        },
      ),
    );
  }
  if (dropped.unknownGeos.size > 0) {
    findings.push(
      finding(
        "geo_coverage",
        `Spend of ${money(dropped.unknownGeoSpend, config.currency)} is for geo(s) absent from the KPI file and is dropped: ${[...dropped.unknownGeos].slice(0, 10).join(", ")}.`,
        { where: { file: scan.file }, fix: "add those geos' KPI or map them to existing geos" },
      ),
    );
  }
  for (const style of [scan.spendStyle, scan.exposureStyle]) {
    const f = style?.finding(scan);
    if (f) findings.push(f);
  }
}

export function money(x: number, currency: string): string {
  return `${currency} ${x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
