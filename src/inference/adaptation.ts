// Warm-up adaptation as in Stan: dual averaging of the step size toward a target acceptance
// statistic, and a metric estimated from the draws of doubling windows (75-draw initial buffer,
// windows of 25, 50, 100, … and a 50-draw terminal buffer), regularised as regularised() explains.

import type { MetricKind } from "./metric.js";

export class DualAveraging {
  private counter = 0;
  private sBar = 0;
  private xBar = 0;
  private mu = 0;

  constructor(
    readonly delta = 0.8,
    readonly gamma = 0.05,
    readonly kappa = 0.75,
    readonly t0 = 10,
  ) {}

  restart(stepSize: number): void {
    this.counter = 0;
    this.sBar = 0;
    this.xBar = 0;
    this.mu = Math.log(10 * stepSize);
  }

  /** Updates with the last transition's acceptance statistic; returns the next step size. */
  learn(acceptStat: number): number {
    this.counter++;
    const a = Math.min(acceptStat, 1);
    const eta = 1 / (this.counter + this.t0);
    this.sBar = (1 - eta) * this.sBar + eta * (this.delta - a);
    const x = this.mu - (this.sBar * Math.sqrt(this.counter)) / this.gamma;
    const xEta = this.counter ** -this.kappa;
    this.xBar = (1 - xEta) * this.xBar + xEta * x;
    return Math.exp(x);
  }

  /** The averaged step size used after warm-up. */
  final(): number {
    return Math.exp(this.xBar);
  }
}

/** Welford running mean and (co)variance of draws. */
export class WelfordEstimator {
  private n = 0;
  private readonly m: Float64Array;
  private readonly m2: Float64Array;

  constructor(
    readonly dim: number,
    readonly kind: MetricKind,
  ) {
    this.m = new Float64Array(dim);
    this.m2 = new Float64Array(kind === "dense" ? dim * dim : dim);
  }

  restart(): void {
    this.n = 0;
    this.m.fill(0);
    this.m2.fill(0);
  }

  add(q: Float64Array): void {
    this.n++;
    const d = this.dim;
    const delta = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      delta[i] = q[i] - this.m[i];
      this.m[i] += delta[i] / this.n;
    }
    if (this.kind === "diag") {
      for (let i = 0; i < d; i++) this.m2[i] += delta[i] * (q[i] - this.m[i]);
    } else {
      for (let i = 0; i < d; i++) {
        const di = q[i] - this.m[i];
        for (let j = 0; j < d; j++) this.m2[i * d + j] += di * delta[j];
      }
    }
  }

  /**
   * The window's (co)variance estimate, regularised. Diagonal: shrunk toward 1e-3 by n/(n+5), as
   * Stan does. Dense: a window of n draws cannot estimate a d×d covariance when n is not well
   * above d (early windows have 25–100 draws), and Stan's shrinkage toward 1e-3·I then leaves a
   * near-singular metric that forces tiny steps. We shrink toward the metric in use instead, with
   * the weight of d pseudo-draws: early windows refine the Laplace covariance the chain started
   * from, later (long) windows are dominated by the draws. A documented departure from Stan.
   */
  regularised(previous?: Float64Array): Float64Array {
    const n = this.n;
    const d = this.dim;
    const out = new Float64Array(this.m2.length);
    // long windows estimate a dense covariance well on their own: shrink toward the metric in use
    // only while the window is short relative to the dimension
    if (this.kind === "diag" || !previous || n >= 4 * d) {
      const w = n / (n + 5);
      const shrink = 1e-3 * (5 / (n + 5));
      for (let i = 0; i < out.length; i++) out[i] = (w * this.m2[i]) / (n - 1);
      if (this.kind === "diag") for (let i = 0; i < d; i++) out[i] += shrink;
      else for (let i = 0; i < d; i++) out[i * d + i] += shrink;
    } else {
      const pseudo = d;
      const w = n / (n + pseudo);
      for (let i = 0; i < out.length; i++) out[i] = (w * this.m2[i]) / (n - 1) + (1 - w) * previous[i];
    }
    if (this.kind === "dense") {
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < i; j++) {
          const s = 0.5 * (out[i * d + j] + out[j * d + i]);
          out[i * d + j] = s;
          out[j * d + i] = s;
        }
      }
    }
    return out;
  }
}

/** The window schedule of Stan's windowed adaptation for `warmup` iterations. */
export class WindowSchedule {
  readonly initBuffer: number;
  readonly termBuffer: number;
  private readonly baseWindow: number;
  private windowSize: number;
  private windowEnd: number;

  constructor(
    readonly warmup: number,
    initBuffer = 75,
    termBuffer = 50,
    baseWindow = 25,
  ) {
    if (warmup < 20) {
      // too short to adapt a metric: step size only
      this.initBuffer = warmup;
      this.termBuffer = 0;
      this.baseWindow = 0;
    } else if (initBuffer + baseWindow + termBuffer > warmup) {
      // Stan's fallback for short warm-ups: 15% / 75% / 10%
      this.initBuffer = Math.floor(0.15 * warmup);
      this.termBuffer = Math.floor(0.1 * warmup);
      this.baseWindow = warmup - (this.initBuffer + this.termBuffer);
    } else {
      this.initBuffer = initBuffer;
      this.termBuffer = termBuffer;
      this.baseWindow = baseWindow;
    }
    this.windowSize = this.baseWindow;
    this.windowEnd = this.initBuffer + this.windowSize;
    this.fitLastWindow();
  }

  private fitLastWindow(): void {
    // if the next window would not fit before the terminal buffer, stretch this one to it
    const nextEnd = this.windowEnd + 2 * this.windowSize;
    if (nextEnd > this.warmup - this.termBuffer) this.windowEnd = this.warmup - this.termBuffer;
  }

  /** Is iteration i (0-based) inside a slow window, where draws feed the metric estimate? */
  inSlowWindow(i: number): boolean {
    return this.baseWindow > 0 && i >= this.initBuffer && i < this.warmup - this.termBuffer;
  }

  /** Does a slow window end after iteration i? Then advance to the next one. */
  windowEndsAt(i: number): boolean {
    if (!this.inSlowWindow(i) || i !== this.windowEnd - 1) return false;
    this.windowSize *= 2;
    this.windowEnd = i + 1 + this.windowSize;
    this.fitLastWindow();
    return true;
  }
}
