//! Warnings and findings of the lookup side: stable kebab-case ids, English text,
//! and the parameters the text was built from.
//!
//! The id never changes meaning once released; the extension translates it through
//! `_locales` (`lookup_<id with '-' → '_'>`) and fills in `params` itself. `text` is
//! the English rendering for the CLI and for logs. The list of ids is in
//! `docs/lookup-wire-format.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One warning about an answer, a contact or the trace itself. Plain data: every
/// value in it is text taken from a registry answer or computed here, never markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Stable kebab-case id, e.g. `placeholder-contact`.
    pub id: String,
    /// English text with the parameters filled in.
    pub text: String,
    /// The named values used in `text` (`url`, `email`, `host`, …).
    pub params: BTreeMap<String, String>,
}

impl Warning {
    /// Build a warning; `text` may refer to params as `{name}`, which are filled in.
    pub fn new(id: &str, text: &str, params: &[(&str, &str)]) -> Warning {
        let mut filled = text.to_string();
        let mut map = BTreeMap::new();
        for (k, v) in params {
            filled = filled.replace(&format!("{{{k}}}"), v);
            map.insert((*k).to_string(), (*v).to_string());
        }
        Warning { id: id.to_string(), text: filled, params: map }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.id, self.text)
    }
}

/// Make a string taken from a registry answer safe to keep as *text*: control
/// characters go, whitespace runs collapse, length is capped. Markup is not
/// escaped here (the UI renders text with `textContent`); [`looks_like_markup`]
/// lets the caller warn about it.
pub fn clean_text(raw: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(raw.len().min(max_chars * 4));
    let mut space = false;
    // Counted as we go: a hostile 1 MB value must stay linear.
    let mut count = 0;
    for c in raw.chars() {
        if c.is_whitespace() || c.is_control() {
            space = count > 0;
            continue;
        }
        if count >= max_chars {
            out.push('…');
            break;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// True when `text` contains something a browser would read as a tag or a
/// script URL. Registry answers are untrusted input (a hostile RDAP server can put
/// `<script>` in a network name), so such values are kept as text and flagged.
pub fn looks_like_markup(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let tag = lower.char_indices().any(|(i, c)| {
        c == '<' && lower[i + 1..].chars().next().is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!')
    });
    tag || lower.contains("javascript:") || lower.contains("data:text/html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_fill_the_text() {
        let w = Warning::new("x-y", "no {what} at {url}", &[("what", "abuse"), ("url", "https://a/")]);
        assert_eq!(w.text, "no abuse at https://a/");
        assert_eq!(w.params["url"], "https://a/");
    }

    #[test]
    fn clean_text_is_linear_on_huge_input() {
        let huge = "a ".repeat(1 << 20);
        assert_eq!(clean_text(&huge, 5).chars().count(), 6);
    }

    #[test]
    fn clean_text_collapses_and_caps() {
        assert_eq!(clean_text("  a\n\tb\u{7}c  ", 10), "a b c");
        assert_eq!(clean_text("abcdef", 3), "abc…");
        assert!(looks_like_markup("NET<script>alert(1)</script>"));
        assert!(!looks_like_markup("a < b"));
    }
}
