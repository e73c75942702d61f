// The wasm analysis measurement shared by bench/wasm-node.mjs (node) and
// www/bench.html (Chromium), with the same sampling as the native
// crates/core/examples/bench-per-message.rs so the ratios compare like with like:
//   throughput: best whole-corpus pass of alternating rounds, messages per second;
//   per message: each sample is the mean of REPEAT consecutive calls on one message,
//   per message the median over PASSES passes, then the median and p99 over messages.
// The call is the real API the extension uses: analyze(bytes) → a plain JS object
// (serde-wasm-bindgen), so the figure includes building that object.

export const REPEAT = 5;
export const PASSES = 15;

function median(values) {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/** Nearest-rank percentile. */
function percentile(values, p) {
  const v = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * v.length));
  return v[Math.min(rank, v.length) - 1];
}

/**
 * `analyze(bytes)` over `messages` ([{name, bytes}]); `now()` in milliseconds.
 * Resolves to a plain object (JSON-able).
 */
export async function measure(analyze, messages, { now = () => performance.now(), seconds = 4, pause = async () => {} } = {}) {
  let origins = 0;
  let failures = 0;
  for (const { bytes } of messages) {
    try {
      if (analyze(bytes)?.origin?.ip) origins += 1;
    } catch {
      failures += 1;
    }
  }
  const pass = () => {
    for (const { bytes } of messages) {
      try { analyze(bytes); } catch { /* counted above */ }
    }
  };
  const rounds = 6;
  const budget = (seconds * 1000) / rounds;
  let best = Infinity;
  for (let r = 0; r < rounds; r += 1) {
    const start = now();
    do {
      const t = now();
      pass();
      best = Math.min(best, now() - t);
    } while (now() - start < budget);
    await pause();
  }
  const samples = messages.map(() => []);
  for (let p = 0; p < PASSES; p += 1) {
    messages.forEach(({ bytes }, i) => {
      const t = now();
      for (let k = 0; k < REPEAT; k += 1) {
        try { analyze(bytes); } catch { /* counted above */ }
      }
      samples[i].push(((now() - t) * 1000) / REPEAT);
    });
    await pause();
  }
  const medians = samples.map(median);
  const slowest = medians.indexOf(Math.max(...medians));
  return {
    messages: messages.length,
    origins_found: origins,
    errors: failures,
    analyze: { best_pass_ms: best, messages_per_second: messages.length / (best / 1000) },
    per_message_us: {
      repeat: REPEAT,
      passes: PASSES,
      median: median(medians),
      p99: percentile(medians, 99),
      max: Math.max(...medians),
      slowest_message: messages[slowest]?.name ?? null,
    },
  };
}
