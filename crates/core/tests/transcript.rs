//! Transcript tests: a scripted driver answers the trace's requests from recorded
//! answers (read in place from `../shared/data`) and hand-written fixtures
//! (`tests/fixtures/`), and the request/event log is compared with a golden file in
//! `tests/fixtures/transcripts/`. `UPDATE_GOLDEN=1 cargo test` rewrites them on
//! purpose. A step cap makes a loop fail the test instead of hanging it.

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;

use sendertrace_core::trace::{Reply, Report, Trace, TraceOptions};
use serde_json::{json, Value};

/// More steps than any sane trace needs; reaching it is a failure.
const STEP_CAP: usize = 60;
const START: u64 = 1_800_000_000;

fn shared(path: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    assert!(
        dir.is_dir(),
        "recorded answers are read in place from {} — that folder is missing \
         (the shared data checkout must sit next to the repository; do not copy them in)",
        dir.display()
    );
    std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("cannot read shared/data/{path}: {e}"))
}

fn fixture(path: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

fn rdap(body: Vec<u8>) -> Reply {
    Reply::ok("application/rdap+json", body)
}

fn html(body: Vec<u8>) -> Reply {
    Reply::ok("text/html; charset=Shift_JIS", body)
}

fn doh(body: Vec<u8>) -> Reply {
    Reply::ok("application/dns-json", body)
}

fn status(code: u16, headers: &[(&str, &str)]) -> Reply {
    Reply::Http {
        status: code,
        headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        body: Vec::new(),
        url: None,
        at: None,
    }
}

/// URL → the replies to give, in order (the last one repeats).
struct Script(BTreeMap<String, VecDeque<Reply>>);

impl Script {
    fn new(entries: Vec<(&str, Reply)>) -> Script {
        let mut map: BTreeMap<String, VecDeque<Reply>> = BTreeMap::new();
        for (url, reply) in entries {
            map.entry(url.to_string()).or_default().push_back(reply);
        }
        Script(map)
    }
    fn answer(&mut self, url: &str) -> Option<Reply> {
        let q = self.0.get_mut(url)?;
        if q.len() > 1 { q.pop_front() } else { q.front().cloned() }
    }
}

/// Drive `trace` to the end with `script`, returning the transcript and the report.
fn drive(mut trace: Trace, mut script: Script) -> (String, Report) {
    let mut log = Vec::new();
    let mut clock = START;
    let mut steps = 0;
    let drain = |trace: &mut Trace, log: &mut Vec<String>| {
        while let Some(e) = trace.poll_event() {
            log.push(format!("event {e}"));
        }
    };
    drain(&mut trace, &mut log);
    while let Some(req) = trace.poll_request() {
        steps += 1;
        assert!(steps <= STEP_CAP, "the trace made more than {STEP_CAP} requests — a loop?\n{}", log.join("\n"));
        assert!(req.url.starts_with("https://"), "non-HTTPS request {}", req.url);
        let wait = req.not_before.saturating_sub(clock);
        clock = clock.max(req.not_before);
        log.push(if wait > 0 { format!("GET {} (after {wait}s)", req.url) } else { format!("GET {}", req.url) });
        let reply = match script.answer(&req.url) {
            Some(r) => r,
            None => {
                log.push("  (unscripted: 404)".into());
                Reply::Http {
                    status: 404,
                    headers: vec![("content-type".into(), "application/rdap+json".into())],
                    body: br#"{"errorCode":404,"title":"Not Found"}"#.to_vec(),
                    url: None,
                    at: None,
                }
            }
        };
        let reply = with_time(reply, clock);
        trace.handle_response(req.id, reply);
        drain(&mut trace, &mut log);
    }
    drain(&mut trace, &mut log);
    assert!(trace.is_done(), "poll_request returned None while requests are still queued");
    let report = trace.report();
    for p in &report.parties {
        let first = p.contacts.iter().find(|c| c.actionable).map(|c| format!("<{}>", c.value)).unwrap_or("no usable contact".into());
        log.push(format!("party {} {} {first} ({})", p.role, p.name, p.confidence));
    }
    (log.join("\n") + "\n", report)
}

fn with_time(reply: Reply, now: u64) -> Reply {
    match reply {
        Reply::Http { status, headers, body, url, .. } => Reply::Http { status, headers, body, url, at: Some(now) },
        Reply::Error { message, .. } => Reply::Error { message, at: Some(now) },
        Reply::Timeout { .. } => Reply::Timeout { at: Some(now) },
    }
}

fn check_golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/transcripts").join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no golden file {} — run with UPDATE_GOLDEN=1 to create it\nactual:\n{actual}", path.display()));
    assert_eq!(actual, expected, "transcript {name} differs from {} (UPDATE_GOLDEN=1 rewrites it)", path.display());
}

