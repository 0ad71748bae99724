// `mmm refresh`: the monthly cycle in one command, inside a workspace. From the approved fit and
// the newest raw exports: re-prepare them with the workspace's config (registered), check input
// drift against the approved run's data, review the approved run on the weeks it did not see,
// refit warm-started from its posterior (registered as a draft whose note is pre-filled with what
// was found), and say what moved and whether the new run is ready to approve.

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import type { FitSummary } from "../analysis/fitSummary.js";
import { type CampaignRow, type DriftFinding, inputDrift } from "../analysis/inputDrift.js";
import { modelOnLongerTable, type PostPeriodReview, postPeriodReview } from "../analysis/postPeriod.js";
import { observedNational } from "../analysis/ppc.js";
import { type DataDiff, diffData } from "../analysis/runDiff.js";
import { MmmError } from "../core/errors.js";
import type { ModelingTable } from "../core/modelingTable.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import { readModelingTable } from "../data/tableFolder.js";
import { buildModel } from "../inference/executor.js";
import { DEFAULT_SAMPLE_OPTIONS as SAMPLE } from "../inference/sample.js";
import type { RunRecord } from "../registry/registry.js";
import { newRunId } from "../registry/runFolder.js";
import { ownerOf, type Workspace, withRegistry } from "../registry/workspace.js";
import { type RefreshRecord, renderRefreshPage } from "../report/refreshPage.js";
import { type RunFolder, readRun } from "../runs/runReader.js";
import { registerRunFolder } from "../runs/runRegistration.js";
import { runFit } from "./fit.js";
import type { CliIo } from "./io.js";
import { runPrepare } from "./prepare.js";
import { reviewLines } from "./review.js";
import { type RunsDiffResult, requireFitFolder, runRunsDiff, workspace } from "./runs.js";

export interface RefreshOptions {
  /** The prepare config (default: the workspace's data_config). */
  config?: string;
  /** The run to refresh (default: the approved fit). */
  from?: string;
  note?: string;
  owner?: string;
  seed?: string;
  /** Fit from scratch instead of warm-starting. */
  cold?: boolean;
  /** The model spec (default: the workspace's model_spec). */
  spec?: string;
  /**
   * The new fit's folder (default: <runs_dir>/<id>). Given, the refresh can be resumed: a table or
   * fit folder an interrupted attempt already wrote is reused, not redone.
   */
  out?: string;
  /** The new table's folder (default: <runs_dir>/<id>). */
  tableOut?: string;
  quiet?: boolean;
}

export interface RefreshResult {
  tableId: string;
  fitId: string;
  drift: DriftFinding[];
  review: PostPeriodReview | null;
  readyToApprove: boolean;
}

export async function runRefresh(o: RefreshOptions, io: CliIo): Promise<RefreshResult> {
  const ws = workspace();
  const note = o.note?.trim() ?? "";
  if (!note)
    throw new MmmError(
      "E_REGISTRY_NOTE",
      "a refresh needs a change note",
      { option: "--note" },
      "e.g. --note 'December exports'",
    );
  const owner = ownerOf(ws, o.owner);
  const previous = await refreshSource(ws, o.from);
  const config = o.config ?? (ws.config.data_config ? resolve(ws.root, ws.config.data_config) : undefined);
  if (!config)
    throw new MmmError(
      "E_REFRESH_CONFIG",
      "no prepare config: the workspace names no data_config",
      { file: ws.file, key: "data_config" },
      "add data_config to mmm.yaml, or pass --config FILE",
    );
  const plan = refreshFolders(ws, o, config);

  io.out(`== 1/4  Re-prepare the exports (${config}) for the refresh of ${previous.id}`);
  const tableNote = `refresh of ${previous.id}: ${note}`;
  const reusedTable = o.tableOut ? await resumed(ws, plan.tableDir, tableNote, io) : undefined;
  const tableId = reusedTable ?? plan.tableId;
  if (!reusedTable) await runPrepare({ config, out: plan.tableDir, id: tableId, note: tableNote, owner }, io);

  io.out("\n== 2/4  Input drift against the approved run's data");
  const inputs = checkInputs(previous, plan.tableDir, io);

  io.out(`\n== 3/4  Post-period review: ${previous.id} on the weeks it did not see`);
  const { review, reviewSkipped } = reviewPrevious(inputs.prevRun, inputs.table, io);

  io.out(`\n== 4/4  Refit${o.cold ? "" : `, warm-started from ${previous.id}`}`);
  const fitNote = `${note} [refresh of ${previous.id}: ${findings(inputs, review).join("; ")}]`;
  const reusedFit = o.out ? await resumed(ws, plan.fitDir, fitNote, io) : undefined;
  const fitId = reusedFit ?? plan.fitId;
  const summary = reusedFit
    ? readRun(plan.fitDir).summary
    : await refit(o, io, {
        table: plan.tableDir,
        spec: plan.spec,
        out: plan.fitDir,
        id: fitId,
        note: fitNote,
        owner,
        previous,
      });

  io.out(`\nWhat moved (${previous.id} → ${fitId}):`);
  const moved = await runRunsDiff(
    previous.id,
    fitId,
    { workspace: ws.root },
    { out: (s) => io.out(`  ${s}`), err: io.err },
  );
  const record = refreshRecord({
    note,
    previous,
    tableId,
    fitId,
    inputs,
    review,
    reviewSkipped,
    moved,
    summary,
    cold: o.cold,
  });
  const { blockers, readyToApprove } = record;
  writeFileAtomic(join(plan.fitDir, "refresh.json"), `${JSON.stringify(record, null, 1)}\n`);
  writeFileAtomic(join(plan.fitDir, "refresh.html"), await renderRefreshPage(record));
  io.out(`\nRefresh page: ${join(plan.fitDir, "refresh.html")} (figures in refresh.json)`);
  io.out(
    readyToApprove
      ? `\nReady to approve: mmm runs approve ${fitId} --note '…'`
      : `\nReview before approving ${fitId}:\n${blockers.map((b) => `  - ${b}`).join("\n")}`,
  );
  return { tableId, fitId, drift: inputs.drift, review, readyToApprove };
}

