// `mmm serve`'s web application (Hono): a thin layer over the workspace's registry and run
// folders. It serves pages rendered from the same library code as the CLI and the report, the
// registry's JSON, and the workspace's own files — nothing outside the workspace, nothing
// writable (every method but GET and HEAD is refused), no scripts, and a content security policy
// on every response.

import { existsSync, readFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { Hono } from "hono";
import { MmmError } from "../core/errors.js";
import type { Registry, RunRecord } from "../registry/registry.js";
import { type Workspace, withRegistry } from "../registry/workspace.js";
import type { RefreshRecord } from "../report/refreshPage.js";
import { comparisonChart, comparisonRows } from "./compare.js";
import { comparePage, errorPage, refreshPanel, runPage, runsPage } from "./pages.js";
import { executivePage } from "./runReport.js";
import { workspaceFile } from "./safePath.js";

/** No scripts, no fetches, no framing: pages and files are read, not run. */
export const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".yaml": "text/plain; charset=utf-8",
  ".yml": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** The refresh record a `mmm refresh` left in a fit's folder, if any (unreadable: none). */
function refreshOf(run: RunRecord): RefreshRecord | null {
  const file = join(run.path, "refresh.json");
  if (!run.folderExists || !existsSync(file)) return null;
  try {
    const r = JSON.parse(readFileSync(file, "utf8")) as RefreshRecord;
    return r.format === "mmm-os/refresh@1" ? r : null;
  } catch {
    return null;
  }
}

export function createApp(ws: Workspace): Hono {
  const app = new Hono();
  const name = ws.root.split(/[\\/]/).pop() ?? ws.root;
  const registryFile = resolve(ws.root, ws.config.registry);
  const read = <T>(f: (r: Registry) => T) => withRegistry(ws, f);

  app.use("*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      c.status(405);
      c.header("Allow", "GET, HEAD");
      return c.html(
        errorPage(
          405,
          "Read-only",
          "The dashboard does not change the workspace.",
          "use the mmm commands to register, approve or retire runs",
          name,
        ),
      );
    }
    await next();
    c.header("Content-Security-Policy", CSP);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cache-Control", "no-store");
  });

  app.get("/", (c) => {
    const runs = read((r) => r.list());
    // the newest fit a refresh wrote: what it found is the first thing to see
    const refreshed = runs
      .filter((r) => r.kind === "fit")
      .map((r) => ({ r, rec: refreshOf(r) }))
      .find((x) => x.rec);
    return c.html(runsPage(runs, name, refreshed?.rec ? refreshPanel(refreshed.r, refreshed.rec) : null));
  });
  app.get("/compare", async (c) => {
    const runs = read((r) => r.list());
    return c.html(comparePage(await comparisonChart(runs), comparisonRows(runs).rows, name));
  });
  app.get("/api/runs", (c) => c.json(read((r) => r.list())));
  app.get("/api/runs/:id", (c) =>
    c.json(read((r) => ({ run: r.get(c.req.param("id")), events: r.events(r.get(c.req.param("id")).id) }))),
  );

  app.get("/runs/:id", async (c) => {
    const { run, events } = read((r) => {
      const found = r.get(c.req.param("id"));
      return { run: found, events: r.events(found.id) };
    });
    if (run.kind !== "fit" || !run.folderExists || run.problem)
      return c.html(
        runPage(
          run,
          events,
          null,
          run.problem
            ? `This run's registry row is damaged (${run.problem}).`
            : !run.folderExists
              ? `This run's folder (${run.folder}) is missing: it was moved or deleted by hand.`
              : `A ${run.kind} run: its files are in ${run.folder}.`,
          name,
        ),
      );
    const refresh = refreshOf(run);
    return c.html(
      runPage(
        run,
        events,
        await executivePage(run, events),
        "",
        name,
        refresh ? refreshPanel(run, refresh) : null,
      ),
    );
  });

  app.get("/files/*", (c) => {
    const path = workspaceFile(ws.root, c.req.path.slice("/files/".length), [registryFile]);
    if (!path) return notFound(c.req.path);
    const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
    return c.body(readFileSync(path), 200, { "Content-Type": type });
  });

  const notFound = (what: string) =>
    new Response(
      errorPage(
        404,
        "Not found",
        `Nothing at ${what} in this workspace.`,
        "start from the list of runs",
        name,
      ),
      {
        status: 404,
        headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP },
      },
    );
  app.notFound((c) => notFound(c.req.path));

  app.onError((e, c) => {
    const known = e instanceof MmmError;
    const status = known && e.code === "E_REGISTRY_RUN" ? 404 : known ? 422 : 500;
    const [what] = e.message.split("\n");
    if (!known) console.error(e);
    c.status(status);
    c.header("Content-Security-Policy", CSP);
    return c.html(
      errorPage(
        status,
        status === 404 ? "No such run" : "This run cannot be shown",
        what,
        known ? e.fix || "see the message above" : "see the server's log; this is a bug worth reporting",
        name,
      ),
    );
  });
  return app;
}
