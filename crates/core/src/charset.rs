//! Legacy charsets (ISO-2022-JP, Shift_JIS, EUC-JP, …) without carrying their tables
//! into the wasm.
//!
//! mail-parser decodes those charsets only with its `full_encoding` feature, which
//! pulls every CJK table of encoding_rs into the binary (about 126 KB gzipped) — half
//! the extension's size budget. The browser already ships the same tables behind
//! `TextDecoder`. So:
//! - native builds enable this crate's `full-encoding` feature and decode here with
//!   encoding_rs;
//! - the wasm build leaves it off and registers the host's decoder once with
//!   [`set_external_decoder`] (the wasm facade wires `TextDecoder` in).
//!
//! Callers use [`decode`] and never care which one answered.

use std::sync::OnceLock;

/// A decoder supplied by the host: charset label + bytes → text, `None` when the
/// label is unknown to the host.
pub type ExternalDecoder = fn(&str, &[u8]) -> Option<String>;

static EXTERNAL: OnceLock<ExternalDecoder> = OnceLock::new();

/// Register the host's decoder. The first registration wins; later calls are ignored
/// (the decoder is a pure function, so there is nothing to replace).
pub fn set_external_decoder(decoder: ExternalDecoder) {
    let _ = EXTERNAL.set(decoder);
}

/// Whether [`decode`] reads `label` as UTF-8 (UTF-8 itself and its ASCII subset),
/// recognised without a lower-cased copy.
pub(crate) fn is_utf8_label(label: &str) -> bool {
    let label = label.trim();
    ["utf-8", "utf8", "us-ascii", "ascii", ""].iter().any(|n| label.eq_ignore_ascii_case(n))
}

/// Decode `bytes` labelled with `label` (any WHATWG / IANA alias, case-insensitive).
/// UTF-8, US-ASCII and Latin-1 are always handled here; other labels go to
/// encoding_rs (feature `full-encoding`) or to the registered host decoder.
/// Returns `None` for a label nobody knows.
pub fn decode(label: &str, bytes: &[u8]) -> Option<String> {
    let label = label.trim();
    if is_utf8_label(label) {
        return Some(String::from_utf8_lossy(bytes).into_owned());
    }
    if ["iso-8859-1", "latin1", "latin-1"].iter().any(|n| label.eq_ignore_ascii_case(n)) {
        return Some(bytes.iter().map(|&b| b as char).collect());
    }
    let lower = label.to_ascii_lowercase();
    #[cfg(feature = "full-encoding")]
    {
        if let Some(enc) = encoding_rs::Encoding::for_label(lower.as_bytes()) {
            let (text, _, _) = enc.decode(bytes);
            return Some(text.into_owned());
        }
    }
    EXTERNAL.get().and_then(|decode| decode(&lower, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_and_latin1_need_no_tables() {
        assert_eq!(decode("UTF-8", "日本".as_bytes()).as_deref(), Some("日本"));
        assert_eq!(decode("ISO-8859-1", &[0x63, 0x61, 0x66, 0xe9]).as_deref(), Some("café"));
    }

    #[cfg(feature = "full-encoding")]
    #[test]
    fn japanese_legacy_charsets_decode_natively() {
        // "テスト" in each charset.
        assert_eq!(decode("ISO-2022-JP", b"\x1b$B%F%9%H\x1b(B").as_deref(), Some("テスト"));
        assert_eq!(decode("Shift_JIS", b"\x83\x65\x83\x58\x83\x67").as_deref(), Some("テスト"));
        assert_eq!(decode("EUC-JP", b"\xa5\xc6\xa5\xb9\xa5\xc8").as_deref(), Some("テスト"));
    }
}
