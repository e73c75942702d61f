//! Message analysis on inputs built from a header alphabet (field names, line ends,
//! folds, brackets, address-like tokens, Received keywords, dates, encoded words);
//! see `TOKENS` in crates/core/tests/fuzz-regressions/harness.rs.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/core/tests/fuzz-regressions/harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::analyze_alphabet(data));
