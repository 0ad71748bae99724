// Table markup for the report: a header row and body rows of cells, numeric columns right
// aligned; every cell goes through the escaping `html` template.

import { html, type SafeHtml } from "./safeHtml.js";

export interface Column {
  label: string;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
}

export type Cell = string | number | SafeHtml | null | undefined;

export function table(columns: (Column | string)[], rows: Cell[][], caption?: string): SafeHtml {
  const cols = columns.map((c) => (typeof c === "string" ? { label: c } : c));
  const cls = (k: number) => (cols[k]?.numeric ? html` class="num"` : "");
  return html`<table>${caption ? html`<caption>${caption}</caption>` : ""}
<thead><tr>${cols.map((c, k) => html`<th${cls(k)}>${c.label}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((cell, k) => html`<td${cls(k)}>${cell ?? "—"}</td>`)}</tr>`)}</tbody>
</table>`;
}

/** Two columns, label and value: for manifests and settings. */
export function keyValueTable(rows: [string, Cell][], caption?: string): SafeHtml {
  return html`<table class="kv">${caption ? html`<caption>${caption}</caption>` : ""}<tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v ?? "—"}</td></tr>`)}</tbody></table>`;
}
