// Time-based regression (Kerman, Wang & Vaver 2017), the cross-check on the synthetic control:
// the treated total regressed on the control total over the pre-period, projected over the test.

import { normalQuantile } from "../../core/quantileFunctions.js";

export interface TbrRead {
  lift: number;
  low: number;
  high: number;
  /** Intercept and slope of treated on control in the pre-period. */
  intercept: number;
  slope: number;
}

/**
 * Lift = Σ_test (treated − a − b·control); its interval adds the residual noise of L periods to the
 * uncertainty of the fitted line (normal approximation: the pre-period is long enough here).
 */
export function timeBasedRegression(
  treated: Float64Array,
  control: Float64Array,
  start: number,
  end: number,
  level: number,
): TbrRead {
  let mx = 0;
  let my = 0;
  for (let t = 0; t < start; t++) {
    mx += control[t] / start;
    my += treated[t] / start;
  }
  let sxx = 0;
  let sxy = 0;
  for (let t = 0; t < start; t++) {
    sxx += (control[t] - mx) ** 2;
    sxy += (control[t] - mx) * (treated[t] - my);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let t = 0; t < start; t++) sse += (treated[t] - intercept - slope * control[t]) ** 2;
  const sigma2 = sse / Math.max(1, start - 2);
  const L = end - start + 1;
  let lift = 0;
  let xPost = 0;
  for (let t = start; t <= end; t++) {
    lift += treated[t] - intercept - slope * control[t];
    xPost += control[t];
  }
  // var(Σ ŷ) for the sum of L predictions: L²/n + (Σx − L·x̄)²/Sxx, plus L independent residuals
  const v = sigma2 * (L + (L * L) / start + (sxx > 0 ? (xPost - L * mx) ** 2 / sxx : 0));
  const z = normalQuantile(0.5 + level / 2);
  return { lift, low: lift - z * Math.sqrt(v), high: lift + z * Math.sqrt(v), intercept, slope };
}