fn origin_only(ip: &str) -> Value {
    json!({"origin": {"ip": ip, "host": null, "hop": 0, "confidence": "high", "reasons": []}, "identities": {}})
}

fn no_dns() -> TraceOptions {
    TraceOptions { doh_resolver: None, ..TraceOptions::default() }
}

// --- scenarios -----------------------------------------------------------------------

#[test]
fn arin_ip() {
    // GIVEN an origin in Microsoft's ARIN network
    let trace = Trace::from_analysis_json(&origin_only("13.64.1.1"), &no_dns(), START);
    let script = Script::new(vec![("https://rdap.arin.net/registry/ip/13.64.1.1", rdap(shared("rdap-samples/ip-arin-13.64.0.0.json")))]);
    // WHEN
    let (log, report) = drive(trace, script);
    // THEN
    check_golden("arin-ip", &log);
    let first = &report.parties[0];
    assert_eq!(first.role, "network-operator");
    assert_eq!(first.name, "Microsoft Corporation");
    assert_eq!(first.contacts[0].value, "abuse@microsoft.com");
    assert_eq!(report.requests.len(), 1);
}

#[test]
fn ripe_ip_via_arin_redirect() {
    // GIVEN 130.59/16, which IANA lists under ARIN (legacy) but RIPE holds
    let trace = Trace::from_analysis_json(&origin_only("130.59.31.80"), &no_dns(), START);
    let script = Script::new(vec![
        ("https://rdap.arin.net/registry/ip/130.59.31.80", status(301, &[("Location", "https://rdap.db.ripe.net/ip/130.59.31.80")])),
        ("https://rdap.db.ripe.net/ip/130.59.31.80", rdap(shared("rdap-samples/ip-ripe-130.59.31.80.json"))),
    ]);
    let (log, report) = drive(trace, script);
    check_golden("ripe-ip", &log);
    assert_eq!(report.networks[0].source.as_deref(), Some("https://rdap.db.ripe.net/ip/130.59.31.80"));
    assert_eq!(report.parties[0].contacts[0].value, "abuse@switch.ch");
}

#[test]
fn apnic_to_jpnic_ip() {
    // GIVEN a JPNIC-managed address: APNIC shows only JPNIC's block and hostmaster
    let trace = Trace::from_analysis_json(&origin_only("133.1.2.5"), &no_dns(), START);
    let script = Script::new(vec![
        ("https://rdap.apnic.net/ip/133.1.2.5", rdap(fixture("rdap/ip-apnic-jpnic-block-133.json"))),
        ("https://whois.nic.ad.jp/cgi-bin/whois_gw?lang=%2Fe&key=133.1.2.5", html(shared("jpnic-gateway/133.1.2.5-en.html"))),
        ("https://whois.nic.ad.jp/cgi-bin/whois_gw?lang=%2Fe&key=MY22537JP", html(fixture("jpnic/MY22537JP-en.html"))),
    ]);
    let (log, report) = drive(trace, script);
    check_golden("apnic-jpnic-ip", &log);
    let op = &report.parties[0];
    assert_eq!(op.role, "network-operator");
    assert_eq!(op.name, "Osaka University");
    assert_eq!(op.contacts[0].value, "net-admin@univ.example");
    assert!(op.contacts[0].actionable);
    let hostmaster = op.contacts.iter().find(|c| c.value == "hostmaster@nic.ad.jp").expect("listed, flagged");
    assert!(!hostmaster.actionable, "JPNIC's hostmaster is never offered");
    assert!(report.parties.iter().any(|p| p.role == "national-channel"), "Japanese space adds the national channels");
}

#[test]
fn com_domain_registry_then_registrar() {
    // GIVEN a Return-Path domain in .com (thin registry: the registrar has the details)
    let analysis = json!({"origin": null, "identities": {"return_path": "bounce@cloudflare.com"}, "auth": {"verdict": "unknown"}});
    let trace = Trace::from_analysis_json(&analysis, &no_dns(), START);
    let script = Script::new(vec![
        ("https://rdap.verisign.com/com/v1/domain/cloudflare.com", rdap(shared("rdap-samples/domain-verisign-cloudflare.com.json"))),
        (
            "https://rdap.cloudflare.com/rdap/v1/domain/CLOUDFLARE.COM",
            rdap(shared("rdap-samples/domain-registrar-cloudflare-cloudflare.com.json")),
        ),
    ]);
    let (log, report) = drive(trace, script);
    check_golden("com-domain", &log);
    let reg = report.parties.iter().find(|p| p.role == "registrar").unwrap();
    assert_eq!(reg.name, "Cloudflare, Inc.");
    assert_eq!(reg.contacts[0].value, "registrar-abuse@cloudflare.com");
    assert!(reg.notes.iter().any(|n| n.id == "registrant-privacy-proxy"), "DATA REDACTED registrant");
    assert_eq!(report.domains[0].why, ["return-path"]);
    assert_eq!(report.requests.len(), 2);
}

