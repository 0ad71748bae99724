// Descriptive statistics on plain number arrays: the small set the data checks and the
// ground-truth lab need (moments, order statistics, correlation, robust spread).

export function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

export function mean(xs: ArrayLike<number>): number {
  return xs.length === 0 ? Number.NaN : sum(xs) / xs.length;
}

/** Sample variance (n − 1 denominator), two-pass for accuracy. */
export function variance(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < n; i++) s += (xs[i] - m) ** 2;
  return s / (n - 1);
}

export function sd(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs));
}

/** Pearson correlation; NaN when either series has zero variance. */
export function correlation(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = xs.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/** Quantile by linear interpolation between order statistics (type 7, as R and NumPy default). */
export function quantile(xs: ArrayLike<number>, p: number): number {
  const sorted = Array.from(xs).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return lo === hi ? sorted[lo] : sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}

/** Median absolute deviation scaled to match the sd of a normal distribution. */
export function mad(xs: ArrayLike<number>): number {
  const m = median(xs);
  return 1.4826 * median(Array.from(xs, (x) => Math.abs(x - m)));
}
