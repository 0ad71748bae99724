// The likelihood term: dlogp/dμ and the noise parameters' gradient against finite differences.

import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/core/rng.js";
import { buildModelData } from "../../../src/model/design.js";
import { ModelSpecSchema } from "../../../src/model/spec.js";
import { LikelihoodTerm } from "../../../src/model/terms/likelihood.js";
import { simulateScenario } from "../../../src/simulate/lab.js";
import { paramList, randomPoint, step } from "./fd.js";

const tables = { clean: simulateScenario("short", 5).table, counts: simulateScenario("counts", 5).table };

describe("LikelihoodTerm gradient = finite differences", () => {
  const families = [
    ["normal", "clean"],
    ["student_t", "clean"],
    ["lognormal", "clean"],
    ["poisson", "counts"],
    ["negative_binomial", "counts"],
  ] as const;
  for (const [family, table] of families) {
    it(family, () => {
      const spec = ModelSpecSchema.parse({ likelihood: { family } });
      const data = buildModelData(tables[table], spec);
      const { params, add } = paramList();
      const term = new LikelihoodTerm(data, spec, add);
      const rng = new Rng(30);
      const n = data.G * data.T;
      const x = randomPoint(params, rng);
      const mu = Float64Array.from({ length: n }, () => 1 + rng.normal(0, 0.2));
      const dMu = new Float64Array(n);
      const gx = new Float64Array(params.length);
      const scratch = new Float64Array(n);
      const ll = term.logLik(x, mu, dMu, gx);
      expect(Number.isFinite(ll)).toBe(true);
      const f = (xx: Float64Array, m: Float64Array) =>
        term.logLik(xx, m, scratch, new Float64Array(params.length));
      const near = (fd: number, an: number, what: string) => {
        if (!(Math.abs(fd - an) <= 1e-5 * Math.max(1, Math.abs(fd))))
          throw new Error(`${what}: ${an} vs ${fd}`);
      };
      for (let i = 0; i < params.length; i++) {
        const h = step(params[i], x[i]);
        const up = Float64Array.from(x);
        const dn = Float64Array.from(x);
        up[i] += h;
        dn[i] -= h;
        near((f(up, mu) - f(dn, mu)) / (2 * h), gx[i], `d/d ${params[i].name}`);
      }
      for (let k = 0; k < 10; k++) {
        const i = Math.floor(rng.uniform() * n);
        const h = 1e-6;
        const up = Float64Array.from(mu);
        const dn = Float64Array.from(mu);
        up[i] += h;
        dn[i] -= h;
        near((f(x, up) - f(x, dn)) / (2 * h), dMu[i], `d/d mu[${i}]`);
      }
    });
  }
});
