//! Who the message claims to be from: From, Sender, Reply-To, Return-Path,
//! Message-ID, Date, Subject, List-Unsubscribe and the DKIM `d=` domains, decoded.
//!
//! Decoding works from the raw header bytes with our own RFC 2047 encoded-word
//! decoder, which hands the charset to [`crate::charset::decode`]: in the wasm build
//! that is the browser's TextDecoder, so ISO-2022-JP / Shift_JIS / EUC-JP read
//! correctly without carrying encoding tables. Japanese mailers also put raw
//! ISO-2022-JP (escape sequences, RFC 1468) or 8-bit text in headers without encoded
//! words; those are detected and decoded with the message's charset.

use std::borrow::Cow;

use serde::Serialize;

use crate::charset;
use crate::auth::trim_word;
use crate::headers::{text_of, trim_set, Field, HeaderBlock};
use crate::text::DateText;

/// The texts borrow the message where they are written as they are read (most
/// values: one line of ASCII without an encoded word); decoded, unfolded or
/// lower-cased texts are copies. Serialised as the plain strings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Identities<'a> {
    pub from: Option<Cow<'a, str>>,
    pub from_name: Option<Cow<'a, str>>,
    pub sender: Option<Cow<'a, str>>,
    pub reply_to: Option<Cow<'a, str>>,
    pub return_path: Option<Cow<'a, str>>,
    pub message_id: Option<Cow<'a, str>>,
    pub date: Option<DateText>,
    pub subject: Option<Cow<'a, str>>,
    pub list_unsubscribe: Option<Cow<'a, str>>,
    pub dkim_domains: Vec<Cow<'a, str>>,
    #[serde(skip)]
    pub date_timestamp: Option<i64>,
}

impl Identities<'_> {
    /// A copy that borrows nothing.
    pub fn into_owned(self) -> Identities<'static> {
        fn own(c: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
            c.map(|c| Cow::Owned(c.into_owned()))
        }
        Identities {
            from: own(self.from),
            from_name: own(self.from_name),
            sender: own(self.sender),
            reply_to: own(self.reply_to),
            return_path: own(self.return_path),
            message_id: own(self.message_id),
            date: self.date,
            subject: own(self.subject),
            list_unsubscribe: own(self.list_unsubscribe),
            dkim_domains: self.dkim_domains.into_iter().map(|d| Cow::Owned(d.into_owned())).collect(),
            date_timestamp: self.date_timestamp,
        }
    }
}

/// The value of each base64 byte (both alphabets), or `NOT_B64`.
const NOT_B64: u8 = 0xff;
const B64: [u8; 256] = {
    let mut t = [NOT_B64; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => NOT_B64,
        };
        c += 1;
    }
    t
};

/// Lenient base64: skips characters outside the alphabet, stops at `=`.
pub fn base64_decode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    base64_into(text, &mut out);
    out
}

