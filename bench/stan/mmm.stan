// MMM-OS model (src/model/mmm.ts + design.ts) for Stan 2.21 (rstan), the benchmark's reference.
//
// Same model, priors and parameterisation as our sampler's target, for the spec family
//   adstock: geometric (normalised or not), max_lag L_c per channel
//   saturation: Hill, parameterised by its level at average exposure s1 ∈ (0,1) and slope n
//   baseline: intercept per geo, centred linear trend (optional), centred changepoint hinges
//             (optional), Fourier terms, holiday columns; no time-varying intercept
//   controls: sign any (real), positive (γ ≥ 0) or negative (coefficient −γ, γ ≥ 0)
//   likelihood: normal with sigma, on the KPI divided by its geo mean
// All design columns come precomputed from bench/stan/export.ts, so they are exactly ours.
//
// μ[g,t] = intercept_g + baseline_t + Σ_k coef_k·z_k[g,t]
//          + Σ_c (m_c/s1_c)·(h_c[g,t] − mean over training weeks of h_c[g,·]),
// h_c = Hill(adstock_c(x_c)), Hill(a) = 1 / (1 + ((1 − s1)/s1)·a^(−n)) = inv_logit(logit(s1) + n·log a).
//
// Constraints match our bijectors (identity ↔ unbounded, exp ↔ <lower=0>, logit ↔ <lower=0,upper=1>)
// with the same log-Jacobians, and every prior is added with its normalising constant
// (target += *_lpdf), so lp__ equals MmmModel.logDensity at the same point (up to rounding).
//
// Priors are generic: each parameter has a distribution code and up to 3 hyperparameters,
// read from model.params by export.ts:
//   1 normal(mu, sigma)  2 half_normal(sigma)  3 lognormal(mu, sigma)  4 beta(alpha, beta)
//   5 gamma(alpha, beta [rate])  6 student_t(nu, mu, sigma)  7 exponential(rate)

functions {
  real prior_lpdf(real x, int d, vector h) {
    if (d == 1) return normal_lpdf(x | h[1], h[2]);
    else if (d == 2) return normal_lpdf(x | 0, h[1]) + log(2);
    else if (d == 3) return lognormal_lpdf(x | h[1], h[2]);
    else if (d == 4) return beta_lpdf(x | h[1], h[2]);
    else if (d == 5) return gamma_lpdf(x | h[1], h[2]);
    else if (d == 6) return student_t_lpdf(x | h[1], h[2], h[3]);
    else if (d == 7) return exponential_lpdf(x | h[1]);
    reject("unknown prior code ", d);
    return 0;  // not reached
  }
}

data {
  int<lower=1> G;                      // geos (panel is geo-major: index g*T + t)
  int<lower=2> T;                      // weeks
  int<lower=1, upper=T> T_train;       // the first T_train weeks are fitted (the rest held out)
  int<lower=0> N_obs;                  // observed cells (held-out or missing KPI left out)
  int<lower=1, upper=G * T> obs[N_obs];
  vector[N_obs] y_obs;                 // KPI ÷ its geo mean

  // media
  int<lower=1> C;
  int<lower=1> Lmax;
  int<lower=1, upper=Lmax> max_lag[C];
  int<lower=0, upper=1> normalize[C];
  vector<lower=0>[G * T] x[C];         // input ÷ its geo's average active level

  // baseline (time-only columns, shared by geos)
  int<lower=0, upper=1> has_trend;
  vector[T] trend_x;                   // t/(T−1) minus its mean
  int<lower=0> K_cp;
  vector[T] cp_x[K_cp];                // centred changepoint hinges
  int<lower=0> F;
  vector[T] sin_x[F];
  vector[T] cos_x[F];
  int<lower=0> H;
  vector[T] hol_x[H];

  // controls (standardised, geo-major)
  int<lower=0> K_any;
  vector[G * T] z_any[K_any];
  int<lower=0> K_sgn;
  vector[G * T] z_sgn[K_sgn];
  int<lower=-1, upper=1> ctrl_sign[K_sgn];   // +1 positive, −1 negative

  // priors: code and hyperparameters per parameter
  int pd_intercept[G];
  vector[3] ph_intercept[G];
  int pd_trend[has_trend];
  vector[3] ph_trend[has_trend];
  int pd_cp[K_cp];
  vector[3] ph_cp[K_cp];
  int pd_sin[F];
  vector[3] ph_sin[F];
  int pd_cos[F];
  vector[3] ph_cos[F];
  int pd_hol[H];
  vector[3] ph_hol[H];
  int pd_any[K_any];
  vector[3] ph_any[K_any];
  int pd_sgn[K_sgn];
  vector[3] ph_sgn[K_sgn];
  int pd_effect[C];
  vector[3] ph_effect[C];
  int pd_alpha[C];
  vector[3] ph_alpha[C];
  int pd_saturation[C];
  vector[3] ph_saturation[C];
  int pd_slope[C];
  vector[3] ph_slope[C];
  int pd_sigma;
  vector[3] ph_sigma;
}

