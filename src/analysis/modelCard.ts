// The model card of a registered fit: what a reviewer or an auditor needs on one page — the
// objective and KPI, the data window and its sources, the model's assumptions and priors, the
// evidence it passed, its known limits, and who approved it when. Built from the run folder's own
// files and the registry's history, so it cannot drift from the run it describes.

import { readFileSync } from "node:fs";
import { join } from "node:path";

/** What the card needs of a registered run (the registry's RunRecord has these fields). */
export interface CardRun {
  id: string;
  status: string;
  owner: string;
  createdAt: string;
  note: string;
  parentId: string | null;
  /** The run folder. */
  path: string;
  dataSha256: string | null;
  specSha256: string | null;
  codeVersion: string | null;
}

/** An entry of the run's history (the registry's RunEvent). */
export interface CardEvent {
  at: string;
  action: string;
  owner: string;
  note: string;
}

export interface ModelCard {
  format: "mmm-os/model-card@1";
  run: {
    id: string;
    status: string;
    owner: string;
    created_at: string;
    note: string;
    follows: string | null;
  };
  objective: string;
  kpi: { name: string; value_per_unit: number | null; currency: string; roi_unit: string };
  data: {
    window: { first_week: string; last_week: string; weeks: number; geos: number };
    sources: { name: string; file: string; sha256: string; rows: number | null }[];
    taxonomy: string | null;
    table_sha256: string | null;
  };
  model: {
    likelihood: string;
    channels: { name: string; input: string; adstock: string; max_lag: number; saturation: string }[];
    geo_effects: string;
    /** Each prior once, with the parameters that carry it. */
    priors: { prior: string; group: string; parameters: string[] }[];
    spec_sha256: string | null;
  };
  evidence: {
    method: string;
    diagnostics: {
      verdict: string;
      rhat_max: number | null;
      ess_bulk_min: number | null;
      divergences: number;
    };
    lift_tests: number;
    note: string;
  };
  known_limits: string[];
  approvals: { at: string; action: string; by: string; note: string }[];
  code: string | null;
}

interface FitJson {
  method: string;
  config?: { resolved?: { likelihood?: { family?: string }; geo_hierarchy?: { media_effect?: string } } };
  experiments?: { tests?: number } | null;
  parameters: { name: string; group: string; prior: string }[];
  channels: { name: string; input: string; adstock: string; max_lag: number; saturation: string }[];
}

interface SummaryJson {
  kpi: string;
  currency: string;
  value_per_unit: number | null;
  roi_unit: string;
  window: ModelCard["data"]["window"];
  channels: Record<string, { roi: { q05: number; q95: number } }>;
  diagnostics: {
    verdict: string;
    rhat_max: number | null;
    ess_bulk_min: number | null;
    divergences: number;
    warnings: string[];
  };
  approximate: boolean;
}

const readJson = <T>(path: string): T | null => {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return null;
  }
};

export function buildModelCard(run: CardRun, events: CardEvent[]): ModelCard {
  const fit = readJson<FitJson>(join(run.path, "fit.json"));
  const summary = readJson<SummaryJson>(join(run.path, "summary.json"));
  if (!fit || !summary)
    throw new Error(`run ${run.id} has no readable fit.json and summary.json at ${run.path}`);
  const lineage = readJson<{
    inputs?: { name: string; file: string; sha256: string; rows?: number }[];
    taxonomy?: { version?: string; sha256?: string };
  }>(join(run.path, "data", "lineage.json"));
  const priors = new Map<string, { prior: string; group: string; parameters: string[] }>();
  for (const p of fit.parameters) {
    const key = `${p.group}|${p.prior}`;
    const entry = priors.get(key) ?? { prior: p.prior, group: p.group, parameters: [] };
    entry.parameters.push(p.name);
    priors.set(key, entry);
  }
  const tests = fit.experiments?.tests ?? 0;
  return {
    format: "mmm-os/model-card@1",
    run: {
      id: run.id,
      status: run.status,
      owner: run.owner,
      created_at: run.createdAt,
      note: run.note,
      follows: run.parentId,
    },
    objective: `Estimate each paid channel's incremental ${summary.kpi} and return on spend, with uncertainty, to decide next period's budget allocation.`,
    kpi: {
      name: summary.kpi,
      value_per_unit: summary.value_per_unit,
      currency: summary.currency,
      roi_unit: summary.roi_unit,
    },
    data: {
      window: summary.window,
      sources: (lineage?.inputs ?? []).map((i) => ({
        name: i.name,
        file: i.file,
        sha256: i.sha256,
        rows: i.rows ?? null,
      })),
      taxonomy: lineage?.taxonomy
        ? `${lineage.taxonomy.version ?? "?"} (${(lineage.taxonomy.sha256 ?? "").slice(0, 12)})`
        : null,
      table_sha256: run.dataSha256,
    },
    model: {
      likelihood: fit.config?.resolved?.likelihood?.family ?? "normal",
      channels: fit.channels.map((c) => ({
        name: c.name,
        input: c.input,
        adstock: c.adstock,
        max_lag: c.max_lag,
        saturation: c.saturation,
      })),
      geo_effects:
        summary.window.geos > 1
          ? (fit.config?.resolved?.geo_hierarchy?.media_effect ?? "pooled")
          : "national model",
      priors: [...priors.values()],
      spec_sha256: run.specSha256,
    },
    evidence: {
      method: fit.method === "fast" ? "Laplace approximation (not MCMC)" : "NUTS (MCMC)",
      diagnostics: {
        verdict: summary.diagnostics.verdict,
        rhat_max: summary.diagnostics.rhat_max,
        ess_bulk_min: summary.diagnostics.ess_bulk_min,
        divergences: summary.diagnostics.divergences,
      },
      lift_tests: tests,
      note: "Holdout, cross-validation, sensitivity and placebo results are in the run's HTML report (mmm report).",
    },
    known_limits: knownLimits(summary, tests),
    approvals: events
      .filter((e) => e.action === "approved" || e.action === "retired")
      .map((e) => ({ at: e.at, action: e.action, by: e.owner, note: e.note })),
    code: run.codeVersion,
  };
}

/** What a reader must not over-read, from the fit's own numbers. */
function knownLimits(s: SummaryJson, tests: number): string[] {
  const limits: string[] = [];
  if (s.approximate) limits.push("Approximate fit: intervals may be too narrow; not for decisions.");
  if (s.diagnostics.verdict === "warning")
    limits.push(
      `Sampler diagnostics raised ${s.diagnostics.warnings.length} warning(s): see diagnostics.json.`,
    );
  for (const [name, c] of Object.entries(s.channels)) {
    if (c.roi.q05 > 0 && c.roi.q95 / c.roi.q05 > 5)
      limits.push(
        `${name}: the ROI interval spans more than a factor of 5 (${c.roi.q05.toPrecision(2)} to ${c.roi.q95.toPrecision(2)}): weakly identified; a lift test would narrow it.`,
      );
  }
  if (tests === 0)
    limits.push("Not calibrated with experiments: ROI rests on observational variation and the priors.");
  limits.push(
    "Causal reading assumes spend was not set in response to unmodelled demand shocks; channels whose spend follows demand are flagged in the report.",
  );
  return limits;
}
