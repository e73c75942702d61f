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
    let first = match memchr::memchr(b';', value.as_bytes()) {
        Some(p) => &value[..p],
        None => value,
    };
    // A `method=result` first: no authserv-id.
    if memchr::memchr(b'=', first.as_bytes()).is_some() {
        return None;
    }
    crate::auth::first_word(first)
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

/// Where the token after `key` starts in `raw`, at the first occurrence of `key`
/// in any case. `key` has no white space and ends in a byte that has no case
/// (`=`, `:`), which the search looks for: folds only turn white space into
/// spaces, so this is where [`value_after_lower`] finds it in the unfolded value.
fn raw_find(raw: &[u8], key: &[u8]) -> Option<usize> {
    let (&last, stem) = key.split_last()?;
    memchr::memchr_iter(last, raw).find(|&p| p >= stem.len() && raw[p - stem.len()..p].eq_ignore_ascii_case(stem)).map(|p| p + 1)
}

/// The token of `raw` from `start` up to a separator (a line end unfolds to one).
/// Bytes that are not UTF-8 would unfold to U+FFFD, which no address contains.
fn raw_token(raw: &[u8], start: usize) -> Option<&str> {
    let rest = &raw[start..];
    let end = rest.iter().position(|b| matches!(b, b';' | b' ' | b')' | b',' | b'\t' | b'\r' | b'\n')).unwrap_or(rest.len());
    std::str::from_utf8(&rest[..end]).ok()
}

/// The address after `key` (see [`raw_find`]) in `raw`.
fn raw_ip(raw: &[u8], key: &str) -> Option<IpAddr> {
    raw_find(raw, key.as_bytes()).and_then(|p| raw_token(raw, p)).and_then(parse_ip)
}

/// The keys of the connecting address in an Authentication-Results body, in the
/// order they are believed, with the name of the part that carried it.
const AR_KEYS: [(&str, &str); 4] =
    [("smtp.remote-ip=", "smtp.remote-ip"), ("policy.iprev=", "iprev"), ("sender ip is ", "sender-ip"), ("iprev=pass (", "iprev")];

/// Whether `raw` contains `ip` in any case.
fn has_ip(raw: &[u8]) -> bool {
    memchr::memchr2_iter(b'p', b'P', raw).any(|p| p > 0 && raw[p - 1].eq_ignore_ascii_case(&b'i'))
}

pub fn read(block: &HeaderBlock<'_>) -> Vec<Stamp> {
    let mut out = Vec::new();
    // Sized for a typical Authentication-Results value, so they rarely grow.
    let mut scratch = Scratch { text: String::with_capacity(1024), lower: String::with_capacity(1024) };
    for f in &block.fields {
        let Some(kind) = kind(f.name) else { continue };
        let offset = f.span.0;
        let raw = f.raw_value;
        match kind {
            Kind::OriginatingIp => {
                let v = f.text();
                push(&mut out, "X-Originating-IP", "value", parse_ip(v.trim().trim_matches(['[', ']'])), None, offset);
            }
            Kind::Forefront => push(&mut out, "X-Forefront-Antispam-Report", "CIP", raw_ip(raw, "cip:"), None, offset),
            Kind::ReceivedSpf => push(&mut out, "Received-SPF", "client-ip", raw_ip(raw, "client-ip="), None, offset),
            Kind::Auth | Kind::ArcAuth => {
                let header = if matches!(kind, Kind::Auth) { "Authentication-Results" } else { "ARC-Authentication-Results" };
                // ARC-Authentication-Results starts with `i=N;`.
                let skip = match kind {
                    Kind::ArcAuth => memchr::memchr(b';', raw).map_or(0, |p| p + 1),
                    _ => 0,
                };
                let raw_body = &raw[skip..];
                // Every key contains `ip`, which folds cannot split: a field without
                // it (most, such as Gmail's) records no address.
                if !has_ip(raw_body) {
                    continue;
                }
                let (body, lower) = scratch.read(raw_body);
                let found = AR_KEYS.iter().find_map(|&(key, part)| Some((value_after_lower(body, lower, key).and_then(parse_ip)?, part)));
                if let Some((ip, part)) = found {
                    // The authserv-id is read from the part before the first `;` only.
                    let first = &raw_body[..memchr::memchr(b';', raw_body).unwrap_or(raw_body.len())];
                    push(&mut out, header, part, Some(ip), match std::str::from_utf8(first) {
                        Ok(s) => authserv_id(s),
                        Err(_) => authserv_id(&String::from_utf8_lossy(first)),
                    }, offset);
                }
            }
        }
    }
    out
}
