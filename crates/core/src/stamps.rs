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

use crate::headers::{Field, HeaderBlock};
use crate::received::parse_ip;
use crate::text::{IpText, MaskPositions};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stamp {
    /// The field name, as this module spells it.
    pub header: &'static str,
    /// In canonical form, kept inline (serialised as the text).
    pub ip: IpText,
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

fn push(out: &mut Vec<Stamp>, header: &'static str, field: &'static str, ip: Option<IpAddr>, authserv: Option<String>, offset: usize) {
    if let Some(ip) = ip {
        out.push(Stamp { header, ip: crate::received::ip_short(ip), field, authserv_id: authserv, agrees_with_origin: None, offset });
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
    crate::headers::eq_nocase(name.as_bytes(), want.as_bytes()).then_some(kind)
}

/// Where the token after `key` starts in `raw`, at the first occurrence of `key`
/// in any case. `key` has no white space and ends in a byte that has no case
/// (`=`, `:`), which the search looks for: folds only turn white space into
/// spaces, so this is where a search of the unfolded value finds it.
fn raw_find(raw: &[u8], key: &[u8]) -> Option<usize> {
    let (&last, stem) = key.split_last()?;
    memchr::memchr_iter(last, raw).find(|&p| p >= stem.len() && raw[p - stem.len()..p].eq_ignore_ascii_case(stem)).map(|p| p + 1)
}

/// The token of `raw` from `start` up to a separator (a line end unfolds to one),
/// as `text` reads it. Bytes that are not UTF-8 would unfold to U+FFFD, which no
/// address contains.
fn raw_token<'r>(raw: &'r [u8], start: usize, text: impl Fn(&'r [u8]) -> Option<&'r str>) -> Option<&'r str> {
    let rest = &raw[start..];
    let end = rest.iter().position(|b| matches!(b, b';' | b' ' | b')' | b',' | b'\t' | b'\r' | b'\n')).unwrap_or(rest.len());
    text(&rest[..end])
}

/// The address after `key` (see [`raw_find`]) in `raw`, a slice of `f`'s value.
fn raw_ip(f: &Field<'_>, raw: &[u8], key: &str) -> Option<IpAddr> {
    raw_find(raw, key.as_bytes()).and_then(|p| raw_token(raw, p, |t| f.str_of(t))).and_then(parse_ip)
}

/// Folding white space as [`crate::headers::unfold`] sees it.
fn is_fws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The white space run of `raw` at `j`: where it ends, and whether it unfolds to
/// exactly one space. `None` when there is none, or when it ends the value
/// (unfolding trims it away).
fn space_at(raw: &[u8], j: usize) -> Option<(usize, bool)> {
    let mut k = j;
    while k < raw.len() && is_fws(raw[k]) {
        k += 1;
    }
    // A line end and the white space after it unfold to one space; a space or a
    // tab is one space each.
    (k > j && k < raw.len()).then(|| (k, matches!(raw[j], b'\r' | b'\n') || k == j + 1))
}

/// Where `ip` (any case) starts in `raw`, in order. Found sixteen positions at a
/// time: a body has dozens of `p`s, and a search call per `p` (as `memchr2` over
/// short stretches) costs more than comparing the bytes.
#[inline]
fn ips(raw: &[u8]) -> MaskPositions<'_, impl Fn(&[u8], usize) -> u32> {
    MaskPositions::new(raw, ip_mask_at)
}

/// Bit `k` set when `ip` starts at `at + k`.
#[inline]
fn ip_mask_at(raw: &[u8], at: usize) -> u32 {
    match raw.get(at..).and_then(|r| r.first_chunk::<17>()) {
        Some(w) => ip_mask16(w),
        None => (at..raw.len().saturating_sub(1).min(at + 16)).fold(0, |m, k| m | (u32::from(is_ip(raw[k], raw[k + 1])) << (k - at))),
    }
}

/// `a b` is `ip` in any case (`| 0x20` maps only `I`/`i` to `i`, `P`/`p` to `p`).
#[inline]
fn is_ip(a: u8, b: u8) -> bool {
    a | 0x20 == b'i' && b | 0x20 == b'p'
}

