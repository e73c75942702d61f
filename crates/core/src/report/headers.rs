//! The raw header block, byte for byte: where it starts and ends and where each field
//! is, so a draft can quote fields exactly as received (folding and line endings
//! included). mail-parser gives decoded values; abuse desks want the original bytes.

/// One header field: its lower-cased name and its byte span in the message,
/// continuation lines and the final line ending included.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub name: String,
    pub start: usize,
    pub end: usize,
}

/// A message cut into header block and body (spans into the original bytes).
#[derive(Debug, Clone)]
pub(crate) struct Split {
    /// First byte of the first field (after leading blank lines and an mbox
    /// `From ` line).
    pub header_start: usize,
    /// End of the last field (before the empty line).
    pub header_end: usize,
    /// First byte of the body (after the empty line); `raw.len()` when there is none.
    pub body_start: usize,
    pub fields: Vec<Field>,
}

/// Cut `raw` into fields. Never fails: lines that are not `name: value` or a
/// continuation end the header block, as a lenient parser would.
pub(crate) fn split(raw: &[u8]) -> Split {
    let mut pos = raw.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(raw.len());
    if raw[pos..].starts_with(b"From ") {
        pos = next_line(raw, pos);
    }
    let header_start = pos;
    let mut fields: Vec<Field> = Vec::new();
    let mut header_end = pos;
    let mut body_start = raw.len();
    while pos < raw.len() {
        let end = next_line(raw, pos);
        let line = &raw[pos..end];
        let content = trim_eol(line);
        if content.is_empty() {
            body_start = end;
            break;
        }
        if matches!(content[0], b' ' | b'\t') {
            if let Some(last) = fields.last_mut() {
                last.end = end;
            }
        } else if let Some(colon) = content.iter().position(|&b| b == b':') {
            let name = String::from_utf8_lossy(&content[..colon]).trim().to_ascii_lowercase();
            fields.push(Field { name, start: pos, end });
        } else {
            // Not a header line: the body starts here (no empty line in between).
            body_start = pos;
            break;
        }
        header_end = end;
        pos = end;
    }
    if pos >= raw.len() {
        header_end = header_end.max(pos.min(raw.len()));
    }
    Split { header_start, header_end, body_start: body_start.max(header_end), fields }
}

impl Split {
    /// The `n`th field called `name` (lower-case), in message order.
    pub fn nth(&self, name: &str, n: usize) -> Option<&Field> {
        self.fields.iter().filter(|f| f.name == name).nth(n)
    }

    /// The value of a field as text (after the colon, unfolded, trimmed).
    pub fn value(&self, raw: &[u8], field: &Field) -> String {
        let bytes = &raw[field.start..field.end];
        let colon = bytes.iter().position(|&b| b == b':').map_or(0, |c| c + 1);
        let text = String::from_utf8_lossy(&bytes[colon..]);
        unfold(&text)
    }

    /// Values of every field called `name`.
    pub fn values(&self, raw: &[u8], name: &str) -> Vec<String> {
        self.fields.iter().filter(|f| f.name == name).map(|f| self.value(raw, f)).collect()
    }
}

/// A field's raw text without its final line ending.
pub(crate) fn field_text(raw: &[u8], field: &Field) -> String {
    String::from_utf8_lossy(trim_eol(&raw[field.start..field.end])).into_owned()
}

fn unfold(text: &str) -> String {
    text.split(['\r', '\n']).map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

fn next_line(raw: &[u8], pos: usize) -> usize {
    raw[pos..].iter().position(|&b| b == b'\n').map_or(raw.len(), |i| pos + i + 1)
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &line[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_their_folding() {
        let raw = b"\r\nFrom x Mon\r\nReceived: from a\r\n\tby b; Mon\r\nSubject: hi\r\n\r\nbody\r\n";
        let s = split(raw);
        assert_eq!(s.fields.len(), 2);
        assert_eq!(field_text(raw, &s.fields[0]), "Received: from a\r\n\tby b; Mon");
        assert_eq!(s.value(raw, &s.fields[0]), "from a by b; Mon");
        assert_eq!(&raw[s.body_start..], b"body\r\n");
        assert_eq!(&raw[s.header_start..s.header_end], b"Received: from a\r\n\tby b; Mon\r\nSubject: hi\r\n");
    }

    #[test]
    fn headers_only_and_garbage_do_not_panic() {
        let s = split(b"Subject: x");
        assert_eq!(s.fields.len(), 1);
        assert_eq!(s.body_start, 10);
        let s = split(b"");
        assert!(s.fields.is_empty());
        let s = split(b"Subject: x\nnot a header\nmore");
        assert_eq!(s.fields.len(), 1);
        assert_eq!(s.body_start, 11);
    }
}
