#!/usr/bin/env bash
# Instructions per message for our analysis and for mail-parser's bare parse over
# the shared dev corpus, counted by callgrind: unlike timings, these counts do not
# move with the load of a shared machine, so they show what a code change did.
# Runs the criterion bench binary with SENDERTRACE_BENCH_ONLY (one side, a warm-up
# pass, then N counted passes; see crates/core/benches/analysis.rs).
# usage: scripts/bench-instructions.sh [PASSES]   (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
passes=${1:-2}
if ! command -v valgrind >/dev/null; then
  echo "[bench-instructions] installing valgrind (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends valgrind >/dev/null
fi
bin=$(cargo bench -p sendertrace-core --bench analysis --no-run --message-format=json 2>/dev/null \
  | node -e 'let last; require("readline").createInterface({input: process.stdin}).on("line", l => { const m = JSON.parse(l); if (m.executable && m.target && m.target.name === "analysis") last = m.executable; }).on("close", () => { if (!last) process.exit(1); console.log(last); })')
messages=$(ls ../shared/corpus/dev/*.eml 2>/dev/null | wc -l)
if [ "$messages" -eq 0 ]; then
  echo "error: no *.eml in ../shared/corpus/dev (the shared corpus is read in place)" >&2
  exit 2
fi
declare -A per
for side in analyze parse; do
  out=$(mktemp)
  (cd crates/core && SENDERTRACE_BENCH_ONLY=$side SENDERTRACE_BENCH_PASSES=$passes \
    valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect="*run_${side}*" "$bin" >/dev/null 2>"$out")
  total=$(grep -oP 'Collected : \K[0-9]+' "$out")
  rm -f "$out"
  per[$side]=$((total / (passes * messages)))
  printf '%-8s %12d instructions for %d passes over %d messages = %d per message\n' "$side" "$total" "$passes" "$messages" "${per[$side]}"
done
awk -v a="${per[analyze]}" -v p="${per[parse]}" 'BEGIN { printf "ratio (mail-parser parse / our analysis, instructions): %.2f\n", p / a }'