#[test]
fn jp_domain_via_dns() {
    // GIVEN a .jp Return-Path domain (no RDAP) on the registrar's rental-server nameservers
    let analysis = json!({"origin": null, "identities": {"return_path": "info@mail.example.co.jp"}});
    let trace = Trace::from_analysis_json(&analysis, &TraceOptions::default(), START);
    let script = Script::new(vec![
        ("https://dns.google/resolve?name=example.co.jp&type=NS", doh(fixture("dns/example.co.jp-NS.json"))),
        ("https://dns.google/resolve?name=example.co.jp&type=MX", doh(fixture("dns/example.co.jp-MX.json"))),
        ("https://dns.google/resolve?name=example.co.jp&type=A", doh(fixture("dns/example.co.jp-A.json"))),
        ("https://dns.google/resolve?name=ns01.gmoserver.jp&type=A", doh(fixture("dns/ns01.gmoserver.jp-A.json"))),
        ("https://rdap.apnic.net/ip/150.95.10.80", rdap(fixture("rdap/ip-apnic-example-hosting.json"))),
    ]);
    let (log, report) = drive(trace, script);
    check_golden("jp-domain-dns", &log);
    assert_eq!(report.domains[0].whois_url.as_deref(), Some("https://whois.jprs.jp/"));
    let dns_host = report.parties.iter().find(|p| p.role == "dns-host").unwrap();
    assert!(dns_host.name.contains("お名前.com"), "{}", dns_host.name);
    assert_eq!(dns_host.contacts[0].kind, "form");
    assert!(report.findings.iter().any(|f| f.id == "domain-no-rdap"));
}

#[test]
fn rate_limited_then_success() {
    // GIVEN LACNIC answering 429 with Retry-After first
    let trace = Trace::from_analysis_json(&origin_only("200.3.12.1"), &no_dns(), START);
    let script = Script::new(vec![
        ("https://rdap.lacnic.net/rdap/ip/200.3.12.1", status(429, &[("Retry-After", "20")])),
        ("https://rdap.lacnic.net/rdap/ip/200.3.12.1", rdap(shared("rdap-samples/ip-lacnic-200.3.12.1.json"))),
    ]);
    let (log, report) = drive(trace, script);
    check_golden("rate-limit", &log);
    assert_eq!(report.networks[0].status, "done");
    assert_eq!(report.requests.len(), 2);
    assert_eq!(report.requests[0].outcome, "429");
}

#[test]
fn redirect_loop_ends_with_a_finding() {
    let trace = Trace::from_analysis_json(&origin_only("13.64.1.1"), &no_dns(), START);
    let script = Script::new(vec![
        ("https://rdap.arin.net/registry/ip/13.64.1.1", status(302, &[("Location", "https://rdap.db.ripe.net/ip/13.64.1.1")])),
        ("https://rdap.db.ripe.net/ip/13.64.1.1", status(302, &[("Location", "/registry/ip/13.64.1.1")])),
        ("https://rdap.db.ripe.net/registry/ip/13.64.1.1", status(302, &[("Location", "https://rdap.arin.net/registry/ip/13.64.1.1")])),
    ]);
    let (log, report) = drive(trace, script);
    check_golden("redirect-loop", &log);
    assert!(report.findings.iter().any(|f| f.id == "redirect-loop"));
    assert_eq!(report.networks[0].status, "failed");
}

#[test]
fn timeout_ends_the_lookup() {
    let trace = Trace::from_analysis_json(&origin_only("13.64.1.1"), &no_dns(), START);
    let script = Script::new(vec![("https://rdap.arin.net/registry/ip/13.64.1.1", Reply::Timeout { at: None })]);
    let (log, report) = drive(trace, script);
    check_golden("timeout", &log);
    assert!(report.findings.iter().any(|f| f.id == "request-timeout"));
    assert!(report.done);
    assert_eq!(report.requests[0].outcome, "timeout");
}
