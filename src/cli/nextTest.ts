// `mmm next-test RUN`: which lift test to run next, ranked by the expected value of its
// information for next quarter's budget, with its cost and how much it would narrow the channel's
// ROI interval (src/experiments/nextTest.ts does the preposterior analysis).

import { demandFollowing } from "../analysis/demandFollowing.js";
import { compact } from "../analysis/numberFormat.js";
import type { ReturnUnits } from "../analysis/returnUnits.js";
import { MmmError } from "../core/errors.js";
import { finiteJson } from "../core/finiteJson.js";
import { parseUserNumber } from "../core/userNumber.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import { checkOutputPath } from "../data/outputPath.js";
import { type NextTestResult, rankNextTests } from "../experiments/nextTest.js";
import { HORIZON_WEEKS } from "../planning/context.js";
import { readRun } from "../runs/runReader.js";
import { demandProxy } from "./demandProxy.js";
import type { CliIo } from "./io.js";
import { planInputs } from "./optimize.js";

export interface NextTestCliOptions {
  horizon: string;
  weeks: string;
  outerDraws: string;
  seed: string;
  top: string;
  out?: string;
  demandProxy?: string;
}

function parseOptions(o: NextTestCliOptions) {
  const int = (text: string, flag: string, min: number, max: number) =>
    parseUserNumber(text, flag, { option: flag }, { integer: true, min, max, example: `${flag} ${min}` });
  const durations = o.weeks.split(",").map((w) => int(w.trim(), "--weeks", 1, 26));
  if (durations.length === 0)
    throw new MmmError(
      "E_BAD_OPTION",
      "--weeks lists no durations.",
      { option: "--weeks" },
      "e.g. --weeks 4,6,8",
    );
  return {
    horizonWeeks: int(o.horizon, "--horizon", HORIZON_WEEKS.min, HORIZON_WEEKS.max),
    durations,
    outerDraws: int(o.outerDraws, "--outer-draws", 10, 2000),
    seed: int(o.seed, "--seed", 0, 2 ** 32 - 1),
    top: int(o.top, "--top", 1, 1000),
  };
}

export function nextTestTable(r: NextTestResult, top: number, units: ReturnUnits): string {
  // ROI widths in the fit's display units (KPI per 1,000 currency for a KPI without a value)
  const w = (v: number) => (v * units.factor).toFixed(2);
  const head = [
    "rank",
    "test",
    "weeks",
    "spend change",
    "expected lift [5%, 95%]",
    `EVSI (${r.valueUnit})`,
    `cost (${r.valueUnit})`,
    `${units.short} 90% width now → after`,
  ];
  const rows = r.candidates
    .slice(0, top)
    .map((c, i) => [
      c.reliable ? String(i + 1) : "–",
      `${c.kind.replace("_", "-")} ${c.channel}`,
      String(c.weeks),
      compact(c.spendChange),
      `${compact(c.expectedLift.mean)} [${compact(c.expectedLift.q05)}, ${compact(c.expectedLift.q95)}]`,
      compact(c.evsi),
      c.cost === null ? "—" : compact(c.cost),
      `${w(c.roiWidthNow)} → ${w(c.roiWidthAfter)}`,
    ]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    cells.map((c, j) => (j < 2 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ");
  return [
    `Which test to run next (budget ${compact(r.total)} over ${r.horizonWeeks} weeks):`,
    "",
    line(head),
    ...rows.map(line),
    "",
    ...r.notes,
    ...(r.candidates.some((c) => c.cost === null)
      ? ["A heavy-up's cost (extra spend minus its return) needs a value per KPI unit: shown as —."]
      : []),
  ].join("\n");
}

export function runNextTest(runDir: string, o: NextTestCliOptions, io: CliIo): NextTestResult {
  const options = parseOptions(o);
  const inputs = planInputs(runDir, []);
  if (o.out !== undefined) checkOutputPath(o.out, { kind: "file", inputs });
  const run = readRun(runDir);
  const flags = demandFollowing(run.model, run.draws, {
    proxy: demandProxy(run.recipe.table, o.demandProxy),
  });
  for (const f of flags.filter((x) => x.atRisk)) io.out(f.message);
  const result = rankNextTests(run.model, run.draws, {
    ...options,
    demandFollowing: flags.filter((f) => f.atRisk).map((f) => f.channel),
  });
  io.out(nextTestTable(result, options.top, run.summary.roi_display));
  const top = result.candidates.find((c) => c.reliable);
  // a geo model can run the top test as a geo holdout: its design is the next step
  if (top && run.model.data.G > 1)
    io.out(
      `Next: design it as a geo test — mmm geotest design --run ${runDir} --channel ${top.channel} --kind ${top.kind} --durations ${top.weeks} --spend-change ${Math.round(0.3 * top.spendChange)}`,
    );
  if (run.fit.method === "fast") io.out("(approximate: from a Laplace fit)");
  if (o.out) {
    writeFileAtomic(o.out, finiteJson(result, o.out), inputs);
    io.out(`Wrote ${o.out}`);
  }
  return result;
}
