//! Masking: the user's address appears nowhere in a masked draft — plain, in
//! encoded-words, in `for <…>` clauses, in URLs — and the masked header block still
//! parses to the same hops.

mod report_common;

use mail_parser::MessageParser;
use report_common::*;
use sendertrace_core::report::{channels, Draft, Language, Recipient, Report, ReportOptions, PLACEHOLDER_ADDRESS};
use sendertrace_core::analyze;

fn all_text(d: &Draft) -> String {
    let mut s = format!("{}\n{}\n", d.subject, d.text);
    if let Some(m) = &d.mailto {
        s.push_str(m);
        s.push('\n');
        s.push_str(&percent_decode(m));
    }
    for f in &d.form_fields {
        s.push_str(&f.value);
    }
    if let Some(t) = &d.trusted_received {
        s.push_str(t);
    }
    if let Some(c) = &d.display_check {
        for i in &c.items {
            s.push_str(i.evidence.as_deref().unwrap_or(""));
        }
    }
    s.push_str(&serde_json::to_string(d).unwrap());
    s
}

/// Every encoded-word of `headers`, decoded by mail-parser.
fn decoded_headers(headers: &[u8]) -> String {
    let mut raw = headers.to_vec();
    raw.extend_from_slice(b"\r\n");
    let msg = MessageParser::new().parse(&raw).expect("masked headers parse");
    let mut out = String::new();
    out.push_str(msg.subject().unwrap_or(""));
    for list in msg.to().iter() {
        for m in list.mailboxes() {
            out.push_str(m.name().unwrap_or(""));
            out.push_str(m.address().unwrap_or(""));
        }
    }
    out
}

fn parties() -> Vec<Recipient> {
    vec![
        Recipient::network_operator(),
        channels::dekyo(),
        channels::nissankyo(),
        channels::gmo_rental_server(Some("shop.example.com")),
    ]
}

fn assert_absent(haystack: &str, user: &str, what: &str) {
    let lower = haystack.to_lowercase();
    let (local, domain) = user.split_once('@').unwrap();
    for needle in [user.to_string(), format!("{local}%40{domain}"), format!("{local}=40{domain}")] {
        assert!(!lower.contains(&needle), "{what}: found {needle}");
    }
}

#[test]
fn the_address_is_read_from_the_message() {
    let raw = fixture("ipv4-ja.eml");
    let a = analysis(&raw);
    let r = Report::new(&raw, &a, options(None, true));
    assert_eq!(r.recipient_addresses(), ["taro@example.jp"]);
    let raw = fixture("ipv6-en.eml");
    let a = analysis(&raw);
    let mut o = options(None, true);
    o.recipient_addresses = vec!["John.Alias@Example.com".into()];
    let r = Report::new(&raw, &a, o);
    assert_eq!(r.recipient_addresses(), ["john.alias@example.com", "john.doe@example.com"]);
}

#[test]
fn a_single_to_and_the_for_clause_are_enough() {
    let raw = b"Received: from a.example.net (a.example.net [203.0.113.5]) by mx.example.jp with ESMTP id x for <hanako@example.jp>; Mon, 2 Nov 2026 10:00:00 +0000\r\nTo: someone@else.example\r\nSubject: x\r\n\r\nhi hanako@example.jp\r\n";
    let a = analysis(raw);
    let r = Report::new(raw, &a, options(None, true));
    assert_eq!(r.recipient_addresses(), ["someone@else.example", "hanako@example.jp"]);
    let raw = b"Received: from a.example.net (a.example.net [203.0.113.5]) by mx.example.jp; Mon, 2 Nov 2026 10:00:00 +0000\r\nTo: a@x.example, b@y.example\r\nSubject: x\r\n\r\nhi\r\n";
    let a = analysis(raw);
    assert!(Report::new(raw, &a, options(None, true)).recipient_addresses().is_empty(), "two To addresses: not the user's");
}

#[test]
fn no_masked_draft_contains_the_address() {
    for (fixture_name, user) in [("ipv4-ja.eml", USER_JA), ("ipv6-en.eml", USER_EN)] {
        for (ending, raw) in variants(&fixture(fixture_name)) {
            let a = analysis(&raw);
            for lang in [Language::Ja, Language::En] {
                let r = Report::new(&raw, &a, options(Some(lang), true));
                for p in parties() {
                    let d = r.draft(&p);
                    assert!(d.masked, "{fixture_name} {ending}: masking is on by default");
                    let what = format!("{fixture_name} {ending} {lang:?} {:?}", p.kind);
                    assert_absent(&all_text(&d), user, &what);
                    assert!(d.text.contains(PLACEHOLDER_ADDRESS), "{what}");
                    // The ARF download too, decoded part by part.
                    let arf = r.arf(&p);
                    assert_absent(&String::from_utf8_lossy(&arf), user, &what);
                    let msg = MessageParser::new().parse(&arf).unwrap();
                    for part in msg.parts() {
                        assert_absent(&String::from_utf8_lossy(&part.decoded()), user, &what);
                    }
                    for t in msg.text_bodies() {
                        assert_absent(&t, user, &what);
                    }
                }
                let masked = r.header_block(true);
                assert_absent(&String::from_utf8_lossy(masked), user, fixture_name);
                assert_absent(&decoded_headers(masked), user, fixture_name);
            }
        }
    }
}

#[test]
fn encoded_words_stay_readable_after_masking() {
    let raw = fixture("ipv4-ja.eml");
    let a = analysis(&raw);
    let r = Report::new(&raw, &a, options(None, false));
    let decoded = decoded_headers(r.header_block(true));
    assert!(decoded.contains("【重要】recipient@masked.invalid 様限定のご案内"), "{decoded}");
    assert!(decoded.contains("山田 太郎"), "{decoded}");
}

#[test]
fn masked_headers_parse_to_the_same_hops() {
    for name in ["ipv4-ja.eml", "ipv6-en.eml"] {
        for (ending, raw) in variants(&fixture(name)) {
            let a = analyze(&raw, &Default::default()).unwrap();
            let r = Report::new(&raw, &a, options(None, false));
            let original = analyze(r.header_block(false), &Default::default()).unwrap();
            let masked = analyze(r.header_block(true), &Default::default()).unwrap();
            assert_eq!(original.hops.len(), a.hops.len(), "{name} {ending}");
            assert_eq!(masked.hops.len(), original.hops.len(), "{name} {ending}");
            for (m, o) in masked.hops.iter().zip(&original.hops) {
                assert_eq!((&m.from_ip, &m.from_host, &m.by_host, m.timestamp), (&o.from_ip, &o.from_host, &o.by_host, o.timestamp), "{name} {ending}");
                if o.for_addr.is_some() {
                    assert_eq!(m.for_addr.as_deref().map(|f| f.trim_matches(['<', '>'])), Some(PLACEHOLDER_ADDRESS), "{name} {ending}");
                }
            }
            assert_eq!(masked.origin.map(|o| o.ip), original.origin.map(|o| o.ip));
        }
    }
}

#[test]
fn unmasked_drafts_keep_the_headers_byte_identical() {
    let raw = fixture("ipv4-ja.eml");
    let a = analysis(&raw);
    let o = ReportOptions { mask_recipient: Some(false), ..options(None, false) };
    let r = Report::new(&raw, &a, o);
    let d = r.draft(&Recipient::network_operator());
    assert!(!d.masked);
    let header_end = raw.windows(2).position(|w| w == b"\n\n").unwrap() + 1;
    assert_eq!(r.header_block(false), &raw[..header_end]);
    assert!(d.text.contains(std::str::from_utf8(&raw[..header_end - 1]).unwrap()));
}
