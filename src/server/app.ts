// `mmm serve`'s web application (Hono): a thin layer over the workspace's registry and run
// folders. It serves pages rendered from the same library code as the CLI and the report, the
// registry's JSON, the workspace's own files (nothing outside it) and the bundled scripts of the
// live planner and the browser-only fit. Nothing is writable (every method but GET and HEAD is
// refused) unless the user started the server with --allow-save, which opens exactly one door:
// saving a plan. A content security policy goes on every response; only the pages that need
// them may run scripts, and only this server's.

import { existsSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { MmmError } from "../core/errors.js";
import type { Registry, RunEvent, RunRecord } from "../registry/registry.js";
import { registryTarget, type Workspace, withRegistry } from "../registry/workspace.js";
import type { RefreshRecord } from "../report/refreshPage.js";
import { comparisonChart, comparisonRows } from "./compare.js";
import { curvesComparisonChart } from "./compareCurves.js";
import { apiError, CSP, refuseForeignHost } from "./http.js";
import { comparePage, errorPage, refreshPanel, runPage, runsPage, type Site } from "./pages.js";
import { addPlannerRoutes } from "./plannerRoutes.js";
import { executivePage } from "./runReport.js";
import { workspaceFile } from "./safePath.js";

/** The bundles `npm run build` writes (web/build.mjs); the same path from src/ and from dist/. */
export const DEFAULT_ASSETS = fileURLToPath(new URL("../../dist/web/", import.meta.url));

export interface AppOptions {
  /** Where the bundled scripts are (default: dist/web). */
  assetsDir?: string;
  /** Lets the planner save plans to the registry (`mmm serve --allow-save`). */
  allowSave?: boolean;
  /**
   * The address the server listens on. On a loopback address, requests must name a loopback
   * host: a web page whose domain was re-pointed at 127.0.0.1 (DNS rebinding) gets nothing.
   */
  host?: string;
  /**
   * The path the dashboard is served under: "/" (default), or "/m/<model>/" when a portfolio's
   * dashboard serves many workspaces. Every route and link starts from it.
   */
  base?: string;
  /** The portfolio page to link back to, when served inside one. */
  portfolio?: string;
}

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

async function runWithEvents(r: Registry, id: string): Promise<{ run: RunRecord; events: RunEvent[] }> {
  const run = await r.get(id);
  return { run, events: await r.events(run.id) };
}

export function createApp(ws: Workspace, options: AppOptions = {}): Hono {
  const base = options.base ?? "/";
  // under a base, "/m/x" and "/m/x/" are the same page
  const app = base === "/" ? new Hono() : new Hono({ strict: false }).basePath(base.replace(/\/$/, ""));
  /** A request's path inside the dashboard: without the base. */
  const local = (path: string) => (path.startsWith(base) ? path.slice(base.length - 1) : "/");
  const assetsDir = options.assetsDir ?? DEFAULT_ASSETS;
  const allowSave = options.allowSave === true;
  const savePath = /^\/api\/runs\/[^/]+\/plans$/;
  const site: Site = {
    name: ws.root.split(/[\\/]/).pop() ?? ws.root,
    base,
    ...(options.portfolio ? { portfolio: options.portfolio } : {}),
  };
  // the registry's own file is never served (a Postgres registry has none in the workspace)
  const target = registryTarget(ws);
  const hidden = "file" in target ? [target.file] : [];
  const read = <T>(f: (r: Registry) => T | Promise<T>) => withRegistry(ws, f);

  app.use("*", async (c, next) => {
    const refused = refuseForeignHost(c.req.url, options.host);
    if (refused) return refused;
    const saving = allowSave && c.req.method === "POST" && savePath.test(local(c.req.path));
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && !saving) {
      c.status(405);
      c.header("Allow", "GET, HEAD");
      return c.html(
        errorPage(
          405,
          "Read-only",
          "The dashboard does not change the workspace.",
          allowSave
            ? "only saving a plan (POST /api/runs/<id>/plans) is open; use the mmm commands for the rest"
            : "use the mmm commands to register, approve or retire runs (mmm serve --allow-save lets the planner save plans)",
          site,
        ),
      );
    }
    await next();
    // a page that runs scripts sets its own policy; every other response runs none
    if (!c.res.headers.has("Content-Security-Policy")) c.header("Content-Security-Policy", CSP);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cache-Control", "no-store");
  });

  app.get("/", async (c) => {
    const runs = await read((r) => r.list());
    // the newest fit a refresh wrote: what it found is the first thing to see
    const refreshed = runs
      .filter((r) => r.kind === "fit")
      .map((r) => ({ r, rec: refreshOf(r) }))
      .find((x) => x.rec);
    return c.html(
      runsPage(runs, site, refreshed?.rec ? refreshPanel(refreshed.r, refreshed.rec, site) : null),
    );
  });
  app.get("/compare", async (c) => {
    const runs = await read((r) => r.list());
    return c.html(
      comparePage(
        await comparisonChart(runs),
        comparisonRows(runs).rows,
        site,
        await curvesComparisonChart(runs),
      ),
    );
  });
  app.get("/api/runs", async (c) => c.json(await read((r) => r.list())));
  app.get("/api/runs/:id", async (c) => c.json(await read((r) => runWithEvents(r, c.req.param("id")))));

  app.get("/runs/:id", async (c) => {
    const { run, events } = await read((r) => runWithEvents(r, c.req.param("id")));
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
          site,
        ),
      );
    const refresh = refreshOf(run);
    return c.html(
      runPage(
        run,
        events,
        await executivePage(run, events),
        "",
        site,
        refresh ? refreshPanel(run, refresh, site) : null,
      ),
    );
  });

  addPlannerRoutes(app, { ws, site, assetsDir, allowSave, read });

  app.get("/files/*", (c) => {
    const path = workspaceFile(ws.root, local(c.req.path).slice("/files/".length), hidden);
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
        site,
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
    if (local(c.req.path).startsWith("/api/"))
      return c.json(apiError(what, known ? e.fix || "see the message" : "see the server's log"), status);
    c.status(status);
    c.header("Content-Security-Policy", CSP);
    return c.html(
      errorPage(
        status,
        status === 404 ? "No such run" : "This run cannot be shown",
        what,
        known ? e.fix || "see the message above" : "see the server's log; this is a bug worth reporting",
        site,
      ),
    );
  });
  return app;
}
