//! The header block: where it ends, and its fields with their byte spans.
//!
//! Everything SenderTrace concludes comes from the header block (RFC 5322 §2.2), so
//! the analysis never parses the body: it cuts at the first empty line. That keeps a
//! whole analysis cheaper than a full MIME parse of the same bytes. Folded lines are
//! unfolded (§2.2.3) but the raw span of each field is kept so the UI can highlight
//! the original text.
//!
//! Accepts LF and CRLF line ends, and an mbox `From ` separator (plus `>From `
//! quoting, which some exporters apply to header lines) in front of the first field.

/// One header field as it appears in the input.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    /// The field name as written (case kept).
    pub name: &'a str,
    /// The raw value bytes, folding and line ends included.
    pub raw_value: &'a [u8],
    /// Byte range of the whole field (name to end of value, line end excluded).
    pub span: (usize, usize),
    /// Name length and lower-cased first byte: lets lookups skip most names with
    /// one integer comparison (a message has a hundred fields, lookups are many).
    key: u32,
}

#[inline]
fn name_key(name: &str) -> u32 {
    let first = name.as_bytes().first().map(|b| b.to_ascii_lowercase()).unwrap_or(0);
    ((name.len() as u32) << 8) | u32::from(first)
}

impl<'a> Field<'a> {
    /// The unfolded value: line ends removed, runs of white space kept as one space
    /// where a fold was, leading/trailing space trimmed. Bytes that are not UTF-8
    /// are replaced (encoded words are decoded separately from `raw_value`).
    pub fn value(&self) -> String {
        unfold(self.raw_value)
    }

    /// [`Field::value`] without a copy when the value is one line of valid UTF-8
    /// (most fields): the analysis reads many values only to look at them.
    pub fn text(&self) -> std::borrow::Cow<'a, str> {
        let raw = trim_ws(self.raw_value);
        if memchr::memchr3(b'\r', b'\n', b'\t', raw).is_none() {
            if let Ok(s) = std::str::from_utf8(raw) {
                return std::borrow::Cow::Borrowed(s);
            }
        }
        std::borrow::Cow::Owned(unfold(raw))
    }

    #[inline]
    pub fn is(&self, name: &str) -> bool {
        self.key == name_key(name) && self.name.eq_ignore_ascii_case(name)
    }
}

/// Unfold a raw header value.
pub fn unfold(raw: &[u8]) -> String {
    let raw = trim_ws(raw);
    // Most values are one line of ASCII/UTF-8: copy them as they are.
    if memchr::memchr3(b'\r', b'\n', b'\t', raw).is_none() {
        return match std::str::from_utf8(raw) {
            Ok(s) => s.to_string(),
            Err(_) => String::from_utf8_lossy(raw).into_owned(),
        };
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    // Copy runs between line ends and tabs in one go (a value has a few folds at most).
    while let Some(p) = memchr::memchr3(b'\r', b'\n', b'\t', &raw[i..]) {
        out.extend_from_slice(&raw[i..i + p]);
        i += p;
        if raw[i] == b'\t' {
            out.push(b' ');
            i += 1;
            continue;
        }
        // Replace the line end and the following white space by a single space.
        while i < raw.len() && matches!(raw[i], b'\r' | b'\n' | b' ' | b'\t') {
            i += 1;
        }
        out.push(b' ');
    }
    out.extend_from_slice(&raw[i..]);
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

fn trim_ws(raw: &[u8]) -> &[u8] {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = raw.iter().position(|b| !is_ws(b)).unwrap_or(raw.len());
    let end = raw.iter().rposition(|b| !is_ws(b)).map(|p| p + 1).unwrap_or(start);
    &raw[start..end.max(start)]
}

/// The parsed header block of one message.
#[derive(Debug, Clone)]
pub struct HeaderBlock<'a> {
    pub fields: Vec<Field<'a>>,
    /// Offset where the header block starts (after an mbox separator).
    pub start: usize,
    /// True when an empty line ended the header block (a body, possibly empty, follows).
    pub has_body_separator: bool,
    /// Lines inside the block that were neither a field nor a continuation.
    pub stray_lines: usize,
    /// True when the input ends inside the header block without a final line end.
    pub ends_mid_line: bool,
}

impl<'a> HeaderBlock<'a> {
    pub fn get(&self, name: &str) -> Option<&Field<'a>> {
        self.fields.iter().find(|f| f.is(name))
    }
    pub fn all(&self, name: &'a str) -> impl Iterator<Item = &Field<'a>> + '_ {
        self.fields.iter().filter(move |f| f.is(name))
    }
}

/// Length of the line starting at `pos` without its line end, and the position after the line end.
fn line_at(raw: &[u8], pos: usize) -> (usize, usize, bool) {
    match memchr::memchr(b'\n', &raw[pos..]) {
        Some(n) => {
            let content_end = if n > 0 && raw[pos + n - 1] == b'\r' { pos + n - 1 } else { pos + n };
            (content_end, pos + n + 1, true)
        }
        None => (raw.len(), raw.len(), false),
    }
}

