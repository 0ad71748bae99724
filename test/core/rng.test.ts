// Known-answer tests for the seeded generator: the bit stream against an independent reference
// implementation of splitmix32 + xoshiro128** (written with BigInt, sharing no code with src/),
// the FNV-1a test vectors, and sample moments / goodness of fit against closed-form distributions.

import { describe, expect, it } from "vitest";
import { apportion, hashString, Rng } from "../../src/core/rng.js";

// ---------------------------------------------------------------- reference generator (BigInt)

const M32 = 0xffffffffn;
const rotlRef = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M32;

/** A numeric seed's two 32-bit halves folded into one word: lo ^ ((hi ^ 0x5bd1e995) · 0x9e3779b1 mod 2³²). */
function refFoldSeed(seed: number): number {
  const big = BigInt(seed);
  const lo = ((big % 2n ** 32n) + 2n ** 32n) % 2n ** 32n;
  const hi = ((((big >= 0n ? big : big - (2n ** 32n - 1n)) / 2n ** 32n) % 2n ** 32n) + 2n ** 32n) % 2n ** 32n;
  return Number(lo ^ (((hi ^ 0x5bd1e995n) * 0x9e3779b1n) & M32));
}

/** splitmix32 as documented: a Weyl sequence (+0x9e3779b9) through the murmur3 fmix32 finaliser. */
function refSeedState(word: number): bigint[] {
  let x = BigInt(word >>> 0);
  const out: bigint[] = [];
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9n) & M32;
    let z = x;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M32;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M32;
    out.push(z ^ (z >> 16n));
  }
  return out;
}

/** xoshiro128** (Blackman & Vigna), straight from the reference C code. */
function refXoshiro(state: bigint[]): () => number {
  const s = [...state];
  return () => {
    const result = (rotlRef((s[1] * 5n) & M32, 7n) * 9n) & M32;
    const t = (s[1] << 9n) & M32;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotlRef(s[3], 11n);
    return Number(result);
  };
}

function countWhere(xs: Float64Array, bad: (x: number) => boolean): number {
  let c = 0;
  for (let i = 0; i < xs.length; i++) if (bad(xs[i])) c++;
  return c;
}

function draws(n: number, f: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f();
  return out;
}

/** Sample mean, variance (n − 1) and 4th central moment. */
function moments(xs: Float64Array): { n: number; mean: number; variance: number; m4: number } {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i];
  m /= n;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    s2 += d * d;
    s4 += d * d * d * d;
  }
  return { n, mean: m, variance: s2 / (n - 1), m4: s4 / n };
}

/**
 * Asserts the sample mean and variance match theory within `z` standard errors. The standard error
 * of the variance uses the sample 4th moment: Var(s²) ≈ (μ4 − σ⁴)/n.
 */
function expectMoments(xs: Float64Array, mean: number, variance: number, z = 5): void {
  const s = moments(xs);
  const seMean = Math.sqrt(variance / s.n);
  // the delta-method sd of the sample variance vanishes for a fair Bernoulli; floor it at O(1/n)
  const seVar = Math.max(Math.sqrt(Math.max(s.m4 - s.variance ** 2, 0) / s.n), 1 / s.n);
  expect(Math.abs(s.mean - mean)).toBeLessThan(z * seMean);
  expect(Math.abs(s.variance - variance)).toBeLessThan(z * seVar);
}

/** Pearson chi-square of integer draws against a pmf, pooling cells with expected count < 5. */
function chiSquare(xs: Float64Array, pmf: (k: number) => number, kMax: number): { stat: number; df: number } {
  const n = xs.length;
  const counts = new Float64Array(kMax + 2);
  for (let i = 0; i < n; i++) counts[Math.min(xs[i], kMax + 1)]++;
  const expected = new Float64Array(kMax + 2);
  let cum = 0;
  for (let k = 0; k <= kMax; k++) {
    expected[k] = n * pmf(k);
    cum += pmf(k);
  }
  expected[kMax + 1] = n * Math.max(0, 1 - cum);
  // pool adjacent cells left to right until each pooled cell expects ≥ 5
  let stat = 0;
  let cells = 0;
  let o = 0;
  let e = 0;
  for (let k = 0; k < counts.length; k++) {
    o += counts[k];
    e += expected[k];
    if (e >= 5) {
      stat += (o - e) ** 2 / e;
      cells++;
      o = 0;
      e = 0;
    }
  }
  if (e > 0) stat += (o - e) ** 2 / e;
  return { stat, df: cells - 1 };
}

