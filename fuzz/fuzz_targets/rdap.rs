//! RDAP answer interpretation (`rdap::interpret_bytes`) on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/core/tests/fuzz-regressions/harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::rdap(data));
