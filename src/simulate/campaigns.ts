// The lab brand's ad-platform campaigns as they appear in raw exports: dirty names (mixed case,
// typos, agency prefixes) and mid-history renames. The shipped rules in rules/dtc-taxonomy.yaml
// must map every name this catalogue can produce; a test enumerates them all.

import type { Rng } from "../core/rng.js";

export interface CampaignTemplate {
  /** Name variants this campaign may carry in an export (one is picked per dataset). */
  names: string[];
  /** If set, the campaign is renamed mid-history to one of these names. */
  renamedTo?: string[];
}

export interface ChannelCatalogue {
  channel: string;
  /** Platform labels as exports spell them (one is picked per dataset). */
  platforms: string[];
  campaigns: CampaignTemplate[];
  /** Cost per thousand impressions in USD, and click-through rate, for the exposure columns. */
  cpm: number;
  ctr: number;
}

export const AGENCY_PREFIXES = ["", "AGY_", "agy-", "[MC] ", "MC|"] as const;
export const CASE_STYLES = ["asis", "lower", "upper"] as const;

export const CAMPAIGN_CATALOGUE: ChannelCatalogue[] = [
  {
    channel: "tv",
    platforms: ["Linear TV (agency)", "linear_tv"],
    campaigns: [
      { names: ["NATL_TV_Brand_Flight", "Natl TV - Brand Flight", "NATL_TV_Brnd_Flight"] },
      { names: ["TV_Upfront_Primetime", "tv upfront - primetime", "TV_Upfrnt_Primetime"] },
    ],
    cpm: 28,
    ctr: 0,
  },
  {
    channel: "paid_search",
    platforms: ["Google Ads", "google_ads", "Microsoft Ads"],
    campaigns: [
      { names: ["Search_Brand_Exact", "SRCH | Brand | Exact", "Serach_Brand_Exact"] },
      { names: ["Search_NonBrand_Generic", "srch_nonbrand_generic", "Search_Non-Brand_Generic"] },
      {
        names: ["Search_Competitor_Conquest", "SRCH_Competitor_Conquest"],
        renamedTo: ["SEM_Conquesting_2.0", "sem - conquesting v2"],
      },
    ],
    cpm: 45,
    ctr: 0.045,
  },
  {
    channel: "paid_social",
    platforms: ["Meta Ads", "facebook_ads", "META"],
    campaigns: [
      {
        names: ["FB_Prospecting_Broad", "fb_prospecting_broad_us", "Facebok_Prospecting_Broad"],
        renamedTo: ["META|ADV+|Prospecting", "Meta_AdvantagePlus_Prospecting"],
      },
      { names: ["FB_Retargeting_DPA", "fb - retargeting - dpa", "Facebook_Retargetting_DPA"] },
      { names: ["IG_Stories_Awareness", "Instagram_Stories_Awareness", "insta_stories_awareness"] },
    ],
    cpm: 9,
    ctr: 0.012,
  },
  {
    channel: "online_video",
    platforms: ["YouTube", "youtube_dv360", "Google Ads"],
    campaigns: [
      { names: ["YT_TrueView_Awareness", "YouTube_TrueView_Awarness", "yt - trueview - awareness"] },
      { names: ["YT_Bumper_6s", "youtube bumper 6s", "YT_Bumpr_6s"] },
    ],
    cpm: 12,
    ctr: 0.004,
  },
  {
    channel: "display",
    platforms: ["DV360", "Google Display", "dv360"],
    campaigns: [
      { names: ["GDN_Remarketing", "gdn - remarketing", "Display_Remarketting"] },
      { names: ["Programmatic_Display_Prospecting", "prog_display_prospecting", "PROG_DISP_Prospectng"] },
    ],
    cpm: 3.5,
    ctr: 0.0015,
  },
  {
    channel: "podcast",
    platforms: ["Podcast network (direct)", "podcast_direct"],
    campaigns: [
      { names: ["Podcast_HostRead_Comedy", "POD - host read - comedy", "Podcst_HostRead_Comedy"] },
      { names: ["Podcast_Programmatic_Audio", "pod_programmatic_audio"] },
    ],
    cpm: 22,
    ctr: 0,
  },
  {
    channel: "ctv",
    platforms: ["CTV (The Trade Desk)", "ttd_ctv"],
    campaigns: [
      { names: ["CTV_Roku_Prospecting", "ctv - roku - prospecting", "CTV_Roku_Prospectng"] },
      { names: ["CTV_Hulu_Sponsorship", "hulu_ctv_sponsorship"] },
    ],
    cpm: 32,
    ctr: 0,
  },
  {
    channel: "radio",
    platforms: ["Radio (agency)", "radio_agency"],
    campaigns: [{ names: ["Radio_Drive_Time_Spots", "RADIO - drivetime spots", "Raido_Drive_Time_Spots"] }],
    cpm: 8,
    ctr: 0,
  },
  {
    channel: "ooh",
    platforms: ["Out-of-home (agency)", "ooh_agency"],
    campaigns: [{ names: ["OOH_Billboards_Metro", "ooh - billboards - metro", "OOH_Bilboards_Metro"] }],
    cpm: 5,
    ctr: 0,
  },
  {
    channel: "affiliate",
    platforms: ["Impact", "impact_affiliate"],
    campaigns: [
      { names: ["Affiliate_Coupon_Sites", "AFF - coupon sites", "Afiliate_Coupon_Sites"] },
      { names: ["Affiliate_Content_Partners", "aff_content_partners"] },
    ],
    cpm: 6,
    ctr: 0.02,
  },
  {
    channel: "influencer",
    platforms: ["Creator platform", "creator_platform"],
    campaigns: [{ names: ["Influencer_Creators_IG", "INFL - creators - ig", "Influencr_Creators_IG"] }],
    cpm: 15,
    ctr: 0.008,
  },
  {
    channel: "tiktok",
    platforms: ["TikTok Ads", "tiktok_ads"],
    campaigns: [
      {
        names: [
          "TT_Spark_Ads_Prospecting",
          "tiktok - spark ads - prospecting",
          "TikTk_Spark_Ads_Prospecting",
        ],
      },
    ],
    cpm: 7,
    ctr: 0.009,
  },
];

