// The live planner's numbers as text, written by one function for the page the server renders
// and for every update the browser makes, in `mmm scenario`'s formats (compact amounts, signed
// gains, P to two decimals), so what a person reads on screen and in the terminal is the same.

import { compact, pct, sig, signedCompact } from "../analysis/numberFormat.js";
import type { LiveResult } from "./liveScenario.js";

/** How returns are shown: the fit's display units (ROI, or KPI per 1,000 spent). */
export interface ReturnDisplay {
  factor: number;
  short: string;
}

export interface LiveRowText {
  planned: string;
  change: string;
  weekly: string;
  mroi: string;
  mroiRange: string;
  pMroi: string;
  extrapolated: boolean;
}

export interface LiveText {
  gain: string;
  gainRange: string;
  pBetter: string;
  /** The gain less the extra spend, and P(> 0); "—" when the KPI has no value in currency. */
  net: string;
  pNet: string;
  extraSpend: string;
  value: string;
  valueRange: string;
  total: string;
  totalChange: string;
  rows: LiveRowText[];
}

const change = (planned: number, reference: number) =>
  reference > 0
    ? `${planned >= reference ? "+" : ""}${pct(planned / reference - 1)}`
    : planned > 0
      ? "new"
      : "—";

export function liveText(r: LiveResult, horizonWeeks: number, display: ReturnDisplay): LiveText {
  const f = display.factor;
  return {
    gain: signedCompact(r.gain.mean),
    gainRange: `${signedCompact(r.gain.q05)} to ${signedCompact(r.gain.q95)}`,
    pBetter: r.pBetter.toFixed(2),
    net: r.net ? signedCompact(r.net.mean) : "—",
    pNet: r.pNet === null ? "—" : r.pNet.toFixed(2),
    extraSpend: signedCompact(r.total - r.referenceTotal),
    value: compact(r.value.mean),
    valueRange: `${compact(r.value.q05)} to ${compact(r.value.q95)}`,
    total: compact(r.total),
    totalChange: change(r.total, r.referenceTotal),
    rows: r.rows.map((row) => ({
      planned: compact(row.planned),
      change: change(row.planned, row.reference),
      weekly: `${compact(row.planned / horizonWeeks)}/week`,
      mroi: sig(row.mroi.mean * f, 3),
      mroiRange: `${sig(row.mroi.q05 * f, 3)} to ${sig(row.mroi.q95 * f, 3)}`,
      pMroi: row.pMroiAbove1 === null ? "—" : row.pMroiAbove1.toFixed(2),
      extrapolated: row.extrapolated,
    })),
  };
}
