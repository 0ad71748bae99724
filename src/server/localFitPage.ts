// The browser-only fit's page: drop a modeling table (the table.csv and table.schema.json that
// `mmm prepare` writes) and the whole fit runs in this browser's workers (web/local/). The page's
// policy forbids every connection (connect-src 'none'): the table cannot leave the machine.

import { html } from "../report/safeHtml.js";
import { page, type Site } from "./pages.js";

const LOCAL_CSS = `
#drop { border: 2px dashed #99a; border-radius: 8px; padding: 28px; text-align: center; margin: 12px 0; }
#drop.over { background: #eef3ff; }
.settings { display: flex; gap: 18px; margin: 8px 0; align-items: center; }
.settings input { width: 80px; }
progress { width: 320px; }
`;

export function localFitPage(site: Site, scriptReady: boolean): string {
  return page(
    "Fit in this browser",
    html`<h1>Fit in this browser</h1>
<p>Drop a modeling table and fit it here: the sampler runs in this browser's workers and the data never leaves this machine (the page may not connect anywhere, not even to the server that served it).</p>
<div id="drop"><p>Drop <code>table.csv</code> and <code>table.schema.json</code> from a <code>mmm prepare</code> folder here, or choose them:</p>
<input type="file" id="table-files" multiple accept=".csv,.json"></div>
<div class="settings">
<label>chains <input type="number" id="chains" min="1" max="8" value="4"></label>
<label>warm-up <input type="number" id="warmup" min="50" max="5000" value="1000"></label>
<label>draws per chain <input type="number" id="draws" min="50" max="5000" value="1000"></label>
<label>seed <input type="number" id="seed" min="0" value="1"></label>
<button type="button" id="fit" disabled>Fit</button>
</div>
<p id="fit-status" class="muted">${scriptReady ? "Waiting for a table." : "The fit's script is not built (run npm run build)."}</p>
<progress id="fit-progress" max="1" value="0" hidden></progress>
<section id="fit-result"></section>`,
    site,
    { script: scriptReady ? "local-fit.js" : undefined, css: LOCAL_CSS },
  );
}
