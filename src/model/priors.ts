// Prior distributions: log density (up to nothing: constants included, so priors can be
// compared and plotted) and its derivative with respect to the value. Each model parameter
// carries one of these.

import { LOG_SQRT_2PI, logGamma } from "../core/special.js";

export type Prior =
  | { dist: "normal"; mu: number; sigma: number }
  | { dist: "half_normal"; sigma: number }
  | { dist: "lognormal"; mu: number; sigma: number }
  | { dist: "beta"; alpha: number; beta: number }
  | { dist: "gamma"; alpha: number; beta: number }
  | { dist: "student_t"; nu: number; mu: number; sigma: number }
  | { dist: "exponential"; rate: number };

/** The support a prior needs, which decides the parameter's bijector. */
export function priorSupport(p: Prior): "real" | "positive" | "unit" {
  switch (p.dist) {
    case "normal":
    case "student_t":
      return "real";
    case "beta":
      return "unit";
    default:
      return "positive";
  }
}

/** log p(x) and d log p / dx. */
export function priorLogDensity(p: Prior, x: number): [number, number] {
  switch (p.dist) {
    case "normal": {
      const z = (x - p.mu) / p.sigma;
      return [-0.5 * z * z - Math.log(p.sigma) - LOG_SQRT_2PI, -z / p.sigma];
    }
    case "half_normal": {
      if (x < 0) return [Number.NEGATIVE_INFINITY, 0];
      const z = x / p.sigma;
      return [-0.5 * z * z - Math.log(p.sigma) - LOG_SQRT_2PI + Math.LN2, -z / p.sigma];
    }
    case "lognormal": {
      if (x <= 0) return [Number.NEGATIVE_INFINITY, 0];
      const lx = Math.log(x);
      const z = (lx - p.mu) / p.sigma;
      return [-0.5 * z * z - Math.log(p.sigma) - LOG_SQRT_2PI - lx, (-z / p.sigma - 1) / x];
    }
    case "beta": {
      if (x <= 0 || x >= 1) return [Number.NEGATIVE_INFINITY, 0];
      const lb = logGamma(p.alpha) + logGamma(p.beta) - logGamma(p.alpha + p.beta);
      return [
        (p.alpha - 1) * Math.log(x) + (p.beta - 1) * Math.log1p(-x) - lb,
        (p.alpha - 1) / x - (p.beta - 1) / (1 - x),
      ];
    }
    case "gamma": {
      if (x <= 0) return [Number.NEGATIVE_INFINITY, 0];
      return [
        p.alpha * Math.log(p.beta) - logGamma(p.alpha) + (p.alpha - 1) * Math.log(x) - p.beta * x,
        (p.alpha - 1) / x - p.beta,
      ];
    }
    case "student_t": {
      const z = (x - p.mu) / p.sigma;
      const c =
        logGamma((p.nu + 1) / 2) - logGamma(p.nu / 2) - 0.5 * Math.log(p.nu * Math.PI) - Math.log(p.sigma);
      return [
        c - ((p.nu + 1) / 2) * Math.log1p((z * z) / p.nu),
        (-(p.nu + 1) * z) / (p.sigma * (p.nu + z * z)),
      ];
    }
    case "exponential":
      if (x < 0) return [Number.NEGATIVE_INFINITY, 0];
      return [Math.log(p.rate) - p.rate * x, -p.rate];
  }
}

/** Mean of the prior, for reports and sensible initial values. */
export function priorMedian(p: Prior): number {
  switch (p.dist) {
    case "normal":
    case "student_t":
      return p.mu;
    case "half_normal":
      return 0.6745 * p.sigma;
    case "lognormal":
      return Math.exp(p.mu);
    case "beta":
      return (p.alpha - 1 / 3) / (p.alpha + p.beta - 2 / 3); // close approximation for alpha, beta ≥ 1
    case "gamma":
      return (p.alpha - 1 / 3) / p.beta;
    case "exponential":
      return Math.LN2 / p.rate;
  }
}

