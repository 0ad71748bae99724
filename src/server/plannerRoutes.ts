// The live planner's and the browser-only fit's routes: the pages (under a policy that lets them
// run this server's scripts and, for the fit, connect nowhere), the posterior JSON the planner's
// worker values plans with, saving a plan (only with --allow-save, same origin, JSON, 16 KB), and
// the bundled scripts themselves.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Registry } from "../registry/registry.js";
import type { Workspace } from "../registry/workspace.js";
import { apiError, LOCAL_FIT_CSP, PLANNER_CSP } from "./http.js";
import { localFitPage } from "./localFitPage.js";
import type { Site } from "./pages.js";
import { horizonParam, plannerPayload, referenceOutcome, savePlan } from "./planner.js";
import { plannerPage } from "./plannerPage.js";
import { fitOf } from "./runCache.js";

/** Saved plans are tiny (a note and one amount per channel). */
const SAVE_LIMIT_BYTES = 16 * 1024;

export interface PlannerRouteContext {
  ws: Workspace;
  /** Where the pages are served, for their frame and links. */
  site: Site;
  assetsDir: string;
  allowSave: boolean;
  read: <T>(f: (r: Registry) => T | Promise<T>) => Promise<T>;
}

export function addPlannerRoutes(app: Hono, ctx: PlannerRouteContext): void {
  const { ws, site, assetsDir, allowSave, read } = ctx;
  app.get("/runs/:id/plan", async (c) => {
    const run = await read((r) => r.get(c.req.param("id")));
    const horizonWeeks = horizonParam(c.req.query("horizon"));
    const { session, result } = referenceOutcome(run, horizonWeeks);
    const fit = fitOf(run);
    const display = fit.summary.roi_display ?? session.returnUnits;
    c.header("Content-Security-Policy", PLANNER_CSP);
    return c.html(
      plannerPage(
        {
          run,
          session,
          result,
          horizonWeeks,
          display: { factor: display.factor, short: display.short, unit: display.unit },
          scriptReady: existsSync(join(assetsDir, "planner.js")),
          allowSave,
          approximate: fit.fit.method === "fast",
        },
        site,
      ),
    );
  });
  app.get("/api/runs/:id/planner", async (c) => {
    const run = await read((r) => r.get(c.req.param("id")));
    return c.json(plannerPayload(run, horizonParam(c.req.query("horizon"))));
  });
  app.post(
    "/api/runs/:id/plans",
    bodyLimit({
      maxSize: SAVE_LIMIT_BYTES,
      onError: (c) => c.json(apiError("The plan is larger than 16 KB.", "send one amount per channel"), 413),
    }),
    async (c) => {
      // a page of another site must not save plans through the user's browser: same origin only
      const origin = c.req.header("Origin");
      if (origin !== new URL(c.req.url).origin)
        return c.json(
          apiError("Plans are saved from the dashboard's own pages only.", "use the planner page"),
          403,
        );
      if (!(c.req.header("Content-Type") ?? "").startsWith("application/json"))
        return c.json(apiError("The plan must be sent as JSON.", "Content-Type: application/json"), 415);
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json(apiError("The plan is not valid JSON.", "send the planner's JSON"), 400);
      }
      const run = await read((r) => r.get(c.req.param("id")));
      return c.json(await savePlan(ws, run, body), 201);
    },
  );
  app.get("/local", (c) => {
    c.header("Content-Security-Policy", LOCAL_FIT_CSP);
    return c.html(localFitPage(site, existsSync(join(assetsDir, "local-fit.js"))));
  });
  app.get("/assets/:file", (c) => {
    const file = c.req.param("file");
    // only the bundle's own flat file names: nothing else of the disk is reachable here
    if (!/^[a-z][a-z0-9-]*\.js$/.test(file) || !existsSync(join(assetsDir, file))) return c.notFound();
    c.header("Content-Security-Policy", "default-src 'none'");
    return c.body(readFileSync(join(assetsDir, file)), 200, {
      "Content-Type": "text/javascript; charset=utf-8",
    });
  });
}