/// Where the field name ends (the colon), when the line is `name: value`.
/// RFC 5322 §3.6.8: printable ASCII except colon; we also allow a space before the
/// colon (obs-optional, written by some old gateways).
pub fn field_name_end(line: &[u8]) -> Option<usize> {
    let colon = memchr::memchr(b':', line)?;
    let mut end = colon;
    while end > 0 && matches!(line[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    (end > 0 && line[..end].iter().all(|&b| (0x21..=0x7e).contains(&b))).then_some(colon)
}

type Pending = Option<(usize, usize, usize, usize)>; // (field_start, name_end, value_start, content_end)

fn flush<'a>(raw: &'a [u8], cur: Pending, fields: &mut Vec<Field<'a>>) {
    if let Some((fs, ne, vs, ce)) = cur {
        let bytes = &raw[fs..ne];
        debug_assert!(bytes.is_ascii());
        // SAFETY: field_name_end accepted only printable ASCII and blanks before the
        // colon (the validating conversion costs more than the rest of the split).
        let name = unsafe { std::str::from_utf8_unchecked(bytes) }.trim_end();
        let name = name.strip_prefix('>').unwrap_or(name);
        fields.push(Field { name, raw_value: &raw[vs.min(ce)..ce], span: (fs, ce), key: name_key(name) });
    }
}

/// Where the header block starts: after leading blank lines, an mbox `From `
/// separator, and up to three stray lines (a log line or a tool banner pasted above
/// the message) when real header fields with a `Received:` follow.
pub fn header_start(raw: &[u8]) -> usize {
    // A UTF-8 byte order mark (Windows editors add one when saving a pasted header).
    let mut pos = if raw.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    while pos < raw.len() && matches!(raw[pos], b' ' | b'\t' | b'\r' | b'\n') {
        pos += 1;
    }
    if raw[pos..].starts_with(b"From ") && field_name_end(&raw[pos..line_at(raw, pos).0]).is_none() {
        pos = line_at(raw, pos).1;
    }
    let mut probe = pos;
    for _ in 0..3 {
        if probe >= raw.len() {
            break;
        }
        let (end, next, _) = line_at(raw, probe);
        if field_name_end(&raw[probe..end]).is_some() {
            break;
        }
        let (end2, _, _) = if next < raw.len() { line_at(raw, next) } else { (next, next, false) };
        if next < raw.len() && field_name_end(&raw[next..end2]).is_some() {
            let rest = &raw[next..raw.len().min(next + 64 * 1024)];
            if rest.starts_with(b"Received:") || rest.windows(10).any(|w| w.eq_ignore_ascii_case(b"\nreceived:")) {
                return next;
            }
        }
        probe = next;
    }
    pos
}

/// Split `raw` into header fields. Never fails: garbage yields no fields.
pub fn split(raw: &[u8]) -> HeaderBlock<'_> {
    let mut pos = header_start(raw);
    let start = pos;
    let mut fields: Vec<Field<'_>> = Vec::with_capacity(96);
    let mut has_body_separator = false;
    let mut stray_lines = 0;
    let mut ends_mid_line = false;
    let mut current: Pending = None;
    while pos < raw.len() {
        let (content_end, next, had_newline) = line_at(raw, pos);
        let line = &raw[pos..content_end];
        if !had_newline {
            ends_mid_line = true;
        }
        if line.is_empty() {
            has_body_separator = true;
            break;
        }
        if (line[0] == b' ' || line[0] == b'\t') && current.is_some() {
            if let Some(cur) = current.as_mut() {
                cur.3 = content_end;
            }
        } else if let Some(colon) = field_name_end(line) {
            flush(raw, current.take(), &mut fields);
            let mut vs = pos + colon + 1;
            while vs < content_end && (raw[vs] == b' ' || raw[vs] == b'\t') {
                vs += 1;
            }
            let name_end = pos + colon;
            current = Some((pos, name_end, vs, content_end));
        } else if line.starts_with(b"From ") || line.starts_with(b">From ") {
            // A stray mbox separator line inside the block.
            stray_lines += 1;
        } else {
            stray_lines += 1;
            // Three stray lines in a row are prose or a body: the header block is over.
            if stray_lines > 3 && fields.len() < 2 {
                break;
            }
        }
        pos = next;
    }
    flush(raw, current.take(), &mut fields);
    HeaderBlock { fields, start, has_body_separator, stray_lines, ends_mid_line }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_folded_fields_with_spans() {
        let raw = b"From x@y Mon Jan  1 00:00:00 2026\nReceived: from a\n\tby b; Mon, 1 Jan 2026 00:00:00 +0000\r\nSubject: hi\n\nbody: not a header\n";
        let block = split(raw);
        assert_eq!(block.fields.len(), 2);
        assert_eq!(block.fields[0].name, "Received");
        assert_eq!(block.fields[0].value(), "from a by b; Mon, 1 Jan 2026 00:00:00 +0000");
        assert_eq!(block.fields[0].text(), block.fields[0].value());
        assert!(matches!(block.fields[1].text(), std::borrow::Cow::Borrowed("hi")));
        let (s, e) = block.fields[1].span;
        assert_eq!(&raw[s..e], b"Subject: hi");
        assert!(block.has_body_separator);
    }

    #[test]
    fn garbage_never_panics() {
        for raw in [&b""[..], b"\n\n", b":", b"\r", b"a:\r", b" \t x", b"From ", b"From \n\n"] {
            let _ = split(raw);
        }
    }
}
