#!/usr/bin/env node
// `make bench` (issue #7): every benchmark in one run, one table on stdout, and the
// record in bench/results.json (machine, date, commit, every figure). Benchmarks,
// not tests: nothing here fails on a slow figure; a step that cannot run is recorded
// as an error and makes the exit status 1.
//
// Steps (each a separate program, so it can be run alone):
//   native     crates/core/examples/bench-per-message.rs  analysis vs mail-parser, per-message µs
//   cli        target/release/sendertrace analyze --json over every corpus file (GNU time for RSS)
//   sa         bench/sa-relays.pl                          SpamAssassin's relay extraction
//   wasm-node  bench/wasm-node.mjs                         the shipped wasm under node
//   wasm-chromium bench/wasm-chromium.mjs + www/bench.html the shipped wasm in Chromium
//   size       build/pkg and the dist zips (budget as scripts/check-size.mjs)
//   extension  bench/extension.mjs                         time to origin / first party, requests
//   scale      crates/core/examples/bench-scale.rs         10 KB … 10 MB, 10 … 10,000 Received
// usage: node scripts/bench.mjs [--only step,step]   (expects `make dist` and scripts/bench-setup.sh done)

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = resolve(root, '..', 'shared', 'corpus', 'dev');
// Other builds may rewrite build/pkg and dist/ while this runs (a shared checkout):
// every step uses one snapshot of them, taken now.
const snapshot = mkdtempSync(join(tmpdir(), 'sendertrace-bench-'));
const pkg = join(snapshot, 'pkg');
cpSync(join(root, 'build', 'pkg'), pkg, { recursive: true });
cpSync(join(root, 'dist', 'chrome-e2e'), join(snapshot, 'chrome-e2e'), { recursive: true });
const zipSizes = Object.fromEntries(['chrome', 'firefox'].map((name) => {
  const path = join(root, 'dist', `sendertrace-${name}.zip`);
  return [name, existsSync(path) ? statSync(path).size : null];
}));
process.on('exit', () => rmSync(snapshot, { recursive: true, force: true }));
const wasmEnv = { ...process.env, BENCH_PKG: pkg, BENCH_EXTENSION: join(snapshot, 'chrome-e2e') };
const BUDGET = 250_000; // bytes, gzipped wasm + glue (scripts/check-size.mjs enforces it in make test)
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? new Set(process.argv[onlyArg + 1].split(',')) : null;

