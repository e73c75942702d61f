//! The user's own address: where to find it, and masking it everywhere in a draft —
//! plain text, header fields, `for <…>` clauses, percent- and QP-encoded forms and
//! RFC 2047 encoded-words — without breaking the header block's structure.
//!
//! The placeholder is itself an address, `recipient@masked.invalid` (`.invalid` is
//! reserved by RFC 2606), so `To:`, `Delivered-To:` and `for <…>` still parse as
//! addresses after masking. Encoded-words that contain the address are decoded,
//! masked and re-encoded as UTF-8 (base64) encoded-words: the rest of a Japanese
//! subject or display name stays readable, and the field keeps its grammar (an
//! encoded-word is one token wherever it stood). Only when the host cannot decode the
//! charset (wasm without a decoder) and the address shows in the raw bytes is the
//! whole run of encoded-words replaced by an encoded placeholder.

use crate::analysis::Analysis;
use crate::charset;

use super::headers::Split;

/// What the user's address becomes in a masked draft.
pub const PLACEHOLDER_ADDRESS: &str = "recipient@masked.invalid";

/// The user's own addresses: Delivered-To, X-Original-To, a single To, the
/// `for <…>` clause of the trusted (top) hops, and those the caller passed.
/// Lower-cased, without duplicates.
pub(crate) fn collect(raw: &[u8], split: &Split, analysis: &Analysis, explicit: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |a: String| {
        let a = a.to_ascii_lowercase();
        if a != PLACEHOLDER_ADDRESS && !out.contains(&a) {
            out.push(a);
        }
    };
    for a in explicit {
        for found in find_addresses(a) {
            add(found);
        }
    }
    for name in ["delivered-to", "x-original-to"] {
        for v in split.values(raw, name) {
            find_addresses(&v).into_iter().for_each(&mut add);
        }
    }
    let to: Vec<String> = split.values(raw, "to").iter().flat_map(|v| find_addresses(v)).collect();
    if to.len() == 1 {
        to.into_iter().for_each(&mut add);
    }
    let last_trusted = analysis.origin.as_ref().map_or(0, |o| o.hop);
    for hop in analysis.hops.iter().take(last_trusted + 1) {
        if let Some(f) = &hop.for_addr {
            find_addresses(f).into_iter().for_each(&mut add);
        }
    }
    out
}

/// Every address-looking token in `text` (`local@domain.tld`), lower-cased.
pub(crate) fn find_addresses(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        let mut start = at;
        while start > 0 && is_local_char(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'.' | b'-')) {
            end += 1;
        }
        let local = text[start..at].trim_start_matches('.');
        let domain = text[at + 1..end].trim_end_matches(['.', '-']);
        if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') {
            let a = format!("{local}@{domain}").to_ascii_lowercase();
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    out
}

fn is_local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b)
}

/// Masks a fixed set of addresses.
#[derive(Debug, Clone, Default)]
pub(crate) struct Masker {
    /// (needle lower-case, replacement) pairs, longest needle first.
    pairs: Vec<(String, String)>,
    addresses: Vec<String>,
}

