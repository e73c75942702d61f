//! Time and memory of the analysis on the adversarial messages (issue #8), for
//! `make bench` and the README's reliability figures.
//!
//! usage: cargo run --release -p sendertrace-core --features full-encoding --example adversarial-timing [-- [--json] [CASE...]]
//!
//! The messages are generated in memory by tests/adversarial/cases.rs (the same ones
//! tests/adversarial.rs checks). Per case: input size, the median of 5 `analyze`
//! calls (3 for inputs over 1 MB), the peak of live heap bytes during one call above
//! what was live before it (a counting global allocator), the peak RSS of a process
//! that did nothing but build that input and analyse it (each case runs in a child
//! process; VmHWM, Linux only, `-` elsewhere; input included), the analysis JSON size,
//! the time to plan the lookups from it (`Trace::from_analysis`) and the outcome.
//! `--json` prints the rows as JSON. Target (issue #8): a 20 MB header block under
//! 2 s natively. Never part of `make test`.

#[path = "../tests/adversarial/cases.rs"]
mod cases;

use std::hint::black_box;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use sendertrace_core::trace::{Trace, TraceOptions};
use sendertrace_core::{analyze, AnalyzeOptions};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{LIVE, PEAK};

#[global_allocator]
static ALLOC: counting_alloc::Counting = counting_alloc::Counting;

/// Peak resident set of this process so far (kB); Linux only.
fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Measure one case in this process and describe it as JSON.
fn measure(case: &cases::Case) -> serde_json::Value {
    let options = AnalyzeOptions { now: Some(1_800_000_000), ..AnalyzeOptions::default() };
    let input = (case.build)();
    let rss_before = vm_hwm_kb();
    let runs = if input.len() > 1 << 20 { 3 } else { 5 };
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let r = black_box(analyze(black_box(&input), &options));
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        drop(r);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    // One more call for memory.
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let result = analyze(&input, &options);
    let peak_heap = PEAK.load(Relaxed) - before;
    let (outcome, json_len) = match &result {
        Ok(a) => (format!("origin {}", a.origin.as_ref().map_or("none", |o| o.ip.as_str())), serde_json::to_vec(a).map_or(0, |v| v.len())),
        Err(e) => (format!("error {}", e.name.name()), 0),
    };
    // Planning the lookups from the analysis (what `Trace::new` does after analysing).
    let plan_ms = result.as_ref().ok().map(|a| {
        let t = Instant::now();
        let trace = black_box(Trace::from_analysis(a, &TraceOptions::default(), 1_800_000_000));
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        drop(trace);
        ms
    });
    drop(result);
    serde_json::json!({
        "case": case.name, "what": case.what, "input_bytes": input.len(), "median_ms": median, "runs": runs,
        "peak_heap_bytes": peak_heap, "rss_before_kb": rss_before, "peak_rss_kb": vm_hwm_kb(),
        "json_bytes": json_len, "plan_ms": plan_ms, "outcome": outcome,
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Child mode: one case per process, so the peak RSS belongs to that case alone.
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let name = &args[i + 1];
        let case = cases::all().into_iter().find(|c| c.name == name).expect("known case");
        println!("{}", measure(&case));
        return;
    }
    let json = args.iter().any(|a| a == "--json");
    let only: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let exe = std::env::current_exe().expect("own path");
    if !json {
        println!(
            "{:<30} {:>8} {:>10} {:>12} {:>11} {:>8} {:>8}  outcome",
            "case", "input_MB", "median_ms", "peak_heap_MB", "peak_rss_MB", "json_MB", "plan_ms"
        );
    }
    let mut rows = Vec::new();
    for case in cases::all().into_iter() {
        if !only.is_empty() && !only.iter().any(|o| *o == case.name) {
            continue;
        }
        let out = std::process::Command::new(&exe).args(["--child", case.name]).output().expect("run a child");
        assert!(out.status.success(), "{}: {}", case.name, String::from_utf8_lossy(&out.stderr));
        let row: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON row");
        if !json {
            let mbf = |v: &serde_json::Value| v.as_f64().map_or("-".into(), |b| format!("{:.1}", b / (1 << 20) as f64));
            let rss = row["peak_rss_kb"].as_f64().map_or("-".into(), |k| format!("{:.1}", k / 1024.0));
            println!(
                "{:<30} {:>8} {:>10.2} {:>12} {:>11} {:>8} {:>8}  {}",
                case.name,
                mbf(&row["input_bytes"]),
                row["median_ms"].as_f64().unwrap_or(f64::NAN),
                mbf(&row["peak_heap_bytes"]),
                rss,
                mbf(&row["json_bytes"]),
                row["plan_ms"].as_f64().map_or("-".into(), |m| format!("{m:.1}")),
                row["outcome"].as_str().unwrap_or("?")
            );
        }
        rows.push(row);
    }
    if json {
        println!("{}", serde_json::Value::Array(rows));
    }
}
