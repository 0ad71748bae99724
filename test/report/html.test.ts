// The HTML report: every section present, one inline SVG per chart, nothing that could load from
// the network, text escaped everywhere (channel names, titles, QA and lineage), optional parts absent.

import { describe, expect, it } from "vitest";
import { renderReport } from "../../src/report/html.js";
import type { ReportData } from "../../src/report/reportData.js";
import { EVIL, hostileReportFixture, minimalReportFixture, reportFixture } from "./fixture.js";

const SVG_NAMESPACES = new Set(["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"]);

/** Every attribute name of every tag, read the way an HTML tokenizer reads quoted values. */
function attributeNames(html: string): string[] {
  const names: string[] = [];
  const tag = /<[a-zA-Z][\w:-]*((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g;
  const attr = /\s+([^\s=/>]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?/g;
  for (const t of html.matchAll(tag)) for (const a of t[1].matchAll(attr)) names.push(a[1].toLowerCase());
  return names;
}

function eventHandlers(html: string): string[] {
  return attributeNames(html).filter((n) => n.startsWith("on"));
}

async function render(data: ReportData): Promise<{ html: string; warnings: string[] }> {
  const warnings: string[] = [];
  const html = await renderReport(data, { onWarning: (m) => warnings.push(m) });
  return { html, warnings };
}

function count(haystack: string, needle: RegExp): number {
  return haystack.match(needle)?.length ?? 0;
}

describe("renderReport", () => {
  it("renders every section, one inline SVG per chart, and no chart warnings", async () => {
    const { html, warnings } = await render(reportFixture());
    expect(warnings).toEqual([]);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    for (const heading of [
      "What we learned",
      "What to do",
      "How sure we are",
      "What would change our mind",
      "Validation",
      "Sampler diagnostics",
      "Posterior predictive check",
      "Out-of-sample accuracy",
      "Model comparison (PSIS-LOO)",
      "Sensitivity to modelling choices",
      "Placebo test",
      "Data",
      "Data quality",
      "Lineage",
    ]) {
      expect(html, heading).toMatch(new RegExp(`<h[23][^>]*>${heading.replace(/[()]/g, "\\$&")}`));
    }
    for (const id of ["summary", "validation", "data"])
      expect(html).toContain(`<section class="page" id="${id}">`);
    // roi, decomposition, curves, ppc, residual autocorrelation, forecast errors, sensitivity
    expect(count(html, /<svg\b/g)).toBe(7);
    expect(count(html, /<figure class="chart"/g)).toBe(7);
    expect(html).toContain("not a budget plan");
    expect(html).not.toContain(`class="banner-approx"`);
    expect(html).not.toContain("@top-left");
    // every channel in the ROI table with its probabilities, and the hurdle column
    for (const c of reportFixture().channels) expect(html).toContain(`<td>${c.name}</td>`);
    expect(html).toContain("P(ROI\u00a0&gt;\u00a01.5)");
    // the QA findings and the lineage manifest as tables
    expect(html).toContain("<code>collinearity_pair</code>");
    expect(html).toContain("spend.parquet");
  });

  it("loads nothing: no scripts, links, external URLs, fonts or images", async () => {
    const { html } = await render(reportFixture());
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<(img|iframe|object|embed|image|use|foreignObject)\b/i);
    expect(html).not.toMatch(/@import|@font-face/i);
    expect(html).not.toMatch(/url\((?!#)/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    const urls = html.match(/https?:\/\/[^\s"'<>)]+/gi) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(SVG_NAMESPACES.has(u), u).toBe(true);
    expect(eventHandlers(html)).toEqual([]);
    expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`);
  });

  it("escapes hostile text everywhere: channel names render inert", async () => {
    const { html, warnings } = await render(hostileReportFixture());
    expect(warnings).toEqual([]);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<b onclick/i);
    expect(html).not.toMatch(/<a\b/i);
    // a quote in text content is harmless; what must never exist is an attribute made from it
    expect(attributeNames(html)).toEqual(expect.arrayContaining(["class", "viewbox", "aria-label"]));
    expect(eventHandlers(html)).toEqual([]);
    expect(html).toContain(`" onmouseover="alert(1)</text>`);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    // the renamed channel still reached the charts (as escaped SVG text)
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBe(7);
    expect(
      svgs.filter((s) => s.includes("&lt;img src=x onerror=alert(1)&gt;")).length,
    ).toBeGreaterThanOrEqual(4);
    // the only URL text is the namespace ones and the escaped one inside a verdict
    expect(html).toContain("&lt;a href=&quot;http://evil.example&quot;&gt;");
  });

  it("renders an approximate fit with every optional part missing, with a banner on every page", async () => {
    const { html, warnings } = await render(minimalReportFixture());
    expect(warnings).toEqual([]);
    // one at the top of each section, and one in the top margin of every printed page
    expect(count(html, /class="banner-approx"/g)).toBe(3);
    expect(html).toMatch(/@page \{[^}]*@top-left \{\s*content: "APPROXIMATE FIT/);
    expect(html).toContain("APPROXIMATE FIT");
    // roi, decomposition, curves, ppc, residual autocorrelation
    expect(count(html, /<svg\b/g)).toBe(5);
    expect(html).toContain("Neither a holdout nor a cross-validation was run");
    expect(html).toContain("No model comparison was run");
    expect(html).toContain("No sensitivity analysis was run");
    expect(html).toContain("No placebo test was run");
    expect(html).toContain("No QA report was attached");
    expect(html).toContain("No lineage manifest was attached");
    expect(html).toContain("interval not available");
    // hurdle 1 is break-even itself: no second probability column
    expect(count(html, /P\(ROI\u00a0&gt;\u00a01\)/g)).toBe(1);
  });

  it("renders data that went through JSON (NaN became null) the same way", async () => {
    const d = reportFixture();
    const viaJson = JSON.parse(JSON.stringify(d)) as ReportData;
    expect(viaJson.ppc.observed.some((x) => x === null)).toBe(true);
    const { html, warnings } = await render(viaJson);
    expect(warnings).toEqual([]);
    expect(count(html, /<svg\b/g)).toBe(7);
    expect(html).toBe((await render(d)).html);
  });

  it("is deterministic and keeps SVG ids unique across charts", async () => {
    const a = (await render(reportFixture())).html;
    const b = (await render(reportFixture())).html;
    expect(a).toBe(b);
    const ids = [...a.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("does not repeat a channel label that the uncertainty message already starts with", async () => {
    const d = minimalReportFixture();
    d.uncertainties = [{ channel: "tv", message: "tv: ROI could be anywhere from 0.9 to 2.1." }];
    const { html } = await render(d);
    expect(html).toContain("<li><strong>tv</strong>: ROI could be anywhere from 0.9 to 2.1.</li>");
  });

  it("shows QA and lineage data in an unexpected format as escaped JSON", async () => {
    const d = minimalReportFixture();
    d.data = { qa: { something: EVIL }, lineage: [1, 2, 3] };
    const { html } = await render(d);
    expect(html).toContain("Not in the expected format");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toMatch(/<img/i);
  });
});
