// `mmm prepare`: raw exports → the weekly modeling table. Loads the sources the config names,
// builds the week spine from the KPI, maps campaigns to channels, aggregates every column with
// its rule, adds holidays, and runs the QA checks. Pure of output: writing is the caller's job.

import { type DayNumber, formatDay, parseDay, WEEKDAYS, weekdayOf, weekStartOf } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { weeklyHolidays } from "../core/holidays.js";
import { type ModelingTable, NATIONAL_GEO, type TableColumn } from "../core/modelingTable.js";
import { broadcast, WeeklyAccumulator, weekSpine } from "./calendar.js";
import { readDates, readLabels, readNumbers, readWeekIndex } from "./cells.js";
import type { LoadedConfig } from "./config.js";
import { frameDecimalFinding } from "./decimalStyle.js";
import { type Frame, lineLocation, rowLocation, type SourceFile } from "./frame.js";
import { finishLongMedia, type TableFrame, unusedWeekly } from "./longMedia.js";
import {
  aggregateColumn,
  aggregateValues,
  checkDuplicateKeys,
  fillGaps,
  leakageCandidates,
  type PlacedSource,
} from "./placedSource.js";
import { datedSources, loadSources, type ReadProgress } from "./prepareSources.js";
import { summarise } from "./prepareSummary.js";
import { runTableChecks } from "./qa.js";
import { buildReport, finding, type QaFinding, type QaReport } from "./qaReport.js";
import type { CampaignStat, Taxonomy } from "./taxonomy.js";
import { isWeekly, resolveWeekStart, type WeekdayProfile } from "./weekStart.js";

export interface PrepareResult {
  table: ModelingTable;
  qa: QaReport;
  /** Every source read, by source name (for lineage). */
  frames: Map<string, SourceFile>;
  taxonomy: Taxonomy | null;
  campaigns: CampaignStat[];
}

export interface PrepareRunOptions {
  /** Reading progress of each source, chunk by chunk. */
  onProgress?: ReadProgress;
}

