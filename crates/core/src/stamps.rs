//! Provider stamps: header fields in which a receiving provider recorded the
//! connecting (or client) IP outside the Received chain.
//!
//! - `X-Originating-IP: [IP]` — Outlook.com / Yahoo: the client or connecting IP;
//! - `X-Forefront-Antispam-Report: CIP:IP;…` — Exchange Online Protection, the
//!   connecting IP of the handoff;
//! - `Received-SPF: … client-ip=IP;` (RFC 7208 §9.1);
//! - `Authentication-Results` / `ARC-Authentication-Results` (RFC 8601):
//!   `smtp.remote-ip=IP`, `policy.iprev=IP`, `iprev=pass (IP)`, and Microsoft's
//!   `(sender IP is IP)` comment.

use std::net::IpAddr;

use serde::Serialize;

use crate::headers::HeaderBlock;
use crate::received::parse_ip;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stamp {
    pub header: String,
    pub ip: String,
    /// Which part of the field carried the address.
    pub field: &'static str,
    pub authserv_id: Option<String>,
    pub agrees_with_origin: Option<bool>,
    /// Byte offset of the field, to know whether the provider wrote it (above the handoff).
    #[serde(skip)]
    pub offset: usize,
}

/// Byte position of `needle` (ASCII, lower case) in `hay`, ignoring ASCII case.
pub fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    // Short needles on short values: a lower-cased copy and one SIMD search.
    let lower = h.to_ascii_lowercase();
    finder(needle).map_or_else(|| memchr::memmem::find(&lower, n), |f| f.find(&lower))
}

/// Searchers for the keys read here, built once (building one costs more than
/// searching a field with it).
fn finder(key: &str) -> Option<&'static memchr::memmem::Finder<'static>> {
    const KEYS: [&str; 6] = ["cip:", "client-ip=", "smtp.remote-ip=", "policy.iprev=", "sender ip is ", "iprev=pass ("];
    static F: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>> = std::sync::OnceLock::new();
    let i = KEYS.iter().position(|k| *k == key)?;
    F.get_or_init(|| KEYS.iter().map(|k| memchr::memmem::Finder::new(k.as_bytes())).collect()).get(i)
}

/// The token after `key` (ASCII, lower case) in `text`, found in `lower`, its
/// lower-cased copy; up to a separator.
fn value_after_lower<'a>(text: &'a str, lower: &str, key: &str) -> Option<&'a str> {
    let pos = finder(key).map_or_else(|| memchr::memmem::find(lower.as_bytes(), key.as_bytes()), |f| f.find(lower.as_bytes()))?;
    value_at(text, pos, key)
}

fn value_at<'a>(text: &'a str, pos: usize, key: &str) -> Option<&'a str> {
    let rest = text.get(pos + key.len()..)?;
    let end = rest.find(|c: char| c == ';' || c == ' ' || c == ')' || c == ',' || c == '\t').unwrap_or(rest.len());
    Some(&rest[..end])
}

fn push(out: &mut Vec<Stamp>, header: &str, field: &'static str, ip: Option<IpAddr>, authserv: Option<String>, offset: usize) {
    if let Some(ip) = ip {
        out.push(Stamp { header: header.to_string(), ip: crate::received::ip_text(ip), field, authserv_id: authserv, agrees_with_origin: None, offset });
    }
}

/// The authserv-id of an Authentication-Results value (RFC 8601 §2.2): the first
/// token before `;` unless it already is a `method=result` (Microsoft omits it).
pub fn authserv_id(value: &str) -> Option<String> {
    authserv_token(value).map(str::to_ascii_lowercase)
}

/// [`authserv_id`] as written (any case), borrowed from `value`.
pub(crate) fn authserv_token(value: &str) -> Option<&str> {
    let first = value.split(';').next()?.trim();
    let token = first.split_whitespace().next()?;
    (!first.contains('=') && !token.is_empty()).then_some(token)
}

/// The fields read here.
#[derive(Clone, Copy)]
enum Kind {
    OriginatingIp,
    Forefront,
    ReceivedSpf,
    Auth,
    ArcAuth,
}

/// Which of the fields above `name` is: the length picks one candidate, so a field
/// that is none of them costs one comparison.
fn kind(name: &str) -> Option<Kind> {
    let (want, kind) = match name.len() {
        16 => ("X-Originating-IP", Kind::OriginatingIp),
        27 => ("X-Forefront-Antispam-Report", Kind::Forefront),
        12 => ("Received-SPF", Kind::ReceivedSpf),
        22 => ("Authentication-Results", Kind::Auth),
        26 => ("ARC-Authentication-Results", Kind::ArcAuth),
        _ => return None,
    };
    name.eq_ignore_ascii_case(want).then_some(kind)
}

