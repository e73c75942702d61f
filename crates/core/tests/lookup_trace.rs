//! The trace against hostile or broken answers, its limits, and its JSON shapes.

use sendertrace_core::trace::{Reply, Trace, TraceOptions};
use serde_json::json;

const NOW: u64 = 1_800_000_000;

fn origin(ip: &str) -> serde_json::Value {
    json!({"origin": {"ip": ip, "confidence": "high"}, "identities": {}})
}

fn no_dns() -> TraceOptions {
    TraceOptions { doh_resolver: None, ..TraceOptions::default() }
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)).unwrap()
}

fn has(t: &Trace, id: &str) -> bool {
    t.report().findings.iter().any(|f| f.id == id)
}

#[test]
fn given_a_10_mb_body_when_handled_then_refused_with_a_finding() {
    // GIVEN
    let mut t = Trace::from_analysis_json(&origin("13.64.1.1"), &no_dns(), NOW);
    let req = t.poll_request().unwrap();
    assert_eq!(req.max_body_bytes, 1 << 20);
    // WHEN
    t.handle_response(req.id, Reply::ok("application/rdap+json", vec![b' '; 10 << 20]));
    // THEN
    assert!(has(&t, "reply-too-large"));
    let r = t.report();
    assert_eq!(r.networks[0].status, "failed");
    assert_eq!(r.requests[0].outcome, "refused-too-large");
    assert!(t.is_done());
}

#[test]
fn given_html_instead_of_rdap_when_handled_then_wrong_type_and_not_json() {
    let mut t = Trace::from_analysis_json(&origin("13.64.1.1"), &no_dns(), NOW);
    let req = t.poll_request().unwrap();
    t.handle_response(req.id, Reply::ok("text/html", b"<html><script>alert(1)</script></html>".to_vec()));
    assert!(has(&t, "rdap-wrong-content-type"));
    assert!(has(&t, "rdap-not-json"));
    assert_eq!(t.report().networks[0].status, "failed");
}

#[test]
fn given_markup_in_names_when_handled_then_kept_as_text_and_flagged() {
    let mut t = Trace::from_analysis_json(&origin("13.64.1.1"), &no_dns(), NOW);
    let req = t.poll_request().unwrap();
    t.handle_response(req.id, Reply::ok("application/rdap+json", fixture("rdap/ip-hostile-markup.json")));
    let r = t.report();
    let rdap = r.networks[0].rdap.as_ref().unwrap();
    assert_eq!(rdap.name.as_deref(), Some("<img src=x onerror=alert(1)>"), "plain text, never rendered");
    assert!(rdap.warnings.iter().any(|w| w.id == "rdap-markup-in-text"));
    let emails: Vec<_> = rdap.abuse.iter().filter_map(|c| c.email.as_deref()).collect();
    assert_eq!(emails, ["abuse@hostile.example"], "an address wrapped in markup is not an address");
}

#[test]
fn given_a_redirect_to_http_when_handled_then_not_followed() {
    let mut t = Trace::from_analysis_json(&origin("13.64.1.1"), &no_dns(), NOW);
    let req = t.poll_request().unwrap();
    let reply = Reply::Http {
        status: 302,
        headers: vec![("location".into(), "http://rdap.example/ip/13.64.1.1".into())],
        body: vec![],
        url: None,
        at: None,
    };
    t.handle_response(req.id, reply);
    assert!(has(&t, "redirect-not-https"));
    assert!(t.poll_request().is_none());
}

#[test]
fn given_a_request_cap_when_reached_then_the_rest_is_dropped_with_a_finding() {
    let analysis = json!({"origin": {"ip": "13.64.1.1"}, "identities": {"return_path": "a@one-example.com", "reply_to": "b@two-example.net"}});
    let options = TraceOptions { max_requests: 2, ..no_dns() };
    let mut t = Trace::from_analysis_json(&analysis, &options, NOW);
    let mut n = 0;
    while let Some(req) = t.poll_request() {
        n += 1;
        assert!(n <= 2);
        t.handle_response(req.id, Reply::Timeout { at: None });
    }
    assert_eq!(n, 2);
    assert!(has(&t, "request-cap-reached"));
    assert_eq!(t.report().findings.iter().filter(|f| f.id == "request-cap-reached").count(), 1);
    assert!(t.report().dropped >= 1);
    assert!(t.is_done());
}

