//! Shared helpers of the report tests: fixtures, a stable analysis, and the
//! line-ending variants every fixture runs in.
#![allow(dead_code)]

use std::path::PathBuf;

use sendertrace_core::report::{Language, ReportOptions};
use sendertrace_core::{analyze, Analysis, AnalyzeOptions};

pub const USER_JA: &str = "taro@example.jp";
pub const USER_EN: &str = "john.doe@example.com";

pub fn dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join(sub).join("report")
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = dir("fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// LF as written, and the same bytes with CRLF.
pub fn variants(raw: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut crlf = Vec::with_capacity(raw.len() + raw.len() / 20);
    for &b in raw {
        if b == b'\n' {
            crlf.push(b'\r');
        }
        crlf.push(b);
    }
    vec![("lf", raw.to_vec()), ("crlf", crlf)]
}

/// The analysis, with the origin's reasons and confidence pinned: they belong to
/// the analysis side, which refines them on its own schedule, and the report
/// goldens should only change when the report does.
pub fn analysis(raw: &[u8]) -> Analysis<'_> {
    let mut a = analyze(raw, &AnalyzeOptions::default()).expect("fixture analyses");
    if let Some(o) = a.origin.as_mut() {
        o.reasons = vec!["the hop above was written by the recipient's provider".into()];
    }
    a
}

pub fn options(lang: Option<Language>, body: bool) -> ReportOptions {
    ReportOptions { utc_offset_minutes: 540, include_body: body, language: lang, ..ReportOptions::default() }
}

/// Percent-decoding, for reading `mailto:` URLs back.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = (b[i] == b'%')
            .then(|| b.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let Some(v) = hex {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
