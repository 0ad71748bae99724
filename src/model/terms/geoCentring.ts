// The sampling parameterisation of partially pooled geo effects. The model is written
// non-centred, m_{c,g} = m_c·exp(τ_c·z_{c,g}) with z ~ Normal(0, 1), and every draw, prior and
// measure keeps z. What the sampler moves need not be z, though: with many weeks per geo the data
// pin each geo's log deviation v_g = τ·z_g down, so z = v/τ is tied to τ by a curved ridge that a
// single step size crosses slowly (the funnel in reverse). Sampling v instead — the centred
// parameterisation, v ~ Normal(0, τ) — removes that ridge; it brings back the funnel only when
// the data say little about each geo, which is when the non-centred form is the right one.
//
// This is a change of variables on the unconstrained vector, applied after each parameter's own
// bijector: the sampler's coordinate for z_g holds v_g, z_g = v_g/τ, and the log-Jacobian is
// −G·log τ per channel. The density over (τ, z) is unchanged, so results agree in distribution.

import type { ChannelLayout } from "./media.js";

export class GeoCentring {
  private readonly blocks: { spread: number; z: number[] }[];

  constructor(channels: ChannelLayout[]) {
    this.blocks = channels.flatMap((c) => (c.geo ? [c.geo] : []));
  }

  get active(): boolean {
    return this.blocks.length > 0;
  }

  /**
   * z_g = v_g/τ in place (x holds v_g at the z indices on entry, τ already constrained); returns
   * the log-Jacobian Σ_c −G·log τ_c.
   */
  constrain(x: Float64Array): number {
    let logJacobian = 0;
    for (const { spread, z } of this.blocks) {
      const tau = x[spread];
      for (let g = 0; g < z.length; g++) x[z[g]] /= tau;
      logJacobian -= z.length * Math.log(tau);
    }
    return logJacobian;
  }

  /** v_g = τ·z_g in place: the inverse of `constrain`. */
  unconstrain(x: Float64Array): void {
    for (const { spread, z } of this.blocks) {
      const tau = x[spread];
      for (let g = 0; g < z.length; g++) x[z[g]] *= tau;
    }
  }

  /**
   * Turns gx = dlogp/d(τ, z) (the Jacobian's term excluded) into dlogp/d(τ, v), adding the
   * Jacobian's derivative: d/dv_g = gz_g/τ, and τ also moves every z_g = v_g/τ, so
   * d/dτ gains Σ_g gz_g·(−z_g/τ) − G/τ. x holds the constrained z.
   */
  chain(x: Float64Array, gx: Float64Array): void {
    for (const { spread, z } of this.blocks) {
      const tau = x[spread];
      let dTau = -z.length / tau;
      for (let g = 0; g < z.length; g++) {
        const i = z[g];
        dTau -= (gx[i] * x[i]) / tau;
        gx[i] /= tau;
      }
      gx[spread] += dTau;
    }
  }
}
