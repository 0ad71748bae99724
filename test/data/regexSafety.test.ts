// Taxonomy patterns are checked for catastrophic backtracking before use.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MmmError } from "../../src/core/errors.js";
import { checkPatterns, mayBacktrackExponentially, patternVerdict } from "../../src/data/regexSafety.js";
import { parseTaxonomy } from "../../src/data/taxonomy.js";

describe("regex safety", () => {
  it.each(["^(a+)+$", "(a|a)*$", "(\\w+\\s?)*$", "(x\\w*)*y"])("'%s' is exponential", async (p) => {
    expect((await patternVerdict(p, "i")).status).toBe("exponential");
  });

  it("accepts linear and quadratic patterns (bounded names keep them fast)", async () => {
    expect((await patternVerdict("^brand_(exact|phrase)$", "i")).status).toBe("safe");
    expect((await patternVerdict("\\s*,\\s*$", "i")).status).toBe("safe");
    expect((await patternVerdict("(fb|facebook|fb_)+_x", "i")).status).toBe("polynomial");
  });

  it("sends only patterns with a repeated group or a back-reference to the checker", () => {
    for (const p of ["faceb?o+k", "\\s*,\\s*$", "(^|[_\\s|-])(yt|youtube)[_\\s|-]", "[(a)+]*", "\\(a\\)+"])
      expect(mayBacktrackExponentially(p), p).toBe(false);
    for (const p of ["^(a+)+$", "(a|a)*$", "(?:ab|a){2,}", "(a)\\1+", "(?<x>a)\\k<x>"])
      expect(mayBacktrackExponentially(p), p).toBe(true);
  });

  it("accepts every pattern of the shipped rules", async () => {
    const t = parseTaxonomy(readFileSync("rules/dtc-taxonomy.yaml", "utf8"), "dtc-taxonomy.yaml");
    const patterns = [...t.rules, ...t.ignore].flatMap((r) =>
      [r.campaign, r.platform]
        .filter((re) => re !== undefined)
        .map((re) => ({ source: re!.source, flags: re!.flags, key: `rules.${r.index}` })),
    );
    expect(await checkPatterns(patterns, "dtc-taxonomy.yaml")).toEqual([]);
  });

  it("names the first unsafe rule, with its key and a fix", async () => {
    const err = await checkPatterns(
      [
        { source: "tv", flags: "i", key: "rules.0.campaign" },
        { source: "^(a+)+$", flags: "i", key: "rules.1.campaign" },
      ],
      "t.yaml",
    ).catch((e) => e);
    expect(err).toBeInstanceOf(MmmError);
    expect(err.code).toBe("E_TAXONOMY_REDOS");
    expect(err.where).toEqual({ file: "t.yaml", key: "rules.1.campaign" });
    expect(err.fix).toContain("'^a+$'");
  });
});
