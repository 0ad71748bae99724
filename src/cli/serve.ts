// `mmm serve`: the dashboard over a workspace, on 127.0.0.1 unless told otherwise.

import { serve } from "@hono/node-server";
import { MmmError } from "../core/errors.js";
import { parseUserNumber } from "../core/userNumber.js";
import { createApp } from "../server/app.js";
import type { CliIo } from "./io.js";
import { workspace } from "./runs.js";

export interface ServeOptions {
  workspace?: string;
  port: string;
  host: string;
  /** Lets the planner save plans to the registry (off by default: the dashboard is read-only). */
  allowSave?: boolean;
  /** Where the bundled scripts are (tests bundle their own; default dist/web). */
  assetsDir?: string;
}

/** Starts the server; resolves with its URL once it listens, and a function that stops it. */
export async function runServe(
  o: ServeOptions,
  io: CliIo,
): Promise<{ url: string; close: () => Promise<void> }> {
  const ws = workspace(o.workspace);
  const port = parseUserNumber(
    o.port,
    "--port",
    { option: "--port" },
    { integer: true, min: 0, max: 65535, example: "--port 8080" },
  );
  const app = createApp(ws, { allowSave: o.allowSave, assetsDir: o.assetsDir, host: o.host });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: o.host }, (info) => {
      const url = `http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${info.port}/`;
      io.out(
        `Serving ${ws.root} at ${url} (${o.allowSave ? "read-only except saving plans" : "read-only"}; Ctrl+C stops)`,
      );
      if (o.host !== "127.0.0.1" && o.host !== "localhost" && o.host !== "::1")
        io.err(
          `warning: --host ${o.host} makes the dashboard reachable from other machines; it has no login${o.allowSave ? ", and --allow-save lets anyone who reaches it save plans to the registry" : ""}`,
        );
      resolve({ url, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
    server.on("error", (e: NodeJS.ErrnoException) =>
      reject(
        new MmmError(
          "E_SERVE",
          `cannot listen on ${o.host}:${port}: ${e.code ?? e.message}`,
          { option: "--port" },
          e.code === "EADDRINUSE" ? "choose another --port (0 picks a free one)" : "check --host",
        ),
      ),
    );
  });
}
