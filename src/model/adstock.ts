// Adstock (carryover) families: each maps a spend series to an effective-exposure series by a
// finite convolution with lag weights. Weights are normalised to sum to 1 by default so the
// adstocked series stays in spend units (a week's spend is spread over the following weeks).

export type AdstockSpec =
  | { type: "geometric"; alpha: number; maxLag: number; normalize?: boolean }
  | { type: "delayed_geometric"; alpha: number; delay: number; maxLag: number; normalize?: boolean }
  | { type: "weibull_cdf"; shape: number; scale: number; maxLag: number; normalize?: boolean }
  | { type: "weibull_pdf"; shape: number; scale: number; maxLag: number; normalize?: boolean };

export type AdstockType = AdstockSpec["type"];

/** Lag weights w[0..maxLag-1] of an adstock family, before normalisation. */
function rawWeights(spec: AdstockSpec): Float64Array {
  const w = new Float64Array(spec.maxLag);
  for (let l = 0; l < spec.maxLag; l++) {
    switch (spec.type) {
      case "geometric":
        w[l] = spec.alpha ** l;
        break;
      case "delayed_geometric":
        // peak at lag `delay`, decaying geometrically in squared distance from it
        w[l] = spec.alpha ** ((l - spec.delay) ** 2);
        break;
      case "weibull_cdf":
        // survival function of a Weibull: 1 at lag 0, shape sets how the decay accelerates
        w[l] = Math.exp(-((l / spec.scale) ** spec.shape));
        break;
      case "weibull_pdf": {
        // density at l + 1 (avoids the singularity at 0 for shape < 1); shape > 1 gives a delayed peak
        const x = (l + 1) / spec.scale;
        w[l] = (spec.shape / spec.scale) * x ** (spec.shape - 1) * Math.exp(-(x ** spec.shape));
        break;
      }
    }
  }
  return w;
}

export function adstockWeights(spec: AdstockSpec): Float64Array {
  const w = rawWeights(spec);
  if (spec.normalize ?? true) {
    let s = 0;
    for (let l = 0; l < w.length; l++) s += w[l];
    if (s > 0) for (let l = 0; l < w.length; l++) w[l] /= s;
  }
  return w;
}

/** y[t] = Σ_l w[l]·x[t−l], with no spend before the first week. Writes into `out` if given. */
export function applyAdstock(x: ArrayLike<number>, weights: Float64Array, out?: Float64Array): Float64Array {
  const n = x.length;
  const y = out ?? new Float64Array(n);
  const L = weights.length;
  for (let t = 0; t < n; t++) {
    let s = 0;
    const lmax = Math.min(L - 1, t);
    for (let l = 0; l <= lmax; l++) s += weights[l] * x[t - l];
    y[t] = s;
  }
  return y;
}

export function adstock(x: ArrayLike<number>, spec: AdstockSpec): Float64Array {
  return applyAdstock(x, adstockWeights(spec));
}
