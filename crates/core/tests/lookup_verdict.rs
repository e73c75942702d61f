//! The ranking of responsible parties.

use sendertrace_core::rdap::interpret_bytes;
use sendertrace_core::trace::{Reply, Trace, TraceOptions};
use serde_json::json;

const NOW: u64 = 1_800_000_000;

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)).unwrap()
}

fn shared(path: &str) -> Vec<u8> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    assert!(dir.is_dir(), "recorded answers are read in place from {} — missing", dir.display());
    std::fs::read(dir.join(path)).unwrap()
}

/// Answer every request with the reply chosen by `answer(url)` until done.
fn run(mut t: Trace, answer: impl Fn(&str) -> Reply) -> sendertrace_core::trace::Report {
    for _ in 0..50 {
        let Some(req) = t.poll_request() else { break };
        t.handle_response(req.id, answer(&req.url));
    }
    assert!(t.is_done());
    t.report()
}

#[test]
fn given_the_registrars_own_privacy_proxy_when_interpreted_then_it_is_said() {
    let s = interpret_bytes(&fixture("rdap/domain-registrar-proxy.json"));
    let r = s.registrant.as_ref().unwrap();
    assert!(r.privacy_proxy);
    assert!(s.warnings.iter().any(|w| w.id == "registrant-privacy-proxy"));
    assert_eq!(s.org, None);
    assert_eq!(s.registrar.as_ref().unwrap().abuse[0].phone.as_deref(), Some("+81.0000000000"));
}

#[test]
fn given_a_sending_service_when_ranked_then_it_comes_before_the_network() {
    let analysis = json!({
        "origin": {"ip": "13.64.1.1", "confidence": "high"},
        "service": {"id": "example-esp", "name": "Example ESP", "kind": "esp",
                    "account": {"feedback_id": "customer-42"}, "client_ip": "198.51.100.4"},
        "identities": {}
    });
    let options = TraceOptions { doh_resolver: None, ..TraceOptions::default() };
    let report = run(Trace::from_analysis_json(&analysis, &options, NOW), |_| {
        Reply::ok("application/rdap+json", shared("rdap-samples/ip-arin-13.64.0.0.json"))
    });
    let roles: Vec<&str> = report.parties.iter().map(|p| p.role.as_str()).collect();
    assert_eq!(roles, ["sending-service", "network-operator"]);
    assert_eq!(report.parties[0].notes[0].params["account"], "feedback_id: customer-42");
    assert_eq!(report.parties[0].notes[1].id, "service-client-ip");
    assert!(report.parties[0].contacts.is_empty(), "an unknown service gets no invented address");
}

#[test]
fn given_origin_and_domains_when_ranked_then_operator_registrar_hosts_in_order() {
    let analysis = json!({
        "origin": {"ip": "13.64.1.1", "confidence": "high"},
        "identities": {"return_path": "bounce@example-shop.com"}
    });
    let report = run(Trace::from_analysis_json(&analysis, &TraceOptions::default(), NOW), |url| {
        if url.contains("/ip/") {
            Reply::ok("application/rdap+json", shared("rdap-samples/ip-arin-13.64.0.0.json"))
        } else if url.contains("/domain/") {
            Reply::ok("application/rdap+json", fixture("rdap/domain-registrar-proxy.json"))
        } else if url.contains("type=NS") {
            Reply::ok("application/dns-json", br#"{"Status":0,"Answer":[{"name":"example-shop.com.","type":2,"TTL":60,"data":"dns01.gmoserver.jp."}]}"#.to_vec())
        } else {
            Reply::ok("application/dns-json", br#"{"Status":0}"#.to_vec())
        }
    });
    let roles: Vec<&str> = report.parties.iter().map(|p| p.role.as_str()).collect();
    assert_eq!(roles, ["network-operator", "registrar", "dns-host"]);
    let registrar = &report.parties[1];
    assert_eq!(registrar.contacts[0].value, "abuse@registrar.example");
    assert!(registrar.notes.iter().any(|n| n.id == "registrant-privacy-proxy"));
    let dns = &report.parties[2];
    assert_eq!(dns.contacts[0].kind, "form");
    assert!(dns.notes.iter().any(|n| n.id == "form-four-items"));
    // Every request is listed, and none carries anything but names and addresses.
    assert!(report.requests.iter().all(|r| r.url.starts_with("https://") && !r.url.contains('@')));
}

#[test]
fn given_only_placeholder_contacts_when_ranked_then_none_is_offered() {
    let analysis = json!({"origin": {"ip": "101.203.88.1", "confidence": "high"}, "identities": {}});
    let options = TraceOptions { doh_resolver: None, jpnic_gateway: false, ..TraceOptions::default() };
    let body = String::from_utf8(shared("rdap-samples/ip-apnic-jp-101.203.88.0.json")).unwrap()
        .replace("Email address for spam or abuse complaints : abuse@bbix.net", "no address here");
    let report = run(Trace::from_analysis_json(&analysis, &options, NOW), |_| Reply::ok("application/rdap+json", body.clone().into_bytes()));
    let op = &report.parties[0];
    assert_eq!(op.role, "network-operator");
    assert!(op.contacts.iter().all(|c| !c.actionable), "{:?}", op.contacts);
    assert!(op.notes.iter().any(|n| n.id == "no-actionable-contact"));
    assert!(op.notes.iter().any(|n| n.id == "nir-lookup-by-hand"));
    assert_eq!(op.confidence, "low");
}

#[test]
fn given_a_known_sending_service_when_ranked_then_its_published_channel_is_given() {
    let analysis = json!({"origin": {"ip": "13.64.1.1"}, "service": {"id": "gmail", "name": "Gmail", "kind": "mailbox"}, "identities": {}});
    let options = TraceOptions { doh_resolver: None, ..TraceOptions::default() };
    let t = Trace::from_analysis_json(&analysis, &options, NOW);
    let report = t.report();
    assert_eq!(report.parties[0].role, "sending-service");
    assert_eq!(report.parties[0].contacts[0].kind, "form");
}

#[test]
fn given_one_company_for_origin_and_web_host_when_ranked_then_listed_once_with_a_note() {
    let analysis = json!({"origin": {"ip": "13.64.1.1", "confidence": "high"}, "identities": {"return_path": "a@shop-example.com"}});
    let report = run(Trace::from_analysis_json(&analysis, &TraceOptions::default(), NOW), |url| {
        if url.contains("/ip/") {
            Reply::ok("application/rdap+json", shared("rdap-samples/ip-arin-13.64.0.0.json"))
        } else if url.contains("type=A") && url.contains("shop-example.com") {
            Reply::ok("application/dns-json", br#"{"Status":0,"Answer":[{"name":"shop-example.com.","type":1,"TTL":60,"data":"13.70.1.1"}]}"#.to_vec())
        } else if url.contains("/domain/") {
            Reply::ok("application/rdap+json", br#"{"errorCode":404}"#.to_vec())
        } else {
            Reply::ok("application/dns-json", br#"{"Status":0}"#.to_vec())
        }
    });
    let roles: Vec<&str> = report.parties.iter().map(|p| p.role.as_str()).collect();
    assert_eq!(roles, ["network-operator"]);
    assert!(report.parties[0].notes.iter().any(|n| n.id == "also-role" && n.params["role"] == "web-host"));
    assert!(report.findings.iter().any(|f| f.id == "domain-not-found"));
}
