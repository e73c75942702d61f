//! `cargo bench -p sendertrace-core`: messages per second over the whole shared dev
//! corpus (read in place from ../shared), for our full analysis and for
//! mail-parser's bare `MessageParser::new().parse` of the same bytes, in one run.
//! Our analysis reads only the header block, so it must not be slower.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use sendertrace_core::{analyze, AnalyzeOptions};

fn corpus() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the shared dev corpus is missing: ../shared ({}): {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).expect("read corpus file")).collect()
}

fn bench(c: &mut Criterion) {
    let messages = corpus();
    let options = AnalyzeOptions::default();
    let mut group = c.benchmark_group("dev-corpus");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("sendertrace-analyze", |b| {
        b.iter(|| {
            for m in &messages {
                let _ = black_box(analyze(black_box(m), &options));
            }
        })
    });
    group.bench_function("mail-parser-parse", |b| {
        b.iter(|| {
            for m in &messages {
                black_box(mail_parser::MessageParser::new().parse(black_box(m.as_slice())));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
