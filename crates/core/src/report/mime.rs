//! Just enough MIME to read a body as text: walk multipart and `message/rfc822`
//! parts, undo base64 and quoted-printable, decode the charset through
//! `crate::charset`, and turn HTML into plain lines.
//!
//! Why not mail-parser's message parser: the analysis reads only the header block,
//! so linking the full parser for the report alone would add well over 100 KB
//! (gzipped) to the wasm, against a 250 KB budget. Bodies here are read for the
//! user's eyes and for masking checks, never for security decisions, so a lenient
//! walker with hard caps is enough.

use super::headers;
use super::mask::base64_decode;

/// Nesting and part-count caps: hostile mail cannot make the walk deep or long.
const MAX_DEPTH: usize = 8;
const MAX_PARTS: usize = 200;

/// A leaf part: its media type (lower case), charset label and transfer-decoded bytes.
pub(crate) struct Leaf {
    pub media_type: String,
    pub charset: Option<String>,
    pub bytes: Vec<u8>,
}

impl Leaf {
    pub fn is_text(&self) -> bool {
        self.media_type.starts_with("text/")
    }

    /// The part as text (charset-decoded; HTML turned into lines).
    pub fn text(&self) -> String {
        let label = self.charset.as_deref().unwrap_or("us-ascii");
        let text = crate::charset::decode(label, &self.bytes)
            .unwrap_or_else(|| String::from_utf8_lossy(&self.bytes).into_owned());
        if self.media_type == "text/html" { html_to_text(&text) } else { text }
    }
}

/// Every leaf part of a whole message (headers and body).
pub(crate) fn leaves(raw: &[u8]) -> Vec<Leaf> {
    let mut out = Vec::new();
    let split = headers::split(raw);
    let (ctype, cte) = content_headers(raw, &split);
    walk(&raw[split.body_start.min(raw.len())..], &ctype, &cte, 0, &mut out);
    out
}

/// The readable text of a message body: its text/plain parts, else its HTML parts
/// as text; `None` when there is no text at all.
pub(crate) fn body_text(raw: &[u8]) -> Option<String> {
    let leaves = leaves(raw);
    let pick = |t: &str| -> Vec<String> {
        leaves.iter().filter(|l| l.media_type == t).map(Leaf::text).filter(|t| !t.trim().is_empty()).collect()
    };
    let mut texts = pick("text/plain");
    if texts.is_empty() {
        texts = pick("text/html");
    }
    (!texts.is_empty()).then(|| texts.join("\n\n"))
}

fn content_headers(raw: &[u8], split: &headers::Split) -> (String, String) {
    let ctype = split.nth("content-type", 0).map(|f| split.value(raw, f)).unwrap_or_default();
    let cte = split.nth("content-transfer-encoding", 0).map(|f| split.value(raw, f)).unwrap_or_default();
    (ctype, cte.trim().to_ascii_lowercase())
}

fn walk(body: &[u8], ctype: &str, cte: &str, depth: usize, out: &mut Vec<Leaf>) {
    if out.len() >= MAX_PARTS {
        return;
    }
    let (media_type, params) = parse_content_type(ctype);
    if depth < MAX_DEPTH && media_type.starts_with("multipart/") {
        if let Some(boundary) = param(&params, "boundary") {
            for part in split_multipart(body, &boundary) {
                let (part_ctype, part_cte, part_body) = part_headers(part);
                let part_ctype = if part_ctype.is_empty() && media_type == "multipart/digest" {
                    "message/rfc822".to_string()
                } else {
                    part_ctype
                };
                walk(part_body, &part_ctype, &part_cte, depth + 1, out);
            }
            return;
        }
    }
    let bytes = transfer_decode(body, cte);
    if depth < MAX_DEPTH && (media_type == "message/rfc822" || media_type == "message/global") {
        let split = headers::split(&bytes);
        let (inner_ctype, inner_cte) = content_headers(&bytes, &split);
        walk(&bytes[split.body_start.min(bytes.len())..], &inner_ctype, &inner_cte, depth + 1, out);
        return;
    }
    out.push(Leaf { media_type, charset: param(&params, "charset"), bytes });
}

/// A part's own Content-Type, Content-Transfer-Encoding and body.
fn part_headers(part: &[u8]) -> (String, String, &[u8]) {
    if part.starts_with(b"\n") || part.starts_with(b"\r\n") {
        let skip = if part.starts_with(b"\n") { 1 } else { 2 };
        return (String::new(), String::new(), &part[skip..]);
    }
    let split = headers::split(part);
    let (ctype, cte) = content_headers(part, &split);
    (ctype, cte, &part[split.body_start.min(part.len())..])
}

/// `text/plain; charset="x"` → (`text/plain`, [(charset, x)]); the default is
/// `text/plain` (RFC 2045 §5.2).
fn parse_content_type(value: &str) -> (String, Vec<(String, String)>) {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in value.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => pieces.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    pieces.push(current);
    let media = pieces.first().map(|m| m.trim().to_ascii_lowercase()).unwrap_or_default();
    let media = if media.contains('/') { media } else { "text/plain".to_string() };
    let params = pieces
        .iter()
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (media, params)
}

fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).filter(|v| !v.is_empty())
}

/// The parts between `--boundary` lines, up to `--boundary--`.
fn split_multipart<'a>(body: &'a [u8], boundary: &str) -> Vec<&'a [u8]> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0;
    while pos < body.len() && parts.len() < MAX_PARTS {
        let end = body[pos..].iter().position(|&b| b == b'\n').map_or(body.len(), |i| pos + i + 1);
        let line = &body[pos..end];
        if line.starts_with(delimiter.as_bytes()) {
            if let Some(s) = start {
                // The line break before the delimiter belongs to it (RFC 2046 §5.1.1).
                let mut e = pos;
                if e > s && body[e - 1] == b'\n' {
                    e -= 1;
                    if e > s && body[e - 1] == b'\r' {
                        e -= 1;
                    }
                }
                parts.push(&body[s..e]);
            }
            if line[delimiter.len()..].starts_with(b"--") {
                return parts;
            }
            start = Some(end);
        }
        pos = end;
    }
    if let Some(s) = start.filter(|&s| s < body.len()) {
        parts.push(&body[s..]);
    }
    parts
}

fn transfer_decode(body: &[u8], cte: &str) -> Vec<u8> {
    match cte {
        "base64" => base64_decode(body),
        "quoted-printable" => qp_decode(body),
        _ => body.to_vec(),
    }
}

fn qp_decode(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'=' {
            // Soft line break: `=` then optional white space then CRLF or LF.
            let mut j = i + 1;
            while j < body.len() && matches!(body[j], b' ' | b'\t') {
                j += 1;
            }
            if body.get(j) == Some(&b'\n') {
                i = j + 1;
                continue;
            }
            if body.get(j) == Some(&b'\r') && body.get(j + 1) == Some(&b'\n') {
                i = j + 2;
                continue;
            }
            let hex = body.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(body[i]);
        i += 1;
    }
    out
}

/// HTML as plain lines: block tags break lines, `script` / `style` vanish, the
/// common entities are decoded, link targets are kept next to their text (opt-out
/// and contact links matter to the display check).
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &rest[..lt]);
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = &after[..gt];
        let name: String =
            tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        rest = &after[gt + 1..];
        if (name == "script" || name == "style") && !tag.starts_with('/') {
            let close = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = lower.find(&close).map_or("", |i| &rest[i..]);
            continue;
        }
        if name == "a" && !tag.starts_with('/') {
            if let Some(href) = attribute(tag, "href") {
                out.push_str(&format!(" {href} "));
            }
        }
        if matches!(name.as_str(), "br" | "p" | "div" | "tr" | "li" | "h1" | "h2" | "h3" | "h4" | "table" | "hr") {
            out.push('\n');
        }
    }
    push_text(&mut out, rest);
    out.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let value = &tag[at..];
    let value = match value.chars().next() {
        Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
        _ => value.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""),
    };
    Some(decode_entities(value))
}

fn push_text(out: &mut String, text: &str) {
    out.push_str(&decode_entities(&text.replace(['\r', '\n'], " ")));
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16).ok().and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_alternative_prefers_plain_text() {
        let raw = b"Content-Type: multipart/alternative; boundary=\"b;1\"\r\n\r\npreamble\r\n--b;1\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHello =E3=81=82=\r\nb\r\n--b;1\r\n\
Content-Type: text/html\r\n\r\n<p>Hi</p>\r\n--b;1--\r\nepilogue\r\n";
        assert_eq!(body_text(raw).as_deref(), Some("Hello あb"));
        assert_eq!(leaves(raw).len(), 2);
    }

    #[test]
    fn html_only_becomes_lines_with_links() {
        let raw = b"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\
PHN0eWxlPnB7fTwvc3R5bGU+PHA+6YWN5L+h5YGc5q2iOiA8YSBocmVmPSJodHRwczovL3guZXhhbXBsZS9zdG9wIj7jgZPjgaHjgok8L2E+PC9wPjxwPkEgJmFtcDsgQjwvcD4=\r\n";
        assert_eq!(body_text(raw).as_deref(), Some("配信停止: https://x.example/stop こちら\nA & B"));
    }

    #[test]
    fn nested_messages_and_hostile_nesting() {
        let raw = b"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: text/plain\r\n\r\ninner body\r\n";
        assert_eq!(body_text(raw).as_deref(), Some("inner body\r\n"));
        let mut deep = String::new();
        for i in 0..50 {
            deep.push_str(&format!("Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n"));
        }
        deep.push_str("Content-Type: text/plain\r\n\r\nx\r\n");
        let _ = body_text(deep.as_bytes());
        assert_eq!(body_text(b"Subject: x\r\n\r\n"), None);
    }
}
