import { describe, expect, it } from "vitest";
import { dayFromYmd } from "../../src/core/dates.js";
import { type CampaignStat, classify, findRenames, parseTaxonomy } from "../../src/data/taxonomy.js";

const RULES = `
version: t1
channels: [search, social, video]
rules:
  - channel: video
    platform: google
    campaign: 'yt|youtube'
  - channel: search
    platform: google
  - channel: social
    campaign: 'fb|meta'
    to: 2024-06-30
  - channel: video
    campaign: 'fb|meta'
    from: 2024-07-01
ignore:
  - campaign: '^test'
`;

const day = (s: string) => dayFromYmd(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)));

describe("taxonomy rules", () => {
  const t = parseTaxonomy(RULES, "rules.yaml");

  it("applies rules in order, first match wins, case-insensitive by default", () => {
    expect(classify(t, "YT_Brand", "Google Ads", day("2024-01-01"))).toEqual({
      status: "mapped",
      channel: "video",
      rule: 0,
    });
    expect(classify(t, "Brand_Exact", "GOOGLE ADS", day("2024-01-01"))).toEqual({
      status: "mapped",
      channel: "search",
      rule: 1,
    });
  });

  it("honours from/to dates on rules (the same name meaning different channels over time)", () => {
    expect(classify(t, "FB_prospecting", "meta", day("2024-06-30"))).toMatchObject({ channel: "social" });
    expect(classify(t, "FB_prospecting", "meta", day("2024-07-01"))).toMatchObject({ channel: "video" });
  });

  it("lets ignore rules win over channel rules and reports unmapped names", () => {
    expect(classify(t, "test_google_pixel", "google", day("2024-01-01"))).toEqual({
      status: "ignored",
      rule: 0,
    });
    expect(classify(t, "Podcast_Hosts", "spotify", day("2024-01-01"))).toEqual({ status: "unmapped" });
  });

  it("orders channels by the channels list", () => {
    expect(t.channels).toEqual(["search", "social", "video"]);
  });

  it("rejects a rule without any pattern, an invalid regex, and a channel missing from the channels list", () => {
    expect(() => parseTaxonomy("version: 1\nrules:\n  - channel: tv\n", "r.yaml")).toThrow(
      /no campaign or platform pattern/,
    );
    expect(() =>
      parseTaxonomy("version: 1\nrules:\n  - channel: tv\n    campaign: '(tv'\n", "r.yaml"),
    ).toThrow(/not a valid regular expression/);
    expect(() =>
      parseTaxonomy(
        "version: 1\nchannels: [tv]\nrules:\n  - channel: radio\n    campaign: radio\n",
        "r.yaml",
      ),
    ).toThrow(/channels list does not include/);
    expect(() =>
      parseTaxonomy(
        "version: 1\nrules:\n  - channel: tv\n    campaign: tv\n    from: 2024-02-30\n",
        "r.yaml",
      ),
    ).toThrow(/not a real date/);
  });
});

describe("rename detection", () => {
  const stat = (
    campaign: string,
    channel: string | null,
    first: string,
    last: string,
    platform = "meta",
  ): CampaignStat => ({
    platform,
    campaign,
    status: channel ? "mapped" : "unmapped",
    channel,
    rule: channel ? 0 : null,
    spend: 100,
    rows: 10,
    firstDay: day(first),
    lastDay: day(last),
  });
  const dataFirst = day("2023-01-01");
  const dataLast = day("2024-12-31");

  it("pairs a name that starts as another stops on the same platform", () => {
    const stats = [
      stat("FB_Prosp", "social", "2023-01-01", "2024-03-10"),
      stat("META_Prosp", null, "2024-03-11", "2024-12-31"),
    ];
    const r = findRenames(stats, dataFirst, dataLast);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({
      campaign: "META_Prosp",
      replaces: "FB_Prosp",
      replacesChannel: "social",
      lastSeen: "2024-03-10",
    });
  });

  it("ignores names that were live all along, other platforms, and gaps over two weeks", () => {
    const stats = [
      stat("A", "social", "2023-01-01", "2024-12-31"),
      stat("B", null, "2024-03-11", "2024-12-31"),
      stat("C", "social", "2023-01-01", "2024-03-10", "google"),
      stat("D", "social", "2023-01-01", "2024-01-01"),
    ];
    expect(findRenames(stats, dataFirst, dataLast)).toEqual([]);
  });

  it("pairs mapped names only within one channel", () => {
    const stats = [
      stat("FB_Prosp", "social", "2023-01-01", "2024-03-10"),
      stat("YT_Bumper", "video", "2024-03-11", "2024-12-31"),
    ];
    expect(findRenames(stats, dataFirst, dataLast)).toEqual([]);
  });
});
