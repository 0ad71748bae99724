// A throwaway PostgreSQL server for tests: initdb into a temporary folder and a postgres process on
// a free loopback port, stopped and deleted afterwards. Uses Debian's postgresql package (CI's
// .ci/run installs it); tests that need it skip when it is absent. Postgres refuses to run as root,
// so under root the server runs as the `postgres` user that the package creates.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** The folder holding initdb and postgres, if this machine has them. */
function findBin(): string | undefined {
  const dirs = [process.env.MMM_TEST_PG_BIN];
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian))
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a)))
      dirs.push(join(debian, v, "bin"));
  return dirs.find((d) => d && existsSync(join(d, "initdb")) && existsSync(join(d, "postgres")));
}

export const PG_BIN = findBin();
// in CI the server must be there: a skipped half of the registry's tests would pass unseen
if (!PG_BIN && process.env.CI === "true")
  throw new Error("CI=true but PostgreSQL is not installed (.ci/run installs Debian's postgresql)");
export const PG_SKIP = "skipped: PostgreSQL not found (apt-get install -y postgresql; CI installs it)";

function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PgServer {
  url: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PgServer> {
  if (!PG_BIN) throw new Error(PG_SKIP);
  const dir = mkdtempSync(join(tmpdir(), "mmm-pg-"));
  const user = runAs();
  if (user) {
    chmodSync(dir, 0o700);
    chownSync(dir, user.uid, user.gid);
  }
  const data = join(dir, "data");
  execFileSync(join(PG_BIN, "initdb"), ["-D", data, "-A", "trust", "-U", "mmm", "-E", "UTF8", "--no-sync"], {
    stdio: "ignore",
    ...user,
  });
  const port = await freePort();
  const server: ChildProcess = spawn(
    join(PG_BIN, "postgres"),
    ["-D", data, "-k", dir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
    { stdio: "ignore", ...user },
  );
  const url = `postgres://mmm@127.0.0.1:${port}/postgres`;
  const end = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (e) {
      await client.end().catch(() => undefined);
      if (Date.now() > end || server.exitCode !== null) {
        server.kill("SIGKILL");
        throw new Error(`the test Postgres did not start: ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    async stop() {
      // SIGINT is Postgres's fast shutdown: connections are closed, nothing is flushed
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGINT");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