#[test]
fn given_an_unknown_id_when_handled_then_ignored_with_a_finding() {
    let mut t = Trace::from_analysis_json(&origin("13.64.1.1"), &no_dns(), NOW);
    t.handle_response(99, Reply::Timeout { at: None });
    assert!(has(&t, "unknown-request-id"));
}

#[test]
fn given_private_or_forged_inputs_when_planned_then_nothing_is_asked_about_them() {
    let analysis = json!({
        "origin": {"ip": "10.1.2.3"},
        "identities": {"from": "ceo@victim.example"},
        "auth": {"verdict": "forged", "from_domain": "victim.example"}
    });
    let mut t = Trace::from_analysis_json(&analysis, &no_dns(), NOW);
    assert!(t.poll_request().is_none());
    assert!(has(&t, "address-not-public"));
    assert!(has(&t, "from-forged-victim"));
    assert!(t.report().requests.is_empty());
}

#[test]
fn given_an_authenticated_from_when_planned_then_it_is_looked_up_with_its_reason() {
    let analysis = json!({
        "identities": {"from": "news@shop.example-store.com", "dkim_domains": ["mailer.example-esp.net", "forged.example-victim.org"]},
        "auth": {"verdict": "verified", "from_domain": "shop.example-store.com",
                 "dkim": [{"result": "pass", "domain": "mailer.example-esp.net"}, {"result": "fail", "domain": "forged.example-victim.org"}]}
    });
    let t = Trace::from_analysis_json(&analysis, &no_dns(), NOW);
    let r = t.report();
    let domains: Vec<(&str, &Vec<String>)> = r.domains.iter().map(|d| (d.domain.as_str(), &d.why)).collect();
    assert_eq!(domains[0].0, "example-store.com");
    assert_eq!(domains[0].1, &["from-authenticated"]);
    assert_eq!(domains[1].0, "example-esp.net");
    assert_eq!(domains[1].1, &["dkim-signer"]);
    assert_eq!(domains.len(), 2, "a DKIM signature that failed is not a signer");
}

#[test]
fn given_a_raw_message_when_traced_then_the_origin_is_asked_first() {
    let raw = b"Received: from relay.example.net (relay.example.net [13.64.1.1]) by mx.example.org with ESMTP id 1; Mon, 2 Nov 2026 10:00:00 +0000\r\n\
From: a@example.org\r\nSubject: hi\r\n\r\nbody";
    let mut t = Trace::new(raw, &no_dns(), NOW);
    let req = t.poll_request().expect("a request for the origin");
    assert_eq!(req.url, "https://rdap.arin.net/registry/ip/13.64.1.1");
    assert_eq!(req.accept, "application/rdap+json, application/json;q=0.9");
    assert_eq!(req.purpose, "rdap-ip");
    assert!(req.timeout_ms > 0 && req.cache_ttl_secs > 0);
    let bad = Trace::new(b"", &no_dns(), NOW);
    assert!(bad.report().findings.iter().any(|f| f.id == "input-error"));
}

