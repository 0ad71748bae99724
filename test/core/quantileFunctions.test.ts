// Normal and beta quantiles against R 4.2 (qnorm, qbeta) and the FFT against a direct DFT.

import { describe, expect, it } from "vitest";
import { fftInPlace } from "../../src/core/fft.js";
import { betaQuantile, incompleteBeta, normalQuantile } from "../../src/core/quantileFunctions.js";

describe("normalQuantile", () => {
  it("matches R's qnorm to an ulp or two", () => {
    const cases: [number, number][] = [
      [1e-10, -6.3613409024040557],
      [0.001, -3.0902323061678132],
      [0.0234, -1.988105710041093],
      [0.1586553, -0.99999980961110624],
      [0.3, -0.52440051270804067],
      [0.5, 0],
      [0.8413447, 0.99999980961110602],
      [0.99, 2.3263478740408408],
      [1 - 1e-9, 5.9978070196016384],
    ];
    for (const [p, q] of cases)
      expect(Math.abs(normalQuantile(p) - q)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(q)));
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});

describe("betaQuantile", () => {
  it("matches R's qbeta, including the large shapes MCSE of quantiles uses", () => {
    const cases: [number, number, number, number][] = [
      [0.1586553, 201.2, 3820.1, 0.046598052136385855],
      [0.8413447, 201.2, 3820.1, 0.053469126602072259],
      [0.1586553, 1.3, 2.5, 0.11155823146612721],
      [0.8413447, 13690, 721.4, 0.95175852681432804],
      [0.1586553, 1, 1, 0.1586553],
      [0.5, 7.5, 3.2, 0.71383303935768394],
    ];
    for (const [p, a, b, q] of cases) {
      expect(Math.abs(betaQuantile(p, a, b) - q) / q).toBeLessThan(1e-13);
      expect(incompleteBeta(q, a, b)).toBeCloseTo(p, 13);
    }
  });
});

describe("fftInPlace", () => {
  it("equals a direct DFT and inverts up to the factor n", () => {
    const n = 16;
    const x = Float64Array.from({ length: n }, (_, i) => Math.cos(i) + 0.1 * i);
    const re = Float64Array.from(x);
    const im = new Float64Array(n);
    fftInPlace(re, im);
    for (const k of [0, 1, 5, 15]) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        sr += x[j] * Math.cos((-2 * Math.PI * j * k) / n);
        si += x[j] * Math.sin((-2 * Math.PI * j * k) / n);
      }
      expect(re[k]).toBeCloseTo(sr, 12);
      expect(im[k]).toBeCloseTo(si, 12);
    }
    fftInPlace(re, im, true);
    for (let j = 0; j < n; j++) expect(re[j] / n).toBeCloseTo(x[j], 13);
  });
});
