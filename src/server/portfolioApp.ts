// The dashboard of a portfolio (`mmm serve --portfolio manifest.yaml`): the portfolio page at "/",
// read afresh from the models' folders at every visit, and each model's own dashboard under
// /m/<model>/ — its runs, fit pages, comparisons and planner — with a link back. A model whose
// workspace does not exist yet (its jobs have not run) is listed without a link.

import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { Hono } from "hono";
import { expandManifest } from "../batch/jobs.js";
import { loadManifest } from "../batch/manifest.js";
import { portfolioRows } from "../batch/portfolio.js";
import { portfolioPage } from "../batch/portfolioPage.js";
import { loadWorkspace, WORKSPACE_FILE } from "../registry/workspace.js";
import { type AppOptions, createApp } from "./app.js";
import { CSP, refuseForeignHost } from "./http.js";

export function createPortfolioApp(
  manifestFile: string,
  options: Omit<AppOptions, "base" | "portfolio"> = {},
): Hono {
  const manifest = loadManifest(manifestFile);
  const models = new Map<string, Hono>();
  /** A model's dashboard, made when its workspace first exists (a batch may be running). */
  const modelApp = (name: string): Hono | undefined => {
    const known = models.get(name);
    if (known) return known;
    const m = manifest.models.find((x) => x.name === name);
    const file = m && join(m.workspace, WORKSPACE_FILE);
    if (!file || !existsSync(file)) return undefined;
    const app = createApp(loadWorkspace(file), { ...options, base: `/m/${name}/`, portfolio: "/" });
    models.set(name, app);
    return app;
  };

  const app = new Hono();
  app.use("*", async (c, next) => refuseForeignHost(c.req.url, options.host) ?? next());
  app.get("/", (c) => {
    const rows = portfolioRows(manifest, expandManifest(manifest));
    const workspaceOf = (model: string) => manifest.models.find((m) => m.name === model)?.workspace ?? "";
    const page = portfolioPage(manifest.name, rows, new Date().toISOString().slice(0, 16).replace("T", " "), {
      model: (r) => (existsSync(join(workspaceOf(r.model), WORKSPACE_FILE)) ? `/m/${r.model}/` : null),
      report: (r) =>
        r.report
          ? `/m/${r.model}/files/${relative(workspaceOf(r.model), join(manifest.root, r.report))}`
          : null,
      source: "from the models' folders, now",
    });
    c.header("Content-Security-Policy", CSP);
    c.header("Cache-Control", "no-store");
    return c.html(page);
  });
  // "/m/<model>" and "/m/<model>/…" both go to the model's dashboard
  app.all("/m/:model/*", (c) => {
    const sub = modelApp(c.req.param("model"));
    return sub ? sub.fetch(c.req.raw) : c.notFound();
  });
  return app;
}