/** A generous acceptance bound for a chi-square with `df` degrees of freedom (about 6 sd above the mean). */
const chiSquareBound = (df: number) => df + 6 * Math.sqrt(2 * df);

function logFactorial(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}
const poissonPmf = (lambda: number) => (k: number) =>
  Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
const binomialPmf = (n: number, p: number) => (k: number) =>
  Math.exp(
    logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p),
  );

// ---------------------------------------------------------------- the bit stream

describe("hashString (FNV-1a 32-bit)", () => {
  it("matches the published FNV-1a test vectors", () => {
    expect(hashString("")).toBe(0x811c9dc5);
    expect(hashString("a")).toBe(0xe40c292c);
    expect(hashString("foobar")).toBe(0xbf9cf968);
  });
});

describe("Rng bit stream", () => {
  it("xoshiro128** from state {1,2,3,4} gives the hand-computed first outputs", () => {
    const rng = new Rng(0);
    // set the documented state directly (private fields, runtime-visible)
    Object.assign(rng, { s0: 1, s1: 2, s2: 3, s3: 4 });
    // out1 = rotl(2·5, 7)·9 = 1280·9; the update leaves s1 = 0 (out2 = 0), then s1 = 1029:
    // out3 = rotl(1029·5, 7)·9 = 658560·9
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0, 5927040]);
    const ref = refXoshiro([1n, 2n, 3n, 4n]);
    for (let i = 0; i < 3; i++) ref();
    expect(Array.from(draws(1000, () => rng.nextUint32()))).toEqual(Array.from(draws(1000, ref)));
  });

  it("matches an independent splitmix32 + xoshiro128** reference for numeric seeds", () => {
    for (const seed of [0, 1, 42, 123456789, 0xdeadbeef, 2 ** 32 - 1]) {
      const ref = refXoshiro(refSeedState(refFoldSeed(seed)));
      const rng = new Rng(seed);
      expect(Array.from(draws(2000, () => rng.nextUint32()))).toEqual(Array.from(draws(2000, ref)));
    }
  });

  it("a string seed is its FNV-1a hash", () => {
    const ref = refXoshiro(refSeedState(hashString("campaign-2024")));
    const rng = new Rng("campaign-2024");
    for (let i = 0; i < 500; i++) expect(rng.nextUint32()).toBe(ref());
    const a = new Rng("foobar");
    const b = refXoshiro(refSeedState(0xbf9cf968));
    for (let i = 0; i < 100; i++) expect(a.nextUint32()).toBe(b());
  });

  it("uniform() assembles 27 + 26 high bits of two consecutive outputs into [0, 1)", () => {
    const ref = refXoshiro(refSeedState(refFoldSeed(7)));
    const rng = new Rng(7);
    for (let i = 0; i < 1000; i++) {
      const hi = ref() >>> 5;
      const lo = ref() >>> 6;
      expect(rng.uniform()).toBe((hi * 2 ** 26 + lo) / 2 ** 53);
    }
  });

  it("the same seed gives the same stream bit for bit across every method", () => {
    const run = (seed: number) => {
      const r = new Rng(seed);
      const out: number[] = [];
      for (let i = 0; i < 300; i++) {
        out.push(
          r.uniform(),
          r.normal(),
          r.gamma(0.7),
          r.gamma(3),
          r.poisson(4),
          r.poisson(80),
          r.negativeBinomial(12, 2),
          r.binomial(40, 0.2),
          r.binomial(500, 0.6),
          r.integer(-3, 9),
          r.pick([10, 20, 30]),
          ...r.multinomial(50, [1, 2, 3]),
        );
      }
      return out;
    };
    const a = run(2024);
    const b = run(2024);
    expect(a.length).toBe(b.length);
    expect(a.filter((x, i) => !Object.is(x, b[i])).length).toBe(0);
  });

  it("different seeds give different streams", () => {
    const firsts = new Set<number>();
    for (let seed = 0; seed < 1000; seed++) firsts.add(new Rng(seed).nextUint32());
    expect(firsts.size).toBe(1000);
    const r1 = new Rng(1);
    const r2 = new Rng(2);
    let same = 0;
    for (let i = 0; i < 1000; i++) if (r1.uniform() === r2.uniform()) same++;
    expect(same).toBe(0);
  });

  // Regression test; the bug was: the 64→32-bit fold `(seed >>> 0) ^ floor(seed / 2^32)` maps a negative seed −n to
  // n − 1, so every negative seed collides with a small non-negative one (−1 ≡ 0, −2 ≡ 1, …).
  it("negative seeds do not collide with small positive seeds", () => {
    expect(new Rng(-1).nextUint32()).not.toBe(new Rng(0).nextUint32());
  });
});

