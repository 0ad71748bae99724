// The parts of `mmm geotest design` that are not the method: reading its options, the printed
// ranking and the design file that `analyze --design` reads back.

import { MmmError } from "../core/errors.js";
import { parseUserNumber } from "../core/userNumber.js";
import { EXPERIMENT_KINDS, type ExperimentKind } from "../experiments/experimentsFile.js";
import { type DesignOptions, type DesignRow, EFFECT_GRID } from "../experiments/geo/design.js";
import type { GeoPanel } from "../experiments/geo/panel.js";

export interface DesignCliOptions {
  treated?: string[];
  durations: string;
  sizes: string;
  include?: string;
  exclude?: string;
  maxShare: string;
  candidates: string;
  kind: string;
  effect?: string;
  iroas?: string;
  spendChange?: string;
  channel?: string;
  top: string;
  out?: string;
  html?: string;
}

export const list = (s: string | undefined) =>
  (s ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

export const num = (text: string, flag: string, rule: Parameters<typeof parseUserNumber>[3] = {}) =>
  parseUserNumber(text, flag, { option: flag }, rule);

export function kindOf(text: string | undefined, flag = "--kind"): ExperimentKind | undefined {
  if (text === undefined) return undefined;
  if (!(EXPERIMENT_KINDS as readonly string[]).includes(text))
    throw new MmmError(
      "E_BAD_OPTION",
      `${flag} '${text}' is not a test kind.`,
      { option: flag },
      `use one of: ${EXPERIMENT_KINDS.join(", ")}`,
    );
  return text as ExperimentKind;
}

export const fmt = (x: number | null, d = 0) =>
  x === null ? "—" : x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** The design options from the command line, every number checked. */
export function designOptions(o: DesignCliOptions, p: GeoPanel) {
  const durations = list(o.durations).map((d) =>
    num(d, "--durations", { integer: true, min: 1, example: "2,4,6" }),
  );
  const sizes = list(o.sizes).map((d) =>
    num(d, "--sizes", { integer: true, min: 1, max: p.geos.length - 5, example: "2,3,4" }),
  );
  const groups = (o.treated ?? []).map(list);
  for (const g of [...list(o.include), ...list(o.exclude), ...groups.flat()])
    if (!p.geos.includes(g))
      throw new MmmError(
        "E_GEO_PANEL",
        `Geo '${g}' is not in the panel ${p.source}.`,
        {
          option: list(o.include).includes(g)
            ? "--include"
            : list(o.exclude).includes(g)
              ? "--exclude"
              : "--treated",
        },
        `geos are: ${p.geos.slice(0, 12).join(", ")}, …`,
      );
  const kind = kindOf(o.kind) ?? "go_dark";
  const sign = kind === "heavy_up" ? 1 : -1;
  let expectedLift: number | undefined;
  if (o.iroas !== undefined || o.spendChange !== undefined) {
    if (o.iroas === undefined || o.spendChange === undefined)
      throw new MmmError(
        "E_BAD_OPTION",
        "--iroas and --spend-change go together: the expected lift is their product.",
        { option: "--iroas" },
        "e.g. --iroas 0.02 --spend-change -200k, or --effect 5%",
      );
    expectedLift =
      num(o.iroas, "--iroas", { min: 0 }) * num(o.spendChange, "--spend-change", { suffixes: true });
  }
  const effect =
    o.effect === undefined
      ? undefined
      : num(o.effect.replace(/%$/, ""), "--effect", { min: 0, maxExclusive: true, max: 100 }) /
        (o.effect.endsWith("%") ? 100 : 1);
  const options: DesignOptions = {
    durations,
    sizes,
    include: list(o.include),
    exclude: list(o.exclude),
    groups,
    maxShare: num(o.maxShare, "--max-share", { min: 0, max: 1, minExclusive: true }),
    candidates: num(o.candidates, "--candidates", { integer: true, min: 1, max: 500 }),
    sign,
    expectedLift,
    expectedRelative: expectedLift === undefined ? (effect ?? 0.05) : undefined,
  };
  const effectText = expectedLift !== undefined ? `${fmt(expectedLift)} ${p.kpi}` : pct(effect ?? 0.05);
  return { options, effectText, durations, kind };
}

export interface LinesContext {
  p: GeoPanel;
  top: number;
  unit: string;
  seconds: number;
  durations: number;
  kind: string;
  effectText: string;
  channel?: string;
  spendGiven: boolean;
  prior: boolean;
}

/** The printed ranking: one line per design, then what the columns mean. */
export function designLines(rows: DesignRow[], c: LinesContext): string[] {
  const { p, unit } = c;
  const groups = new Set(rows.map((r) => r.treated.join())).size;
  const prior = (r: DesignRow) =>
    r.prior
      ? `${r.prior.pConclusive.toFixed(2).padStart(9)}  ${fmt(r.prior.expectedKpiCost).padStart(10)}  `
      : "";
  const share = (x: number | null) => (x === null ? "—" : x.toFixed(2));
  const out = [
    `Geo test designs on ${p.source}: ${rows.length} (${groups} groups × ${c.durations} durations) in ${c.seconds.toFixed(1)} s; ${c.kind}, effect ${c.effectText}`,
    `${"rank".padStart(4)}  ${"length".padStart(6)}  ${"share".padStart(6)}  ${"power".padStart(5)}  ${"A/A".padStart(4)}  ${"MDE".padStart(6)}  ${"MDE (KPI)".padStart(10)}  ${c.prior ? `${"P(concl.)".padStart(9)}  ${"cost (KPI)".padStart(10)}  ` : ""}${"how".padEnd(10)}  treated`,
    ...rows
      .slice(0, c.top)
      .map(
        (r) =>
          `${String(r.rank).padStart(4)}  ${`${r.periods} ${unit}`.padStart(6)}  ${pct(r.share).padStart(6)}  ${share(r.powerAtExpected).padStart(5)}  ${share(r.falsePositiveRate).padStart(4)}  ${(r.mdeRelative === null ? "> 50%" : pct(r.mdeRelative)).padStart(6)}  ${fmt(r.mde).padStart(10)}  ${prior(r)}${r.how.padEnd(10)}  ${r.treated.join(", ")}`,
      ),
  ];
  if (c.prior)
    out.push(
      `P(concl.): power averaged over the posterior of the test's lift (${c.channel} ${c.kind === "heavy_up" ? "marginal" : "average"} ROI per draw × the spend change${c.spendGiven ? "" : ": the treated geos' last-13-week spend × the test length"}); cost: expected KPI lost`,
    );
  const blind = [...new Set(rows.filter((r) => r.windows === 0).map((r) => r.periods))];
  if (blind.length > 0)
    out.push(
      `${blind.join(", ")} ${unit} tests: too little history for any power window (a window needs 19 non-overlapping placebo windows before or after it); ranked last`,
    );
  out.push(
    "power: share of past windows where the expected effect, injected, is detected at α = 0.1 (the windows column of --out); A/A: the same with nothing injected (≈ α when history is stable); MDE: smallest effect with power ≥ 0.8",
  );
  return out;
}

/** The design file: every design with its power curve (and the MMM prior when a run was given). */
export function designDoc(rows: DesignRow[], p: GeoPanel, kind: string, channel: string | undefined) {
  return {
    format: "mmm-os/geotest-design@1",
    panel: p.source,
    channel: channel ?? null,
    kind,
    period_days: p.step,
    effect_grid: EFFECT_GRID,
    designs: rows.map((r) => ({
      rank: r.rank,
      treated: r.treated,
      periods: r.periods,
      how: r.how,
      share: round(r.share),
      power_at_expected: r.powerAtExpected === null ? null : round(r.powerAtExpected),
      false_positive_rate: r.falsePositiveRate === null ? null : round(r.falsePositiveRate),
      expected_lift: r.expectedLift === null ? null : round(r.expectedLift),
      mde_relative: r.mdeRelative,
      mde: r.mde === null ? null : round(r.mde),
      windows: r.windows,
      power_curve: r.powerCurve.map(round),
      ...(r.prior
        ? {
            prior: {
              spend_change: round(r.prior.spendChange),
              lift_mean: round(r.prior.liftMean),
              lift_90: [round(r.prior.liftLow), round(r.prior.liftHigh)],
              p_conclusive: round(r.prior.pConclusive),
              expected_kpi_cost: round(r.prior.expectedKpiCost),
              expected_value_cost:
                r.prior.expectedValueCost === null ? null : round(r.prior.expectedValueCost),
            },
          }
        : {}),
    })),
  };
}