transformed data {
  int N = G * T;
  // lagged inputs: Xlag[c][g*T + t, l+1] = x_c[g, t − l] (0 before the first week, and for l ≥ L_c)
  matrix[N, Lmax] Xlag[C];
  for (c in 1:C) {
    Xlag[c] = rep_matrix(0, N, Lmax);
    for (g in 0:(G - 1)) {
      for (t in 0:(T - 1)) {
        for (l in 0:(max_lag[c] - 1)) {
          if (t - l >= 0) Xlag[c][g * T + t + 1, l + 1] = x[c][g * T + t - l + 1];
        }
      }
    }
  }
}

parameters {
  vector[G] intercept;
  vector[has_trend] trend;
  vector[K_cp] changepoint;
  vector[F] season_sin;
  vector[F] season_cos;
  vector[H] holiday;
  vector[K_any] control_any;
  vector<lower=0>[K_sgn] control_sgn;    // γ; the coefficient is ctrl_sign·γ
  vector<lower=0>[C] effect;             // m: weekly contribution at average exposure
  vector<lower=0, upper=1>[C] alpha;     // geometric decay
  vector<lower=0, upper=1>[C] saturation; // s1 = Hill(1)
  vector<lower=0>[C] slope;              // Hill slope n
  real<lower=0> sigma;
}

model {
  vector[N] mu;
  {
    vector[T] base = rep_vector(0, T);
    if (has_trend == 1) base += trend[1] * trend_x;
    for (j in 1:K_cp) base += changepoint[j] * cp_x[j];
    for (k in 1:F) base += season_sin[k] * sin_x[k] + season_cos[k] * cos_x[k];
    for (h in 1:H) base += holiday[h] * hol_x[h];
    for (g in 1:G) mu[((g - 1) * T + 1):(g * T)] = intercept[g] + base;
  }
  for (k in 1:K_any) mu += control_any[k] * z_any[k];
  for (k in 1:K_sgn) mu += (ctrl_sign[k] * control_sgn[k]) * z_sgn[k];
  for (c in 1:C) {
    vector[Lmax] w = rep_vector(0, Lmax);
    vector[N] a;
    vector[N] hill;
    real ls1 = logit(saturation[c]);
    for (l in 1:max_lag[c]) w[l] = alpha[c] ^ (l - 1);
    if (normalize[c] == 1) w = w / sum(w);
    a = Xlag[c] * w;
    for (i in 1:N) {
      if (a[i] > 0) hill[i] = inv_logit(ls1 + slope[c] * log(a[i]));
      else hill[i] = 0;
    }
    for (g in 1:G) {
      int s = (g - 1) * T + 1;
      int e = g * T;
      // centred on the training weeks only, as ours (held-out weeks do not move the intercept)
      mu[s:e] += (effect[c] / saturation[c]) * (hill[s:e] - mean(hill[s:(s + T_train - 1)]));
    }
  }

  // priors, with their constants
  for (g in 1:G) target += prior_lpdf(intercept[g] | pd_intercept[g], ph_intercept[g]);
  for (j in 1:has_trend) target += prior_lpdf(trend[j] | pd_trend[j], ph_trend[j]);
  for (j in 1:K_cp) target += prior_lpdf(changepoint[j] | pd_cp[j], ph_cp[j]);
  for (k in 1:F) {
    target += prior_lpdf(season_sin[k] | pd_sin[k], ph_sin[k]);
    target += prior_lpdf(season_cos[k] | pd_cos[k], ph_cos[k]);
  }
  for (h in 1:H) target += prior_lpdf(holiday[h] | pd_hol[h], ph_hol[h]);
  for (k in 1:K_any) target += prior_lpdf(control_any[k] | pd_any[k], ph_any[k]);
  for (k in 1:K_sgn) target += prior_lpdf(control_sgn[k] | pd_sgn[k], ph_sgn[k]);
  for (c in 1:C) {
    target += prior_lpdf(effect[c] | pd_effect[c], ph_effect[c]);
    target += prior_lpdf(alpha[c] | pd_alpha[c], ph_alpha[c]);
    target += prior_lpdf(saturation[c] | pd_saturation[c], ph_saturation[c]);
    target += prior_lpdf(slope[c] | pd_slope[c], ph_slope[c]);
  }
  target += prior_lpdf(sigma | pd_sigma, ph_sigma);

  // likelihood
  target += normal_lpdf(y_obs | mu[obs], sigma);
}
