//! Parsing the raw bytes into a mail-parser message, and deciding whether the input
//! is a header block at all. Nothing here panics on bad input: it is either a
//! message or an [`InputErrorKind`] the UI can translate.

use mail_parser::{Message, MessageParser};

use crate::analysis::InputErrorKind;

/// Header names that real messages carry; a block whose first field is none of
/// these and that has no `Received:` is most likely prose, not a header block.
const TELLTALE: &[&str] = &[
    "received", "from", "to", "subject", "date", "message-id", "return-path", "delivered-to",
    "mime-version", "content-type", "x-", "arc-", "dkim-signature", "authentication-results",
    "reply-to", "sender", "cc", "x-originating-ip", "received-spf",
];

/// Parse `raw` with mail-parser after a sanity check of its first lines.
pub fn parse(raw: &[u8]) -> Result<Message<'_>, InputErrorKind> {
    let trimmed = trim_leading_blank(raw);
    if trimmed.is_empty() {
        return Err(InputErrorKind::Empty);
    }
    if looks_binary(trimmed) {
        return Err(InputErrorKind::Binary);
    }
    if !starts_with_header_field(trimmed) {
        return Err(InputErrorKind::NotAHeaderBlock);
    }
    MessageParser::new().parse(trimmed).ok_or(InputErrorKind::NotAHeaderBlock)
}

fn trim_leading_blank(raw: &[u8]) -> &[u8] {
    let start = raw.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(raw.len());
    &raw[start..]
}

/// NUL bytes in the first kilobyte or a high share of control bytes: not mail text.
fn looks_binary(raw: &[u8]) -> bool {
    let head = &raw[..raw.len().min(1024)];
    let controls = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\r' | b'\n' | b'\t' | 0x1b)))
        .count();
    head.contains(&0) || controls * 10 > head.len()
}

/// The first line must be `Name: value` with a field name of printable ASCII, and
/// the block must show at least one header that mail really carries.
fn starts_with_header_field(raw: &[u8]) -> bool {
    let first_line = raw.split(|&b| b == b'\n').next().unwrap_or_default();
    let Some(colon) = first_line.iter().position(|&b| b == b':') else {
        // mbox "From " separator line is accepted as the start of a message.
        return first_line.starts_with(b"From ");
    };
    let name = &first_line[..colon];
    if name.is_empty() || !name.iter().all(|&b| b.is_ascii_graphic()) {
        return false;
    }
    let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
    TELLTALE.iter().any(|t| if t.ends_with('-') { lower.starts_with(t) } else { lower == *t })
        || has_received(raw)
}

fn has_received(raw: &[u8]) -> bool {
    raw.windows(10).any(|w| w.eq_ignore_ascii_case(b"\nreceived:"))
}
