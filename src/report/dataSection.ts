// The Data section: the QA findings of `mmm prepare` (qa.json) and the lineage manifest (which
// input bytes, config and code produced the table), checked at run time since both arrive as JSON.

import type { ModelCard } from "../analysis/modelCard.js";
import { compact } from "../analysis/numberFormat.js";
import { describeLocation } from "../core/errors.js";
import type { Lineage } from "../data/lineage.js";
import type { QaFinding, QaReport } from "../data/qaReport.js";
import { badge, statusBanners, type Tone } from "./elements.js";
import type { ReportData } from "./reportData.js";
import { html, type SafeHtml } from "./safeHtml.js";
import { type Cell, keyValueTable, table } from "./tables.js";

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isQaReport(x: unknown): x is QaReport {
  return isRecord(x) && Array.isArray(x.findings) && isRecord(x.counts) && typeof x.status === "string";
}

function isLineage(x: unknown): x is Lineage {
  return isRecord(x) && Array.isArray(x.inputs) && Array.isArray(x.outputs);
}

/** Whatever arrived, shown as escaped JSON, so an unexpected format is visible rather than lost. */
function raw(x: unknown): SafeHtml {
  const text = JSON.stringify(x, null, 2) ?? String(x);
  return html`<p class="note">Not in the expected format; shown as stored:</p><pre>${text.slice(0, 20_000)}</pre>`;
}

const SEVERITY_TONE: Record<string, Tone> = { error: "bad", warning: "warn", info: "info" };
const STATUS_TONE: Record<string, Tone> = { fail: "bad", warn: "warn", pass: "ok" };

function where(f: QaFinding): string {
  if (!f.where) return "";
  const parts = [describeLocation(f.where)];
  if (f.where.channel) parts.push(`channel ${f.where.channel}`);
  if (f.where.weeks?.length)
    parts.push(`weeks ${f.where.weeks.slice(0, 6).join(", ")}${f.where.weeks.length > 6 ? " …" : ""}`);
  if (f.where.geos?.length)
    parts.push(`geos ${f.where.geos.slice(0, 6).join(", ")}${f.where.geos.length > 6 ? " …" : ""}`);
  return parts.filter(Boolean).join("; ");
}

function qa(x: unknown): SafeHtml {
  if (x === null || x === undefined)
    return html`<h3>Data quality</h3><p class="note">No QA report was attached to this run.</p>`;
  if (!isQaReport(x)) return html`<h3>Data quality</h3>${raw(x)}`;
  const c = x.counts;
  const headline = typeof x.summary?.headline === "string" ? html`<p>${x.summary.headline}</p>` : "";
  const rows = x.findings.map((f) => [
    badge(String(f.severity), SEVERITY_TONE[f.severity] ?? "info"),
    html`<code>${f.check}</code>`,
    f.message,
    where(f),
    f.fix ?? "",
  ]);
  return html`<h3>Data quality ${badge(String(x.status).toUpperCase(), STATUS_TONE[x.status] ?? "info")}</h3>
${headline}
<p>${c.error ?? 0} error(s), ${c.warning ?? 0} warning(s), ${c.info ?? 0} note(s).</p>
${rows.length > 0 ? table(["Severity", "Check", "Finding", "Where", "Fix"], rows) : html`<p class="note">No findings.</p>`}`;
}

function hash(h: string | undefined): SafeHtml {
  return h ? html`<code class="hash">${h}</code>` : html`—`;
}

