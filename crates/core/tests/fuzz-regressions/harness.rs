//! The checks behind the fuzz targets (fuzz/fuzz_targets/*.rs), shared with the
//! regression test (tests/fuzz_regressions.rs): one function per target, taking the
//! target's raw input; each panics when an invariant breaks. Both include this file
//! with `#[path]`, so an input the fuzzer found is replayed through the same code.
#![allow(dead_code)]

use std::net::IpAddr;

use sendertrace_core::auth::{self, Verdict};
use sendertrace_core::received::{compute_delays, Hop};
use sendertrace_core::{headers, jpnic, rdap, Analysis, AnalyzeOptions};
use serde_json::Value;

/// A fixed "now" (2027-01-15): the core has no clock.
pub const NOW: i64 = 1_800_000_000;

pub fn analyze_options(trusted_forwarder: bool) -> AnalyzeOptions {
    AnalyzeOptions {
        trusted_forwarders: if trusted_forwarder {
            vec!["relay.example.net".into(), "203.0.113.0/24".into(), "2001:db8::/32".into()]
        } else {
            Vec::new()
        },
        now: Some(NOW),
    }
}

/// What must hold for any analysis, whatever the input.
pub fn check_analysis(input: &[u8], a: &Analysis) {
    for (i, h) in a.hops.iter().enumerate() {
        assert_eq!(h.index, i, "hops are numbered from the top");
        assert!(h.span.0 <= h.span.1 && h.span.1 <= input.len(), "hop span {:?} outside the input ({} bytes)", h.span, input.len());
        if let Some(ip) = &h.from_ip {
            assert!(ip.parse::<IpAddr>().is_ok(), "hop from_ip {ip:?} is not an address");
        }
    }
    if let Some(o) = &a.origin {
        assert!(o.ip.parse::<IpAddr>().is_ok(), "origin {:?} is not an address", o.ip);
        assert!(a.hops.is_empty() || o.hop < a.hops.len(), "origin hop {} of {}", o.hop, a.hops.len());
    }
    for s in &a.stamps {
        assert!(s.ip.parse::<IpAddr>().is_ok(), "stamp ip {:?} is not an address", s.ip);
    }
    // The wire form always serialises, and its size stays linear in the input. A bare
    // `Received:` line (10 bytes) gives a hop and an "unparsed" finding of about 400
    // JSON bytes (fixture analyze_alphabet/many-empty-received-fields): 64 per byte.
    let json = serde_json::to_vec(a).expect("an analysis serialises");
    assert!(json.len() <= 64 * 1024 + 64 * input.len(), "analysis JSON of {} bytes for {} input bytes", json.len(), input.len());
}

/// Target `analyze`: raw bytes. The first byte's low bit adds trusted forwarders.
pub fn analyze(data: &[u8]) {
    let options = analyze_options(data.first().is_some_and(|b| b & 1 == 1));
    match sendertrace_core::analyze(data, &options) {
        Ok(a) => check_analysis(data, &a),
        Err(e) => assert!(!e.message.is_empty()),
    }
}