/** What the refresh found and whether the new fit is ready to approve, as refresh.json records it. */
function refreshRecord(r: {
  note: string;
  previous: RunRecord;
  tableId: string;
  fitId: string;
  inputs: CheckedInputs;
  review: PostPeriodReview | null;
  reviewSkipped?: string;
  moved: RunsDiffResult;
  summary: FitSummary;
  cold?: boolean;
}): RefreshRecord {
  const blockers = [
    ...(r.summary.diagnostics.verdict !== "ok" ? [`diagnostics: ${r.summary.diagnostics.verdict}`] : []),
    ...(r.review?.alarm ? ["the post-period review raised an alarm"] : []),
    ...r.inputs.drift.filter((f) => f.severity === "alarm").map((f) => f.message),
  ];
  return {
    format: "mmm-os/refresh@1",
    createdAt: new Date().toISOString(),
    note: r.note,
    previous: { id: r.previous.id, window: r.moved.data.before },
    table: r.tableId,
    fit: r.fitId,
    kpi: r.inputs.table.kpi,
    data: r.inputs.diff,
    drift: r.inputs.drift,
    review: r.review,
    ...(r.reviewSkipped ? { reviewSkipped: r.reviewSkipped } : {}),
    measures: r.moved.measures,
    roiDisplay: r.summary.roi_display,
    plans: r.moved.plans,
    diagnostics: { verdict: r.summary.diagnostics.verdict, warmStarted: !r.cold },
    blockers,
    readyToApprove: blockers.length === 0,
  };
}

/** The fit to refresh: --from, else the workspace's approved fit, with its folder in place. */
async function refreshSource(ws: Workspace, from: string | undefined): Promise<RunRecord> {
  return withRegistry(ws, async (r) => {
    const run = from ? await r.get(from) : await r.approved("fit");
    if (!run)
      throw new MmmError(
        "E_REFRESH_FROM",
        "the workspace has no approved fit to refresh",
        { file: ws.file },
        "approve a fit first (mmm runs approve ID --note …), or name one with --from ID",
      );
    return requireFitFolder(run, "a refresh");
  });
}

/** The new runs' ids and folders and the spec; a refresh already complete at --out is refused. */
function refreshFolders(ws: Workspace, o: RefreshOptions, config: string) {
  const stamp = new Date().toISOString();
  const tableId = newRunId("prepare", stamp, config);
  const fitId = newRunId("fit", stamp, config);
  const tableDir = resolve(o.tableOut ?? join(ws.root, ws.config.runs_dir, tableId));
  const fitDir = resolve(o.out ?? join(ws.root, ws.config.runs_dir, fitId));
  if (existsSync(join(fitDir, "refresh.json")))
    throw new MmmError(
      "E_OUT",
      `this refresh is already complete: ${join(fitDir, "refresh.json")}`,
      { option: "--out" },
      "open its refresh.html, or give another --out",
    );
  const spec = o.spec
    ? resolve(o.spec)
    : ws.config.model_spec
      ? resolve(ws.root, ws.config.model_spec)
      : undefined;
  return { tableId, fitId, tableDir, fitDir, spec };
}

interface CheckedInputs {
  prevRun: RunFolder;
  table: ModelingTable;
  diff: DataDiff;
  drift: DriftFinding[];
}

