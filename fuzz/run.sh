#!/bin/bash
# Runs the fuzz targets (load, pipeline: from the seed models and hostile cases; import: from
# the import fixtures, the first byte picking the importer), each for
# ${SECONDS_EACH:-300} seconds, in parallel. Needs the nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
set -euo pipefail
cd "$(dirname "$0")"
for t in load pipeline; do
  mkdir -p corpus/$t
  cp -n seeds/*.yaml corpus/$t/ 2>/dev/null || true
done
mkdir -p corpus/import
i=0
for f in $(find ../tests/fixtures/import -type f \( -name "*.y*ml" -o -name "*.json" \) | sort); do
  case $f in */compose/*) p=0 ;; */kubernetes/*) p=1 ;; */terraform/*) p=2 ;; *) p=3 ;; esac
  { printf "\\x$(printf %02x $p)"; cat "$f"; } > corpus/import/seed-$((i++))
done
cargo +nightly fuzz build
for t in ${TARGETS:-load pipeline import}; do
  cargo +nightly fuzz run $t corpus/$t -- -max_total_time="${SECONDS_EACH:-300}" -rss_limit_mb=2048 -timeout=10 > "run-$t.log" 2>&1 &
done
wait
grep -h -E "^(#[0-9]+|Done|==|SUMMARY)" run-*.log | tail -6
ls artifacts/*/ 2>/dev/null || echo "no crash found"
