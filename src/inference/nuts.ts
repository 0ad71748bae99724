// The No-U-Turn Sampler as Stan implements it (Betancourt 2017): trajectories grown by doubling
// in a random direction, multinomial sampling of the next state with a bias toward the newest
// subtree, the generalised no-U-turn criterion checked across and between merged subtrees, a
// maximum tree depth, and divergence detection when the energy error exceeds 1000.

import type { Rng } from "../core/rng.js";
import { logSumExp } from "../core/special.js";
import type { Metric } from "./metric.js";

/** log p(q) (up to a constant) and its gradient, written into `grad`. */
export type LogDensity = (q: Float64Array, grad: Float64Array) => number;

export interface NutsSample {
  lp: number;
  acceptStat: number;
  stepSize: number;
  treeDepth: number;
  nLeapfrog: number;
  divergent: boolean;
  energy: number;
}

const MAX_DELTA_H = 1000;

/** A point in phase space. */
class PhaseState {
  readonly q: Float64Array;
  readonly p: Float64Array;
  /** Gradient of log p at q. */
  readonly g: Float64Array;
  /** M⁻¹ p. */
  readonly v: Float64Array;
  lp = 0;

  constructor(n: number) {
    this.q = new Float64Array(n);
    this.p = new Float64Array(n);
    this.g = new Float64Array(n);
    this.v = new Float64Array(n);
  }

  copyFrom(o: PhaseState): void {
    this.q.set(o.q);
    this.p.set(o.p);
    this.g.set(o.g);
    this.v.set(o.v);
    this.lp = o.lp;
  }
}

/** Per-depth scratch vectors, so building a tree allocates nothing. */
class Frame {
  readonly pSharpInitEnd: Float64Array;
  readonly pInitEnd: Float64Array;
  readonly rhoInit: Float64Array;
  readonly pSharpFinalBeg: Float64Array;
  readonly pFinalBeg: Float64Array;
  readonly rhoFinal: Float64Array;
  readonly rhoSubtree: Float64Array;
  readonly rhoExtended: Float64Array;
  readonly proposeFinal: PhaseState;

  constructor(n: number) {
    this.pSharpInitEnd = new Float64Array(n);
    this.pInitEnd = new Float64Array(n);
    this.rhoInit = new Float64Array(n);
    this.pSharpFinalBeg = new Float64Array(n);
    this.pFinalBeg = new Float64Array(n);
    this.rhoFinal = new Float64Array(n);
    this.rhoSubtree = new Float64Array(n);
    this.rhoExtended = new Float64Array(n);
    this.proposeFinal = new PhaseState(n);
  }
}

export class Nuts {
  stepSize = 0.1;
  maxDepth: number;
  private readonly n: number;
  private readonly z: PhaseState;
  private readonly zFwd: PhaseState;
  private readonly zBck: PhaseState;
  private readonly zSample: PhaseState;
  private readonly zPropose: PhaseState;
  private readonly frames: Frame[];
  private readonly pFwdFwd: Float64Array;
  private readonly pSharpFwdFwd: Float64Array;
  private readonly pFwdBck: Float64Array;
  private readonly pSharpFwdBck: Float64Array;
  private readonly pBckFwd: Float64Array;
  private readonly pSharpBckFwd: Float64Array;
  private readonly pBckBck: Float64Array;
  private readonly pSharpBckBck: Float64Array;
  private readonly rho: Float64Array;
  private readonly rhoFwd: Float64Array;
  private readonly rhoBck: Float64Array;
  private readonly rhoExt: Float64Array;
  // per-transition tallies
  private nLeapfrog = 0;
  private sumMetroProb = 0;
  private divergent = false;
  private H0 = 0;

  constructor(
    private readonly logDensity: LogDensity,
    readonly metric: Metric,
    private readonly rng: Rng,
    maxDepth = 10,
  ) {
    const n = metric.dim;
    this.n = n;
    this.maxDepth = maxDepth;
    const vec = () => new Float64Array(n);
    this.z = new PhaseState(n);
    this.zFwd = new PhaseState(n);
    this.zBck = new PhaseState(n);
    this.zSample = new PhaseState(n);
    this.zPropose = new PhaseState(n);
    this.frames = Array.from({ length: maxDepth + 1 }, () => new Frame(n));
    this.pFwdFwd = vec();
    this.pSharpFwdFwd = vec();
    this.pFwdBck = vec();
    this.pSharpFwdBck = vec();
    this.pBckFwd = vec();
    this.pSharpBckFwd = vec();
    this.pBckBck = vec();
    this.pSharpBckBck = vec();
    this.rho = vec();
    this.rhoFwd = vec();
    this.rhoBck = vec();
    this.rhoExt = vec();
  }

  /** Sets the current position (and evaluates the density there). Returns log p. */
  setPosition(q: ArrayLike<number>): number {
    this.z.q.set(q);
    this.z.lp = this.logDensity(this.z.q, this.z.g);
    return this.z.lp;
  }

  get position(): Float64Array {
    return this.z.q;
  }

  get logProb(): number {
    return this.z.lp;
  }

