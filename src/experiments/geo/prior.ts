// The MMM's posterior as the prior for a geo test's effect: per draw, the lift the planned spend
// change would cause, then the chance the test is conclusive (power averaged over that prior)
// and its expected cost (KPI lost by going dark).

import { type DesignRow, EFFECT_GRID } from "./design.js";

export interface EffectPrior {
  /** Spend change over the test in the treated geos (currency; negative for go-dark). */
  spendChange: number;
  /** Posterior of the test's lift (KPI) over the draws. */
  liftMean: number;
  liftLow: number;
  liftHigh: number;
  /** Power averaged over the posterior of the lift. */
  pConclusive: number;
  /** Expected KPI lost (go-dark) over the test; 0 for heavy-up. */
  expectedKpiCost: number;
  /** The same in the currency, when the KPI has a value per unit. */
  expectedValueCost: number | null;
}

/**
 * Power at a relative effect, read off the design's curve: linear between grid points, the A/A
 * rate (or α) at zero, flat beyond the grid's end.
 */
export function powerAt(row: DesignRow, relative: number, alpha = 0.1): number {
  const x = Math.abs(relative);
  let px = 0;
  let py = row.falsePositiveRate ?? alpha;
  for (let i = 0; i < EFFECT_GRID.length; i++) {
    const gx = EFFECT_GRID[i];
    const gy = row.powerCurve[i];
    if (x <= gx) return py + ((gy - py) * (x - px)) / (gx - px);
    px = gx;
    py = gy;
  }
  return py;
}

/**
 * `kpiPerCurrency` holds per-draw KPI per unit of spend for the change (average ROI for a
 * go-dark, marginal ROI for a heavy-up, in KPI units). The lift of a draw is that times the
 * spend change; its sign against the test's kind does not change detectability.
 */
export function effectPrior(
  row: DesignRow,
  kpiPerCurrency: Float64Array,
  spendChange: number,
  valuePerUnit: number | undefined,
): EffectPrior {
  const n = kpiPerCurrency.length;
  const lifts = Float64Array.from(kpiPerCurrency, (k) => k * spendChange).sort();
  let mean = 0;
  let power = 0;
  for (const l of lifts) {
    mean += l / n;
    power += powerAt(row, l / Math.max(row.treatedPerWindow, 1e-300)) / n;
  }
  const cost = spendChange < 0 ? Math.max(0, -mean) : 0;
  return {
    spendChange,
    liftMean: mean,
    liftLow: lifts[Math.floor(0.05 * (n - 1))],
    liftHigh: lifts[Math.ceil(0.95 * (n - 1))],
    pConclusive: power,
    expectedKpiCost: cost,
    expectedValueCost: valuePerUnit === undefined ? null : cost * valuePerUnit,
  };
}

/** Mean weekly spend of the treated geos over the last `weeks` periods (geo-major spend column). */
export function recentSpend(spend: Float64Array, T: number, geos: number[], weeks = 13): number {
  let s = 0;
  const from = Math.max(0, T - weeks);
  for (const g of geos) for (let t = from; t < T; t++) s += spend[g * T + t];
  return s / (T - from);
}
