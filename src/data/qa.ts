// Checks on the finished weekly table: values that cannot be right (negative), that look wrong
// (spikes), that cannot be estimated (dead or constant channels), that will be hard to separate
// (collinearity), that leak the answer (KPI-tracking columns), and coverage over geos and time.

import { formatDay } from "../core/dates.js";
import { varianceInflationFactors } from "../core/linalg.js";
import { type ModelingTable, nationalSeries } from "../core/modelingTable.js";
import { correlation, mad, median } from "../core/stats.js";
import type { PrepareConfig } from "./config.js";
import { finding, type QaFinding } from "./qaReport.js";

// names of results that platforms attribute to themselves; outside drivers (competitors, the
// market, a category) are causes of the KPI, not outcomes of the media, and are not suspects
const ATTRIBUTED_NAME = /conv|attrib|purchas|order|revenue|sales|signup|subscri|leads?\b|transaction/i;
const OUTSIDE_DRIVER = /competitor|market|category|industry|macro|weather/i;
const looksAttributed = (name: string) => ATTRIBUTED_NAME.test(name) && !OUTSIDE_DRIVER.test(name);

export interface LeakageCandidate {
  source: string;
  file: string;
  column: string;
  weekly: Float64Array;
}

export function runTableChecks(
  table: ModelingTable,
  qa: PrepareConfig["qa"],
  candidates: LeakageCandidate[],
): QaFinding[] {
  const out: QaFinding[] = [];
  const T = table.weeks.length;
  const G = table.geos.length;
  const week = (t: number) => formatDay(table.weeks[t]);
  const kpi = table.columns.find((c) => c.role === "kpi")!;
  const kpiNational = nationalSeries(table, table.kpi);

  if (T < qa.min_weeks) {
    out.push(
      finding(
        "short_history",
        `Only ${T} weeks of data (fewer than ${qa.min_weeks}): yearly seasonality and slow carryover will be weakly identified.`,
        {
          fix: "supply more history if you have it; otherwise expect wide intervals (or lower qa.min_weeks to silence this)",
        },
      ),
    );
  }

  // negative and zero KPI
  const negKpi: string[] = [];
  const zeroKpi: string[] = [];
  for (let g = 0; g < G; g++) {
    for (let t = 0; t < T; t++) {
      const v = kpi.values[g * T + t];
      if (v < 0) negKpi.push(`${week(t)}${G > 1 ? ` (${table.geos[g]})` : ""}`);
      else if (v === 0) zeroKpi.push(`${week(t)}${G > 1 ? ` (${table.geos[g]})` : ""}`);
    }
  }
  if (negKpi.length)
    out.push(
      finding(
        "negative_values",
        `The KPI '${table.kpi}' is negative in ${negKpi.length} week(s): ${negKpi.slice(0, 6).join(", ")}.`,
        {
          where: { column: table.kpi },
          fix: "the KPI must be a non-negative count or amount; check returns/cancellations netting",
        },
      ),
    );
  if (zeroKpi.length)
    out.push(
      finding(
        "kpi_zero_weeks",
        `The KPI '${table.kpi}' is zero in ${zeroKpi.length} week(s): ${zeroKpi.slice(0, 6).join(", ")}.`,
        {
          where: { column: table.kpi },
          fix: "check for tracking outages; zero weeks distort a continuous likelihood",
        },
      ),
    );

  // a KPI without variation leaves the model nothing to explain: chains wander and never agree
  if (T > 1 && kpiNational.every((v) => v === kpiNational[0])) {
    out.push(
      finding(
        "constant_kpi",
        `The KPI '${table.kpi}' is ${fmt(kpiNational[0])} in every one of the ${T} weeks: with no variation there is nothing for the media to explain, and a fit would not converge.`,
        {
          where: { column: table.kpi },
          fix: "check kpi.column and the KPI export (a placeholder or constant column?); the model needs a KPI that varies from week to week",
        },
      ),
    );
  }

  // spikes in the national KPI and in each channel's spend
  const spikes = (name: string, series: Float64Array, nonZeroOnly: boolean) => {
    const xs = nonZeroOnly ? series.filter((v) => v !== 0) : series;
    if (xs.length < 8) return;
    const m = median(xs);
    const s = mad(xs);
    if (!(s > 0)) return;
    const hits: string[] = [];
    series.forEach((v, t) => {
      if ((!nonZeroOnly || v !== 0) && Math.abs(v - m) / s > qa.spike_threshold)
        hits.push(`${week(t)} (${fmt(v)}, median ${fmt(m)})`);
    });
    if (hits.length)
      out.push(
        finding(
          "spikes",
          `'${name}' has ${hits.length} week(s) more than ${qa.spike_threshold} robust standard deviations from its median: ${hits.slice(0, 5).join(", ")}.`,
          {
            where: { column: name, weeks: hits.map((h) => h.slice(0, 10)) },
            fix: "confirm these weeks are real (a launch, a sale) and not a data error (a doubled export, a currency slip)",
          },
        ),
      );
  };
  spikes(table.kpi, kpiNational, false);

  const spend = table.columns.filter((c) => c.role === "spend");
  const spendNational = spend.map((c) => nationalSeries(table, c.name));
  spend.forEach((c, i) => {
    const s = spendNational[i];
    const neg: string[] = [];
    for (let g = 0; g < G; g++)
      for (let t = 0; t < T; t++)
        if (c.values[g * T + t] < -1e-9) neg.push(`${week(t)}${G > 1 ? ` (${table.geos[g]})` : ""}`);
    if (neg.length)
      out.push(
        finding(
          "negative_values",
          `Weekly spend of '${c.channel}' is negative in ${neg.length} week(s): ${neg.slice(0, 6).join(", ")}.`,
          {
            where: { column: c.name, channel: c.channel },
            fix: "credits larger than a week's spend must be spread over the weeks they belong to",
          },
        ),
      );
    const active = s.filter((v) => v > 0).length;
    if (active === 0) {
      out.push(
        finding(
          "zero_channel",
          `Channel '${c.channel}' has no spend in any week: its effect cannot be estimated.`,
          {
            where: { column: c.name, channel: c.channel },
            fix: "remove the channel from the config, or check the taxonomy maps its campaigns",
          },
        ),
      );
      return;
    }
    const first = s[0];
    if (s.every((v) => Math.abs(v - first) < 1e-9)) {
      out.push(
        finding(
          "constant_channel",
          `Channel '${c.channel}' spends the same amount every week: its effect is confounded with the baseline.`,
          {
            where: { column: c.name, channel: c.channel },
            fix: "a channel needs variation in spend to be measured; consider a spend test",
          },
        ),
      );
    } else if (active < 0.1 * T) {
      out.push(
        finding(
          "sparse_channel",
          `Channel '${c.channel}' is active in only ${active} of ${T} weeks: its estimate will lean on the prior.`,
          { where: { column: c.name, channel: c.channel } },
        ),
      );
    }
    spikes(c.name, s, true);
  });

  // collinearity between channels (national weekly spend)
  const live = spend
    .map((c, i) => ({ c, s: spendNational[i] }))
    .filter(({ s }) => s.some((v, _t, a) => v !== a[0]));
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const r = correlation(live[i].s, live[j].s);
      if (Math.abs(r) >= qa.correlation_warn) {
        out.push(
          finding(
            "collinearity_pair",
            `Weekly spend of '${live[i].c.channel}' and '${live[j].c.channel}' is correlated (r = ${r.toFixed(2)}): the model will struggle to split credit between them.`,
            {
              where: { channel: live[i].c.channel },
              data: { a: live[i].c.channel, b: live[j].c.channel, r },
              fix: "expect wide, negatively correlated intervals for the pair; an experiment on one of them (or a prior from one) separates them",
            },
          ),
        );
      }
    }
  }
  if (live.length >= 3) {
    const vifs = varianceInflationFactors(live.map((l) => l.s));
    vifs.forEach((v, i) => {
      if (v >= qa.vif_warn)
        out.push(
          finding(
            "collinearity_vif",
            `Spend of '${live[i].c.channel}' is largely explained by the other channels (VIF = ${Number.isFinite(v) ? v.toFixed(1) : "∞"}).`,
            { where: { channel: live[i].c.channel }, data: { vif: v } },
          ),
        );
    });
  }

  // controls: constant ones and ones that are (nearly) the KPI. A column named like attributed
  // results is an outcome of the media by construction, and how closely it follows the KPI depends
  // on the mix (broadcast reports nothing, search claims baseline demand): the lab's platform
  // claims follow the KPI at r 0.2–0.85. Its name is the evidence; the bar only asks that it move
  // with the KPI beyond chance (r ≥ 2/√weeks).
  const attributedBar = 2 / Math.sqrt(Math.max(4, kpiNational.length));
  for (const c of table.columns.filter((col) => col.role === "control" || col.role === "kpi_value")) {
    const nat = c.values;
    if (nat.every((v) => v === nat[0]))
      out.push(
        finding(
          "constant_control",
          `Control '${c.name}' never varies: it cannot be estimated and will be dropped by the model.`,
          { where: { column: c.name } },
        ),
      );
    if (c.role !== "control") continue;
    const r = correlation(nationalSeries(table, c.name), kpiNational);
    if (Math.abs(r) >= 0.995) {
      out.push(
        finding(
          "leaking_control",
          `Control '${c.name}' is practically the KPI itself (r = ${r.toFixed(3)}): using it would explain the KPI with itself.`,
          { where: { column: c.name }, fix: "remove this control; it is an outcome, not a cause" },
        ),
      );
    } else if (Math.abs(r) >= qa.leakage_correlation || (looksAttributed(c.name) && r >= attributedBar)) {
      out.push(
        finding(
          "leakage",
          `Control '${c.name}' tracks the KPI closely (r = ${r.toFixed(2)}): if it is an outcome of marketing (attributed conversions, site visits) it will absorb the media effects.`,
          {
            where: { column: c.name },
            fix: "keep only controls that cause the KPI and are not caused by the media",
          },
        ),
      );
    }
  }
  for (const cand of candidates) {
    const r = correlation(cand.weekly, kpiNational);
    if (!Number.isFinite(r)) continue;
    if (Math.abs(r) >= qa.leakage_correlation || (looksAttributed(cand.column) && r >= attributedBar)) {
      out.push(
        finding(
          "leakage",
          `Column '${cand.column}' in ${cand.file} (not used) tracks the KPI (r = ${r.toFixed(2)})${looksAttributed(cand.column) ? " and looks like platform-attributed results" : ""}: if it is an outcome of the marketing (attributed results, visits), keep it out of the model; if it is an outside driver, it may belong among the controls.`,
          { where: { file: cand.file, column: cand.column }, data: { r } },
        ),
      );
    }
  }

  // geo coverage: geos that get no media at all
  if (G > 1) {
    const dark = table.geos.filter((_, g) =>
      spend.every((c) => c.values.subarray(g * T, (g + 1) * T).every((v) => v === 0)),
    );
    if (dark.length)
      out.push(
        finding(
          "geo_coverage",
          `${dark.length} geo(s) have no media spend in any channel: ${dark.slice(0, 10).join(", ")}.`,
          { fix: "check the geo labels match between the KPI and spend files" },
        ),
      );
  }
  return out;
}

function fmt(x: number): string {
  return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(4);
}
