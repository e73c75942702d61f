//! Table tests, one JSON file per grammar in `tests/grammar/`: header (or message)
//! in, expected fields out. Every case runs with LF and with CRLF line ends. The
//! hosts and addresses are our own (documentation ranges, example domains) in the
//! shapes real MTAs write.

use std::path::PathBuf;

use serde_json::{json, Value};

use sendertrace_core::{analyze, AnalyzeOptions};

fn cases(file: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/grammar").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str::<Vec<Value>>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn variants(text: &str) -> Vec<(&'static str, String)> {
    let lf = text.replace("\r\n", "\n");
    vec![("lf", lf.clone()), ("crlf", lf.replace('\n', "\r\n"))]
}

fn options(case: &Value) -> AnalyzeOptions {
    let mut o = AnalyzeOptions::default();
    if let Some(f) = case["options"]["trustedForwarders"].as_array() {
        o.trusted_forwarders = f.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
    }
    o
}

fn check_fields(ctx: &str, actual: &Value, expect: &Value, failures: &mut Vec<String>) {
    for (k, want) in expect.as_object().expect("expect is an object") {
        let got = &actual[k];
        if got != want {
            failures.push(format!("{ctx}: {k}: expected {want}, got {got}"));
        }
    }
}

fn run_received(file: &str) {
    let mut failures = Vec::new();
    for case in cases(file) {
        let name = case["name"].as_str().unwrap_or("?");
        let header = case["header"].as_str().expect("header");
        for (le, msg) in variants(&format!("Received: {header}\nSubject: t\n\n")) {
            let a = analyze(msg.as_bytes(), &AnalyzeOptions::default()).expect("analyses");
            let hop = &a.hops[0];
            let mut v = serde_json::to_value(hop).unwrap();
            v["retrieval"] = json!(hop.retrieval);
            let mut expect = case["expect"].clone();
            if expect.get("retrieval").is_none() {
                expect["retrieval"] = json!(false);
            }
            check_fields(&format!("{file} [{name}] ({le})"), &v, &expect, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn received_postfix() { run_received("received-postfix.json"); }
#[test]
fn received_sendmail() { run_received("received-sendmail.json"); }
#[test]
fn received_exim() { run_received("received-exim.json"); }
#[test]
fn received_qmail() { run_received("received-qmail.json"); }
#[test]
fn received_exchange() { run_received("received-exchange.json"); }
#[test]
fn received_gmail() { run_received("received-gmail.json"); }
#[test]
fn received_yahoo() { run_received("received-yahoo.json"); }
#[test]
fn received_japanese() { run_received("received-japanese.json"); }
#[test]
fn received_odd_formats() { run_received("received-odd.json"); }

#[test]
fn stamps() {
    let mut failures = Vec::new();
    for case in cases("stamps.json") {
        let name = case["name"].as_str().unwrap_or("?");
        let header = case["header"].as_str().expect("header");
        for (le, msg) in variants(&format!("{header}\nReceived: by mx.example.com; Mon, 2 Nov 2026 01:00:00 +0000\n\n")) {
            let a = analyze(msg.as_bytes(), &AnalyzeOptions::default()).expect("analyses");
            let got = serde_json::to_value(&a.stamps).unwrap();
            let want = case["expect"].as_array().unwrap();
            if got.as_array().map(|g| g.len()) != Some(want.len()) {
                failures.push(format!("stamps [{name}] ({le}): expected {} stamps, got {got}", want.len()));
                continue;
            }
            for (g, w) in got.as_array().unwrap().iter().zip(want) {
                check_fields(&format!("stamps [{name}] ({le})"), g, w, &mut failures);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn run_messages(file: &str, section: &str) {
    let mut failures = Vec::new();
    for case in cases(file) {
        let name = case["name"].as_str().unwrap_or("?");
        for (le, msg) in variants(case["message"].as_str().expect("message")) {
            let a = analyze(msg.as_bytes(), &options(&case)).expect("analyses");
            let v = serde_json::to_value(&a).unwrap();
            check_fields(&format!("{file} [{name}] ({le})"), &v[section], &case["expect"], &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn authentication_results() { run_messages("auth-results.json", "auth"); }

#[cfg(feature = "full-encoding")]
#[test]
fn identities() { run_messages("identities.json", "identities"); }

#[test]
fn origin_and_findings() {
    let mut failures = Vec::new();
    for case in cases("origin.json") {
        let name = case["name"].as_str().unwrap_or("?");
        for (le, msg) in variants(case["message"].as_str().expect("message")) {
            let ctx = format!("origin [{name}] ({le})");
            let a = analyze(msg.as_bytes(), &options(&case)).expect("analyses");
            let v = serde_json::to_value(&a).unwrap();
            let e = &case["expect"];
            let ip = v["origin"]["ip"].clone();
            if ip != e["ip"] {
                failures.push(format!("{ctx}: origin {ip}, expected {}", e["ip"]));
            }
            if let Some(h) = e.get("hop") {
                if &v["origin"]["hop"] != h {
                    failures.push(format!("{ctx}: hop {}, expected {h}", v["origin"]["hop"]));
                }
            }
            if let Some(c) = e.get("classes") {
                let got: Vec<Value> = v["hops"].as_array().unwrap().iter().map(|h| h["class"].clone()).collect();
                if &Value::Array(got.clone()) != c {
                    failures.push(format!("{ctx}: classes {got:?}, expected {c}"));
                }
            }
            if let Some(d) = e.get("delays") {
                let got: Vec<Value> = v["hops"].as_array().unwrap().iter().map(|h| h["delay_seconds"].clone()).collect();
                if &Value::Array(got.clone()) != d {
                    failures.push(format!("{ctx}: delays {got:?}, expected {d}"));
                }
            }
            if let Some(s) = e.get("service") {
                if &v["service"]["id"] != s {
                    failures.push(format!("{ctx}: service {}, expected {s}", v["service"]["id"]));
                }
            }
            if let Some(s) = e.get("client_ip") {
                if &v["service"]["client_ip"] != s {
                    failures.push(format!("{ctx}: client_ip {}, expected {s}", v["service"]["client_ip"]));
                }
            }
            if let Some(f) = e.get("findings") {
                let got: Vec<Value> = v["findings"].as_array().unwrap().iter().map(|f| f["code"].clone()).collect();
                for want in f.as_array().unwrap() {
                    if !got.contains(want) {
                        failures.push(format!("{ctx}: finding {want} missing (got {got:?})"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
