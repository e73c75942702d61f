//! No panic on damaged input: every prefix of the fixtures (cut mid-line, mid
//! encoded-word, mid-escape sequence) drafts for every party and renders ARF.

mod report_common;

use report_common::*;
use sendertrace_core::report::{channels, Recipient, Report, ReportOptions};
use sendertrace_core::{analyze, AnalyzeOptions};

#[test]
fn every_prefix_drafts_without_panic() {
    let parties = [
        Recipient::network_operator(),
        channels::dekyo(),
        channels::nissankyo(),
        channels::gmo_rental_server(Some("offer.example.net")),
    ];
    for name in ["ipv4-ja.eml", "ipv6-en.eml"] {
        for (_, raw) in variants(&fixture(name)) {
            for cut in (1..raw.len()).step_by(13) {
                let prefix = &raw[..cut];
                let Ok(a) = analyze(prefix, &AnalyzeOptions::default()) else { continue };
                for mask in [None, Some(false)] {
                    let o = ReportOptions { include_body: true, mask_recipient: mask, ..options(None, true) };
                    let r = Report::new(prefix, &a, o);
                    for p in &parties {
                        let d = r.draft(p);
                        assert!(!d.subject.is_empty());
                        let _ = r.arf(p);
                    }
                }
            }
        }
    }
}

#[test]
fn hostile_encoded_words_and_offsets_do_not_panic() {
    let raw = b"Received: from x ([203.0.113.1]) by mx.example.jp; Mon, 2 Nov 2026 10:00:00 +0000\r\n\
To: =?UTF-8?B?@@@?= =?X?Q?=?= =?ISO-2022-JP?B?GyRC?= <a@b.example>\r\n\
Subject: =?UTF-8?Q?=E3=81?= a@b.example =?unknown-charset?B?YUBiLmV4YW1wbGU=?=\r\n\r\nbody a@b.example\r\n";
    let a = analyze(raw, &AnalyzeOptions::default()).unwrap();
    for offset in [i32::MIN, -1081, 0, 1081, i32::MAX] {
        let o = ReportOptions { utc_offset_minutes: offset, include_body: true, ..Default::default() };
        let r = Report::new(raw, &a, o);
        let d = r.draft(&Recipient::network_operator());
        assert!(!d.text.to_lowercase().contains("a@b.example"), "{}", d.text);
        let arf = String::from_utf8_lossy(&r.arf(&Recipient::network_operator())).to_lowercase();
        assert!(!arf.contains("a@b.example"));
        // The unknown charset's bytes show the address: the run is replaced whole.
        assert!(!arf.contains("yubilmv4yw1wbgu="), "undecodable word with the address left in place");
    }
}
