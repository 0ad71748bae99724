// Channel taxonomy: ordered regex rules that map dirty campaign names (and platforms) to model
// channels, a mapping report with the spend behind every name, and detection of names that
// appear just as another stops (a campaign renamed mid-history).

import { createHash } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { type DayNumber, formatDay, parseDay } from "../core/dates.js";
import { MmmError } from "../core/errors.js";
import { readUserText } from "./fsErrors.js";

const RuleSchema = z.strictObject({
  channel: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, "channel names use lower-case letters, digits and underscores"),
  campaign: z.string().optional(),
  platform: z.string().optional(),
  /** The rule applies to rows dated on or after / on or before these days (for names reused over time). */
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});
const IgnoreSchema = RuleSchema.omit({ channel: true });

const TaxonomySchema = z.strictObject({
  version: z.union([z.string(), z.number()]).transform(String),
  flags: z
    .string()
    .regex(/^[imsu]*$/, "allowed regex flags: i, m, s, u")
    .default("i"),
  /** Channel order of the output table (defaults to the order of first appearance in the rules). */
  channels: z.array(z.string()).optional(),
  rules: z.array(RuleSchema).min(1),
  ignore: z.array(IgnoreSchema).default([]),
});

interface CompiledRule {
  index: number;
  channel: string | null; // null for ignore rules
  campaign?: RegExp;
  platform?: RegExp;
  from?: DayNumber;
  to?: DayNumber;
}

export interface Taxonomy {
  file: string;
  version: string;
  sha256: string;
  rules: CompiledRule[];
  ignore: CompiledRule[];
  channels: string[];
}

export type Classification =
  | { status: "mapped"; channel: string; rule: number }
  | { status: "ignored"; rule: number }
  | { status: "unmapped" };

export function loadTaxonomy(path: string, file: string, key = "media.long.taxonomy"): Taxonomy {
  let text: string;
  try {
    text = readUserText({ path, what: "the taxonomy rules file", key });
  } catch (e) {
    if (!(e instanceof MmmError) || e.code !== "E_FILE_NOT_FOUND") throw e;
    throw new MmmError(
      "E_FILE_NOT_FOUND",
      `Taxonomy rules file not found: ${file}.`,
      { file, key },
      "point media.long.taxonomy at a rules YAML file (see rules/dtc-taxonomy.yaml)",
    );
  }
  return parseTaxonomy(text, file, createHash("sha256").update(text).digest("hex"));
}

export function parseTaxonomy(text: string, file: string, sha256 = ""): Taxonomy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new MmmError(
      "E_TAXONOMY_YAML",
      `Taxonomy ${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`,
      { file },
      "fix the YAML syntax; quote regex patterns with single quotes",
    );
  }
  const parsed = TaxonomySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MmmError(
      "E_TAXONOMY_SCHEMA",
      `Taxonomy ${file} is invalid at '${issue.path.join(".")}': ${issue.message}.`,
      { file, key: issue.path.join(".") },
      "each rule needs a channel and at least one of campaign/platform patterns; see docs/data-format.md",
    );
  }
  const t = parsed.data;
  const compile = (
    r: z.infer<typeof IgnoreSchema>,
    index: number,
    channel: string | null,
    list: string,
  ): CompiledRule => {
    if (!r.campaign && !r.platform) {
      throw new MmmError(
        "E_TAXONOMY_SCHEMA",
        `Taxonomy ${file}: ${list}[${index}] has no campaign or platform pattern, so it would match everything.`,
        { file, key: `${list}.${index}` },
        "add a campaign: or platform: pattern",
      );
    }
    const re = (field: "campaign" | "platform") => {
      const source = r[field];
      if (source === undefined) return undefined;
      try {
        return new RegExp(source, t.flags);
      } catch (e) {
        throw new MmmError(
          "E_TAXONOMY_REGEX",
          `Taxonomy ${file}: ${list}[${index}].${field} is not a valid regular expression: ${(e as Error).message}.`,
          { file, key: `${list}.${index}.${field}` },
          "fix the pattern (JavaScript regex syntax; inline flags like (?i) are not supported, use the top-level flags key)",
        );
      }
    };
    const day = (s: string | undefined, k: string) => {
      if (s === undefined) return undefined;
      const d = parseDay(s);
      if (d === null)
        throw new MmmError(
          "E_TAXONOMY_SCHEMA",
          `Taxonomy ${file}: ${list}[${index}].${k} is not a real date: '${s}'.`,
          { file, key: `${list}.${index}.${k}` },
          "use YYYY-MM-DD",
        );
      return d;
    };
    return {
      index,
      channel,
      campaign: re("campaign"),
      platform: re("platform"),
      from: day(r.from, "from"),
      to: day(r.to, "to"),
    };
  };
  const rules = t.rules.map((r, i) => compile(r, i, r.channel, "rules"));
  const ignore = t.ignore.map((r, i) => compile(r, i, null, "ignore"));
  const ruleChannels = [...new Set(t.rules.map((r) => r.channel))];
  const order = t.channels ?? ruleChannels;
  const unlisted = ruleChannels.find((c) => !order.includes(c));
  if (unlisted) {
    throw new MmmError(
      "E_TAXONOMY_SCHEMA",
      `Taxonomy ${file}: rules map to channel '${unlisted}', which the channels list does not include.`,
      { file, key: "channels" },
      `add ${unlisted} to channels (the list sets the table's channel order)`,
    );
  }
  return { file, version: t.version, sha256, rules, ignore, channels: order };
}

