// The shared registry: the same tables in a Postgres server (node-postgres), for a team or a
// portfolio's workers on several machines. Each workspace has its own Postgres schema
// (`registry_schema` in mmm.yaml), so one database holds many workspaces' registries. Every write
// transaction first takes a transaction-scoped advisory lock named after the schema: writers of one
// registry queue as they do on SQLite's file lock (an approval's "retire the previous approved run"
// can never interleave with another approval), while readers are never blocked.
//
// Whether a table or schema exists is asked of the catalog tables by a query, never through
// to_regclass or IF NOT EXISTS: those read the backend's catalog cache, which taking an advisory
// lock does not refresh, so a process that waited for another's migration could still believe the
// tables absent and try to create them again.

import pg from "pg";
import { numberedPlaceholders, type SqlConnection } from "./sql.js";

/** A schema name we can put in SQL without quoting surprises. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A schema name made from a folder's or model's name: lower-case, every character outside
 * [a-z0-9_] as "_", a leading digit guarded by "_", at most 63 characters ("mmm" for nothing).
 */
export function schemaNameFor(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, "_")
      .replace(/^([0-9])/, "_$1")
      .slice(0, 63) || "mmm"
  );
}

/** The registry URL without its password, for messages and listings. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "a postgres URL that does not parse";
  }
}

type Queryable = Pick<pg.Client, "query">;

class PostgresStatements {
  constructor(
    protected readonly client: Queryable,
    readonly location: string,
  ) {}

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.client.query(numberedPlaceholders(sql), params as unknown[])).rows as T[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.client.query(numberedPlaceholders(sql), params as unknown[])).rowCount ?? 0;
  }

  async exec(script: string): Promise<void> {
    await this.client.query(script);
  }
}

export class PostgresConnection extends PostgresStatements implements SqlConnection {
  readonly dialect = "postgres" as const;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly pgClient: pg.Client,
    private readonly schema: string,
    location: string,
  ) {
    super(pgClient, location);
  }

  /** Connects, creating the workspace's schema if needed, and makes it the search path. */
  static async open(url: string, schema: string): Promise<PostgresConnection> {
    if (!SCHEMA_NAME.test(schema))
      throw new Error(`registry_schema '${schema}' must be lower-case letters, digits and _ (at most 63)`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    // a server that goes away later surfaces on the next query; without a listener it would crash
    client.on("error", () => undefined);
    try {
      await client.connect();
      const conn = new PostgresConnection(client, schema, `${redactUrl(url)} (schema ${schema})`);
      const exists = async (db: SqlConnection) =>
        (await db.all("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?", [schema])).length > 0;
      // the lock only for making the schema; asked again under it, another process may have won
      if (!(await exists(conn)))
        await conn.write(async (tx) => {
          if (!(await exists(tx))) await tx.exec(`CREATE SCHEMA ${schema}`);
        });
      await client.query(`SET search_path TO ${schema}`);
      return conn;
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
  }

  write<T>(f: (tx: SqlConnection) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      await this.pgClient.query("BEGIN");
      try {
        await this.pgClient.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
          `mmm-registry:${this.schema}`,
        ]);
        const result = await f(this);
        await this.pgClient.query("COMMIT");
        return result;
      } catch (e) {
        await this.pgClient.query("ROLLBACK").catch(() => undefined);
        throw e;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async hasMeta(): Promise<boolean> {
    const rows = await this.all(
      "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'registry_meta'",
    );
    return rows.length > 0;
  }

  async schemaVersion(): Promise<number> {
    if (!(await this.hasMeta())) return 0;
    const [row] = await this.all<{ value: number }>(
      "SELECT value FROM registry_meta WHERE key = 'schema_version'",
    );
    return row?.value ?? 0;
  }

  async setSchemaVersion(version: number): Promise<void> {
    if (!(await this.hasMeta()))
      await this.exec("CREATE TABLE registry_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    await this.run(
      "INSERT INTO registry_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [version],
    );
  }

  /** Postgres checks its own pages and constraints; the registry's own rules are checked above this. */
  async integrity(): Promise<string> {
    await this.all("SELECT count(*) FROM runs");
    return "ok";
  }

  async close(): Promise<void> {
    await this.pgClient.end();
  }
}
