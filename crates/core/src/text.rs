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

/// The first position in `raw` of a byte of `set` (ASCII bytes) or of any byte from
/// 0x80 up, sixteen bytes at a time on x86_64. The header and identity readers borrow
/// a value as it stands when it holds none of the bytes that need work (a fold, the
/// start of an encoded word, a character that needs UTF-8 validation), and most
/// values hold none, so this test runs on nearly every value they read.
#[inline]
pub(crate) fn first_in_set_or_high<const N: usize>(raw: &[u8], set: &[u8; N]) -> Option<usize> {
    let Some(last) = raw.last_chunk::<16>() else {
        return raw.iter().position(|&b| b >= 0x80 || set.contains(&b));
    };
    let mut i = 0;
    while let Some(chunk) = raw.get(i..).and_then(|r| r.first_chunk::<16>()) {
        let m = set_or_high_mask16(chunk, set);
        if m != 0 {
            return Some(i + m.trailing_zeros() as usize);
        }
        i += 16;
    }
    // The last sixteen bytes overlap those already seen, which had none.
    let m = set_or_high_mask16(last, set);
    (m != 0).then(|| raw.len() - 16 + m.trailing_zeros() as usize)
}

/// Bit `k` set when `chunk[k]` is in `set` or is 0x80 or more.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
pub(crate) fn set_or_high_mask16<const N: usize>(chunk: &[u8; 16], set: &[u8; N]) -> u32 {
    // SAFETY: the cfg admits this only where SSE2 is enabled at compile time (every
    // x86_64 target), which is all `set_or_high_mask16_sse2` requires of its caller.
    unsafe { set_or_high_mask16_sse2(chunk, set) }
}

/// The positions whose bits `mask_at(bytes, base)` sets for the sixteen bytes from
/// each `base` (0, 16, 32, …), in order. The byte searches that would otherwise call
/// `memchr` again after every hit on a short stretch (a Received field's `u`s, a
/// stamp's `ip`s) read one mask per chunk and then take its bits one by one.
pub(crate) struct MaskPositions<'b, F> {
    bytes: &'b [u8],
    /// Where the chunk of `mask` starts.
    base: usize,
    /// The positions in that chunk not yet returned.
    mask: u32,
    mask_at: F,
}

impl<'b, F: Fn(&[u8], usize) -> u32> MaskPositions<'b, F> {
    #[inline]
    pub(crate) fn new(bytes: &'b [u8], mask_at: F) -> Self {
        MaskPositions { bytes, base: 0, mask: mask_at(bytes, 0), mask_at }
    }
}

impl<F: Fn(&[u8], usize) -> u32> Iterator for MaskPositions<'_, F> {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 16;
            if self.base >= self.bytes.len() {
                return None;
            }
            self.mask = (self.mask_at)(self.bytes, self.base);
        }
        let at = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// Sixteen bytes in one SSE2 register, read as two words: no pointer cast, and the
/// compiler merges the two loads into one. Shared by the 16-byte mask scans.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
pub(crate) fn lanes16(chunk: &[u8; 16]) -> std::arch::x86_64::__m128i {
    let lo = u64::from_le_bytes(chunk[..8].try_into().unwrap());
    let hi = u64::from_le_bytes(chunk[8..].try_into().unwrap());
    std::arch::x86_64::_mm_set_epi64x(hi as i64, lo as i64)
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn set_or_high_mask16_sse2<const N: usize>(chunk: &[u8; 16], set: &[u8; N]) -> u32 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    debug_assert!(set.is_ascii());
    let v = lanes16(chunk);
    // The movemask takes each byte's top bit: set in `v` itself from 0x80 up.
    let mut any = v;
    for &c in set {
        any = _mm_or_si128(any, _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8)));
    }
    _mm_movemask_epi8(any) as u32
}

/// Bit `k` set when `chunk[k]` is in `set` or is 0x80 or more.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
pub(crate) fn set_or_high_mask16<const N: usize>(chunk: &[u8; 16], set: &[u8; N]) -> u32 {
    chunk.iter().enumerate().fold(0, |m, (k, &b)| m | (u32::from(b >= 0x80 || set.contains(&b)) << k))
}

/// No byte of `buf` is from 0x80 up: its bytes OR-ed a word at a time (the length is
/// fixed, so this unrolls into a few loads without a branch).
#[inline]
fn ascii_words<const N: usize>(buf: &[u8; N]) -> bool {
    let (words, rest) = buf.as_chunks::<8>();
    let acc = words.iter().fold(0u64, |a, w| a | u64::from_ne_bytes(*w)) | rest.iter().fold(0u64, |a, &b| a | u64::from(b));
    acc & 0x8080_8080_8080_8080 == 0
}

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
        // Only ASCII is ever written, and the bytes past `len` stay zero: a test of
        // the whole fixed buffer is a few word operations, where validating the text
        // was a call per read (addresses are read ten times a message).
        if ascii_words(&self.buf) {
            debug_assert!(bytes.is_ascii());
            // SAFETY: every byte of `buf`, so every byte of `bytes`, is below 0x80:
            // ASCII, which is UTF-8.
            return unsafe { std::str::from_utf8_unchecked(bytes) };
        }
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
impl<const N: usize> PartialEq<String> for ShortText<N> {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
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
    fn ascii_words_is_is_ascii() {
        for k in 0..46 {
            for b in [0u8, b'a', 0x7f, 0x80, 0xc3, 0xff] {
                let mut buf = [b'x'; 46];
                buf[k] = b;
                assert_eq!(ascii_words(&buf), buf.is_ascii());
                let short: [u8; 25] = buf[..25].try_into().unwrap();
                assert_eq!(ascii_words(&short), short.is_ascii());
            }
        }
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
