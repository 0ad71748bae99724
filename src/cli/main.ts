// The `mmm` command line: parses arguments, runs one command, turns errors into a clear message
// and a non-zero exit code. Each command's work lives in its own module.

import { Command, CommanderError } from "commander";
import { isMmmError, MmmError } from "../core/errors.js";
import { codeVersion } from "../data/lineage.js";
import { DEFAULT_SAMPLE_OPTIONS as SAMPLE } from "../inference/sample.js";
import { SCENARIO_NAMES, scenarioDescriptions } from "../simulate/scenarios.js";
import { runBatch, runBatchCancel, runBatchStatus, runWorkerCli } from "./batch.js";
import { runDemo } from "./demo.js";
import { userFault } from "./faults.js";
import { runFit } from "./fit.js";
import { runGeotestAnalyze, runGeotestDesign } from "./geotest.js";
import { runGeotestSimulate } from "./geotestSimulate.js";
import { type CliIo, EXIT, processIo } from "./io.js";
import { runLift } from "./lift.js";
import { runNextTest } from "./nextTest.js";
import { runOptimize } from "./optimize.js";
import { runPrepare } from "./prepare.js";
import { runRecover } from "./recover.js";
import { runRefresh } from "./refresh.js";
import { runReport } from "./report.js";
import { runReview } from "./review.js";
import { addWorkspaceCommands } from "./runs.js";
import { runScenario } from "./scenario.js";
import { runServe } from "./serve.js";
import { runSimulate } from "./simulate.js";
import { runTriangulate } from "./triangulate.js";

const CURRENT_OPTION = [
  "--current <last:N|file>",
  "the reference plan: the last N weeks' run-rate (default: last:<horizon>) or a plan file of horizon amounts",
] as const;
const GEO_SPLIT_OPTION = [
  "--geo-split <spend:N|population|file>",
  "how a channel's amount splits over geos (default: spend:52, its spend shares over the last 52 weeks)",
] as const;

