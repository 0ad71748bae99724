// The campaign catalogue against the shipped taxonomy rules: every dirty name the lab can produce
// maps to its own channel, the internal test campaign is ignored, and no real campaign is.

import { describe, expect, it } from "vitest";
import {
  AGENCY_PREFIXES,
  allDirtyNames,
  CAMPAIGN_CATALOGUE,
  CASE_STYLES,
} from "../../src/simulate/campaigns.js";
import { simulateScenario } from "../../src/simulate/lab.js";
import { SCENARIOS } from "../../src/simulate/scenarios.js";
import { classify, isIgnored, loadTaxonomy } from "./taxonomy.js";

const taxonomy = loadTaxonomy();

describe("rules/dtc-taxonomy.yaml", () => {
  it("parses, and has one rule per catalogue channel and an ignore list", () => {
    expect(taxonomy.version).toBeTruthy();
    const ruleChannels = taxonomy.rules.map((r) => r.channel);
    for (const r of taxonomy.rules) expect(r.campaign ?? r.platform).toBeInstanceOf(RegExp);
    expect(new Set(ruleChannels)).toEqual(new Set(CAMPAIGN_CATALOGUE.map((c) => c.channel)));
    expect(taxonomy.ignore.length).toBeGreaterThan(0);
    // every scenario channel has a catalogue entry
    for (const spec of Object.values(SCENARIOS)) {
      for (const ch of spec.channels)
        expect(CAMPAIGN_CATALOGUE.some((c) => c.channel === ch.name)).toBe(true);
    }
  });

  for (const entry of CAMPAIGN_CATALOGUE) {
    it(`every dirty name of ${entry.channel} maps to ${entry.channel}, on every platform label`, () => {
      const names = allDirtyNames(entry);
      const variants = entry.campaigns.reduce((s, c) => s + c.names.length + (c.renamedTo?.length ?? 0), 0);
      expect(names).toHaveLength(variants * AGENCY_PREFIXES.length * CASE_STYLES.length);
      const wrong: string[] = [];
      for (const name of names) {
        if (classify(taxonomy, name) !== entry.channel) wrong.push(`${name} → ${classify(taxonomy, name)}`);
        for (const platform of entry.platforms) {
          const got = classify(taxonomy, name, platform);
          if (got !== entry.channel) wrong.push(`${name} @ ${platform} → ${got}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it('"TEST_pixel_check" hits the ignore rule, and no catalogue name does', () => {
    expect(isIgnored(taxonomy, "TEST_pixel_check")).toBe(true);
    expect(classify(taxonomy, "TEST_pixel_check")).toBe("ignored");
    for (const entry of CAMPAIGN_CATALOGUE) {
      for (const name of allDirtyNames(entry)) expect(isIgnored(taxonomy, name), name).toBe(false);
    }
  });

  it("the campaigns realised in exports map to their channel", () => {
    for (const [scenario, seed] of [
      ["clean", 1],
      ["large", 1],
      ["large", 2],
      ["counts", 3],
    ] as const) {
      const { raw } = simulateScenario(scenario, seed);
      expect(raw.campaigns.length).toBeGreaterThan(0);
      for (const c of raw.campaigns) {
        expect(classify(taxonomy, c.name, c.platform), `${scenario}:${seed} ${c.name}`).toBe(c.channel);
        if (c.renamedName !== undefined) {
          expect(classify(taxonomy, c.renamedName, c.platform), `${scenario}:${seed} ${c.renamedName}`).toBe(
            c.channel,
          );
        }
      }
    }
  });
});