const log = (text) => process.stderr.write(`[bench] ${text}\n`);
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
const lastJson = (text) => JSON.parse(text.trim().split('\n').filter((l) => l.startsWith('{')).pop());
const trySh = (cmd, args) => { try { return sh(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return null; } };

// --- the machine and the checkout -------------------------------------------------
const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
const commit = trySh('git', ['rev-parse', 'HEAD']);
const dirty = (trySh('git', ['status', '--porcelain', '--untracked-files=no']) ?? '') !== '';
const results = {
  date: new Date().toISOString(),
  machine: {
    cores: cpus().length,
    cpu_model: (cpuinfo.match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? cpus()[0]?.model ?? null,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    os: trySh('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"']),
    rustc: trySh('rustc', ['--version']),
    node: process.version,
    load_average_at_start: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  },
  git: { commit, uncommitted_changes_in_tree: dirty },
  wasm_sha256: createHash('sha256').update(readFileSync(join(pkg, 'sendertrace_wasm_bg.wasm'))).digest('hex'),
  corpus: { path: '../shared/corpus/dev', messages: readdirSync(corpus).filter((n) => n.endsWith('.eml')).length },
  errors: {},
};

const steps = [];
const step = (name, fn) => steps.push([name, fn]);

step('native', () => {
  sh('cargo', ['build', '--release', '-q', '-p', 'sendertrace-core', '--features', 'full-encoding', '--example', 'bench-per-message', '--example', 'bench-scale']);
  results.native = lastJson(sh(join(root, 'target/release/examples/bench-per-message'), [corpus, '6']));
});

step('cli', () => {
  const cli = join(root, 'target/release/sendertrace');
  const files = readdirSync(corpus).filter((n) => n.endsWith('.eml')).sort().map((n) => join(corpus, n));
  let best = Infinity;
  let lines = 0;
  for (let i = 0; i < 7; i += 1) {
    const t = process.hrtime.bigint();
    const run = spawnSync(cli, ['analyze', '--json', ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (run.status !== 0) throw new Error(`sendertrace analyze exited ${run.status}: ${run.stderr.slice(0, 300)}`);
    lines = run.stdout.trim().split('\n').length;
    best = Math.min(best, ms);
  }
  const timed = spawnSync('/usr/bin/time', ['-v', cli, 'analyze', '--json', ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const rss = Number((timed.stderr.match(/Maximum resident set size \(kbytes\):\s*(\d+)/) ?? [])[1]);
  results.cli = {
    command: 'sendertrace analyze --json <every corpus file> (one process; reading files and printing JSON included)',
    files: files.length, json_lines: lines, best_of: 7, best_ms: best,
    messages_per_second: files.length / (best / 1000), max_rss_kib: rss || null,
  };
});

step('sa', () => {
  results.spamassassin = lastJson(sh('perl', [join(root, 'bench/sa-relays.pl'), corpus, '8']));
});

step('wasm-node', () => {
  results.wasm_node = lastJson(sh('node', [join(root, 'bench/wasm-node.mjs'), corpus, '6'], { env: wasmEnv }));
});

step('wasm-chromium', () => {
  results.wasm_chromium = lastJson(sh('node', [join(root, 'bench/wasm-chromium.mjs'), corpus, '6'], { env: wasmEnv }));
});

step('size', () => {
  const file = (path) => {
    const raw = readFileSync(path);
    return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
  };
  const wasm = file(join(pkg, 'sendertrace_wasm_bg.wasm'));
  const glue = file(join(pkg, 'sendertrace_wasm.js'));
  const check = spawnSync('node', [join(root, 'scripts/check-size.mjs'), pkg], { encoding: 'utf8' });
  results.size = {
    wasm, glue, wasm_plus_glue_gzip: wasm.gzip + glue.gzip, budget_gzip: BUDGET,
    check_size_exit_status: check.status,
    zip_chrome: zipSizes.chrome, zip_firefox: zipSizes.firefox,
  };
});

step('extension', () => {
  results.extension = lastJson(sh('node', [join(root, 'bench/extension.mjs'), '20'], { env: wasmEnv }));
});

step('scale', () => {
  if (!existsSync(join(root, 'target/release/examples/bench-scale'))) {
    sh('cargo', ['build', '--release', '-q', '-p', 'sendertrace-core', '--features', 'full-encoding', '--example', 'bench-scale']);
  }
  results.scale = lastJson(sh(join(root, 'target/release/examples/bench-scale'), []));
});

for (const [name, fn] of steps) {
  if (only && !only.has(name)) continue;
  log(`${name} …`);
  const t = Date.now();
  try {
    fn();
  } catch (err) {
    results.errors[name] = String(err?.stderr || err?.message || err).slice(0, 2000);
    log(`${name} FAILED: ${results.errors[name].split('\n')[0]}`);
  }
  log(`${name} done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

// --- sanity: each side really did the work (not timings) ------------------------------
const sane = (name, ok, detail) => { if (!ok) results.errors[`check:${name}`] = detail; };
if (results.native) sane('native', results.native.origins_found > 0 && results.native.mail_parser_parsed === results.native.messages, 'native analysis found no origin or mail-parser failed to parse a message');
if (results.spamassassin) sane('spamassassin', results.spamassassin.messages_with_relays > 0, 'SpamAssassin extracted no relays: the comparison would be meaningless');
for (const key of ['wasm_node', 'wasm_chromium']) {
  if (results[key] && results.native) sane(key, results[key].origins_found === results.native.origins_found, `${key} found ${results[key].origins_found} origins, native ${results.native.origins_found}`);
}
if (results.extension) {
  const e = results.extension;
  sane('extension-origin', e.time_to_origin_ms?.shown === '203.0.113.45', `the popup showed ${e.time_to_origin_ms?.shown} as the origin`);
  sane('extension-party', /Microsoft/.test(e.time_to_first_party_ms?.shown ?? ''), `the first party shown was ${e.time_to_first_party_ms?.shown}`);
}
if (results.scale) {
  for (const p of results.scale.received) sane(`scale-${p.received_lines}`, p.hops === p.received_lines, `${p.label}: ${p.hops} hops parsed`);
}

// --- the table -------------------------------------------------------------------
const n0 = (x) => (x == null || Number.isNaN(x) ? '—' : Math.round(x).toLocaleString('en-US'));
const n1 = (x) => (x == null || Number.isNaN(x) ? '—' : x.toFixed(1));
const n2 = (x) => (x == null || Number.isNaN(x) ? '—' : x.toFixed(2));
const meets = (ok) => (ok == null ? '' : ok ? 'met' : 'NOT MET');
const rows = [];
const row = (what, figure, target = '', status = '') => rows.push([what, figure, target, status]);
const native = results.native;
const ours = native?.analyze?.messages_per_second;
const summary = {};

if (native) {
  row('analysis, native (sendertrace_core::analyze), whole corpus', `${n0(ours)} msg/s (${n2(native.analyze.best_pass_ms)} ms per ${native.messages} messages)`);
  row('  per message, native', `median ${n1(native.per_message_us.median)} µs, p99 ${n1(native.per_message_us.p99)} µs`);
  const ratio = ours / native.mail_parser_parse.messages_per_second;
  summary.ratio_to_mail_parser = ratio;
  row('mail-parser bare parse, same files, same run', `${n0(native.mail_parser_parse.messages_per_second)} msg/s — ours ${n2(ratio)}×`, '≥ 1.0×', meets(ratio >= 1.0));
}
if (results.spamassassin) {
  const sa = results.spamassassin;
  // Same method on both sides: per message the fastest call over the passes, summed.
  const oursSame = native?.analyze_sum_of_fastest?.messages_per_second;
  const ratio = oursSame / sa.messages_per_second;
  summary.ratio_to_spamassassin = ratio;
  summary.ratio_to_spamassassin_best_pass = ours / sa.best_pass_messages_per_second;
  row(`${sa.tool} relay extraction (${sa.relays_trusted} trusted + ${sa.relays_untrusted} untrusted relays found)`,
    `${n0(sa.messages_per_second)} msg/s — ours ${n0(ratio)}× (ours ${n0(oursSame)} msg/s, each side: fastest call per message, summed; best whole passes: ${n0(sa.best_pass_messages_per_second)} vs ${n0(ours)} msg/s, ${n0(summary.ratio_to_spamassassin_best_pass)}×)`,
    '≥ 100×', oursSame ? meets(ratio >= 100) : '');
}
if (results.cli) {
  const vsSa = results.spamassassin ? ` — ${n0(results.cli.messages_per_second / results.spamassassin.messages_per_second)}× SpamAssassin's loop` : '';
  row('sendertrace analyze --json CLI, all files in one process (start, reading, JSON out included)', `${n0(results.cli.messages_per_second)} msg/s (${n1(results.cli.best_ms)} ms), max RSS ${n0(results.cli.max_rss_kib)} KiB${vsSa}`);
}
for (const [key, label] of [['wasm_node', 'wasm under node'], ['wasm_chromium', 'wasm in Chromium (www/bench.html)']]) {
  const w = results[key];
  if (!w) continue;
  const ratio = native ? w.per_message_us.median / native.per_message_us.median : null;
  summary[`${key}_median_ratio_to_native`] = ratio;
  row(`${label}, per message`, `median ${n1(w.per_message_us.median)} µs, p99 ${n1(w.per_message_us.p99)} µs — ${n1(ratio)}× native median; ${n0(w.analyze.messages_per_second)} msg/s`);
  const h = w.header_block_only;
  if (h) row('  the same, only the header block passed in', `median ${n1(h.per_message_us.median)} µs, p99 ${n1(h.per_message_us.p99)} µs; ${n0(h.analyze.messages_per_second)} msg/s`);
}
if (results.size) {
  const s = results.size;
  row('shipped .wasm', `${n0(s.wasm.raw)} B raw, ${n0(s.wasm.gzip)} B gzip`);
  row('JS glue', `${n0(s.glue.raw)} B raw, ${n0(s.glue.gzip)} B gzip`);
  row('wasm + glue, gzip (make test fails above the budget)', `${n0(s.wasm_plus_glue_gzip)} B`, `≤ ${n0(BUDGET)} B`, meets(s.wasm_plus_glue_gzip <= BUDGET));
  row('zipped extension', `Chrome ${n0(s.zip_chrome)} B, Firefox ${n0(s.zip_firefox)} B`);
}
if (results.extension) {
  const e = results.extension;
  const o = e.time_to_origin_ms;
  const p = e.time_to_first_party_ms;
  row(`time to origin, popup (median of ${o.in_page?.runs})`, `${n0(o.in_page?.median)} ms in the popup (its document parsed at ${n0(o.in_page_dom_content_loaded?.median)} ms); ${n0(o.wall?.median)} ms from Playwright's action (${n0(o.playwright_open?.median)} ms of it opening the page)`, '≤ 150 ms', meets(o.in_page?.median <= 150));
  row(`time to first party, local replay server (median of ${p.in_page?.runs})`, `${n0(p.in_page?.median)} ms in the popup (its origin at ${n0(p.origin_in_page?.median)} ms); ${n0(p.wall?.median)} ms from Playwright's action`, '≤ 400 ms', meets(p.in_page?.median <= 400));
  const r = e.requests;
  row('requests per trace (IP + sender domain), cold', `${r.cold} (+${r.cold_bootstrap_refresh} background bootstrap refresh); ${r.cold_hosting_lookups_off} with DNS hosting lookups off`, '≤ 6', meets(r.cold <= 6));
  row('requests per trace, warm (same trace again)', `${r.warm}`, '0', meets(r.warm === 0));
}
if (results.scale) {
  const sc = results.scale;
  for (const p of [...sc.sizes, ...sc.received]) {
    row(`scale: ${p.label} (${n0(p.bytes)} B, ${p.hops} hops)`, `${p.best_ms < 1 ? `${n1(p.best_ms * 1000)} µs` : `${n2(p.best_ms)} ms`}, peak heap ${n0(p.peak_heap_bytes)} B`);
  }
  const f = sc.fit;
  row('scale: fitted log-log slope, time vs size (10 KB → 10 MB)', `${n2(f.sizes_loglog_time_slope)} (the body is not read)`, '≤ 1 (linear)', meets(f.sizes_loglog_time_slope <= 1.1));
  row('scale: fitted log-log slope, time vs Received lines (10 → 10,000)', `${n2(f.received_loglog_time_slope)} (${n2(f.received_us_per_line)} µs per line); memory ${n2(f.received_loglog_memory_slope)}`, '≈ 1 (linear)', meets(f.received_loglog_time_slope <= 1.1 && f.received_loglog_memory_slope <= 1.1));
}
results.summary = summary;
results.machine.load_average_at_end = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
results.table = rows.map(([what, figure, target, status]) => ({ what, figure, target, status }));

const widths = [0, 1, 2, 3].map((i) => Math.max(...[['what', 'figure', 'target', 'status'], ...rows].map((r) => r[i].length)));
const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
const m = results.machine;
console.log(`\nSenderTrace benchmarks — ${results.date}, ${m.cores} cores ${m.cpu_model}, ${m.memory_gib} GiB, ${m.os}; ${m.rustc}; node ${m.node}`);
console.log(`commit ${commit}${dirty ? ' (with uncommitted changes in the tree)' : ''}; corpus ${results.corpus.messages} messages; load average at start ${m.load_average_at_start}, at end ${m.load_average_at_end}\n`);
console.log(line(['what', 'figure', 'target', 'status']));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
const failed = Object.keys(results.errors);
if (failed.length) console.log(`\nsteps that could not run: ${failed.join(', ')} (see bench/results.json "errors")`);

if (!only) {
  writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwritten: bench/results.json');
}
process.exitCode = failed.length ? 1 : 0;
