// Shared pieces of the report's chart specs: Vega-Lite sub-spec types, missing values, the week
// axis, and titles wrapped to the page (headless Vega cannot measure text).

import type { TopLevelSpec } from "vega-lite";
import { isFiniteNumber } from "../analysis/numberFormat.js";
import { TITLE_SIZES, TITLE_WIDTH } from "./theme.js";

export type LayerSpec = Extract<TopLevelSpec, { layer: unknown }>;
export type Layer = LayerSpec["layer"][number];
export type Panel = Extract<TopLevelSpec, { concat: unknown }>["concat"][number];

/** Non-finite numbers (NaN from a fit, null from JSON) become null, which Vega treats as missing. */
export function val(x: number | null | undefined): number | null {
  return isFiniteNumber(x) ? x : null;
}

/** Greedy word wrap to lines of at most `max` characters (a longer single word keeps its own line). */
function wrapText(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Headless Vega has no font metrics and sizes text at 0.8 em per character, so a long title would
 * widen the SVG past the page (and shrink it when scaled to fit): wrap it to the page's width.
 */
export function chartTitle(
  text: string,
  subtitle: string | string[],
  width = TITLE_WIDTH,
  sizes = TITLE_SIZES,
) {
  const chars = (size: number) => Math.max(12, Math.floor(width / (0.8 * size)));
  return {
    text: wrapText(text, chars(sizes.title)),
    subtitle: (Array.isArray(subtitle) ? subtitle : [subtitle]).flatMap((s) =>
      wrapText(s, chars(sizes.subtitle)),
    ),
  };
}

export const WEEK_AXIS = { field: "week", type: "temporal", title: null, scale: { type: "utc" } } as const;