describe("Rng.fork", () => {
  it("is deterministic: same parent seed and label give the same child stream", () => {
    const a = new Rng(99).fork("tv");
    const b = new Rng(99).fork("tv");
    for (let i = 0; i < 1000; i++) expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it("is the documented derivation: Rng(parent.nextUint32() ^ hash(label))", () => {
    const parent = new Rng(5);
    const child = parent.fork("search");
    const twin = new Rng(5);
    const expected = new Rng((twin.nextUint32() ^ hashString("search")) >>> 0);
    for (let i = 0; i < 200; i++) expect(child.nextUint32()).toBe(expected.nextUint32());
    // the parent advanced by exactly one output
    for (let i = 0; i < 200; i++) expect(parent.nextUint32()).toBe(twin.nextUint32());
  });

  it("different labels give different streams", () => {
    const p1 = new Rng(7);
    const p2 = new Rng(7);
    const a = p1.fork("tv");
    const b = p2.fork("radio");
    let same = 0;
    for (let i = 0; i < 1000; i++) if (a.nextUint32() === b.nextUint32()) same++;
    expect(same).toBe(0);
  });

  it("children are uncorrelated with each other and with the parent", () => {
    const parent = new Rng(11);
    const a = parent.fork("a");
    const b = parent.fork("b");
    const n = 50_000;
    const xa = draws(n, () => a.uniform());
    const xb = draws(n, () => b.uniform());
    const xp = draws(n, () => parent.uniform());
    const corr = (x: Float64Array, y: Float64Array) => {
      let sx = 0;
      let sy = 0;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
      }
      const mx = sx / n;
      const my = sy / n;
      for (let i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) ** 2;
        syy += (y[i] - my) ** 2;
      }
      return sxy / Math.sqrt(sxx * syy);
    };
    // sd of a null correlation is 1/√n ≈ 0.0045
    expect(Math.abs(corr(xa, xb))).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(corr(xa, xp))).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(corr(xb, xp))).toBeLessThan(5 / Math.sqrt(n));
  });

  it("forking does not disturb the determinism of the rest of the parent stream", () => {
    const p1 = new Rng(3);
    const p2 = new Rng(3);
    p1.fork("x");
    p2.fork("y"); // the label only affects the child
    for (let i = 0; i < 100; i++) expect(p1.uniform()).toBe(p2.uniform());
  });
});

// ---------------------------------------------------------------- distributions

const N = 200_000;

