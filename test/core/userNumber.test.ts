// The one reader of numbers people type: properties over random input (fast-check) — whatever
// the text, the answer is a finite number inside the range or an MmmError naming the setting;
// numbers written by String() read back exactly; suffixes and per-week amounts scale exactly.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MmmError } from "../../src/core/errors.js";
import { type NumberRule, parseAmount, parseUserNumber } from "../../src/core/userNumber.js";

const where = { option: "--x" };

function outcome(text: string, rule: NumberRule): number | MmmError {
  try {
    return parseUserNumber(text, "--x", where, rule);
  } catch (e) {
    if (e instanceof MmmError) return e;
    throw e;
  }
}

const rules = fc.record(
  {
    min: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    max: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    minExclusive: fc.boolean(),
    maxExclusive: fc.boolean(),
    integer: fc.boolean(),
    suffixes: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe("parseUserNumber", () => {
  it("any text gives a finite number inside the range, or an MmmError naming the option", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.double().map(String),
          fc.constantFrom(
            "NaN",
            "Infinity",
            "-Infinity",
            "1e999",
            "0x10",
            "1,200",
            "",
            " ",
            "1.2.3",
            "5k",
            "2bn",
            "--1",
          ),
        ),
        rules,
        (text, rule) => {
          const r = outcome(text, rule);
          if (r instanceof MmmError) {
            expect(r.code).toBe("E_BAD_OPTION");
            expect(r.where.option).toBe("--x");
            expect(r.message).toContain("--x must be");
            return;
          }
          expect(Number.isFinite(r)).toBe(true);
          if (rule.min !== undefined) expect(rule.minExclusive ? r > rule.min : r >= rule.min).toBe(true);
          if (rule.max !== undefined) expect(rule.maxExclusive ? r < rule.max : r <= rule.max).toBe(true);
          if (rule.integer) expect(Number.isInteger(r)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("every finite double written by String() reads back exactly", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(parseUserNumber(String(x), "--x", where)).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 3000 },
    );
  });

  it("k, M and bn scale exactly; thousands separators are refused with a hint", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999 }),
        fc.constantFrom(["k", 1e3], ["K", 1e3], ["M", 1e6], ["m", 1e6], ["bn", 1e9]),
        (n, [suffix, f]) => {
          expect(parseUserNumber(`${n}${suffix}`, "--x", where, { suffixes: true })).toBe(n * (f as number));
        },
      ),
    );
    expect(() => parseUserNumber("1,200,000", "--budget", where, { suffixes: true })).toThrow(
      /no thousands separators/,
    );
    expect(() => parseUserNumber("5k", "--x", where)).toThrow(/--x must be a number; got '5k'/);
  });

  it("NaN, infinities and overflow are refused, never returned", () => {
    for (const text of ["NaN", "nan", "Infinity", "-Infinity", "inf", "1e999", "-1e400"])
      expect(outcome(text, {}) instanceof MmmError, text).toBe(true);
  });
});

describe("parseAmount", () => {
  it("x/week is x times the horizon; a bare amount is the horizon total", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 104 }), (n, H) => {
        expect(parseAmount(`${n}/week`, "--min tv", where, H)).toBe(n * H);
        expect(parseAmount(`${n}`, "--min tv", where, H)).toBe(n);
      }),
    );
    expect(parseAmount("30k/week", "--min tv", where, 13)).toBe(390_000);
    expect(parseAmount("1.2M", "--budget", where, 13)).toBe(1_200_000);
    expect(() => parseAmount("-5k", "--budget", where, 13)).toThrow(/--budget must be a number at least 0/);
    expect(() => parseAmount("30k/day", "--min tv", where, 13)).toThrow(
      /--min tv must be a number at least 0/,
    );
  });
});
