// Taxonomy drift from two campaign reports: a campaign that stops and a similarly named one that
// starts the next day is a rename on the same channel (a warning) and a moved tactic across
// channels (an alarm); unrelated names, or a gap of weeks, are not paired.

import { describe, expect, it } from "vitest";
import { type CampaignRow, campaignDrift, nameSimilarity } from "../../src/analysis/campaignDrift.js";

const row = (
  campaign: string,
  channel: string,
  firstDay: string,
  lastDay: string,
  platform = "P",
): CampaignRow => ({
  platform,
  campaign,
  status: "mapped",
  channel,
  spend: 1000,
  firstDay,
  lastDay,
});

describe("nameSimilarity", () => {
  it("reads prefixes, case and typos as the same words", () => {
    expect(nameSimilarity("agy-facebook_retargetting_dpa", "AGY_DISP_Retargeting_DPA_OpenWeb")).toBeCloseTo(
      2 / 3,
    );
    expect(nameSimilarity("[MC] SEARCH_BRAND_EXACT", "AGY_Search_Brand_Exact")).toBe(1);
    expect(nameSimilarity("NATL TV - BRAND FLIGHT", "Search_NonBrand_Generic")).toBe(0);
  });
});

describe("campaignDrift", () => {
  const prev = [
    row("fb_retargeting_dpa", "paid_social", "2024-01-01", "2024-06-30", "META"),
    row("SEARCH_BRAND_EXACT", "paid_search", "2024-01-01", "2024-06-30", "Google"),
    row("gdn_remarketing", "display", "2024-01-01", "2024-06-30", "DV360"),
  ];
  it("pairs a rename on the same channel and a tactic moved to another", () => {
    const next = [
      row("fb_retargeting_dpa", "paid_social", "2024-01-01", "2024-07-14", "META"),
      row("SEARCH_BRAND_EXACT", "paid_search", "2024-01-01", "2024-07-14", "Google"),
      row("gdn_remarketing", "display", "2024-01-01", "2024-07-28", "DV360"),
      row("NEW_Search_Brand_Exact", "paid_search", "2024-07-15", "2024-07-28", "Google"),
      row("NEW_Disp_Retargeting_DPA", "display", "2024-07-15", "2024-07-28", "DV360"),
    ];
    const found = campaignDrift(prev, next);
    const moved = found.filter((f) => f.kind === "campaign_moved");
    expect(moved).toHaveLength(1);
    expect(moved[0].severity).toBe("alarm");
    expect(moved[0].message).toMatch(
      /moved from paid_social to display: 'fb_retargeting_dpa'.*'NEW_Disp_Retargeting_DPA'/,
    );
    const renamed = found.filter((f) => f.kind === "campaign_renamed");
    expect(renamed).toHaveLength(1);
    expect(renamed[0].message).toMatch(
      /1 campaign\(s\) renamed.*'SEARCH_BRAND_EXACT' → 'NEW_Search_Brand_Exact'/,
    );
    expect(found.some((f) => f.kind === "campaign_new")).toBe(false);
  });

  it("does not pair names that share nothing, nor a start weeks after the stop", () => {
    const next = [
      row("fb_retargeting_dpa", "paid_social", "2024-01-01", "2024-07-14", "META"),
      row("SEARCH_BRAND_EXACT", "paid_search", "2024-01-01", "2024-07-28", "Google"),
      row("gdn_remarketing", "display", "2024-01-01", "2024-07-28", "DV360"),
      row("Podcast_HostRead", "display", "2024-07-15", "2024-07-28", "DV360"),
      row("Disp_Retargeting_DPA", "display", "2024-07-29", "2024-08-28", "DV360"),
    ];
    const found = campaignDrift(prev, next);
    expect(found.some((f) => f.kind === "campaign_moved" || f.kind === "campaign_renamed")).toBe(false);
    expect(found.filter((f) => f.kind === "campaign_new")).toHaveLength(2);
  });

  it("still flags a rule change that sends a known campaign to another channel", () => {
    const next = prev.map((r) => (r.campaign === "gdn_remarketing" ? { ...r, channel: "paid_social" } : r));
    const found = campaignDrift(prev, next);
    expect(found.map((f) => f.kind)).toEqual(["campaign_moved"]);
    expect(found[0].message).toMatch(/moved from display to paid_social/);
  });
});