describe("Rng continuous distributions", () => {
  it("uniform: in [0, 1), mean 1/2, variance 1/12, flat deciles", () => {
    const rng = new Rng(1);
    const xs = draws(N, () => rng.uniform());
    expect(countWhere(xs, (x) => !(x >= 0 && x < 1))).toBe(0);
    expectMoments(xs, 0.5, 1 / 12);
    const bins = new Array(10).fill(0);
    for (const x of xs) bins[Math.floor(x * 10)]++;
    const chi = bins.reduce((s, o) => s + (o - N / 10) ** 2 / (N / 10), 0);
    expect(chi).toBeLessThan(chiSquareBound(9));
  });

  it("uniformIn(lo, hi) stays in [lo, hi) with mean (lo+hi)/2", () => {
    const rng = new Rng(2);
    const xs = draws(N, () => rng.uniformIn(-3, 5));
    expect(countWhere(xs, (x) => !(x >= -3 && x < 5))).toBe(0);
    expectMoments(xs, 1, 64 / 12);
  });

  it("normal(): mean 0, variance 1, P(|Z| < 1.96) ≈ 0.95, zero skew, kurtosis 3", () => {
    const rng = new Rng(3);
    const xs = draws(N, () => rng.normal());
    expectMoments(xs, 0, 1);
    let inside = 0;
    let m3 = 0;
    let m4 = 0;
    for (const x of xs) {
      if (Math.abs(x) < 1.959963984540054) inside++;
      m3 += x ** 3;
      m4 += x ** 4;
    }
    const p = inside / N;
    expect(Math.abs(p - 0.95)).toBeLessThan(5 * Math.sqrt((0.95 * 0.05) / N));
    // Var of the sample 3rd moment is 15/n, of the 4th is 96/n for a standard normal
    expect(Math.abs(m3 / N)).toBeLessThan(5 * Math.sqrt(15 / N));
    expect(Math.abs(m4 / N - 3)).toBeLessThan(5 * Math.sqrt(96 / N));
  });

  it("normal(mean, sd) is an affine map of the standard stream", () => {
    const a = new Rng(4);
    const b = new Rng(4);
    for (let i = 0; i < 1000; i++) expect(a.normal(10, 3)).toBeCloseTo(10 + 3 * b.normal(), 12);
  });

  it("logNormal(mu, sigma) has mean exp(mu + sigma²/2)", () => {
    const rng = new Rng(5);
    const mu = 0.3;
    const sigma = 0.5;
    const xs = draws(N, () => rng.logNormal(mu, sigma));
    const m = Math.exp(mu + sigma ** 2 / 2);
    const v = (Math.exp(sigma ** 2) - 1) * Math.exp(2 * mu + sigma ** 2);
    expectMoments(xs, m, v);
  });

  for (const shape of [0.3, 0.5, 1, 2.5, 10]) {
    it(`gamma(${shape}): positive, mean = variance = shape`, () => {
      const rng = new Rng(Math.round(100 + shape * 10));
      const xs = draws(N, () => rng.gamma(shape));
      expect(countWhere(xs, (x) => !(x > 0 && Number.isFinite(x)))).toBe(0);
      expectMoments(xs, shape, shape);
    });
  }

  it("gamma(1) is Exponential(1): P(X > 1) = e^-1", () => {
    const rng = new Rng(6);
    let above = 0;
    for (let i = 0; i < N; i++) if (rng.gamma(1) > 1) above++;
    const p = Math.exp(-1);
    expect(Math.abs(above / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
  });
});

describe("Rng discrete distributions", () => {
  for (const lambda of [0.5, 3, 9.5, 10, 25, 120, 5000]) {
    it(`poisson(${lambda}): non-negative integers, mean = variance = λ`, () => {
      const rng = new Rng(Math.round(lambda * 100));
      const xs = draws(N, () => rng.poisson(lambda));
      expect(countWhere(xs, (x) => !(Number.isInteger(x) && x >= 0))).toBe(0);
      expectMoments(xs, lambda, lambda);
    });
  }

  for (const lambda of [3, 25, 120]) {
    it(`poisson(${lambda}) matches the Poisson pmf (chi-square)`, () => {
      const rng = new Rng(7 + lambda);
      const xs = draws(N, () => rng.poisson(lambda));
      const { stat, df } = chiSquare(xs, poissonPmf(lambda), Math.ceil(lambda + 10 * Math.sqrt(lambda) + 10));
      expect(df).toBeGreaterThan(3);
      expect(stat).toBeLessThan(chiSquareBound(df));
    });
  }

  it("poisson of a non-positive mean is 0", () => {
    const rng = new Rng(8);
    expect(rng.poisson(0)).toBe(0);
    expect(rng.poisson(-2)).toBe(0);
  });

  for (const [mu, phi] of [
    [5, 2],
    [50, 10],
    [2, 0.5],
    [300, 3],
  ] as const) {
    it(`negativeBinomial(${mu}, ${phi}): mean μ, variance μ + μ²/φ`, () => {
      const rng = new Rng(mu * 1000 + phi * 10);
      const xs = draws(N, () => rng.negativeBinomial(mu, phi));
      expect(countWhere(xs, (x) => !(Number.isInteger(x) && x >= 0))).toBe(0);
      expectMoments(xs, mu, mu + mu ** 2 / phi);
    });
  }

  it("negativeBinomial(2, 1) has P(0) = (φ/(μ+φ))^φ = 1/3", () => {
    const rng = new Rng(9);
    let zeros = 0;
    for (let i = 0; i < N; i++) if (rng.negativeBinomial(2, 1) === 0) zeros++;
    expect(Math.abs(zeros / N - 1 / 3)).toBeLessThan(5 * Math.sqrt((1 / 3) * (2 / 3) * (1 / N)));
  });

  it("negativeBinomial of a non-positive mean is 0", () => {
    expect(new Rng(1).negativeBinomial(0, 3)).toBe(0);
  });

  for (const [n, p] of [
    [20, 0.3], // inversion
    [50, 0.9], // inversion on the rarer outcome (q = 0.1)
    [1000, 0.3], // normal approximation
    [5000, 0.75], // normal approximation on q = 0.25
    [1, 0.5],
  ] as const) {
    it(`binomial(${n}, ${p}): integers in [0, n], mean np, variance np(1−p)`, () => {
      const rng = new Rng(n + Math.round(p * 100));
      const xs = draws(N, () => rng.binomial(n, p));
      expect(countWhere(xs, (x) => !(Number.isInteger(x) && x >= 0 && x <= n))).toBe(0);
      expectMoments(xs, n * p, n * p * (1 - p));
    });
  }

  for (const [n, p] of [
    [20, 0.3],
    [50, 0.9],
    [200, 0.05],
  ] as const) {
    it(`binomial(${n}, ${p}) (exact inversion path) matches the binomial pmf (chi-square)`, () => {
      const rng = new Rng(31 + n);
      const xs = draws(N, () => rng.binomial(n, p));
      const { stat, df } = chiSquare(xs, binomialPmf(n, p), n);
      expect(df).toBeGreaterThan(3);
      expect(stat).toBeLessThan(chiSquareBound(df));
    });
  }

  it("binomial edge cases: n = 0, p = 0, p = 1", () => {
    const rng = new Rng(10);
    expect(rng.binomial(0, 0.5)).toBe(0);
    expect(rng.binomial(10, 0)).toBe(0);
    expect(rng.binomial(10, 1)).toBe(10);
    expect(rng.binomial(10, 1.2)).toBe(10);
  });

  it("integer(lo, hi) covers [lo, hi] inclusive uniformly", () => {
    const rng = new Rng(12);
    const counts = new Map<number, number>();
    for (let i = 0; i < N; i++) {
      const k = rng.integer(-2, 4);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3, 4]);
    const e = N / 7;
    const chi = [...counts.values()].reduce((s, o) => s + (o - e) ** 2 / e, 0);
    expect(chi).toBeLessThan(chiSquareBound(6));
    expect(new Rng(1).integer(5, 5)).toBe(5);
  });

  it("pick() returns each element with equal frequency", () => {
    const rng = new Rng(13);
    const items = ["a", "b", "c", "d"] as const;
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, d: 0 };
    for (let i = 0; i < N; i++) counts[rng.pick(items)]++;
    const e = N / 4;
    const chi = Object.values(counts).reduce((s, o) => s + (o - e) ** 2 / e, 0);
    expect(chi).toBeLessThan(chiSquareBound(3));
    expect(new Rng(1).pick(["only"])).toBe("only");
  });
});