function matches(rule: CompiledRule, campaign: string, platform: string, day: DayNumber): boolean {
  if (rule.from !== undefined && day < rule.from) return false;
  if (rule.to !== undefined && day > rule.to) return false;
  if (rule.campaign && !rule.campaign.test(campaign)) return false;
  if (rule.platform && !rule.platform.test(platform)) return false;
  return true;
}

/** Ignore rules win over channel rules; then channel rules in order, first match wins. */
export function classify(t: Taxonomy, campaign: string, platform: string, day: DayNumber): Classification {
  for (const r of t.ignore)
    if (matches(r, campaign, platform, day)) return { status: "ignored", rule: r.index };
  for (const r of t.rules)
    if (matches(r, campaign, platform, day)) return { status: "mapped", channel: r.channel!, rule: r.index };
  return { status: "unmapped" };
}

export interface CampaignStat {
  platform: string;
  campaign: string;
  status: Classification["status"];
  channel: string | null;
  rule: number | null;
  spend: number;
  rows: number;
  firstDay: DayNumber;
  lastDay: DayNumber;
}

export interface RenameCandidate {
  /** The name that appears. */
  campaign: string;
  platform: string;
  firstSeen: string;
  status: Classification["status"];
  channel: string | null;
  /** The name that stopped just before, and its channel. */
  replaces: string;
  replacesChannel: string | null;
  lastSeen: string;
}

/**
 * Names that start within two weeks of another name on the same platform stopping for good are
 * rename candidates: harmless if both map to one channel, a silent loss of spend if the new
 * name is unmapped (its predecessor's channel is then the likely answer).
 */
export function findRenames(
  stats: CampaignStat[],
  dataFirst: DayNumber,
  dataLast: DayNumber,
): RenameCandidate[] {
  const out: RenameCandidate[] = [];
  for (const next of stats) {
    if (next.status === "ignored" || next.firstDay <= dataFirst + 6) continue;
    let best: CampaignStat | null = null;
    for (const prev of stats) {
      if (
        prev === next ||
        prev.status === "ignored" ||
        prev.platform.toLowerCase() !== next.platform.toLowerCase()
      )
        continue;
      const stoppedForGood = prev.lastDay < dataLast - 6;
      const gap = next.firstDay - prev.lastDay;
      if (!stoppedForGood || gap < -1 || gap > 14) continue;
      if (next.status === "mapped" && prev.channel !== next.channel) continue;
      if (!best || Math.abs(gap) < Math.abs(next.firstDay - best.lastDay)) best = prev;
    }
    if (best) {
      out.push({
        campaign: next.campaign,
        platform: next.platform,
        firstSeen: formatDay(next.firstDay),
        status: next.status,
        channel: next.channel,
        replaces: best.campaign,
        replacesChannel: best.channel,
        lastSeen: formatDay(best.lastDay),
      });
    }
  }
  return out;
}
