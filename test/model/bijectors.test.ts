// The bijectors' values, inverses, log-Jacobians and their derivatives, against closed forms and
// central finite differences; the softplus (issue 12) over the whole range it meets in sampling.

import { describe, expect, it } from "vitest";
import { type Bijector, forward, inverse, type Transformed } from "../../src/model/bijectors.js";

const BIJECTORS: Bijector[] = [
  { kind: "identity" },
  { kind: "exp" },
  { kind: "softplus", scale: 0.01 },
  { kind: "softplus", scale: 3 },
  { kind: "logit" },
  { kind: "bounded", lower: -2, upper: 5 },
];
const t = (): Transformed => ({ value: 0, dValue: 0, logJacobian: 0, dLogJacobian: 0 });

describe("bijectors", () => {
  for (const b of BIJECTORS) {
    it(`${JSON.stringify(b)}: inverse ∘ forward = id, dValue and dLogJacobian match finite differences`, () => {
      for (const u of [-25, -6, -1.3, -0.2, 0, 0.4, 2, 7.5, 25]) {
        const f = forward(b, u, t());
        if (b.kind !== "logit" && b.kind !== "bounded") expect(inverse(b, f.value)).toBeCloseTo(u, 6);
        else if (Math.abs(u) < 20) expect(inverse(b, f.value)).toBeCloseTo(u, 6);
        const h = 1e-5;
        const up = forward(b, u + h, t());
        const down = forward(b, u - h, t());
        const close = (a: number, e: number, tol: number) =>
          expect(Math.abs(a - e)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
        close(f.dValue, (up.value - down.value) / (2 * h), 1e-6);
        // log(dValue) itself loses digits where dValue underflows toward 0: compare where it is exact
        if (f.dValue > 1e-8) close(f.logJacobian, Math.log(f.dValue), 1e-8);
        close(f.dLogJacobian, (up.logJacobian - down.logJacobian) / (2 * h), 1e-5);
      }
    });
  }

  it("softplus: exp-like below its scale, linear above, never reaching zero", () => {
    const b: Bijector = { kind: "softplus", scale: 0.01 };
    expect(forward(b, -30, t()).value).toBeGreaterThan(0);
    expect(forward(b, -5, t()).value / (0.01 * Math.exp(-5))).toBeCloseTo(1, 2);
    expect(forward(b, 40, t()).value).toBeCloseTo(0.4, 12);
    expect(forward(b, 40, t()).dValue).toBeCloseTo(0.01, 12);
    expect(inverse(b, 0.4)).toBeCloseTo(40, 10);
    expect(inverse(b, 1e-12)).toBeCloseTo(Math.log(1e-10), 6);
  });
});
