// Reads one draws file of a run folder (CmdStan CSV, or the Laplace CSV of `--method fast`)
// strictly: a line cut short, a cell that is not a number, or a non-finite parameter is an error.

import { MmmError } from "../core/errors.js";

export interface DrawsTable {
  /** Number of draws (data rows). */
  rows: number;
  /** Number of columns of the header. */
  columns: number;
  /** The requested parameters, row-major (rows × names.length). */
  values: Float64Array;
}

// how the writers spell non-finite numbers: CmdStan's `nan`/`inf`, JavaScript's `NaN`/`Infinity`;
// allowed in sampler statistics and generated quantities (an ROI without spend), never in parameters
const NON_FINITE = new Set(["nan", "inf", "-inf", "NaN", "Infinity", "-Infinity"]);

const FIX = "the file was damaged after the fit: restore the run folder from a copy, or re-run mmm fit";

/**
 * Parses `text` (the file `file`, named in errors) and returns the columns `names` of every draw,
 * which must be finite. `strict` also checks every other cell is a number: the slow path, for a
 * file already known to differ from what the fit wrote, so the error can point at the line.
 */
export function parseDrawsCsv(text: string, file: string, names: string[], strict = true): DrawsTable {
  const lines = text.split("\n");
  const damaged = (what: string, line?: number, column?: string) =>
    new MmmError(
      "E_RUN_DAMAGED",
      what,
      {
        file,
        ...(line !== undefined ? { row: line, rowKind: "line" as const } : {}),
        ...(column ? { column } : {}),
      },
      FIX,
    );
  // the writers end every line with a newline: text after the last one is a line cut short
  if (text.length > 0 && !text.endsWith("\n"))
    throw damaged(
      `${file} ends in the middle of line ${lines.length}: the file was cut short.`,
      lines.length,
    );
  let h = 0;
  while (h < lines.length && (lines[h] === "" || lines[h].startsWith("#"))) h++;
  if (h === lines.length) throw damaged(`${file} has no header line: the file is empty or was cut short.`);
  const header = lines[h].split(",");
  const cols = names.map((n) => header.indexOf(n));
  const missing = names.filter((_, j) => cols[j] < 0);
  if (missing.length > 0)
    throw new MmmError(
      "E_RUN_DAMAGED",
      `${file} lacks ${missing.length} of the model's parameters (${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""}).`,
      { file, row: h + 1, rowKind: "line" },
      "the run folder and the code version must match; re-run mmm fit",
    );
  const P = names.length;
  const values = new Float64Array((lines.length - h) * P);
  let rows = 0;
  for (let i = h + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === "" || line.charCodeAt(0) === 35 /* # */) continue;
    const cells = line.split(",");
    if (cells.length !== header.length)
      throw damaged(
        `Line ${i + 1} of ${file} has ${cells.length} values, but the header has ${header.length}: the line was cut or edited.`,
        i + 1,
      );
    if (strict)
      for (let c = 0; c < cells.length; c++) {
        const cell = cells[c];
        if (cell === "" || (Number.isNaN(Number(cell)) && !NON_FINITE.has(cell)))
          throw damaged(`'${cell}' in ${file} is not a number.`, i + 1, header[c]);
      }
    for (let j = 0; j < P; j++) {
      const cell = cells[cols[j]];
      const v = Number(cell);
      if (cell === "" || !Number.isFinite(v))
        throw damaged(
          Number.isNaN(v) && !NON_FINITE.has(cell)
            ? `'${cell}' in ${file} is not a number.`
            : `'${cell}' in ${file} is not a finite number; parameter draws always are.`,
          i + 1,
          names[j],
        );
      values[rows * P + j] = v;
    }
    rows++;
  }
  return { rows, columns: header.length, values: values.slice(0, rows * P) };
}
