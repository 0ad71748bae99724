// The report's look in one place: a calm colour-blind-safe palette (Paul Tol's schemes), the
// system font stack and the Vega-Lite config every chart shares, so page and charts agree.

import type { Config } from "vega-lite";

/** System fonts only: the report must render offline, so no web fonts are ever referenced. */
export const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Tol "muted": calm, distinguishable under the common colour-vision deficiencies; for areas. */
export const CHANNEL_COLOURS = [
  "#332288",
  "#88CCEE",
  "#44AA99",
  "#117733",
  "#999933",
  "#DDCC77",
  "#CC6677",
  "#882255",
  "#AA4499",
];

/** Tol "bright" without its pale grey: dark enough for points and thin lines. */
export const SERIES_COLOURS = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377"];

export const COLOURS = {
  estimate: "#4477AA",
  band: "#4477AA",
  observed: "#222222",
  baseline: "#C8C8C8",
  reference: "#777777",
  hurdle: "#CC6677",
  observedRange: "#EFEFEF",
  bad: "#BB5566",
  text: "#222222",
  muted: "#555555",
};

export const CHART_WIDTH = 780;

/** Title and subtitle font sizes (px) of every chart; charts wrap their titles to fit. */
export const TITLE_SIZES = { title: 15, subtitle: 12 };

/** Widest a chart title may be (px, as Vega estimates it): the page's content width, less a margin. */
export const TITLE_WIDTH = 880;

export const VEGA_CONFIG: Config = {
  font: FONT_STACK,
  background: "white",
  padding: 6,
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: "normal",
    labelColor: COLOURS.muted,
    titleColor: "#333333",
    gridColor: "#ECECEC",
    domainColor: "#999999",
    tickColor: "#999999",
  },
  legend: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: "normal",
    orient: "bottom",
    symbolSize: 90,
    labelLimit: 320,
  },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: {
    fontSize: TITLE_SIZES.title,
    fontWeight: 600,
    anchor: "start",
    color: COLOURS.text,
    subtitleFontSize: TITLE_SIZES.subtitle,
    subtitleColor: COLOURS.muted,
    offset: 12,
  },
  concat: { spacing: 28 },
};

export function channelColour(index: number): string {
  return CHANNEL_COLOURS[index % CHANNEL_COLOURS.length];
}
