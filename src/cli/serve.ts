// `mmm serve`: the dashboard over a workspace (or, with --portfolio, over every model of a
// portfolio manifest), on 127.0.0.1 unless told otherwise.

import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { MmmError } from "../core/errors.js";
import { parseUserNumber } from "../core/userNumber.js";
import { createApp } from "../server/app.js";
import { createPortfolioApp } from "../server/portfolioApp.js";
import type { CliIo } from "./io.js";
import { workspace } from "./runs.js";

export interface ServeOptions {
  workspace?: string;
  /** A portfolio manifest: its page at /, each model's dashboard under /m/<model>/. */
  portfolio?: string;
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
  if (o.portfolio && o.workspace)
    throw new MmmError(
      "E_OPTION",
      "--portfolio and --workspace name two different things to serve",
      { option: "--portfolio" },
      "give one: a portfolio serves each of its models' workspaces under /m/<model>/",
    );
  const port = parseUserNumber(
    o.port,
    "--port",
    { option: "--port" },
    { integer: true, min: 0, max: 65535, example: "--port 8080" },
  );
  const options = { allowSave: o.allowSave, assetsDir: o.assetsDir, host: o.host };
  let app: Hono;
  let what: string;
  if (o.portfolio) {
    app = createPortfolioApp(o.portfolio, options);
    what = `the portfolio ${o.portfolio}`;
  } else {
    const ws = workspace(o.workspace);
    app = createApp(ws, options);
    what = ws.root;
  }
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: o.host }, (info) => {
      const url = `http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${info.port}/`;
      io.out(
        `Serving ${what} at ${url} (${o.allowSave ? "read-only except saving plans" : "read-only"}; Ctrl+C stops)`,
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
