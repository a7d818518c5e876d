#!/usr/bin/env bash
# Times full `praxis build`s of generated corpora (inputs and outputs on tmpfs).
# Usage: bench/build-times.sh [PAGES...]   (default: 1000 10000)
# Prints a markdown table: median and min–max wall time of 5 runs after a
# warm-up, and peak RSS. Needs ../shared/bench/gensite.py beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=../shared/bench/gensite.py
[ -f "$gen" ] || { echo "missing $gen" >&2; exit 1; }
cargo build --release --quiet
bin=$PWD/target/release/praxis
work=/dev/shm/praxis-bench
mkdir -p "$work"
runs=5
echo "| pages | refs | median s | min–max s | peak RSS MB |"
echo "|---:|---:|---:|---:|---:|"
for pages in "${@:-1000 10000}"; do
  for refs in 400 0; do
    site=$work/site-$pages-$refs
    [ -d "$site" ] || python3 "$gen" --pages "$pages" --refs "$refs" --flavor praxis --out "$site" >/dev/null
    "$bin" build --root "$site" --quiet >/dev/null 2>&1 || true   # warm-up
    times=(); rss=0
    for _ in $(seq $runs); do
      out=$( { /usr/bin/time -f "%e %M" "$bin" build --root "$site" --quiet >/dev/null; } 2>&1 | tail -1 )
      times+=("${out% *}"); kb=${out#* }; (( kb > rss )) && rss=$kb
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    echo "| $pages | $refs | ${sorted[$((runs/2))]} | ${sorted[0]}–${sorted[$((runs-1))]} | $((rss/1024)) |"
  done
done
