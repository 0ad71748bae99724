// `mmm prepare`: raw exports → the weekly modeling table. Loads the sources the config names,
// builds the week spine from the KPI, maps campaigns to channels, aggregates every column with
// its rule, adds holidays, and runs the QA checks. Pure of output: writing is the caller's job.

import { resolve } from "node:path";
import {
  type DayNumber,
  formatDay,
  parseDay,
  WEEKDAYS,
  weekdayIndex,
  weekdayOf,
  weekStartOf,
} from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { weeklyHolidays } from "../core/holidays.js";
import { type ModelingTable, NATIONAL_GEO, type TableColumn } from "../core/modelingTable.js";
import { broadcast, WeeklyAccumulator, weekSpine } from "./calendar.js";
import { readDates, readLabels, readNumbers, readWeekIndex } from "./cells.js";
import type { LoadedConfig, PrepareConfig, SourceConfig } from "./config.js";
import { cellText, type Frame, rowLocation, type SourceFile } from "./frame.js";
import { loadFrame } from "./load.js";
import { runTableChecks } from "./qa.js";
import { buildReport, finding, type QaFinding, type QaReport } from "./qaReport.js";
import { type CampaignStat, classify, findRenames, loadTaxonomy, type Taxonomy } from "./taxonomy.js";

export interface PrepareResult {
  table: ModelingTable;
  qa: QaReport;
  /** Every source read, by source name (for lineage). */
  frames: Map<string, SourceFile>;
  taxonomy: Taxonomy | null;
  campaigns: CampaignStat[];
}

/** A dated source after its dates are read and its rows placed on the spine. */
interface PlacedSource {
  name: string;
  cfg: SourceConfig;
  frame: Frame;
  days: DayNumber[];
  granularity: "daily" | "weekly";
  /** Spine index of each row's week, −1 outside the spine. */
  week: Int32Array;
  /** Geo index of each row; −1 when the source has no geo column; −2 for a geo the KPI does not have. */
  geo: Int32Array;
  geoLabels: string[] | null;
}

export async function prepare(loaded: LoadedConfig): Promise<PrepareResult> {
  const { config, baseDir } = loaded;
  const findings: QaFinding[] = [];

  // ---- load every source the config uses ----
  const frames = new Map<string, Frame>();
  for (const name of usedSources(config)) {
    const src = config.sources[name];
    frames.set(
      name,
      await loadFrame({
        file: src.path,
        absPath: resolve(baseDir, src.path),
        format: src.format,
        delimiter: src.delimiter,
        encoding: src.encoding,
        key: `sources.${name}.path`,
        sourceKey: `sources.${name}`,
      }),
    );
  }
  for (const f of frames.values()) findings.push(...f.notes);

  // ---- dates, granularity and the weekday weeks start on ----
  const days = new Map<string, DayNumber[]>();
  for (const name of datedSources(config)) {
    const src = config.sources[name];
    const frame = frames.get(name)!;
    if (!src.date) {
      throw new MmmError(
        "E_CONFIG_SOURCE",
        `Source '${name}' has no date column, but it feeds the KPI, media or a control.`,
        { file: loaded.path, key: `sources.${name}.date` },
        "set the date column of this source",
      );
    }
    const d = src.week_index
      ? readWeekIndex(
          frame,
          src.date,
          `sources.${name}.date`,
          parseDay(src.week_index.origin)!,
          src.week_index.first,
        )
      : readDates(frame, src.date, `sources.${name}.date`, src.date_format);
    days.set(name, d);
  }
  const weekStart = resolveWeekStart(config, days, frames, loaded.path);
  const granularity = (name: string) =>
    config.sources[name].week_index
      ? "weekly"
      : (config.sources[name].granularity ?? config.calendar.granularity);

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
    taxonomy = loadTaxonomy(resolve(baseDir, long.taxonomy), long.taxonomy);
    const result = aggregateLongMedia(placed.get(long.source)!, config, taxonomy, G, T, geoLevel, findings);
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
  findings.push(...runTableChecks(table, config.qa, leakageCandidates(placed, config, T)));
  const report = buildReport(findings, config.qa.severity, summarise(table, taxonomy, campaigns));
  return { table, qa: report, frames, taxonomy, campaigns };
}

function usedSources(config: PrepareConfig): string[] {
  const names = new Set<string>(datedSources(config));
  if (config.geo?.population) names.add(config.geo.population.source);
  return [...names];
}

function datedSources(config: PrepareConfig): string[] {
  const names = new Set<string>([config.kpi.source]);
  if (config.media.long) names.add(config.media.long.source);
  for (const c of config.media.channels) names.add(c.source);
  for (const c of config.controls) names.add(c.source);
  return [...names];
}

