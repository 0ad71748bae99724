// `mmm scenario`'s table as text: the reference plan, then each plan's changes, value and gain
// over the reference with P(better). Also the plan.txt of a plan saved from the dashboard.

import { compact, signedCompact } from "../analysis/numberFormat.js";
import type { ScenarioReport } from "./scenario.js";

const signed = signedCompact;
const pct = (x: number) => `${x > 0 ? "+" : ""}${(100 * x).toFixed(0)}%`;

export function scenarioTable(r: ScenarioReport): string {
  const lines = [
    `Scenarios for the next ${r.horizonWeeks} weeks: incremental ${r.valueUnit} over spending nothing, carryover included (${r.draws} posterior draws)`,
    `reference plan: ${r.reference}${r.geoSplit === "national" ? "" : `; geo split: ${r.geoSplit}`}`,
    `  spend ${compact(r.referenceTotal)} → ${compact(r.referenceValue.mean)} (90% interval ${compact(r.referenceValue.q05)} to ${compact(r.referenceValue.q95)})`,
  ];
  r.scenarios.forEach((s, i) => {
    const changed = s.rows
      .filter((row) => Math.abs(row.planned - row.reference) > 1e-9 * (1 + row.reference))
      .map((row) => {
        const share = row.reference > 0 ? ` (${pct(row.planned / row.reference - 1)})` : "";
        return `${row.channel} ${compact(row.reference)} → ${compact(row.planned)}${share}${row.extrapolated ? " EXTRAPOLATION" : ""}`;
      });
    lines.push(
      `plan ${i + 1} "${s.label}": spend ${compact(s.total)} (${pct(r.referenceTotal > 0 ? s.total / r.referenceTotal - 1 : 0)})`,
      `  changes: ${changed.length > 0 ? changed.join(", ") : "none (the reference plan)"}`,
      `  value ${compact(s.value.mean)} (90% interval ${compact(s.value.q05)} to ${compact(s.value.q95)})`,
      `  vs reference: expected gain ${signed(s.gain.mean)} (5th to 95th percentile ${signed(s.gain.q05)} to ${signed(s.gain.q95)}); P(better than reference) = ${s.pBetter.toFixed(2)}`,
    );
    if (s.rows.some((row) => row.extrapolated))
      lines.push(
        "  note: weekly spend above the largest week in the data: the model extrapolates its curve there.",
      );
  });
  return lines.join("\n");
}
