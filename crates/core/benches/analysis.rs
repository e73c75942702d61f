//! `cargo bench -p sendertrace-core`: messages per second over the whole shared dev
//! corpus (read in place from ../shared), for our full analysis and for
//! mail-parser's bare `MessageParser::new().parse` of the same bytes, in one run.
//! Our analysis reads only the header block, so it must not be slower.
//!
//! Criterion reports each side (`thrpt` is messages per second); a summary line at
//! the end gives both rates and their ratio, measured interleaved in the same run.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{black_box, Criterion, Throughput};
use sendertrace_core::{analyze, AnalyzeOptions};

#[path = "../examples/support/corpus.rs"]
mod support;
use support::best_pass;

fn corpus() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev");
    support::read_eml_dir(&dir).into_iter().map(|(_, bytes)| bytes).collect()
}

#[inline(never)]
fn run_analyze(messages: &[Vec<u8>], options: &AnalyzeOptions) {
    for m in messages {
        let _ = black_box(analyze(black_box(m), options));
    }
}

#[inline(never)]
fn run_parse(messages: &[Vec<u8>]) {
    for m in messages {
        black_box(mail_parser::MessageParser::new().parse(black_box(m.as_slice())));
    }
}

fn bench(c: &mut Criterion, messages: &[Vec<u8>]) {
    let options = AnalyzeOptions::default();
    let mut group = c.benchmark_group("dev-corpus");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("sendertrace-analyze", |b| b.iter(|| run_analyze(messages, &options)));
    group.bench_function("mail-parser-parse", |b| b.iter(|| run_parse(messages)));
    group.finish();
}

/// Both sides interleaved (a few alternating rounds, best pass each), so a busy
/// moment of the machine hits both alike.
fn summary(messages: &[Vec<u8>]) {
    let options = AnalyzeOptions::default();
    let (mut ours, mut theirs) = (Duration::MAX, Duration::MAX);
    for _ in 0..6 {
        ours = ours.min(best_pass(Duration::from_millis(400), || run_analyze(messages, &options)));
        theirs = theirs.min(best_pass(Duration::from_millis(400), || run_parse(messages)));
    }
    let n = messages.len() as f64;
    let bytes: usize = messages.iter().map(Vec::len).sum();
    let rate = |d: Duration| n / d.as_secs_f64();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "summary: dev corpus {} messages ({:.1} MB): sendertrace analyze {:.3} ms/corpus = {:.0} msg/s; mail-parser parse {:.3} ms/corpus = {:.0} msg/s; ratio (analyze/parse msg/s) {:.2}",
        messages.len(),
        bytes as f64 / 1e6,
        ms(ours),
        rate(ours),
        ms(theirs),
        rate(theirs),
        rate(ours) / rate(theirs)
    );
}

/// `SENDERTRACE_BENCH_ONLY=analyze|parse [SENDERTRACE_BENCH_PASSES=n]`: run one side
/// only, n passes, no criterion — for `valgrind --tool=callgrind`, whose instruction
/// counts stay stable on a busy machine (toggle on `run_analyze` / `run_parse`).
fn only(side: &str, messages: &[Vec<u8>]) {
    let passes: usize = std::env::var("SENDERTRACE_BENCH_PASSES").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let options = AnalyzeOptions::default();
    // One untimed pass first (lazily built tables, caches), as criterion warms up:
    // the toggled functions then count the steady state only.
    warm_up(side, messages, &options);
    for _ in 0..passes {
        match side {
            "analyze" => run_analyze(messages, &options),
            "parse" => run_parse(messages),
            other => {
                eprintln!("error: SENDERTRACE_BENCH_ONLY must be analyze or parse, not {other}");
                std::process::exit(2);
            }
        }
    }
    println!("{side}: {} messages x {passes} passes", messages.len());
}

#[inline(never)]
fn warm_up(side: &str, messages: &[Vec<u8>], options: &AnalyzeOptions) {
    for m in messages {
        if side == "analyze" {
            let _ = black_box(analyze(black_box(m), options));
        } else {
            black_box(mail_parser::MessageParser::new().parse(black_box(m.as_slice())));
        }
    }
}

fn main() {
    let messages = corpus();
    if let Ok(side) = std::env::var("SENDERTRACE_BENCH_ONLY") {
        only(&side, &messages);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &messages);
    c.final_summary();
    // `cargo bench` passes --bench; `cargo test --benches` runs each once without it.
    if std::env::args().any(|a| a == "--bench") {
        summary(&messages);
    }
}
