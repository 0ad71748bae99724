#!/usr/bin/env bash
# Stan vs ours on one lab scenario: export → Stan (compile + sample) → ours → summaries → comparison.
#   bash bench/stan/sanity.sh [scenario=clean] [seed=1] [stan chains=4] [our chains=2] [warmup=1000] [draws=1000]
# Run from the repository root. Outputs in bench/results/stan/<scenario>-<seed>.*
set -euo pipefail
scenario=${1:-clean}
seed=${2:-1}
stan_chains=${3:-4}
our_chains=${4:-2}
warmup=${5:-1000}
draws=${6:-1000}
dir=bench/results/stan
base=$dir/$scenario-$seed
mkdir -p "$dir"

npx tsx bench/stan/export.ts --scenario "$scenario" --seed "$seed" --out "$base.data.json" > /dev/null
# Stan: a fresh compile every run (so its time is measured); run one sampler at a time so neither
# competes with the other for the cores
Rscript bench/stan/run-stan.R --data "$base.data.json" --out "$base.stan.json" \
  --chains "$stan_chains" --warmup "$warmup" --draws "$draws" --seed "$seed" --cores 2 > "$base.stan.log" 2>&1
tail -n 1 "$base.stan.log"
npx tsx bench/stan/ours.ts --scenario "$scenario" --seed "$seed" --chains "$our_chains" \
  --warmup "$warmup" --draws "$draws" --out "$base.ours.draws.json" 2> "$base.ours.log"
Rscript bench/stan/summarise-draws.R --draws "$base.ours.draws.json" --out "$base.ours.json" 2>> "$base.ours.log"
npx tsx bench/stan/compare.ts --stan "$base.stan.json" --ours "$base.ours.json" --out "$base.compare.json" \
  | tee "$base.compare.md"