describe("Rng.multinomial", () => {
  it("always sums exactly to the total, gives non-negative integers, and zero weights get zero", () => {
    const rng = new Rng(14);
    const gen = new Rng(15);
    for (let trial = 0; trial < 2000; trial++) {
      const k = gen.integer(1, 8);
      const weights = Array.from({ length: k }, () => (gen.uniform() < 0.25 ? 0 : gen.uniform() * 10));
      const total = gen.integer(0, trial % 2 === 0 ? 50 : 100_000);
      const out = rng.multinomial(total, weights);
      expect(out.length).toBe(k);
      expect(out.reduce((a, b) => a + b, 0)).toBe(total);
      const anyPositive = weights.some((w) => w > 0);
      for (let i = 0; i < k; i++) {
        expect(Number.isInteger(out[i]) && out[i] >= 0).toBe(true);
        if (anyPositive && weights[i] === 0) expect(out[i]).toBe(0);
      }
    }
  });

  it("all-zero weights put the whole total in the first cell (as apportion does); a single weight takes everything", () => {
    const rng = new Rng(16);
    expect(rng.multinomial(9, [0, 0, 0])).toEqual([9, 0, 0]);
    expect(rng.multinomial(9, [2.5])).toEqual([9]);
    expect(rng.multinomial(0, [1, 2])).toEqual([0, 0]);
  });

  it("marginals are Binomial(total, w_i/Σw): mean and variance per cell", () => {
    const rng = new Rng(17);
    const weights = [1, 1, 2, 6];
    const total = 10;
    const reps = 50_000;
    const cols = weights.map(() => new Float64Array(reps));
    for (let r = 0; r < reps; r++) {
      const out = rng.multinomial(total, weights);
      for (let i = 0; i < weights.length; i++) cols[i][r] = out[i];
    }
    for (let i = 0; i < weights.length; i++) {
      const p = weights[i] / 10;
      expectMoments(cols[i], total * p, total * p * (1 - p));
    }
  });

  it("large totals are proportional to the weights", () => {
    const rng = new Rng(18);
    const weights = [0.1, 0.2, 0.3, 0.4];
    const total = 1_000_000;
    const out = rng.multinomial(total, weights);
    for (let i = 0; i < 4; i++) {
      const p = weights[i];
      expect(Math.abs(out[i] - total * p)).toBeLessThan(5 * Math.sqrt(total * p * (1 - p)));
    }
  });
});