/// [`base64_decode`], appended to `out`.
fn base64_into(text: &[u8], out: &mut Vec<u8>) {
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in text {
        if c == b'=' {
            break;
        }
        let v = B64[usize::from(c)];
        if v == NOT_B64 {
            continue;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Q-decoding (RFC 2047 §4.2), appended to `out`.
fn q_into(text: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'_' => out.push(b' '),
            b'=' if i + 2 < text.len() => {
                match (hex(text[i + 1]), hex(text[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'='),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
}

/// Where the charset for 8-bit header bytes comes from: given by the caller, or the
/// top-level Content-Type, read only when a header actually needs it (most
/// messages have none that is not UTF-8).
enum Fallback<'a, 'b> {
    Given(Option<&'b str>),
    ContentType(Option<&'b Field<'a>>),
}

impl Fallback<'_, '_> {
    fn charset(&self) -> Option<Cow<'_, str>> {
        match self {
            Fallback::Given(cs) => cs.map(Cow::Borrowed),
            Fallback::ContentType(f) => f.and_then(message_charset).map(Cow::Owned),
        }
    }
}

/// Decode bytes that are not encoded words: UTF-8 as is; raw ISO-2022-JP; else the
/// message charset (Shift_JIS / EUC-JP mailers), else Latin-1-ish lossy UTF-8.
fn decode_plain<'r>(bytes: &'r [u8], fallback: &Fallback<'_, '_>) -> Cow<'r, str> {
    if memchr::memchr(0x1b, bytes).is_some()
        && bytes.windows(2).any(|w| w == b"\x1b$" || w == b"\x1b(")
        && let Some(s) = charset::decode("iso-2022-jp", bytes)
    {
        return Cow::Owned(s);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(
            fallback
                .charset()
                .and_then(|cs| charset::decode(&cs, bytes))
                .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned()),
        ),
    }
}

/// RFC 2047 decoding of an unstructured header value (raw bytes, folded or not).
/// White space between two adjacent encoded words is dropped (§6.2).
pub fn decode_words(raw: &[u8], fallback_charset: Option<&str>) -> String {
    decode(raw, &Fallback::Given(fallback_charset)).into_owned()
}

/// [`decode_words`], borrowing the input when it is one line of UTF-8 without an
/// encoded word (most values): the callers only look at the text or copy a part.
fn decode<'r>(raw: &'r [u8], fallback: &Fallback<'_, '_>) -> Cow<'r, str> {
    // Most values are one line of ASCII without `=` or ESC: one scan tells, where
    // the searches and the UTF-8 check below are a call each.
    if first_special(raw).is_none() {
        debug_assert!(raw.is_ascii());
        // SAFETY: `first_special` found no byte from 0x80 up, so `raw` is ASCII,
        // which is UTF-8.
        return Cow::Borrowed(trim_word(unsafe { std::str::from_utf8_unchecked(raw) }));
    }
    if memchr::memchr2(b'\r', b'\n', raw).is_none() {
        if find_ew(raw).is_none() {
            return match decode_plain(raw, fallback) {
                Cow::Borrowed(s) => Cow::Borrowed(trim_word(s)),
                Cow::Owned(s) => Cow::Owned(trimmed(s)),
            };
        }
        return Cow::Owned(decode_unfolded(raw, fallback));
    }
    // Unfold first (byte level, keeps 8-bit bytes).
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(p) = memchr::memchr2(b'\r', b'\n', &raw[i..]) {
        bytes.extend_from_slice(&raw[i..i + p]);
        i += p + 1;
    }
    bytes.extend_from_slice(&raw[i..]);
    // Without an encoded word everything below is one plain run.
    if find_ew(&bytes).is_none() {
        return Cow::Owned(trimmed(decode_plain(&bytes, fallback).into_owned()));
    }
    Cow::Owned(decode_unfolded(&bytes, fallback))
}

/// The bytes that keep [`decode`] off its shortest path, besides those that need
/// UTF-8 validation: a line end, `=` (an encoded word may start), ESC (ISO-2022-JP).
const SPECIAL: [u8; 4] = [b'\r', b'\n', b'=', 0x1b];

/// The first `k` with `raw[k]` in [`SPECIAL`] or from 0x80 up.
#[inline]
fn first_special(raw: &[u8]) -> Option<usize> {
    crate::text::first_in_set_or_high(raw, &SPECIAL)
}

/// Where the first `=?` is (a two-byte needle: cheaper than building a searcher).
fn find_ew(b: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'=', b).find(|&p| b.get(p + 1) == Some(&b'?'))
}

fn trimmed(s: String) -> String {
    let t = s.trim();
    if t.len() == s.len() { s } else { t.to_string() }
}

