// Seeded pseudo-random numbers: xoshiro128** seeded by splitmix32, so the same seed gives the
// same stream bit for bit on every platform (only 32-bit integer ops and IEEE doubles are used).

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed: number | string) {
    if (typeof seed === "number" && !Number.isSafeInteger(seed))
      throw new RangeError(`Rng seed must be a safe integer, got ${seed}`);
    // fold both 32-bit halves of an integer seed so that negative and large seeds stay distinct
    let x =
      typeof seed === "string"
        ? hashString(seed)
        : ((seed >>> 0) ^ Math.imul((Math.floor(seed / 2 ** 32) >>> 0) ^ 0x5bd1e995, 0x9e3779b1)) >>> 0;
    const next = () => {
      // splitmix32
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** An independent stream derived from this one and a label (for per-component streams). */
  fork(label: string): Rng {
    return new Rng((this.nextUint32() ^ hashString(label)) >>> 0);
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer in [lo, hi] inclusive. */
  integer(lo: number, hi: number): number {
    return lo + Math.floor(this.uniform() * (hi - lo + 1));
  }

  /** Standard normal by the Marsaglia polar method (keeps the spare). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + sd * z;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + sd * u * f;
  }

  logNormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Gamma(shape, rate=1) by Marsaglia & Tsang (2000); shape < 1 via the boost u^(1/shape). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * this.uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x = 0;
      let v = 0;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Poisson by inversion for small means and by the PTRS transformed rejection of Hörmann (1993) otherwise. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 10) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -lambda + k * loglam - logFactorial(k)
      ) {
        return k;
      }
    }
  }

  /** Negative binomial with mean `mu` and dispersion `phi` (variance mu + mu²/phi), as a gamma–Poisson mixture. */
  negativeBinomial(mu: number, phi: number): number {
    if (mu <= 0) return 0;
    return this.poisson((this.gamma(phi) / phi) * mu);
  }

  /** Binomial(n, p): exact by inversion when n·p is small, else a rounded normal approximation clamped to [0, n]. */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    const q = Math.min(p, 1 - p);
    let k: number;
    if (n * q < 30) {
      // inversion of the binomial CDF for the rarer outcome
      const ratio = q / (1 - q);
      let prob = (1 - q) ** n;
      let cdf = prob;
      const u = this.uniform();
      k = 0;
      while (u > cdf && k < n) {
        prob *= (ratio * (n - k)) / (k + 1);
        cdf += prob;
        k++;
      }
    } else {
      k = Math.round(this.normal(n * q, Math.sqrt(n * q * (1 - q))));
      k = Math.min(n, Math.max(0, k));
    }
    return q === p ? k : n - k;
  }

  /** Splits a non-negative integer total into parts proportional to `weights`, summing exactly to `total`. */
  multinomial(total: number, weights: ArrayLike<number>): number[] {
    const out = new Array<number>(weights.length).fill(0);
    let remainingWeight = 0;
    for (let i = 0; i < weights.length; i++) remainingWeight += weights[i];
    let remaining = total;
    for (let i = 0; i < weights.length - 1 && remaining > 0; i++) {
      const p = remainingWeight > 0 ? weights[i] / remainingWeight : 0;
      out[i] = this.binomial(remaining, p);
      remaining -= out[i];
      remainingWeight -= weights[i];
    }
    // whatever is left (all remaining weights zero) goes to the first cell, as in `apportion`
    out[remainingWeight > 0 ? weights.length - 1 : 0] += remaining;
    return out;
  }

  /** Picks one element uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.uniform() * items.length)];
  }
}

/** Splits an integer total into integer parts proportional to non-negative weights (largest remainder). */
export function apportion(total: number, weights: ArrayLike<number>): number[] {
  const n = weights.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i];
  if (n === 0) return [];
  if (sum <= 0) {
    const out = new Array<number>(n).fill(0);
    out[0] = total;
    return out;
  }
  const exact = Array.from({ length: n }, (_, i) => (total * weights[i]) / sum);
  const out = exact.map(Math.floor);
  let rest = total - out.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let j = 0; rest > 0; j = (j + 1) % n, rest--) out[order[j][1]] += 1;
  return out;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** FNV-1a, used only to turn labels into seeds. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const LOG_FACTORIAL_TABLE: number[] = [0];
function logFactorial(k: number): number {
  if (k < 256) {
    for (let i = LOG_FACTORIAL_TABLE.length; i <= k; i++)
      LOG_FACTORIAL_TABLE[i] = LOG_FACTORIAL_TABLE[i - 1] + Math.log(i);
    return LOG_FACTORIAL_TABLE[k];
  }
  // Stirling series, accurate to double precision for k ≥ 256
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
}
