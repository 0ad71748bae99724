// PSIS-LOO, loo_compare and stacking agree with R's loo 2.5.1 on fixed log-likelihood matrices
// (test/fixtures/loo.json, made by generate-loo.R); the GPD pieces and messages are checked by hand.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  compareModels,
  gpdFit,
  gpdQuantile,
  type PsisLooResult,
  paretoTailLength,
  psisLoo,
  relativeEff,
  stackingWeights,
} from "../../src/analysis/loo.js";

type JsonNumber = number | null | "Inf" | "-Inf" | "NaN";
interface FixtureSet {
  name: string;
  draws: number;
  observations: number;
  model: "raw" | "gaussian_linear";
  y: number[] | null;
  X: number[][] | null;
  parameters: number[][] | null;
  log_lik: number[][] | null;
  log_lik_sum: number;
  chain_ids: number[] | null;
  r_eff_input: number[] | null;
  relative_eff: number[] | null;
  pointwise: Record<"elpd_loo" | "mcse_elpd_loo" | "p_loo" | "looic" | "pareto_k" | "n_eff", JsonNumber[]>;
  estimates: Record<"elpd_loo" | "se_elpd_loo" | "p_loo" | "se_p_loo" | "looic" | "se_looic", number>;
  mcse_elpd_loo: JsonNumber;
  pareto_k_counts: number[];
}
interface FixtureComparison {
  name: string;
  models: string[];
  loo_compare: { model: string; elpd_diff: number; se_diff: number; elpd_loo: number; se_elpd_loo: number }[];
  stacking: number[];
  stacking_optimum: number[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/loo.json", import.meta.url), "utf8")) as {
  loo: string;
  sets: FixtureSet[];
  comparisons: FixtureComparison[];
};

function decode(v: JsonNumber): number {
  if (v === null || v === "NaN") return Number.NaN;
  if (v === "Inf") return Number.POSITIVE_INFINITY;
  if (v === "-Inf") return Number.NEGATIVE_INFINITY;
  return v;
}

// Observed agreement with loo is ≤ 1e-12 relative (summation order and libm rounding differ); 1e-9
// leaves room for other platforms while catching any convention error (those show at ≥ 1e-4).
const REL_TOL = 1e-9;

function expectClose(actual: number, expected: JsonNumber, label: string, tol = REL_TOL): void {
  const e = decode(expected);
  if (!Number.isFinite(e)) {
    expect(actual, label).toBe(e);
    return;
  }
  // Values near zero (k ≈ 0, p_loo of a constant column) are compared on the scale of 1.
  expect(Math.abs(actual - e), `${label}: ${actual} vs loo ${e}`).toBeLessThanOrEqual(
    tol * Math.max(1, Math.abs(e)),
  );
}

const LN_SQRT_2PI = 0.9189385332046728; // R's M_LN_SQRT_2PI

/** Rebuilds the draws × observations log-likelihood with R's dnorm arithmetic (see generate-loo.R). */
function logLikOf(set: FixtureSet): Float64Array {
  const s = set.draws;
  const n = set.observations;
  const ll = new Float64Array(s * n);
  if (set.model === "raw") {
    set.log_lik!.forEach((col, i) => {
      col.forEach((v, d) => {
        ll[d * n + i] = v;
      });
    });
    return ll;
  }
  const X = set.X!;
  const par = set.parameters!;
  const p = X.length;
  const y = set.y!;
  for (let d = 0; d < s; d++) {
    const sigma = par[p][d];
    for (let i = 0; i < n; i++) {
      let mu = par[0][d] * X[0][i];
      for (let j = 1; j < p; j++) mu = mu + par[j][d] * X[j][i];
      const z = Math.abs((y[i] - mu) / sigma);
      ll[d * n + i] = -(LN_SQRT_2PI + 0.5 * z * z + Math.log(sigma));
    }
  }
  return ll;
}

const results = new Map<string, PsisLooResult>();
function looOf(set: FixtureSet): PsisLooResult {
  let r = results.get(set.name);
  if (!r) {
    const ll = logLikOf(set);
    r = psisLoo(ll, set.draws, set.observations, {
      chainIds: set.chain_ids ? Int32Array.from(set.chain_ids) : undefined,
      r_eff: set.r_eff_input ? Float64Array.from(set.r_eff_input) : undefined,
    });
    results.set(set.name, r);
  }
  return r;
}

describe(`psisLoo agrees with R's loo ${fixture.loo}`, () => {
  for (const set of fixture.sets) {
    describe(set.name, () => {
      it("rebuilds the log-likelihood matrix R used", () => {
        const ll = logLikOf(set);
        let total = 0;
        for (const v of ll) total += v;
        expect(Math.abs(total - set.log_lik_sum)).toBeLessThan(1e-11 * Math.abs(set.log_lik_sum));
      });

      if (set.relative_eff) {
        it("relative efficiency from the chains matches loo::relative_eff", () => {
          const r = relativeEff(logLikOf(set), set.draws, set.observations, Int32Array.from(set.chain_ids!));
          set.relative_eff!.forEach((e, i) => {
            expectClose(r[i], e, `r_eff[${i}]`);
          });
        });
      }

      it("pointwise Pareto k, elpd_loo, p_loo, looic, MCSE and n_eff", () => {
        const r = looOf(set);
        const pw = set.pointwise;
        for (let i = 0; i < set.observations; i++) {
          expectClose(r.pointwise.paretoK[i], pw.pareto_k[i], `k[${i}]`);
          expectClose(r.pointwise.elpd[i], pw.elpd_loo[i], `elpd_loo[${i}]`);
          expectClose(r.pointwise.pLoo[i], pw.p_loo[i], `p_loo[${i}]`);
          expectClose(r.pointwise.looic[i], pw.looic[i], `looic[${i}]`);
          expectClose(r.pointwise.mcse[i], pw.mcse_elpd_loo[i], `mcse_elpd_loo[${i}]`);
          expectClose(r.pointwise.nEff[i], pw.n_eff[i], `n_eff[${i}]`);
        }
      });

      it("totals, SEs, MCSE and the k table", () => {
        const r = looOf(set);
        const e = set.estimates;
        expectClose(r.elpd, e.elpd_loo, "elpd_loo");
        expectClose(r.se, e.se_elpd_loo, "se_elpd_loo");
        expectClose(r.pLoo, e.p_loo, "p_loo");
        expectClose(r.sePLoo, e.se_p_loo, "se_p_loo");
        expectClose(r.looic, e.looic, "looic");
        expectClose(r.seLooic, e.se_looic, "se_looic");
        if (set.mcse_elpd_loo === null) expect(r.mcse).toBeNaN();
        else expectClose(r.mcse, set.mcse_elpd_loo, "mcse_elpd_loo");
        const c = r.counts;
        expect([c.good, c.ok, c.bad, c.veryBad]).toEqual(set.pareto_k_counts);
      });
    });
  }
});

describe(`compareModels and stackingWeights agree with R's loo ${fixture.loo}`, () => {
  const byName = new Map(fixture.sets.map((s) => [s.name, s]));
  for (const cmp of fixture.comparisons) {
    describe(cmp.name, () => {
      const elpds = cmp.models.map((m) => looOf(byName.get(m)!).pointwise.elpd);

      it("loo_compare: order, elpd_diff and se_diff", () => {
        const rows = compareModels(cmp.models.map((name, j) => ({ name, pointwise: elpds[j] })));
        expect(rows.map((r) => r.name)).toEqual(cmp.loo_compare.map((r) => r.model));
        rows.forEach((row, j) => {
          const ref = cmp.loo_compare[j];
          expectClose(row.elpdDiff, ref.elpd_diff, `${row.name} elpd_diff`);
          expectClose(row.seDiff, ref.se_diff, `${row.name} se_diff`);
          expectClose(row.elpd, ref.elpd_loo, `${row.name} elpd_loo`);
          expectClose(row.se, ref.se_elpd_loo, `${row.name} se_elpd_loo`);
        });
        expect(rows[0].verdict).toBe("best");
      });

      it("stacking weights match loo_model_weights to 1e-3 and the exact optimum to 1e-6", () => {
        const w = stackingWeights(elpds);
        let total = 0;
        w.forEach((wk, k) => {
          total += wk;
          expect(wk).toBeGreaterThanOrEqual(0);
          expect(Math.abs(wk - cmp.stacking[k]), `w[${k}] vs loo`).toBeLessThan(1e-3);
          expect(Math.abs(wk - cmp.stacking_optimum[k]), `w[${k}] vs optimum`).toBeLessThan(1e-6);
        });
        expect(Math.abs(total - 1)).toBeLessThan(1e-12);
      });
    });
  }
});

describe("generalized Pareto pieces", () => {
  it("tail length is loo's ⌈min(0.2 S, 3 √(S / r_eff))⌉", () => {
    expect(paretoTailLength(1, 2000)).toBe(135);
    expect(paretoTailLength(0.1, 2000)).toBe(400);
    expect(paretoTailLength(1, 20)).toBe(4);
    expect(paretoTailLength(10, 100)).toBe(10);
  });

  it("quantile function inverts the GPD cdf, including the exponential limit k = 0", () => {
    for (const k of [-0.3, 0, 0.4, 1.2]) {
      for (const p of [0.01, 0.5, 0.99]) {
        const q = gpdQuantile(p, k, 2);
        const cdf = k === 0 ? 1 - Math.exp(-q / 2) : 1 - (1 + (k * q) / 2) ** (-1 / k);
        expect(Math.abs(cdf - p)).toBeLessThan(1e-12);
      }
    }
    expect(gpdQuantile(0.5, 0.3, -1)).toBeNaN();
  });

  it("recovers the shape of a large GPD sample (prior shrinkage is negligible at n = 20000)", () => {
    const n = 20000;
    const k = 0.6;
    const x = Float64Array.from({ length: n }, (_, i) => gpdQuantile((i + 0.5) / n, k, 1.5));
    const fit = gpdFit(x, n);
    expect(Math.abs(fit.k - k)).toBeLessThan(0.01);
    expect(Math.abs(fit.sigma - 1.5) / 1.5).toBeLessThan(0.02);
  });
});

describe("psisLoo edge cases and messages", () => {
  it("independent draws of a constant log-likelihood: exact elpd, k = Inf as loo, a tie warning", () => {
    const ll = new Float64Array(200).fill(-2.5);
    const r = psisLoo(ll, 200, 1, { unit: "week" });
    expect(r.pointwise.elpd[0]).toBeCloseTo(-2.5, 14);
    expect(r.pointwise.pLoo[0]).toBeCloseTo(0, 14);
    expect(r.pointwise.paretoK[0]).toBe(Number.POSITIVE_INFINITY);
    expect(r.pointwise.status[0]).toBe("tail_constant");
    expect(r.warnings.map((w) => w.kind)).toEqual(["pareto_fit_undefined"]);
    expect(r.warnings[0].message).toContain("1 week (week 1)");
  });

  it("influential weeks get one plain-language error naming them", () => {
    const set = fixture.sets.find((s) => s.name === "regression_outliers")!;
    const r = psisLoo(logLikOf(set), set.draws, set.observations, { unit: "week" });
    const high = r.warnings.find((w) => w.kind === "pareto_k_high")!;
    expect(high.severity).toBe("error");
    expect(high.observations).toEqual([1, 2]);
    expect(high.message).toMatch(
      /^k > 0\.7 for 2 weeks, 1 of them above 1 \(week 2, week 3\): PSIS-LOO is unreliable/,
    );
    expect(high.message).toContain("check for outliers");
    const ok = r.warnings.find((w) => w.kind === "pareto_k_slightly_high")!;
    expect(ok.observations).toEqual([0]);
    expect(ok.severity).toBe("warning");
    expect(r.mcse).toBeNaN();
  });

  it("too few draws: a tail shorter than 5 is left raw and reported as such", () => {
    const set = fixture.sets.find((s) => s.name === "raw_small_S")!;
    const r = looOf(set);
    expect(r.warnings.map((w) => w.kind)).toEqual(["tail_too_short"]);
    expect(r.warnings[0].message).toContain("only 20 draws");
  });

  it("labels name observations in the messages", () => {
    const set = fixture.sets.find((s) => s.name === "regression_outliers")!;
    const labels = Array.from(
      { length: set.observations },
      (_, i) => `2024-W${String(i + 1).padStart(2, "0")}`,
    );
    const r = psisLoo(logLikOf(set), set.draws, set.observations, { unit: "week", labels });
    expect(r.warnings[0].message).toContain("(2024-W02, 2024-W03)");
  });

  it("rejects malformed input with a fix", () => {
    expect(() => psisLoo(new Float64Array(10), 3, 3)).toThrow(/expected draws × observations = 9/);
    const bad = new Float64Array(20).fill(-1);
    bad[7] = Number.NEGATIVE_INFINITY;
    expect(() => psisLoo(bad, 10, 2)).toThrow(/observation 2 at draw 4 is -Infinity/);
    expect(() => psisLoo(new Float64Array(20), 10, 2, { r_eff: Float64Array.of(1, 0) })).toThrow(/r_eff/);
    expect(() =>
      relativeEff(new Float64Array(20), 10, 2, Int32Array.of(1, 1, 1, 1, 1, 1, 2, 2, 2, 2)),
    ).toThrow(/different lengths/);
  });

  it("is invariant to a shift of every log-likelihood value in a column (up to that shift)", () => {
    const set = fixture.sets.find((s) => s.name === "normal_iid")!;
    const ll = logLikOf(set);
    const shifted = ll.map((v) => v - 800);
    const a = looOf(set);
    const b = psisLoo(shifted, set.draws, set.observations, { chainIds: Int32Array.from(set.chain_ids!) });
    for (let i = 0; i < set.observations; i++) {
      expect(Math.abs(b.pointwise.elpd[i] + 800 - a.pointwise.elpd[i])).toBeLessThan(1e-9);
      expect(Math.abs(b.pointwise.paretoK[i] - a.pointwise.paretoK[i])).toBeLessThan(1e-9);
      // loo's own MCSE would be NA here (exp(−800) underflows); ours is scale-free.
      expect(Math.abs(b.pointwise.mcse[i] - a.pointwise.mcse[i])).toBeLessThan(1e-9);
      expect(Math.abs(b.pointwise.rEff[i] - a.pointwise.rEff[i])).toBeLessThan(1e-9);
    }
  });
});

describe("compareModels and stackingWeights by hand", () => {
  it("stacking: a dominated model gets weight ~0; identical models split evenly; one model gets 1", () => {
    const a = Float64Array.from({ length: 50 }, (_, i) => -1 - 0.01 * i);
    const worse = a.map((v) => v - 2);
    const w = stackingWeights([worse, a]);
    expect(w[1]).toBeGreaterThan(1 - 1e-8);
    const even = stackingWeights([a, a, a]);
    for (const v of even) expect(Math.abs(v - 1 / 3)).toBeLessThan(1e-12);
    expect(Array.from(stackingWeights([a]))).toEqual([1]);
  });

  it("stacking survives pointwise elpd far below exp's range", () => {
    const set = fixture.comparisons.find((c) => c.name === "two_regressions")!;
    const byName = new Map(fixture.sets.map((s) => [s.name, s]));
    const elpds = set.models.map((m) => looOf(byName.get(m)!).pointwise.elpd.map((v) => v - 2000));
    const w = stackingWeights(elpds);
    set.stacking_optimum.forEach((o, k) => {
      expect(Math.abs(w[k] - o)).toBeLessThan(1e-6);
    });
  });

  it("verdicts: small, uncertain and clear differences", () => {
    const base = Float64Array.from({ length: 100 }, (_, i) => -1 - Math.sin(i));
    const small = base.map((v, i) => v - (i % 2 === 0 ? 0.05 : 0));
    const noisy = base.map((v, i) => v + (i % 2 === 0 ? 0.9 : -1.0));
    const clear = base.map((v, i) => v - 0.2 - (i % 2 === 0 ? 0.05 : 0));
    const rows = compareModels([
      { name: "clear", pointwise: clear },
      { name: "base", pointwise: base },
      { name: "small", pointwise: small },
      { name: "noisy", pointwise: noisy },
    ]);
    expect(rows.map((r) => [r.name, r.verdict])).toEqual([
      ["base", "best"],
      ["small", "similar"],
      ["noisy", "uncertain"],
      ["clear", "worse"],
    ]);
    expect(rows[0].elpdDiff).toBe(0);
    expect(rows[0].seDiff).toBe(0);
    expect(rows[3].note).toMatch(/^worse by 22\.5 ± 0\.3 \(89\.\d standard errors\)/);
  });

  it("rejects fewer than two models or unequal lengths", () => {
    expect(() => compareModels([{ name: "a", pointwise: new Float64Array(3) }])).toThrow(/at least two/);
    expect(() =>
      compareModels([
        { name: "a", pointwise: new Float64Array(3) },
        { name: "b", pointwise: new Float64Array(4) },
      ]),
    ).toThrow(/different numbers of observations/);
  });
});
