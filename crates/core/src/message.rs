//! Is the input a message (or a header block) at all? Nothing here panics on bad
//! input: it is either accepted or an [`InputErrorKind`] the UI can translate.
//!
//! Accepted starts: a header field (`Name: value`), or an mbox `From ` separator
//! line followed by one (mbox exports and Thunderbird's "save as" write it).

use crate::analysis::InputErrorKind;

/// Header names that real messages carry; a block whose first field is none of
/// these and that has no `Received:` is most likely prose, not a header block.
const TELLTALE: &[&str] = &[
    "received", "from", "to", "subject", "date", "message-id", "return-path", "delivered-to",
    "mime-version", "content-type", "x-", "arc-", "dkim-signature", "authentication-results",
    "reply-to", "sender", "cc", "x-originating-ip", "received-spf", "envelope-to", "list-",
];

/// Check `raw` before splitting its header block.
pub fn check(raw: &[u8]) -> Result<(), InputErrorKind> {
    let raw = raw.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(raw);
    let mut trimmed = trim_leading_blank(raw);
    if trimmed.is_empty() {
        return Err(InputErrorKind::Empty);
    }
    if looks_binary(trimmed) {
        return Err(InputErrorKind::Binary);
    }
    // mbox separator, a pasted banner line: see headers::header_start.
    let start = crate::headers::header_start(trimmed);
    trimmed = &trimmed[start..];
    if trim_leading_blank(trimmed).is_empty() {
        return Err(InputErrorKind::Empty);
    }
    if starts_with_header_field(trimmed) {
        return Ok(());
    }
    if looks_like_body(trimmed) {
        return Err(InputErrorKind::NoHeadersOnlyBody);
    }
    Err(InputErrorKind::NotAHeaderBlock)
}

fn trim_leading_blank(raw: &[u8]) -> &[u8] {
    let start = raw.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(raw.len());
    &raw[start..]
}

/// NUL bytes in the first 512 bytes or a high share of control bytes: not mail text.
fn looks_binary(raw: &[u8]) -> bool {
    let head = &raw[..raw.len().min(512)];
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if let Some(avx2) = crate::headers::Avx2::detect() {
        return wide_share(head, avx2);
    }
    control_share(head)
}

/// [`control_share`] compiled for AVX2: the count takes half the instructions.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn wide_share(head: &[u8], _proof: crate::headers::Avx2) -> bool {
    #[target_feature(enable = "avx2")]
    fn share(head: &[u8]) -> bool {
        control_share(head)
    }
    // SAFETY: an `Avx2` exists only where AVX2 was detected, which is all `share` needs.
    unsafe { share(head) }
}

/// More than one byte in ten of `head` is a control byte other than the usual ones.
#[inline(always)]
fn control_share(head: &[u8]) -> bool {
    // Counted in byte lanes without an early exit, so the loop vectorises (a byte
    // counter cannot overflow within 128 bytes).
    let mut controls = 0;
    for chunk in head.chunks(128) {
        let mut n = 0u8;
        for &b in chunk {
            n = n.wrapping_add(u8::from(b < 0x20) - u8::from(matches!(b, b'\r' | b'\n' | b'\t' | 0x1b | 0x0c)));
        }
        controls += usize::from(n);
    }
    controls * 10 > head.len()
}

/// The first line must be `Name: value` with a field name of printable ASCII, and
/// the block must show at least one header that mail really carries.
fn starts_with_header_field(raw: &[u8]) -> bool {
    // The name stops at the line end by itself: no need to cut the first line.
    let Some(name_end) = crate::headers::field_name_len(raw) else { return false };
    let name = &raw[..name_end];
    TELLTALE.iter().any(|t| if t.ends_with('-') { name.len() >= t.len() && name[..t.len()].eq_ignore_ascii_case(t.as_bytes()) } else { name.eq_ignore_ascii_case(t.as_bytes()) })
        || crate::headers::has_received_line(raw)
}

/// A MIME part, an HTML or a quoted body pasted without its header block.
fn looks_like_body(raw: &[u8]) -> bool {
    let head = &raw[..raw.len().min(200)];
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    lower.starts_with("--")
        || lower.starts_with("<html")
        || lower.starts_with("<!doctype")
        || lower.starts_with("this is a multi-part message")
        || lower.starts_with("content-transfer-encoding")
        || lower.contains("\ncontent-type:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_share_is_the_same_with_avx2() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for len in 0..600 {
            let head: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    // Mostly text, with control bytes now and then.
                    if seed % 7 == 0 { (seed >> 8) as u8 % 0x20 } else { 0x20 + (seed >> 8) as u8 % 0x60 }
                })
                .collect();
            let plain = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\r' | b'\n' | b'\t' | 0x1b | 0x0c)).count() * 10 > head.len();
            assert_eq!(control_share(&head), plain);
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            if let Some(avx2) = crate::headers::Avx2::detect() {
                assert_eq!(wide_share(&head, avx2), plain);
            }
        }
    }
}
