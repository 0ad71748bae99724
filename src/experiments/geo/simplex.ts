// Least squares on the probability simplex (non-negative weights summing to one), the core of a
// synthetic control. Works on the Gram form so one fit costs O(iterations · n²), not O(T · n).

import { choleskyInPlace, choleskySolve } from "../../core/linalg.js";

/** Euclidean projection of `v` onto the simplex {w ≥ 0, Σw = 1}, in place (sort-based, Duchi et al. 2008). */
export function projectToSimplex(v: Float64Array, scratch = new Float64Array(v.length)): void {
  const n = v.length;
  scratch.set(v);
  scratch.sort();
  let cum = 0;
  let theta = 0;
  // walk down from the largest value: the threshold is set by the largest k whose entries stay positive
  for (let k = 1; k <= n; k++) {
    cum += scratch[n - k];
    const t = (cum - 1) / k;
    if (scratch[n - k] - t > 0) theta = t;
    else break;
  }
  for (let i = 0; i < n; i++) v[i] = Math.max(0, v[i] - theta);
}

/** Largest eigenvalue of a symmetric n×n matrix by power iteration (the gradient's Lipschitz constant). */
export function largestEigenvalue(g: Float64Array, n: number, iterations = 60): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let next = new Float64Array(n);
  let lambda = 0;
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += g[i * n + j] * v[j];
      next[i] = s;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += next[i] * next[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0)) return 0;
    for (let i = 0; i < n; i++) next[i] /= norm;
    if (Math.abs(norm - lambda) <= 1e-9 * norm) return norm;
    lambda = norm;
    [v, next] = [next, v];
  }
  return lambda;
}

/**
 * The same problem by accelerated projected gradient: slow on nearly collinear donors, kept as
 * an independent check of the active-set solver. Accelerated
 * projected gradient with adaptive restart (O'Donoghue & Candès 2015): plain projected gradient
 * takes thousands of steps when donors are nearly collinear, as geo series are.
 */
export function simplexLeastSquaresGradient(
  g: Float64Array,
  b: Float64Array,
  n: number,
  start?: Float64Array,
  maxIter = 3000,
  tol = 1e-8,
): Float64Array {
  const L = largestEigenvalue(g, n) * 1.01 + 1e-300;
  let w = start ? Float64Array.from(start) : new Float64Array(n).fill(1 / n);
  let prev = Float64Array.from(w);
  const z = Float64Array.from(w);
  const grad = new Float64Array(n);
  const scratch = new Float64Array(n);
  let momentum = 1;
  for (let it = 0; it < maxIter; it++) {
    for (let i = 0; i < n; i++) {
      let s = -b[i];
      for (let j = 0; j < n; j++) s += g[i * n + j] * z[j];
      grad[i] = s;
    }
    const next = prev;
    for (let i = 0; i < n; i++) next[i] = z[i] - grad[i] / L;
    projectToSimplex(next, scratch);
    // restart when the step goes against the gradient: keeps the acceleration from oscillating
    let dot = 0;
    let change = 0;
    for (let i = 0; i < n; i++) {
      dot += grad[i] * (next[i] - w[i]);
      change = Math.max(change, Math.abs(next[i] - w[i]));
    }
    const m = (1 + Math.sqrt(1 + 4 * momentum * momentum)) / 2;
    const beta = dot > 0 ? 0 : (momentum - 1) / m;
    momentum = dot > 0 ? 1 : m;
    for (let i = 0; i < n; i++) z[i] = next[i] + beta * (next[i] - w[i]);
    prev = w;
    w = next;
    if (change < tol) break;
  }
  return w;
}

/** Minimiser of ½wᵀGw − bᵀw on {Σw = 1} restricted to the passive set `p` (others 0). */
function equalityConstrained(g: Float64Array, b: Float64Array, n: number, p: number[]): Float64Array | null {
  const k = p.length;
  const m = new Float64Array(k * k);
  let trace = 0;
  for (let i = 0; i < k; i++) trace += g[p[i] * n + p[i]];
  // a whisper of ridge: donors with identical scaled paths make the block singular
  const jitter = 1e-10 * (trace / k + 1e-300);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) m[i * k + j] = g[p[i] * n + p[j]] + (i === j ? jitter : 0);
  if (!choleskyInPlace(m, k)) return null;
  const gb = choleskySolve(
    m,
    k,
    Float64Array.from(p, (i) => b[i]),
  );
  const g1 = choleskySolve(m, k, new Float64Array(k).fill(1));
  let sb = 0;
  let s1 = 0;
  for (let i = 0; i < k; i++) {
    sb += gb[i];
    s1 += g1[i];
  }
  const mu = (sb - 1) / s1;
  const z = new Float64Array(n);
  for (let i = 0; i < k; i++) z[p[i]] = gb[i] - mu * g1[i];
  return z;
}

/**
 * argmin_w ½wᵀGw − bᵀw over the simplex, i.e. min ‖x − Xw‖² with G = XᵀX, b = Xᵀx, by an active
 * set method (Lawson–Hanson with the sum-to-one constraint carried by a Lagrange multiplier).
 * Exact in a handful of steps for tens of donors, where gradient methods crawl.
 */
export function simplexLeastSquares(g: Float64Array, b: Float64Array, n: number): Float64Array {
  // start at the single best donor: a vertex, so feasible
  let best = 0;
  let bestValue = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = 0.5 * g[i * n + i] - b[i];
    if (v < bestValue) {
      bestValue = v;
      best = i;
    }
  }
  const w = new Float64Array(n);
  w[best] = 1;
  const passive = new Set<number>([best]);
  const grad = new Float64Array(n);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(g[i * n + i]), Math.abs(b[i]));
  const tol = 1e-12 * (scale + 1e-300);
  for (let outer = 0; outer < 4 * n + 10; outer++) {
    for (let i = 0; i < n; i++) {
      let s = -b[i];
      for (let j = 0; j < n; j++) s += g[i * n + j] * w[j];
      grad[i] = s;
    }
    let common = 0;
    for (const i of passive) common += grad[i] / passive.size;
    let enter = -1;
    let most = -tol;
    for (let i = 0; i < n; i++)
      if (!passive.has(i) && grad[i] - common < most) {
        most = grad[i] - common;
        enter = i;
      }
    if (enter < 0) break;
    passive.add(enter);
    if (!innerLoop(g, b, n, w, passive)) break;
  }
  return w;
}

/** Moves w toward the passive-set optimum, dropping donors whose weight reaches zero on the way. */
function innerLoop(
  g: Float64Array,
  b: Float64Array,
  n: number,
  w: Float64Array,
  passive: Set<number>,
): boolean {
  for (let inner = 0; inner < n + 5; inner++) {
    const p = [...passive].sort((x, y) => x - y);
    const z = equalityConstrained(g, b, n, p);
    if (z === null) return false;
    let step = 1;
    for (const i of p) if (z[i] <= 0 && w[i] - z[i] > 0) step = Math.min(step, w[i] / (w[i] - z[i]));
    for (let i = 0; i < n; i++) w[i] += step * (z[i] - w[i]);
    if (step >= 1) {
      for (const i of p) if (w[i] < 0) w[i] = 0;
      return true;
    }
    for (const i of p)
      if (w[i] <= 1e-14) {
        w[i] = 0;
        passive.delete(i);
      }
    if (passive.size === 0) return false;
  }
  return true;
}
