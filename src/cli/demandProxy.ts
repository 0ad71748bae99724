// --demand-proxy COLUMN: a column of the run's modeling table that measures demand (search query
// volume, category sales…), summed over geos week by week, for the demand-following check.

import { MmmError } from "../core/errors.js";
import type { ModelingTable } from "../core/modelingTable.js";

export function demandProxy(table: ModelingTable, name: string | undefined) {
  if (name === undefined) return undefined;
  const col = table.columns.find((c) => c.name === name);
  if (!col)
    throw new MmmError(
      "E_BAD_OPTION",
      `The run's modeling table has no column '${name}' to use as a demand proxy.`,
      { option: "--demand-proxy" },
      `name one of its columns: ${table.columns.map((c) => c.name).join(", ")}`,
    );
  const T = table.weeks.length;
  const values = new Float64Array(T);
  for (let g = 0; g < table.geos.length; g++) for (let t = 0; t < T; t++) values[t] += col.values[g * T + t];
  return { name, values };
}
