// `mmm geotest design --run`: the fitted channel's posterior becomes the prior for each design's
// effect, so designs are ranked by the chance the test is conclusive, with its expected cost.

import { channelDraws } from "../analysis/channelMetrics.js";
import { MmmError } from "../core/errors.js";
import { column } from "../core/modelingTable.js";
import { parseUserNumber } from "../core/userNumber.js";
import type { DesignRow } from "../experiments/geo/design.js";
import type { GeoPanel } from "../experiments/geo/panel.js";
import { effectPrior, recentSpend } from "../experiments/geo/prior.js";
import type { RunFolder } from "../runs/runReader.js";

export function applyRunPrior(
  rows: DesignRow[],
  run: RunFolder,
  p: GeoPanel,
  o: { channel?: string; spendChange?: string; weekly?: boolean; alpha?: number },
  kind: string,
): void {
  const table = run.recipe.table;
  if (o.channel === undefined)
    throw new MmmError(
      "E_BAD_OPTION",
      "With --run, give --channel: the channel's posterior is the prior for the test's effect.",
      { option: "--channel" },
      `choose from: ${table.channels.map((c) => c.name).join(", ")}`,
    );
  const spendName = table.channels.find((c) => c.name === o.channel)?.spend;
  if (!spendName)
    throw new MmmError(
      "E_BAD_OPTION",
      `Run ${p.source} has no channel '${o.channel}' with spend.`,
      { option: "--channel" },
      `choose from: ${table.channels.map((c) => c.name).join(", ")}`,
    );
  if (o.weekly || p.step !== 7)
    throw new MmmError("E_BAD_OPTION", "A run's table is weekly already; drop --weekly.", {
      option: "--weekly",
    });
  const draws = channelDraws(run.model, run.draws, { valuePerUnit: 1 }).find((c) => c.channel === o.channel);
  if (!draws) throw new Error(`internal: no draws for channel ${o.channel}`);
  // a go-dark removes the average unit of spend; a heavy-up adds marginal units
  const perCurrency = kind === "heavy_up" ? draws.mroi : draws.roi;
  const given =
    o.spendChange === undefined
      ? undefined
      : parseUserNumber(o.spendChange, "--spend-change", { option: "--spend-change" }, { suffixes: true });
  if (given === undefined && kind === "heavy_up")
    throw new MmmError(
      "E_BAD_OPTION",
      "A heavy-up design with --run needs --spend-change (the extra spend over the test).",
      { option: "--spend-change" },
      "e.g. --spend-change 50k",
    );
  const spend = column(table, spendName).values;
  const T = table.weeks.length;
  for (const r of rows) {
    const geos = r.treated.map((g) => p.geos.indexOf(g));
    const change = given ?? -recentSpend(spend, T, geos) * r.periods;
    r.prior = effectPrior(r, perCurrency, change, table.valuePerUnit);
  }
  const limit = 2 * (o.alpha ?? 0.1);
  const suspect = (r: DesignRow) => (r.falsePositiveRate === null || r.falsePositiveRate > limit ? 1 : 0);
  rows.sort(
    (a, b) =>
      suspect(a) - suspect(b) ||
      (b.prior?.pConclusive ?? 0) - (a.prior?.pConclusive ?? 0) ||
      (a.prior?.expectedKpiCost ?? 0) - (b.prior?.expectedKpiCost ?? 0),
  );
  rows.forEach((r, i) => {
    r.rank = i + 1;
  });
}