export function describePrior(p: Prior): string {
  switch (p.dist) {
    case "normal":
      return `Normal(${p.mu}, ${p.sigma})`;
    case "half_normal":
      return `HalfNormal(${p.sigma})`;
    case "lognormal":
      return `LogNormal(${p.mu}, ${p.sigma})`;
    case "beta":
      return `Beta(${p.alpha}, ${p.beta})`;
    case "gamma":
      return `Gamma(${p.alpha}, ${p.beta})`;
    case "student_t":
      return `StudentT(${p.nu}, ${p.mu}, ${p.sigma})`;
    case "exponential":
      return `Exponential(${p.rate})`;
  }
}

/** A prior with its normalising constant computed once, for the hot loop: value() sets `grad`. */
export class CompiledPrior {
  grad = 0;
  private readonly c: number;

  constructor(readonly prior: Prior) {
    switch (prior.dist) {
      case "normal":
      case "lognormal":
        this.c = -Math.log(prior.sigma) - LOG_SQRT_2PI;
        break;
      case "half_normal":
        this.c = -Math.log(prior.sigma) - LOG_SQRT_2PI + Math.LN2;
        break;
      case "beta":
        this.c = -(logGamma(prior.alpha) + logGamma(prior.beta) - logGamma(prior.alpha + prior.beta));
        break;
      case "gamma":
        this.c = prior.alpha * Math.log(prior.beta) - logGamma(prior.alpha);
        break;
      case "student_t":
        this.c =
          logGamma((prior.nu + 1) / 2) -
          logGamma(prior.nu / 2) -
          0.5 * Math.log(prior.nu * Math.PI) -
          Math.log(prior.sigma);
        break;
      case "exponential":
        this.c = Math.log(prior.rate);
        break;
    }
  }

  value(x: number): number {
    const p = this.prior;
    switch (p.dist) {
      case "normal": {
        const z = (x - p.mu) / p.sigma;
        this.grad = -z / p.sigma;
        return this.c - 0.5 * z * z;
      }
      case "half_normal": {
        const z = x / p.sigma;
        this.grad = -z / p.sigma;
        return x < 0 ? Number.NEGATIVE_INFINITY : this.c - 0.5 * z * z;
      }
      case "lognormal": {
        if (x <= 0) return this.fail();
        const lx = Math.log(x);
        const z = (lx - p.mu) / p.sigma;
        this.grad = (-z / p.sigma - 1) / x;
        return this.c - 0.5 * z * z - lx;
      }
      case "beta":
        if (x <= 0 || x >= 1) return this.fail();
        this.grad = (p.alpha - 1) / x - (p.beta - 1) / (1 - x);
        return this.c + (p.alpha - 1) * Math.log(x) + (p.beta - 1) * Math.log1p(-x);
      case "gamma":
        if (x <= 0) return this.fail();
        this.grad = (p.alpha - 1) / x - p.beta;
        return this.c + (p.alpha - 1) * Math.log(x) - p.beta * x;
      case "student_t": {
        const z = (x - p.mu) / p.sigma;
        this.grad = (-(p.nu + 1) * z) / (p.sigma * (p.nu + z * z));
        return this.c - ((p.nu + 1) / 2) * Math.log1p((z * z) / p.nu);
      }
      case "exponential":
        if (x < 0) return this.fail();
        this.grad = -p.rate;
        return this.c - p.rate * x;
    }
  }

  private fail(): number {
    this.grad = 0;
    return Number.NEGATIVE_INFINITY;
  }
}

/** One draw from a prior (for simulation-based calibration and prior predictive checks). */
export function samplePrior(
  p: Prior,
  rng: { normal: () => number; gamma: (shape: number) => number; uniform: () => number },
): number {
  switch (p.dist) {
    case "normal":
      return p.mu + p.sigma * rng.normal();
    case "half_normal":
      return Math.abs(p.sigma * rng.normal());
    case "lognormal":
      return Math.exp(p.mu + p.sigma * rng.normal());
    case "beta": {
      const a = rng.gamma(p.alpha);
      const b = rng.gamma(p.beta);
      return a / (a + b);
    }
    case "gamma":
      return rng.gamma(p.alpha) / p.beta;
    case "student_t": {
      const chi2 = 2 * rng.gamma(p.nu / 2);
      return p.mu + (p.sigma * rng.normal()) / Math.sqrt(chi2 / p.nu);
    }
    case "exponential":
      return -Math.log(1 - rng.uniform()) / p.rate;
  }
}
