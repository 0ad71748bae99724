// "Does the evidence agree?" as one picture: per channel, the calibrated MMM's return with its
// 90% interval, each lift test's measured return with its interval, and what the platform claims,
// on one axis. A finance reader sees at a glance where the sources agree and which platform
// over-credits itself.

import type { TopLevelSpec } from "vega-lite";
import { chartTitle, val } from "./chartKit.js";
import type { ReportData } from "./reportData.js";
import { CHART_WIDTH, COLOURS, SERIES_COLOURS, VEGA_CONFIG } from "./theme.js";

const SOURCES = ["MMM", "lift test", "platform claim"] as const;
type Source = (typeof SOURCES)[number];

interface Row {
  channel: string;
  source: Source;
  label: string;
  /** Position inside the channel's band: the MMM first, then each test, then the platform. */
  slot: number;
  mean: number | null;
  q05: number | null;
  q95: number | null;
}

/** The rows of the chart: returns in the report's display units. */
export function evidenceRows(evidence: NonNullable<ReportData["evidence"]>, factor: number): Row[] {
  const rows: Row[] = [];
  const maxTests = Math.max(0, ...evidence.channels.map((c) => c.tests.length));
  for (const c of evidence.channels) {
    rows.push({
      channel: c.channel,
      source: "MMM",
      label: "MMM",
      slot: 0,
      mean: val(c.mmm.mean * factor),
      q05: val(c.mmm.q05 * factor),
      q95: val(c.mmm.q95 * factor),
    });
    c.tests.forEach((t, i) => {
      rows.push({
        channel: c.channel,
        source: "lift test",
        slot: 1 + i,
        // a heavy-up measures the return of extra spend, a go-dark the return of the spend removed
        label: `${t.id}${t.kind === "heavy_up" ? " (marginal)" : ""}`,
        mean: val(t.testIroas.mean * factor),
        q05: val(t.testIroas.q05 * factor),
        q95: val(t.testIroas.q95 * factor),
      });
    });
    if (c.platformRoas !== null)
      rows.push({
        channel: c.channel,
        source: "platform claim",
        label: "platform",
        slot: 1 + maxTests,
        mean: val(c.platformRoas * factor),
        q05: null,
        q95: null,
      });
  }
  return rows;
}

function headline(data: ReportData, evidence: NonNullable<ReportData["evidence"]>) {
  const tests = evidence.checks;
  const agree = tests.filter((t) => !t.tension).length;
  const credit = evidence.channels
    .filter((c) => c.platformCreditRatio !== null)
    .sort((a, b) => (b.platformCreditRatio as number) - (a.platformCreditRatio as number));
  const parts: string[] = [];
  if (tests.length > 0)
    parts.push(
      tests.length === 1
        ? `The lift test ${agree === 1 ? "agrees" : "disagrees"} with the model`
        : agree === tests.length
          ? `All ${tests.length} lift tests agree with the model`
          : `${tests.length - agree} of ${tests.length} lift tests disagree with the model`,
    );
  // the platform that over-credits most, and the one that under-credits most, against the MMM
  const top = credit[0];
  const low = credit[credit.length - 1];
  const claims: string[] = [];
  if (top && (top.platformCreditRatio as number) > 1.5)
    claims.push(`${top.channel}'s platform claims ${(top.platformCreditRatio as number).toFixed(1)}×`);
  if (low && low !== top && (low.platformCreditRatio as number) < 0.67)
    claims.push(`${low.channel}'s ${(low.platformCreditRatio as number).toFixed(1)}×`);
  if (claims.length > 0) parts.push(`${claims.join(", ")} the MMM's return`);
  return {
    title: parts.length > 0 ? parts.join("; ") : "The MMM's return per channel",
    subtitle: [
      `Dot and line: mean and 90% interval${tests.length > 0 ? "; the MMM is calibrated with the tests" : ""}. A test's return is the return of the spend it moved (marginal for a heavy-up); the platform's is its attributed return, with no interval.${data.fit.roi_display.valued ? " Dashed: break-even." : ""}`,
    ],
  };
}

/** One band per channel, the sources side by side within it; the break-even line when returns have a value. */
export function evidenceChart(data: ReportData): TopLevelSpec | null {
  const evidence = data.evidence;
  if (!evidence || evidence.channels.length === 0) return null;
  const { factor, unit, valued } = data.fit.roi_display;
  const rows = evidenceRows(evidence, factor);
  const channels = evidence.channels.map((c) => c.channel);
  const present = SOURCES.filter((s) => rows.some((r) => r.source === s));
  const colour = {
    field: "source",
    type: "nominal" as const,
    title: null,
    scale: { domain: present, range: present.map((s) => SERIES_COLOURS[SOURCES.indexOf(s)]) },
    legend: { orient: "bottom" as const },
  };
  const y = { field: "channel", type: "nominal" as const, sort: channels, title: null };
  const yOffset = { field: "slot", type: "ordinal" as const };
  const x = (field: string) =>
    ({ field, type: "quantitative", title: `return (${unit})`, scale: { zero: true } }) as const;
  const { title, subtitle } = headline(data, evidence);
  const tooltip = [
    { field: "channel", type: "nominal" as const },
    { field: "label", type: "nominal" as const, title: "source" },
    { field: "mean", type: "quantitative" as const, format: ".2f" },
    { field: "q05", type: "quantitative" as const, format: ".2f", title: "5%" },
    { field: "q95", type: "quantitative" as const, format: ".2f", title: "95%" },
  ];
  return {
    config: VEGA_CONFIG,
    width: CHART_WIDTH - 160,
    height: { step: 13, for: "offset" },
    title: chartTitle(title, subtitle),
    layer: [
      ...(valued
        ? [
            {
              data: { values: [{ x: 1 }] },
              mark: { type: "rule" as const, strokeDash: [5, 4], color: COLOURS.reference },
              encoding: { x: x("x") },
            },
          ]
        : []),
      {
        data: { values: rows.filter((r) => r.q05 !== null) },
        mark: { type: "rule", strokeWidth: 3, opacity: 0.6 },
        encoding: { y, yOffset, x: x("q05"), x2: { field: "q95" }, color: colour },
      },
      {
        data: { values: rows },
        mark: { type: "point", filled: true, size: 70, opacity: 1 },
        encoding: {
          y,
          yOffset,
          x: x("mean"),
          color: colour,
          shape: {
            field: "source",
            type: "nominal",
            scale: { domain: present, range: present.map((s) => SHAPES[s]) },
            legend: null,
          },
          tooltip,
        },
      },
    ],
  } as TopLevelSpec;
}

const SHAPES: Record<Source, string> = {
  MMM: "circle",
  "lift test": "diamond",
  "platform claim": "triangle-up",
};