/// Bit `k` set when `is_ip(w[k], w[k + 1])`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn ip_mask16(w: &[u8; 17]) -> u32 {
    // SAFETY: the cfg admits this only where SSE2 is enabled at compile time (every
    // x86_64 target), which is all `ip_mask16_sse2` requires of its caller.
    unsafe { ip_mask16_sse2(w) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn ip_mask16_sse2(w: &[u8; 17]) -> u32 {
    use std::arch::x86_64::{__m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let p = w.as_ptr();
    // SAFETY: the 16-byte loads at offsets 0 and 1 lie within the 17 bytes of `w`
    // (loadu needs no alignment).
    let (a, b) = unsafe { (_mm_loadu_si128(p.cast::<__m128i>()), _mm_loadu_si128(p.add(1).cast::<__m128i>())) };
    let case = _mm_set1_epi8(0x20);
    let i = _mm_cmpeq_epi8(_mm_or_si128(a, case), _mm_set1_epi8(b'i' as i8));
    let q = _mm_cmpeq_epi8(_mm_or_si128(b, case), _mm_set1_epi8(b'p' as i8));
    _mm_movemask_epi8(_mm_and_si128(i, q)) as u32
}

/// Bit `k` set when `is_ip(w[k], w[k + 1])`.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn ip_mask16(w: &[u8; 17]) -> u32 {
    (0..16).fold(0, |m, k| m | (u32::from(is_ip(w[k], w[k + 1])) << k))
}

/// The connecting address recorded in an Authentication-Results body, and the
/// part that carried it: `smtp.remote-ip=`, `policy.iprev=`, `sender ip is `,
/// `iprev=pass (`, believed in that order, each at its first occurrence in the
/// unfolded value, any case. Read from the raw bytes: every key contains `ip`
/// (which folds cannot split), so only those places are looked at, and the
/// spaces of a key are matched against white space that unfolds to one space.
///
/// `text` reads a slice of `raw` as UTF-8 (`Field::str_of`: validated only when not
/// known to be ASCII).
fn ar_ip<'r>(raw: &'r [u8], text: impl Fn(&'r [u8]) -> Option<&'r str> + Copy) -> Option<(IpAddr, &'static str)> {
    // Where each `ip` starts: found in one pass and kept (a field has a few), or
    // looked for again per key when there are more.
    let all = || ips(raw);
    let mut kept = [0usize; 16];
    let mut n = 0;
    for p in all() {
        if n == kept.len() {
            n = usize::MAX;
            break;
        }
        kept[n] = p;
        n += 1;
    }
    if n == 0 {
        return None;
    }
    let ips = || {
        let (few, many) = if n == usize::MAX { (&kept[..0], Some(all())) } else { (&kept[..n], None) };
        few.iter().copied().chain(many.into_iter().flatten())
    };
    let at = |p: usize, s: &[u8]| raw.get(p..p + s.len()).is_some_and(|r| r.eq_ignore_ascii_case(s));
    let ip_from = |start: Option<usize>| start.and_then(|s| raw_token(raw, s, text)).and_then(parse_ip);
    // `smtp.remote-ip=`
    let remote = ips().find(|&p| p >= 12 && at(p - 12, b"smtp.remote-") && raw.get(p + 2) == Some(&b'='));
    if let Some(ip) = ip_from(remote.map(|p| p + 3)) {
        return Some((ip, "smtp.remote-ip"));
    }
    // `policy.iprev=`
    let policy = ips().find(|&p| p >= 7 && at(p - 7, b"policy.") && at(p + 2, b"rev="));
    if let Some(ip) = ip_from(policy.map(|p| p + 6)) {
        return Some((ip, "iprev"));
    }
    // `sender ip is `: the token follows the last space only when that space is
    // one (two would leave an empty token).
    let sender = ips().find_map(|p| {
        let mut s = p;
        while s > 0 && is_fws(raw[s - 1]) {
            s -= 1;
        }
        if s < 6 || space_at(raw, s) != Some((p, true)) || !at(s - 6, b"sender") {
            return None;
        }
        let (k, true) = space_at(raw, p + 2)? else { return None };
        if !at(k, b"is") {
            return None;
        }
        let (t, one) = space_at(raw, k + 2)?;
        Some(one.then_some(t))
    });
    if let Some(ip) = ip_from(sender.flatten()) {
        return Some((ip, "sender-ip"));
    }
    // `iprev=pass (`
    let iprev = ips().find_map(|p| {
        if !at(p + 2, b"rev=pass") {
            return None;
        }
        let (k, true) = space_at(raw, p + 10)? else { return None };
        (raw[k] == b'(').then_some(k + 1)
    });
    ip_from(iprev).map(|ip| (ip, "iprev"))
}

/// The names of the fields read here, with their kinds.
const NAMES: [(&str, Kind); 5] = [
    ("X-Originating-IP", Kind::OriginatingIp),
    ("X-Forefront-Antispam-Report", Kind::Forefront),
    ("Received-SPF", Kind::ReceivedSpf),
    ("Authentication-Results", Kind::Auth),
    ("ARC-Authentication-Results", Kind::ArcAuth),
];

pub fn read(block: &HeaderBlock<'_>) -> Vec<Stamp> {
    let mut out = Vec::new();
    // The fields of these names, looked up in the block's name index and read in
    // block order: a walk over every field dispatched on each name's length was a
    // jump the processor mispredicted field after field. Up to sixteen are kept on
    // the stack; a block with more is walked as before.
    let mut found: [Option<(&Field<'_>, Kind)>; 16] = [None; 16];
    let mut n = 0;
    'look: for (name, kind) in NAMES {
        for f in block.all(name) {
            if n == found.len() {
                n = usize::MAX;
                break 'look;
            }
            found[n] = Some((f, kind));
            n += 1;
        }
    }
    if n == usize::MAX {
        walk(block, &mut out);
        return out;
    }
    let found = &mut found[..n];
    found.sort_unstable_by_key(|e| e.map_or(0, |(f, _)| f.span.0));
    for &(f, kind) in found.iter().flatten() {
        read_one(&mut out, f, kind);
    }
    out
}

/// [`read`] field by field.
fn walk(block: &HeaderBlock<'_>, out: &mut Vec<Stamp>) {
    for f in &block.fields {
        if let Some(kind) = kind(f.name) {
            read_one(out, f, kind);
        }
    }
}

/// The stamp of one field of the names above, if it holds an address.
fn read_one(out: &mut Vec<Stamp>, f: &Field<'_>, kind: Kind) {
    let offset = f.span.0;
    let raw = f.raw_value;
    match kind {
        Kind::OriginatingIp => {
            let v = f.text();
            push(out, "X-Originating-IP", "value", parse_ip(v.trim().trim_matches(['[', ']'])), None, offset);
        }
        Kind::Forefront => push(out, "X-Forefront-Antispam-Report", "CIP", raw_ip(f, raw, "cip:"), None, offset),
        Kind::ReceivedSpf => push(out, "Received-SPF", "client-ip", raw_ip(f, raw, "client-ip="), None, offset),
        Kind::Auth | Kind::ArcAuth => {
            let header = if matches!(kind, Kind::Auth) { "Authentication-Results" } else { "ARC-Authentication-Results" };
            // ARC-Authentication-Results starts with `i=N;`.
            let skip = match kind {
                Kind::ArcAuth => memchr::memchr(b';', raw).map_or(0, |p| p + 1),
                _ => 0,
            };
            let raw_body = &raw[skip..];
            if let Some((ip, part)) = ar_ip(raw_body, |t| f.str_of(t)) {
                // The authserv-id is read from the part before the first `;` only.
                let first = &raw_body[..memchr::memchr(b';', raw_body).unwrap_or(raw_body.len())];
                let id = match f.str_of(first) {
                    Some(s) => authserv_id(s),
                    None => authserv_id(&String::from_utf8_lossy(first)),
                };
                push(out, header, part, Some(ip), id, offset);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `ar_ip` must equal: the keys searched in the unfolded, lower-cased value.
    fn unfolded(raw: &[u8]) -> Option<(IpAddr, &'static str)> {
        let v = crate::headers::unfold(raw);
        let lower = v.to_ascii_lowercase();
        [("smtp.remote-ip=", "smtp.remote-ip"), ("policy.iprev=", "iprev"), ("sender ip is ", "sender-ip"), ("iprev=pass (", "iprev")]
            .into_iter()
            .find_map(|(key, part)| {
                let rest = &v[lower.find(key)? + key.len()..];
                let end = rest.find([';', ' ', ')', ',', '\t']).unwrap_or(rest.len());
                Some((parse_ip(&rest[..end])?, part))
            })
    }

    #[test]
    fn read_in_block_order_as_the_walk() {
        let lines = [
            "Authentication-Results: mx.example; spf=pass smtp.remote-ip=192.0.2.1\r\n",
            "received-spf: pass client-ip=192.0.2.2;\r\n",
            "X-Originating-IP: [192.0.2.3]\r\n",
            "ARC-Authentication-Results: i=1; mx.example; iprev=pass (192.0.2.4)\r\n",
            "X-Forefront-Antispam-Report: CIP:192.0.2.5;CTRY:\r\n",
            "Subject: x\r\n",
            "AUTHENTICATION-RESULTS: other.example; spf=pass (sender IP is 192.0.2.6)\r\n",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for n in [0, 1, 3, 8, 15, 16, 17, 40] {
            let mut raw = String::new();
            for _ in 0..n {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                raw.push_str(lines[(seed % lines.len() as u64) as usize]);
            }
            let block = crate::headers::split(raw.as_bytes());
            let mut walked = Vec::new();
            walk(&block, &mut walked);
            assert_eq!(read(&block), walked, "{raw}");
        }
    }

    #[test]
    fn ip_positions_match_plain() {
        let plain = |raw: &[u8]| -> Vec<usize> { (0..raw.len().saturating_sub(1)).filter(|&k| raw[k].eq_ignore_ascii_case(&b'i') && raw[k + 1].eq_ignore_ascii_case(&b'p')).collect() };
        let mut raw = b"iPIpipIP iip ipp Ip\r\n pI i\x89p \xc9P \xe9p ip".repeat(3);
        raw.extend((0..=255u8).flat_map(|b| [b, b'p', b'i', b ^ 0x20]));
        for start in 0..raw.len() {
            for end in [start, start + 1, start + 17, start + 33, raw.len()] {
                let r = &raw[start..end.min(raw.len())];
                assert_eq!(ips(r).collect::<Vec<_>>(), plain(r), "{r:?}");
            }
        }
        for chunk in raw.windows(17) {
            let want = (0..16).fold(0u32, |m, k| m | (u32::from(is_ip(chunk[k], chunk[k + 1])) << k));
            assert_eq!(ip_mask16(chunk.try_into().unwrap()), want);
        }
    }

    fn utf8(b: &[u8]) -> Option<&str> {
        std::str::from_utf8(b).ok()
    }

    #[test]
    fn raw_search_reads_as_the_unfolded_value() {
        const PARTS: [&str; 26] = [
            "sender ip is ", "Sender IP is", "sender\r\n ip is ", "sender  ip is ", "sender \r\n ip is ", "sender\tip\tis\t",
            "iprev=pass (", "iprev=pass\r\n\t(", "iprev=pass  (", "smtp.remote-ip=", "policy.iprev=", "SMTP.Remote-IP=",
            "ip", " ", "\r\n ", "\t", "1.2.3.4", "[5.6.7.8]", "2001:DB8::1", ";", ")", "x", "is", "\n", "sender", "\u{e9}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut found = [0; 3];
        for _ in 0..200_000 {
            let mut raw = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = 1 + (seed % 9) as usize;
            for k in 0..n {
                raw.push_str(PARTS[((seed >> (5 * k + 8)) % PARTS.len() as u64) as usize]);
            }
            let got = ar_ip(raw.as_bytes(), utf8);
            assert_eq!(got, unfolded(raw.as_bytes()), "{raw:?}");
            found[match got.map(|g| g.1) {
                None => 0,
                Some("sender-ip") => 1,
                Some(_) => 2,
            }] += 1;
        }
        // The mix reaches every outcome often.
        assert!(found.iter().all(|&n| n > 2_000), "{found:?}");
        assert_eq!(ar_ip(b"mx; spf=pass (sender IP is\r\n 192.0.2.1) smtp.mailfrom=a", utf8), Some(("192.0.2.1".parse().unwrap(), "sender-ip")));
        // More places with `ip` than are kept.
        let many = "ip ".repeat(20) + "sender IP is 192.0.2.9; iprev=pass (192.0.2.8)";
        assert_eq!(ar_ip(many.as_bytes(), utf8), Some(("192.0.2.9".parse().unwrap(), "sender-ip")));
        let many = "ip ".repeat(20) + "iprev=pass (192.0.2.8)";
        assert_eq!(ar_ip(many.as_bytes(), utf8), Some(("192.0.2.8".parse().unwrap(), "iprev")));
    }
}
