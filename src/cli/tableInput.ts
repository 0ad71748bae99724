// Reading a modeling table folder named on the command line (--table): the folder or its
// table.csv, with clear errors, and the files' bytes and hashes for lineage.

import { statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { MmmError } from "../core/errors.js";
import { MAX_TEXT_BYTES, readUserFile } from "../data/fsErrors.js";
import { sha256 } from "../data/lineage.js";
import { parseModelingTable, parseTableSchema, SCHEMA_FILE, TABLE_FILE } from "../data/tableIo.js";

/** The table folder named by --table (which may also name its table.csv). */
export function tableFolder(path: string): string {
  try {
    if (statSync(path).isFile() && basename(path) === TABLE_FILE) return dirname(path);
  } catch {
    // readTable says what is wrong with the path
  }
  return path;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The table of a folder, with its two files' bytes (copied into the run) and their hashes. */
export function readTable(dir: string, given: string) {
  const read = (name: string, what: string) => {
    try {
      // both files are parsed as text: refuse one too large for a string before reading it
      return readUserFile({ path: join(dir, name), what, option: "--table" }, MAX_TEXT_BYTES);
    } catch (e) {
      if (!(e instanceof MmmError) || e.code !== "E_FILE_NOT_FOUND") throw e;
      throw new MmmError(
        "E_FILE_NOT_FOUND",
        `Modeling table not found: ${given} (no ${name} in ${dir}).`,
        { file: given, option: "--table" },
        "pass the folder written by `mmm prepare` (it holds table.csv and table.schema.json)",
      );
    }
  };
  if (isFile(dir))
    throw new MmmError(
      "E_FILE_NOT_FOUND",
      `Modeling table not found: ${given} is a file, not a table folder.`,
      { file: given, option: "--table" },
      "pass the folder written by `mmm prepare` (it holds table.csv and table.schema.json), or its table.csv",
    );
  const schemaBytes = read(SCHEMA_FILE, "the modeling table's schema");
  const schema = parseTableSchema(schemaBytes.toString("utf8"), join(dir, SCHEMA_FILE));
  const tableBytes = read(schema.data, "the modeling table");
  const table = parseModelingTable(schema, tableBytes.toString("utf8"), join(dir, schema.data));
  return {
    table,
    bytes: { [TABLE_FILE]: tableBytes, [SCHEMA_FILE]: schemaBytes },
    hashes: { [TABLE_FILE]: sha256(tableBytes), [SCHEMA_FILE]: sha256(schemaBytes) },
  };
}
