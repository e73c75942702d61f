//! Native analysis figures for `make bench` (scripts/bench.mjs), over every `*.eml`
//! of a folder (default: the shared dev corpus, read in place):
//!
//! - whole-corpus throughput of `sendertrace_core::analyze` and of mail-parser's bare
//!   `MessageParser::new().parse`, interleaved (best pass of several alternating
//!   rounds, as the criterion bench's summary does), in messages per second;
//! - per-message times of `analyze`: each sample is the mean of `REPEAT` consecutive
//!   calls on one message (the same sampling as bench/wasm-node.mjs and
//!   www/bench.html, so the ratios compare like with like); per message the median
//!   over `PASSES` passes; then the median and p99 over the messages;
//! - the sum over messages of each one's fastest single call (bench/sa-relays.pl's
//!   method, for the SpamAssassin ratio).
//!
//! usage: cargo run --release -p sendertrace-core --features full-encoding \
//!          --example bench-per-message [-- DIR [SECONDS]]
//! Prints one line of JSON.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use sendertrace_core::{analyze, AnalyzeOptions};

#[path = "support/corpus.rs"]
mod corpus;
use corpus::best_pass;

const REPEAT: usize = 5;
const PASSES: usize = 15;

#[inline(never)]
fn run_analyze(messages: &[(String, Vec<u8>)], options: &AnalyzeOptions) -> usize {
    let mut origins = 0;
    for (_, m) in messages {
        if let Ok(a) = black_box(analyze(black_box(m), options)) {
            origins += usize::from(a.origin.is_some());
        }
    }
    origins
}

#[inline(never)]
fn run_parse(messages: &[(String, Vec<u8>)]) -> usize {
    let mut parsed = 0;
    for (_, m) in messages {
        parsed += usize::from(black_box(mail_parser::MessageParser::new().parse(black_box(m.as_slice()))).is_some());
    }
    parsed
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev"));
    let seconds: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(4.0);
    let messages = corpus::read_eml_dir(&dir);
    let options = AnalyzeOptions::default();
    let bytes: usize = messages.iter().map(|(_, m)| m.len()).sum();

    // Throughput: alternating rounds, best pass per side, so a busy moment of the
    // shared machine hits both alike.
    let rounds = 6;
    let budget = Duration::from_secs_f64(seconds / (2 * rounds) as f64);
    let (mut ours, mut theirs) = (Duration::MAX, Duration::MAX);
    let (mut origins, mut parsed) = (0, 0);
    for _ in 0..rounds {
        ours = ours.min(best_pass(budget, || origins = run_analyze(&messages, &options)));
        theirs = theirs.min(best_pass(budget, || parsed = run_parse(&messages)));
    }
    let n = messages.len() as f64;

    // Per-message times.
    let mut per_message: Vec<Vec<f64>> = vec![Vec::with_capacity(PASSES); messages.len()];
    for _ in 0..PASSES {
        for (i, (_, m)) in messages.iter().enumerate() {
            let t = Instant::now();
            for _ in 0..REPEAT {
                let _ = black_box(analyze(black_box(m), &options));
            }
            per_message[i].push(t.elapsed().as_secs_f64() * 1e6 / REPEAT as f64);
        }
    }
    // The SpamAssassin driver's method (bench/sa-relays.pl): per message its fastest
    // single call over the passes, summed, so the two sides compare like with like.
    let mut fastest = vec![f64::MAX; messages.len()];
    for _ in 0..PASSES {
        for (i, (_, m)) in messages.iter().enumerate() {
            let t = Instant::now();
            let _ = black_box(analyze(black_box(m), &options));
            fastest[i] = fastest[i].min(t.elapsed().as_secs_f64());
        }
    }
    let fastest_sum: f64 = fastest.iter().sum();

    let medians: Vec<f64> = per_message.iter_mut().map(|v| median(v)).collect();
    let slowest = medians
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| messages[i].0.clone())
        .unwrap_or_default();
    let mut sorted = medians.clone();
    sorted.sort_by(f64::total_cmp);

    let out = serde_json::json!({
        "messages": messages.len(),
        "bytes": bytes,
        "origins_found": origins,
        "mail_parser_parsed": parsed,
        "analyze": { "best_pass_ms": ours.as_secs_f64() * 1e3, "messages_per_second": n / ours.as_secs_f64() },
        "analyze_sum_of_fastest": { "passes": PASSES, "seconds": fastest_sum, "messages_per_second": n / fastest_sum },
        "mail_parser_parse": { "best_pass_ms": theirs.as_secs_f64() * 1e3, "messages_per_second": n / theirs.as_secs_f64() },
        "ratio_analyze_to_parse": theirs.as_secs_f64() / ours.as_secs_f64(),
        "per_message_us": {
            "repeat": REPEAT,
            "passes": PASSES,
            "median": median(&mut sorted.clone()),
            "p99": percentile(&sorted, 99.0),
            "max": sorted.last().copied().unwrap_or(0.0),
            "slowest_message": slowest,
        },
    });
    println!("{out}");
}