/// The encoded-word walk over unfolded bytes that contain `=?`. The text between
/// two words is one slice of the input: decoded as it is, or dropped when it is
/// only the white space separating two words.
fn decode_unfolded(bytes: &[u8], fallback: &Fallback<'_, '_>) -> String {
    let mut out = String::with_capacity(bytes.len());
    let is_ws = |gap: &[u8]| gap.iter().all(|&b| b == b' ' || b == b'\t');
    let mut run_start = 0;
    let mut after_word = false;
    let mut decoded = Vec::new();
    let mut i = 0;
    while let Some(p) = find_ew(&bytes[i..]) {
        let at = i + p;
        let Some((cs, b64, text, used)) = encoded_word(&bytes[at..]) else {
            i = at + 1;
            continue;
        };
        let gap = &bytes[run_start..at];
        if !gap.is_empty() && !(after_word && is_ws(gap)) {
            out.push_str(&decode_plain(gap, fallback));
        }
        decoded.clear();
        decoded.reserve(text.len());
        if b64 {
            base64_into(text, &mut decoded);
        } else {
            q_into(text, &mut decoded);
        }
        // UTF-8 (most words) is copied straight in; other charsets are converted.
        match charset::is_utf8_label(cs) {
            true => out.push_str(&String::from_utf8_lossy(&decoded)),
            false => match charset::decode(cs, &decoded) {
                Some(s) => out.push_str(&s),
                None => out.push_str(&String::from_utf8_lossy(&decoded)),
            },
        }
        after_word = true;
        i = at + used;
        run_start = i;
    }
    let tail = &bytes[run_start..];
    if !tail.is_empty() && !(after_word && is_ws(tail)) {
        out.push_str(&decode_plain(tail, fallback));
    }
    trimmed(out)
}

/// `=?charset?B|Q?text?=` at the start of `s` → charset, whether it is B, the
/// encoded text, and bytes consumed.
fn encoded_word(s: &[u8]) -> Option<(&str, bool, &[u8], usize)> {
    let rest = s.get(2..)?;
    let q1 = memchr::memchr(b'?', rest)?;
    let cs = std::str::from_utf8(&rest[..q1]).ok()?;
    let cs = cs.split('*').next().unwrap_or(cs); // RFC 2231 language suffix
    let enc = *rest.get(q1 + 1)?;
    if rest.get(q1 + 2) != Some(&b'?') {
        return None;
    }
    let text_start = q1 + 3;
    let t = rest.get(text_start..)?;
    let text_len = memchr::memchr_iter(b'?', t).find(|&p| t.get(p + 1) == Some(&b'='))?;
    let text = &rest[text_start..text_start + text_len];
    if memchr::memchr(b' ', text).is_some() {
        return None;
    }
    let b64 = match enc {
        b'B' | b'b' => true,
        b'Q' | b'q' => false,
        _ => return None,
    };
    Some((cs, b64, text, 2 + text_start + text_len + 2))
}

/// Split an address header into (display name, address).
pub fn parse_address(raw: &[u8], fallback_charset: Option<&str>) -> (Option<String>, Option<String>) {
    let (name, addr) = address(raw, &Fallback::Given(fallback_charset), true);
    (name.map(Cow::into_owned), addr.map(Cow::into_owned))
}

/// (display name, address) of an address header, both a part of the decoded text:
/// borrowed from `raw` when the decoding is; the display name only when `want_name`.
type Mailbox<'r> = (Option<Cow<'r, str>>, Option<Cow<'r, str>>);

/// [`parse_address`], borrowing what it can; the display name only when `want_name`.
fn address<'r>(raw: &'r [u8], fallback: &Fallback<'_, '_>, want_name: bool) -> Mailbox<'r> {
    match decode(raw, fallback) {
        Cow::Borrowed(text) => mailbox(text, want_name),
        Cow::Owned(text) => {
            let own = |c: Option<Cow<'_, str>>| c.map(|c| Cow::Owned(c.into_owned()));
            let (name, addr) = mailbox(&text, want_name);
            (own(name), own(addr))
        }
    }
}

