//! Bad input never panics: it is an analysis (possibly empty) or a named error.
//! Corpus files cut at many points and with bytes flipped, plus prose, binary,
//! empty input and a body without headers.

use std::path::PathBuf;

use sendertrace_core::{analyze, AnalyzeOptions, InputErrorKind};

fn err(raw: &[u8]) -> Option<InputErrorKind> {
    analyze(raw, &AnalyzeOptions::default()).err().map(|e| e.name)
}

#[test]
fn bad_inputs_are_named() {
    assert_eq!(err(b""), Some(InputErrorKind::Empty));
    assert_eq!(err(b" \r\n\t\n"), Some(InputErrorKind::Empty));
    assert_eq!(err(b"\x00\x01\x02PK\x03\x04binary"), Some(InputErrorKind::Binary));
    assert_eq!(err(b"Dear customer, your parcel is waiting. Click here."), Some(InputErrorKind::NotAHeaderBlock));
    assert_eq!(err(b"--boundary123\nContent-Type: text/plain\n\nhello\n"), Some(InputErrorKind::NoHeadersOnlyBody));
    assert_eq!(err(b"<html><body>Win!</body></html>"), Some(InputErrorKind::NoHeadersOnlyBody));
    assert_eq!(err(b"From sender@example.com Mon Jan  1 00:00:00 2026\n\n"), Some(InputErrorKind::Empty));
    // A byte order mark, a banner line or an mbox separator in front of a message are fine.
    let bom = analyze(b"\xEF\xBB\xBFReceived: from a.example.net (a.example.net [203.0.113.1]) by mx.example.jp with ESMTP; Mon, 2 Nov 2026 01:00:00 +0000\n\n", &AnalyzeOptions::default()).unwrap();
    assert_eq!(bom.origin.unwrap().ip, "203.0.113.1");
    let banner = analyze(b"Loading configuration...\nReceived: from a.example.net (a.example.net [203.0.113.1]) by mx.example.jp with ESMTP; Mon, 2 Nov 2026 01:00:00 +0000\nSubject: x\n\n", &AnalyzeOptions::default()).unwrap();
    assert_eq!(banner.hops.len(), 1);
    let a = analyze(b"From x@example.net Mon Nov  2 01:00:00 2026\nReceived: from a.example.net (a.example.net [203.0.113.1]) by mx.example.jp with ESMTP; Mon, 2 Nov 2026 01:00:00 +0000\nSubject: x\n\nbody", &AnalyzeOptions::default()).unwrap();
    assert_eq!(a.origin.unwrap().ip, "203.0.113.1");
}

/// A tiny deterministic generator (no dependency).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn truncated_and_mutated_messages_never_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev");
    let mut samples: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().ends_with(".eml")).filter_map(|e| std::fs::read(e.path()).ok()).collect())
        .unwrap_or_default();
    // Without the shared corpus, still exercise a built-in message.
    samples.push(b"Received: from a.example.net (a.example.net [IPv6:2001:db8::1%eth0]) by mx.example.jp with ESMTPSA id 1 for <u@example.jp>; Mon, 2 Nov 2026 01:00:00 +0000\r\nSubject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?= =?utf-8?q?=E3=81=82?=\r\nFrom: \"=?UTF-8?B?5pel?=\" <a@example.net>\r\nAuthentication-Results: mx.example.jp; dmarc=pass header.from=example.net\r\n\r\nbody".to_vec());
    let mut rng = Lcg(42);
    for raw in samples.iter().take(40) {
        let head_len = raw.windows(4).position(|w| w == b"\r\n\r\n" || w.starts_with(b"\n\n")).unwrap_or(raw.len()).min(raw.len());
        for cut in (0..head_len).step_by((head_len / 40).max(1)) {
            let _ = analyze(&raw[..cut], &AnalyzeOptions::default());
        }
        for _ in 0..12 {
            let mut m = raw[..head_len].to_vec();
            for _ in 0..8 {
                if m.is_empty() {
                    break;
                }
                let i = (rng.next() as usize) % m.len();
                m[i] = match rng.next() % 6 {
                    0 => b'(',
                    1 => b'[',
                    2 => b';',
                    3 => 0xe3,
                    4 => b'\n',
                    _ => (rng.next() & 0xff) as u8,
                };
            }
            let _ = analyze(&m, &AnalyzeOptions { now: Some(1_800_000_000), ..AnalyzeOptions::default() });
        }
    }
}
