// Bundles the dashboard's browser code (web/) into dist/web/: one self-contained ES module per
// page and per worker, for the browser platform (a Node built-in fails the build), minified, with
// no import from anywhere at run time. `npm run build` runs it; tests call bundleWeb() directly.

import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export const ENTRY_POINTS = {
  planner: here("./planner/page.ts"),
  "planner-worker": here("./planner/worker.ts"),
  "local-fit": here("./local/page.ts"),
  "chain-worker": here("./local/chainWorker.ts"),
};

export async function bundleWeb(outdir = here("../dist/web/")) {
  await build({
    entryPoints: ENTRY_POINTS,
    outdir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    // csv-parse's Node build needs Buffer; its browser build carries its own
    alias: { "csv-parse/sync": "csv-parse/browser/esm/sync" },
    logLevel: "warning",
  });
  return outdir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleWeb();