/// [`address`] of decoded text: slices of `text` (a copy only for `addr (Name)`).
fn mailbox(text: &str, want_name: bool) -> Mailbox<'_> {
    // Only the first mailbox of a list matters here.
    let b = text.as_bytes();
    if let (Some(lt), Some(gt)) = (memchr::memrchr(b'<', b), memchr::memrchr(b'>', b))
        && lt < gt
    {
        let addr = trim_word(&text[lt + 1..gt]);
        let name = if want_name { trim_set(text[..lt].trim(), |b| b == b'"').trim() } else { "" };
        return ((!name.is_empty()).then_some(Cow::Borrowed(name)), (!addr.is_empty()).then_some(Cow::Borrowed(addr)));
    }
    // `addr (Name)` or a bare address.
    fn first_addr(s: &str) -> Option<&str> {
        s.split([',', ' ']).find(|w| w.contains('@')).map(|w| w.trim_matches(['"', '<', '>']))
    }
    match (memchr::memchr(b'(', b), memchr::memrchr(b')', b)) {
        (Some(a), Some(b)) if a < b => {
            let comment = text[a + 1..b].trim();
            let addr = first_addr(&format!("{}{}", &text[..a], &text[b + 1..])).map(|a| Cow::Owned(a.to_string()));
            ((!comment.is_empty()).then_some(Cow::Borrowed(comment)), addr)
        }
        _ => (None, first_addr(text).map(Cow::Borrowed)),
    }
}

/// The charset parameter of the top-level Content-Type, used for 8-bit headers.
fn message_charset(ct: &Field<'_>) -> Option<String> {
    let ct = ct.value().to_ascii_lowercase();
    let pos = ct.find("charset=")?;
    let rest = &ct[pos + 8..];
    let v: String = rest.trim_start_matches('"').chars().take_while(|c| !matches!(c, '"' | ';' | ' ')).collect();
    (!v.is_empty()).then_some(v)
}

/// The fields [`read`] looks at (the first of each name counts).
const FROM: usize = 0;
const SENDER: usize = 1;
const REPLY_TO: usize = 2;
const RETURN_PATH: usize = 3;
const MESSAGE_ID: usize = 4;
const DATE: usize = 5;
const SUBJECT: usize = 6;
const LIST_UNSUBSCRIBE: usize = 7;
const CONTENT_TYPE: usize = 8;

/// Their names, by the indices above.
const NAMES: [&str; CONTENT_TYPE + 1] = ["From", "Sender", "Reply-To", "Return-Path", "Message-ID", "Date", "Subject", "List-Unsubscribe", "Content-Type"];

/// The `d=` tags of a DKIM-Signature, lower case, added to `out` once each
/// (borrowed when written on one line in lower case, as they nearly always are).
fn dkim_domains_into<'a>(raw: &'a [u8], out: &mut Vec<Cow<'a, str>>) {
    // Tags are `name=value;` (RFC 6376 §3.2); only d= is needed, so the long b=
    // and bh= values are never copied.
    let ends = memchr::memchr_iter(b';', raw).chain(std::iter::once(raw.len()));
    let mut start = 0;
    for end in ends {
        let tag = &raw[start..end];
        start = end + 1;
        let Some(eq) = memchr::memchr(b'=', tag) else { continue };
        if tag[..eq].iter().filter(|b| !b.is_ascii_whitespace()).eq(b"d".iter()) {
            let mut d = text_of(&tag[eq + 1..]);
            if d.bytes().any(|b| b.is_ascii_uppercase()) {
                d.to_mut().make_ascii_lowercase();
            }
            if !d.is_empty() && !out.contains(&d) {
                out.push(d);
            }
        }
    }
}

/// `part(text)`, a slice of `text`: borrowed where `text` is.
fn part_of<'a>(text: Cow<'a, str>, part: impl for<'s> Fn(&'s str) -> &'s str) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(t) => Cow::Borrowed(part(t)),
        Cow::Owned(t) => Cow::Owned(part(&t).to_string()),
    }
}