describe("apportion (largest remainder)", () => {
  it("gives the known Hamilton apportionments", () => {
    expect(apportion(100, [0.5, 0.3, 0.2])).toEqual([50, 30, 20]);
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]); // ties go to the lower index
    expect(apportion(25, [1, 2, 3, 4])).toEqual([3, 5, 7, 10]); // 2.5, 5, 7.5, 10
    expect(apportion(11, [0, 1, 1])).toEqual([0, 6, 5]);
    expect(apportion(7, [5, 3, 2])).toEqual([4, 2, 1]); // 3.5, 2.1, 1.4
    expect(apportion(0, [1, 2])).toEqual([0, 0]);
  });

  it("edge cases: empty, single weight, all-zero weights", () => {
    expect(apportion(10, [])).toEqual([]);
    expect(apportion(5, [3])).toEqual([5]);
    expect(apportion(5, [0])).toEqual([5]);
    expect(apportion(7, [0, 0, 0])).toEqual([7, 0, 0]);
    expect(apportion(10, [0, 4, 0])).toEqual([0, 10, 0]);
  });

  it("always sums to the total and stays within 1 of the exact quota", () => {
    const gen = new Rng(19);
    for (let trial = 0; trial < 3000; trial++) {
      const k = gen.integer(1, 12);
      const weights = Array.from({ length: k }, () => (gen.uniform() < 0.2 ? 0 : gen.uniform() * 1000));
      const total = gen.integer(0, 10_000);
      const out = apportion(total, weights);
      expect(out.reduce((a, b) => a + b, 0)).toBe(total);
      const sum = weights.reduce((a, b) => a + b, 0);
      if (sum === 0) continue;
      for (let i = 0; i < k; i++) {
        const quota = (total * weights[i]) / sum;
        expect(Number.isInteger(out[i])).toBe(true);
        expect(out[i]).toBeGreaterThanOrEqual(Math.floor(quota));
        expect(out[i]).toBeLessThanOrEqual(Math.ceil(quota));
        if (weights[i] === 0) expect(out[i]).toBe(0);
      }
    }
  });

  it("accepts typed arrays", () => {
    expect(apportion(6, new Float64Array([1, 2]))).toEqual([2, 4]);
  });
});
