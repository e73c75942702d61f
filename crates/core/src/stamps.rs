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

/// The token after `key` (case-insensitive), up to a separator.
fn value_after<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let pos = find_ci(text, key)?;
    value_at(text, pos, key)
}

/// Like [`value_after`] with the lower-cased text computed once by the caller.
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
    let first = value.split(';').next()?.trim();
    let token = first.split_whitespace().next()?;
    (!first.contains('=') && !token.is_empty()).then(|| token.to_ascii_lowercase())
}

pub fn read(block: &HeaderBlock<'_>) -> Vec<Stamp> {
    let mut out = Vec::new();
    for f in &block.fields {
        let offset = f.span.0;
        if f.is("X-Originating-IP") {
            let v = f.value();
            push(&mut out, "X-Originating-IP", "value", parse_ip(v.trim().trim_matches(['[', ']'])), None, offset);
        } else if f.is("X-Forefront-Antispam-Report") {
            let v = f.value();
            push(&mut out, "X-Forefront-Antispam-Report", "CIP", value_after(&v, "cip:").and_then(parse_ip), None, offset);
        } else if f.is("Received-SPF") {
            let v = f.value();
            push(&mut out, "Received-SPF", "client-ip", value_after(&v, "client-ip=").and_then(parse_ip), None, offset);
        } else if f.is("Authentication-Results") || f.is("ARC-Authentication-Results") {
            let v = f.value();
            let header = if f.is("Authentication-Results") { "Authentication-Results" } else { "ARC-Authentication-Results" };
            // ARC-Authentication-Results starts with `i=N;`.
            let body = if header.starts_with("ARC") { v.split_once(';').map(|(_, r)| r).unwrap_or(&v) } else { &v };
            let id = authserv_id(body);
            let lower = body.to_ascii_lowercase();
            let after = |key: &str| value_after_lower(body, &lower, key).and_then(parse_ip);
            if let Some(ip) = after("smtp.remote-ip=") {
                push(&mut out, header, "smtp.remote-ip", Some(ip), id.clone(), offset);
            } else if let Some(ip) = after("policy.iprev=") {
                push(&mut out, header, "iprev", Some(ip), id.clone(), offset);
            } else if let Some(ip) = after("sender ip is ") {
                push(&mut out, header, "sender-ip", Some(ip), id.clone(), offset);
            } else if let Some(ip) = after("iprev=pass (") {
                push(&mut out, header, "iprev", Some(ip), id.clone(), offset);
            }
        }
    }
    out
}