  private hamiltonian(s: PhaseState): number {
    return -s.lp + this.metric.kinetic(s.p, s.v);
  }

  /** One leapfrog step of size eps (signed) on state s, in place. */
  private leapfrog(s: PhaseState, eps: number): void {
    const n = this.n;
    for (let i = 0; i < n; i++) s.p[i] += 0.5 * eps * s.g[i];
    this.metric.velocity(s.p, s.v);
    for (let i = 0; i < n; i++) s.q[i] += eps * s.v[i];
    s.lp = this.logDensity(s.q, s.g);
    for (let i = 0; i < n; i++) s.p[i] += 0.5 * eps * s.g[i];
    this.metric.velocity(s.p, s.v);
  }

  /** Draws a fresh momentum at the current position and returns the energy H0. */
  private refreshMomentum(): void {
    this.metric.sampleMomentum(this.rng, this.z.p);
    this.metric.velocity(this.z.p, this.z.v);
  }

  /** One NUTS transition from the current position. */
  transition(): NutsSample {
    const n = this.n;
    this.refreshMomentum();
    const z = this.z;
    this.zFwd.copyFrom(z);
    this.zBck.copyFrom(z);
    this.zSample.copyFrom(z);
    this.zPropose.copyFrom(z);
    this.pFwdFwd.set(z.p);
    this.pSharpFwdFwd.set(z.v);
    this.pFwdBck.set(z.p);
    this.pSharpFwdBck.set(z.v);
    this.pBckFwd.set(z.p);
    this.pSharpBckFwd.set(z.v);
    this.pBckBck.set(z.p);
    this.pSharpBckBck.set(z.v);
    this.rho.set(z.p);
    let logSumWeight = 0;
    this.H0 = this.hamiltonian(z);
    this.nLeapfrog = 0;
    this.sumMetroProb = 0;
    this.divergent = false;
    let depth = 0;

    while (depth < this.maxDepth) {
      this.rhoFwd.fill(0);
      this.rhoBck.fill(0);
      let valid: boolean;
      const lsw = { value: Number.NEGATIVE_INFINITY };
      if (this.rng.uniform() > 0.5) {
        // extend forward from the forward end
        z.copyFrom(this.zFwd);
        this.rhoBck.set(this.rho);
        this.pBckFwd.set(this.pFwdBck);
        this.pSharpBckFwd.set(this.pSharpFwdBck);
        valid = this.buildTree(
          depth,
          this.zPropose,
          this.pSharpFwdBck,
          this.pSharpFwdFwd,
          this.rhoFwd,
          this.pFwdBck,
          this.pFwdFwd,
          1,
          lsw,
        );
        this.zFwd.copyFrom(z);
      } else {
        z.copyFrom(this.zBck);
        this.rhoFwd.set(this.rho);
        this.pFwdBck.set(this.pBckFwd);
        this.pSharpFwdBck.set(this.pSharpBckFwd);
        valid = this.buildTree(
          depth,
          this.zPropose,
          this.pSharpBckFwd,
          this.pSharpBckBck,
          this.rhoBck,
          this.pBckFwd,
          this.pBckBck,
          -1,
          lsw,
        );
        this.zBck.copyFrom(z);
      }
      if (!valid) break;
      depth++;
      // biased progressive sampling: prefer the new subtree
      if (lsw.value > logSumWeight) this.zSample.copyFrom(this.zPropose);
      else if (this.rng.uniform() < Math.exp(lsw.value - logSumWeight)) this.zSample.copyFrom(this.zPropose);
      logSumWeight = logSumExp(logSumWeight, lsw.value);
      for (let i = 0; i < n; i++) this.rho[i] = this.rhoBck[i] + this.rhoFwd[i];
      // U-turn across the whole trajectory, and between the two merged halves
      let persist = uTurnFree(this.pSharpBckBck, this.pSharpFwdFwd, this.rho);
      const ext = this.rhoExt;
      for (let i = 0; i < n; i++) ext[i] = this.rhoBck[i] + this.pFwdBck[i];
      persist = persist && uTurnFree(this.pSharpBckBck, this.pSharpFwdBck, ext);
      for (let i = 0; i < n; i++) ext[i] = this.rhoFwd[i] + this.pBckFwd[i];
      persist = persist && uTurnFree(this.pSharpBckFwd, this.pSharpFwdFwd, ext);
      if (!persist) break;
    }
    z.copyFrom(this.zSample);
    return {
      lp: z.lp,
      acceptStat: this.nLeapfrog > 0 ? this.sumMetroProb / this.nLeapfrog : 0,
      stepSize: this.stepSize,
      treeDepth: depth,
      nLeapfrog: this.nLeapfrog,
      divergent: this.divergent,
      energy: this.hamiltonian(z),
    };
  }