impl Masker {
    pub fn new(addresses: &[String]) -> Masker {
        let mut pairs = Vec::new();
        let (pl, pd) = PLACEHOLDER_ADDRESS.split_once('@').unwrap_or((PLACEHOLDER_ADDRESS, ""));
        for a in addresses {
            let Some((local, domain)) = a.split_once('@') else { continue };
            pairs.push((a.clone(), PLACEHOLDER_ADDRESS.to_string()));
            // Inside URLs (unsubscribe links) and quoted-printable bodies.
            pairs.push((format!("{local}%40{domain}"), format!("{pl}%40{pd}")));
            pairs.push((format!("{local}=40{domain}"), format!("{pl}=40{pd}")));
        }
        // Longest first, so a longer address is not half-replaced by a shorter one
        // (a plain insertion keeps driftsort out of the wasm).
        let mut ordered: Vec<(String, String)> = Vec::with_capacity(pairs.len());
        for p in pairs {
            let at = ordered.iter().position(|o| o.0.len() < p.0.len()).unwrap_or(ordered.len());
            ordered.insert(at, p);
        }
        let pairs = ordered;
        Masker { pairs, addresses: addresses.to_vec() }
    }

    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty()
    }

    /// True when any of the addresses (in any of its forms) occurs in `text`.
    pub fn contains_any(&self, text: &[u8]) -> bool {
        let lower = text.to_ascii_lowercase();
        self.pairs.iter().any(|(n, _)| find(&lower, n.as_bytes(), 0).is_some())
    }

    pub fn mask_text(&self, text: &str) -> String {
        // ASCII needles and ASCII replacements: the result stays valid UTF-8.
        String::from_utf8(self.mask_bytes(text.as_bytes())).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Replace every occurrence, ASCII case-insensitively.
    pub fn mask_bytes(&self, bytes: &[u8]) -> Vec<u8> {
        let mut current = bytes.to_vec();
        for (needle, replacement) in &self.pairs {
            let lower = current.to_ascii_lowercase();
            let mut out = Vec::with_capacity(current.len());
            let mut pos = 0;
            while let Some(at) = find(&lower, needle.as_bytes(), pos) {
                out.extend_from_slice(&current[pos..at]);
                out.extend_from_slice(replacement.as_bytes());
                pos = at + needle.len();
            }
            out.extend_from_slice(&current[pos..]);
            current = out;
        }
        current
    }

    /// Mask a raw header block: encoded-words first (decoded, masked, re-encoded),
    /// then the plain forms.
    pub fn mask_header_block(&self, block: &[u8]) -> Vec<u8> {
        if self.is_empty() {
            return block.to_vec();
        }
        let rewritten = self.mask_encoded_words(block);
        self.mask_bytes(&rewritten)
    }

    fn mask_encoded_words(&self, block: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(block.len());
        let mut pos = 0;
        while let Some(start) = find(block, b"=?", pos) {
            let Some((run, end)) = run_at(block, start) else {
                out.extend_from_slice(&block[pos..start + 2]);
                pos = start + 2;
                continue;
            };
            out.extend_from_slice(&block[pos..start]);
            out.extend_from_slice(&self.rewrite_run(&block[start..end], &run));
            pos = end;
        }
        out.extend_from_slice(&block[pos..]);
        out
    }

    fn rewrite_run(&self, original: &[u8], run: &[Word]) -> Vec<u8> {
        let (text, raw_bytes) = decode_run(run);
        match text {
            Some(text) if self.contains_any(text.as_bytes()) => encode_words(&self.mask_text(&text)).into_bytes(),
            None if self.contains_any(&raw_bytes) => b"=?US-ASCII?Q?recipient=40masked=2Einvalid?=".to_vec(),
            _ => original.to_vec(),
        }
    }
}

/// Decode a run of adjacent encoded-words: the text (`None` when a charset is
/// unknown to this build and the host) and the transfer-decoded bytes.
fn decode_run(run: &[Word]) -> (Option<String>, Vec<u8>) {
    let mut text = String::new();
    let mut raw_bytes = Vec::new();
    let mut decodable = true;
    // Consecutive words in the same charset are first decoded as one byte string
    // (a UTF-8 character may be split over two words); when that yields
    // replacement characters (ISO-2022-JP words each end with their own escape
    // back to ASCII, and two escapes in a row are an error to a WHATWG decoder),
    // word by word.
    let mut i = 0;
    while i < run.len() {
        let mut j = i + 1;
        while j < run.len() && run[j].charset.eq_ignore_ascii_case(&run[i].charset) {
            j += 1;
        }
        let joined: Vec<u8> = run[i..j].iter().flat_map(|w| w.bytes.iter().copied()).collect();
        raw_bytes.extend_from_slice(&joined);
        let decoded = match charset::decode(&run[i].charset, &joined) {
            Some(t) if t.contains('\u{fffd}') && j - i > 1 => {
                run[i..j].iter().map(|w| charset::decode(&w.charset, &w.bytes)).collect::<Option<String>>()
            }
            other => other,
        };
        match decoded {
            Some(t) => text.push_str(&t),
            None => decodable = false,
        }
        i = j;
    }
    (decodable.then_some(text), raw_bytes)
}

/// Find the run of encoded-words starting at `start` (words separated only by white
/// space) and where it ends.
fn run_at(block: &[u8], start: usize) -> Option<(Vec<Word>, usize)> {
    let first = parse_word(block, start)?;
    let mut run = vec![first];
    loop {
        let after = run.last().map_or(start, |w| w.end);
        let next = after + block[after..].iter().take_while(|b| b.is_ascii_whitespace()).count();
        match parse_word(block, next) {
            Some(w) if next > after => run.push(w),
            _ => break,
        }
    }
    let end = run.last().map_or(start, |w| w.end);
    Some((run, end))
}

/// An unstructured header value (a Subject) with its encoded-words decoded; words
/// this build cannot decode stay as they are.
pub(crate) fn decode_header_value(value: &str) -> String {
    let block = value.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(block.len());
    let mut pos = 0;
    while let Some(start) = find(block, b"=?", pos) {
        match run_at(block, start) {
            Some((run, end)) => {
                out.extend_from_slice(&block[pos..start]);
                match decode_run(&run).0 {
                    Some(text) => out.extend_from_slice(text.as_bytes()),
                    None => out.extend_from_slice(&block[start..end]),
                }
                pos = end;
            }
            None => {
                out.extend_from_slice(&block[pos..start + 2]);
                pos = start + 2;
            }
        }
    }
    out.extend_from_slice(&block[pos..]);
    String::from_utf8_lossy(&out).into_owned()
}

