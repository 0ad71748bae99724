// The registry's schema as numbered migrations. SQLite's `user_version` records how many have been
// applied; opening a registry applies the missing ones in one transaction, so an old registry is
// brought up to date and a failed migration leaves it as it was. Never edit a migration that has
// shipped: add the next one.

import type Database from "better-sqlite3";

export interface Migration {
  version: number;
  about: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    about: "runs: one row per prepare, fit, plan or report, with its lineage, measures and status",
    up(db) {
      db.exec(`
        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('prepare', 'fit', 'plan', 'report')),
          parent_id TEXT,
          created_at TEXT NOT NULL,
          folder TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'retired')),
          owner TEXT NOT NULL,
          note TEXT NOT NULL CHECK (length(trim(note)) > 0),
          data_sha256 TEXT,
          spec_sha256 TEXT,
          spec_json TEXT,
          code_version TEXT,
          diagnostics_json TEXT,
          headline_json TEXT
        );
        CREATE INDEX runs_by_kind ON runs (kind, created_at);
      `);
    },
  },
  {
    version: 2,
    about: "run_events: an audit trail of every registration and status change",
    up(db) {
      db.exec(`
        CREATE TABLE run_events (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id TEXT NOT NULL REFERENCES runs (id),
          at TEXT NOT NULL,
          action TEXT NOT NULL,
          status_from TEXT,
          status_to TEXT,
          owner TEXT NOT NULL,
          note TEXT NOT NULL
        );
        CREATE INDEX run_events_by_run ON run_events (run_id, seq);
        -- runs registered before the trail existed get their registration as the first event
        INSERT INTO run_events (run_id, at, action, status_from, status_to, owner, note)
          SELECT id, created_at, 'registered', NULL, status, owner, note FROM runs ORDER BY created_at;
      `);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Applies the migrations above `user_version`, all in one write transaction; returns the versions
 * applied. The version is read inside the transaction, so two processes opening a new registry at
 * once migrate it once: the second waits for the first's lock, then finds nothing to do.
 */
export function migrate(db: Database.Database, upTo = SCHEMA_VERSION): number[] {
  return db
    .transaction(() => {
      const current = db.pragma("user_version", { simple: true }) as number;
      const pending = MIGRATIONS.filter((m) => m.version > current && m.version <= upTo);
      for (const m of pending) m.up(db);
      if (pending.length > 0) db.pragma(`user_version = ${pending[pending.length - 1].version}`);
      return pending.map((m) => m.version);
    })
    .immediate();
}
