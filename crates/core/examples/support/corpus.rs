//! Shared by the criterion bench (`benches/analysis.rs`) and the `make bench`
//! example (`examples/bench-per-message.rs`), through `#[path]`: both must read the
//! same messages and time a whole-corpus pass the same way, or their figures
//! would not compare.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Every `*.eml` in `dir`, sorted by name, as (file name, bytes). Exits with a clear
/// message when the folder is missing or holds no message: the benchmarks read the
/// shared corpus in place and have nothing to measure without it.
pub fn read_eml_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        eprintln!("error: cannot read the corpus folder {} (the shared dev corpus is expected at ../shared/corpus/dev next to the repository): {e}", dir.display());
        std::process::exit(2);
    });
    let mut files: Vec<PathBuf> =
        entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect();
    files.sort();
    if files.is_empty() {
        eprintln!("error: no *.eml files in {}", dir.display());
        std::process::exit(2);
    }
    files
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
            (p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), bytes)
        })
        .collect()
}

/// Fastest whole-corpus pass of `f` within `budget` (at least one pass).
pub fn best_pass(budget: Duration, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut best = Duration::MAX;
    while start.elapsed() < budget || best == Duration::MAX {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed());
    }
    best
}
