#!/usr/bin/env sh
# GeoLift's public example end to end (see docs/geotest.md): design on the pre-test panel, then
# read the chicago + portland test on the test panel. Run from the repository root after npm ci.
set -e
DATA=${DATA:-../shared/datasets/geolift}
OUT=${OUT:-out/geolift}
mkdir -p "$OUT"
node bin/mmm.js geotest design --panel "$DATA/GeoLift_PreTest.csv" \
  --durations 10,15 --sizes 2,3,4 --include chicago --exclude honolulu \
  --kind heavy_up --effect 5% --treated chicago,portland --out "$OUT/design.yaml"
node bin/mmm.js geotest analyze --panel "$DATA/GeoLift_Test.csv" \
  --treated chicago,portland --start 2021-04-01 --end 2021-04-15 \
  --out "$OUT/analysis.json" --html "$OUT/analysis.html"
