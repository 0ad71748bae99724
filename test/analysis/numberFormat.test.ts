// Number formatting and HTML escaping of the report: significant digits across magnitudes,
// shared decimals in an interval, honest probabilities, and the escaping template.

import { describe, expect, it } from "vitest";
import { compact, interval, pct, prob, range, sharedFormat, sig } from "../../src/analysis/numberFormat.js";
import { escapeHtml, html, trusted } from "../../src/report/safeHtml.js";

describe("report number formatting", () => {
  it("keeps about three significant digits at every magnitude, without exponents", () => {
    expect(sig(1.4567)).toBe("1.46");
    expect(sig(0.0041234)).toBe("0.00412");
    expect(sig(1234567)).toBe("1,234,567");
    expect(sig(-0.5)).toBe("−0.5");
    expect(sig(0)).toBe("0");
    expect(sig(Number.NaN)).toBe("—");
    expect(sig(null)).toBe("—");
  });

  it("gives an interval's numbers the same decimals", () => {
    expect(interval({ mean: 1.45, median: 1.44, q05: 0.978, q95: 2.02 })).toBe("1.45 [0.98, 2.02]");
    expect(interval({ mean: 0.503, median: 0.5, q05: 0.239, q95: 0.899 })).toBe("0.50 [0.24, 0.90]");
    expect(sharedFormat([0.004, 0.006])(0.0041)).toBe("0.0041");
    expect(range({ mean: 0.04, median: 0.03, q05: -0.18, q95: 0.29 })).toBe("−0.18 to 0.29");
    expect(range({ mean: 2, median: 2, q05: 1.5, q95: 2.5 })).toBe("1.50–2.50");
  });

  it("prints shares, compact amounts and probabilities that never claim certainty", () => {
    expect(pct(0.234)).toBe("23%");
    expect(pct(0.0567, 1)).toBe("5.7%");
    expect(compact(3_100_000)).toBe("3.1M");
    expect(compact(48_211)).toBe("48.2k");
    expect(prob(1)).toBe(">99%");
    expect(prob(0)).toBe("<1%");
    expect(prob(0.456)).toBe("46%");
  });
});

describe("html template", () => {
  it("escapes every interpolated value unless it is trusted markup", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const name = "<img src=x onerror=alert(1)>";
    expect(html`<td>${name}</td>`.value).toBe("<td>&lt;img src=x onerror=alert(1)&gt;</td>");
    expect(html`<p>${[html`<b>${name}</b>`, " & "]}</p>`.value).toBe(
      "<p><b>&lt;img src=x onerror=alert(1)&gt;</b> &amp; </p>",
    );
    expect(html`<i>${trusted("<svg></svg>")}</i>`.value).toBe("<i><svg></svg></i>");
    expect(html`${null}${undefined}${false}${0}`.value).toBe("0");
  });
});