  /**
   * Builds a subtree of 2^depth leapfrog steps from the current state `this.z` in direction
   * `sign`, leaving `this.z` at its far end. Writes the multinomial proposal to `propose`, the
   * momenta and sharp momenta at its two ends, adds its momentum sum to `rho` and its log weight
   * to `logSumWeight`. Returns false on divergence or a U-turn inside the subtree.
   */
  private buildTree(
    depth: number,
    propose: PhaseState,
    pSharpBeg: Float64Array,
    pSharpEnd: Float64Array,
    rho: Float64Array,
    pBeg: Float64Array,
    pEnd: Float64Array,
    sign: 1 | -1,
    logSumWeight: { value: number },
  ): boolean {
    const n = this.n;
    const z = this.z;
    if (depth === 0) {
      this.leapfrog(z, sign * this.stepSize);
      this.nLeapfrog++;
      let h = this.hamiltonian(z);
      if (Number.isNaN(h)) h = Number.POSITIVE_INFINITY;
      if (h - this.H0 > MAX_DELTA_H) this.divergent = true;
      logSumWeight.value = logSumExp(logSumWeight.value, this.H0 - h);
      this.sumMetroProb += this.H0 - h > 0 ? 1 : Math.exp(this.H0 - h);
      propose.copyFrom(z);
      pSharpBeg.set(z.v);
      pSharpEnd.set(z.v);
      for (let i = 0; i < n; i++) rho[i] += z.p[i];
      pBeg.set(z.p);
      pEnd.set(z.p);
      return !this.divergent;
    }
    const f = this.frames[depth];
    // initial subtree
    const lswInit = { value: Number.NEGATIVE_INFINITY };
    f.rhoInit.fill(0);
    if (
      !this.buildTree(
        depth - 1,
        propose,
        pSharpBeg,
        f.pSharpInitEnd,
        f.rhoInit,
        pBeg,
        f.pInitEnd,
        sign,
        lswInit,
      )
    )
      return false;
    // final subtree
    const lswFinal = { value: Number.NEGATIVE_INFINITY };
    f.rhoFinal.fill(0);
    f.proposeFinal.copyFrom(z);
    if (
      !this.buildTree(
        depth - 1,
        f.proposeFinal,
        f.pSharpFinalBeg,
        pSharpEnd,
        f.rhoFinal,
        f.pFinalBeg,
        pEnd,
        sign,
        lswFinal,
      )
    )
      return false;
    // multinomial sample between the two halves
    const lswSubtree = logSumExp(lswInit.value, lswFinal.value);
    logSumWeight.value = logSumExp(logSumWeight.value, lswSubtree);
    if (lswFinal.value > lswSubtree) propose.copyFrom(f.proposeFinal);
    else if (this.rng.uniform() < Math.exp(lswFinal.value - lswSubtree)) propose.copyFrom(f.proposeFinal);
    const rs = f.rhoSubtree;
    for (let i = 0; i < n; i++) {
      rs[i] = f.rhoInit[i] + f.rhoFinal[i];
      rho[i] += rs[i];
    }
    let persist = uTurnFree(pSharpBeg, pSharpEnd, rs);
    const ext = f.rhoExtended;
    for (let i = 0; i < n; i++) ext[i] = f.rhoInit[i] + f.pFinalBeg[i];
    persist = persist && uTurnFree(pSharpBeg, f.pSharpFinalBeg, ext);
    for (let i = 0; i < n; i++) ext[i] = f.rhoFinal[i] + f.pInitEnd[i];
    persist = persist && uTurnFree(f.pSharpInitEnd, pSharpEnd, ext);
    return persist;
  }

  /**
   * Stan's heuristic for a first step size: double or halve it until the acceptance
   * probability of one leapfrog step crosses 0.8.
   */
  initStepSize(): void {
    const z = this.z;
    const save = new PhaseState(this.n);
    save.copyFrom(z);
    this.refreshMomentum();
    const H0 = this.hamiltonian(z);
    const probe = new PhaseState(this.n);
    probe.copyFrom(z);
    this.leapfrog(probe, this.stepSize);
    let h = this.hamiltonian(probe);
    if (Number.isNaN(h)) h = Number.POSITIVE_INFINITY;
    const direction = H0 - h > Math.log(0.8) ? 1 : -1;
    for (let k = 0; k < 100; k++) {
      this.metric.sampleMomentum(this.rng, z.p);
      this.metric.velocity(z.p, z.v);
      const h0 = this.hamiltonian(z);
      probe.copyFrom(z);
      this.leapfrog(probe, this.stepSize);
      h = this.hamiltonian(probe);
      if (Number.isNaN(h)) h = Number.POSITIVE_INFINITY;
      const dH = h0 - h;
      if (direction === 1 && !(dH > Math.log(0.8))) break;
      if (direction === -1 && !(dH < Math.log(0.8))) break;
      this.stepSize = direction === 1 ? 2 * this.stepSize : 0.5 * this.stepSize;
      if (this.stepSize > 1e7 || this.stepSize < 1e-12) break;
    }
    z.copyFrom(save);
  }
}

/** Generalised no-U-turn criterion: the trajectory has not turned back on either end. */
function uTurnFree(pSharpMinus: Float64Array, pSharpPlus: Float64Array, rho: Float64Array): boolean {
  let a = 0;
  let b = 0;
  for (let i = 0; i < rho.length; i++) {
    a += pSharpPlus[i] * rho[i];
    b += pSharpMinus[i] * rho[i];
  }
  return a > 0 && b > 0;
}