function buildProgram(io: CliIo): Command {
  const program = new Command("mmm")
    .description("MMM-OS: Bayesian marketing mix modeling, from raw exports to decisions.")
    .version(codeVersion().version)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();

  program
    .command("simulate")
    .description("Simulate a ground-truth lab dataset: raw daily exports plus the truth behind them.")
    .requiredOption("--scenario <name>", `scenario: ${SCENARIO_NAMES.join(", ")}`)
    .option("--seed <n>", "random seed (same seed, same data)", "1")
    .requiredOption("--out <dir>", "output folder (must not exist unless --force)")
    .option("--format <csv|parquet>", "file format of the raw exports", "csv")
    .option("--experiments", "also run lift tests inside the history and write experiments.csv")
    .option(
      "--drops <n>",
      "also write the exports as monthly drops: drops/00 (history) … drops/<n>, for refreshes",
    )
    .option("--force", "replace the output folder if it exists")
    .action((opts) => {
      runSimulate(opts, io);
    });

  program
    .command("prepare")
    .description("Turn raw exports into the weekly modeling table, with QA report and lineage.")
    .requiredOption("--config <file>", "prepare config (YAML)")
    .option("--out <dir>", "output folder (must not exist unless --force); in a workspace, default runs/<id>")
    .option("--note <text>", "change note: what this table is and why (required in a workspace)")
    .option("--owner <name>", "who the table is registered as")
    .option("--no-register", "in a workspace, write the folder without registering it")
    .option("--force", "replace the output folder if it exists")
    .action(async (opts) => {
      await runPrepare(opts, io);
    });

  program
    .command("fit")
    .description(
      "Fit the Bayesian MMM to a modeling table (NUTS, or --method fast for a Laplace approximation).",
    )
    .requiredOption("--table <dir>", "modeling table folder written by `mmm prepare`")
    .option("--config <file>", "model spec (YAML); omit for the defaults")
    .option("--experiments <file>", "lift tests to calibrate with (experiments CSV, docs/experiments.md)")
    .option("--calibration <route>", "how tests calibrate: likelihood (each test's own lift) or roi-prior")
    .option(
      "--out <dir>",
      "run folder to write (must not exist unless --force); in a workspace, default runs/<id>",
    )
    .option("--note <text>", "change note: what this run is and why (required in a workspace)")
    .option(
      "--owner <name>",
      "who the run is registered as (default: the workspace's owner, else the OS user)",
    )
    .option("--parent <id>", "the run this one follows (default: the approved fit)")
    .option("--no-register", "in a workspace, write the folder without registering it")
    .option(
      "--warm-start <run>",
      "start the chains from a previous fit's posterior (a refresh): its draws, metric and step size; warm-up 150 unless --warmup",
    )
    .option("--chains <n>", "number of chains", String(SAMPLE.chains))
    .option("--warmup <n>", "warm-up iterations per chain", String(SAMPLE.warmup))
    .option("--draws <n>", "saved draws per chain", String(SAMPLE.draws))
    .option("--seed <n>", "random seed (same seed, same draws)", "1")
    .option("--method <nuts|fast>", "nuts (MCMC) or fast (Laplace approximation)", "nuts")
    .option("--metric <dense|diag>", "NUTS metric", "dense")
    .option(
      "--adapt-delta <p>",
      "target acceptance statistic of step-size adaptation",
      String(SAMPLE.adaptDelta),
    )
    .option("--max-depth <n>", "maximum NUTS tree depth", String(SAMPLE.maxDepth))
    .option("--force", "replace the run folder if it exists")
    .option("--quiet", "no progress output")
    .action(async (opts, cmd: Command) => {
      await runFit({ ...opts, warmupDefaulted: cmd.getOptionValueSource("warmup") === "default" }, io);
    });

  program
    .command("report")
    .description("Write the self-contained HTML report of a fit (executive page, validation, data).")
    .argument("<run>", "run folder written by `mmm fit`")
    .requiredOption("--out <file>", "HTML file to write")
    .option(
      "--validation <level>",
      "none | quick (holdout, placebo) | full (+ rolling CV, sensitivity grid, PSIS-LOO)",
      "quick",
    )
    .option(
      "--hurdle <roi>",
      "the ROI a channel must beat (needs a value per KPI unit; default 1, break-even)",
    )
    .option("--margin <share>", "gross margin on the KPI's value, for profit ROI (e.g. 0.6)")
    .option("--holdout-weeks <n>", "weeks held out (and the CV test horizon)", "13")
    .option("--cv-folds <n>", "rolling-origin CV folds (full validation)", "3")
    .option("--no-plan", "leave out next quarter's budget plan (default options of `mmm optimize`)")
    .option("--note <text>", "record the report in the workspace's registry, with this change note")
    .option("--owner <name>", "who the recorded report is registered as")
    .option(
      "--platform <file>",
      "platform-attributed results for the evidence page: CSV with channel, spend, attributed",
    )
    .option("--quiet", "no progress output")
    .action(async (run, opts) => {
      await runReport(run, opts, io);
    });

  program
    .command("lift")
    .description("Incremental KPI of a spend change on one channel (adstock and carryover recomputed).")
    .argument("<run>", "run folder written by `mmm fit`")
    .requiredOption("--channel <name>", "the channel to change")
    .option("--off", "switch the channel off for the whole window")
    .option("--scale <factor>", "multiply its spend by this factor (e.g. 0.8)", "1")
    .option("--from-week <date>", "first week of the change (a week start)")
    .option("--to-week <date>", "last week of the change")
    .action((run, opts) => {
      runLift(run, opts, io);
    });

  program
    .command("triangulate")
    .description(
      "Does the evidence agree? MMM ROI beside lift tests, the model's view of each test, and platform claims.",
    )
    .argument("<run>", "run folder written by `mmm fit`")
    .option("--experiments <file>", "tests to compare (default: the tests the run was calibrated with)")
    .option("--uncalibrated <run>", "the same model fitted without the tests, for ROI before calibration")
    .option("--platform <file>", "platform-attributed results: CSV with channel, spend, attributed")
    .option(
      "--demand-proxy <column>",
      "a table column that measures demand (e.g. search query volume) for the demand-following check",
    )
    .option("--out <file>", "also write the comparison as JSON")
    .action((run, opts) => {
      runTriangulate(run, opts, io);
    });

  program
    .command("next-test")
    .description(
      "Rank lift tests to run next by the expected value of their information for next quarter's budget, with cost and ROI narrowing.",
    )
    .argument("<run>", "run folder written by `mmm fit`")
    .option("--horizon <weeks>", "the budget decision's horizon in weeks", "13")
    .option("--weeks <list>", "test durations to consider, in weeks", "4,6,8")
    .option("--outer-draws <n>", "simulated read-outs per candidate test", "100")
    .option("--seed <n>", "random seed of the simulated read-outs", "1")
    .option("--top <n>", "rows to print", "12")
    .option(
      "--demand-proxy <column>",
      "a table column that measures demand: channels whose spend follows it are tested first",
    )
    .option("--out <file>", "also write the ranking as JSON")
    .action((run, opts) => {
      runNextTest(run, opts, io);
    });

  program
    .command("optimize")
    .description(
      "Recommend next quarter's allocation: risk-aware objective, guardrails, expected gain, P(gain > 0), frontier.",
    )
    .argument("<run>", "run folder written by `mmm fit`")
    .option("--horizon <weeks>", "planning horizon in weeks", "13")
    .option(...CURRENT_OPTION)
    .option(...GEO_SPLIT_OPTION)
    .option(
      "--by-geo",
      "allocate across geos as well as channels (geo tables): one plan line per channel@geo, each with its own guardrails; --min/--max/--lock/--group then name channel@geo",
    )
    .option(
      "--objective <kind>",
      "mean | quantile[:q] | cvar[:alpha] | mean_sd[:lambda] | p_gain",
      "quantile:0.1",
    )
    .option(
      "--budget <amount>",
      "fixed total for the horizon, e.g. 1.2M or 90k/week (default: the reference plan's total)",
    )
    .option("--mroi-target <value>", "flexible budget: spend while the marginal return exceeds this")
    .option(
      "--max-change <share|off>",
      "default guardrail: each channel within ± this share of its reference spend, where --min/--max set no limit",
      "0.5",
    )
    .option(
      "--min-p-gain <p>",
      "confidence gate: move only as far as the plan beats the neutral plan in this share of draws (or off)",
      "0.9",
    )
    .option(
      "--min <channel=amount>",
      "minimum spend of a channel over the horizon, e.g. tv=400k or tv=30k/week (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option(
      "--max <channel=amount>",
      "maximum spend of a channel over the horizon, e.g. tv=900k or tv=70k/week (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option("--bounds <file>", "per-channel min and max from a plan file (CSV channel,min,max or YAML)")
    .option(
      "--lock <channel>",
      "keep a channel at its reference spend (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option("--ramp <share>", "weekly spend within ± this share of the last 4 weeks' average")
    .option(
      "--group <name=a+b:cap>",
      "shared cap for a group of channels (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option("--allow-extrapolation", "allow weekly spend above the largest week seen in the data")
    .option("--out <file>", "also write the plan as JSON")
    .option(
      "--note <text>",
      "record the plan in the workspace's registry (runs/plan-…), with this change note",
    )
    .option("--owner <name>", "who the recorded plan is registered as")
    .action(async (run, opts) => {
      await runOptimize(run, opts, io);
    });

  program
    .command("scenario")
    .description(
      "Evaluate what-if plans for the next weeks against the reference plan: value, gain per draw, P(better).",
    )
    .argument("<run>", "run folder written by `mmm fit`")
    .option(
      "--plan <rules>",
      'a plan as channel rules, e.g. "tv=+20%,paid_search=-20%" or "display=0" (amount for the horizon, or 20k/week); repeatable',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option(
      "--plan-file <file>",
      "a plan from a file: CSV channel,amount, YAML channel: amount, or the JSON of mmm optimize --out (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option("--horizon <weeks>", "planning horizon in weeks", "13")
    .option(...CURRENT_OPTION)
    .option(...GEO_SPLIT_OPTION)
    .option("--out <file>", "also write the results as JSON")
    .action(async (run, opts) => {
      await runScenario(run, opts, io);
    });

  program
    .command("recover")
    .description("Simulate a lab scenario, fit it, and print the recovery scorecard against the truth.")
    .requiredOption("--scenario <name>", `scenario: ${SCENARIO_NAMES.join(", ")}`)
    .option("--seed <n>", "random seed", "1")
    .option("--chains <n>", "number of chains", String(SAMPLE.chains))
    .option("--warmup <n>", "warm-up iterations per chain", String(SAMPLE.warmup))
    .option("--draws <n>", "saved draws per chain", String(SAMPLE.draws))
    .option("--method <nuts|fast>", "nuts or fast", "nuts")
    .option("--metric <dense|diag>", "NUTS metric", "dense")
    .option("--adapt-delta <p>", "target acceptance statistic", String(SAMPLE.adaptDelta))
    .option("--max-depth <n>", "maximum tree depth", String(SAMPLE.maxDepth))
    .action(async (opts) => {
      await runRecover(opts, io);
    });

  addGeotest(program, io);

  program
    .command("scenarios")
    .description("List the lab's scenarios.")
    .action(() => {
      for (const s of scenarioDescriptions()) io.out(`${s.name.padEnd(11)} ${s.description}`);
    });

  program
    .command("demo")
    .description("Run the quick-start job on the embedded lab brand.")
    .option("--out <dir>", "where to write the demo outputs", "out/demo")
    .option("--seed <n>", "random seed", "1")
    .action(async (opts) => {
      await runDemo(opts, io);
    });
  program
    .command("batch")
    .description(
      "Run a portfolio manifest's jobs (prepare, fit, variants, report, plan per brand × market): here, or on a Redis queue. Also: batch status|cancel <manifest>.",
    )
    .argument("<manifest>", "the portfolio YAML (or 'status' / 'cancel' followed by it)")
    .argument("[manifest]", "after status or cancel: the portfolio YAML")
    .option("--workers <n>", "jobs at a time on this machine (default: its cores)")
    .option("--chain-threads <n>", "chain threads per fit (default: cores ÷ workers)")
    .option("--queue <url>", "put the jobs on this Redis queue instead (redis://host:port), for mmm worker")
    .option("--dry-run", "list the jobs and what is already done, run nothing")
    .action(async (first: string, second: string | undefined, opts) => {
      if ((first === "status" || first === "cancel") && second) {
        if (first === "status") await runBatchStatus(second, opts, io);
        else await runBatchCancel(second, opts, io);
      } else if (second !== undefined)
        throw new MmmError(
          "E_BAD_OPTION",
          `mmm batch takes one manifest (got '${first}' and '${second}').`,
          {},
          "mmm batch portfolio.yaml, or mmm batch status portfolio.yaml",
        );
      else await runBatch(first, opts, io);
    });
  program
    .command("worker")
    .description(
      "Process portfolio jobs from a Redis queue (mmm batch --queue puts them there), until Ctrl+C.",
    )
    .requiredOption("--queue <url>", "the Redis queue, redis://host:port")
    .option("--concurrency <n>", "jobs at a time", "1")
    .option("--chain-threads <n>", "chain threads per fit (default: cores ÷ concurrency)")
    .option("--lock <seconds>", "a job's lock: a killed worker's job is taken up again after this", "30")
    .action(async (opts) => {
      await runWorkerCli(opts, io);
    });

  program
    .command("serve")
    .description(
      "The dashboard: a workspace's runs, their history and executive pages, a live planner and a browser-only fit.",
    )
    .option("--workspace <dir>", "the workspace folder (default: found from the current folder upwards)")
    .option(
      "--portfolio <manifest>",
      "serve a portfolio instead: its page at /, each model's dashboard under /m/<model>/",
    )
    .option("--port <n>", "port to listen on (0: any free port)", "8080")
    .option("--host <address>", "address to bind (default: this machine only)", "127.0.0.1")
    .option("--allow-save", "let the planner save plans to the registry (default: read-only)")
    .action(async (opts) => {
      await runServe(opts, io);
    });

  program
    .command("review")
    .description(
      "Post-period review: a fit's forecast for weeks it did not see against what happened (coverage, PIT, CRPS, drift alarm).",
    )
    .argument("<run>", "run folder written by `mmm fit`")
    .requiredOption("--table <dir>", "a newer modeling table: the run's weeks and the weeks after them")
    .option("--out <file>", "also write the review as JSON")
    .option("--seed <n>", "seed of the predictive draws", "1")
    .action(async (run, opts) => {
      await runReview(run, opts, io);
    });
  program
    .command("refresh")
    .description(
      "The monthly refresh in a workspace: re-prepare the exports, check input drift, review the approved fit on the new weeks, refit warm-started.",
    )
    .requiredOption("--note <text>", "change note of the refresh (pre-filled further with what it finds)")
    .option("--config <file>", "the prepare config (default: the workspace's data_config)")
    .option("--from <id>", "the fit to refresh (default: the approved fit)")
    .option("--owner <name>", "who the new runs are registered as")
    .option("--seed <n>", "random seed of the refit", "1")
    .option("--cold", "refit from scratch instead of warm-starting")
    .option("--spec <file>", "the model spec (default: the workspace's model_spec)")
    .option(
      "--out <dir>",
      "the new fit's folder (default: runs/<id>); with it, an interrupted refresh run again resumes",
    )
    .option("--table-out <dir>", "the new table's folder (default: runs/<id>)")
    .option("--quiet", "no progress output")
    .action(async (opts) => {
      await runRefresh(opts, io);
    });
  addWorkspaceCommands(program, io);
  return program;
}

function panelOptions(c: Command): Command {
  return c
    .option("--panel <file>", "long CSV with one row per date and geo (date, geo, KPI), daily or weekly")
    .option("--table <dir>", "a geo-level modeling table folder (from mmm prepare or the lab)")
    .option("--run <dir>", "a run folder: its modeling table is the panel")
    .option("--weekly", "sum a daily panel into weeks (starting on the first date's weekday)")
    .option("--date-column <name>", "panel column holding the date (default: date, week, day, time)")
    .option(
      "--geo-column <name>",
      "panel column holding the geo (default: geo, location, region, market, dma, city)",
    )
    .option(
      "--kpi-column <name>",
      "panel column holding the KPI (default: Y, kpi, conversions, sales, orders, revenue)",
    );
}

function addGeotest(program: Command, io: CliIo): void {
  const geotest = program
    .command("geotest")
    .description("Design and read geo holdout tests (synthetic control).");
  panelOptions(geotest.command("analyze"))
    .description(
      "Read a geo test: ridge-augmented synthetic control, conformal interval and p-value, iROAS, verdict.",
    )
    .option("--treated <geos>", "treated geos, comma-separated (or from --design)")
    .requiredOption("--start <date>", "first day (or week start) of the test")
    .option("--end <date>", "last day (or week start) of the spend change (default: from --design)")
    .option("--readout <n>", "periods after the change still counted (carryover)", "0")
    .option("--exclude <geos>", "geos left out of the control pool (spill-over, other tests)")
    .option(
      "--spend-change <amount>",
      "spend change over the test in the currency (negative for go-dark), for iROAS",
    )
    .option("--channel <name>", "the channel tested (for the experiments row)")
    .option(
      "--kind <kind>",
      "go_dark | holdout | heavy_up | conversion_lift (default: from the spend change's sign)",
    )
    .option("--id <id>", "test id in the experiments row")
    .option("--level <p>", "interval level", "0.9")
    .option("--alpha <p>", "test size for the verdict", "0.1")
    .option("--design <file>", "a design file from mmm geotest design --out")
    .option("--rank <n>", "which design of --design", "1")
    .option("--out <file>", "write the full results as JSON")
    .option(
      "--experiments <file>",
      "write the result as an experiments-file row (CSV) for mmm fit --experiments",
    )
    .option("--html <file>", "write the charts (treated vs synthetic, placebo distribution) as an HTML page")
    .action(async (opts) => {
      await runGeotestAnalyze(opts, io);
    });
  panelOptions(geotest.command("design"))
    .description("Rank candidate geo tests by power and MDE, simulated by injecting lifts into past windows.")
    .option("--durations <list>", "test lengths in panel periods (weeks or days)", "2,4,6")
    .option("--sizes <list>", "treated-group sizes", "2,3,4")
    .option(
      "--treated <geos>",
      "also evaluate this treated group, comma-separated (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option("--include <geos>", "geos that must be treated")
    .option("--exclude <geos>", "geos that must not be treated (they stay controls)")
    .option("--max-share <share>", "largest share of the KPI in the treated group", "0.5")
    .option(
      "--candidates <n>",
      "candidate groups per size (half matched markets, half stratified random)",
      "10",
    )
    .option("--kind <kind>", "go_dark or heavy_up (the effect's sign)", "go_dark")
    .option("--effect <share>", "expected effect as a share of the treated KPI, e.g. 5%", "5%")
    .option("--iroas <kpi per currency>", "expected KPI per unit of spend change (with --spend-change)")
    .option("--spend-change <amount>", "planned spend change over the test")
    .option("--channel <name>", "the channel to test (recorded in --out)")
    .option("--top <n>", "designs to print", "10")
    .option("--out <file>", "write every design (YAML, or JSON for .json) for analyze --design")
    .option("--html <file>", "write the power curves of the top designs as an HTML page")
    .action(async (opts) => {
      await runGeotestDesign(opts, io);
    });
  geotest
    .command("simulate")
    .description("Lab: apply a geo test with known truth to a simulated multi-geo dataset.")
    .option("--scenario <name>", "a multi-geo lab scenario", "geo")
    .option("--seed <n>", "random seed", "1")
    .requiredOption("--channel <name>", "the channel that goes dark or heavy up")
    .option("--treated <geos|random:k>", "treated geos, comma-separated, or random:k", "random:3")
    .option("--start-week <n>", "index of the first test week (default: as late as fits)")
    .option("--weeks <n>", "weeks of spend change", "4")
    .option("--kind <kind>", "go_dark | heavy_up | aa", "go_dark")
    .option("--factor <x>", "heavy-up spend multiplier", "2")
    .option("--readout <n>", "weeks of carryover counted in the truth", "0")
    .requiredOption("--out <dir>", "output folder")
    .option("--force", "replace the output folder if it exists")
    .action((opts) => {
      runGeotestSimulate(opts, io);
    });
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.input;
    // a file-system or size fault that escaped the command's own checks is still the user's to fix
    const mapped = userFault(e);
    if (isMmmError(mapped)) {
      io.err(`error [${mapped.code}]: ${mapped.message}`);
      return EXIT.input;
    }
    io.err(`internal error: ${(e as Error).stack ?? String(e)}`);
    io.err("This is a bug in MMM-OS; please report it with the command you ran.");
    return EXIT.internal;
  }
}
