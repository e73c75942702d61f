//! Who the message claims to be from: From, Sender, Reply-To, Return-Path,
//! Message-ID, Date, Subject, List-Unsubscribe and the DKIM `d=` domains, decoded.
//!
//! Decoding works from the raw header bytes with our own RFC 2047 encoded-word
//! decoder, which hands the charset to [`crate::charset::decode`]: in the wasm build
//! that is the browser's TextDecoder, so ISO-2022-JP / Shift_JIS / EUC-JP read
//! correctly without carrying encoding tables. Japanese mailers also put raw
//! ISO-2022-JP (escape sequences, RFC 1468) or 8-bit text in headers without encoded
//! words; those are detected and decoded with the message's charset.

use serde::Serialize;

use crate::charset;
use crate::headers::{unfold, HeaderBlock};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Identities {
    pub from: Option<String>,
    pub from_name: Option<String>,
    pub sender: Option<String>,
    pub reply_to: Option<String>,
    pub return_path: Option<String>,
    pub message_id: Option<String>,
    pub date: Option<String>,
    pub subject: Option<String>,
    pub list_unsubscribe: Option<String>,
    pub dkim_domains: Vec<String>,
    #[serde(skip)]
    pub date_timestamp: Option<i64>,
}

fn b64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Lenient base64: skips characters outside the alphabet, stops at `=`.
pub fn base64_decode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in text {
        if c == b'=' {
            break;
        }
        let Some(v) = b64_value(c) else { continue };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn q_decode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
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
    out
}

