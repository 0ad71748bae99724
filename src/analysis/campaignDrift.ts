// Taxonomy drift read from the campaign mapping reports of two prepared tables. A mapping rule
// that now sends a known campaign to another channel is the obvious case; the common one is
// quieter: a campaign stops and a new one with a similar name starts the next day. On the same
// channel that is a rename (the history continues under a new name: harmless if the rules still
// map it, which they did). On another channel it is a tactic that moved — retargeting bought
// through a display platform instead of social — and both channels' spend now means something
// else from that day, which no rule change would reveal.

import type { DriftFinding } from "./inputDrift.js";
import { compact } from "./numberFormat.js";

/** One row of a prepared table's campaigns.csv. */
export interface CampaignRow {
  platform: string;
  campaign: string;
  status: string;
  channel: string;
  spend: number;
  /** First and last day with spend (YYYY-MM-DD); older reports may lack them. */
  firstDay?: string;
  lastDay?: string;
}

/** A campaign that stopped and one that started within this many days are candidates for a pair. */
const PAIR_GAP_DAYS = 14;
/** Share of the shorter name's words the two names must share to be read as the same tactic. */
const MIN_SIMILARITY = 0.5;
/** A move between channels is a stronger claim than a rename: it needs more of the name in common. */
const MIN_SIMILARITY_MOVED = 0.6;

const key = (c: CampaignRow) => `${c.platform}\u0000${c.campaign}`;
const dayNumber = (d: string | undefined) => (d ? Date.parse(`${d}T00:00:00Z`) / 86_400_000 : Number.NaN);
const latest = (rows: CampaignRow[]) =>
  Math.max(...rows.map((r) => dayNumber(r.lastDay)).filter(Number.isFinite));

export function campaignDrift(prev: CampaignRow[], next: CampaignRow[]): DriftFinding[] {
  const before = new Map(prev.map((c) => [key(c), c]));
  const out: DriftFinding[] = [];
  const prevEnd = latest(prev);
  const nextEnd = latest(next);
  // campaigns running at the end of the old table that stopped in the new weeks
  const stopped = next.filter((c) => {
    const old = before.get(key(c));
    const last = dayNumber(c.lastDay);
    return (
      old && dayNumber(old.lastDay) >= prevEnd - 7 && last > prevEnd - PAIR_GAP_DAYS && last < nextEnd - 7
    );
  });
  const started = next.filter((c) => !before.has(key(c)) && c.spend > 0);
  const pairs = pairCampaigns(stopped, started);
  const paired = new Set(pairs.map((p) => p.after));
  for (const c of next) {
    const old = before.get(key(c));
    if (old && old.channel !== c.channel && c.status === "mapped" && old.status === "mapped")
      out.push({
        kind: "campaign_moved",
        severity: "alarm",
        channel: c.channel,
        message: `campaign '${c.campaign}' (${c.platform}) moved from ${old.channel} to ${c.channel}: its history now counts as ${c.channel}`,
      });
    else if (!old && c.status !== "mapped" && c.spend > 0)
      out.push({
        kind: "campaign_unmapped",
        severity: "alarm",
        message: `new campaign '${c.campaign}' (${c.platform}) is not mapped to a channel (${compact(c.spend)} spend left out): add it to the taxonomy`,
      });
  }
  for (const p of pairs) {
    if (p.after.status !== "mapped") continue;
    if (p.before.channel !== p.after.channel)
      out.push({
        kind: "campaign_moved",
        severity: "alarm",
        channel: p.after.channel,
        message: `a tactic moved from ${p.before.channel} to ${p.after.channel}: '${p.before.campaign}' (${p.before.platform}) stopped on ${p.before.lastDay} and '${p.after.campaign}' (${p.after.platform}) started on ${p.after.firstDay} (${compact(p.after.spend)} spend since). Both channels' spend means something else from then: check the taxonomy, and expect their effects to move`,
      });
  }
  const renamed = pairs.filter((p) => p.before.channel === p.after.channel && p.after.status === "mapped");
  if (renamed.length > 0) {
    const days = [...new Set(renamed.map((p) => p.after.firstDay))].sort();
    const examples = renamed
      .slice(0, 3)
      .map((p) => `'${p.before.campaign}' → '${p.after.campaign}'`)
      .join(", ");
    out.push({
      kind: "campaign_renamed",
      severity: "warning",
      message: `${renamed.length} campaign(s) renamed (from ${days.join(", ")}), each kept on its channel: ${examples}${renamed.length > 3 ? " and more" : ""}. The rules still map them; check that the new naming convention is what the taxonomy expects`,
    });
  }
  for (const c of started)
    if (!paired.has(c) && c.status === "mapped")
      out.push({
        kind: "campaign_new",
        severity: "info",
        channel: c.channel,
        message: `new campaign '${c.campaign}' (${c.platform}) → ${c.channel}`,
      });
  return out;
}

interface CampaignPair {
  before: CampaignRow;
  after: CampaignRow;
  similarity: number;
}

/**
 * Greedy matching of stopped to started campaigns by name similarity, same-channel pairs first
 * (a rename is likelier than a move), each campaign in at most one pair.
 */
function pairCampaigns(stopped: CampaignRow[], started: CampaignRow[]): CampaignPair[] {
  const candidates: CampaignPair[] = [];
  for (const before of stopped)
    for (const after of started) {
      const gap = dayNumber(after.firstDay) - dayNumber(before.lastDay);
      if (!(gap >= -PAIR_GAP_DAYS && gap <= PAIR_GAP_DAYS)) continue;
      const similarity = nameSimilarity(before.campaign, after.campaign);
      const needed = before.channel === after.channel ? MIN_SIMILARITY : MIN_SIMILARITY_MOVED;
      if (similarity >= needed) candidates.push({ before, after, similarity });
    }
  candidates.sort(
    (a, b) =>
      Number(b.before.channel === b.after.channel) - Number(a.before.channel === a.after.channel) ||
      b.similarity - a.similarity,
  );
  const usedBefore = new Set<CampaignRow>();
  const usedAfter = new Set<CampaignRow>();
  const out: CampaignPair[] = [];
  for (const c of candidates) {
    if (usedBefore.has(c.before) || usedAfter.has(c.after)) continue;
    usedBefore.add(c.before);
    usedAfter.add(c.after);
    out.push(c);
  }
  return out;
}

/** Words that say who booked a campaign or where, not what it is. */
const NOISE_WORDS = new Set(["agy", "agency", "the", "and", "campaign", "us", "usa"]);

function words(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !NOISE_WORDS.has(w));
}

/**
 * Share of the shorter name's words that the other name has too, allowing the typos exports are
 * full of (one edit in a long word, or one word the prefix of the other).
 */
export function nameSimilarity(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  if (wa.length === 0 || wb.length === 0) return 0;
  const [short, long] = wa.length <= wb.length ? [wa, wb] : [wb, wa];
  const shared = short.filter((w) => long.some((v) => sameWord(w, v))).length;
  return shared / short.length;
}

function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.min(a.length, b.length) >= 5 && (a.startsWith(b) || b.startsWith(a))) return true;
  // one edit, not two: 'remarketing' and 'retargeting' are two tactics two edits apart
  return Math.min(a.length, b.length) >= 6 && editDistance(a, b) <= 1;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length];
}