pub fn read<'a>(block: &HeaderBlock<'a>) -> Identities<'a> {
    // Looked up in the block's name index: a walk over every field dispatched on
    // each name's length, a branch that mispredicted field after field.
    let mut found: [Option<&Field<'a>>; CONTENT_TYPE + 1] = [None; CONTENT_TYPE + 1];
    for (slot, name) in found.iter_mut().zip(NAMES) {
        *slot = block.get(name);
    }
    let mut dkim_domains = Vec::new();
    for f in block.all("DKIM-Signature") {
        dkim_domains_into(f.raw_value, &mut dkim_domains);
    }
    let cs = Fallback::ContentType(found[CONTENT_TYPE]);
    let addr = |i: usize| found[i].and_then(|f| address(f.raw_value, &cs, false).1);
    let (from_name, from) = found[FROM].map(|f| address(f.raw_value, &cs, true)).unwrap_or((None, None));
    let date = found[DATE].and_then(|f| crate::received::parse_date(&f.text()));
    let text = |i: usize| found[i].map(|f| f.text()).filter(|s| !s.is_empty());
    Identities {
        from,
        from_name,
        sender: addr(SENDER),
        reply_to: addr(REPLY_TO),
        return_path: found[RETURN_PATH].and_then(|f| {
            let v = part_of(f.text(), |v| trim_word(trim_set(trim_word(v), |b| matches!(b, b'<' | b'>'))));
            (!v.is_empty()).then_some(v)
        }),
        message_id: text(MESSAGE_ID),
        date: date.as_ref().map(crate::received::rfc3339_short),
        date_timestamp: date.as_ref().map(|d| d.to_timestamp()),
        subject: found[SUBJECT].map(|f| decode(f.raw_value, &cs)),
        list_unsubscribe: text(LIST_UNSUBSCRIBE),
        dkim_domains,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_scan_matches_plain() {
        let mut raw = b"Display Name <someone@example.com>, other \"quoted\" =?utf-8?q?x?= \x1b$B \xc3\xa9\r\n\tend ".repeat(2);
        raw.extend((0..=255u8).flat_map(|b| [b, b'a', b' ']));
        for chunk in raw.windows(16) {
            let want = chunk.iter().enumerate().fold(0u32, |m, (k, &b)| m | (u32::from(b >= 0x80 || SPECIAL.contains(&b)) << k));
            assert_eq!(crate::text::set_or_high_mask16(chunk.try_into().unwrap(), &SPECIAL), want);
        }
        for start in 0..raw.len() {
            for end in [start, start + 1, start + 15, start + 16, start + 17, start + 40, start + 120] {
                let r = &raw[start..end.min(raw.len())];
                assert_eq!(first_special(r), r.iter().position(|&b| b >= 0x80 || SPECIAL.contains(&b)), "{r:?}");
            }
        }
        assert_eq!(decode_words(b"  Plain Name <a@b.example>\t ", None), "Plain Name <a@b.example>");
        assert!(matches!(decode(b" x@y ", &Fallback::Given(None)), Cow::Borrowed("x@y")));
    }

    #[test]
    fn encoded_words() {
        assert_eq!(decode_words(b"=?UTF-8?B?5pel5pys?= =?UTF-8?Q?=E8=AA=9E?=", None), "日本語");
        assert_eq!(decode_words(b"Hello =?utf-8?q?W=C3=B6rld?= !", None), "Hello Wörld !");
        assert_eq!(decode_words(b"=?broken", None), "=?broken");
        assert_eq!(decode_words(b"=?x?Q?=", None), "=?x?Q?=");
    }

    #[cfg(feature = "full-encoding")]
    #[test]
    fn japanese() {
        assert_eq!(decode_words(b"=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=", None), "テスト");
        assert_eq!(decode_words(b"\x1b$B%F%9%H\x1b(B", None), "テスト");
        assert_eq!(decode_words(b"\x83\x65\x83\x58\x83\x67", Some("shift_jis")), "テスト");
        let (name, addr) = parse_address(b"=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?= <a@example.jp>", None);
        assert_eq!((name.as_deref(), addr.as_deref()), (Some("テスト"), Some("a@example.jp")));
    }
}
