//! Adversarial messages (issue #8): each one, generated in memory by
//! tests/adversarial/cases.rs, must give no panic, the right origin or a named input
//! error, a bounded output and a bounded heap — and the steps after the analysis
//! (planning the lookups, the report drafts) must cope with it too.
//!
//! Heap: a counting global allocator measures, per thread, the peak of live heap
//! bytes during one call above what was live before it. It is a deterministic count
//! (no timing): the budget is 8 bytes per input byte plus 16 MB. Time is NOT asserted
//! here (speed targets live in `examples/adversarial-timing.rs`, run by hand or by
//! `make bench`).

#[path = "adversarial/cases.rs"]
mod cases;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use cases::{Case, Expect, ORIGIN};
use sendertrace_core::auth::Verdict;
use sendertrace_core::report::{Report, ReportOptions};
use sendertrace_core::trace::{Trace, TraceOptions};
use sendertrace_core::{analyze, Analysis, AnalyzeOptions, InputErrorKind};

// --- a per-thread heap counter ---------------------------------------------------------

struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn grow(n: usize) {
    let _ = LIVE.try_with(|l| {
        let now = l.get() + n;
        l.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}
fn shrink(n: usize) {
    let _ = LIVE.try_with(|l| l.set(l.get().saturating_sub(n)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrink(layout.size());
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grow(new_size - layout.size());
            } else {
                shrink(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Run `f` and return its result with the peak heap it used above what was live before.
fn measured<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let out = f();
    (out, PEAK.with(Cell::get) - before)
}

// --- the checks -------------------------------------------------------------------------

const NOW: u64 = 1_800_000_000;

fn options() -> AnalyzeOptions {
    AnalyzeOptions { now: Some(NOW as i64), ..AnalyzeOptions::default() }
}

fn case(name: &str) -> Case {
    cases::all().into_iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no case {name}"))
}

/// Analyse a case, check the bounds every case shares, and return the input and result.
fn run(name: &str) -> (Vec<u8>, Result<Analysis<'static>, InputErrorKind>, Expect) {
    let c = case(name);
    let input = (c.build)();
    let (result, heap) = measured(|| analyze(&input, &options()));
    let budget = 8 * input.len() + (16 << 20);
    assert!(heap <= budget, "{name}: analysis used {heap} heap bytes for {} input bytes (budget {budget})", input.len());
    if let Ok(a) = &result {
        let json = serde_json::to_vec(a).expect("an analysis serialises");
        assert!(json.len() <= 8 * input.len() + (64 << 10), "{name}: {} JSON bytes for {} input bytes", json.len(), input.len());
    }
    // The analysis borrows the input; an owned copy travels with it.
    let result = result.map(Analysis::into_owned).map_err(|e| e.name);
    (input, result, c.expect)
}

/// The expectation of the case, then the lookups and the report drafts built on it.
fn check(name: &str) -> (Vec<u8>, Option<Analysis<'static>>) {
    let (input, result, expect) = run(name);
    match (expect, result) {
        (Expect::Error(kind), Err(got)) => {
            assert_eq!(got, kind, "{name}");
            (input, None)
        }
        (Expect::Origin(ip), Ok(a)) => {
            assert_eq!(a.origin.as_ref().map(|o| o.ip.as_str()), Some(ip), "{name}: origin; findings {:?}", a.findings.iter().map(|f| f.id).collect::<Vec<_>>());
            downstream(name, &input, &a, ip);
            (input, Some(a))
        }
        (expect, got) => panic!("{name}: expected {expect:?}, got {:?}", got.map(|a| a.origin)),
    }
}

fn downstream(name: &str, input: &[u8], a: &Analysis<'_>, ip: &str) {
    // Planning costs the same whatever the number of hops.
    let (mut trace, heap) = measured(|| Trace::from_analysis(a, &TraceOptions { doh_resolver: None, ..TraceOptions::default() }, NOW));
    assert!(heap <= 1 << 20, "{name}: planning the lookups used {heap} heap bytes");
    // Documentation addresses have no registry: the trace says so instead of asking.
    assert_eq!(trace.report().origin.map(|o| o.ip), Some(ip.to_string()), "{name}");
    assert!(trace.poll_request().is_none_or(|r| r.url.ends_with(&format!("/ip/{ip}"))), "{name}");
    // Report drafts: the display check reads the body, the ARF carries the header block.
    let report = Report::new(input, a, ReportOptions::default());
    let parties = report.offline_parties();
    assert!(!parties.is_empty(), "{name}: the network operator at least");
    for p in &parties {
        let arf = report.arf(p);
        assert!(arf.len() <= 4 * input.len() + (64 << 10), "{name}: {}-byte ARF for {} input bytes", arf.len(), input.len());
    }
}

// --- one test per case ------------------------------------------------------------------

#[test]
fn every_case_has_a_test() {
    let names: Vec<&str> = cases::all().iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "header-block-20mb",
            "received-100k",
            "line-1mb-subject",
            "line-1mb-received",
            "line-1mb-no-line-end",
            "nul-bytes-in-values",
            "nul-bytes-at-start",
            "invalid-utf8",
            "mixed-line-ends",
            "mime-nested-10k",
            "encoded-words-all-charsets",
            "ip-like-tokens",
            "forged-provider-below-handoff",
            "helo-address-literal",
            "helo-retrieval-word",
            "rdns-retrieval-word",
        ]
    );
}

#[test]
fn header_block_of_20_mb() {
    let (input, a) = check("header-block-20mb");
    assert!(input.len() >= 20 << 20);
    let a = a.unwrap();
    assert_eq!(a.hops.len(), 3);
    assert_eq!(a.identities.from.as_deref(), Some("sales@sender.example"), "fields after 20 MB of filler are read");
}

#[test]
fn one_hundred_thousand_received_lines() {
    let (_, a) = check("received-100k");
    let a = a.unwrap();
    assert_eq!(a.hops.len(), 100_000, "every line is read, none dropped silently");
    assert_eq!(a.origin.unwrap().hop, 1);
}

#[test]
fn one_mb_subject_line() {
    let (input, _) = check("line-1mb-subject");
    assert!(input.len() > 1 << 20);
}

#[test]
fn one_mb_received_comment() {
    let (_, a) = check("line-1mb-received");
    // The 1 MB line is a hop of its own below the handoff, read as far as it makes sense.
    let a = a.unwrap();
    assert_eq!(a.hops.len(), 4);
    assert_eq!(a.hops[3].from_host.as_deref(), Some("forged.example"));
    assert!(a.hops[3].raw.written_len() > 1 << 20);
}

#[test]
fn one_mb_field_without_a_line_end() {
    let (_, a) = check("line-1mb-no-line-end");
    assert!(a.unwrap().findings.iter().any(|f| f.id == "truncated-headers"), "the cut is reported");
}

#[test]
fn nul_bytes_inside_values() {
    let (_, a) = check("nul-bytes-in-values");
    let a = a.unwrap();
    assert_eq!(a.hops.len(), 4);
    assert!(a.hops.iter().all(|h| h.from_ip.as_deref() != Some("198.51.100.99")), "an address cut by a NUL is no address");
}

#[test]
fn nul_bytes_at_the_start() {
    check("nul-bytes-at-start");
}

#[test]
fn invalid_utf8_everywhere() {
    let (_, a) = check("invalid-utf8");
    let a = a.unwrap();
    assert_eq!(a.identities.from.as_deref(), Some("sales@sender.example"));
    assert!(a.hops.iter().all(|h| !h.raw.unfolded().contains(['\r', '\n'])));
}

#[test]
fn mixed_line_ends() {
    let (_, a) = check("mixed-line-ends");
    let a = a.unwrap();
    // CRLF and LF end lines; a lone CR does not, so `X-Old-Mac: …\rReceived: …` is one field.
    assert_eq!(a.hops.len(), 3);
    assert_eq!(a.identities.from.as_deref(), Some("sales@sender.example"), "the body's From is not read");
}

#[test]
fn mime_nested_10000_levels() {
    let (input, a) = check("mime-nested-10k");
    assert!(input.len() > 500_000);
    let a = a.unwrap();
    let report = Report::new(&input, &a, ReportOptions::default());
    let _ = report.display_check();
}

#[test]
fn encoded_words_in_every_charset() {
    let (_, a) = check("encoded-words-all-charsets");
    let a = a.unwrap();
    assert_eq!(a.identities.from.as_deref(), Some("sales@sender.example"));
    assert_eq!(a.identities.reply_to.as_deref(), Some("reply@sender.example"));
    assert!(cases::CHARSETS.len() > 60);
}

#[test]
fn address_like_tokens_everywhere() {
    let (_, a) = check("ip-like-tokens");
    let a = a.unwrap();
    let seen: Vec<&str> = a.hops.iter().filter_map(|h| h.from_ip.as_deref()).chain(a.stamps.iter().map(|s| s.ip.as_str())).collect();
    for decoy in ["10.0.0.1", "1.2.3.4", "15.20.7544.36", "203.0.113.200", "198.51.100.77", "198.51.100.55", "198.51.100.44"] {
        assert!(!seen.contains(&decoy), "{decoy} read as an address: {seen:?}");
    }
}

#[test]
fn forged_provider_lines_below_the_real_handoff() {
    let (_, a) = check("forged-provider-below-handoff");
    let a = a.unwrap();
    assert_eq!(a.origin.as_ref().unwrap().ip, "198.51.100.66");
    assert_ne!(a.origin.as_ref().unwrap().ip, "209.85.220.41", "not the forged Google address");
    // The forged Authentication-Results below the forged Google hop (dmarc=pass) never
    // verifies the From domain.
    assert_ne!(a.auth.verdict, Verdict::Verified, "{:#?}", a.auth);
    assert!(a.auth.dmarc.as_deref() != Some("pass"), "{:#?}", a.auth);
}

#[test]
fn handoff_disguises_do_not_move_the_origin() {
    // A HELO address literal is not the peer; a retrieval agent's name inside a HELO
    // or a reverse DNS name does not make the handoff a mailbox download.
    for name in ["helo-address-literal", "helo-retrieval-word", "rdns-retrieval-word"] {
        let (_, a) = check(name);
        let a = a.unwrap();
        assert_eq!(a.origin.as_ref().map(|o| o.ip.as_str()), Some(ORIGIN), "{name}");
        assert!(a.hops.iter().all(|h| !h.retrieval), "{name}: no hop is a retrieval");
    }
}

#[test]
fn the_origin_is_the_documentation_address() {
    // Guards the generator: the base chain gives the origin every case expects.
    let input = cases::chain(b"", "text/plain", b"x");
    let a = analyze(&input, &options()).unwrap();
    assert_eq!(a.origin.unwrap().ip, ORIGIN);
}
