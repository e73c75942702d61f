//! Authentication-Results parsing and the From-domain verdict (`auth::evaluate`);
//! the first byte picks the trust settings (crates/core/tests/fuzz-regressions/harness.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/core/tests/fuzz-regressions/harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::auth_results(data));
