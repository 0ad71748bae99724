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
      "What to do next quarter",
      "Guardrails used",
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
    // roi, decomposition, curves, plan, frontier, ppc, residual autocorrelation, forecast errors, sensitivity
    expect(count(html, /<svg\b/g)).toBe(9);
    expect(count(html, /<figure class="chart"/g)).toBe(9);
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

  it("shows next quarter's plan: allocation table, gain with its interval, guardrails, caveat and charts", async () => {
    const d = reportFixture();
    const plan = d.plan!;
    const { html } = await render(d);
    const whole = html.slice(html.indexOf('<h2 id="plan">'), html.indexOf('<h2 id="sure">'));
    // the text of the section, without the charts' SVG (which would flood a failure message)
    const section = whole.replace(/<svg[\s\S]*?<\/svg>/g, "<svg/>");
    expect(section.length).toBeGreaterThan(0);
    // the lede: where money moves, the expected gain with its 90% interval, and P(gain > 0)
    expect(section).toMatch(
      /the plan moves <strong>[\d.]+k<\/strong> from tv, online_video and display to paid_search and paid_social/,
    );
    expect(section).toMatch(
      /Expected gain over the neutral plan \(the reference mix at this budget\):\s*<strong>\+[\d.]+k EUR<\/strong> \(90% interval −?[\d.]+k to \+[\d.]+k\)/,
    );
    expect(section).toContain(`P(gain&nbsp;&gt;&nbsp;0) = <strong>${Math.round(100 * plan.pGain)}%</strong>`);
    // one table row per channel: current, recommended, change, allowed range, marginal ROI, flags
    for (const r of plan.rows) expect(section).toContain(`<td>${r.channel}</td>`);
    expect(section).toContain("−30% to +30%");
    expect(section).toContain("locked");
    expect(section).toContain("no change");
    expect(section).toMatch(/paid_search<\/td>[\s\S]*?at upper limit/);
    expect(section).toMatch(/paid_social<\/td>[\s\S]*?beyond the data/);
    // the guardrails and the objective in words, the notes, and the caveat
    expect(section).toContain("Total: kept at the reference plan&#39;s 529k EUR");
    expect(section).toContain("Reference plan: the last 13 weeks&#39; run-rate");
    expect(section).toContain("Each channel may move between −30% and +30% of its reference spend.");
    expect(section).toContain("Held at reference spend: podcast.");
    expect(section).toContain("the 25% quantile of the gain");
    expect(section).toContain("a contract runs to the end of the quarter");
    expect(section).toMatch(/What this plan assumes[\s\S]*flat weekly spend/);
    expect(count(whole, /<figure class="chart"/g)).toBe(2);
    expect(section).toContain('aria-label="Budget frontier: best expected gain at each total"');
    // the directions above it now point to the plan
    expect(html).toContain("is in the plan below");
  });

  it("leaves the plan out when there is none, and says how to get one", async () => {
    const { html } = await render(minimalReportFixture());
    expect(html).not.toContain("What to do next quarter");
    expect(html).toContain("not a budget plan");
    expect(html).toContain("<code>mmm optimize</code>");
    // a plan without a frontier (group caps) still renders, with one chart fewer
    const d = reportFixture();
    d.plan!.frontier = [];
    const withPlan = await render(d);
    expect(withPlan.warnings).toEqual([]);
    expect(count(withPlan.html, /<svg\b/g)).toBe(8);
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
    expect(svgs.length).toBe(9);
    expect(
      svgs.filter((s) => s.includes("&lt;img src=x onerror=alert(1)&gt;")).length,
    ).toBeGreaterThanOrEqual(4);
    // the only URL text is the namespace ones and the escaped one inside a verdict
    expect(html).toContain("&lt;a href=&quot;http://evil.example&quot;&gt;");
    // the plan's table and notes escape it too
    expect(html).toContain(`<td>${"&lt;img src=x onerror=alert(1)&gt;"}</td>`);
    expect(html).toContain("&lt;script&gt;alert(4)&lt;/script&gt;");
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
    expect(count(html, /<svg\b/g)).toBe(9);
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
