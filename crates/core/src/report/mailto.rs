//! `mailto:` URLs (RFC 6068) that survive the trip to the mail client.
//!
//! Browsers and mail clients cut long `mailto:` URLs (the old Internet Explorer
//! limit of 2,083 characters still lives on in some handlers), so the link carries
//! the subject and a short body only; the UI copies the full draft to the clipboard
//! at the same time and the short body says it is to be pasted.

/// The longest URL we hand over.
pub const MAX_URL_CHARS: usize = 2000;

/// The first candidate body that fits within [`MAX_URL_CHARS`]; the last candidate
/// is cut line by line (then character by character) until it fits.
pub(crate) fn fit(to: &[String], subject: &str, candidates: &[String]) -> String {
    for body in candidates {
        let url = build(to, subject, body);
        if url.len() <= MAX_URL_CHARS {
            return url;
        }
    }
    let mut body: Vec<char> = candidates.last().map(|b| b.chars().collect()).unwrap_or_default();
    loop {
        let text: String = body.iter().collect();
        let url = build(to, subject, &text);
        if url.len() <= MAX_URL_CHARS || body.is_empty() {
            if url.len() > MAX_URL_CHARS {
                return build(to, "", "");
            }
            // End on a whole line when one is close.
            let cut = body.iter().rposition(|&c| c == '\n').filter(|&i| i * 10 >= body.len() * 7);
            return match cut {
                Some(i) => build(to, subject, &body[..=i].iter().collect::<String>()),
                None => url,
            };
        }
        // Drop roughly what is over, at least one character.
        let over = (url.len() - MAX_URL_CHARS) / 9 + 1;
        body.truncate(body.len().saturating_sub(over));
    }
}

/// `mailto:a@x,b@y?subject=…&body=…` with everything outside the unreserved set
/// percent-encoded (UTF-8), and line breaks as `%0D%0A` as RFC 6068 §5 asks.
pub(crate) fn build(to: &[String], subject: &str, body: &str) -> String {
    let addresses: Vec<String> = to.iter().map(|a| encode(a, true)).collect();
    let mut url = format!("mailto:{}", addresses.join(","));
    let mut sep = '?';
    if !subject.is_empty() {
        url.push_str(&format!("{sep}subject={}", encode(subject, false)));
        sep = '&';
    }
    if !body.is_empty() {
        let crlf = body.replace("\r\n", "\n").replace('\n', "\r\n");
        url.push_str(&format!("{sep}body={}", encode(&crlf, false)));
    }
    url
}

fn encode(text: &str, address: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        let keep = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || (address && b == b'@');
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_japanese_and_line_breaks() {
        let url = build(&["abuse@example.net".into()], "迷惑 a&b", "1\n2");
        assert_eq!(url, "mailto:abuse@example.net?subject=%E8%BF%B7%E6%83%91%20a%26b&body=1%0D%0A2");
    }

    #[test]
    fn long_bodies_are_cut_to_fit() {
        let long = "あ".repeat(5000);
        let url = fit(&["abuse@example.net".into()], "s", &[long.clone(), long]);
        assert!(url.len() <= MAX_URL_CHARS);
        assert!(url.contains("body=%E3%81%82"));
    }
}
