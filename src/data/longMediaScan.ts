// Reads the campaign-level spend export (`media.long`) row by row as it streams in: each row is
// dated, priced in the table's currency, mapped to a channel and added to per-day sums, so memory
// follows days × geos × channels (plus 8 bytes a row for duplicate detection), not the file.

import { type DayNumber, parseDay, weekdayOf } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { type NumberOptions, readNumberCell, readWeekIndexCell, requireColumnIn } from "./cells.js";
import type { PrepareConfig, SourceConfig } from "./config.js";
import type { RowSink } from "./csvReader.js";
import { type DateColumn, readDateCell } from "./dateCell.js";
import { DaySums } from "./daySums.js";
import { DecimalStyle } from "./decimalStyle.js";
import { type Cell, cellText, lineLocation } from "./frame.js";
import { FingerprintSet, rowFingerprint } from "./rowFingerprints.js";
import { type CampaignStat, type Classification, classify, type Taxonomy } from "./taxonomy.js";

/** Spend, exposure and row count per day, for one (geo label, channel). */
export const SPEND = 0;
export const EXPOSURE = 1;
export const ROWS = 2;

export interface LongScanSetup {
  config: PrepareConfig;
  source: string;
  taxonomy: Taxonomy;
  /** Sum the columns the config does not use, per day (leakage candidates). */
  trackUnused: boolean;
}

interface Columns {
  date: number;
  geo: number;
  campaign: number;
  platform: number;
  spend: number;
  exposure: number;
  currency: number;
}

interface Unused {
  column: string;
  index: number;
  sums: DaySums;
  numeric: boolean;
}

export class LongMediaScan implements RowSink {
  readonly file: string;
  format: "csv" | "parquet" = "csv";
  readonly cfg: SourceConfig;
  rows = 0;
  /** Day of the first row, and the first line whose weekday differs from it (weekly sources). */
  firstDay: DayNumber | null = null;
  offWeekday: { day: DayNumber; line: number } | null = null;
  dataFirst = Number.POSITIVE_INFINITY;
  dataLast = Number.NEGATIVE_INFINITY;
  /** Geo labels in order of appearance; the series key is geo × channels + channel. */
  readonly geoNames: string[] = [];
  readonly series = new Map<number, DaySums>();
  readonly channelSeen: boolean[];
  readonly stats = new Map<string, CampaignStat>();
  negativeRows = 0;
  negativeFirstLine = -1;
  duplicateRows = 0;
  duplicateFirstLine = -1;
  readonly unused: Unused[] = [];
  readonly spendStyle: DecimalStyle;
  readonly exposureStyle: DecimalStyle | null;

  private col!: Columns;
  private readonly date: DateColumn;
  private readonly dayCache = new Map<string, DayNumber>();
  private readonly byName = new Map<string, { cls: Classification; stat: CampaignStat }>();
  private readonly geoIndex = new Map<string, number>();
  private readonly channelIndex: Map<string, number>;
  private readonly dated: boolean;
  readonly fingerprints = new FingerprintSet();
  private readonly fp = new Uint32Array(2);
  private readonly exposureOpts: NumberOptions = { emptyAs: 0 };

  constructor(private readonly setup: LongScanSetup) {
    const { config, source, taxonomy } = setup;
    this.cfg = config.sources[source];
    this.file = this.cfg.path;
    const long = config.media.long!;
    this.date = {
      column: this.cfg.date!,
      key: `sources.${source}.date`,
      format: this.cfg.date_format,
      offsets: this.cfg.date_offsets,
    };
    this.channelIndex = new Map(taxonomy.channels.map((c, i) => [c, i]));
    this.channelSeen = taxonomy.channels.map(() => false);
    this.dated =
      taxonomy.rules.some((r) => r.from !== undefined || r.to !== undefined) ||
      taxonomy.ignore.some((r) => r.from !== undefined || r.to !== undefined);
    this.spendStyle = new DecimalStyle(long.spend);
    this.exposureStyle = long.exposure ? new DecimalStyle(long.exposure) : null;
  }

  header(columns: string[], format: "csv" | "parquet"): void {
    this.format = format;
    const { config, source } = this.setup;
    const long = config.media.long!;
    const need = (name: string | undefined, key: string) =>
      name === undefined ? -1 : requireColumnIn(columns, this.file, name, key);
    this.col = {
      date: need(this.cfg.date, `sources.${source}.date`),
      geo: need(this.cfg.geo, `sources.${source}.geo`),
      campaign: need(long.campaign, "media.long.campaign"),
      platform: need(long.platform, "media.long.platform"),
      spend: need(long.spend, "media.long.spend"),
      exposure: need(long.exposure, "media.long.exposure"),
      currency: need(long.currency, "media.long.currency"),
    };
    if (!this.setup.trackUnused) return;
    const used = new Set([this.cfg.date, this.cfg.geo, long.campaign, long.platform, long.spend]);
    used.add(long.exposure);
    used.add(long.currency);
    columns.forEach((column, index) => {
      if (!used.has(column)) this.unused.push({ column, index, sums: new DaySums(1), numeric: true });
    });
  }