/// The header alphabet of target `analyze_alphabet`: bytes below 0x80 are copied as
/// they are (a real message is its own seed); each byte from 0x80 up inserts one
/// token of the header grammar, so mutations splice whole tokens.
const TOKENS: [&[u8]; 128] = [
    // 0x80: field names
    b"\r\nReceived: ", b"\nReceived: ", b"\r\nFrom: ", b"\r\nAuthentication-Results: ",
    b"\r\nARC-Authentication-Results: i=1; ", b"\r\nReturn-Path: ", b"\r\nReply-To: ", b"\r\nDKIM-Signature: v=1; a=rsa-sha256; d=",
    b"\r\nX-Originating-IP: ", b"\r\nReceived-SPF: ", b"\r\nDelivered-To: ", b"\r\nX-Original-To: ",
    b"\r\nMessage-ID: ", b"\r\nSubject: ", b"\r\nTo: ", b"\r\nX-Mailer: ",
    // 0x90: structure
    b":", b"\r\n", b"\n", b"\r",
    b"\r\n\t", b"\r\n ", b"\n    ", b"\r\n\r\n",
    b"(", b")", b"[", b"]",
    b"<", b">", b";", b"\"",
    // 0xa0: Received keywords
    b" from ", b" by ", b" with ", b" id ",
    b" for ", b" via ", b" (HELO ", b" (EHLO ",
    b" with ESMTPS ", b" with ESMTPSA ", b" with LMTP ", b" with HTTP ",
    b" with SMTP ", b" with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA) ", b" (Postfix) ", b" (authenticated sender: ",
    // 0xb0: addresses and address-like tokens
    b"203.0.113.5", b"198.51.100.20", b"192.0.2.1", b"10.0.0.1",
    b"127.0.0.1", b"172.16.5.4", b"100.64.0.1", b"[IPv6:2001:db8::1]",
    b"2001:db8::25", b"::ffff:203.0.113.9", b"fe80::1%eth0", b"1.2.3.4.5",
    b"v10.0.19045.4291", b"15.20.7544.36", b"999.1.1.1", b"0x7f.1",
    // 0xc0: hosts and mailboxes
    b"mail.example.net", b"mx.google.com", b"mx.example.jp", b"unknown",
    b"localhost", b"mail-sor-f41.google.com", b"outbound.protection.outlook.com", b"relay.example.net",
    b"user@example.jp", b"<bounce@bounce.example.net>", b"a@example.com", b"@",
    b"example.co.jp", b"xn--wgv71a.jp", b".", b"-",
    // 0xd0: dates
    b"; Mon, 2 Nov 2026 01:00:00 +0000", b"; Tue, 3 Nov 2026 10:15:30 +0900 (JST)", b"; 1 Jan 1970 00:00:00 -1200", b"; Sun, 31 Dec 2099 23:59:60 +1400",
    b"; Thu, 29 Feb 2024 12:00:00 GMT", b"; Fri, 99 Foo 20269 99:99:99 +9999", b" 2026-11-02T01:00:00Z", b"; Sat, 1 Jan 2000 00:00:00 -0000",
    // 0xd8: Authentication-Results pieces
    b" spf=pass smtp.mailfrom=", b" dkim=pass header.d=", b" dkim=fail header.i=@", b" dmarc=pass header.from=",
    b" dmarc=fail (p=REJECT) header.from=", b" arc=pass", b" compauth=fail reason=001", b" header.s=",
    // 0xe0: authserv-ids and Microsoft
    b"mx.google.com;", b"spf.protection.outlook.com;", b"mx.example.jp;", b"none",
    b" client-ip=", b" receiver=", b" envelope-from=", b" helo=",
    // 0xe8: encoded words and charsets
    b"=?UTF-8?B?5pel5pys?=", b"=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=", b"=?Shift_JIS?Q?=82=A0?=", b"=?EUC-JP?B?pKI=?=",
    b"=?bogus-charset?Q?x?=", b"=?utf-8?q?", b"?=", b"=?",
    // 0xf0: hostile bytes
    b"\0", b"\xff\xfe", b"\xe3\x81", b"\xef\xbb\xbf",
    b"\\", b"\t", b"    ", b"=",
    // 0xf8: mbox and MIME
    b"From sender@example.net Mon Nov  2 01:00:00 2026\n", b">From ", b"\r\nContent-Type: multipart/mixed; boundary=\"b\"", b"\r\n--b\r\n",
    b"\r\nX-MS-Exchange-Organization-AuthSource: ", b"\r\nX-Google-Smtp-Source: ", b"\r\nX-Forwarded-To: ", b"\r\nARC-Seal: i=1; cv=none; d=",
];

pub fn alphabet_message(data: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(data.len() * 4);
    for &b in data {
        if b < 0x80 {
            message.push(b);
        } else {
            message.extend_from_slice(TOKENS[usize::from(b - 0x80)]);
        }
    }
    message
}

/// Target `analyze_alphabet`.
pub fn analyze_alphabet(data: &[u8]) {
    let message = alphabet_message(data);
    let options = analyze_options(data.len() % 7 == 3);
    match sendertrace_core::analyze(&message, &options) {
        Ok(a) => check_analysis(&message, &a),
        Err(e) => assert!(!e.message.is_empty()),
    }
}

/// Target `received`: `Hop::parse` on whatever follows `Received: ` (folds and stray
/// line ends included), then the delays over every Received field found.
pub fn received(data: &[u8]) {
    let mut raw = b"Received: ".to_vec();
    raw.extend_from_slice(data);
    let block = headers::split(&raw);
    let mut hops: Vec<Hop> = block.fields.iter().filter(|f| f.is("Received")).enumerate().map(|(i, f)| Hop::parse(i, f)).collect();
    compute_delays(&mut hops);
    for h in &hops {
        assert!(h.span.1 <= raw.len());
        if let Some(ip) = &h.from_ip {
            assert!(ip.parse::<IpAddr>().is_ok(), "from_ip {ip:?} is not an address");
        }
        serde_json::to_vec(h).expect("a hop serialises");
    }
    // A hop borrows its words from the field as written, folds included: it must
    // be the hop read from the same field unfolded.
    for (f, h) in block.fields.iter().filter(|f| f.is("Received")).zip(&hops) {
        let flat = format!("Received: {}\r\n", f.value()).into_bytes();
        let flat_block = headers::split(&flat);
        let Some(field) = flat_block.fields.first() else { continue };
        let again = Hop::parse(h.index, field);
        let json = |h: &Hop<'_>| {
            let mut v = serde_json::to_value(h).expect("a hop serialises");
            // The span is where the field is; the delay comes from the hop below.
            if let Some(o) = v.as_object_mut() {
                o.remove("span");
                o.remove("delay_seconds");
            }
            v
        };
        assert_eq!(json(h), json(&again), "folded and unfolded forms differ");
        assert_eq!((h.auth_sender.as_deref(), h.retrieval, h.unreadable, h.peer), (again.auth_sender.as_deref(), again.retrieval, again.unreadable, again.peer));
    }
}