#[test]
fn given_json_from_javascript_when_deserialised_then_options_and_replies_work() {
    let options: TraceOptions = serde_json::from_str(r#"{"doh_resolver": null, "language": "ja"}"#).unwrap();
    assert!(options.doh_resolver.is_none());
    assert_eq!(options.max_requests, 40);
    let reply: Reply = serde_json::from_str(r#"{"kind":"http","status":200,"headers":[["content-type","application/rdap+json"]],"body":[123,125]}"#).unwrap();
    assert!(matches!(reply, Reply::Http { status: 200, .. }));
    let reply: Reply = serde_json::from_str(r#"{"kind":"timeout"}"#).unwrap();
    assert!(matches!(reply, Reply::Timeout { .. }));
    let t = Trace::from_analysis_json(&origin("13.64.1.1"), &options, NOW);
    let report = serde_json::to_value(t.report()).unwrap();
    assert!(report["parties"].is_array() && report["requests"].is_array());
}

#[test]
fn given_a_fresher_bootstrap_when_handed_in_then_it_is_used() {
    let mut options = no_dns();
    options.bootstrap_files.insert(
        "ipv4".into(),
        r#"{"services":[[["13.0.0.0/8"],["https://rdap.new-registry.example/"]]]}"#.into(),
    );
    options.bootstrap_files.insert("dns".into(), "not json".into());
    let mut t = Trace::from_analysis_json(&origin("13.64.1.1"), &options, NOW);
    assert_eq!(t.poll_request().unwrap().url, "https://rdap.new-registry.example/ip/13.64.1.1");
    assert!(has(&t, "bootstrap-rejected"));
}

#[test]
fn given_an_abuse_entity_without_vcard_when_traced_then_its_self_link_is_followed() {
    // GIVEN a network whose abuse POC comes as a handle with a self link only
    let mut t = Trace::from_analysis_json(&origin("23.1.2.7"), &no_dns(), NOW);
    let req = t.poll_request().unwrap();
    t.handle_response(req.id, Reply::ok("application/rdap+json", fixture("rdap/ip-abuse-without-vcard.json")));
    // WHEN the entity is asked for
    let req = t.poll_request().expect("the entity is fetched");
    assert_eq!(req.url, "https://rdap.arin.net/registry/entity/EXABUSE-ARIN");
    assert_eq!(req.purpose, "rdap-entity");
    t.handle_response(req.id, Reply::ok("application/rdap+json", fixture("rdap/entity-abuse.json")));
    // THEN its vCard supplies the contact
    assert!(t.poll_request().is_none());
    let r = t.report();
    assert_eq!(r.parties[0].contacts[0].value, "abuse@networks.example");
    assert_eq!(r.parties[0].name, "Example Networks");
}

#[test]
fn given_shared_service_and_example_domains_when_planned_then_they_are_not_looked_up() {
    let analysis = json!({"identities": {"return_path": "bounce@gmail.com", "reply_to": "x@example.com"}, "auth": {}});
    let t = Trace::from_analysis_json(&analysis, &no_dns(), NOW);
    let r = t.report();
    assert!(r.domains.is_empty(), "{:?}", r.domains);
    let f = r.findings.iter().find(|f| f.id == "domain-is-shared-service").expect("said why");
    assert_eq!(f.params["domain"], "gmail.com");
}

#[test]
fn given_garbage_answers_when_handled_then_nothing_panics_and_the_trace_ends() {
    // A tiny deterministic generator: random bytes, and recorded-looking JSON cut short
    // or with its punctuation scrambled, fed to every parser and to the trace.
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as u32
    };
    let base = fixture("rdap/ip-apnic-jpnic-block-133.json");
    for round in 0..300 {
        let body: Vec<u8> = match round % 3 {
            0 => (0..(next() % 2000)).map(|_| next() as u8).collect(),
            1 => base[..(next() as usize % base.len())].to_vec(),
            _ => base.iter().map(|&b| if next() % 23 == 0 { b"{}[]\",:<&;"[next() as usize % 10] } else { b }).collect(),
        };
        let _ = sendertrace_core::rdap::interpret_bytes(&body);
        let _ = sendertrace_core::jpnic::parse_page(&body, Some("text/html; charset=shift_jis"));
        let _ = sendertrace_core::dns::parse_answer(&body, sendertrace_core::dns::RecordType::Mx);
        let mut t = Trace::from_analysis_json(&origin("133.1.2.5"), &TraceOptions::default(), NOW);
        let mut steps = 0;
        while let Some(req) = t.poll_request() {
            steps += 1;
            assert!(steps < 60, "no end in sight");
            let status = [200, 200, 301, 404, 429, 500][next() as usize % 6];
            let headers = vec![("location".to_string(), format!("https://rdap.example/{}", next() % 4)), ("retry-after".into(), "1".into())];
            t.handle_response(req.id, Reply::Http { status, headers, body: body.clone(), url: None, at: None });
        }
        assert!(t.is_done());
        let _ = serde_json::to_string(&t.report()).unwrap();
    }
}
