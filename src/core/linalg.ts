// Dense linear algebra on row-major Float64Arrays: Cholesky factorisation and the solves and
// least-squares fits built on it. Small systems only (tens of columns).

/** In-place lower Cholesky factor of a symmetric positive-definite n×n matrix; returns false if not SPD. */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] ** 2;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) a[j * n + k] = 0;
  }
  return true;
}

/** Solves (L Lᵀ) x = b given the lower factor L. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/**
 * R² of the least-squares regression of `y` on the columns `xs` plus an intercept.
 * Returns 1 when the normal equations are singular (y is then perfectly explained or xs are degenerate).
 */
export function rSquared(y: ArrayLike<number>, xs: ArrayLike<number>[]): number {
  const n = y.length;
  const p = xs.length + 1;
  const design = (row: number, col: number) => (col === 0 ? 1 : xs[col - 1][row]);
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < p; i++) {
      const xi = design(r, i);
      xty[i] += xi * y[r];
      for (let j = 0; j <= i; j++) xtx[i * p + j] += xi * design(r, j);
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) xtx[j * p + i] = xtx[i * p + j];
  // a tiny ridge keeps exactly collinear inputs from failing the factorisation
  for (let i = 1; i < p; i++) xtx[i * p + i] *= 1 + 1e-12;
  if (!choleskyInPlace(xtx, p)) return 1;
  const beta = choleskySolve(xtx, p, xty);
  let ym = 0;
  for (let r = 0; r < n; r++) ym += y[r];
  ym /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let r = 0; r < n; r++) {
    let fit = 0;
    for (let i = 0; i < p; i++) fit += beta[i] * design(r, i);
    ssRes += (y[r] - fit) ** 2;
    ssTot += (y[r] - ym) ** 2;
  }
  return ssTot === 0 ? 1 : Math.max(0, 1 - ssRes / ssTot);
}

/** Variance inflation factor of each column: 1 / (1 − R²) of that column on all the others. */
export function varianceInflationFactors(columns: ArrayLike<number>[]): number[] {
  return columns.map((col, j) => {
    const others = columns.filter((_, k) => k !== j);
    const r2 = others.length === 0 ? 0 : rSquared(col, others);
    return r2 >= 1 ? Number.POSITIVE_INFINITY : 1 / (1 - r2);
  });
}
