// The embedded registry: one SQLite file in the workspace (better-sqlite3). WAL journal so readers
// never block the writer; a busy timeout so concurrent writers on this machine queue instead of
// failing; every write in one IMMEDIATE transaction, which takes the file's write lock at its start.

import Database from "better-sqlite3";
import type { SqlConnection } from "./sql.js";

export class SqliteConnection implements SqlConnection {
  readonly dialect = "sqlite" as const;
  private readonly db: Database.Database;
  /** Writes through this connection, one after another: an open transaction is the connection's. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly location: string) {
    this.db = new Database(location, { timeout: 10_000 });
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("foreign_keys = ON");
  }

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.db.prepare(sql).all(...params) as T[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.db.prepare(sql).run(...params).changes;
  }

  async exec(script: string): Promise<void> {
    this.db.exec(script);
  }

  write<T>(f: (tx: SqlConnection) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await f(this);
        this.db.exec("COMMIT");
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw e;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async schemaVersion(): Promise<number> {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  async setSchemaVersion(version: number): Promise<void> {
    this.db.pragma(`user_version = ${Math.trunc(version)}`);
  }

  async integrity(): Promise<string> {
    return (this.db.pragma("integrity_check") as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join("; ");
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
