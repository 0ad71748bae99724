// Did the world change somewhere in the weeks under review? A change part-way through them (a
// channel that loses half its effect in week 3 of 4) is diluted in the sum of all the weeks, so
// the review scans every recent stretch — the last week, the last two, …, all of them — for the
// one whose actual sum departs most from its forecast, in standard deviations of that stretch's
// predictive sum. Taking the largest of several looks inflates it; its p-value therefore comes
// from the model's own predictive paths, scanned the same way: how often a path the model itself
// considers plausible departs that far over some stretch. Under the model the p-value is uniform,
// however many weeks are reviewed and however the weeks' errors are correlated.

export interface ChangeScan {
  /** The stretch with the largest departure: its last `weeks` weeks, starting at `from`. */
  weeks: number;
  from: string;
  actual: number;
  mean: number;
  q05: number;
  q95: number;
  /** Departure in standard deviations of the stretch's predictive sum (negative: below forecast). */
  z: number;
  /** Share of the model's predictive paths whose largest departure over the same stretches is at least as large. */
  p: number;
}

/**
 * `paths[s][k]` is predictive path s's KPI in reviewed week k (k = 0 … n−1, oldest first),
 * `actual[k]` what happened, `labels[k]` the week.
 */
export function scanRecentChange(
  paths: Float64Array[],
  actual: ArrayLike<number>,
  labels: string[],
): ChangeScan {
  const S = paths.length;
  const n = actual.length;
  if (n === 0 || S < 2) throw new Error("a change scan needs at least one week and two predictive paths");
  // suffix sums: sums[k][s] = path s summed over weeks n−1−k … n−1 (the last k+1 weeks)
  const sums = Array.from({ length: n }, () => new Float64Array(S));
  for (let s = 0; s < S; s++) {
    let acc = 0;
    for (let k = 0; k < n; k++) {
      acc += paths[s][n - 1 - k];
      sums[k][s] = acc;
    }
  }
  const mean = sums.map((col) => col.reduce((a, b) => a + b, 0) / S);
  const sd = sums.map((col, k) => Math.sqrt(col.reduce((a, v) => a + (v - mean[k]) ** 2, 0) / (S - 1)));
  const z = (value: number, k: number) => (sd[k] > 0 ? (value - mean[k]) / sd[k] : 0);
  let best = 0;
  let bestZ = 0;
  let acc = 0;
  const actualSums = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    acc += actual[n - 1 - k];
    actualSums[k] = acc;
    const zk = z(acc, k);
    if (Math.abs(zk) > Math.abs(bestZ)) {
      bestZ = zk;
      best = k;
    }
  }
  let asFar = 0;
  for (let s = 0; s < S; s++) {
    let m = 0;
    for (let k = 0; k < n; k++) m = Math.max(m, Math.abs(z(sums[k][s], k)));
    if (m >= Math.abs(bestZ)) asFar++;
  }
  const sorted = sums[best].slice().sort();
  return {
    weeks: best + 1,
    from: labels[n - 1 - best],
    actual: actualSums[best],
    mean: mean[best],
    q05: sorted[Math.floor(0.05 * (S - 1))],
    q95: sorted[Math.ceil(0.95 * (S - 1))],
    z: bestZ,
    p: (asFar + 1) / (S + 1),
  };
}
