// The report's stylesheet, inlined into the page: system fonts, calm colours, tables that read
// well on screen and on paper, and print rules (a page per section, nothing split mid-chart).

import { FONT_STACK } from "./theme.js";

export const REPORT_CSS = `
:root { --ink: #222; --muted: #555; --line: #dedede; --accent: #4477AA; --paper: #fff; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.5 ${FONT_STACK}; color: var(--ink); background: #f3f3f1; }
main { max-width: 1000px; margin: 0 auto; padding: 28px 40px 56px; background: var(--paper); }
header.report-head { border-bottom: 2px solid var(--ink); padding-bottom: 12px; margin-bottom: 8px; }
header.report-head h1 { font-size: 27px; line-height: 1.2; margin: 0 0 6px; }
.meta { color: var(--muted); font-size: 13px; margin: 0; }
section.page { padding-top: 4px; }
section.page + section.page { border-top: 3px solid #e8e8e8; margin-top: 48px; }
h2 { font-size: 22px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 26px 0 6px; }
p { margin: 8px 0; }
.lede { font-size: 18px; line-height: 1.45; margin: 12px 0; }
.note { color: var(--muted); font-size: 13px; }
ul.findings { padding-left: 20px; margin: 8px 0 16px; }
ul.findings li { margin: 4px 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0 18px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e8e8e8; vertical-align: top; }
thead th { font-weight: 600; color: #333; background: #f4f4f2; border-bottom: 1px solid #cfcfcf; }
th.num, td.num { text-align: right; }
td.num { white-space: nowrap; }
table.kv th { width: 28%; font-weight: 600; background: none; color: #333; }
code, .hash { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
td code { white-space: nowrap; }
td code.hash { white-space: normal; word-break: break-all; }
td .ci { display: block; color: var(--muted); font-size: 11.5px; }
pre { white-space: pre-wrap; word-break: break-word; font-size: 12px; background: #f6f6f4; padding: 8px; }
figure.chart { margin: 18px 0 26px; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
.banner-approx { position: sticky; top: 0; z-index: 5; background: #B3261E; color: #fff; font-weight: 700;
  padding: 10px 14px; margin: 0 0 14px; border-radius: 4px; }
.banner-approx span { font-weight: 400; }
.banner-draft { background: #FFF4CE; color: #5C4400; border: 1px solid #E0C15A; font-weight: 700;
  padding: 8px 14px; margin: 0 0 14px; border-radius: 4px; }
.banner-draft span { font-weight: 400; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 10px; font-size: 12px; font-weight: 600; vertical-align: 1px; }
.badge.ok { background: #e2f0e5; color: #1d5e2a; }
.badge.warn { background: #fbedd2; color: #6f4700; }
.badge.bad { background: #f7dada; color: #8a1c1c; }
.badge.info { background: #e4edf6; color: #24476b; }
.share { margin: 14px 0 18px; }
.share-bar { position: relative; height: 26px; background: #e4e4e4; border-radius: 3px; overflow: hidden; }
.share-bar .media { position: absolute; left: 0; top: 0; bottom: 0; background: var(--accent); }
.share-bar .range { position: absolute; top: 9px; height: 8px; border: 2px solid #1b3550; border-top: 0; border-bottom: 0; }
.share-bar .range::after { content: ""; position: absolute; left: 0; right: 0; top: 3px; border-top: 2px solid #1b3550; }
.share-legend { display: flex; justify-content: space-between; font-size: 13px; color: var(--muted); margin-top: 4px; }
.actions { display: grid; grid-template-columns: repeat(3, 1fr); gap: 14px; margin: 10px 0 14px; }
.action { border: 1px solid var(--line); border-top: 4px solid var(--accent); border-radius: 4px; padding: 8px 12px; font-size: 14px; }
.action.flat { border-top-color: #999933; }
.action.unclear { border-top-color: #BBBBBB; }
.action h3 { margin: 2px 0 6px; font-size: 15px; }
.action ul { margin: 0; padding-left: 18px; }
.action li { margin: 4px 0; }
.caveat { border-left: 4px solid #CCBB44; background: #fbf8ea; padding: 10px 14px; margin: 12px 0; font-size: 14px; }
.warn-text { color: #8a1c1c; font-weight: 600; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
@media (max-width: 760px) { main { padding: 16px; } .actions { grid-template-columns: 1fr; } }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { background: #fff; font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  section.page { break-before: page; border-top: 0; margin-top: 0; }
  section.page:first-of-type { break-before: auto; }
  figure.chart, .actions, .caveat, .share, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .banner-approx { position: static; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/**
 * For an approximate fit: the banner again in the top margin of every printed page (a CSS page
 * margin box), since a section can run over several pages. A constant: no data ever goes into CSS.
 */
export const APPROXIMATE_PRINT_CSS = `
@page {
  margin-top: 20mm;
  @top-left {
    content: "APPROXIMATE FIT \\2014  not for decisions: Laplace approximation at the posterior mode, not MCMC";
    background: #B3261E; color: #fff; font-weight: 700; font-size: 9.5pt; padding: 0 4mm; margin: 5mm 0 4mm;
  }
}
`;