export async function prepare(loaded: LoadedConfig, opts: PrepareRunOptions = {}): Promise<PrepareResult> {
  const { config } = loaded;
  const findings: QaFinding[] = [];

  // ---- load every source the config uses (the long export is aggregated as it streams) ----
  const { sources, frames, long: longMedia } = await loadSources(loaded, opts.onProgress);
  for (const f of sources.values()) findings.push(...f.notes);
  for (const p of longMedia?.taxonomy.unchecked ?? []) {
    findings.push(
      finding(
        "regex_unchecked",
        `Pattern ${p.key} '${p.source}' could not be checked for catastrophic backtracking in time; if prepare hangs, this pattern is the first suspect.`,
        {
          where: { file: longMedia!.taxonomy.file, key: p.key },
          fix: "simplify the pattern (fewer nested or alternated repeats)",
        },
      ),
    );
  }

  // ---- dates, granularity and the weekday weeks start on ----
  const days = new Map<string, DayNumber[]>();
  const profiles: WeekdayProfile[] = [];
  for (const name of datedSources(config)) {
    const src = config.sources[name];
    const frame = frames.get(name);
    if (!frame) {
      const scan = longMedia!.scan;
      const off = scan.offWeekday;
      profiles.push({
        name,
        first: scan.firstDay!,
        off: off ? { day: off.day, where: lineLocation(scan, off.line) } : null,
      });
      continue;
    }
    const d = src.week_index
      ? readWeekIndex(
          frame,
          src.date!,
          `sources.${name}.date`,
          parseDay(src.week_index.origin)!,
          src.week_index.first,
        )
      : readDates(frame, {
          column: src.date!,
          key: `sources.${name}.date`,
          format: src.date_format,
          offsets: src.date_offsets,
        });
    days.set(name, d);
    const bad = d.findIndex((x) => weekdayOf(x) !== weekdayOf(d[0]));
    profiles.push({
      name,
      first: d[0],
      off: bad >= 0 ? { day: d[bad], where: rowLocation(frame, bad) } : null,
    });
  }
  const weekStart = resolveWeekStart(config, profiles, loaded.path);
  const granularity = (name: string) => (isWeekly(config, name) ? "weekly" : "daily");

  // ---- geos from the KPI source ----
  const kpiSrc = config.sources[config.kpi.source];
  const kpiFrame = frames.get(config.kpi.source)!;
  const geoLevel = kpiSrc.geo !== undefined;
  const kpiGeoLabels = geoLevel
    ? readLabels(kpiFrame, kpiSrc.geo!, `sources.${config.kpi.source}.geo`)
    : null;
  const geos = geoLevel ? [...new Set(kpiGeoLabels)].sort(naturalCompare) : [NATIONAL_GEO];
  const G = geos.length;
  const geoIndex = new Map(geos.map((g, i) => [g, i]));

  // ---- the spine: every week from the KPI's first to its last, trimmed to the calendar window ----
  const kpiDays = days.get(config.kpi.source)!;
  const kpiWeeks = kpiDays.map((d) => weekStartOf(d, weekStart));
  checkIsolatedDates(kpiFrame, kpiDays, kpiSrc.date!);
  let first = minOf(kpiWeeks);
  let last = maxOf(kpiWeeks);
  if (config.calendar.start)
    first = Math.max(
      first,
      weekStartOf(parseDay(config.calendar.start)!, weekStart) +
        (weekdayOf(parseDay(config.calendar.start)!) === weekStart ? 0 : 7),
    );
  if (config.calendar.end) last = Math.min(last, weekStartOf(parseDay(config.calendar.end)! - 6, weekStart));
  if (last < first) {
    throw new MmmError(
      "E_EMPTY_WINDOW",
      `No complete week of KPI data lies inside the calendar window.`,
      { file: loaded.path, key: "calendar.start" },
      "widen calendar.start/calendar.end or check the KPI file's dates",
    );
  }
  let spine = weekSpine(first, last);
  let keptPartial: DayNumber[] = [];

  // partial weeks at the edges of daily KPI data
  if (granularity(config.kpi.source) === "daily") {
    const daysInWeek = new Map<DayNumber, Set<DayNumber>>();
    kpiDays.forEach((d, i) => {
      const w = kpiWeeks[i];
      if (!daysInWeek.has(w)) daysInWeek.set(w, new Set());
      daysInWeek.get(w)!.add(d);
    });
    const edge = [spine[0], spine[spine.length - 1]];
    const partial = [...new Set(edge)].filter((w) => (daysInWeek.get(w)?.size ?? 0) < 7);
    keptPartial = config.calendar.partial_weeks === "keep" ? partial : [];
    for (const w of partial) {
      const n = daysInWeek.get(w)?.size ?? 0;
      const policy = config.calendar.partial_weeks;
      findings.push({
        ...finding(
          "partial_week",
          `The week of ${formatDay(w)} has only ${n} of 7 days of KPI data (${policy === "drop" ? "dropped from the table" : policy === "keep" ? "kept: its totals cover only part of a week" : "not allowed by calendar.partial_weeks"}).`,
          {
            where: { file: kpiFrame.file, weeks: [formatDay(w)] },
            fix: policy === "keep" ? "set calendar.partial_weeks: drop to remove it" : undefined,
          },
        ),
        severity: policy === "error" ? "error" : "warning",
      });
    }
    if (config.calendar.partial_weeks === "drop") spine = spine.filter((w) => !partial.includes(w));
  }
  if (spine.length === 0) {
    throw new MmmError(
      "E_EMPTY_WINDOW",
      "The KPI data do not cover a single complete week.",
      { file: kpiFrame.file },
      "provide at least one full week of daily data",
    );
  }
  const T = spine.length;
  const spineIndex = new Map(spine.map((w, i) => [w, i]));
  const tableFrame: TableFrame = { weekStart, spineIndex, geoIndex, geoLevel, G, T };

  // ---- place every dated source's rows on (geo, week) ----
  const placed = new Map<string, PlacedSource>();
  for (const [name, d] of days) {
    const cfg = config.sources[name];
    const frame = frames.get(name)!;
    const labels = cfg.geo ? readLabels(frame, cfg.geo, `sources.${name}.geo`) : null;
    const week = new Int32Array(d.length);
    const geo = new Int32Array(d.length);
    for (let i = 0; i < d.length; i++) {
      week[i] = spineIndex.get(weekStartOf(d[i], weekStart)) ?? -1;
      geo[i] = labels ? (geoLevel ? (geoIndex.get(labels[i]) ?? -2) : 0) : -1;
    }
    placed.set(name, {
      name,
      cfg,
      frame,
      days: d,
      granularity: granularity(name),
      week,
      geo,
      geoLabels: labels,
    });
  }
  for (const p of placed.values()) checkDuplicateKeys(p, config);

  const columns: TableColumn[] = [];
  const kpiName = config.kpi.name ?? config.kpi.column;

  // ---- KPI ----
  const kpiPlaced = placed.get(config.kpi.source)!;
  const kpiValues = readNumbers(kpiFrame, config.kpi.column, "kpi.column");
  pushIf(findings, frameDecimalFinding(kpiFrame, config.kpi.column));
  const kpiAcc = new WeeklyAccumulator(G, T, "sum");
  const daySets: Set<DayNumber>[] = Array.from({ length: G * T }, () => new Set());
  for (let i = 0; i < kpiValues.length; i++) {
    const t = kpiPlaced.week[i];
    if (t < 0) continue;
    const g = Math.max(0, kpiPlaced.geo[i]);
    kpiAcc.add(g, t, kpiValues[i], kpiPlaced.days[i]);
    daySets[g * T + t].add(kpiPlaced.days[i]);
  }
  const kpiCounts = kpiAcc.counts();
  const missing: Record<string, string[]> = {};
  const short: Record<string, string[]> = {};
  for (let g = 0; g < G; g++) {
    for (let t = 0; t < T; t++) {
      const gaps =
        kpiCounts[g * T + t] === 0
          ? missing
          : kpiPlaced.granularity === "daily" &&
              daySets[g * T + t].size < 7 &&
              !keptPartial.includes(spine[t])
            ? short
            : null;
      if (!gaps) continue;
      gaps[geos[g]] ??= [];
      if (gaps === missing) gaps[geos[g]].push(formatDay(spine[t]));
      else
        for (let d = 0; d < 7; d++)
          if (!daySets[g * T + t].has(spine[t] + d)) gaps[geos[g]].push(formatDay(spine[t] + d));
    }
  }
  for (const [geo, weeks] of Object.entries(missing)) {
    findings.push(
      finding(
        "missing_weeks",
        `${weeks.length} week(s) have no KPI rows${geoLevel ? ` for geo '${geo}'` : ""}: ${listSome(weeks)}.`,
        {
          where: {
            file: kpiFrame.file,
            column: config.kpi.column,
            weeks,
            geos: geoLevel ? [geo] : undefined,
          },
          fix: "supply the missing weeks, or set calendar.start/calendar.end to a window without gaps",
        },
      ),
    );
  }
  for (const [geo, dates] of Object.entries(short)) {
    findings.push(
      finding(
        "missing_days",
        `${dates.length} day(s) of KPI data are missing inside the weeks${geoLevel ? ` for geo '${geo}'` : ""}: ${listSome(dates)}; those weeks' totals would be too low.`,
        {
          where: { file: kpiFrame.file, column: kpiSrc.date, geos: geoLevel ? [geo] : undefined },
          fix: "supply the missing days (0 if there truly were none)",
        },
      ),
    );
  }
  columns.push({
    name: kpiName,
    role: "kpi",
    values: kpiAcc.values(0),
    aggregation: "sum",
    unit: config.kpi.unit,
  });

  if (config.kpi.value_column) {
    const v = readNumbers(kpiFrame, config.kpi.value_column, "kpi.value_column");
    const acc = new WeeklyAccumulator(G, T, "mean");
    for (let i = 0; i < v.length; i++)
      if (kpiPlaced.week[i] >= 0)
        acc.add(Math.max(0, kpiPlaced.geo[i]), kpiPlaced.week[i], v[i], kpiPlaced.days[i]);
    columns.push({
      name: "kpi_value",
      role: "kpi_value",
      values: acc.values(),
      aggregation: "mean",
      unit: `${config.currency} per ${config.kpi.unit}`,
    });
  }

  // ---- media ----
  const channels: ModelingTable["channels"] = [];
  const spendColumns: TableColumn[] = [];
  const exposureColumns: TableColumn[] = [];
  let taxonomy: Taxonomy | null = null;
  let campaigns: CampaignStat[] = [];
  if (config.media.long) {
    const long = config.media.long;
    taxonomy = longMedia!.taxonomy;
    const result = finishLongMedia(longMedia!.scan, config, taxonomy, tableFrame, findings);
    campaigns = result.campaigns;
    for (const ch of result.channels) {
      channels.push({
        name: ch,
        spend: `spend_${ch}`,
        exposure: long.exposure ? `exposure_${ch}` : undefined,
      });
      spendColumns.push({
        name: `spend_${ch}`,
        role: "spend",
        channel: ch,
        values: result.spend.get(ch)!,
        aggregation: "sum",
        unit: config.currency,
      });
      if (long.exposure)
        exposureColumns.push({
          name: `exposure_${ch}`,
          role: "exposure",
          channel: ch,
          values: result.exposure.get(ch)!,
          aggregation: "sum",
          unit: long.exposure_unit,
        });
    }
  }
  for (const [i, ch] of config.media.channels.entries()) {
    const key = `media.channels.${i}`;
    if (channels.some((c) => c.name === ch.name)) {
      throw new MmmError(
        "E_CONFIG_DUPLICATE",
        `Channel '${ch.name}' is produced both by the taxonomy and by ${key}.`,
        { file: loaded.path, key: `${key}.name` },
        "rename one of them",
      );
    }
    if (!ch.spend && !ch.exposure) {
      throw new MmmError(
        "E_CONFIG_SCHEMA",
        `Channel '${ch.name}' names neither a spend nor an exposure column.`,
        { file: loaded.path, key },
        "set spend: (and optionally exposure:) for the channel",
      );
    }
    const p = placed.get(ch.source)!;
    if (geoLevel && !p.geoLabels) {
      throw new MmmError(
        "E_GEO_MISMATCH",
        `Channel '${ch.name}' comes from source '${ch.source}', which has no geo column, but the KPI is by geo: its national spend cannot be split across geos.`,
        { file: p.frame.file, key: `sources.${ch.source}.geo` },
        "supply the channel's spend by geo (and set the source's geo column), or model the KPI nationally",
      );
    }
    const entry: ModelingTable["channels"][number] = { name: ch.name };
    if (ch.spend) {
      const values = aggregateColumn(p, ch.spend, `${key}.spend`, "sum", G, T, geoLevel);
      pushIf(findings, frameDecimalFinding(p.frame, ch.spend));
      spendColumns.push({
        name: `spend_${ch.name}`,
        role: "spend",
        channel: ch.name,
        values,
        aggregation: "sum",
        unit: config.currency,
      });
      entry.spend = `spend_${ch.name}`;
    }
    if (ch.exposure) {
      const values = aggregateColumn(p, ch.exposure, `${key}.exposure`, "sum", G, T, geoLevel);
      pushIf(findings, frameDecimalFinding(p.frame, ch.exposure));
      exposureColumns.push({
        name: `exposure_${ch.name}`,
        role: "exposure",
        channel: ch.name,
        values,
        aggregation: "sum",
        unit: ch.exposure_unit,
      });
      entry.exposure = `exposure_${ch.name}`;
    }
    channels.push(entry);
  }
  columns.push(...spendColumns, ...exposureColumns);

  // ---- controls ----
  for (const [i, c] of config.controls.entries()) {
    const key = `controls.${i}`;
    const p = placed.get(c.source)!;
    if (c.encode === "onehot") {
      const labels = readLabels(p.frame, c.column, `${key}.column`);
      // levels seen inside the window only: a level that never occurs there would be a constant column
      const levels = [...new Set(labels.filter((_, r) => p.week[r] >= 0))]
        .filter((l) => !c.baseline_levels.includes(l.toLowerCase()))
        .sort(naturalCompare);
      const bySlug = new Map<string, string>();
      for (const level of levels) {
        const clash = bySlug.get(slug(level));
        if (clash !== undefined) {
          throw new MmmError(
            "E_CONFIG_SCHEMA",
            `Control '${c.name}': levels '${clash}' and '${level}' would both become column '${c.name}_${slug(level)}'.`,
            { file: p.frame.file, column: c.column, key },
            "make the level labels distinct beyond case and punctuation",
          );
        }
        bySlug.set(slug(level), level);
      }
      for (const level of levels) {
        const indicator = Float64Array.from(labels, (l) => (l === level ? 1 : 0));
        const values = aggregateValues(p, indicator, "max", G, T, geoLevel);
        columns.push({
          name: `${c.name}_${slug(level)}`,
          role: "control",
          values: fillGaps(values, 0),
          aggregation: "max",
          description: `${c.column} = '${level}'`,
        });
      }
      continue;
    }
    const values = aggregateColumn(p, c.column, `${key}.column`, c.aggregation, G, T, geoLevel);
    const gap = values.findIndex((v) => Number.isNaN(v));
    if (gap >= 0) {
      throw new MmmError(
        "E_CONTROL_GAP",
        `Control '${c.name}' has no value in the week of ${formatDay(spine[gap % T])}${geoLevel ? ` for geo '${geos[Math.floor(gap / T)]}'` : ""}.`,
        { file: p.frame.file, column: c.column, key },
        "supply values for every week of the KPI's range, or drop the control",
      );
    }
    columns.push({
      name: c.name,
      role: "control",
      values,
      aggregation: c.aggregation,
      sign: c.sign === "any" ? undefined : c.sign,
    });
  }

  // ---- population ----
  if (config.geo?.population) {
    const pc = config.geo.population;
    const frame = frames.get(pc.source)!;
    const srcGeo = config.sources[pc.source].geo;
    if (!srcGeo)
      throw new MmmError(
        "E_CONFIG_SOURCE",
        `Source '${pc.source}' holds population but has no geo column.`,
        { file: loaded.path, key: `sources.${pc.source}.geo` },
        "set the geo column of that source",
      );
    const labels = readLabels(frame, srcGeo, `sources.${pc.source}.geo`);
    const pop = readNumbers(frame, pc.column, "geo.population.column");
    const byGeo = new Map<string, number>();
    for (const [i, l] of labels.entries()) byGeo.set(l, pop[i]);
    const values = new Float64Array(G * T);
    geos.forEach((g, gi) => {
      const v = byGeo.get(g);
      if (v === undefined)
        throw new MmmError(
          "E_GEO_MISMATCH",
          `No population for geo '${g}'.`,
          { file: frame.file, column: pc.column, key: "geo.population" },
          "add a row for every geo of the KPI file",
        );
      values.fill(v, gi * T, (gi + 1) * T);
    });
    columns.unshift({ name: "population", role: "population", values });
  }

  // ---- holidays ----
  let holidayCountry: string | undefined;
  if (config.calendar.holidays) {
    holidayCountry = config.calendar.holidays.country.toUpperCase();
    const h = weeklyHolidays(spine, holidayCountry, config.calendar.holidays.events);
    for (const s of h.slugs)
      columns.push({
        name: `holiday_${s}`,
        role: "holiday",
        values: broadcast(h.indicator[s], G),
        description: h.names[s],
      });
  }

  const table: ModelingTable = {
    weekStart: WEEKDAYS[weekStart],
    weeks: spine,
    geos,
    geoLevel: geoLevel ? "geo" : "national",
    kpi: kpiName,
    currency: config.currency,
    columns,
    channels,
    holidayCountry,
    valuePerUnit: config.kpi.value_per_unit,
  };

  // ---- checks on the finished table, and leakage in columns the config left out ----
  const candidates = leakageCandidates(placed, config, T);
  if (longMedia) candidates.push(...unusedWeekly(longMedia.scan, config.media.long!.source, tableFrame));
  findings.push(...runTableChecks(table, config.qa, candidates));
  const report = buildReport(findings, config.qa.severity, summarise(table, taxonomy, campaigns));
  return { table, qa: report, frames: sources, taxonomy, campaigns };
}

