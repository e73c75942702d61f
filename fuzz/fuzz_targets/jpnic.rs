//! JPNIC gateway page parsing (`jpnic::parse_page`); the first byte picks the claimed Content-Type.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/core/tests/fuzz-regressions/harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::jpnic(data));