function lineage(x: unknown): SafeHtml {
  if (x === null || x === undefined)
    return html`<h3>Lineage</h3><p class="note">No lineage manifest was attached to this run.</p>`;
  if (!isLineage(x)) return html`<h3>Lineage</h3>${raw(x)}`;
  const general: [string, Cell][] = [
    ["Command", html`<code>${x.command}</code>`],
    ["Created", x.createdAt],
    ["Code", x.code ? `${x.code.name} ${x.code.version}` : null],
    ["Git commit", hash(x.code?.gitCommit ?? undefined)],
    ["Config", x.config ? html`${x.config.file} ${hash(x.config.sha256)}` : null],
    [
      "Taxonomy",
      x.taxonomy ? html`${x.taxonomy.file} (version ${x.taxonomy.version}) ${hash(x.taxonomy.sha256)}` : null,
    ],
    [
      "Modelling table",
      x.table
        ? `${x.table.rows} rows, ${x.table.weeks} weeks × ${x.table.geos} geo(s), ${x.table.firstWeek} … ${x.table.lastWeek}`
        : null,
    ],
    ["Manifest format", x.format],
  ];
  const num = (label: string) => ({ label, numeric: true });
  const inputs = x.inputs.map((i) => [
    i.name,
    i.file,
    i.format,
    i.rows,
    i.columns,
    compact(i.bytes),
    hash(i.sha256),
  ]);
  const outputs = x.outputs.map((o) => [o.file, compact(o.bytes), hash(o.sha256)]);
  const params = Object.entries(x.parameters ?? {}).map(([k, v]): [string, Cell] => [
    k,
    typeof v === "string" ? v : JSON.stringify(v),
  ]);
  return html`<h3>Lineage</h3>
${keyValueTable(general)}
${table(["Input", "File", "Format", num("Rows"), num("Columns"), num("Bytes"), "SHA-256"], inputs, "Inputs")}
${table(["File", num("Bytes"), "SHA-256"], outputs, "Outputs")}
${params.length > 0 ? keyValueTable(params, "Parameters") : ""}`;
}

/** The model card of a registered run: who approved what, on which data, under which assumptions. */
function modelCard(card: ModelCard | undefined): SafeHtml {
  if (!card) return html``;
  const general: [string, Cell][] = [
    ["Run", `${card.run.id} (${card.run.status})`],
    ["Owner", card.run.owner],
    ["Note", card.run.note],
    ["Follows", card.run.follows ?? "—"],
    ["Objective", card.objective],
    [
      "KPI",
      `${card.kpi.name}${card.kpi.value_per_unit !== null ? ` (${card.kpi.value_per_unit} ${card.kpi.currency} per unit)` : ""}; ROI in ${card.kpi.roi_unit}`,
    ],
    [
      "Window",
      `${card.data.window.first_week} to ${card.data.window.last_week} (${card.data.window.weeks} weeks, ${card.data.window.geos} geo${card.data.window.geos > 1 ? "s" : ""})`,
    ],
    ["Sources", card.data.sources.map((s) => s.file).join(", ") || "—"],
    ["Taxonomy", card.data.taxonomy ?? "—"],
    [
      "Model",
      `${card.model.likelihood} likelihood; ${card.model.channels.map((c) => `${c.name} (${c.adstock}, ${c.saturation})`).join("; ")}; geo effects: ${card.model.geo_effects}`,
    ],
    [
      "Evidence",
      `${card.evidence.method}; diagnostics ${card.evidence.diagnostics.verdict}; ${card.evidence.lift_tests} lift test(s) in the likelihood`,
    ],
    ["Code", card.code ?? "—"],
  ];
  const priors = card.model.priors.map((p): Cell[] => [p.group, p.prior, String(p.parameters.length)]);
  const approvals = card.approvals.map((a): Cell[] => [
    a.at.slice(0, 16).replace("T", " "),
    a.action,
    a.by,
    a.note,
  ]);
  return html`<h3>Model card</h3>
${keyValueTable(general)}
<p><strong>Known limits</strong></p>
<ul>${card.known_limits.map((l) => html`<li>${l}</li>`)}</ul>
${table(["Group", "Prior", { label: "Parameters", numeric: true }], priors, "Priors")}
${approvals.length > 0 ? table(["When (UTC)", "Decision", "By", "Note"], approvals, "Approvals") : html`<p class="note">Not approved yet.</p>`}`;
}

export function dataSection(data: ReportData): SafeHtml {
  return html`<section class="page" id="data">
${statusBanners(data)}
<h2>Data</h2>
${qa(data.data.qa)}
${lineage(data.data.lineage)}
${modelCard(data.modelCard)}
</section>`;
}
