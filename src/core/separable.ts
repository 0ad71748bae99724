// Global maximisation of a separable objective Σ_i f_i(a_i) under Σ a_i = total and box bounds,
// whatever the shape of each f_i (S-curves included): a grid dynamic programme, then a continuous
// polish by pairwise transfers. Used by the lab's exact budget solution and by the planner.

/**
 * Maximises Σ_i f_i(a_i) subject to Σ a_i = total and lo_i ≤ a_i ≤ hi_i. A dynamic programme over
 * a grid of `steps` budget units finds the global optimum to grid resolution whatever the shape
 * of the f_i; pairwise transfers with golden-section search then polish it continuously.
 */
export function maximiseSeparable(
  fns: ((a: number) => number)[],
  bounds: [number, number][],
  total: number,
  steps = 2000,
  /** Refine off the grid by pairwise moves (off when many nearby problems are compared on one grid). */
  polish = true,
): { allocation: number[]; value: number } {
  const n = fns.length;
  const lowSum = bounds.reduce((s, b) => s + b[0], 0);
  const highSum = bounds.reduce((s, b) => s + b[1], 0);
  if (lowSum > total * (1 + 1e-12) || highSum < total * (1 - 1e-12)) {
    throw new Error(`budget ${total} is outside the bounds' range [${lowSum}, ${highSum}]`);
  }
  // work on the budget above the lower bounds, in grid units
  const free = total - lowSum;
  if (!(free > 0)) {
    const allocation = bounds.map((b) => b[0]);
    return { allocation, value: allocation.reduce((s, a, i) => s + fns[i](a), 0) };
  }
  const unit = free / steps;
  const maxUnits = bounds.map((b) => Math.min(steps, Math.floor((b[1] - b[0]) / unit + 1e-9)));
  const tables = fns.map((f, i) =>
    Float64Array.from({ length: maxUnits[i] + 1 }, (_, u) => f(bounds[i][0] + u * unit)),
  );
  let best = new Float64Array(steps + 1).fill(Number.NEGATIVE_INFINITY);
  best[0] = 0;
  const choice: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const next = new Float64Array(steps + 1).fill(Number.NEGATIVE_INFINITY);
    const pick = new Int32Array(steps + 1).fill(-1);
    for (let used = 0; used <= steps; used++) {
      if (best[used] === Number.NEGATIVE_INFINITY) continue;
      const cap = Math.min(maxUnits[i], steps - used);
      for (let u = 0; u <= cap; u++) {
        const v = best[used] + tables[i][u];
        if (v > next[used + u]) {
          next[used + u] = v;
          pick[used + u] = u;
        }
      }
    }
    best = next;
    choice.push(pick);
  }
  // rounding each range down to whole units can leave the last few units unreachable near the
  // upper bounds: take the fullest reachable grid point and hand out the remainder below
  let reached = steps;
  while (reached > 0 && best[reached] === Number.NEGATIVE_INFINITY) reached--;
  const units = new Array<number>(n).fill(0);
  for (let i = n - 1, left = reached; i >= 0; i--) {
    units[i] = choice[i][left];
    left -= units[i];
  }
  const allocation = units.map((u, i) => bounds[i][0] + u * unit);
  let rest = total - allocation.reduce((s, a) => s + a, 0);
  for (let i = 0; i < n && rest > 0; i++) {
    const add = Math.min(rest, bounds[i][1] - allocation[i]);
    allocation[i] += add;
    rest -= add;
  }
  if (polish) polishPairwise(fns, bounds, allocation, unit);
  return { allocation, value: allocation.reduce((s, a, i) => s + fns[i](a), 0) };
}

/** Moves money between pairs of channels while any move within ±2 grid units improves the total. */
export function polishPairwise(
  fns: ((a: number) => number)[],
  bounds: [number, number][],
  a: number[],
  unit: number,
): void {
  const n = a.length;
  for (let sweep = 0; sweep < 50; sweep++) {
    let improved = false;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        // transfer d from j to i, with d bounded by both channels' bounds and the search radius
        const lo = Math.max(bounds[i][0] - a[i], a[j] - bounds[j][1], -2 * unit);
        const hi = Math.min(bounds[i][1] - a[i], a[j] - bounds[j][0], 2 * unit);
        if (!(hi > lo)) continue;
        const g = (d: number) => fns[i](a[i] + d) + fns[j](a[j] - d);
        const dBest = goldenSectionMax(g, lo, hi, 60, 1e-9 * (1 + Math.abs(a[i])));
        const gain = g(dBest) - g(0);
        if (gain > 1e-12 * Math.max(1, Math.abs(g(0)))) {
          a[i] += dBest;
          a[j] -= dBest;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
}

/**
 * Golden-section search for the maximum of a unimodal f on [lo, hi]: at most `iterations` steps,
 * stopping early once the bracket is narrower than `tolerance`. Returns the bracket's midpoint.
 */
export function goldenSectionMax(
  f: (x: number) => number,
  lo: number,
  hi: number,
  iterations: number,
  tolerance = 0,
): number {
  const golden = (Math.sqrt(5) - 1) / 2;
  let x0 = lo;
  let x1 = hi;
  let c = x1 - golden * (x1 - x0);
  let d = x0 + golden * (x1 - x0);
  let fc = f(c);
  let fd = f(d);
  for (let k = 0; k < iterations && x1 - x0 > tolerance; k++) {
    if (fc > fd) {
      x1 = d;
      d = c;
      fd = fc;
      c = x1 - golden * (x1 - x0);
      fc = f(c);
    } else {
      x0 = c;
      c = d;
      fc = fd;
      d = x0 + golden * (x1 - x0);
      fd = f(d);
    }
  }
  return (x0 + x1) / 2;
}

/**
 * The same mix, scaled: sets out[i] = clip(s·r_i, lo_i, hi_i) for the `members`, with s solved by
 * bisection so they sum to `total` — every member not at a bound moves by the same percentage.
 * Used for the planner's neutral plan and the lab's budget problems.
 */
export function scaleIntoBounds(
  reference: number[],
  bounds: [number, number][],
  members: number[],
  total: number,
  out: number[],
): void {
  const at = (s: number) =>
    members.reduce((sum, i) => sum + Math.min(bounds[i][1], Math.max(bounds[i][0], s * reference[i])), 0);
  let hi = 1;
  for (let k = 0; k < 200 && at(hi) < total; k++) hi *= 2;
  let lo = 0;
  for (let k = 0; k < 200; k++) {
    const mid = 0.5 * (lo + hi);
    if (at(mid) < total) lo = mid;
    else hi = mid;
  }
  for (const i of members) out[i] = Math.min(bounds[i][1], Math.max(bounds[i][0], hi * reference[i]));
  // what scaling cannot place (channels with no reference spend, or every scaled channel at a
  // bound) is shared by room left, so the total is met whenever it is feasible
  const gap = total - members.reduce((s, i) => s + out[i], 0);
  if (Math.abs(gap) > 1e-9 * (1 + Math.abs(total))) {
    const room = members.map((i) => (gap > 0 ? bounds[i][1] - out[i] : out[i] - bounds[i][0]));
    const totalRoom = room.reduce((s, r) => s + r, 0);
    if (totalRoom > 0) {
      const share = Math.min(1, Math.abs(gap) / totalRoom);
      members.forEach((i, k) => {
        out[i] += Math.sign(gap) * share * room[k];
      });
    }
  }
}
