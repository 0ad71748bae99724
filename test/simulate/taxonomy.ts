// A tiny, independent reader and matcher for the shipped taxonomy rules (rules/*.yaml): rules are
// tried in order and the first whose every pattern matches assigns the channel; names matching an
// `ignore` entry are dropped. Patterns are JavaScript regexes with the file's (or rule's) flags.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

interface RawRule {
  channel?: string;
  campaign?: string;
  platform?: string;
  flags?: string;
}

export interface Taxonomy {
  version: string;
  rules: { channel: string; campaign?: RegExp; platform?: RegExp }[];
  ignore: { campaign?: RegExp; platform?: RegExp }[];
}

export const DTC_RULES_PATH = fileURLToPath(new URL("../../rules/dtc-taxonomy.yaml", import.meta.url));

export function loadTaxonomy(path = DTC_RULES_PATH): Taxonomy {
  const doc = parse(readFileSync(path, "utf8")) as {
    version: string;
    flags?: string;
    rules: RawRule[];
    ignore?: RawRule[];
  };
  const compile = (r: RawRule) => {
    const flags = r.flags ?? doc.flags ?? "i";
    return {
      campaign: r.campaign === undefined ? undefined : new RegExp(r.campaign, flags),
      platform: r.platform === undefined ? undefined : new RegExp(r.platform, flags),
    };
  };
  return {
    version: doc.version,
    rules: doc.rules.map((r) => ({ channel: r.channel as string, ...compile(r) })),
    ignore: (doc.ignore ?? []).map(compile),
  };
}

function matches(r: { campaign?: RegExp; platform?: RegExp }, campaign: string, platform?: string): boolean {
  if (!r.campaign && !r.platform) return false;
  if (r.campaign && !r.campaign.test(campaign)) return false;
  if (r.platform && (platform === undefined || !r.platform.test(platform))) return false;
  return true;
}

export function isIgnored(t: Taxonomy, campaign: string, platform?: string): boolean {
  return t.ignore.some((r) => matches(r, campaign, platform));
}

/** The channel of a campaign (first matching rule), "ignored", or null when nothing matches. */
export function classify(t: Taxonomy, campaign: string, platform?: string): string | null {
  if (isIgnored(t, campaign, platform)) return "ignored";
  for (const r of t.rules) if (matches(r, campaign, platform)) return r.channel;
  return null;
}
