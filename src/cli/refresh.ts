// `mmm refresh`: the monthly cycle in one command, inside a workspace. From the approved fit and
// the newest raw exports: re-prepare them with the workspace's config (registered), check input
// drift against the approved run's data, review the approved run on the weeks it did not see,
// refit warm-started from its posterior (registered as a draft whose note is pre-filled with what
// was found), and say what moved and whether the new run is ready to approve.

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { type CampaignRow, type DriftFinding, inputDrift } from "../analysis/inputDrift.js";
import { modelOnLongerTable, type PostPeriodReview, postPeriodReview } from "../analysis/postPeriod.js";
import { observedNational } from "../analysis/ppc.js";
import { diffData } from "../analysis/runDiff.js";
import { MmmError } from "../core/errors.js";
import { writeFileAtomic } from "../data/atomicDir.js";
import { readModelingTable } from "../data/tableFolder.js";
import { buildModel } from "../inference/executor.js";
import { DEFAULT_SAMPLE_OPTIONS as SAMPLE } from "../inference/sample.js";
import { newRunId } from "../registry/runFolder.js";
import { ownerOf, type Workspace, withRegistry } from "../registry/workspace.js";
import { type RefreshRecord, renderRefreshPage } from "../report/refreshPage.js";
import { readRun } from "../runs/runReader.js";
import { registerRunFolder } from "../runs/runRegistration.js";
import { runFit } from "./fit.js";
import type { CliIo } from "./io.js";
import { runPrepare } from "./prepare.js";
import { reviewLines } from "./review.js";
import { requireFitFolder, runRunsDiff, workspace } from "./runs.js";

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
  const previous = await withRegistry(ws, async (r) => {
    const run = o.from ? await r.get(o.from) : await r.approved("fit");
    if (!run)
      throw new MmmError(
        "E_REFRESH_FROM",
        "the workspace has no approved fit to refresh",
        { file: ws.file },
        "approve a fit first (mmm runs approve ID --note …), or name one with --from ID",
      );
    return requireFitFolder(run, "a refresh");
  });
  const config = o.config ?? (ws.config.data_config ? resolve(ws.root, ws.config.data_config) : undefined);
  if (!config)
    throw new MmmError(
      "E_REFRESH_CONFIG",
      "no prepare config: the workspace names no data_config",
      { file: ws.file, key: "data_config" },
      "add data_config to mmm.yaml, or pass --config FILE",
    );
  const stamp = new Date().toISOString();
  let tableId = newRunId("prepare", stamp, config);
  let fitId = newRunId("fit", stamp, config);
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

  io.out(`== 1/4  Re-prepare the exports (${config}) for the refresh of ${previous.id}`);
  const tableNote = `refresh of ${previous.id}: ${note}`;
  const reusedTable = o.tableOut ? await resumed(ws, tableDir, tableNote, io) : undefined;
  if (reusedTable) tableId = reusedTable;
  else await runPrepare({ config, out: tableDir, id: tableId, note: tableNote, owner }, io);

  io.out("\n== 2/4  Input drift against the approved run's data");
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

  io.out(`\n== 3/4  Post-period review: ${previous.id} on the weeks it did not see`);
  let review: PostPeriodReview | null = null;
  let reviewSkipped: string | undefined;
  try {
    const spec = prevRun.recipe.spec;
    const model = modelOnLongerTable(prevRun.model, spec, table);
    review = postPeriodReview(
      model,
      prevRun.draws,
      observedNational(buildModel({ table, spec })),
      prevRun.model.data.T,
    );
    for (const line of reviewLines(review, table.kpi)) io.out(`  ${line}`);
  } catch (e) {
    if (!(e instanceof MmmError)) throw e;
    reviewSkipped = e.message.split("\n")[0];
    io.out(`  No review: ${reviewSkipped}`);
  }

  io.out(`\n== 4/4  Refit${o.cold ? "" : `, warm-started from ${previous.id}`}`);
  const found = [
    `+${diff.weeksAdded.length} weeks`,
    ...drift
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
  const fitNote = `${note} [refresh of ${previous.id}: ${found.join("; ")}]`;
  const reusedFit = o.out ? await resumed(ws, fitDir, fitNote, io) : undefined;
  if (reusedFit) fitId = reusedFit;
  const summary = reusedFit
    ? readRun(fitDir).summary
    : await runFit(
        {
          table: tableDir,
          ...(spec ? { config: spec } : {}),
          out: fitDir,
          id: fitId,
          note: fitNote,
          owner,
          parent: previous.id,
          ...(o.cold ? {} : { warmStart: previous.path, warmupDefaulted: true }),
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

  io.out(`\nWhat moved (${previous.id} → ${fitId}):`);
  const moved = await runRunsDiff(
    previous.id,
    fitId,
    { workspace: ws.root },
    { out: (s) => io.out(`  ${s}`), err: io.err },
  );
  const blockers = [
    ...(summary.diagnostics.verdict !== "ok" ? [`diagnostics: ${summary.diagnostics.verdict}`] : []),
    ...(review?.alarm ? ["the post-period review raised an alarm"] : []),

    ...drift.filter((f) => f.severity === "alarm").map((f) => f.message),
  ];
  const readyToApprove = blockers.length === 0;
  const record: RefreshRecord = {
    format: "mmm-os/refresh@1",
    createdAt: new Date().toISOString(),
    note,
    previous: { id: previous.id, window: moved.data.before },
    table: tableId,
    fit: fitId,
    kpi: table.kpi,
    data: diff,
    drift,
    review,
    ...(reviewSkipped ? { reviewSkipped } : {}),
    measures: moved.measures,
    roiDisplay: summary.roi_display,
    plans: moved.plans,
    diagnostics: { verdict: summary.diagnostics.verdict, warmStarted: !o.cold },
    blockers,
    readyToApprove,
  };
  writeFileAtomic(join(fitDir, "refresh.json"), `${JSON.stringify(record, null, 1)}\n`);
  writeFileAtomic(join(fitDir, "refresh.html"), await renderRefreshPage(record));
  io.out(`\nRefresh page: ${join(fitDir, "refresh.html")} (figures in refresh.json)`);
  io.out(
    readyToApprove
      ? `\nReady to approve: mmm runs approve ${fitId} --note '…'`
      : `\nReview before approving ${fitId}:\n${blockers.map((b) => `  - ${b}`).join("\n")}`,
  );
  return { tableId, fitId, drift, review, readyToApprove };
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
