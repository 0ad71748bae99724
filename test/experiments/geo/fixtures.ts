// Small geo panels with a known answer: geos share common factors (trend, season, shocks) with
// their own loadings and noise, and a lift of known size is added to the treated geos.

import { Rng } from "../../../src/core/rng.js";
import type { GeoPanel } from "../../../src/experiments/geo/panel.js";

export interface FactorPanelOptions {
  geos?: number;
  periods?: number;
  noise?: number;
  seed?: string;
}

export function factorPanel(o: FactorPanelOptions = {}): GeoPanel {
  const G = o.geos ?? 20;
  const T = o.periods ?? 104;
  const rng = new Rng(o.seed ?? "factor-panel");
  const f1 = Float64Array.from({ length: T }, (_, t) => Math.sin((2 * Math.PI * t) / 52));
  const f2 = new Float64Array(T);
  for (let t = 1; t < T; t++) f2[t] = 0.8 * f2[t - 1] + rng.normal(0, 0.05);
  const y = new Float64Array(G * T);
  const geos: string[] = [];
  for (let g = 0; g < G; g++) {
    geos.push(`geo${String(g).padStart(2, "0")}`);
    const level = 100 * Math.exp(rng.normal(0, 0.5));
    const a = rng.uniformIn(0.05, 0.15);
    const b = rng.uniformIn(0.5, 1.5);
    for (let t = 0; t < T; t++)
      y[g * T + t] = level * (1 + 0.002 * t + a * f1[t] + b * f2[t] + rng.normal(0, o.noise ?? 0.02));
  }
  const start = 19723; // 2024-01-01, a Monday
  return {
    dates: Array.from({ length: T }, (_, t) => start + 7 * t),
    step: 7,
    geos,
    y,
    kpi: "kpi",
    source: "factor-panel",
  };
}

/** Adds `lift` spread evenly over the treated geos and periods [from, to]. */
export function addLift(p: GeoPanel, treated: number[], from: number, to: number, lift: number): GeoPanel {
  const T = p.dates.length;
  const y = Float64Array.from(p.y);
  const each = lift / (treated.length * (to - from + 1));
  for (const g of treated) for (let t = from; t <= to; t++) y[g * T + t] += each;
  return { ...p, y };
}

/** The panel as a long CSV (date, geo, Y), as GeoLift and most exports write it. */
export function panelCsv(p: GeoPanel): string {
  const T = p.dates.length;
  const lines = ["date,geo,Y"];
  for (let g = 0; g < p.geos.length; g++)
    for (let t = 0; t < T; t++) {
      const d = new Date(p.dates[t] * 86_400_000).toISOString().slice(0, 10);
      lines.push(`${d},${p.geos[g]},${Number.isFinite(p.y[g * T + t]) ? p.y[g * T + t] : ""}`);
    }
  return `${lines.join("\n")}\n`;
}