  row(cells: Cell[], line: number): void {
    const col = this.col;
    const where = lineLocation(this, line);
    this.rows++;
    const day = this.dayOf(cells[col.date], where, line);
    if (day < this.dataFirst) this.dataFirst = day;
    if (day > this.dataLast) this.dataLast = day;

    const long = this.setup.config.media.long!;
    const spend = readNumberCell(cells[col.spend], long.spend, {}, where);
    this.spendStyle.observe(cells[col.spend], line);
    const exposure =
      col.exposure >= 0 ? readNumberCell(cells[col.exposure], long.exposure!, this.exposureOpts, where) : 0;
    if (this.exposureStyle) this.exposureStyle.observe(cells[col.exposure], line);
    const amount = spend * this.rate(cells, where);

    const platform = col.platform >= 0 ? label(cells[col.platform]) : "";
    const campaign = label(cells[col.campaign]);
    const { cls, stat } = this.campaignOf(campaign, platform, day);
    stat.spend += amount;
    stat.rows++;
    if (day < stat.firstDay) stat.firstDay = day;
    if (day > stat.lastDay) stat.lastDay = day;
    if (amount < 0 && this.negativeRows++ === 0) this.negativeFirstLine = line;
    rowFingerprint(cells, this.fp);
    if (this.fingerprints.add(this.fp[0], this.fp[1]) && this.duplicateRows++ === 0)
      this.duplicateFirstLine = line;
    for (const u of this.unused) if (u.numeric) addUnused(u, cells[u.index], day);

    if (cls.status !== "mapped") return;
    const ch = this.channelIndex.get(cls.channel)!;
    this.channelSeen[ch] = true;
    const geo = col.geo >= 0 ? this.geoOf(label(cells[col.geo])) : this.geoOf("");
    const key = geo * this.channelSeen.length + ch;
    let sums = this.series.get(key);
    if (!sums) {
      sums = new DaySums(3);
      this.series.set(key, sums);
    }
    sums.add3(day, amount, exposure, 1);
  }

  /** Whether the source has a geo column. */
  get hasGeo(): boolean {
    return this.col.geo >= 0;
  }

  private dayOf(cell: Cell, where: ReturnType<typeof lineLocation>, line: number): DayNumber {
    const text = typeof cell === "string" ? cell : null;
    let day = text === null ? undefined : this.dayCache.get(text);
    if (day !== undefined) return day;
    const wi = this.cfg.week_index;
    day = wi
      ? readWeekIndexCell(cell, this.date.column, parseDay(wi.origin)!, wi.first, where)
      : readDateCell(cell, this.date, where);
    if (text !== null) {
      // timestamps can make every row's text distinct: keep the cache small
      if (this.dayCache.size > 100_000) this.dayCache.clear();
      this.dayCache.set(text, day);
    }
    // a new text is the only place a new weekday can first appear
    if (this.firstDay === null) this.firstDay = day;
    else if (this.offWeekday === null && weekdayOf(day) !== weekdayOf(this.firstDay))
      this.offWeekday = { day, line };
    return day;
  }

  private rate(cells: Cell[], where: ReturnType<typeof lineLocation>): number {
    const { config } = this.setup;
    if (this.col.currency < 0) return 1;
    const code = label(cells[this.col.currency]);
    if (code === config.currency) return 1;
    // fx is a user-keyed record: only its own keys count ('constructor' is not a rate)
    const rate = Object.hasOwn(config.fx, code) ? config.fx[code] : undefined;
    if (rate !== undefined) return rate;
    const column = config.media.long!.currency;
    if (code === "") {
      throw new MmmError(
        "E_MIXED_CURRENCY",
        `Spend row without a currency (blank), in a table kept in ${config.currency}.`,
        { ...where, column },
        `fill the row's currency (${config.currency} if it is in ${config.currency})`,
      );
    }
    throw new MmmError(
      "E_MIXED_CURRENCY",
      `Spend in ${code} found, but the table is in ${config.currency} and no exchange rate is given.`,
      { ...where, column },
      `add fx: { ${code}: <rate to ${config.currency}> } to the config, or re-export all spend in ${config.currency}`,
    );
  }

  /** The row's classification and the stats entry it counts in (one map lookup per row when rules are undated). */
  private campaignOf(
    campaign: string,
    platform: string,
    day: DayNumber,
  ): { cls: Classification; stat: CampaignStat } {
    const base = `${platform}\u0000${campaign}`;
    if (!this.dated) {
      const hit = this.byName.get(base);
      if (hit) return hit;
    }
    const cls = classify(this.setup.taxonomy, campaign, platform, day);
    // with dated rules one name can map to several channels: one stats entry per outcome
    const key = this.dated ? `${base}\u0000${cls.status === "mapped" ? cls.channel : cls.status}` : base;
    let stat = this.stats.get(key);
    if (!stat) {
      stat = {
        platform,
        campaign,
        status: cls.status,
        channel: cls.status === "mapped" ? cls.channel : null,
        rule: cls.status === "unmapped" ? null : cls.rule,
        spend: 0,
        rows: 0,
        firstDay: day,
        lastDay: day,
      };
      this.stats.set(key, stat);
    }
    const entry = { cls, stat };
    if (!this.dated) this.byName.set(base, entry);
    return entry;
  }

  private geoOf(name: string): number {
    let g = this.geoIndex.get(name);
    if (g === undefined) {
      g = this.geoNames.length;
      this.geoNames.push(name);
      this.geoIndex.set(name, g);
    }
    return g;
  }
}

function label(cell: Cell): string {
  return typeof cell === "string" ? cell.trim() : cellText(cell).trim();
}

// as the wide sources' leakage scan reads them: blank is 0, anything else must be a finite number
function addUnused(u: Unused, cell: Cell, day: DayNumber): void {
  const v =
    typeof cell === "number" ? cell : typeof cell === "string" && cell.trim() !== "" ? Number(cell) : 0;
  if (!Number.isFinite(v)) {
    u.numeric = false;
    u.sums = new DaySums(1); // free what was summed
    return;
  }
  u.sums.add(day, 0, v);
}