function pushIf(findings: QaFinding[], f: QaFinding | null): void {
  if (f) findings.push(f);
}

function listSome(items: string[], n = 8): string {
  return items.length <= n ? items.join(", ") : `${items.slice(0, n).join(", ")}, … (${items.length} in all)`;
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "") || "blank"
  );
}

/**
 * A few KPI rows far (over half a year) from all the others are almost always a mistyped year;
 * left in, they would stretch the weekly spine over empty years. Stop at the first such row.
 */
function checkIsolatedDates(frame: Frame, days: DayNumber[], column: string): void {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  let bestGap = 0;
  let at = -1;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] - sorted[i - 1] > bestGap) {
      bestGap = sorted[i] - sorted[i - 1];
      at = i;
    }
  }
  if (bestGap <= 182) return;
  const before = sorted.slice(0, at);
  const after = sorted.slice(at);
  const isolated = before.length < after.length ? before : after;
  if (isolated.length > 0.05 * sorted.length) return; // two real blocks of data: the gap check reports it
  const row = days.findIndex((d) => isolated.includes(d));
  const main = before.length < after.length ? after : before;
  throw new MmmError(
    "E_BAD_DATE",
    `Date ${formatDay(days[row])} lies ${Math.round(bestGap / 7)} weeks away from the rest of the KPI data (${formatDay(main[0])} … ${formatDay(main[main.length - 1])}): a mistyped year?`,
    { ...rowLocation(frame, row), column },
    "correct the date, or limit the window with calendar.start / calendar.end",
  );
}

// loops, not Math.min(...xs): spreading 100k+ rows overflows the call stack
function minOf(xs: number[]): number {
  let m = Number.POSITIVE_INFINITY;
  for (const x of xs) if (x < m) m = x;
  return m;
}

function maxOf(xs: number[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
