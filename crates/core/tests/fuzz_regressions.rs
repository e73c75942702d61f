//! Every input the fuzzer ever broke something with, replayed through the same checks
//! as the fuzz targets. Fixtures: tests/fuzz-regressions/<target>/<name> (the raw
//! input of that target, as libFuzzer wrote it); checks: tests/fuzz-regressions/harness.rs.
//! Crashes of the `trace` target (structured input) are written out as tests below.

#[path = "fuzz-regressions/harness.rs"]
mod harness;

use std::path::PathBuf;

use sendertrace_core::trace::{Reply, Trace, TraceOptions};

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions").join(target);
    let mut failed = Vec::new();
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        n += 1;
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            failed.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(failed.is_empty(), "{target}: {failed:?} fail again");
    n
}

#[test]
fn rdap_regressions_pass() {
    assert!(replay("rdap", harness::rdap) >= 1);
}

#[test]
fn analyze_regressions_pass() {
    // header-prop-key-split-inside-a-character: an Authentication-Results property
    // key of 8 bytes whose 7th byte sits inside a two-byte character; the key check
    // sliced the text there and panicked (introduced by the speed work, found by
    // `make fuzz` before it landed).
    assert!(replay("analyze", harness::analyze) >= 1);
}

#[test]
fn received_regressions_pass() {
    // literal-word-with-tab-before-trailing-dot: `from [e<TAB>   .` with no closing
    // bracket. The hop took the host as a slice of the folded field and unfolded
    // it with `headers::unfold`, which also trims: the tab's space, inside the value,
    // was dropped once the trailing dot was cut (introduced when hops began to
    // borrow their words; found by the folded-versus-unfolded check before it landed).
    // with-clause-literal-with-tab-joined: a with clause whose words are not all one
    // space apart was joined from the folded text, keeping the tab of an address
    // literal among them (same change, same check).
    assert!(replay("received", harness::received) >= 2);
}

#[test]
fn auth_results_regressions_pass() {
    // The same slicing, reached through the Authentication-Results target.
    assert!(replay("auth_results", harness::auth_results) >= 1);
}

#[test]
fn analyze_alphabet_regressions_pass() {
    // many-empty-received-fields: 300 bare `Received:` fields in 3.6 KB gave 124 KB of
    // JSON (a hop and a finding each); linear, so the check's bound was widened.
    assert!(replay("analyze_alphabet", harness::analyze_alphabet) >= 1);
}

#[test]
fn rdap_unknown_object_class_is_unknown() {
    // object-class-with-delete-character.json: "objectClassName": "\x7fp netrrwork" was
    // copied into `kind` as it was (control character, any length).
    let data = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions/rdap/object-class-with-delete-character.json")).unwrap();
    let s = sendertrace_core::rdap::interpret_bytes(&data);
    assert_eq!(s.kind, "unknown");
    assert!(s.warnings.iter().any(|w| w.id == "rdap-unknown-class"));
    let ns = sendertrace_core::rdap::interpret_bytes(b"{\"objectClassName\": \"NameServer\", \"ldhName\": \"NS1.Example.\\u0007\"}");
    assert_eq!((ns.kind.as_str(), ns.name.as_deref()), ("nameserver", Some("ns1.example")));
}

#[test]
fn rdap_self_link_with_control_characters_is_not_fetched() {
    // The first crash: an abuse entity's `self` link with a form feed and spaces was
    // handed to the trace as the URL to fetch.
    let data = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions/rdap/self-link-with-form-feed.json")).unwrap();
    let s = sendertrace_core::rdap::interpret_bytes(&data);
    let abuse = s.entities_to_fetch.iter().find(|e| e.handle == "EXABUSE-ARIN").expect("the abuse entity is still listed");
    assert_eq!(abuse.url, None, "its broken self link is dropped");
    // The trace then asks the registry's entity path instead of the hostile link.
    let mut t = Trace::from_analysis_json(&serde_json::json!({"origin": {"ip": "23.1.2.3"}, "identities": {}}), &TraceOptions { doh_resolver: None, ..TraceOptions::default() }, 1_800_000_000);
    let first = t.poll_request().unwrap();
    t.handle_response(first.id, Reply::ok("application/rdap+json", data));
    while let Some(r) = t.poll_request() {
        assert!(!r.url.chars().any(|c| c.is_whitespace() || c.is_control()), "requested {:?}", r.url);
        t.handle_response(r.id, Reply::Timeout { at: None });
    }
}
