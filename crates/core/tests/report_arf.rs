//! ARF (RFC 5965) output parses back with mail-parser: three parts with the right
//! content types, the original headers byte-identical apart from masking, and the
//! feedback fields present and valid — for IPv4 and IPv6 origins and Japanese subjects.

mod report_common;

use std::net::IpAddr;

use mail_parser::{DateTime, MessageParser};
use report_common::*;
use sendertrace_core::report::{channels, Language, Recipient, Report, ReportOptions};

struct Parsed {
    subject: String,
    types: Vec<String>,
    fields: Vec<(String, String)>,
    human: String,
    original: Vec<u8>,
}

fn parse(arf: &[u8]) -> Parsed {
    let msg = MessageParser::new().parse(arf).expect("ARF parses");
    let root = msg.root_part();
    let ct = root.content_type().expect("content type");
    assert_eq!((ct.ctype(), ct.subtype()), ("multipart", Some("report")));
    assert_eq!(ct.attribute("report-type"), Some("feedback-report"));
    let parts: Vec<_> = root.children().collect();
    assert_eq!(parts.len(), 3, "three parts");
    let types = parts
        .iter()
        .map(|p| p.content_type().map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or(""))).unwrap_or_default())
        .collect();
    let fields_text = String::from_utf8_lossy(parts[1].raw_body()).into_owned();
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in fields_text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = fields.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            fields.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Parsed {
        subject: msg.subject().unwrap_or("").to_string(),
        types,
        fields,
        human: String::from_utf8_lossy(&parts[0].decoded()).into_owned(),
        original: parts[2].raw_body().to_vec(),
    }
}

fn field<'a>(p: &'a Parsed, name: &str) -> Option<&'a str> {
    p.fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn check_feedback(p: &Parsed, ip: &str, arrival: i64) {
    assert_eq!(field(p, "Feedback-Type"), Some("abuse"));
    assert_eq!(field(p, "Version"), Some("1"));
    assert!(field(p, "User-Agent").is_some_and(|u| u.starts_with("SenderTrace/")));
    let source: IpAddr = field(p, "Source-IP").expect("Source-IP").parse().expect("Source-IP is an address");
    assert_eq!(source, ip.parse::<IpAddr>().unwrap());
    let date = DateTime::parse_rfc822(field(p, "Arrival-Date").expect("Arrival-Date")).expect("Arrival-Date parses");
    assert_eq!(date.to_timestamp(), arrival);
}

#[test]
fn ipv4_japanese_subject_with_body() {
    for (ending, raw) in variants(&fixture("ipv4-ja.eml")) {
        let a = analysis(&raw);
        let r = Report::new(&raw, &a, options(Some(Language::Ja), true));
        let party = Recipient::network_operator();
        let d = r.draft(&party);
        let p = parse(&r.arf(&party));
        assert_eq!(p.types, ["text/plain", "message/feedback-report", "message/rfc822"], "{ending}");
        assert_eq!(p.subject, d.subject, "{ending}: Japanese subject round-trips");
        assert!(p.subject.contains("【迷惑メール報告】203.0.113.9"));
        assert_eq!(p.human.replace("\r\n", "\n"), d.text.replace("\r\n", "\n"));
        // 2026-11-02 10:00:00 UTC: the handoff hop (19:00:00 +0900).
        check_feedback(&p, "203.0.113.9", 1_793_613_600);
        assert_eq!(field(&p, "Original-Rcpt-To"), Some("<recipient@masked.invalid>"));
        assert_eq!(field(&p, "Original-Mail-From"), Some("<bounce@spam.example.net>"));
        assert!(field(&p, "Authentication-Results").is_some_and(|v| v.starts_with("mx1.example.jp; spf=fail")));
        // The original: the masked header block byte for byte, then the body.
        assert!(p.original.starts_with(r.header_block(true)), "{ending}");
        let reparsed = MessageParser::new().parse(&p.original).unwrap();
        assert!(reparsed.body_text(0).unwrap().contains("高収入の副業"));
    }
}

#[test]
fn ipv4_unmasked_original_is_byte_identical() {
    let raw = fixture("ipv4-ja.eml");
    let a = analysis(&raw);
    let o = ReportOptions { mask_recipient: Some(false), ..options(None, true) };
    let r = Report::new(&raw, &a, o);
    let p = parse(&r.arf(&Recipient::network_operator()));
    assert!(p.original == raw, "the original part is the message, byte for byte");
    assert_eq!(field(&p, "Original-Rcpt-To"), Some("<taro@example.jp>"));
}

#[test]
fn ipv6_headers_only_without_body() {
    for (ending, raw) in variants(&fixture("ipv6-en.eml")) {
        let a = analysis(&raw);
        let r = Report::new(&raw, &a, options(None, false));
        let party = Recipient::network_operator();
        let p = parse(&r.arf(&party));
        assert_eq!(p.types, ["text/plain", "message/feedback-report", "text/rfc822-headers"], "{ending}");
        // 2026-11-03 13:15:07 UTC (08:15:07 -0500)
        check_feedback(&p, "2001:db8:beef::25", 1_793_711_707);
        assert!(p.original == r.header_block(true), "{ending}: the header part is the masked header block, byte for byte");
        assert!(p.subject.starts_with("Spam from 2001:db8:beef::25 received 2026-11-03 13:15:07 UTC"), "{}", p.subject);
    }
}

#[test]
fn ipv6_masked_base64_body_falls_back_to_headers() {
    // The body is base64 and names the user: masking the raw bytes cannot reach it,
    // so the original part carries the (masked) headers only and the human part the
    // masked, decoded body.
    let raw = fixture("ipv6-en.eml");
    let a = analysis(&raw);
    let r = Report::new(&raw, &a, options(None, true));
    let p = parse(&r.arf(&Recipient::network_operator()));
    assert_eq!(p.types[2], "text/rfc822-headers");
    assert!(p.human.contains("Dear recipient@masked.invalid"));
    // Unmasked, the whole message goes.
    let o = ReportOptions { mask_recipient: Some(false), ..options(None, true) };
    let r = Report::new(&raw, &a, o);
    let p = parse(&r.arf(&Recipient::network_operator()));
    assert_eq!(p.types[2], "message/rfc822");
}

#[test]
fn domain_parties_report_the_domain_and_national_channels_parse() {
    let raw = fixture("ipv4-ja.eml");
    let a = analysis(&raw);
    let r = Report::new(&raw, &a, ReportOptions { now: Some(1_793_700_000), reporter_address: Some("me@example.org".into()), ..options(Some(Language::En), true) });
    let p = parse(&r.arf(&channels::gmo_rental_server(Some("shop.example.com"))));
    assert_eq!(field(&p, "Reported-Domain"), Some("shop.example.com"));
    let p = parse(&r.arf(&channels::dekyo()));
    assert!(p.subject.starts_with("迷惑メールの情報提供") || p.subject.starts_with("Spam report"));
    let arf = r.arf(&channels::dekyo());
    let msg = MessageParser::new().parse(&arf).unwrap();
    assert_eq!(msg.date().map(|d| d.to_timestamp()), Some(1_793_700_000));
    assert_eq!(msg.from().and_then(|f| f.first()).and_then(|m| m.address()), Some("me@example.org"));
    assert_eq!(msg.to().and_then(|f| f.first()).and_then(|m| m.address()), Some("meiwaku@dekyo.or.jp"));
}
