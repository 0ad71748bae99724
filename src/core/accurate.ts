// Sums, means and variances as R computes them. R accumulates in long double and refines a mean
// with a second pass over the residuals; compensated (Neumaier) sums keep us within an ulp or two,
// so threshold decisions in the diagnostics and PSIS (truncation points, order-statistic indices)
// fall the same way as in R.

/** Compensated sum of xs[0..len). */
export function accurateSum(xs: ArrayLike<number>, len = xs.length): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < len; i++) {
    const x = xs[i];
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  // With ±Inf among the terms the compensation is Inf − Inf = NaN; the plain sum is the answer.
  return Number.isFinite(s) ? s + c : s;
}

/** R's mean() of xs[0..len): sum / n, then one refinement pass with the residuals. */
export function accurateMean(xs: ArrayLike<number>, len = xs.length): number {
  if (len === 0) return Number.NaN;
  const m = accurateSum(xs, len) / len;
  if (!Number.isFinite(m)) return m;
  let s = 0;
  let c = 0;
  for (let i = 0; i < len; i++) {
    const x = xs[i] - m;
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return m + (s + c) / len;
}

/** Sample variance (n − 1 denominator) of xs[0..len) about an accurate mean, as R's var(). */
export function accurateVariance(
  xs: ArrayLike<number>,
  len = xs.length,
  mean = accurateMean(xs, len),
): number {
  const n = len;
  if (n < 2) return Number.NaN;
  let s = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - mean;
    const x = d * d;
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return (s + c) / (n - 1);
}
