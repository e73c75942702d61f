//! Text held by the analysis without a heap allocation of its own.
//!
//! An analysis used to copy every host name, address and date of every hop into a
//! `String`: about a hundred allocations a message, which cost more than reading
//! the header block. Now the words of a field are slices of the input
//! (`Cow::Borrowed`), the values the analysis writes itself (addresses in canonical
//! form, timestamps) sit in a fixed buffer inside their owner ([`ShortText`]), and a
//! field's unfolded text is made when it is read or serialised ([`FieldText`]).
//! The serialised forms are those of the plain strings they replace.

use std::borrow::Cow;
use std::fmt;

use serde::{Serialize, Serializer};

/// A text of at most `N` bytes kept inline.
#[derive(Clone, Copy)]
pub struct ShortText<const N: usize> {
    len: u8,
    buf: [u8; N],
}

/// An IP address in canonical text (the longest, IPv4-mapped IPv6, is 45 bytes).
pub type IpText = ShortText<46>;
/// An RFC 3339 timestamp, `YYYY-MM-DDThh:mm:ss±hh:mm` (25 bytes).
pub type DateText = ShortText<25>;

impl<const N: usize> ShortText<N> {
    pub(crate) const fn new() -> Self {
        ShortText { len: 0, buf: [0; N] }
    }

    /// Append ASCII bytes. Writers know their longest output, which fits `N`.
    #[inline]
    pub(crate) fn push_ascii(&mut self, bytes: &[u8]) {
        debug_assert!(bytes.is_ascii());
        let at = usize::from(self.len);
        self.buf[at..at + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len() as u8;
    }

    #[inline]
    pub(crate) fn push_byte(&mut self, b: u8) {
        debug_assert!(b.is_ascii());
        self.buf[usize::from(self.len)] = b;
        self.len += 1;
    }

    pub fn as_str(&self) -> &str {
        let bytes = &self.buf[..usize::from(self.len)];
        // Only ASCII is ever written (push_ascii, push_byte, from_str check it).
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl<const N: usize> std::ops::Deref for ShortText<N> {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> AsRef<str> for ShortText<N> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> std::borrow::Borrow<str> for ShortText<N> {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> PartialEq for ShortText<N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}
impl<const N: usize> Eq for ShortText<N> {}

impl<const N: usize> PartialEq<str> for ShortText<N> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
impl<const N: usize> PartialEq<&str> for ShortText<N> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl<const N: usize> fmt::Debug for ShortText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> fmt::Display for ShortText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize> Serialize for ShortText<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<const N: usize> From<ShortText<N>> for String {
    fn from(t: ShortText<N>) -> String {
        t.as_str().to_string()
    }
}

/// A field value as written in the message (folds and tabs included), or already
/// unfolded. [`FieldText::unfolded`] and the serialised form give the unfolded
/// value, as [`crate::headers::Field::value`] writes it; unfolding text that is
/// already unfolded changes nothing.
#[derive(Clone)]
pub struct FieldText<'a>(Cow<'a, str>);

impl<'a> FieldText<'a> {
    /// `text` must be trimmed of blanks and line ends at both ends (as
    /// `Field::value` trims), or already unfolded.
    pub(crate) fn new(text: Cow<'a, str>) -> Self {
        FieldText(text)
    }

    /// The unfolded value: a borrow when the text has no fold or tab.
    pub fn unfolded(&self) -> Cow<'_, str> {
        match memchr::memchr3(b'\r', b'\n', b'\t', self.0.as_bytes()) {
            None => Cow::Borrowed(&self.0),
            Some(_) => Cow::Owned(crate::headers::unfold(self.0.as_bytes())),
        }
    }

    /// Length in bytes of the text as written (folds included).
    pub fn written_len(&self) -> usize {
        self.0.len()
    }

    pub fn into_owned(self) -> FieldText<'static> {
        FieldText(Cow::Owned(self.0.into_owned()))
    }
}

impl PartialEq for FieldText<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.unfolded() == other.unfolded()
    }
}

impl fmt::Debug for FieldText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.unfolded(), f)
    }
}

impl fmt::Display for FieldText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.unfolded())
    }
}

impl Serialize for FieldText<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.unfolded())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_holds_the_longest_outputs() {
        let mut ip = IpText::new();
        ip.push_ascii(b"::ffff:255.255.255.255");
        assert_eq!(&*ip, "::ffff:255.255.255.255");
        let mut long = IpText::new();
        long.push_ascii("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255".as_bytes());
        assert_eq!(long.len(), 45);
        let mut d = DateText::new();
        d.push_ascii(b"2026-11-28T16:44:55+09:00");
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2026-11-28T16:44:55+09:00\"");
        assert_eq!(format!("{d:?}"), "\"2026-11-28T16:44:55+09:00\"");
    }

    #[test]
    fn field_text_unfolds_when_read() {
        let folded = FieldText::new(Cow::Borrowed("from a\r\n\tby b;\tx"));
        assert_eq!(folded.unfolded(), "from a by b; x");
        assert_eq!(serde_json::to_string(&folded).unwrap(), "\"from a by b; x\"");
        let flat = FieldText::new(Cow::Borrowed("from a by b; x"));
        assert!(matches!(flat.unfolded(), Cow::Borrowed(_)));
        assert_eq!(folded, flat);
        assert_eq!(folded.written_len(), 16);
    }
}
