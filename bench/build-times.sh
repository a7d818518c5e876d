#!/usr/bin/env bash
# Times full builds of generated corpora, inputs and outputs on tmpfs, with
# praxis (with and without citations) and, when installed, Hugo and Zola on
# the same content (`gensite.py --flavor hugo|zola`).
# Usage: bench/build-times.sh [PAGES...]   (default: 1000 10000)
# Prints a markdown table: median and min–max wall time of 5 runs after a
# warm-up, peak RSS, and the ratio peer/praxis measured in the same run.
# Needs ../shared/bench/gensite.py beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=../shared/bench/gensite.py
[ -f "$gen" ] || { echo "missing $gen" >&2; exit 1; }
cargo build --release --quiet
bin=$PWD/target/release/praxis
work=/dev/shm/praxis-bench
mkdir -p "$work"
runs=5

# time_cmd LABEL CMD... : prints "median min max rssMB"
time_cmd() {
  "$@" >/dev/null 2>&1 || true   # warm-up
  local times=() rss=0 out kb tf
  tf=$(mktemp)
  for _ in $(seq $runs); do
    /usr/bin/time -o "$tf" -f "%e %M" "$@" >/dev/null 2>&1 || true
    out=$(tail -1 "$tf")
    times+=("${out% *}"); kb=${out#* }; (( kb > rss )) && rss=$kb
  done
  rm -f "$tf"
  local sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  echo "${sorted[$((runs/2))]} ${sorted[0]} ${sorted[$((runs-1))]} $((rss/1024))"
}

echo "| pages | tool | median s | min–max s | peak RSS MB | × praxis |"
echo "|---:|---|---:|---:|---:|---:|"
for pages in "${@:-1000 10000}"; do
  site=$work/praxis-$pages; site0=$work/praxis-$pages-norefs
  [ -d "$site" ] || python3 "$gen" --pages "$pages" --flavor praxis --out "$site" >/dev/null
  [ -d "$site0" ] || python3 "$gen" --pages "$pages" --refs 0 --flavor praxis --out "$site0" >/dev/null
  read -r med lo hi rss < <(time_cmd "$bin" build --root "$site" --quiet)
  base=$med
  echo "| $pages | praxis (citations) | $med | $lo–$hi | $rss | 1.00 |"
  read -r med lo hi rss < <(time_cmd "$bin" build --root "$site0" --quiet)
  echo "| $pages | praxis (no citations) | $med | $lo–$hi | $rss | $(python3 -c "print(f'{$med/$base:.2f}')") |"
  if command -v hugo >/dev/null; then
    h=$work/hugo-$pages
    [ -d "$h" ] || python3 "$gen" --pages "$pages" --flavor hugo --out "$h" >/dev/null
    read -r med lo hi rss < <(time_cmd hugo --source "$h" --destination "$work/hugo-out-$pages" --quiet)
    echo "| $pages | Hugo $(hugo version | cut -d' ' -f2 | cut -d+ -f1) | $med | $lo–$hi | $rss | $(python3 -c "print(f'{$med/$base:.2f}')") |"
  fi
  zola=${ZOLA:-$(command -v zola || true)}
  if [ -n "$zola" ]; then
    z=$work/zola-$pages
    [ -d "$z" ] || python3 "$gen" --pages "$pages" --flavor zola --out "$z" >/dev/null
    read -r med lo hi rss < <(time_cmd "$zola" --root "$z" build --output-dir "$work/zola-out-$pages" --force)
    echo "| $pages | Zola | $med | $lo–$hi | $rss | $(python3 -c "print(f'{$med/$base:.2f}')") |"
  fi
done
