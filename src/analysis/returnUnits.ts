// The unit a return (ROI, marginal ROI) is shown in. With a value per KPI unit, a return is value
// per currency unit and 1 is break-even. Without one it is KPI per currency unit — 0.001
// subscriptions per USD — so it is shown per 1,000 (or per million) currency units, and is never
// compared with a hurdle of 1, which would mean nothing.

import { median } from "../core/stats.js";

export interface ReturnUnits {
  /** Multiply a raw return by this to display it. */
  factor: number;
  /** What a displayed return means, e.g. "USD of value per USD spent", "subscriptions per 1,000 USD". */
  unit: string;
  /** A short column label: "ROI" or "subscriptions per 1k USD". */
  short: string;
  /** Returns are value per currency unit: 1 is break-even and a hurdle can be compared. */
  valued: boolean;
}

const SCALES: [number, string, string][] = [
  [1, "", ""],
  [1e3, "1,000", "1k"],
  [1e6, "1,000,000", "1M"],
  [1e9, "1,000,000,000", "1bn"],
];

/**
 * Units for returns whose typical magnitudes are `typical` (e.g. each channel's mean ROI): the
 * smallest scale that puts their median at 0.1 or above, so two decimals carry information.
 */
export function returnUnits(
  d: { valuePerUnit: number | null; kpi: string; currency: string },
  typical: number[],
): ReturnUnits {
  if (d.valuePerUnit) {
    return {
      factor: 1,
      unit: `${d.currency} of ${d.kpi} value per ${d.currency} spent`,
      short: "ROI",
      valued: true,
    };
  }
  const finite = typical.filter((x) => Number.isFinite(x)).map(Math.abs);
  const m = finite.length > 0 ? median(finite) : 1;
  const [factor, long, short] = SCALES.find(([f]) => m * f >= 0.1) ?? SCALES[SCALES.length - 1];
  if (factor === 1)
    return {
      factor,
      unit: `${d.kpi} per ${d.currency} spent`,
      short: `${d.kpi}/${d.currency}`,
      valued: false,
    };
  return {
    factor,
    unit: `${d.kpi} per ${long} ${d.currency} spent`,
    short: `${d.kpi}/${short} ${d.currency}`,
    valued: false,
  };
}
