// The pieces the log density is assembled from (see MmmModel). Every term registers its own
// parameters in its constructor, through the `add` callback, and works on constrained values x.
// Terms preallocate their scratch buffers: the sampler calls them millions of times.

/** An additive piece of the mean μ (geo-major, G·T). */
export interface MeanTerm {
  /** Adds this term's contribution to μ; false rejects the point (e.g. invalid adstock weights). */
  forward(x: Float64Array, mu: Float64Array): boolean;
  /**
   * Adds dlogp/dx of this term's parameters into gx, given dMu = dlogp/dμ. Runs after forward at
   * the same x, so it may read what forward cached.
   */
  backward(x: Float64Array, dMu: Float64Array, gx: Float64Array): void;
}

/**
 * An extra log-density term on the constrained parameters, added to the priors and likelihood,
 * e.g. a calibration to lift tests. Register one with MmmModel.addTerm.
 */
export interface LogDensityTerm {
  /** Its log density at constrained x (−Infinity rejects); adds its d/dx into gx. */
  logDensity(x: Float64Array, gx: Float64Array): number;
}
