# Shared helpers of run-stan.R and summarise-draws.R: argument parsing, reading the data JSON
# written by export.ts, and the per-parameter summary (posterior package) both sides report.

suppressPackageStartupMessages({
  library(jsonlite)
  library(posterior)
})

# --key value pairs (and bare --flag) into a named list, over the given defaults.
parse_args <- function(defaults, args = commandArgs(trailingOnly = TRUE)) {
  out <- defaults
  i <- 1
  while (i <= length(args)) {
    key <- sub("^--", "", args[i])
    if (!startsWith(args[i], "--")) stop("unexpected argument ", args[i])
    if (i == length(args) || startsWith(args[i + 1], "--")) {
      out[[key]] <- TRUE
      i <- i + 1
    } else {
      out[[key]] <- args[i + 1]
      i <- i + 2
    }
  }
  out
}

# The Stan data list from export.ts's JSON: 2-D fields (listed in __shapes, rows first) become
# matrices, 1-D arrays 1-D R arrays; __meta is returned separately.
read_stan_data <- function(file) {
  raw <- fromJSON(file, simplifyVector = FALSE)
  shapes <- raw[["__shapes"]]
  data <- list()
  for (nm in names(raw)) {
    if (startsWith(nm, "__")) next
    v <- raw[[nm]]
    if (!is.null(shapes[[nm]])) {
      sh <- as.integer(unlist(shapes[[nm]]))
      data[[nm]] <- matrix(as.numeric(unlist(v)), nrow = sh[1], ncol = sh[2], byrow = TRUE)
    } else if (is.list(v)) {
      # a 1-D array keeps its dim, so that rstan does not read a length-1 array as a scalar
      data[[nm]] <- if (length(v) == 0) array(integer(0), dim = 0) else array(unlist(v), dim = length(v))
    } else {
      data[[nm]] <- v
    }
  }
  meta <- raw[["__meta"]]
  names_map <- data.frame(
    ours = vapply(meta$names, function(n) n$ours, ""),
    stan = vapply(meta$names, function(n) n$stan, ""),
    stringsAsFactors = FALSE
  )
  list(data = data, meta = meta, names = names_map)
}

# Per-parameter summary of an iterations × chains × parameters array whose third dimension is
# named by `cols`; reported under `labels`.
summarise_params <- function(arr, cols, labels) {
  rows <- lapply(seq_along(cols), function(k) {
    x <- arr[, , cols[k], drop = TRUE]
    if (is.null(dim(x))) x <- matrix(x, ncol = 1)
    q <- quantile(as.vector(x), c(0.05, 0.5, 0.95), names = FALSE)
    list(
      name = labels[k],
      mean = mean(x),
      sd = sd(as.vector(x)),
      q5 = q[1],
      median = q[2],
      q95 = q[3],
      mcse_mean = mcse_mean(x),
      ess_bulk = ess_bulk(x),
      ess_tail = ess_tail(x),
      rhat = rhat(x)
    )
  })
  rows
}

write_json_file <- function(x, file) {
  dir.create(dirname(file), recursive = TRUE, showWarnings = FALSE)
  write(toJSON(x, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null", na = "null"), file)
}
