//! The draft as an Abuse Reporting Format message (RFC 5965): one
//! `multipart/report; report-type=feedback-report` with
//! 1. the human-readable draft (`text/plain`, UTF-8, base64 so Japanese survives
//!    7-bit transports),
//! 2. the machine-readable `message/feedback-report` fields,
//! 3. the original: `message/rfc822` when the body is allowed, else
//!    `text/rfc822-headers` — byte-identical to what was received apart from masking.
//!
//! The boundary is derived from the content (no randomness in the core) and checked
//! not to occur in it.

use super::draft::Context;
use super::mask::{base64_encode, encode_words};
use super::{Draft, Recipient, ReportOptions, Role, PLACEHOLDER_ADDRESS};

/// RFC 5965 §3.1 `User-Agent`: product/version.
pub const USER_AGENT: &str = concat!("SenderTrace/", env!("CARGO_PKG_VERSION"));

pub(crate) fn render(ctx: &Context, raw: &[u8], options: &ReportOptions, party: &Recipient, d: &Draft) -> Vec<u8> {
    let header_block = if d.masked { &ctx.masked_header_block } else { &ctx.header_block };
    let original = original_part(ctx, raw, options, d.masked, header_block);
    let (ctype, part3): (&str, Vec<u8>) = match original {
        Some(full) => ("message/rfc822", full),
        None => ("text/rfc822-headers", header_block.clone()),
    };
    let human = wrap76(&base64_encode(d.text.replace("\r\n", "\n").replace('\n', "\r\n").as_bytes()));
    let feedback = feedback_fields(ctx, options, party, d);

    let mut boundary = format!("=_sendertrace_{:016x}", fnv64(&[human.as_bytes(), feedback.as_bytes(), &part3]));
    let mut salt = 0u32;
    while contains(&part3, boundary.as_bytes()) || contains(feedback.as_bytes(), boundary.as_bytes()) {
        salt += 1;
        boundary = format!("=_sendertrace_{:016x}_{salt}", fnv64(&[&part3, &salt.to_le_bytes()]));
    }

    let mut out = Vec::with_capacity(part3.len() + human.len() + 2048);
    let mut line = |s: &str| {
        out.extend_from_slice(s.as_bytes());
        out.extend_from_slice(b"\r\n");
    };
    if let Some(from) = &options.reporter_address {
        line(&format!("From: <{}>", from.trim_matches(['<', '>'])));
    }
    if !d.to.is_empty() {
        line(&format!("To: {}", d.to.join(", ")));
    }
    line(&format!("Subject: {}", header_text(&d.subject)));
    if let Some(now) = options.now {
        line(&format!("Date: {}", super::time::rfc5322(now)));
    }
    // Outlook and Thunderbird open a saved .eml with this as a draft to edit and send.
    line("X-Unsent: 1");
    line("MIME-Version: 1.0");
    line(&format!("Content-Type: multipart/report; report-type=feedback-report;\r\n\tboundary=\"{boundary}\""));
    line("");
    line("This is a multi-part message in MIME format (an abuse report, RFC 5965).");
    line("");
    line(&format!("--{boundary}"));
    line("Content-Type: text/plain; charset=utf-8");
    line("Content-Transfer-Encoding: base64");
    line("");
    line(&human);
    line(&format!("--{boundary}"));
    line("Content-Type: message/feedback-report");
    line("Content-Transfer-Encoding: 7bit");
    line("");
    out.extend_from_slice(feedback.as_bytes());
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    out.extend_from_slice(format!("Content-Type: {ctype}\r\n").as_bytes());
    let cte = if part3.is_ascii() { "7bit" } else { "8bit" };
    out.extend_from_slice(format!("Content-Transfer-Encoding: {cte}\r\n\r\n").as_bytes());
    out.extend_from_slice(&part3);
    // The line break before a boundary belongs to the boundary (RFC 2046 §5.1.1):
    // always add one, so the original keeps its own last line ending.
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// The full original (masked when asked), or `None` when the body is not allowed or
/// masking cannot reach an occurrence of the address inside an encoded body part.
fn original_part(ctx: &Context, raw: &[u8], options: &ReportOptions, masked: bool, header_block: &[u8]) -> Option<Vec<u8>> {
    if !options.include_body || ctx.split.body_start >= raw.len() {
        return None;
    }
    let mut full = header_block.to_vec();
    full.extend_from_slice(&raw[ctx.split.header_end..ctx.split.body_start]);
    let body = &raw[ctx.split.body_start..];
    if !masked {
        full.extend_from_slice(body);
        return Some(full);
    }
    full.extend_from_slice(&ctx.masker.mask_bytes(body));
    // A base64 part can still carry the address: check what a reader would decode.
    let leaks = super::mime::leaves(&full)
        .iter()
        .any(|l| ctx.masker.contains_any(&l.bytes) || (l.is_text() && ctx.masker.contains_any(l.text().as_bytes())));
    (!leaks).then_some(full)
}

/// The `message/feedback-report` fields (RFC 5965 §3.1–3.2), CRLF-terminated.
fn feedback_fields(ctx: &Context, options: &ReportOptions, party: &Recipient, d: &Draft) -> String {
    let mut f = vec![
        "Feedback-Type: abuse".to_string(),
        format!("User-Agent: {USER_AGENT}"),
        "Version: 1".to_string(),
    ];
    if let Some(rp) = &ctx.return_path {
        let rp = if d.masked { ctx.masker.mask_text(rp) } else { rp.clone() };
        f.push(format!("Original-Mail-From: <{rp}>"));
    }
    // RFC 6590: a redacted report leaves the recipient out (or gives a placeholder).
    if let Some(rcpt) = ctx.addresses.first() {
        let shown = if d.masked { PLACEHOLDER_ADDRESS } else { rcpt.as_str() };
        f.push(format!("Original-Rcpt-To: <{shown}>"));
    }
    if let Some(a) = &d.arrival {
        f.push(format!("Arrival-Date: {}", a.rfc5322));
    }
    if let Some(ip) = &d.origin_ip {
        f.push(format!("Source-IP: {ip}"));
    }
    let reported = match party.role {
        Role::NetworkOperator | Role::SendingService | Role::NationalChannel => None,
        _ => party.domain.as_deref(),
    };
    if let Some(domain) = reported.filter(|d| d.is_ascii() && !d.contains(char::is_whitespace)) {
        f.push(format!("Reported-Domain: {domain}"));
    }
    if let Some(ar) = &ctx.auth_results {
        let ar = if d.masked { ctx.masker.mask_text(ar) } else { ar.clone() };
        if ar.is_ascii() {
            f.push(ar.replace("\r\n", "\n").replace('\n', "\r\n"));
        }
    }
    f.push("Incidents: 1".to_string());
    let _ = options;
    let mut out = f.join("\r\n");
    out.push_str("\r\n");
    out
}

fn header_text(s: &str) -> String {
    if s.is_ascii() { s.to_string() } else { encode_words(s).replace(" =?", "\r\n =?") }
}

fn wrap76(b64: &str) -> String {
    b64.as_bytes().chunks(76).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("\r\n")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn fnv64(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for &b in *p {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}
