#!/bin/bash
# The benchmark suite: for generated models of 100 to 100,000 components, the wall time and
# peak memory of `archdoc check`, `draw --format svg`, `draw` (ASCII) and `build` (a site with
# that model), and, where installed, Graphviz `dot -Tsvg` and `graph-easy --as=boxart` on the
# same graph exported by `archdoc draw --format dot`, with the ratio to archdoc's SVG.
# Usage: bench/run.sh [sizes...]   (default: 100 1000 10000 100000)
# Needs GNU time (/usr/bin/time). Optional: apt-get install graphviz libgraph-easy-perl
set -uo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
((${#sizes[@]})) || sizes=(100 1000 10000 100000)
timeout_s=${BENCH_TIMEOUT:-60}
cargo build --release --quiet --examples
bin=$(pwd)/target/release/archdoc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure COMMAND...: prints "seconds peakMB", or "timeout 0" / "failed 0".
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time.txt" timeout "$timeout_s" "$@" >/dev/null 2>&1
  local rc=$?
  if ((rc == 124)); then printf "timeout 0"; return; fi
  if ((rc != 0)); then printf "failed 0"; return; fi
  local secs kb
  read -r secs kb < <(tail -1 "$work/time.txt")
  printf "%s %s" "$secs" "$(( kb / 1024 ))"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf "%-11s %-9s %-16s %-16s %-16s %-16s %-22s %-22s\n" components "yaml MB" "check s (MB)" "draw svg s (MB)" "draw ascii s (MB)" "build s (MB)" "dot -Tsvg s (ratio)" "graph-easy s (ratio)"
for n in "${sizes[@]}"; do
  model=$work/gen-$n.yaml
  target/release/examples/generate "$n" 42 > "$model"
  comps=$(grep -c "kind:" "$model")
  mb=$(awk -v b="$(stat -c %s "$model")" 'BEGIN {printf "%.2f", b/1e6}')
  read -r cs cm <<<"$(measure $bin check "$model" --format concise --exit-zero)"
  read -r ss sm <<<"$(measure $bin draw "$model" --format svg -o "$work/out.svg")"
  read -r as am <<<"$(measure $bin draw "$model" -o "$work/out.txt")"
  proj=$work/site-$n; mkdir -p "$proj/models"; cp "$model" "$proj/models/"
  read -r bs bm <<<"$(cd "$proj" && measure "$bin" build --out out)"
  $bin draw "$model" --format dot -o "$work/out.dot"
  dot_col="not installed"; ge_col="not installed"
  if command -v dot >/dev/null; then
    read -r ds _ <<<"$(measure dot -Tsvg "$work/out.dot" -o "$work/dot.svg")"
    if [[ $ds == timeout ]]; then dot_col="> ${timeout_s} s"; elif [[ $ds == failed ]]; then dot_col="failed"; else dot_col="$ds ($(awk -v a="$ds" -v b="$ss" 'BEGIN {printf "%.0fx", (b>0.005? a/b : a/0.005)}'))"; fi
  fi
  if command -v graph-easy >/dev/null; then
    read -r gs _ <<<"$(measure graph-easy --input="$work/out.dot" --as=boxart)"
    if [[ $gs == timeout ]]; then ge_col="> ${timeout_s} s"; elif [[ $gs == failed ]]; then ge_col="failed"; else ge_col="$gs ($(awk -v a="$gs" -v b="$as" 'BEGIN {printf "%.0fx", (b>0.005? a/b : a/0.005)}'))"; fi
  fi
  printf "%-11s %-9s %-16s %-16s %-16s %-16s %-22s %-22s\n" "$comps" "$mb" "$cs ($cm)" "$ss ($sm)" "$as ($am)" "$bs ($bm)" "$dot_col" "$ge_col"
  per=$(awk -v t="$cs" -v c="$comps" 'BEGIN {printf "%.1f", t*1e6/c}')
  echo "            check: ${per} µs per component"
done