/// Target `auth_results`: the Authentication-Results grammar and the From-domain
/// verdict (`auth::evaluate`) on any header block. The first byte picks the trust
/// settings: which authserv-ids are the provider's and where its part ends.
pub fn auth_results(data: &[u8]) {
    let Some((&mode, raw)) = data.split_first() else { return };
    let block = headers::split(raw);
    let from = block.get("From").map(|f| f.value());
    let limit = if mode & 1 == 0 { usize::MAX } else { raw.len() / 2 };
    let every_id = mode & 2 == 0;
    let hop_of = |offset: usize| (mode & 4 == 0).then_some(offset % 7);
    let is_provider = |id: &str| every_id || id.eq_ignore_ascii_case("mx.google.com") || id.ends_with(".example.jp");
    let a = auth::evaluate(&block, from.as_deref(), limit, &hop_of, &is_provider);
    if a.verdict != Verdict::Unknown {
        assert!(a.from_domain.is_some(), "verdict {:?} without a From domain", a.verdict);
        assert!(!a.reasons.is_empty());
    }
    if a.verdict == Verdict::Verified {
        assert!(
            matches!(a.dmarc.as_deref(), Some("pass" | "bestguesspass")) || a.aligned == Some(true),
            "verified without DMARC pass or alignment: {a:?}"
        );
    }
    serde_json::to_vec(&a).expect("auth serialises");
}

/// Every string a summary carries from the answer is free of control characters
/// (warnings are skipped: their templates are ours).
fn no_controls(v: &Value, path: &str) {
    match v {
        Value::String(s) => assert!(!s.chars().any(char::is_control), "control character in {path}: {s:?}"),
        Value::Array(a) => a.iter().for_each(|x| no_controls(x, path)),
        Value::Object(o) => {
            for (k, x) in o {
                if k != "warnings" {
                    no_controls(x, &format!("{path}.{k}"));
                }
            }
        }
        _ => {}
    }
}

/// Target `rdap`: RDAP answer interpretation on any bytes (JSON or not). Links the
/// trace may request must be HTTPS without white space.
pub fn rdap(data: &[u8]) {
    let s = rdap::interpret_bytes(data);
    assert!(!s.kind.is_empty());
    for url in s.related.iter().chain(s.entities_to_fetch.iter().filter_map(|e| e.url.as_ref())) {
        assert!(url.starts_with("https://") && !url.chars().any(char::is_whitespace), "unusable link kept: {url:?}");
    }
    let v = serde_json::to_value(&s).expect("a summary serialises");
    no_controls(&v, "summary");
    let n = serde_json::to_vec(&v).unwrap().len();
    assert!(n <= 16 * 1024 + 8 * data.len(), "{n}-byte summary of a {}-byte answer", data.len());
}

/// The Content-Type the JPNIC page claims, picked by the first input byte.
pub const JPNIC_TYPES: [Option<&str>; 8] = [
    None,
    Some("text/html; charset=Shift_JIS"),
    Some("text/html; charset=EUC-JP"),
    Some("text/html; charset=utf-8"),
    Some("text/html; charset=ISO-2022-JP"),
    Some("text/html; charset=x-bogus"),
    Some("application/json"),
    Some("text/html"),
];

/// Target `jpnic`: the whois-gateway page parser on any bytes.
pub fn jpnic(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else { return };
    let record = jpnic::parse_page(body, JPNIC_TYPES[usize::from(pick % 8)]);
    assert!(!record.charset.is_empty());
    for s in [&record.network, &record.name, &record.org, &record.org_ja, &record.abuse_email, &record.email, &record.phone, &record.contact_name]
        .into_iter()
        .flatten()
    {
        assert!(!s.chars().any(char::is_control), "control character in {s:?}");
    }
    let n = serde_json::to_vec(&record).expect("a record serialises").len();
    assert!(n <= 16 * 1024 + 8 * body.len(), "{n}-byte record of a {}-byte page", body.len());
}
