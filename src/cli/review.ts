// `mmm review <run> --table <dir>`: the post-period review of a fitted run on a newer modeling
// table (the same weeks and then more): how its forecast for the weeks it never saw compares with
// what happened, and whether the relationships it learned still hold.

import { compact } from "../analysis/numberFormat.js";
import {
  modelOnLongerTable,
  type PostPeriodReview,
  postPeriodReview,
  SCAN_P,
} from "../analysis/postPeriod.js";
import { observedNational } from "../analysis/ppc.js";
import { finiteJson } from "../core/finiteJson.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import { checkOutputPath } from "../data/outputPath.js";
import { buildModel } from "../inference/executor.js";
import { readRun } from "../runs/runReader.js";
import { draftNotice } from "../runs/runRegistration.js";
import type { CliIo } from "./io.js";
import { readTable, tableFolder } from "./tableInput.js";

export interface ReviewOptions {
  table: string;
  out?: string;
  seed?: string;
}

export async function runReview(runDir: string, o: ReviewOptions, io: CliIo): Promise<PostPeriodReview> {
  const dir = tableFolder(o.table);
  const inputs = [
    { path: runDir, what: "the run folder", folder: true },
    { path: dir, what: "the new modeling table folder", folder: true },
  ];
  if (o.out !== undefined) checkOutputPath(o.out, { kind: "file", inputs });
  const run = readRun(runDir);
  await draftNotice(runDir, io);
  const { table } = readTable(dir, o.table);
  const spec = run.recipe.spec;
  const model = modelOnLongerTable(run.model, spec, table);
  const actual = observedNational(buildModel({ table, spec }));
  const review = postPeriodReview(model, run.draws, actual, run.model.data.T, Number(o.seed ?? 1));
  for (const line of reviewLines(review, table.kpi)) io.out(line);
  if (o.out) {
    writeFileAtomic(o.out, finiteJson(review, o.out), inputs);
    io.out(`Wrote ${o.out}`);
  }
  return review;
}

const BARS = "▁▂▃▄▅▆▇█";

export function reviewLines(r: PostPeriodReview, kpi: string): string[] {
  const n = r.weeks.length;
  if (n === 0) return ["The new table has no observed weeks after the run's window: nothing to review."];
  const out = [
    `Post-period review: the run's forecast of ${kpi} for ${n} week(s) it did not see (${r.weeks[0].week} .. ${r.weeks[n - 1].week}), given their actual spend`,
    "",
    `  ${"week".padEnd(10)}  ${"actual".padStart(9)}  ${"forecast mean [90%]".padEnd(28)}  PIT`,
  ];
  for (const w of r.weeks) {
    const flag = w.actual < w.q05 ? "  ▼ below" : w.actual > w.q95 ? "  ▲ above" : "";
    out.push(
      `  ${w.week}  ${compact(w.actual).padStart(9)}  ${`${compact(w.mean)} [${compact(w.q05)}, ${compact(w.q95)}]`.padEnd(28)}  ${w.pit.toFixed(2)}${flag}`,
    );
  }
  const inside50 = Math.round(r.coverage50 * n);
  const inside90 = Math.round(r.coverage90 * n);
  const peak = Math.max(1, ...r.pitHistogram);
  const histogram = r.pitHistogram.map((c) => BARS[Math.round((c / peak) * (BARS.length - 1))]).join("");
  out.push(
    "",
    `Coverage: ${inside50}/${n} weeks inside the 50% band, ${inside90}/${n} inside the 90% band`,
    `PIT histogram (0 → 1, flat when calibrated): ${histogram}`,
    `CRPS ${compact(r.crps)} per week (${(100 * r.crpsRelative).toFixed(1)}% of the mean weekly ${kpi})`,
    `Cumulative: actual ${compact(r.cumulative.actual)} against the forecast ${compact(r.cumulative.mean)} [90%: ${compact(r.cumulative.q05)} to ${compact(r.cumulative.q95)}], PIT ${r.cumulative.pit.toFixed(2)}`,
  );
  if (r.scan)
    out.push(
      `Largest departure of a recent stretch: the last ${r.scan.weeks} week(s) from ${r.scan.from}, ${r.scan.z >= 0 ? "+" : ""}${r.scan.z.toFixed(1)} sd (p = ${r.scan.p.toFixed(3)}: how often the run's own forecasts stray as far; below ${SCAN_P} the review is borderline)`,
    );
  for (const e of r.extrapolated)
    out.push(
      `Note: ${e.channel} spent up to ${compact(e.newMax)} a week, beyond the run's largest week (${compact(e.fittedMax)}): its forecast there extrapolates the response curve.`,
    );
  if (r.alarm) {
    out.push("", "ALARM: the run's relationships did not hold on the new weeks (relationship drift).");
    for (const reason of r.reasons) out.push(`  - ${reason}`);
    if (r.weeksOutside.length) out.push(`  Weeks outside the 90% band: ${r.weeksOutside.join(", ")}.`);
    out.push(
      "  Refit on the new data before planning with this run, and look for what changed in those weeks.",
    );
  } else if (r.borderline)
    out.push(
      "",
      r.scan && r.scan.p < SCAN_P
        ? `Borderline: no alarm, but the last ${r.scan.weeks} week(s) (from ${r.scan.from}) came in ${r.scan.actual < r.scan.mean ? "below" : "above"} the forecast by ${Math.abs(r.scan.z).toFixed(1)} sd (the run's own forecasts stray that far in ${(100 * r.scan.p).toFixed(1)}% of cases). Too weak to act on; watch whether next month's weeks continue it.`
        : `Borderline: no alarm, but the new weeks came in ${r.cumulative.actual < r.cumulative.mean ? "below" : "above"} the forecast in its outer 10% (PIT ${r.cumulative.pit.toFixed(3)}). Too weak to act on; watch whether next month's weeks continue it.`,
    );
  else out.push("", "No alarm: the new weeks are consistent with the run's forecast.");
  return out;
}