/// Decode bytes that are not encoded words: UTF-8 as is; raw ISO-2022-JP; else the
/// message charset (Shift_JIS / EUC-JP mailers), else Latin-1-ish lossy UTF-8.
fn decode_plain(bytes: &[u8], fallback_charset: Option<&str>) -> String {
    if memchr::memchr(0x1b, bytes).is_some() && bytes.windows(2).any(|w| w == b"\x1b$" || w == b"\x1b(") {
        if let Some(s) = charset::decode("iso-2022-jp", bytes) {
            return s;
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => fallback_charset
            .and_then(|cs| charset::decode(cs, bytes))
            .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// RFC 2047 decoding of an unstructured header value (raw bytes, folded or not).
/// White space between two adjacent encoded words is dropped (§6.2).
pub fn decode_words(raw: &[u8], fallback_charset: Option<&str>) -> String {
    // Unfold first (byte level, keeps 8-bit bytes).
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(p) = memchr::memchr2(b'\r', b'\n', &raw[i..]) {
        bytes.extend_from_slice(&raw[i..i + p]);
        i += p + 1;
    }
    bytes.extend_from_slice(&raw[i..]);
    // Without an encoded word everything below is one plain run.
    if !bytes.windows(2).any(|w| w == b"=?") {
        let out = decode_plain(&bytes, fallback_charset);
        let trimmed = out.trim();
        return if trimmed.len() == out.len() { out } else { trimmed.to_string() };
    }
    let mut out = String::new();
    let mut pending_ws: Vec<u8> = Vec::new();
    let mut plain: Vec<u8> = Vec::new();
    let mut last_was_word = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && bytes.get(i + 1) == Some(&b'?') {
            if let Some((text, used)) = encoded_word(&bytes[i..]) {
                if !plain.is_empty() {
                    out.push_str(&decode_plain(&plain, fallback_charset));
                    plain.clear();
                }
                if !last_was_word && !pending_ws.is_empty() {
                    out.push_str(&String::from_utf8_lossy(&pending_ws));
                }
                pending_ws.clear();
                out.push_str(&text);
                last_was_word = true;
                i += used;
                continue;
            }
        }
        if bytes[i] == b' ' || bytes[i] == b'\t' {
            if last_was_word {
                pending_ws.push(bytes[i]);
            } else {
                plain.push(bytes[i]);
            }
            i += 1;
            continue;
        }
        if last_was_word {
            plain.extend_from_slice(&pending_ws);
            pending_ws.clear();
            last_was_word = false;
        }
        plain.push(bytes[i]);
        i += 1;
    }
    if !plain.is_empty() {
        out.push_str(&decode_plain(&plain, fallback_charset));
    }
    out.trim().to_string()
}

/// `=?charset?B|Q?text?=` at the start of `s` → decoded text and bytes consumed.
fn encoded_word(s: &[u8]) -> Option<(String, usize)> {
    let rest = s.get(2..)?;
    let q1 = rest.iter().position(|&b| b == b'?')?;
    let cs = std::str::from_utf8(&rest[..q1]).ok()?;
    let cs = cs.split('*').next().unwrap_or(cs); // RFC 2231 language suffix
    let enc = *rest.get(q1 + 1)?;
    if rest.get(q1 + 2) != Some(&b'?') {
        return None;
    }
    let text_start = q1 + 3;
    let text_len = rest.get(text_start..)?.windows(2).position(|w| w == b"?=")?;
    let text = &rest[text_start..text_start + text_len];
    if text.iter().any(|&b| b == b' ') {
        return None;
    }
    let decoded = match enc {
        b'B' | b'b' => base64_decode(text),
        b'Q' | b'q' => q_decode(text),
        _ => return None,
    };
    let s = charset::decode(cs, &decoded).unwrap_or_else(|| String::from_utf8_lossy(&decoded).into_owned());
    Some((s, 2 + text_start + text_len + 2))
}

/// Split an address header into (display name, address).
pub fn parse_address(raw: &[u8], fallback_charset: Option<&str>) -> (Option<String>, Option<String>) {
    let text = decode_words(raw, fallback_charset);
    // Only the first mailbox of a list matters here.
    if let (Some(lt), Some(gt)) = (text.rfind('<'), text.rfind('>')) {
        if lt < gt {
            let addr = text[lt + 1..gt].trim().to_string();
            let name = text[..lt].trim().trim_matches('"').trim().to_string();
            return ((!name.is_empty()).then_some(name), (!addr.is_empty()).then_some(addr));
        }
    }
    // `addr (Name)` or a bare address.
    let (addr_part, comment) = match (text.find('('), text.rfind(')')) {
        (Some(a), Some(b)) if a < b => (format!("{}{}", &text[..a], &text[b + 1..]), Some(text[a + 1..b].trim().to_string())),
        _ => (text.clone(), None),
    };
    let addr = addr_part.split([',', ' ']).find(|w| w.contains('@')).map(|w| w.trim_matches(['"', '<', '>']).to_string());
    (comment.filter(|c| !c.is_empty()), addr)
}

/// The charset parameter of the top-level Content-Type, used for 8-bit headers.
fn message_charset(block: &HeaderBlock<'_>) -> Option<String> {
    let ct = block.get("Content-Type")?.value().to_ascii_lowercase();
    let pos = ct.find("charset=")?;
    let rest = &ct[pos + 8..];
    let v: String = rest.trim_start_matches('"').chars().take_while(|c| !matches!(c, '"' | ';' | ' ')).collect();
    (!v.is_empty()).then_some(v)
}

pub fn read(block: &HeaderBlock<'_>) -> Identities {
    let cs = message_charset(block);
    let cs = cs.as_deref();
    let addr = |name: &str| block.get(name).and_then(|f| parse_address(f.raw_value, cs).1);
    let (from_name, from) = block.get("From").map(|f| parse_address(f.raw_value, cs)).unwrap_or((None, None));
    let date_field = block.get("Date").map(|f| f.value());
    let date = date_field.as_deref().and_then(crate::received::parse_date);
    let mut dkim_domains: Vec<String> = Vec::new();
    for f in block.fields.iter().filter(|f| f.is("DKIM-Signature")) {
        // Tags are `name=value;` (RFC 6376 §3.2); only d= is needed, so the long b=
        // and bh= values are never copied.
        let raw = f.raw_value;
        let ends = memchr::memchr_iter(b';', raw).chain(std::iter::once(raw.len()));
        let mut start = 0;
        for end in ends {
            let tag = &raw[start..end];
            start = end + 1;
            let Some(eq) = memchr::memchr(b'=', tag) else { continue };
            if tag[..eq].iter().filter(|b| !b.is_ascii_whitespace()).eq(b"d".iter()) {
                let d = unfold(&tag[eq + 1..]).to_ascii_lowercase();
                if !d.is_empty() && !dkim_domains.contains(&d) {
                    dkim_domains.push(d);
                }
            }
        }
    }
    Identities {
        from,
        from_name,
        sender: addr("Sender"),
        reply_to: addr("Reply-To"),
        return_path: block.get("Return-Path").and_then(|f| {
            let v = unfold(f.raw_value);
            let v = v.trim().trim_matches(['<', '>']).trim().to_string();
            (!v.is_empty()).then_some(v)
        }),
        message_id: block.get("Message-ID").map(|f| f.value()).filter(|s| !s.is_empty()),
        date: date.as_ref().map(crate::received::rfc3339),
        date_timestamp: date.as_ref().map(|d| d.to_timestamp()),
        subject: block.get("Subject").map(|f| decode_words(f.raw_value, cs)),
        list_unsubscribe: block.get("List-Unsubscribe").map(|f| f.value()).filter(|s| !s.is_empty()),
        dkim_domains,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
