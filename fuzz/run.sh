#!/bin/bash
# Runs both fuzz targets from the seed corpus (models/ and hostile cases), each for
# ${SECONDS_EACH:-300} seconds, in parallel. Needs the nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
set -euo pipefail
cd "$(dirname "$0")"
for t in load pipeline; do
  mkdir -p corpus/$t
  cp -n seeds/*.yaml corpus/$t/ 2>/dev/null || true
done
cargo +nightly fuzz build
for t in load pipeline; do
  cargo +nightly fuzz run $t corpus/$t -- -max_total_time="${SECONDS_EACH:-300}" -rss_limit_mb=2048 -timeout=10 > "run-$t.log" 2>&1 &
done
wait
grep -h -E "^(#[0-9]+|Done|==|SUMMARY)" run-*.log | tail -6
ls artifacts/*/ 2>/dev/null || echo "no crash found"
