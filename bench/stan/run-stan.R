# Fits bench/stan/mmm.stan with rstan to data written by export.ts and writes a JSON result:
# compile and sampling seconds, per-parameter posterior summaries under OUR parameter names,
# min bulk ESS, leapfrog steps per iteration, divergences, and a few draws with lp__ (which
# compare.ts evaluates with our log density: identical models give identical lp__).
#
#   Rscript bench/stan/run-stan.R --data bench/results/stan/clean-1.data.json \
#     [--out bench/results/stan/clean-1.stan.json] [--chains 4] [--warmup 1000] [--draws 1000] \
#     [--seed 1] [--cores 2] [--adapt_delta 0.8] [--max_treedepth 10] [--metric diag_e] \
#     [--init random|0] [--model bench/stan/mmm.stan] [--compiled file.rds] [--draws-out file.json]
#
# --compiled: reuse a compiled model saved there (compiled and saved if absent); compile time
# is then 0 on reuse. Stan defaults are kept otherwise (diag_e, adapt_delta 0.8, treedepth 10,
# random inits in (−2, 2) on the unconstrained scale).
# --draws-out: also write every post-warm-up draw, constrained, under our parameter names (in
# model.names order, as export.ts stored them), per chain with lp__, n_leapfrog__, divergent__ and
# treedepth__, for bench/peer.ts (which computes ROI from Stan's draws with our code).

script_dir <- local({
  f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  if (length(f) == 1) dirname(normalizePath(f)) else "bench/stan"
})
source(file.path(script_dir, "common.R"))

opt <- parse_args(list(
  data = NULL, out = NULL, chains = "4", warmup = "1000", draws = "1000", seed = "1", cores = "2",
  adapt_delta = "0.8", max_treedepth = "10", metric = "diag_e", init = "random",
  model = file.path(script_dir, "mmm.stan"), compiled = NULL, lp_draws = "20", "draws-out" = NULL
))
if (is.null(opt$data)) stop("--data is required")
out_file <- if (is.null(opt$out)) sub("\\.data\\.json$", ".stan.json", opt$data) else opt$out
if (out_file == opt$data) out_file <- paste0(opt$data, ".stan.json")

suppressPackageStartupMessages(library(rstan))
# Debian's r-cran-bh is a virtual package without headers: point rstan at the system Boost
if (!file.exists(rstan_options("boost_lib"))) rstan_options(boost_lib = "/usr/include")

chains <- as.integer(opt$chains)
warmup <- as.integer(opt$warmup)
draws <- as.integer(opt$draws)
seed <- as.integer(opt$seed)
cores <- as.integer(opt$cores)

sdat <- read_stan_data(opt$data)

# ---- compile ----
compile_seconds <- 0
if (!is.null(opt$compiled) && file.exists(opt$compiled)) {
  sm <- readRDS(opt$compiled)
  message("reusing compiled model ", opt$compiled)
} else {
  t0 <- proc.time()[["elapsed"]]
  sm <- stan_model(file = opt$model, model_name = "mmm", auto_write = FALSE)
  compile_seconds <- proc.time()[["elapsed"]] - t0
  message(sprintf("compiled in %.1f s", compile_seconds))
  if (!is.null(opt$compiled)) saveRDS(sm, opt$compiled)
}

# ---- sample ----
init <- if (opt$init == "random") "random" else as.numeric(opt$init)
t0 <- proc.time()[["elapsed"]]
fit <- sampling(
  sm,
  data = sdat$data, chains = chains, warmup = warmup, iter = warmup + draws, seed = seed,
  cores = cores, init = init, refresh = max(1, (warmup + draws) %/% 4),
  control = list(adapt_delta = as.numeric(opt$adapt_delta), max_treedepth = as.integer(opt$max_treedepth),
                 metric = opt$metric)
)
sampling_seconds <- proc.time()[["elapsed"]] - t0
if (fit@mode != 0L) stop("sampling failed (see the messages above)")
message(sprintf("sampled in %.1f s (wall)", sampling_seconds))

# ---- summaries ----
arr <- as.array(fit) # iterations × chains × (parameters, lp__)
params <- summarise_params(arr, sdat$names$stan, sdat$names$ours)
lp <- summarise_params(arr, "lp__", "lp__")[[1]]
sp <- get_sampler_params(fit, inc_warmup = FALSE)
sp_all <- get_sampler_params(fit, inc_warmup = TRUE)
leapfrog <- sapply(sp, function(m) mean(m[, "n_leapfrog__"]))
elapsed <- get_elapsed_time(fit)
ess <- vapply(params, function(p) p$ess_bulk, 0)

