// The run registry: every prepare, fit, plan and report of a workspace as a row in a database (an
// embedded SQLite file by default, a shared Postgres server for a team), with its lineage (data
// and spec hashes, code version), headline measures, diagnostics, status (draft → approved →
// retired), owner and change note, plus an audit trail of every status change. Run folders stay the source of truth for draws and files; the registry
// indexes them and records decisions about them.
//
// Integrity: every write is one transaction serialised against every other writer of the registry
// (see the connections, sqlite.ts and postgres.ts). Rows are validated when read: a row damaged by
// hand is reported as such, never crashes a listing.

import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { MmmError } from "../core/errors.js";
import { PostgresConnection, redactUrl } from "./postgres.js";
import { migrate, SCHEMA_VERSION } from "./schema.js";
import type { SqlConnection } from "./sql.js";
import { SqliteConnection } from "./sqlite.js";

export const RUN_KINDS = ["prepare", "fit", "plan", "report"] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export const RUN_STATUSES = ["draft", "approved", "retired"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A channel's headline measures as the registry keeps them (from summary.json). */
export const ChannelHeadlineSchema = z.object({
  spend: z.number(),
  roi: z.object({ mean: z.number(), q05: z.number(), q95: z.number() }),
  mroi: z.object({ mean: z.number(), q05: z.number(), q95: z.number() }),
  p_roi_above_1: z.number().nullable(),
});
export const HeadlineSchema = z.object({
  kpi: z.string(),
  window: z.object({ first_week: z.string(), last_week: z.string(), weeks: z.number(), geos: z.number() }),
  channels: z.record(z.string(), ChannelHeadlineSchema),
  /** How the fit displays returns (summary.json's roi_display): raw × factor, in unit. */
  roi_display: z.object({ factor: z.number(), unit: z.string(), short: z.string() }).optional(),
});
export type Headline = z.infer<typeof HeadlineSchema>;

export const DiagnosticsSchema = z.object({
  verdict: z.enum(["ok", "warning", "approximate"]),
  rhat_max: z.number().nullable(),
  ess_bulk_min: z.number().nullable(),
  divergences: z.number(),
  warnings: z.array(z.string()),
});
export type Diagnostics = z.infer<typeof DiagnosticsSchema>;

/** What a caller registers. */
export interface NewRun {
  id: string;
  kind: RunKind;
  parentId?: string | null;
  createdAt: string;
  /** The run folder; kept relative to the registry's workspace when inside it. */
  folder: string;
  owner: string;
  note: string;
  dataSha256?: string | null;
  specSha256?: string | null;
  spec?: unknown;
  codeVersion?: string | null;
  diagnostics?: Diagnostics | null;
  headline?: Headline | null;
}

export interface RunRecord extends Required<Omit<NewRun, "parentId" | "spec">> {
  parentId: string | null;
  spec: unknown;
  status: RunStatus;
  /** The run folder, resolved against the workspace. */
  path: string;
  /** False when the folder was deleted or moved by hand. */
  folderExists: boolean;
  /** Why the stored row could not be read in full (fields that failed are null), else null. */
  problem: string | null;
}

export interface RunEvent {
  seq: number;
  at: string;
  action: string;
  statusFrom: RunStatus | null;
  statusTo: RunStatus | null;
  owner: string;
  note: string;
}

interface RunRow {
  id: string;
  kind: string;
  parent_id: string | null;
  created_at: string;
  folder: string;
  status: string;
  owner: string;
  note: string;
  data_sha256: string | null;
  spec_sha256: string | null;
  spec_json: string | null;
  code_version: string | null;
  diagnostics_json: string | null;
  headline_json: string | null;
}

export interface ListFilter {
  kind?: RunKind;
  status?: RunStatus;
}

/** Where a registry lives: an SQLite file, or a schema in a Postgres database. */
export type RegistryTarget = { file: string } | { url: string; schema: string };

export class Registry {
  private constructor(
    private readonly db: SqlConnection,
    /** The workspace folder run folders are resolved against. */
    readonly root: string,
  ) {}

  /** Where the registry is, for messages: its file, or its server and schema. */
  get location(): string {
    return this.db.location;
  }

  /**
   * Opens (creating if needed) the registry at `target`; `root` is the workspace folder run folders
   * are resolved against. Migrates an older schema; refuses a newer one.
   */
  static async open(target: RegistryTarget, root: string): Promise<Registry> {
    let db: SqlConnection | undefined;
    try {
      db =
        "file" in target
          ? new SqliteConnection(target.file)
          : await PostgresConnection.open(target.url, target.schema);
      const version = await db.schemaVersion();
      if (version > SCHEMA_VERSION) {
        throw new MmmError(
          "E_REGISTRY_VERSION",
          `the registry has schema version ${version}; this version of mmm knows up to ${SCHEMA_VERSION}`,
          { file: db.location },
          "upgrade mmm-os (npm ci on a newer checkout); an older mmm must not write to a newer registry",
        );
      }
      // an up-to-date registry takes no write lock to open (migrate asks again under the lock)
      if (version < SCHEMA_VERSION) await migrate(db);
      return new Registry(db, root);
    } catch (e) {
      await db?.close().catch(() => undefined);
      if (e instanceof MmmError) throw e;
      throw new MmmError(
        "E_REGISTRY_OPEN",
        `cannot open the run registry: ${(e as Error).message}`,
        { file: db?.location ?? ("file" in target ? target.file : redactUrl(target.url)) },
        "file" in target
          ? "check that the file is a registry written by mmm (or remove it to start a new one) and that its folder is writable"
          : "check that the Postgres server is running and reachable, the URL's user and database exist, and the password is in the URL or PGPASSWORD",
      );
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }

  schemaVersion(): Promise<number> {
    return this.db.schemaVersion();
  }

  /** Adds a run as a draft, with its registration as the first event. */
  async register(run: NewRun): Promise<RunRecord> {
    if (!run.note.trim())
      throw new MmmError(
        "E_REGISTRY_NOTE",
        `run ${run.id} has no change note`,
        { option: "--note" },
        "say what changed and why, e.g. --note 'April refresh: two new weeks, TV taxonomy fixed'",
      );
    await this.db.write(async (tx) => {
      const exists = async (id: string) => (await tx.all("SELECT 1 FROM runs WHERE id = ?", [id])).length > 0;
      if (await exists(run.id))
        throw new MmmError(
          "E_REGISTRY_DUPLICATE",
          `a run with id ${run.id} is already registered`,
          {},
          "register each run folder once; `mmm runs show` prints the existing entry",
        );
      if (run.parentId && !(await exists(run.parentId)))
        throw new MmmError("E_REGISTRY_PARENT", `parent run ${run.parentId} is not in the registry`, {
          option: "--parent",
        });
      await tx.run(
        `INSERT INTO runs (id, kind, parent_id, created_at, folder, status, owner, note, data_sha256,
          spec_sha256, spec_json, code_version, diagnostics_json, headline_json)
        VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          run.id,
          run.kind,
          run.parentId ?? null,
          run.createdAt,
          this.storedFolder(run.folder),
          run.owner,
          run.note.trim(),
          run.dataSha256 ?? null,
          run.specSha256 ?? null,
          run.spec === undefined ? null : JSON.stringify(run.spec),
          run.codeVersion ?? null,
          run.diagnostics ? JSON.stringify(run.diagnostics) : null,
          run.headline ? JSON.stringify(run.headline) : null,
        ],
      );
      await this.event(tx, run.id, "registered", null, "draft", run.owner, run.note.trim(), run.createdAt);
    });
    return this.get(run.id);
  }

  /** The run with this id (a unique prefix is enough); a clear error otherwise. */
  async get(idOrPrefix: string): Promise<RunRecord> {
    const rows = await this.db.all<RunRow>(
      "SELECT * FROM runs WHERE id = ? OR id LIKE ? ESCAPE '\\' ORDER BY id",
      [idOrPrefix, `${idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`],
    );
    const exact = rows.find((r) => r.id === idOrPrefix);
    if (exact) return this.record(exact);
    if (rows.length === 1) return this.record(rows[0]);
    throw new MmmError(
      "E_REGISTRY_RUN",
      rows.length === 0
        ? `no run ${idOrPrefix} in the registry`
        : `${idOrPrefix} matches ${rows.length} runs (${rows
            .slice(0, 4)
            .map((r) => r.id)
            .join(", ")}${rows.length > 4 ? ", …" : ""})`,
      { file: this.location },
      rows.length === 0 ? "`mmm runs list` shows the registered runs" : "give more of the id",
    );
  }

  /** The newest run registered with this folder, if any. */
  async findByFolder(folder: string): Promise<RunRecord | undefined> {
    const [row] = await this.db.all<RunRow>(
      "SELECT * FROM runs WHERE folder = ? ORDER BY created_at DESC, id DESC LIMIT 1",
      [this.storedFolder(folder)],
    );
    return row ? this.record(row) : undefined;
  }

  /** Runs, newest first. */
  async list(filter: ListFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.kind) {
      where.push("kind = ?");
      args.push(filter.kind);
    }
    if (filter.status) {
      where.push("status = ?");
      args.push(filter.status);
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC`;
    return (await this.db.all<RunRow>(sql, args)).map((r) => this.record(r));
  }

  /** The approved run of a kind, if any (the one a refresh or a plan starts from). */
  async approved(kind: RunKind): Promise<RunRecord | undefined> {
    return (await this.list({ kind, status: "approved" }))[0];
  }

  async events(id: string): Promise<RunEvent[]> {
    const rows = await this.db.all<{
      seq: number;
      at: string;
      action: string;
      status_from: RunStatus | null;
      status_to: RunStatus | null;
      owner: string;
      note: string;
    }>("SELECT * FROM run_events WHERE run_id = ? ORDER BY seq", [(await this.get(id)).id]);
    return rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      action: r.action,
      statusFrom: r.status_from,
      statusTo: r.status_to,
      owner: r.owner,
      note: r.note,
    }));
  }

  /**
   * Approves a draft. The previously approved run of the same kind is retired in the same
   * transaction ("superseded by …"), so a kind has at most one approved run. A run whose folder is
   * gone, whose row is damaged, or whose fit did not pass its diagnostics is refused.
   */
  async approve(id: string, owner: string, note: string, at = new Date().toISOString()): Promise<RunRecord> {
    const run = await this.get(id);
    requireNote(note, "approve");
    if (run.status !== "draft")
      throw new MmmError("E_REGISTRY_STATUS", `run ${run.id} is ${run.status}; only a draft can be approved`);
    if (!run.folderExists)
      throw new MmmError(
        "E_REGISTRY_FOLDER",
        `run ${run.id}'s folder is missing`,
        { file: run.path },
        "restore the folder (or retire the run); an approval must point at files that exist",
      );
    if (run.problem)
      throw new MmmError("E_REGISTRY_CORRUPT", `run ${run.id}'s registry row is damaged: ${run.problem}`, {
        file: this.location,
      });
    if (run.kind === "fit" && run.diagnostics?.verdict !== "ok")
      throw new MmmError(
        "E_REGISTRY_DIAGNOSTICS",
        `run ${run.id} did not pass its diagnostics (verdict: ${run.diagnostics?.verdict ?? "none"})`,
        {},
        "refit with more draws (or fix the model) until R̂, ESS and divergences pass; an approximate fit cannot be approved",
      );
    // a plan or report stands on its fit: it can be approved only once the fit is
    if (run.kind === "plan" || run.kind === "report") {
      const source = run.parentId ? await this.get(run.parentId) : null;
      if (source?.kind !== "fit" || source.status !== "approved")
        throw new MmmError(
          "E_REGISTRY_SOURCE",
          `${run.kind} ${run.id} was made from ${source ? `${source.kind} ${source.id}, which is ${source.status}` : "a fit that is not registered"}; a ${run.kind} can be approved only when the fit it was made from is`,
          {},
          source
            ? `approve ${source.id} first (mmm runs approve ${source.id} --note …)`
            : "make it again from a registered, approved fit",
        );
    }
    await this.db.write(async (tx) => {
      const previous = await tx.all<{ id: string }>(
        "SELECT id FROM runs WHERE kind = ? AND status = 'approved' AND id <> ?",
        [run.kind, run.id],
      );
      for (const p of previous)
        await this.setStatus(tx, p.id, "approved", "retired", owner, `superseded by ${run.id}`, at);
      await this.setStatus(tx, run.id, "draft", "approved", owner, note.trim(), at);
    });
    return this.get(run.id);
  }

  async retire(id: string, owner: string, note: string, at = new Date().toISOString()): Promise<RunRecord> {
    const run = await this.get(id);
    requireNote(note, "retire");
    if (run.status === "retired") throw new MmmError("E_REGISTRY_STATUS", `run ${run.id} is already retired`);
    await this.db.write((tx) => this.setStatus(tx, run.id, run.status, "retired", owner, note.trim(), at));
    return this.get(run.id);
  }

  /**
   * "ok" when the registry is sound: the database's own check (SQLite's integrity_check) and the
   * registry's rules that constraints cannot state — every event's run exists, and no kind has two
   * approved runs. Otherwise what is wrong.
   */
  async integrity(): Promise<string> {
    const problems: string[] = [];
    const own = await this.db.integrity();
    if (own !== "ok") problems.push(own);
    const [orphans] = await this.db.all<{ n: number | string }>(
      "SELECT count(*) AS n FROM run_events e LEFT JOIN runs r ON r.id = e.run_id WHERE r.id IS NULL",
    );
    if (Number(orphans.n) > 0) problems.push(`${orphans.n} events of runs that do not exist`);
    const doubles = await this.db.all<{ kind: string }>(
      "SELECT kind FROM runs WHERE status = 'approved' GROUP BY kind HAVING count(*) > 1",
    );
    for (const d of doubles) problems.push(`more than one approved ${d.kind}`);
    return problems.length ? problems.join("; ") : "ok";
  }

  private async setStatus(
    tx: SqlConnection,
    id: string,
    from: RunStatus,
    to: RunStatus,
    owner: string,
    note: string,
    at: string,
  ): Promise<void> {
    const changed = await tx.run("UPDATE runs SET status = ? WHERE id = ? AND status = ?", [to, id, from]);
    // another process changed it between our read and this write: refuse rather than overwrite
    if (changed !== 1)
      throw new MmmError(
        "E_REGISTRY_CONFLICT",
        `run ${id} changed status while this command ran`,
        {},
        "run it again",
      );
    await this.event(tx, id, to === "approved" ? "approved" : "retired", from, to, owner, note, at);
  }

  private async event(
    tx: SqlConnection,
    id: string,
    action: string,
    from: RunStatus | null,
    to: RunStatus | null,
    owner: string,
    note: string,
    at: string,
  ): Promise<void> {
    await tx.run(
      "INSERT INTO run_events (run_id, at, action, status_from, status_to, owner, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
      [id, at, action, from, to, owner, note],
    );
  }

  private storedFolder(folder: string): string {
    const abs = resolve(folder);
    const root = resolve(this.root);
    return abs.startsWith(`${root}/`) ? abs.slice(root.length + 1) : abs;
  }

  /** A stored row as a record; fields that do not parse are reported in `problem`, not thrown. */
  private record(r: RunRow): RunRecord {
    const problems: string[] = [];
    const parse = <T>(text: string | null, what: string, schema?: z.ZodType<T>): T | null => {
      if (text === null) return null;
      try {
        const value = JSON.parse(text);
        if (!schema) return value;
        const checked = schema.safeParse(value);
        if (checked.success) return checked.data;
        problems.push(`${what}: ${checked.error.issues[0]?.message ?? "invalid"}`);
      } catch {
        problems.push(`${what} is not valid JSON`);
      }
      return null;
    };
    const kind = (RUN_KINDS as readonly string[]).includes(r.kind) ? (r.kind as RunKind) : undefined;
    const status = (RUN_STATUSES as readonly string[]).includes(r.status)
      ? (r.status as RunStatus)
      : undefined;
    if (!kind) problems.push(`unknown kind '${r.kind}'`);
    if (!status) problems.push(`unknown status '${r.status}'`);
    const path = isAbsolute(r.folder) ? r.folder : resolve(this.root, r.folder);
    return {
      id: r.id,
      kind: kind ?? "fit",
      parentId: r.parent_id,
      createdAt: r.created_at,
      folder: r.folder,
      path,
      folderExists: existsSync(path),
      status: status ?? "draft",
      owner: r.owner,
      note: r.note,
      dataSha256: r.data_sha256,
      specSha256: r.spec_sha256,
      spec: parse(r.spec_json, "spec"),
      codeVersion: r.code_version,
      diagnostics: parse(r.diagnostics_json, "diagnostics", DiagnosticsSchema),
      headline: parse(r.headline_json, "headline", HeadlineSchema),
      problem: problems.length ? problems.join("; ") : null,
    };
  }
}

function requireNote(note: string, action: string): void {
  if (!note.trim())
    throw new MmmError(
      "E_REGISTRY_NOTE",
      `a note is required to ${action} a run`,
      { option: "--note" },
      `say why, e.g. --note '${action === "approve" ? "reviewed with finance; diagnostics pass" : "superseded by the May refresh"}'`,
    );
}
