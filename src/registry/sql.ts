// What the registry needs from a database, so one Registry serves the embedded SQLite file of a
// single machine and a Postgres server shared by a team's machines. Statements use `?`
// placeholders; a driver rewrites them to its own. Results come back as plain row objects.

export type Dialect = "sqlite" | "postgres";

export interface SqlConnection {
  readonly dialect: Dialect;
  /** Where the registry lives, for messages: the file, or the server and schema (never a password). */
  readonly location: string;
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs a script of several statements without parameters (a migration). */
  exec(script: string): Promise<void>;
  /**
   * Runs `f` in one write transaction, serialised against every other writer of this registry
   * (other processes and other machines included): committed if `f` resolves, rolled back if it
   * throws. Statements inside must go through `tx`.
   */
  write<T>(f: (tx: SqlConnection) => Promise<T>): Promise<T>;
  /** The number of schema migrations applied (0 for a new registry). */
  schemaVersion(): Promise<number>;
  /** Records the schema version; called inside `write`. */
  setSchemaVersion(version: number): Promise<void>;
  /** The database's own consistency check: "ok" when sound, else what is wrong. */
  integrity(): Promise<string>;
  close(): Promise<void>;
}

/** Rewrites `?` placeholders as `$1, $2, …` (Postgres), leaving quoted text alone. */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  let quoted = false;
  let out = "";
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    out += ch === "?" && !quoted ? `$${++n}` : ch;
  }
  return out;
}
