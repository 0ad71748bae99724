// The one error type of MMM-OS: a stable code, a message that says what went wrong and where
// (file, row, column or config key), and how to fix it. The CLI prints it and exits non-zero.

export interface ErrorLocation {
  file?: string;
  /** 1-based data row (the header is not counted) or line number, as stated in `rowKind`. */
  row?: number;
  rowKind?: "row" | "line";
  column?: string;
  /** Dotted path of a config key, e.g. `sources.orders.date`. */
  key?: string;
  /** A command-line option, e.g. `--seed`. */
  option?: string;
}

export class MmmError extends Error {
  readonly code: string;
  readonly where: ErrorLocation;
  readonly fix: string;

  constructor(code: string, what: string, where: ErrorLocation = {}, fix = "") {
    super(MmmError.compose(what, where, fix));
    this.name = "MmmError";
    this.code = code;
    this.where = where;
    this.fix = fix;
  }

  /** `what` plus a location line and a fix line, so every message reads the same way. */
  private static compose(what: string, where: ErrorLocation, fix: string): string {
    const place = describeLocation(where);
    return [what, place ? `  where: ${place}` : "", fix ? `  fix: ${fix}` : ""].filter(Boolean).join("\n");
  }
}

export function describeLocation(where: ErrorLocation): string {
  const parts: string[] = [];
  if (where.file) parts.push(`file ${where.file}`);
  if (where.row !== undefined) parts.push(`${where.rowKind ?? "row"} ${where.row}`);
  if (where.column !== undefined) parts.push(`column '${where.column}'`);
  if (where.key) parts.push(`config key ${where.key}`);
  if (where.option) parts.push(`option ${where.option}`);
  return parts.join(", ");
}

export function isMmmError(e: unknown): e is MmmError {
  return e instanceof MmmError;
}
