// The gain's distribution over posterior draws as a small SVG histogram: bars right of zero in
// the report's blue, left of zero in grey, and the zero line.

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
  const x = (v: number) => pad + ((v - lo) / (hi - lo)) * (width - 2 * pad);
  counts.forEach((n, b) => {
    const x0 = x(lo + b * w);
    const h = top > 0 ? (n / top) * (height - 2 * pad) : 0;
    svg.append(
      el("rect", {
        x: x0,
        y: height - pad - h,
        width: Math.max(0.5, x(lo + (b + 1) * w) - x0 - 1),
        height: h,
        fill: lo + (b + 0.5) * w >= 0 ? "#4c78a8" : "#bbb",
      }),
    );
  });
  svg.append(
    el("line", { x1: x(0), x2: x(0), y1: pad, y2: height - pad, stroke: "#333", "stroke-width": 1 }),
  );
}
