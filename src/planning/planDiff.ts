// What moved in the plan between two runs: each run's recommended budget split at its own
// reference budget (the default planning settings), side by side as shares of the total, with the
// channels whose recommended direction flipped (more → less, or the reverse) called out. Shares,
// not amounts: two runs' reference budgets differ by a month of spend.

import { compact } from "../analysis/numberFormat.js";
import type { Interval } from "../analysis/summaries.js";
import type { PlanResult } from "./plan.js";

export interface PlanSide {
  total: number;
  horizonWeeks: number;
  decision: PlanResult["decision"];
  gain: Interval;
  pGain: number;
}

export interface PlanChannelChange {
  channel: string;
  /** Recommended spend as a share of the plan's total, before and after. */
  shareBefore: number | null;
  shareAfter: number | null;
  /** Recommended change on the run's own reference, as a share of it. */
  moveBefore: number | null;
  moveAfter: number | null;
  /** The recommendation changed direction (a move of more than 5% each way). */
  flipped: boolean;
}

export interface PlanDiff {
  /** What the gains are counted in (currency, or KPI units without a value per unit). */
  valueUnit: string;
  before: PlanSide;
  after: PlanSide;
  channels: PlanChannelChange[];
}

/** A recommended move this small is "hold", not a direction. */
const HOLD = 0.05;

const side = (p: PlanResult): PlanSide => ({
  total: p.total,
  horizonWeeks: p.horizonWeeks,
  decision: p.decision,
  gain: p.gain,
  pGain: p.pGain,
});

export function diffPlans(before: PlanResult, after: PlanResult): PlanDiff {
  const names = [...new Set([...before.rows, ...after.rows].map((r) => r.channel))];
  const direction = (x: number | null) => (x === null || Math.abs(x) <= HOLD ? 0 : Math.sign(x));
  const channels = names.map((channel) => {
    const b = before.rows.find((r) => r.channel === channel);
    const a = after.rows.find((r) => r.channel === channel);
    const moveBefore = b ? b.changeShare : null;
    const moveAfter = a ? a.changeShare : null;
    const db = direction(moveBefore);
    const da = direction(moveAfter);
    return {
      channel,
      shareBefore: b ? b.recommended / before.total : null,
      shareAfter: a ? a.recommended / after.total : null,
      moveBefore,
      moveAfter,
      flipped: db !== 0 && da !== 0 && db !== da,
    };
  });
  return { valueUnit: after.valueUnit, before: side(before), after: side(after), channels };
}

/** A share as a whole percentage ("—" when absent), signed for a move. */
export function percentText(x: number | null, signed = false): string {
  return x === null ? "—" : `${signed && x > 0 ? "+" : ""}${(100 * x).toFixed(0)}%`;
}

/** A plan's decision in words. */
export function decisionWords(d: PlanSide["decision"]): string {
  return d === "optimum"
    ? "move to the optimised plan"
    : d === "partial"
      ? "move part way"
      : "hold the neutral plan";
}

export function planDiffLines(p: PlanDiff): string[] {
  const valueUnit = p.valueUnit;
  const pct = percentText;
  const decision = (s: PlanSide) =>
    `${decisionWords(s.decision)} (gain ${compact(s.gain.mean)} ${valueUnit}, P(gain > 0) ${s.pGain.toFixed(2)}, budget ${compact(s.total)} over ${s.horizonWeeks} weeks)`;
  const width = Math.max(8, ...p.channels.map((c) => c.channel.length));
  const out = [
    "Plan (default settings, each run at its own reference budget): recommended share of budget, and move on the reference, before → after",
    `  before: ${decision(p.before)}`,
    `  after:  ${decision(p.after)}`,
  ];
  for (const c of p.channels)
    out.push(
      `  ${c.channel.padEnd(width)}  share ${pct(c.shareBefore)} → ${pct(c.shareAfter)}  move ${pct(c.moveBefore, true)} → ${pct(c.moveAfter, true)}${c.flipped ? "  ⇄ direction flipped" : ""}`,
    );
  return out;
}
