// The demand-following check on the lab's `endogenous` brand, whose search spend chases an unseen
// demand shock: with a proxy of that demand it flags search and nothing else; on `clean` it flags
// nothing; and next-test puts a flagged channel's tests first.

import { describe, expect, it } from "vitest";
import { demandFollowing } from "../../src/analysis/demandFollowing.js";
import { rankNextTests } from "../../src/experiments/nextTest.js";
import { simulateScenario } from "../../src/simulate/lab.js";
import { trueModel } from "../../src/simulate/truthModel.js";

describe("demandFollowing", () => {
  for (const seed of [1, 2]) {
    it(`flags only the demand-chasing channel given a demand proxy (endogenous, seed ${seed})`, () => {
      const ds = simulateScenario("endogenous", seed);
      const t = trueModel(ds.truth, ds.table);
      const shock = ds.truth.baseline.demandShock?.series ?? [];
      const flags = demandFollowing(t.model, t.x, { proxy: { name: "query_index", values: shock } });
      expect(flags.filter((f) => f.atRisk).map((f) => f.channel)).toEqual(["paid_search"]);
      expect(flags.find((f) => f.atRisk)?.message).toMatch(/demand proxy 'query_index'.*Test it first/);
    });
  }

  it("flags nothing on clean, and next-test ranks a flagged channel's tests first", () => {
    const ds = simulateScenario("clean", 1);
    const t = trueModel(ds.truth, ds.table);
    expect(demandFollowing(t.model, t.x).some((f) => f.atRisk)).toBe(false);
    const r = rankNextTests(t.model, t.x, {
      durations: [6],
      outerDraws: 10,
      weeklyNoiseSd: 200,
      demandFollowing: ["podcast"],
    });
    expect(r.candidates[0].channel).toBe("podcast");
    expect(r.notes[0]).toMatch(/Ranked first: tests of podcast/);
  });
});