/** Step 2: the new table against the previous run's data — what changed, and the drift worth a look. */
function checkInputs(previous: RunRecord, tableDir: string, io: CliIo): CheckedInputs {
  const prevRun = readRun(previous.path);
  const table = readModelingTable(tableDir);
  const diff = diffData(prevRun.recipe.table, table, {
    before: prevRun.lineage,
    after: readLineage(tableDir),
  });
  const drift = inputDrift(prevRun.recipe.table, table, diff, campaigns(previous.path, tableDir));
  io.out(
    `  ${diff.weeksAdded.length} week(s) added (${diff.after.first} .. ${diff.after.last} now), ${diff.weeksDropped.length} dropped`,
  );
  if (drift.length === 0) io.out("  No input drift found.");
  for (const f of drift) io.out(`  ${f.severity.toUpperCase().padEnd(7)} ${f.message}`);
  return { prevRun, table, diff, drift };
}

/** Step 3: the previous run's forecast for the weeks it did not see, or why there is none. */
function reviewPrevious(
  prevRun: RunFolder,
  table: ModelingTable,
  io: CliIo,
): { review: PostPeriodReview | null; reviewSkipped?: string } {
  try {
    const spec = prevRun.recipe.spec;
    const model = modelOnLongerTable(prevRun.model, spec, table);
    const review = postPeriodReview(
      model,
      prevRun.draws,
      observedNational(buildModel({ table, spec })),
      prevRun.model.data.T,
    );
    for (const line of reviewLines(review, table.kpi)) io.out(`  ${line}`);
    return { review };
  } catch (e) {
    if (!(e instanceof MmmError)) throw e;
    const reviewSkipped = e.message.split("\n")[0];
    io.out(`  No review: ${reviewSkipped}`);
    return { review: null, reviewSkipped };
  }
}

/** What the refresh found, for the new fit's note: weeks added, drift, the review's verdict. */
function findings(inputs: CheckedInputs, review: PostPeriodReview | null): string[] {
  return [
    `+${inputs.diff.weeksAdded.length} weeks`,
    ...inputs.drift
      .filter((f) => f.severity !== "info")
      .map((f) => `${f.kind}${f.channel ? ` (${f.channel})` : ""}`),
    review
      ? review.alarm
        ? "post-period ALARM"
        : review.borderline
          ? "post-period borderline"
          : "post-period ok"
      : "no post-period review",
  ];
}

/** Step 4: NUTS with the default settings, warm-started from the previous fit unless --cold. */
function refit(
  o: RefreshOptions,
  io: CliIo,
  run: {
    table: string;
    spec?: string;
    out: string;
    id: string;
    note: string;
    owner: string;
    previous: RunRecord;
  },
) {
  return runFit(
    {
      table: run.table,
      ...(run.spec ? { config: run.spec } : {}),
      out: run.out,
      id: run.id,
      note: run.note,
      owner: run.owner,
      parent: run.previous.id,
      ...(o.cold ? {} : { warmStart: run.previous.path, warmupDefaulted: true }),
      chains: String(SAMPLE.chains),
      warmup: String(SAMPLE.warmup),
      draws: String(SAMPLE.draws),
      seed: o.seed ?? "1",
      method: "nuts",
      metric: SAMPLE.metric,
      adaptDelta: String(SAMPLE.adaptDelta),
      maxDepth: String(SAMPLE.maxDepth),
      quiet: o.quiet,
    },
    io,
  );
}

/**
 * A step's folder that an interrupted attempt of this refresh already wrote (whole: folders are
 * written atomically): its run id, registered now if the attempt stopped before registering it.
 */
async function resumed(ws: Workspace, dir: string, note: string, io: CliIo): Promise<string | undefined> {
  if (!existsSync(dir)) return undefined;
  const run = await registerRunFolder(ws, dir, note);
  io.out(`  (resumed: ${dir} is already written, as ${run.id})`);
  return run.id;
}

function readLineage(dir: string): unknown {
  const path = join(dir, "lineage.json");
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : null;
}

/** A prepared table's campaign mapping report (campaigns.csv), if it has one. */
export function readCampaignRows(path: string): CampaignRow[] | undefined {
  if (!existsSync(path)) return undefined;
  const rows = parseCsv(readFileSync(path, "utf8"), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  return rows.map((r) => ({
    platform: r.platform,
    campaign: r.campaign,
    status: r.status,
    channel: r.channel,
    spend: Number(r.spend),
    ...(r.first_day ? { firstDay: r.first_day } : {}),
    ...(r.last_day ? { lastDay: r.last_day } : {}),
  }));
}

/** Both tables' campaign reports, when both have one (campaign-level media exports). */
function campaigns(
  runDir: string,
  tableDir: string,
): { prev: CampaignRow[]; next: CampaignRow[] } | undefined {
  const prev = readCampaignRows(join(runDir, "data", "campaigns.csv"));
  const next = readCampaignRows(join(tableDir, "campaigns.csv"));
  return prev && next ? { prev, next } : undefined;
}
