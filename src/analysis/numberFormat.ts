// Numbers as people read them (report, terminal): significant digits that suit both ROI of 0.004 and 3.2,
// compact currency amounts, percentages from shares, and intervals; missing values print "—".

import type { Interval } from "../analysis/summaries.js";

const MISSING = "—";

function finite(x: number | null | undefined): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

/** Decimals that give `x` about `digits` significant digits (0 for large numbers). */
function decimalsFor(x: number, digits: number): number {
  if (x === 0) return 0;
  return Math.min(8, Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x)))));
}

/** Fixed decimals, thousands separators and a typographic minus sign. */
function fixed(x: number, decimals: number, trim: boolean): string {
  const s = x.toLocaleString("en-US", {
    minimumFractionDigits: trim ? 0 : decimals,
    maximumFractionDigits: decimals,
  });
  return s.startsWith("-") ? (/^-[0.,]*$/.test(s) ? s.slice(1) : `−${s.slice(1)}`) : s;
}

/** About `digits` significant digits, never in exponent notation, with thousands separators. */
export function sig(x: number | null | undefined, digits = 3): string {
  if (!finite(x)) return MISSING;
  return fixed(x, decimalsFor(x, digits), true);
}

/**
 * A formatter for a set of related numbers (an interval's mean and bounds): the same number of
 * decimals for all, chosen so the largest shows about `digits` significant digits.
 */
export function sharedFormat(values: number[], digits = 3): (x: number) => string {
  const largest = Math.max(0, ...values.filter(finite).map(Math.abs));
  // below 1 a digit fewer still separates the numbers: 0.50 [0.24, 0.90] rather than 0.503 [0.239, 0.899]
  const decimals = decimalsFor(largest, largest >= 1 ? digits : digits - 1);
  return (x) => (finite(x) ? fixed(x, decimals, false) : MISSING);
}

/** 1.23M, 456k, 789: for spend and KPI totals. */
export function compact(x: number | null | undefined): string {
  if (!finite(x)) return MISSING;
  const a = Math.abs(x);
  if (a >= 1e9) return `${sig(x / 1e9, 3)}B`;
  if (a >= 1e6) return `${sig(x / 1e6, 3)}M`;
  if (a >= 1e3) return `${sig(x / 1e3, 3)}k`;
  return sig(x, 3);
}

/** A change with its sign (+12.3k, −4.5k), as plans' gains are printed. */
export function signedCompact(x: number): string {
  return x > 0 ? `+${compact(x)}` : compact(x);
}

/** A share (0…1) as a percentage. */
export function pct(share: number | null | undefined, decimals = 0): string {
  if (!finite(share)) return MISSING;
  return `${(100 * share).toFixed(decimals)}%`;
}

/** A probability as a percentage that never claims certainty it does not have (">99%", "<1%"). */
export function prob(p: number | null | undefined): string {
  if (!finite(p)) return MISSING;
  if (p > 0.99) return ">99%";
  if (p < 0.01) return "<1%";
  return `${Math.round(100 * p)}%`;
}

function intervalFormat(iv: Interval): (x: number) => string {
  return sharedFormat([iv.mean, iv.q05, iv.q95]);
}

/** "mean [q05, q95]" with the given number formatter (default: shared decimals). */
export function interval(iv: Interval | null | undefined, f?: (x: number) => string): string {
  if (!iv) return MISSING;
  const g = f ?? intervalFormat(iv);
  return `${g(iv.mean)} [${g(iv.q05)}, ${g(iv.q95)}]`;
}

/** "q05–q95" for running text; "q05 to q95" when a bound is negative, so the dash is not a minus. */
export function range(iv: Interval, f?: (x: number) => string): string {
  const g = f ?? intervalFormat(iv);
  return iv.q05 < 0 || iv.q95 < 0 ? `${g(iv.q05)} to ${g(iv.q95)}` : `${g(iv.q05)}–${g(iv.q95)}`;
}

export function isFiniteNumber(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}