export function catalogueFor(channel: string): ChannelCatalogue {
  const entry = CAMPAIGN_CATALOGUE.find((c) => c.channel === channel);
  if (!entry) throw new Error(`no campaign catalogue for channel '${channel}'`);
  return entry;
}

export function dirtyName(base: string, prefix: string, style: (typeof CASE_STYLES)[number]): string {
  const name = prefix + base;
  return style === "lower" ? name.toLowerCase() : style === "upper" ? name.toUpperCase() : name;
}

/** Every raw name the catalogue can produce for a channel, with every prefix and case style. */
export function allDirtyNames(entry: ChannelCatalogue): string[] {
  const out: string[] = [];
  for (const c of entry.campaigns) {
    for (const base of [...c.names, ...(c.renamedTo ?? [])]) {
      for (const prefix of AGENCY_PREFIXES)
        for (const style of CASE_STYLES) out.push(dirtyName(base, prefix, style));
    }
  }
  return out;
}

export interface RealisedCampaign {
  channel: string;
  platform: string;
  name: string;
  /** The catalogue name it was dressed from (before prefix and case). */
  baseName: string;
  /** Name from `renameDay` on, if the campaign is renamed. */
  renamedName?: string;
  renamedBaseName?: string;
  renameDay?: number;
  /** The drift world's new naming convention: this name from `conventionDay` on. */
  conventionName?: string;
  conventionDay?: number;
  /** Days the campaign runs (inclusive from, exclusive until); unset = the whole history. */
  activeFrom?: number;
  activeUntil?: number;
}

/** Picks the names one dataset uses: one variant per campaign, one agency prefix and case style per channel. */
export function realiseCampaigns(
  channel: string,
  rng: Rng,
  firstDay: number,
  lastDay: number,
  maxCampaigns = Number.POSITIVE_INFINITY,
): RealisedCampaign[] {
  const entry = catalogueFor(channel);
  const prefix = rng.pick(AGENCY_PREFIXES);
  const style = rng.pick(CASE_STYLES);
  const platform = rng.pick(entry.platforms);
  return entry.campaigns.slice(0, maxCampaigns).map((c) => {
    const baseName = rng.pick(c.names);
    const realised: RealisedCampaign = {
      channel,
      platform,
      name: dirtyName(baseName, prefix, style),
      baseName,
    };
    if (c.renamedTo) {
      // renamed somewhere in the middle third of the history, as agencies do at a re-org
      const span = lastDay - firstDay;
      realised.renameDay = firstDay + Math.floor(span / 3 + rng.uniform() * (span / 3));
      realised.renamedBaseName = rng.pick(c.renamedTo);
      realised.renamedName = dirtyName(
        realised.renamedBaseName,
        rng.pick(AGENCY_PREFIXES),
        rng.pick(CASE_STYLES),
      );
    }
    return realised;
  });
}
