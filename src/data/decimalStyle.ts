// Spots '.' used as a thousands separator in a column of amounts: '1.250' meaning 1250 reads as
// 1.25, a silent factor of 1000. Genuine decimals are left alone (see `suspicious`).

import { type Cell, type Frame, lineLocation, type SourceFile } from "./frame.js";
import { finding, type QaFinding } from "./qaReport.js";

// 1.250, 12.500, 1.234.567: one to three digits, then groups of exactly three
const GROUPED = /^[+-]?[1-9]\d{0,2}(\.\d{3})+$/;

/** Watches the texts of one numeric column. */
export class DecimalStyle {
  grouped = 0;
  /** A '.' value not shaped like thousands groups (12.5, 0.125, 1234.56) proves real decimals. */
  decimals = 0;
  /** The largest value written without a '.'; with thousands separators it stays below 1000. */
  maxPlain = 0;
  example: { text: string; line: number } | null = null;

  constructor(readonly column: string) {}

  observe(cell: Cell, line: number): void {
    if (this.decimals > 0 || typeof cell !== "string") return; // Parquet numbers carry no text
    const s = cell.trim();
    if (s.indexOf(".") < 0) {
      const v = Math.abs(Number(s));
      if (v > this.maxPlain) this.maxPlain = v;
      return;
    }
    if (!GROUPED.test(s)) {
      this.decimals++;
      return;
    }
    if (this.grouped++ === 0) this.example = { text: s, line };
  }

  /**
   * Every '.' value has exactly three digits after each '.', and no plain value reaches 1000 —
   * what a thousands-separated export of amounts looks like. Real amounts have cents (two places)
   * or are whole; an export with three decimals everywhere would have some value ≥ 1 written
   * like 1234.500, which has four digits before the '.'.
   */
  suspicious(): boolean {
    return this.grouped >= 3 && this.decimals === 0 && this.maxPlain < 1000;
  }

  finding(source: Pick<SourceFile, "file" | "format">): QaFinding | null {
    if (!this.suspicious() || !this.example) return null;
    const { text, line } = this.example;
    return finding(
      "thousands_separator",
      `Column '${this.column}' in ${source.file} looks like it uses '.' as a thousands separator: all ${this.grouped} values with a '.' have groups of exactly three digits after it (e.g. '${text}'), and no value without one reaches 1000. Read as decimals, '${text}' is ${Number(text)}, not ${text.replace(/\./g, "")}.`,
      {
        where: { ...lineLocation(source, line), column: this.column },
        fix: "export plain numbers without thousands separators (1250 or 1250.00); if these really are decimals with three places, set qa.severity.thousands_separator: off",
      },
    );
  }
}

/** The thousands-separator finding for a column of a loaded frame, if it has one. */
export function frameDecimalFinding(frame: Frame, column: string): QaFinding | null {
  const c = frame.columns.indexOf(column);
  if (c < 0) return null;
  const style = new DecimalStyle(column);
  for (let i = 0; i < frame.rows.length; i++) style.observe(frame.rows[i][c], frame.lines[i]);
  return style.finding(frame);
}
