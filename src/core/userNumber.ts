// The one reader of numbers a person types (options, plan files): plain decimals, exponents and
// k/M/bn suffixes, checked against the range the setting allows. It never returns NaN or ±∞: a
// bad number is an MmmError that names the setting, what was typed and what would be accepted.

import { type ErrorLocation, MmmError } from "./errors.js";

export interface NumberRule {
  min?: number;
  max?: number;
  /** The bound itself is not allowed (e.g. a quantile in (0, 1)). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
  /** Accept 500k, 1.2M, 2bn (amounts of money). */
  suffixes?: boolean;
  /** A valid example for the fix line, e.g. "0.3". */
  example?: string;
}

const SUFFIX = new Map<string, number>([
  ["", 1],
  ["k", 1e3],
  ["m", 1e6],
  ["bn", 1e9],
  ["b", 1e9],
]);

const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const WITH_SUFFIX = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*(k|m|bn|b)?$/i;

function describeRange(r: NumberRule): string {
  const kind = r.integer ? "a whole number" : "a number";
  const lo = r.min === undefined ? "" : `${r.minExclusive ? "above" : "at least"} ${r.min}`;
  const hi = r.max === undefined ? "" : `${r.maxExclusive ? "below" : "at most"} ${r.max}`;
  return [kind, [lo, hi].filter(Boolean).join(" and ")].filter(Boolean).join(" ");
}

/**
 * Reads `text` as a number for the setting `what` (e.g. "--budget"), or throws an MmmError with
 * code `code` located at `where`.
 */
export function parseUserNumber(
  text: string,
  what: string,
  where: ErrorLocation,
  rule: NumberRule = {},
  code = "E_BAD_OPTION",
): number {
  const raw = String(text).trim();
  const expected = `${what} must be ${describeRange(rule)}${rule.suffixes ? " (k, M and bn allowed, e.g. 500k)" : ""}`;
  const fail = (why: string): never => {
    throw new MmmError(
      code,
      `${expected}; got '${raw}'${why ? ` (${why})` : ""}.`,
      where,
      rule.example ? `e.g. ${rule.example}` : "",
    );
  };
  let value: number;
  if (rule.suffixes) {
    const m = WITH_SUFFIX.exec(raw);
    if (!m) fail(/\d,\d{3}/.test(raw) ? "no thousands separators: write 1200000 or 1.2M" : "");
    value =
      Number((m as RegExpExecArray)[1]) *
      (SUFFIX.get(((m as RegExpExecArray)[2] ?? "").toLowerCase()) ?? Number.NaN);
  } else {
    if (!PLAIN.test(raw)) fail(/\d,\d{3}/.test(raw) ? "no thousands separators" : "");
    value = Number(raw);
  }
  if (!Number.isFinite(value)) fail("too large");
  if (rule.integer && !Number.isInteger(value)) fail("not a whole number");
  if (rule.min !== undefined && (rule.minExclusive ? !(value > rule.min) : !(value >= rule.min))) fail("");
  if (rule.max !== undefined && (rule.maxExclusive ? !(value < rule.max) : !(value <= rule.max))) fail("");
  return value;
}

/**
 * An amount of money for a planning horizon: "500k" is the total over the horizon, "30k/week" a
 * weekly amount (multiplied by the horizon's weeks).
 */
export function parseAmount(text: string, what: string, where: ErrorLocation, horizonWeeks: number): number {
  const m = /^(.*?)\s*\/\s*(week|wk|w)$/i.exec(String(text).trim());
  const rule: NumberRule = { min: 0, suffixes: true, example: "500k for the horizon, or 30k/week" };
  if (m) return horizonWeeks * parseUserNumber(m[1], `${what} (per week)`, where, rule);
  return parseUserNumber(text, what, where, rule);
}
