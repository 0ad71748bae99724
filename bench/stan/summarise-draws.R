# Summarises our sampler's draws (written by ours.ts) exactly as run-stan.R summarises Stan's:
# same posterior-package ESS, MCSE, R-hat and quantiles, so compare.ts compares like with like.
#
#   Rscript bench/stan/summarise-draws.R --draws bench/results/stan/clean-1.ours.draws.json \
#     [--out bench/results/stan/clean-1.ours.json]

script_dir <- local({
  f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  if (length(f) == 1) dirname(normalizePath(f)) else "bench/stan"
})
source(file.path(script_dir, "common.R"))

opt <- parse_args(list(draws = NULL, out = NULL))
if (is.null(opt$draws)) stop("--draws is required")
out_file <- if (is.null(opt$out)) sub("\\.draws\\.json$", ".json", opt$draws) else opt$out
if (out_file == opt$draws) out_file <- paste0(opt$draws, ".summary.json")

raw <- fromJSON(opt$draws, simplifyVector = TRUE, simplifyMatrix = TRUE)
nm <- raw$names
chains <- raw$chains
n_chains <- nrow(chains)
draws_list <- chains$draws # list of (draws × params) matrices
n_draws <- nrow(draws_list[[1]])
arr <- array(NA_real_, dim = c(n_draws, n_chains, length(nm) + 1),
             dimnames = list(NULL, NULL, c(nm, "lp__")))
for (ch in seq_len(n_chains)) {
  arr[, ch, seq_along(nm)] <- draws_list[[ch]]
  arr[, ch, "lp__"] <- chains$lp[[ch]]
}
params <- summarise_params(arr, nm, nm)
ess <- vapply(params, function(p) p$ess_bulk, 0)
result <- list(
  engine = raw$engine,
  meta = raw$meta,
  settings = raw$settings,
  compile_seconds = 0,
  sampling_seconds = raw$wall_seconds,
  chain_seconds = list(warmup = I(chains$warmup_seconds), sample = I(chains$sampling_seconds)),
  min_ess_bulk = min(ess),
  min_ess_bulk_param = params[[which.min(ess)]]$name,
  max_rhat = max(vapply(params, function(p) p$rhat, 0)),
  leapfrog_per_iteration = mean(chains$leapfrog_per_iteration),
  leapfrog_per_iteration_by_chain = I(chains$leapfrog_per_iteration),
  gradient_evaluations_total = sum(chains$gradient_evaluations),
  stepsize_by_chain = I(chains$stepsize),
  divergences = sum(chains$divergences),
  warmup_divergences = sum(chains$warmup_divergences),
  max_treedepth_hits = sum(chains$max_treedepth_hits),
  lp = summarise_params(arr, "lp__", "lp__")[[1]],
  params = params
)
write_json_file(result, out_file)
message("wrote ", out_file)
cat(sprintf(
  "sampling %.1f s wall; leapfrog/iter %.1f; min ESS bulk %.0f (%s); max Rhat %.3f; divergences %d\n",
  result$sampling_seconds, result$leapfrog_per_iteration, result$min_ess_bulk, result$min_ess_bulk_param,
  result$max_rhat, as.integer(result$divergences)
))
