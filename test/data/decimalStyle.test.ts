// The thousands-separator check: '.'-grouped amounts are caught, genuine decimals are not.

import { describe, expect, it } from "vitest";
import { DecimalStyle } from "../../src/data/decimalStyle.js";

function suspicious(values: string[]): boolean {
  const s = new DecimalStyle("spend");
  values.forEach((v, i) => {
    s.observe(v, i + 2);
  });
  return s.suspicious();
}

describe("DecimalStyle", () => {
  it("flags whole amounts written with '.' thousands separators", () => {
    expect(suspicious(["1.250", "12.500", "3.000", "750", "1.234.567"])).toBe(true);
    expect(suspicious(["2.891", "2.439", "3.235", "4.937"])).toBe(true);
  });

  it("leaves genuine decimals alone", () => {
    expect(suspicious(["2891.26", "2439.37", "3235.14"])).toBe(false); // cents
    expect(suspicious(["1.250", "12.500", "0.125"])).toBe(false); // a leading 0 is a decimal
    expect(suspicious(["1.250", "2.500", "3.750", "1500"])).toBe(false); // 1500 without a '.': no separators
    expect(suspicious(["1.25", "2.5", "3.125"])).toBe(false); // varying places
    expect(suspicious(["1.250", "2.500"])).toBe(false); // too few to tell
    expect(suspicious(["100", "250", "999"])).toBe(false); // no '.' at all
  });

  it("points at the first such value", () => {
    const s = new DecimalStyle("spend");
    ["12", "1.250", "12.500", "3.000"].forEach((v, i) => {
      s.observe(v, i + 2);
    });
    const f = s.finding({ file: "raw/x.csv", format: "csv" });
    expect(f?.check).toBe("thousands_separator");
    expect(f?.where).toMatchObject({ file: "raw/x.csv", row: 3, rowKind: "line", column: "spend" });
    expect(f?.message).toContain("'1.250' is 1.25, not 1250");
  });
});