/** Weekly sources fix the weekday; daily sources follow the config (Monday, ISO, by default). */
function resolveWeekStart(
  config: PrepareConfig,
  days: Map<string, DayNumber[]>,
  frames: Map<string, Frame>,
  configFile: string,
): number {
  let fromData: { weekday: number; source: string } | null = null;
  for (const [name, d] of days) {
    const src = config.sources[name];
    const weekly = src.week_index || (src.granularity ?? config.calendar.granularity) === "weekly";
    if (!weekly) continue;
    const wd = weekdayOf(d[0]);
    const bad = d.findIndex((x) => weekdayOf(x) !== wd);
    if (bad >= 0) {
      throw new MmmError(
        "E_WEEKLY_WEEKDAY",
        `Weekly source '${name}' mixes weekdays: ${formatDay(d[0])} is a ${WEEKDAYS[wd]} but ${formatDay(d[bad])} is a ${WEEKDAYS[weekdayOf(d[bad])]}.`,
        { ...rowLocation(frames.get(name)!, bad), column: src.date },
        "weekly rows must all be dated on the same weekday; if the file is daily set granularity: daily",
      );
    }
    if (fromData && fromData.weekday !== wd) {
      throw new MmmError(
        "E_WEEK_START_CONFLICT",
        `Weekly sources disagree on the weekday: '${fromData.source}' uses ${WEEKDAYS[fromData.weekday]}s, '${name}' ${WEEKDAYS[wd]}s.`,
        { file: configFile, key: `sources.${name}` },
        "re-date one of the files so both label weeks by the same weekday",
      );
    }
    fromData = { weekday: wd, source: name };
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

/** The same (geo, date) twice in a wide source is an error: which row is right is unknowable. */
function checkDuplicateKeys(p: PlacedSource, config: PrepareConfig): void {
  if (config.media.long?.source === p.name) return; // long exports legitimately repeat dates
  const seen = new Map<string, number>();
  for (let i = 0; i < p.days.length; i++) {
    const key = `${p.geoLabels?.[i] ?? ""}\u0000${p.days[i]}`;
    const prev = seen.get(key);
    if (prev !== undefined) {
      const what = p.granularity === "weekly" ? "week" : "day";
      throw new MmmError(
        "E_DUPLICATE_KEY",
        `Duplicate ${what} in ${p.frame.file}: ${formatDay(p.days[i])}${p.geoLabels ? ` for geo '${p.geoLabels[i]}'` : ""} appears on ${p.frame.format === "csv" ? "lines" : "rows"} ${p.frame.lines[prev]} and ${p.frame.lines[i]}.`,
        { ...rowLocation(p.frame, i), column: p.cfg.date },
        "remove the duplicate row (or, if the file holds several series, add its geo column as sources.<name>.geo)",
      );
    }
    seen.set(key, i);
  }
}

function aggregateColumn(
  p: PlacedSource,
  column: string,
  key: string,
  rule: WeeklyAccumulator["rule"],
  G: number,
  T: number,
  geoLevel: boolean,
): Float64Array {
  return aggregateValues(p, readNumbers(p.frame, column, key), rule, G, T, geoLevel);
}

/** Aggregates row values to (geo, week); a source without geo in a geo table is broadcast. */
function aggregateValues(
  p: PlacedSource,
  values: Float64Array,
  rule: WeeklyAccumulator["rule"],
  G: number,
  T: number,
  geoLevel: boolean,
): Float64Array {
  const national = p.geoLabels === null;
  const acc = new WeeklyAccumulator(national ? 1 : G, T, rule);
  for (let i = 0; i < values.length; i++) {
    if (p.week[i] < 0 || p.geo[i] === -2) continue;
    acc.add(national ? 0 : p.geo[i], p.week[i], values[i], p.days[i]);
  }
  const out = acc.values(rule === "sum" ? 0 : Number.NaN);
  return national && geoLevel ? broadcast(out, G) : out;
}

function fillGaps(values: Float64Array, fill: number): Float64Array {
  return values.map((v) => (Number.isNaN(v) ? fill : v));
}

interface LongMediaResult {
  channels: string[];
  spend: Map<string, Float64Array>;
  exposure: Map<string, Float64Array>;
  campaigns: CampaignStat[];
}

function aggregateLongMedia(
  p: PlacedSource,
  config: PrepareConfig,
  taxonomy: Taxonomy,
  G: number,
  T: number,
  geoLevel: boolean,
  findings: QaFinding[],
): LongMediaResult {
  const long = config.media.long!;
  const frame = p.frame;
  if (geoLevel && !p.geoLabels) {
    throw new MmmError(
      "E_GEO_MISMATCH",
      `The KPI is by geo but the spend export ${frame.file} has no geo column.`,
      { file: frame.file, key: `sources.${long.source}.geo` },
      "set the geo column of the spend source, or model the KPI nationally (remove its geo column)",
    );
  }
  const campaignsCol = readLabels(frame, long.campaign, "media.long.campaign");
  const platforms = long.platform ? readLabels(frame, long.platform, "media.long.platform") : null;
  const spend = readNumbers(frame, long.spend, "media.long.spend");
  const exposure = long.exposure
    ? readNumbers(frame, long.exposure, "media.long.exposure", { emptyAs: 0 })
    : null;
  const currencies = long.currency ? readLabels(frame, long.currency, "media.long.currency") : null;
  const dated =
    taxonomy.rules.some((r) => r.from !== undefined || r.to !== undefined) ||
    taxonomy.ignore.some((r) => r.from !== undefined || r.to !== undefined);
  const cache = new Map<string, ReturnType<typeof classify>>();
  const stats = new Map<string, CampaignStat>();
  const spendAcc = new Map<string, WeeklyAccumulator>();
  const exposureAcc = new Map<string, WeeklyAccumulator>();
  const order: string[] = [];
  let negativeRows = 0;
  let negativeFirst = -1;
  let unknownGeoSpend = 0;
  let outsideRows = 0;
  let outsideSpend = 0;
  const unknownGeos = new Set<string>();
  const rowKeys = new Map<string, number>();
  let duplicateRows = 0;
  let duplicateFirst = -1;
  for (let i = 0; i < spend.length; i++) {
    let amount = spend[i];
    if (currencies && currencies[i] !== config.currency) {
      const rate = config.fx[currencies[i]];
      if (rate === undefined && currencies[i] === "") {
        throw new MmmError(
          "E_MIXED_CURRENCY",
          `Spend row without a currency (blank), in a table kept in ${config.currency}.`,
          { ...rowLocation(frame, i), column: long.currency },
          `fill the row's currency (${config.currency} if it is in ${config.currency})`,
        );
      }
      if (rate === undefined) {
        throw new MmmError(
          "E_MIXED_CURRENCY",
          `Spend in ${currencies[i] || "(blank)"} found, but the table is in ${config.currency} and no exchange rate is given.`,
          { ...rowLocation(frame, i), column: long.currency },
          `add fx: { ${currencies[i] || "XXX"}: <rate to ${config.currency}> } to the config, or re-export all spend in ${config.currency}`,
        );
      }
      amount *= rate;
    }
    const platform = platforms ? platforms[i] : "";
    const campaign = campaignsCol[i];
    const cacheKey = `${platform}\u0000${campaign}`;
    let cls = dated ? undefined : cache.get(cacheKey);
    if (!cls) {
      cls = classify(taxonomy, campaign, platform, p.days[i]);
      if (!dated) cache.set(cacheKey, cls);
    }
    const statKey = dated
      ? `${cacheKey}\u0000${cls.status === "mapped" ? cls.channel : cls.status}`
      : cacheKey;
    let st = stats.get(statKey);
    if (!st) {
      st = {
        platform,
        campaign,
        status: cls.status,
        channel: cls.status === "mapped" ? cls.channel : null,
        rule: cls.status === "unmapped" ? null : cls.rule,
        spend: 0,
        rows: 0,
        firstDay: p.days[i],
        lastDay: p.days[i],
      };
      stats.set(statKey, st);
    }
    st.spend += amount;
    st.rows++;
    st.firstDay = Math.min(st.firstDay, p.days[i]);
    st.lastDay = Math.max(st.lastDay, p.days[i]);
    if (amount < 0) {
      negativeRows++;
      if (negativeFirst < 0) negativeFirst = i;
    }
    const rowKey = frame.rows[i].map(cellText).join("\u0001");
    if (rowKeys.has(rowKey)) {
      duplicateRows++;
      if (duplicateFirst < 0) duplicateFirst = i;
    } else rowKeys.set(rowKey, i);
    if (cls.status !== "mapped") continue;
    const ch = cls.channel;
    if (!spendAcc.has(ch)) {
      spendAcc.set(ch, new WeeklyAccumulator(G, T, "sum"));
      exposureAcc.set(ch, new WeeklyAccumulator(G, T, "sum"));
      order.push(ch);
    }
    if (p.week[i] < 0) {
      outsideRows++;
      outsideSpend += amount;
      continue;
    }
    if (p.geo[i] === -2) {
      unknownGeoSpend += amount;
      unknownGeos.add(p.geoLabels![i]);
      continue;
    }
    const g = geoLevel ? p.geo[i] : 0;
    spendAcc.get(ch)!.add(g, p.week[i], amount, p.days[i]);
    if (exposure) exposureAcc.get(ch)!.add(g, p.week[i], exposure[i], p.days[i]);
  }
  const campaigns = [...stats.values()].sort((a, b) => b.spend - a.spend);
  const totalSpend = campaigns.reduce((s, c) => s + c.spend, 0);
  const unmapped = campaigns.filter((c) => c.status === "unmapped");
  const ignored = campaigns.filter((c) => c.status === "ignored");
  const dataFirst = minOf(p.days);
  const dataLast = maxOf(p.days);
  const renames = findRenames(campaigns, dataFirst, dataLast);
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
        { where: { file: frame.file, channel: r.channel ?? undefined } },
      ),
    );
  }
  if (negativeRows > 0) {
    findings.push(
      finding("negative_spend_rows", `${negativeRows} row(s) have negative spend (refunds or credits?).`, {
        where: { ...rowLocation(frame, negativeFirst), column: long.spend },
        fix: "check these rows; weekly totals must stay non-negative",
      }),
    );
  }
  if (duplicateRows > 0) {
    findings.push(
      finding(
        "duplicate_rows",
        `${duplicateRows} row(s) are exact copies of an earlier row (a double export?); they are counted twice.`,
        {
          where: rowLocation(frame, duplicateFirst),
          fix: "remove duplicated rows, or make them distinct if they are real",
        },
      ),
    );
  }
  if (outsideRows > 0) {
    findings.push(
      finding(
        "media_outside_window",
        `${outsideRows} mapped spend row(s) (${money(outsideSpend, config.currency)}) fall outside the table's weeks and are left out.`,
        {
          where: { file: frame.file },
          fix: "expected for partial edge weeks; otherwise check the dates of the spend export against the KPI's",
        },
      ),
    );
  }
  if (unknownGeos.size > 0) {
    findings.push(
      finding(
        "geo_coverage",
        `Spend of ${money(unknownGeoSpend, config.currency)} is for geo(s) absent from the KPI file and is dropped: ${[...unknownGeos].slice(0, 10).join(", ")}.`,
        { where: { file: frame.file }, fix: "add those geos' KPI or map them to existing geos" },
      ),
    );
  }
  const spendOut = new Map<string, Float64Array>();
  const exposureOut = new Map<string, Float64Array>();
  // channels in taxonomy rule order, so tables from different exports line up
  const channels = taxonomy.channels.filter((c) => order.includes(c));
  for (const ch of channels) {
    spendOut.set(ch, spendAcc.get(ch)!.values(0));
    exposureOut.set(ch, exposureAcc.get(ch)!.values(0));
  }
  return { channels, spend: spendOut, exposure: exposureOut, campaigns };
}