struct Word {
    charset: String,
    bytes: Vec<u8>,
    end: usize,
}

/// Parse `=?charset?B|Q?text?=` at `start`.
fn parse_word(block: &[u8], start: usize) -> Option<Word> {
    if !block.get(start..)?.starts_with(b"=?") {
        return None;
    }
    let rest = &block[start + 2..];
    let q1 = rest.iter().take(64).position(|&b| b == b'?')?;
    let charset_full = std::str::from_utf8(&rest[..q1]).ok()?;
    if charset_full.is_empty() || charset_full.bytes().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let encoding = *rest.get(q1 + 1)?;
    if rest.get(q1 + 2) != Some(&b'?') {
        return None;
    }
    let payload_start = q1 + 3;
    let payload_len = rest[payload_start..].windows(2).take(1024).position(|w| w == b"?=")?;
    let payload = &rest[payload_start..payload_start + payload_len];
    if payload.iter().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let bytes = match encoding.to_ascii_uppercase() {
        b'B' => base64_decode(payload),
        b'Q' => q_decode(payload),
        _ => return None,
    };
    // RFC 2231 language suffix: `ISO-2022-JP*ja`.
    let charset = charset_full.split('*').next().unwrap_or(charset_full).to_string();
    Some(Word { charset, bytes, end: start + 2 + payload_start + payload_len + 2 })
}

/// `text` as UTF-8 base64 encoded-words of at most 75 characters each (RFC 2047
/// §2), split on character boundaries and separated by a space.
pub(crate) fn encode_words(text: &str) -> String {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", base64_encode(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() || words.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64_encode(chunk.as_bytes())));
    }
    words.join(" ")
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..].windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Lenient base64: skips anything outside the alphabet, stops at `=`.
pub(crate) fn base64_decode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in text {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn q_decode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = text
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(h) = hex {
                    out.push(h);
                    i += 3;
                    continue;
                }
                out.push(b'=');
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for s in ["", "a", "ab", "abc", "abcd", "テスト recipient"] {
            assert_eq!(base64_decode(base64_encode(s.as_bytes()).as_bytes()), s.as_bytes());
        }
        assert_eq!(base64_encode(b"Man"), "TWFu");
    }

    #[test]
    fn finds_addresses_in_clauses() {
        assert_eq!(find_addresses("for <Taro@Example.JP>; Mon"), vec!["taro@example.jp"]);
        assert_eq!(find_addresses("\"Taro\" <taro.y+x@mail.example.jp.>, b@c"), vec!["taro.y+x@mail.example.jp"]);
    }

    #[test]
    fn masks_plain_percent_and_qp_forms_case_insensitively() {
        let m = Masker::new(&["taro@example.jp".to_string()]);
        let out = m.mask_text("to TARO@example.JP u?e=taro%40example.jp q=taro=40example.jp");
        assert_eq!(out, "to recipient@masked.invalid u?e=recipient%40masked.invalid q=recipient=40masked.invalid");
    }

    #[test]
    fn q_words_decode() {
        assert_eq!(q_decode(b"a_b=40c=ZZ"), b"a b@c=ZZ");
    }

    #[cfg(feature = "full-encoding")]
    #[test]
    fn masks_inside_iso_2022_jp_encoded_words() {
        // "テスト taro@example.jp" in ISO-2022-JP, base64.
        let word = format!("=?ISO-2022-JP?B?{}?=", base64_encode(b"\x1b$B%F%9%H\x1b(B taro@example.jp"));
        let block = format!("Subject: {word}\r\nTo: x\r\n");
        let m = Masker::new(&["taro@example.jp".to_string()]);
        let out = String::from_utf8(m.mask_header_block(block.as_bytes())).unwrap();
        assert!(!out.contains(&word));
        let new_word = out.trim_start_matches("Subject: ").split("\r\n").next().unwrap();
        let decoded = base64_decode(new_word.trim_start_matches("=?UTF-8?B?").trim_end_matches("?=").as_bytes());
        assert_eq!(String::from_utf8(decoded).unwrap(), "テスト recipient@masked.invalid");
    }

    #[cfg(feature = "full-encoding")]
    #[test]
    fn adjacent_iso_2022_jp_words_decode_without_replacement_characters() {
        let a = format!("=?ISO-2022-JP?B?{}?=", base64_encode(b"\x1b$B%F%9%H\x1b(B"));
        let value = format!("x {a}\r\n {a} y");
        assert_eq!(decode_header_value(&value), "x テストテスト y");
    }
}
