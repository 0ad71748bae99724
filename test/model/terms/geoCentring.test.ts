// The centred geo coordinates' chain rule against finite differences: for a smooth test density
// h(τ, z) over the model's (τ, z), d/d(τ, v) of h(τ, v/τ) + log-Jacobian must equal `chain`'s output.

import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/core/rng.js";
import { GeoCentring } from "../../../src/model/terms/geoCentring.js";
import { centralDifference } from "./fd.js";

// two channels: τ at 0 and 4, geo coordinates at 1–3 and 5–7; index 8 is an unrelated parameter
const channels = [
  { effect: 8, adstock: [], saturation: [], geo: { spread: 0, z: [1, 2, 3] } },
  { effect: 8, adstock: [], saturation: [], geo: { spread: 4, z: [5, 6, 7] } },
];

/** A smooth density in (τ, z) with its gradient: Σ_i sin(i·x_i) + x_i²·x_{i+1}. */
function h(x: Float64Array, gx: Float64Array): number {
  let v = 0;
  gx.fill(0);
  for (let i = 0; i < x.length; i++) {
    const next = x[(i + 1) % x.length];
    v += Math.sin((i + 1) * x[i]) + x[i] * x[i] * next;
    gx[i] += (i + 1) * Math.cos((i + 1) * x[i]) + 2 * x[i] * next;
    gx[(i + 1) % x.length] += x[i] * x[i];
  }
  return v;
}

describe("GeoCentring", () => {
  const centring = new GeoCentring(channels);

  /** log density on the sampler's coordinates (τ, v): h(τ, v/τ) + Jacobian, with its gradient. */
  const density = (u: Float64Array, grad?: Float64Array) => {
    const x = Float64Array.from(u);
    const logJacobian = centring.constrain(x);
    const gx = new Float64Array(x.length);
    const lp = h(x, gx) + logJacobian;
    if (grad) {
      centring.chain(x, gx);
      grad.set(gx);
    }
    return lp;
  };

  it("chain = finite differences", () => {
    const rng = new Rng(3);
    for (let p = 0; p < 3; p++) {
      const u = Float64Array.from({ length: 9 }, () => rng.normal(0, 0.5));
      u[0] = 0.2 + rng.uniform();
      u[4] = 0.2 + rng.uniform();
      const grad = new Float64Array(9);
      density(u, grad);
      for (let i = 0; i < 9; i++) {
        expect(grad[i]).toBeCloseTo(
          centralDifference((v) => density(v), u, i),
          6,
        );
      }
    }
  });

  it("unconstrain inverts constrain", () => {
    const x = Float64Array.from([0.3, 1, -2, 0.5, 0.7, 0, 3, -1, 9]);
    const back = Float64Array.from(x);
    centring.unconstrain(back);
    expect(back[1]).toBeCloseTo(0.3, 15);
    centring.constrain(back);
    for (let i = 0; i < x.length; i++) expect(back[i]).toBeCloseTo(x[i], 14);
  });
});
