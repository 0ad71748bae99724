// The gain's distribution over posterior draws as a small SVG histogram: bars right of zero in
// the report's blue, left of zero in grey, the zero line, and the axis's ends labelled.

import { compact } from "../../src/analysis/numberFormat.js";

const SVG = "http://www.w3.org/2000/svg";

function el(name: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export function drawHistogram(svg: SVGSVGElement, draws: ArrayLike<number>, bins = 30): void {
  const width = Number(svg.getAttribute("width"));
  const height = Number(svg.getAttribute("height"));
  svg.replaceChildren();
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < draws.length; i++) {
    lo = Math.min(lo, draws[i]);
    hi = Math.max(hi, draws[i]);
  }
  // the reference plan: every gain is zero
  if (!(hi > lo)) {
    lo = Math.min(lo, 0) - 1;
    hi = Math.max(hi, 0) + 1;
  }
  lo = Math.min(lo, 0);
  hi = Math.max(hi, 0);
  const counts = new Array(bins).fill(0);
  const w = (hi - lo) / bins;
  for (let i = 0; i < draws.length; i++) counts[Math.min(bins - 1, Math.floor((draws[i] - lo) / w))]++;
  const top = Math.max(...counts);
  const pad = 4;
  const axis = 16;
  const x = (v: number) => pad + ((v - lo) / (hi - lo)) * (width - 2 * pad);
  counts.forEach((n, b) => {
    const x0 = x(lo + b * w);
    const h = top > 0 ? (n / top) * (height - 2 * pad - axis) : 0;
    svg.append(
      el("rect", {
        x: x0,
        y: height - pad - axis - h,
        width: Math.max(0.5, x(lo + (b + 1) * w) - x0 - 1),
        height: h,
        fill: lo + (b + 0.5) * w >= 0 ? "#4c78a8" : "#bbb",
      }),
    );
  });
  svg.append(
    el("line", { x1: x(0), x2: x(0), y1: pad, y2: height - axis, stroke: "#333", "stroke-width": 1 }),
  );
  const label = (v: number, anchor: string, at: number) => {
    const t = el("text", { x: at, y: height - 3, "font-size": 11, fill: "#555", "text-anchor": anchor });
    t.textContent = compact(v);
    svg.append(t);
  };
  label(lo, "start", pad);
  label(hi, "end", width - pad);
  // zero, unless it would sit on an end's label
  if (x(0) - pad > 40 && width - pad - x(0) > 40) label(0, "middle", x(0));
}
