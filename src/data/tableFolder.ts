// Reads a modeling-table folder (table.csv and table.schema.json) from disk; the parsing itself
// is tableIo's, which also runs in a browser.

import { dirname, join } from "node:path";
import { MmmError } from "../core/errors.js";
import type { ModelingTable } from "../core/modelingTable.js";
import { readUserText } from "./fsErrors.js";
import { parseModelingTable, parseTableSchema, SCHEMA_FILE } from "./tableIo.js";

/** Reads a table written by `mmm prepare` (or the lab) back from its folder. */
export function readModelingTable(dir: string): ModelingTable {
  const schemaPath = join(dir, SCHEMA_FILE);
  const schemaText = readTableFile(schemaPath, "the modeling table's schema");
  const schema = parseTableSchema(schemaText, schemaPath);
  const dataPath = join(dir, schema.data);
  return parseModelingTable(schema, readTableFile(dataPath, "the modeling table"), dataPath);
}

function readTableFile(path: string, what: string): string {
  try {
    return readUserText({ path, what });
  } catch (e) {
    if (e instanceof MmmError && e.code === "E_FILE_NOT_FOUND")
      throw new MmmError(
        "E_TABLE_SCHEMA",
        `No ${path.endsWith(SCHEMA_FILE) ? SCHEMA_FILE : "table data file"} in ${dirname(path)}: it is not a modeling-table folder.`,
        { file: path },
        "point at a folder written by `mmm prepare` (it holds table.csv and table.schema.json)",
      );
    throw e;
  }
}
