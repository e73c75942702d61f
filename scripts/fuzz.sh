#!/usr/bin/env bash
# Run every cargo-fuzz target (fuzz/) for a set time and print what each did.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (make fuzz: 60 s per target)
#
# Seeds are copied AT RUN TIME into fuzz/corpus/<target>/ (git-ignored) from the
# repository's fixtures and from ../shared (dev corpus, RDAP samples, JPNIC pages),
# which must never be committed. libFuzzer adds what it finds to the same folders,
# so later runs start from there. A crash, timeout or out-of-memory input lands in
# fuzz/artifacts/<target>/; turn each into a regression fixture under
# crates/core/tests/fuzz-regressions/ (see the README there).
#
# Needs cargo-fuzz (installed here when missing) and libFuzzer's sanitizer
# coverage flags, which are unstable: the pinned toolchain runs them with
# RUSTC_BOOTSTRAP=1, so no nightly is needed. Not part of `make test` (CI budget).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="$ROOT/../shared"
SECONDS_PER_TARGET="${1:-60}"
shift || true
ALL=(analyze analyze_alphabet received auth_results rdap jpnic trace)
TARGETS=("${@:-${ALL[@]}}")
[ "$#" -eq 0 ] && TARGETS=("${ALL[@]}")

export RUSTC_BOOTSTRAP=1
# Release build with debug assertions (overflow checks), no sanitizer. The core's few
# unsafe blocks are SSE2 compares of fixed-size arrays, AVX2 copies of two scans that
# run only where the processor was found to have AVX2, `str` views of bytes a scan
# (or the header split, for a whole field) has found to be ASCII, each checked by a debug
# assertion (the assertions are on here), and one `Vec::set_len` after a hop is written
# into the list's free slot; ASan would add little to that, and without it the same
# minutes run several times more inputs.
FUZZ_FLAGS=(-O --debug-assertions -s none)

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "installing cargo-fuzz…"
  (cd /tmp && cargo install cargo-fuzz --version 0.13.2)
fi

cd "$ROOT/fuzz"
mkdir -p corpus logs artifacts

# --- seeds ------------------------------------------------------------------------
# node (already needed by the project) cuts messages to their header block and pulls
# single fields and grammar cases out of the JSON fixtures.
ROOT="$ROOT" SHARED="$SHARED" node --input-type=module - <<'JS'
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
const root = process.env.ROOT, shared = process.env.SHARED;
const out = (t) => { const d = path.join(root, 'fuzz/corpus', t); fs.mkdirSync(d, { recursive: true }); return d; };
const save = (t, buf) => {
  const name = 'seed-' + crypto.createHash('sha1').update(buf).digest('hex').slice(0, 16);
  fs.writeFileSync(path.join(out(t), name), buf);
};
const files = (dir, ext) => {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? files(p, ext) : e.name.endsWith(ext) ? [p] : [];
    });
  } catch { return []; }
};
const head = (buf) => {
  const s = buf.toString('latin1');
  let end = s.search(/\r?\n\r?\n/);
  return end < 0 ? buf : buf.subarray(0, end + 2);
};
const json = (p) => { try { return JSON.parse(fs.readFileSync(p, 'utf8')); } catch { return []; } };
const grammar = path.join(root, 'crates/core/tests/grammar');
const messages = [
  ...files(path.join(shared, 'corpus'), '.eml'),
  ...files(path.join(root, 'tests/e2e/fixtures'), '.eml'),
  ...files(path.join(root, 'crates/core/tests/fixtures'), '.eml'),
].map((p) => head(fs.readFileSync(p)));
for (const f of files(grammar, '.json')) {
  for (const c of [json(f)].flat()) {
    if (c && typeof c.message === 'string') messages.push(Buffer.from(c.message, 'utf8'));
    if (c && typeof c.header === 'string') save('received', Buffer.from(c.header, 'utf8'));
  }
}
let fields = 0;
for (const m of messages) {
  save('analyze', m);
  save('analyze_alphabet', m);
  save('auth_results', Buffer.concat([Buffer.from([0]), m]));
  // Each Received field of the message, as the received target's input.
  for (const r of m.toString('latin1').split(/\r?\n(?=\S)/)) {
    const hit = /^Received:\s?/i.exec(r);
    if (hit && fields++ < 2000) save('received', Buffer.from(r.slice(hit[0].length), 'latin1'));
  }
}
for (const p of [...files(path.join(root, 'crates/core/tests/fixtures/rdap'), '.json'), ...files(path.join(shared, 'data/rdap-samples'), '.json')]) {
  save('rdap', fs.readFileSync(p));
}
for (const p of [...files(path.join(root, 'crates/core/tests/fixtures/jpnic'), '.html'), ...files(path.join(shared, 'data/jpnic-gateway'), '.html')]) {
  for (const pick of [0, 1, 7]) save('jpnic', Buffer.concat([Buffer.from([pick]), fs.readFileSync(p)]));
}
// The trace target reads structured input (arbitrary): seed it with a few fixture files
// anyway; libFuzzer quickly finds the shapes that reach the lookups.
for (const p of [...files(path.join(root, 'crates/core/tests/fixtures/rdap'), '.json'), ...files(path.join(root, 'tests/e2e/fixtures'), '.eml')]) {
  save('trace', fs.readFileSync(p));
}
JS

# --- run --------------------------------------------------------------------------
max_len() {
  case "$1" in
    analyze|analyze_alphabet|auth_results) echo 65536 ;;
    rdap|jpnic) echo 131072 ;;
    received) echo 8192 ;;
    trace) echo 65536 ;;
  esac
}

echo "building the fuzz targets…"
cargo fuzz build "${FUZZ_FLAGS[@]}" 2>&1 | tail -1

printf '\n%-17s %6s %12s %8s %7s %7s %7s %8s %s\n' target seconds executions exec/s cov ft corpus rss_mb crashes | tee logs/summary.txt
status=0
for t in "${TARGETS[@]}"; do
  log="logs/$t.log"
  seeds=$(ls "corpus/$t" | wc -l)
  before=$(ls "artifacts/$t" 2>/dev/null | wc -l || true)
  started=$(date +%s)
  set +e
  cargo fuzz run "$t" "${FUZZ_FLAGS[@]}" -- \
    -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  after=$(ls "artifacts/$t" 2>/dev/null | wc -l || true)
  crashes=$((after - before))
  # libFuzzer's last status line: "#N  DONE  cov: C ft: F corp: K/S exec/s: E rss: R"
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  execs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$" || true)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')
  corp=$(grep -oE 'corp: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')
  rss=$(grep -oE 'stat::peak_rss_mb: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
  # Stopped early by a crash: no "Done" line; count the seconds from the clock.
  secs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -oE 'in [0-9]+' | grep -oE '[0-9]+' || echo "$(( $(date +%s) - started ))")
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
  note=""
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    status=1
    note="  ← see fuzz/$log and fuzz/artifacts/$t/"
  fi
  printf '%-17s %6s %12s %8s %7s %7s %7s %8s %s%s\n' "$t" "$secs" "${execs:-?}" "$rate" "$cov" "$ft" "$corp" "$rss" "$crashes" "$note" | tee -a logs/summary.txt
  [ "$seeds" -gt 0 ] || echo "  (no seeds for $t)"
done
echo
echo "logs: fuzz/logs/; corpus: fuzz/corpus/ (${TARGETS[*]})"
exit "$status"