/** Numeric columns of the sources that the config does not use, summed per week: candidates for leakage. */
function leakageCandidates(
  placed: Map<string, PlacedSource>,
  config: PrepareConfig,
  T: number,
): { source: string; file: string; column: string; weekly: Float64Array }[] {
  const used = new Set<string>();
  const mark = (source: string, col?: string) => col && used.add(`${source}\u0000${col}`);
  mark(config.kpi.source, config.kpi.column);
  mark(config.kpi.source, config.kpi.value_column);
  if (config.media.long) {
    const l = config.media.long;
    for (const c of [l.campaign, l.platform, l.spend, l.exposure, l.currency]) mark(l.source, c);
  }
  for (const c of config.media.channels) {
    mark(c.source, c.spend);
    mark(c.source, c.exposure);
  }
  for (const c of config.controls) mark(c.source, c.column);
  const out: { source: string; file: string; column: string; weekly: Float64Array }[] = [];
  for (const p of placed.values()) {
    p.frame.columns.forEach((col, ci) => {
      if (col === p.cfg.date || col === p.cfg.geo || used.has(`${p.name}\u0000${col}`)) return;
      const weekly = new Float64Array(T);
      for (let i = 0; i < p.frame.rows.length; i++) {
        const cell = p.frame.rows[i][ci];
        const v =
          typeof cell === "number" ? cell : typeof cell === "string" && cell.trim() !== "" ? Number(cell) : 0;
        if (!Number.isFinite(v)) return; // not a numeric column
        if (p.week[i] >= 0) weekly[p.week[i]] += v;
      }
      out.push({ source: p.name, file: p.frame.file, column: col, weekly });
    });
  }
  return out;
}

function summarise(
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

export function money(x: number, currency: string): string {
  return `${currency} ${x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
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
