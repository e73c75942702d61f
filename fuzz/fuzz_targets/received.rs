//! One Received field through `Hop::parse` (checks: crates/core/tests/fuzz-regressions/harness.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/core/tests/fuzz-regressions/harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::received(data));
