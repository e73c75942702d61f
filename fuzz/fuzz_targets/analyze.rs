//! Message analysis on raw bytes: an analysis or a named input error, never a panic,
//! and the analysis keeps its invariants (checks: crates/core/tests/fuzz-regressions/harness.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/core/tests/fuzz-regressions/harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::analyze(data));
