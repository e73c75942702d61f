//! ARC for forwarded mail (issue #3, "use ARC when it is present"): when the trust
//! walk passes a forwarder and the recipient's provider validated the ARC chain
//! (`arc=pass`), the record the forwarder sealed confirms or supplies the origin and
//! shows the authentication it saw. Hand-written fixtures in `tests/fixtures/arc/`
//! (see its README), each run with LF and CRLF line ends.

use std::path::PathBuf;

use serde_json::Value;

use sendertrace_core::{analyze, AnalyzeOptions};

fn run(file: &str, forwarders: &[&str]) -> Vec<(&'static str, Value)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/arc").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lf = text.replace("\r\n", "\n");
    let options = AnalyzeOptions { trusted_forwarders: forwarders.iter().map(|s| s.to_string()).collect(), now: None };
    [("lf", lf.clone()), ("crlf", lf.replace('\n', "\r\n"))]
        .into_iter()
        .map(|(le, msg)| (le, serde_json::to_value(analyze(msg.as_bytes(), &options).expect("analyses")).unwrap()))
        .collect()
}

fn codes(reasons: &Value) -> Vec<String> {
    reasons.as_array().expect("reasons").iter().map(|r| r["code"].as_str().unwrap().to_string()).collect()
}

fn finding_ids(a: &Value) -> Vec<String> {
    a["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn known_forwarding_service_with_validated_arc() {
    for (le, a) in run("pobox-forward.eml", &[]) {
        assert_eq!(a["hops"][0]["reason"]["code"], "known-forwarder", "{le}");
        // The origin still comes from the Received chain; the ARC record confirms it.
        assert_eq!(a["origin"]["ip"], "198.51.100.23", "{le}");
        assert_eq!(a["origin"]["hop"], 1, "{le}");
        assert_eq!(a["origin"]["confidence"], "high", "{le}");
        assert!(codes(&a["origin"]["reasons"]).contains(&"origin-arc-agrees".to_string()), "{le}: {}", a["origin"]["reasons"]);
        let fwd = &a["auth"]["arc_forwarder"];
        assert_eq!(fwd["sealer"], "pobox.com", "{le}");
        assert_eq!(fwd["instance"], 1, "{le}");
        assert_eq!(fwd["hop"], 0, "{le}");
        assert_eq!(fwd["authserv_id"], "mx-in-1.pobox.com", "{le}");
        assert_eq!(fwd["remote_ip"], "198.51.100.23", "{le}");
        assert_eq!(fwd["remote_ip_hop"], 1, "{le}");
        assert_eq!(fwd["spf"], "pass", "{le}");
        assert_eq!(fwd["dmarc"], "pass", "{le}");
        assert_eq!(fwd["dmarc_from"], "example.net", "{le}");
        assert_eq!(fwd["dkim"][0]["domain"], "example.net", "{le}");
        // The provider's own DMARC failed (it sees Pobox); DMARC passed at Pobox.
        assert_eq!(a["auth"]["dmarc"], "fail", "{le}");
        assert_eq!(a["auth"]["verdict"], "verified", "{le}");
        let auth_codes = codes(&a["auth"]["reasons"]);
        for c in ["auth-arc-forwarder", "auth-arc-dmarc-pass"] {
            assert!(auth_codes.contains(&c.to_string()), "{le}: {c} in {auth_codes:?}");
        }
        let text = a["auth"]["reasons"].as_array().unwrap().iter().find(|r| r["code"] == "auth-arc-forwarder").unwrap()["text"].as_str().unwrap().to_string();
        assert!(text.contains("pobox.com") && text.contains("arc=pass"), "{le}: {text}");
        assert!(!finding_ids(&a).contains(&"from-forged".to_string()), "{le}");
    }
}

#[test]
fn arc_is_ignored_unless_the_provider_validated_it() {
    for (le, a) in run("pobox-forward-no-arc-pass.eml", &[]) {
        assert!(a["auth"].get("arc_forwarder").is_none(), "{le}: {}", a["auth"]);
        assert_eq!(a["auth"]["verdict"], "forged", "{le}");
        assert!(finding_ids(&a).contains(&"from-forged".to_string()), "{le}");
        assert!(!codes(&a["origin"]["reasons"]).iter().any(|c| c.starts_with("origin-arc")), "{le}");
        assert_eq!(a["origin"]["ip"], "198.51.100.23", "{le}");
    }
}

#[test]
fn arc_sealed_by_another_domain_is_ignored() {
    for (le, a) in run("pobox-forward-other-sealer.eml", &[]) {
        assert_eq!(a["auth"]["arc"], "pass", "{le}");
        assert!(a["auth"].get("arc_forwarder").is_none(), "{le}: {}", a["auth"]);
        assert_eq!(a["auth"]["verdict"], "forged", "{le}");
    }
}

#[test]
fn no_forwarder_on_the_path_means_no_arc_use() {
    // Without the declaration, Gmail's relay is the handoff (Gmail's outbound pool):
    // no forwarder was passed, so the ARC sets below are the sender side's claim.
    for (le, a) in run("gmail-forward-declared.eml", &[]) {
        assert_eq!(a["origin"]["ip"], "209.85.208.51", "{le}");
        assert!(a["auth"].get("arc_forwarder").is_none(), "{le}");
    }
}

#[test]
fn declared_forwarder_gmail_style_record() {
    for (le, a) in run("gmail-forward-declared.eml", &["google.com"]) {
        assert_eq!(a["hops"][0]["reason"]["code"], "trusted-forwarder", "{le}");
        assert_eq!(a["origin"]["ip"], "198.51.100.61", "{le}");
        assert_eq!(a["origin"]["hop"], 3, "{le}");
        assert!(codes(&a["origin"]["reasons"]).contains(&"origin-arc-agrees".to_string()), "{le}: {}", a["origin"]["reasons"]);
        let fwd = &a["auth"]["arc_forwarder"];
        // The higher of google.com's two sets is the one it sealed when forwarding.
        assert_eq!(fwd["instance"], 2, "{le}");
        assert_eq!(fwd["sealer"], "google.com", "{le}");
        assert_eq!(fwd["authserv_id"], "mx.google.com", "{le}");
        // Only in the SPF comment: "designates 198.51.100.61 as permitted sender".
        assert_eq!(fwd["remote_ip"], "198.51.100.61", "{le}");
        assert_eq!(fwd["remote_ip_hop"], 3, "{le}");
        assert_eq!(a["auth"]["authserv_id"], "mail.home.example.org", "{le}");
        assert_eq!(a["auth"]["verdict"], "verified", "{le}");
    }
}

#[test]
fn origin_from_the_arc_record_when_the_forwarder_kept_no_lines() {
    for (le, a) in run("forwarder-lines-stripped.eml", &["fwd.example.org"]) {
        assert_eq!(a["hops"][0]["reason"]["code"], "trusted-forwarder", "{le}");
        assert_eq!(a["origin"]["ip"], "203.0.113.77", "{le}");
        assert_eq!(a["origin"]["confidence"], "medium", "{le}");
        assert_eq!(codes(&a["origin"]["reasons"]), vec!["origin-from-arc".to_string()], "{le}");
        assert_eq!(a["auth"]["arc_forwarder"]["remote_ip_hop"], Value::Null, "{le}");
        assert!(!finding_ids(&a).contains(&"no-origin".to_string()), "{le}");
    }
    // Without the declaration the forwarder's relay is the handoff, as before.
    for (le, a) in run("forwarder-lines-stripped.eml", &[]) {
        assert_eq!(a["origin"]["ip"], "192.0.2.80", "{le}");
        assert!(a["auth"].get("arc_forwarder").is_none(), "{le}");
    }
}

#[test]
fn a_disagreeing_record_lowers_confidence() {
    // The forwarder says another address connected to it than the line below shows.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/arc/pobox-forward.eml");
    let text = std::fs::read_to_string(path).unwrap().replace("smtp.remote-ip=198.51.100.23", "smtp.remote-ip=203.0.113.99");
    let text = text.replace("policy.iprev=198.51.100.23", "policy.iprev=203.0.113.99");
    let a = serde_json::to_value(analyze(text.as_bytes(), &AnalyzeOptions::default()).unwrap()).unwrap();
    assert_eq!(a["origin"]["ip"], "198.51.100.23");
    assert_eq!(a["origin"]["confidence"], "medium");
    let r = a["origin"]["reasons"].as_array().unwrap().iter().find(|r| r["code"] == "origin-arc-disagrees").expect("disagree reason").clone();
    assert_eq!(r["params"]["ip"], "203.0.113.99");
    assert_eq!(r["params"]["sealer"], "pobox.com");
    assert_eq!(a["auth"]["arc_forwarder"]["remote_ip_hop"], Value::Null);
}