# a few draws (evenly spaced over chain 1 and the last chain) with lp__ and Stan's gradient on the
# unconstrained scale (grad_log_prob), for compare.ts's check against our logDensity
k <- as.integer(opt$lp_draws)
picks <- unique(round(seq(1, draws, length.out = max(1, k %/% 2))))
fnames <- setdiff(dimnames(arr)[[3]], "lp__") # every parameter is a scalar or vector: one
pars_list <- function(flat) { # unconstrained coordinate each, in declaration order
  out <- list()
  pos <- 0
  for (p in setdiff(fit@model_pars, "lp__")) {
    d <- fit@par_dims[[p]]
    n <- if (length(d) == 0) 1 else prod(d)
    v <- flat[pos + seq_len(n)]
    pos <- pos + n
    out[[p]] <- if (length(d) == 0) v else array(v, dim = d)
  }
  out
}
lp_check <- list()
for (ch in unique(c(1, chains))) {
  for (i in picks) {
    vals <- as.list(setNames(arr[i, ch, sdat$names$stan], sdat$names$ours))
    upars <- unconstrain_pars(fit, pars_list(unname(arr[i, ch, fnames])))
    g <- grad_log_prob(fit, upars, adjust_transform = TRUE)
    grad <- as.list(setNames(as.numeric(g), fnames)[sdat$names$stan])
    names(grad) <- sdat$names$ours
    lp_check[[length(lp_check) + 1]] <- list(
      chain = ch, iteration = i, lp = arr[i, ch, "lp__"], log_prob = attr(g, "log_prob"),
      values = vals, grad = grad
    )
  }
}

result <- list(
  engine = "rstan",
  rstan_version = as.character(packageVersion("rstan")),
  stan_version = stan_version(),
  data = opt$data,
  meta = sdat$meta[intersect(c("scenario", "seed", "holdout", "spec"), names(sdat$meta))],
  settings = list(chains = chains, warmup = warmup, draws = draws, seed = seed, cores = cores,
                  metric = opt$metric, adapt_delta = as.numeric(opt$adapt_delta),
                  max_treedepth = as.integer(opt$max_treedepth), init = opt$init),
  compile_seconds = compile_seconds,
  sampling_seconds = sampling_seconds,
  chain_seconds = list(warmup = I(unname(elapsed[, "warmup"])), sample = I(unname(elapsed[, "sample"]))),
  min_ess_bulk = min(ess),
  min_ess_bulk_param = params[[which.min(ess)]]$name,
  max_rhat = max(vapply(params, function(p) p$rhat, 0)),
  leapfrog_per_iteration = mean(leapfrog),
  leapfrog_per_iteration_by_chain = I(unname(leapfrog)),
  gradient_evaluations_total = sum(sapply(sp_all, function(m) sum(m[, "n_leapfrog__"]))),
  stepsize_by_chain = I(unname(sapply(sp, function(m) m[1, "stepsize__"]))),
  divergences = sum(sapply(sp, function(m) sum(m[, "divergent__"]))),
  warmup_divergences = sum(sapply(sp_all, function(m) sum(m[, "divergent__"]))) -
    sum(sapply(sp, function(m) sum(m[, "divergent__"]))),
  max_treedepth_hits = sum(sapply(sp, function(m) sum(m[, "treedepth__"] >= as.integer(opt$max_treedepth)))),
  lp = lp,
  params = params,
  lp_check = lp_check
)
write_json_file(result, out_file)
message("wrote ", out_file)

# ---- every post-warm-up draw (constrained), under our names ----
if (!is.null(opt[["draws-out"]])) {
  n_iter <- dim(arr)[1]
  stat <- function(ch, col) unname(as.numeric(sp[[ch]][, col]))
  all_draws <- list(
    engine = "rstan",
    names = I(sdat$names$ours),
    stan_names = I(sdat$names$stan),
    chains = lapply(seq_len(chains), function(ch) list(
      # iterations × parameters, rows written as arrays (jsonlite's default row-major matrices)
      draws = matrix(arr[, ch, sdat$names$stan], nrow = n_iter),
      lp = I(unname(as.numeric(arr[, ch, "lp__"]))),
      n_leapfrog = I(stat(ch, "n_leapfrog__")),
      divergent = I(stat(ch, "divergent__")),
      treedepth = I(stat(ch, "treedepth__"))
    ))
  )
  dir.create(dirname(opt[["draws-out"]]), recursive = TRUE, showWarnings = FALSE)
  write(toJSON(all_draws, auto_unbox = TRUE, digits = NA, null = "null", na = "null"), opt[["draws-out"]])
  message("wrote ", opt[["draws-out"]])
}
cat(sprintf(
  "compile %.1f s, sampling %.1f s wall; leapfrog/iter %.1f; min ESS bulk %.0f (%s); max Rhat %.3f; divergences %d\n",
  compile_seconds, sampling_seconds, mean(leapfrog), min(ess), result$min_ess_bulk_param, result$max_rhat,
  as.integer(result$divergences)
))