/// Buffers reused for every field of a block: its unfolded value and a lower-cased
/// copy to search in (two copies a field instead of two allocations).
#[derive(Default)]
struct Scratch {
    text: String,
    lower: String,
}

impl Scratch {
    /// The value of `raw` as [`crate::headers::Field::value`] gives it, and its
    /// lower-cased copy.
    fn read(&mut self, raw: &[u8]) -> (&str, &str) {
        unfold_into(raw, &mut self.text);
        self.lower.clear();
        self.lower.push_str(&self.text);
        self.lower.make_ascii_lowercase();
        (&self.text, &self.lower)
    }
}

/// [`crate::headers::unfold`] into `out` (replaced), reusing its allocation.
fn unfold_into(raw: &[u8], out: &mut String) {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = raw.iter().position(|b| !is_ws(b)).unwrap_or(raw.len());
    let end = raw.iter().rposition(|b| !is_ws(b)).map(|p| p + 1).unwrap_or(start);
    let raw = &raw[start..end.max(start)];
    out.clear();
    if memchr::memchr3(b'\r', b'\n', b'\t', raw).is_none() {
        match std::str::from_utf8(raw) {
            Ok(s) => out.push_str(s),
            Err(_) => out.push_str(&String::from_utf8_lossy(raw)),
        }
        return;
    }
    let mut bytes = std::mem::take(out).into_bytes();
    let mut i = 0;
    while let Some(p) = memchr::memchr3(b'\r', b'\n', b'\t', &raw[i..]) {
        bytes.extend_from_slice(&raw[i..i + p]);
        i += p;
        if raw[i] == b'\t' {
            bytes.push(b' ');
            i += 1;
            continue;
        }
        // The line end and the white space after it become one space.
        while i < raw.len() && matches!(raw[i], b'\r' | b'\n' | b' ' | b'\t') {
            i += 1;
        }
        bytes.push(b' ');
    }
    bytes.extend_from_slice(&raw[i..]);
    *out = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
}

/// The keys of the connecting address in an Authentication-Results body, in the
/// order they are believed, with the name of the part that carried it.
const AR_KEYS: [(&str, &str); 4] =
    [("smtp.remote-ip=", "smtp.remote-ip"), ("policy.iprev=", "iprev"), ("sender ip is ", "sender-ip"), ("iprev=pass (", "iprev")];

pub fn read(block: &HeaderBlock<'_>) -> Vec<Stamp> {
    let mut out = Vec::new();
    let mut scratch = Scratch::default();
    for f in &block.fields {
        let Some(kind) = kind(f.name) else { continue };
        let offset = f.span.0;
        match kind {
            Kind::OriginatingIp => {
                let v = f.text();
                push(&mut out, "X-Originating-IP", "value", parse_ip(v.trim().trim_matches(['[', ']'])), None, offset);
            }
            Kind::Forefront => {
                let (v, lower) = scratch.read(f.raw_value);
                push(&mut out, "X-Forefront-Antispam-Report", "CIP", value_after_lower(v, lower, "cip:").and_then(parse_ip), None, offset);
            }
            Kind::ReceivedSpf => {
                let (v, lower) = scratch.read(f.raw_value);
                push(&mut out, "Received-SPF", "client-ip", value_after_lower(v, lower, "client-ip=").and_then(parse_ip), None, offset);
            }
            Kind::Auth | Kind::ArcAuth => {
                let (v, lower) = scratch.read(f.raw_value);
                let header = if matches!(kind, Kind::Auth) { "Authentication-Results" } else { "ARC-Authentication-Results" };
                // ARC-Authentication-Results starts with `i=N;`.
                let skip = match kind {
                    Kind::ArcAuth => v.find(';').map_or(0, |p| p + 1),
                    _ => 0,
                };
                let (body, lower) = (&v[skip..], &lower[skip..]);
                let found = AR_KEYS.iter().find_map(|&(key, part)| Some((value_after_lower(body, lower, key).and_then(parse_ip)?, part)));
                if let Some((ip, part)) = found {
                    push(&mut out, header, part, Some(ip), authserv_id(body), offset);
                }
            }
        }
    }
    out
}
