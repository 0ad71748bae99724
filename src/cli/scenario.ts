// `mmm scenario`: what-if plans for the next weeks ("tv=+20%,display=0", or a plan file) against
// the reference plan — each plan's incremental value and its gain over the reference, draw by draw.

import { MmmError } from "../core/errors.js";
import { finiteJson } from "../core/finiteJson.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import { checkOutputPath } from "../data/outputPath.js";
import {
  evaluateScenarios,
  parsePlan,
  type ScenarioPlan,
  type ScenarioReport,
} from "../planning/scenario.js";
import { scenarioTable } from "../planning/scenarioText.js";
import { readRun } from "../runs/runReader.js";
import { draftNotice } from "../runs/runRegistration.js";
import type { CliIo } from "./io.js";
import { planInputs } from "./optimize.js";
import { readPlanFile } from "./planFile.js";
import { type HorizonOptions, parseHorizonSettings } from "./planOptions.js";

export interface ScenarioOptions extends HorizonOptions {
  plan: string[];
  planFile?: string[];
  out?: string;
}

/** A plan file as a scenario: its amounts, channels it does not list kept at the reference. */
function planFromFile(file: string, channels: string[], horizonWeeks: number): ScenarioPlan {
  const rules: ScenarioPlan["rules"] = [];
  for (const [channel, e] of readPlanFile(file, "--plan-file", horizonWeeks)) {
    if (!channels.includes(channel))
      throw new MmmError(
        "E_PLAN_FILE",
        `Plan file ${file} names an unknown channel '${channel}'.`,
        { file, option: "--plan-file", key: channel },
        `use the model's channels: ${channels.join(", ")}`,
      );
    if (e.amount === undefined)
      throw new MmmError(
        "E_PLAN_FILE",
        `Plan file ${file}: channel '${channel}' has no amount.`,
        { file, option: "--plan-file", key: channel },
        "give each channel an amount for the horizon (or x/week)",
      );
    rules.push({ channel, kind: "absolute", amount: e.amount });
  }
  return { label: file, rules };
}

export async function runScenario(runDir: string, o: ScenarioOptions, io: CliIo): Promise<ScenarioReport> {
  const settings = parseHorizonSettings(o);
  if ((!o.plan || o.plan.length === 0) && (!o.planFile || o.planFile.length === 0))
    throw new MmmError(
      "E_BAD_OPTION",
      "Give at least one plan to evaluate.",
      { option: "--plan" },
      'e.g. --plan "tv=+20%,paid_search=-20%" --plan "display=0", or --plan-file plan.json (from mmm optimize --out)',
    );
  const files = [o.current, o.geoSplit, ...(o.planFile ?? [])].filter(
    (f) => f !== undefined && !/^(last|spend):|^population$/.test(f),
  );
  const inputs = planInputs(runDir, files);
  if (o.out !== undefined) checkOutputPath(o.out, { kind: "file", inputs });
  const run = readRun(runDir);
  await draftNotice(runDir, io);
  const channels = run.model.data.channels.map((c) => c.name);
  // every plan is checked before any work, so a typo in the third plan fails fast
  const plans = [
    ...(o.plan ?? []).map((p) => parsePlan(p, channels, settings.horizonWeeks)),
    ...(o.planFile ?? []).map((f) => planFromFile(f, channels, settings.horizonWeeks)),
  ];
  const report = evaluateScenarios(run.model, run.draws, plans, settings);
  io.out(scenarioTable(report));
  if (run.fit.method === "fast") io.out("(approximate: from a Laplace fit)");
  if (o.out) {
    writeFileAtomic(o.out, finiteJson(report, o.out), inputs);
    io.out(`Wrote ${o.out}`);
  }
  return report;
}
