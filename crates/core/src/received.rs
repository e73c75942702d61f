//! The `Received:` grammar (RFC 5321 §4.4, RFC 5322 §3.6.7) as real MTAs write it →
//! one [`Hop`] per field.
//!
//! The standard form is `from A (B [IP]) by C with P id I for <R>; date`, but each
//! MTA fills the comments its own way, and those comments carry what matters (the
//! connecting IP and the reverse DNS the *receiver* looked up). Forms handled:
//!
//! - Postfix / Sendmail: `from HELO (RDNS [IP])`, `(unknown [IP])`, `[IPv6:…]`,
//!   `(… (may be forged))`, `(using TLSv1.3 …)`, `(Authenticated sender: x)`;
//! - Exim: `from HELO ([IP] helo=… ident=…)`, `from [IP] (port=N helo=…)`,
//!   `([IP]:port)`;
//! - qmail: `from unknown (HELO name) (IP)`, `(user@IP)`, and the comment-only
//!   `(qmail 123 invoked from network)` lines (no hop data);
//! - Exchange / Microsoft 365: `from NAME (IP) by NAME (IP) with Microsoft SMTP
//!   Server … id 15.20.…` — NAME is the HELO, IPv6 may carry a zone id (`%9`);
//! - Gmail: `by 2002:a05:…` lines without a from part, rDNS with a trailing dot;
//! - Yahoo: `from IP (EHLO name) by 10.x with SMTPs`;
//! - fetchmail / getmail: `from host [IP] by localhost with IMAP (fetchmail-6.6)`.
//!
//! Only the `from` clause's own comments are searched for the connecting IP, and only
//! whole tokens that parse as an address count, so a version (`8.11.6/8.11.6`), an
//! Exchange build (`id 15.1.225.42`) or a message id is never read as an IP.

use std::borrow::Cow;
use std::net::IpAddr;

use serde::Serialize;

use crate::headers::Field;
use crate::reason::Reason;
use crate::text::{DateText, FieldText, IpText, MaskPositions};

/// Where a hop sits relative to the trust boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HopClass {
    /// Written by the recipient's provider about its own relays (or no connecting side).
    Internal,
    /// The provider received the message from outside here: the origin.
    Handoff,
    /// Below the handoff: written by the sender's side, unverifiable.
    Claimed,
}

/// One relay step, as the receiving server wrote it. The words it keeps are slices
/// of the message (`'a`) when they can be: see [`crate::text`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hop<'a> {
    /// Position in the message, 0 = topmost (newest) Received field.
    pub index: usize,
    /// Host name (or address literal) the sending side gave.
    pub from_host: Option<Cow<'a, str>>,
    /// Connecting IP address recorded by the receiver (canonical form).
    pub from_ip: Option<IpText>,
    /// `from_ip` as an address (the trust walk and the chain check ask about it per
    /// hop; parsing the text again each time cost more than reading it).
    #[serde(skip)]
    pub peer: Option<IpAddr>,
    /// Reverse DNS name the receiver looked up for the connecting IP.
    pub from_rdns: Option<Cow<'a, str>>,
    /// HELO / EHLO name.
    pub helo: Option<Cow<'a, str>>,
    /// The receiving host.
    pub by_host: Option<Cow<'a, str>>,
    /// Protocol keyword (`SMTP`, `ESMTPS`, `LMTP`, …) as written.
    pub protocol: Option<Cow<'a, str>>,
    pub tls: Option<Cow<'a, str>>,
    pub authenticated: bool,
    pub id: Option<Cow<'a, str>>,
    #[serde(rename = "for")]
    pub for_addr: Option<Cow<'a, str>>,
    /// RFC 3339 timestamp as written (normalised), and seconds since the epoch.
    pub date: Option<DateText>,
    pub timestamp: Option<i64>,
    /// This hop's time minus the time of the hop below it (older); negative is kept.
    pub delay_seconds: Option<i64>,
    pub class: HopClass,
    pub reason: Reason,
    /// The field value; unfolded when read or serialised.
    pub raw: FieldText<'a>,
    /// Byte range of the field in the input.
    pub span: (usize, usize),
    /// The authenticated sender recorded in a comment (Postfix), if any.
    #[serde(skip)]
    pub auth_sender: Option<Cow<'a, str>>,
    /// Mailbox retrieval (fetchmail / IMAP / POP3) rather than a delivery.
    #[serde(skip)]
    pub retrieval: bool,
    /// The line could not be read as a Received field at all.
    #[serde(skip)]
    pub unreadable: bool,
}

/// A lexical piece of the value: a word, a `(comment)` (nesting kept inside), or a
/// `[literal]`.
#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    Word(&'a str),
    Comment(&'a str),
}

/// A word (or a run of words one space apart) as the hop keeps it: `kept` only
/// once some word read so far holds a tab or line end, which is rare (a text
/// inside such words holds one only if its word does, so the running flag of
/// [`Tokens::next`] is enough).
#[inline]
fn word(w: &str, folded_word: bool) -> Cow<'_, str> {
    if folded_word { kept(w) } else { Cow::Borrowed(w) }
}

/// Scratch buffers reused from one hop to the next (and one analysis to the
/// next): the comments of the from clause.
#[derive(Default)]
struct Scratch {
    comments: Vec<&'static str>,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Option<Box<Scratch>>> = const { std::cell::Cell::new(None) };
}

/// An empty vector of any lifetime reusing `v`'s allocation (same layout, so the
/// in-place collect keeps the buffer).
fn recycle<'a, 'b, T: ?Sized>(mut v: Vec<&'a T>) -> Vec<&'b T> {
    v.clear();
    v.into_iter().map(|_| -> &'b T { unreachable!() }).collect()
}

/// Bytes that end a run of word bytes in [`Tokens::next`]: white space as
/// `u8::is_ascii_whitespace` sees it (1), `(` (2) and `[` (3). Read by the
/// portable `stop_mask` only (SSE2 compares the bytes directly), and by the test
/// that checks `stop_at` against a byte loop.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
static WORD_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = 1;
    t[b'\t' as usize] = 1;
    t[b'\n' as usize] = 1;
    t[0x0c] = 1;
    t[b'\r' as usize] = 1;
    t[b'(' as usize] = 2;
    t[b'[' as usize] = 3;
    t
};

/// Which bytes end a word in [`stop_at`].
#[derive(Clone, Copy, PartialEq)]
enum Stops {
    /// `WORD_CLASS`: white space (not 0x0B), `(` and `[`.
    Word,
    /// [`is_ws_byte`]: white space, 0x0B included.
    Space,
    /// What matters inside a comment: `(`, `)` and `\\`.
    Comment,
    /// What matters inside an address literal: its end `]`, and a tab or line end.
    Literal,
}

/// The first position from `i` on whose byte is one of `stops` (`bytes.len()`
/// when none is). Sixteen bytes are tested at once: a byte-by-byte loop paid a
/// mispredicted branch at the end of every word, and a Received field has dozens.
#[inline]
fn stop_at(bytes: &[u8], mut i: usize, stops: Stops) -> usize {
    while let Some(chunk) = bytes.get(i..).and_then(|r| r.first_chunk::<16>()) {
        let m = stop_mask(chunk, stops);
        if m != 0 {
            return i + m.trailing_zeros() as usize;
        }
        i += 16;
    }
    if i >= bytes.len() {
        return bytes.len();
    }
    let m = match bytes.last_chunk::<16>() {
        // The last sixteen bytes, overlapping what was tested: drop the bits before `i`.
        Some(last) => stop_mask(last, stops) >> (i + 16 - bytes.len()),
        None => {
            // A text shorter than sixteen bytes, padded with zeros (no kind of stop).
            stop_mask(&padded16(&bytes[i..]), stops)
        }
    };
    if m != 0 { (i + m.trailing_zeros() as usize).min(bytes.len()) } else { bytes.len() }
}

/// `b` (at most sixteen bytes) at the start of a 16-byte block of zeros, for the
/// masks below. Read as two or four overlapping words: a byte loop (with its
/// bounds checks) cost about seven instructions a byte, a copy call its setup.
#[inline]
fn padded16(b: &[u8]) -> [u8; 16] {
    let n = b.len();
    debug_assert!(n <= 16);
    let (lo, hi) = if let (Some(first), Some(last)) = (b.first_chunk::<8>(), b.last_chunk::<8>()) {
        // Bytes 8.. are the end of `last`: shift out what `first` already holds.
        (u64::from_le_bytes(*first), u64::from_le_bytes(*last).checked_shr(8 * (16 - n as u32)).unwrap_or(0))
    } else if let (Some(first), Some(last)) = (b.first_chunk::<4>(), b.last_chunk::<4>()) {
        // Four to seven bytes: two words that overlap on equal bytes.
        (u64::from(u32::from_le_bytes(*first)) | u64::from(u32::from_le_bytes(*last)) << (8 * (n - 4)), 0)
    } else {
        (b.iter().rev().fold(0u64, |v, &x| v << 8 | u64::from(x)), 0)
    };
    let mut c = [0u8; 16];
    c[..8].copy_from_slice(&lo.to_le_bytes());
    c[8..].copy_from_slice(&hi.to_le_bytes());
    c
}

/// Bit `k` set when `chunk[k]` is one of `stops`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn stop_mask(chunk: &[u8; 16], stops: Stops) -> u32 {
    // SAFETY: the cfg admits this only where SSE2 is enabled at compile time (every
    // x86_64 target), which is all `stop_mask_sse2` requires of its caller.
    unsafe { stop_mask_sse2(chunk, stops) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn stop_mask_sse2(chunk: &[u8; 16], stops: Stops) -> u32 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_sub_epi8};
    let v = crate::text::lanes16(chunk);
    let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
    if stops == Stops::Comment {
        return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(eq(b'('), eq(b')')), eq(b'\\'))) as u32;
    }
    if stops == Stops::Literal {
        return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(eq(b']'), eq(b'\t')), _mm_or_si128(eq(b'\r'), eq(b'\n')))) as u32;
    }
    // Bytes 0x09..=0x0D: v - 9 (wrapping) is at most 4 exactly for them.
    let d = _mm_sub_epi8(v, _mm_set1_epi8(9));
    let controls = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(4)), d);
    let space = _mm_or_si128(controls, eq(b' '));
    let m = _mm_movemask_epi8(space) as u32;
    match stops {
        Stops::Space => m,
        // 0x0B is a word byte to the tokenizer; `(` and `[` end a word.
        Stops::Word => (m & !(_mm_movemask_epi8(eq(0x0b)) as u32)) | _mm_movemask_epi8(_mm_or_si128(eq(b'('), eq(b'['))) as u32,
        Stops::Comment | Stops::Literal => unreachable!(),
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn stop_mask(chunk: &[u8; 16], stops: Stops) -> u32 {
    let mut m = 0;
    for (k, &b) in chunk.iter().enumerate() {
        let stop = match stops {
            Stops::Word => WORD_CLASS[usize::from(b)] != 0,
            Stops::Space => is_ws_byte(b),
            Stops::Comment => matches!(b, b'(' | b')' | b'\\'),
            Stops::Literal => matches!(b, b']' | b'\t' | b'\r' | b'\n'),
        };
        m |= u32::from(stop) << k;
    }
    m
}

/// The positions of a lower-case ASCII letter `L` and of its upper case in a byte
/// string, in order (`u` for `authenticated`, `l` for TLS versions). A Received field
/// has dozens of `u`s, and a `memchr2` call after each one paid its setup on a short
/// haystack every time.
#[inline]
fn case_positions<const L: u8>(bytes: &[u8]) -> MaskPositions<'_, impl Fn(&[u8], usize) -> u32> {
    MaskPositions::new(bytes, case_mask_at::<L>)
}

/// The `L` mask of the (up to) sixteen bytes from `base`.
#[inline]
fn case_mask_at<const L: u8>(bytes: &[u8], base: usize) -> u32 {
    if let Some(chunk) = bytes.get(base..).and_then(|r| r.first_chunk::<16>()) {
        return case_mask::<L>(chunk);
    }
    match bytes.last_chunk::<16>() {
        // The last sixteen bytes, overlapping what was tested: drop the bits before `base`.
        Some(last) => case_mask::<L>(last) >> (base + 16 - bytes.len()),
        None => {
            // Shorter than sixteen bytes: padded with zeros (not a letter).
            case_mask::<L>(&padded16(bytes))
        }
    }
}

/// Bit `k` set when `chunk[k]` is `L` or its upper case.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn case_mask<const L: u8>(chunk: &[u8; 16]) -> u32 {
    // SAFETY: the cfg admits this only where SSE2 is enabled at compile time (every
    // x86_64 target), which is all `case_mask_sse2` requires of its caller.
    unsafe { case_mask_sse2::<L>(chunk) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn case_mask_sse2<const L: u8>(chunk: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    const { assert!(L.is_ascii_lowercase()) };
    let v = crate::text::lanes16(chunk);
    // The upper-case letter | 0x20 is `L`, and no byte but the two becomes `L`.
    _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8(L as i8))) as u32
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn case_mask<const L: u8>(chunk: &[u8; 16]) -> u32 {
    case_mask_portable::<L>(chunk)
}

/// [`case_mask`] a byte at a time: the fallback without SSE2, and what the test
/// checks the SSE2 version against.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn case_mask_portable<const L: u8>(chunk: &[u8; 16]) -> u32 {
    let mut m = 0;
    for (k, &b) in chunk.iter().enumerate() {
        m |= u32::from(b == L || b == L.to_ascii_uppercase()) << k;
    }
    m
}

/// Bit `k` set when `chunk[k]` is `needle`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn byte_mask(chunk: &[u8; 16], needle: u8) -> u32 {
    // SAFETY: the cfg admits this only where SSE2 is enabled at compile time (every
    // x86_64 target), which is all `byte_mask_sse2` requires of its caller.
    unsafe { byte_mask_sse2(chunk, needle) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn byte_mask_sse2(chunk: &[u8; 16], needle: u8) -> u32 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_set1_epi8};
    let v = crate::text::lanes16(chunk);
    _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(needle as i8))) as u32
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn byte_mask(chunk: &[u8; 16], needle: u8) -> u32 {
    byte_mask_portable(chunk, needle)
}

/// [`byte_mask`] a byte at a time: the fallback without SSE2, and what the test
/// checks the SSE2 version against.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn byte_mask_portable(chunk: &[u8; 16], needle: u8) -> u32 {
    let mut m = 0;
    for (k, &b) in chunk.iter().enumerate() {
        m |= u32::from(b == needle) << k;
    }
    m
}

/// Whether `b` holds `needle` (an ASCII byte), sixteen bytes a step: the words
/// asked about are short, and `str::contains` paid a `memchr` call's setup on each.
#[inline]
fn has_byte(b: &[u8], needle: u8) -> bool {
    debug_assert!(needle != 0);
    let mut i = 0;
    while let Some(chunk) = b.get(i..).and_then(|r| r.first_chunk::<16>()) {
        if byte_mask(chunk, needle) != 0 {
            return true;
        }
        i += 16;
    }
    if i == b.len() {
        return false;
    }
    match b.last_chunk::<16>() {
        // The last sixteen bytes, overlapping bytes already tested (which had none).
        Some(last) => byte_mask(last, needle) != 0,
        None => {
            // Shorter than sixteen bytes: padded with zeros (not the needle).
            byte_mask(&padded16(b), needle) != 0
        }
    }
}

/// The tokens of a text, read one at a time by the hop reader as it walks the
/// clauses (no list of them is built).
struct Tokens<'a> {
    s: &'a str,
    /// Where the next token may start.
    i: usize,
}

impl<'a> Tokens<'a> {
    fn new(s: &'a str) -> Self {
        Tokens { s, i: 0 }
    }

    /// The next token; `folded_word` is set when it is a word holding a tab or
    /// line end (only an address literal with blanks inside can: white space ends
    /// every other word), so it is set once any word read so far holds one.
    #[inline(always)]
    fn next(&mut self, folded_word: &mut bool) -> Option<Token<'a>> {
        let s = self.s;
        let bytes = s.as_bytes();
        let mut i = self.i;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_whitespace() {
                i += 1;
            } else if b == b'(' {
                let start = i + 1;
                let mut depth = 1;
                i += 1;
                while i < bytes.len() && depth > 0 {
                    // Jump to the next byte that matters (sixteen bytes a step: a
                    // `memchr3` call paid its setup on these short texts).
                    i = stop_at(bytes, i, Stops::Comment);
                    if i == bytes.len() {
                        break;
                    }
                    match bytes[i] {
                        b'(' => depth += 1,
                        b')' => depth -= 1,
                        _ => i += 1,
                    }
                    i += 1;
                }
                let end = if depth == 0 { i - 1 } else { bytes.len() };
                self.i = i;
                return Some(Token::Comment(s.get(start..end.max(start)).unwrap_or("")));
            } else {
                let start = i;
                loop {
                    i = stop_at(bytes, i, Stops::Word);
                    if i < bytes.len() && bytes[i] == b'[' {
                        // Keep an address literal whole even if it holds spaces: on to
                        // its `]`, noting a tab or line end on the way (one search
                        // rather than a `memchr` and a `memchr3` call).
                        loop {
                            i = stop_at(bytes, i + 1, Stops::Literal);
                            match bytes.get(i) {
                                Some(b']') => {
                                    i += 1;
                                    break;
                                }
                                Some(_) => *folded_word = true,
                                None => break,
                            }
                        }
                    } else {
                        break;
                    }
                }
                let end = i.min(bytes.len());
                if let Some(w) = s.get(start..end) {
                    self.i = i;
                    return Some(Token::Word(w));
                }
            }
        }
        self.i = i;
        None
    }
}

/// All the tokens of `s`, and whether a word holds a tab or line end.
#[cfg(test)]
fn tokenize(s: &str) -> (Vec<Token<'_>>, bool) {
    let (mut out, mut folded_word) = (Vec::new(), false);
    let mut tokens = Tokens::new(s);
    while let Some(t) = tokens.next(&mut folded_word) {
        out.push(t);
    }
    (out, folded_word)
}

/// `s.parse::<IpAddr>().ok()`, with dotted-quad IPv4 read by hand first: the
/// standard parser costs more than the rest of a hop's parse.
pub fn parse_addr(s: &str) -> Option<IpAddr> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    // One pass: which kinds of byte occur. std accepts nothing but hex digits,
    // dots and colons, so any other byte (a host name) stops here.
    let mut seen = 0u8;
    for &c in b {
        let k = ADDR_CLASS[usize::from(c)];
        if k == 0 {
            return None;
        }
        seen |= k;
    }
    if b.len() <= 15 && seen & !(DIGIT | DOT) == 0 {
        return parse_v4(b).map(IpAddr::from);
    }
    if b.len() <= 39 && seen & !(DIGIT | HEX_LETTER | COLON) == 0 {
        return parse_v6_groups(b).map(|g| IpAddr::from(std::net::Ipv6Addr::from(g)));
    }
    s.parse().ok()
}

const DIGIT: u8 = 1;
const HEX_LETTER: u8 = 2;
const DOT: u8 = 4;
const COLON: u8 = 8;

/// The kind of each byte that may appear in an address (0: none may).
static ADDR_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = match c {
            b'0'..=b'9' => DIGIT,
            b'a'..=b'f' | b'A'..=b'F' => HEX_LETTER,
            b'.' => DOT,
            b':' => COLON,
            _ => 0,
        };
        i += 1;
    }
    t
};

/// Dotted-quad IPv4 with std's rules: four parts of 1-3 digits, no leading zero,
/// each at most 255; any other byte refuses the text. The digits and dots are
/// found sixteen bytes at once and each part is read from its length, so the
/// branches go by part, not by byte (a byte loop mispredicted at every dot).
fn parse_v4(b: &[u8]) -> Option<[u8; 4]> {
    // `0.0.0.0` to `255.255.255.255`.
    if !(7..=15).contains(&b.len()) {
        return None;
    }
    // Padded with zeros (neither a digit nor a dot).
    let c = padded16(b);
    let (digits, dots) = digit_dot_masks(&c);
    if digits | dots != (1u32 << b.len()) - 1 || dots.count_ones() != 3 {
        return None;
    }
    let p1 = dots.trailing_zeros() as usize;
    let rest = dots & (dots - 1);
    let p2 = rest.trailing_zeros() as usize;
    let p3 = (rest & (rest - 1)).trailing_zeros() as usize;
    Some([v4_part(&c, 0, p1)?, v4_part(&c, p1 + 1, p2)?, v4_part(&c, p2 + 1, p3)?, v4_part(&c, p3 + 1, b.len())?])
}

/// The part `c[s..e]` of a dotted quad (digits only, checked by the caller) as
/// std reads it: one to three digits, no leading zero, at most 255.
#[inline(always)]
fn v4_part(c: &[u8; 16], s: usize, e: usize) -> Option<u8> {
    // Positions taken inside the block (`& 15`: they are, and no bounds check).
    let d = |k: usize| u32::from(c[k & 15].wrapping_sub(b'0'));
    match e.wrapping_sub(s) {
        1 => Some(d(s) as u8),
        2 if c[s & 15] != b'0' => Some((d(s) * 10 + d(s + 1)) as u8),
        3 if c[s & 15] != b'0' => u8::try_from(d(s) * 100 + d(s + 1) * 10 + d(s + 2)).ok(),
        _ => None,
    }
}

/// Bit `k` of the first mask set when `chunk[k]` is an ASCII digit, of the second
/// when it is `.`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn digit_dot_masks(chunk: &[u8; 16]) -> (u32, u32) {
    // SAFETY: the cfg admits this only where SSE2 is enabled at compile time (every
    // x86_64 target), which is all `digit_dot_masks_sse2` requires of its caller.
    unsafe { digit_dot_masks_sse2(chunk) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn digit_dot_masks_sse2(chunk: &[u8; 16]) -> (u32, u32) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_set1_epi8, _mm_sub_epi8};
    let v = crate::text::lanes16(chunk);
    // v - b'0' (wrapping) is at most 9 exactly for the digits.
    let d = _mm_sub_epi8(v, _mm_set1_epi8(b'0' as i8));
    let digits = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
    (_mm_movemask_epi8(digits) as u32, _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'.' as i8))) as u32)
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn digit_dot_masks(chunk: &[u8; 16]) -> (u32, u32) {
    digit_dot_masks_portable(chunk)
}

/// [`digit_dot_masks`] a byte at a time: the fallback without SSE2, and what the
/// test checks the SSE2 version against.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn digit_dot_masks_portable(chunk: &[u8; 16]) -> (u32, u32) {
    let (mut digits, mut dots) = (0, 0);
    for (k, &b) in chunk.iter().enumerate() {
        digits |= u32::from(b.is_ascii_digit()) << k;
        dots |= u32::from(b == b'.') << k;
    }
    (digits, dots)
}

/// IPv6 without an embedded IPv4 part (only hex digits and colons), with std's
/// grammar: 1-4 hex digits a group, eight groups, or fewer around one `::`.
/// The colons are found sixteen bytes at once, so the groups are read between
/// them (a byte loop branched on every byte).
fn parse_v6_groups(b: &[u8]) -> Option<[u16; 8]> {
    if b.len() > 48 {
        return None;
    }
    // Bit `k` set when `b[k]` is a colon.
    let mut colons = 0u64;
    let mut s = 0;
    while s < b.len() {
        colons |= u64::from(byte_mask(&padded16(&b[s..b.len().min(s + 16)]), b':')) << s;
        s += 16;
    }
    /// The groups of `b[s..e]` (no `::` inside) into `out`; how many.
    fn groups(b: &[u8], colons: u64, s: usize, e: usize, out: &mut [u16; 8]) -> Option<usize> {
        if s == e {
            return Some(0);
        }
        let (mut start, mut n) = (s, 0);
        loop {
            // The group runs to the next colon before `e`, or to `e`.
            let ahead = colons.checked_shr(start as u32).unwrap_or(0) & (1u64 << (e - start)).wrapping_sub(1);
            let end = if ahead != 0 { start + ahead.trailing_zeros() as usize } else { e };
            if !(1..=4).contains(&(end - start)) || n >= 8 {
                return None;
            }
            let mut v = 0u16;
            for &c in &b[start..end] {
                v = (v << 4) | u16::from(HEX_VALUE[usize::from(c)]);
            }
            out[n] = v;
            n += 1;
            if end == e {
                return Some(n);
            }
            // A colon at the end leaves an empty group.
            start = end + 1;
            if start == e {
                return None;
            }
        }
    }
    let mut out = [0u16; 8];
    // The first `::`: a colon with a colon after it.
    let pairs = colons & (colons >> 1);
    if pairs == 0 {
        return (groups(b, colons, 0, b.len(), &mut out)? == 8).then_some(out);
    }
    let p = pairs.trailing_zeros() as usize;
    let head = groups(b, colons, 0, p, &mut out)?;
    let mut tail = [0u16; 8];
    let n = groups(b, colons, p + 2, b.len(), &mut tail)?;
    if head + n > 7 {
        return None;
    }
    for k in 0..n {
        out[8 - n + k] = tail[k];
    }
    Some(out)
}

/// The value of each hex digit (the callers pass nothing else).
static HEX_VALUE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => 0,
        };
        i += 1;
    }
    t
};

/// The decimal text of each octet value with a `.` after it, little-endian in the
/// low four bytes, and that text's length (2 to 4) from bit 32 up.
static OCTET_DOT: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let o = i as u64;
        let (text, len) = if o >= 100 {
            ((b'0' as u64 + o / 100) | (b'0' as u64 + o / 10 % 10) << 8 | (b'0' as u64 + o % 10) << 16 | (b'.' as u64) << 24, 4)
        } else if o >= 10 {
            ((b'0' as u64 + o / 10) | (b'0' as u64 + o % 10) << 8 | (b'.' as u64) << 16, 3)
        } else {
            ((b'0' as u64 + o) | (b'.' as u64) << 8, 2)
        };
        t[i] = text | len << 32;
        i += 1;
    }
    t
};

/// `ip.to_string()`.
pub fn ip_text(ip: IpAddr) -> String {
    ip_short(ip).into()
}

/// `ip.to_string()` without a heap allocation, written by hand (the formatter
/// costs ~1,700 instructions an address).
pub fn ip_short(ip: IpAddr) -> IpText {
    let mut out = IpText::new();
    match ip {
        IpAddr::V4(v4) => {
            // Each octet's text from a table, gathered in one integer: a branch on
            // how many digits an octet has goes either way from address to
            // address, and so mispredicts about once an address.
            let (mut text, mut len) = (0u128, 0u32);
            for o in v4.octets() {
                let e = OCTET_DOT[usize::from(o)];
                // At most 12 bytes before the last octet: the shift stays below 128.
                text |= u128::from(e as u32) << (8 * len);
                len += (e >> 32) as u32;
            }
            // Without the dot after the last octet.
            out.push_ascii(&text.to_le_bytes()[..len as usize - 1]);
        }
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some() => out.push_ascii(v6.to_string().as_bytes()),
        IpAddr::V6(v6) => {
            // RFC 5952 as std writes it: the first longest run of two or more zero
            // groups becomes `::`, groups in lower-case hex without leading zeros.
            let seg = v6.segments();
            let (mut best, mut cur) = ((0, 0), (0, 0)); // (start, len)
            for (i, &g) in seg.iter().enumerate() {
                if g == 0 {
                    if cur.1 == 0 {
                        cur.0 = i;
                    }
                    cur.1 += 1;
                    if cur.1 > best.1 {
                        best = cur;
                    }
                } else {
                    cur = (0, 0);
                }
            }
            // Each group's digits and a `:` after them are made in one integer and
            // stored eight bytes at a time into a local buffer (a byte at a time,
            // branched on each digit, cost ~470 instructions an address). The
            // buffer has room for the last store of the longest text.
            let mut buf = [0u8; 48];
            let mut at = 0usize;
            let put = |buf: &mut [u8; 48], at: &mut usize, groups: &[u16]| {
                for &g in groups {
                    let x = u32::from(g);
                    // The four nibbles, the top one in the lowest byte.
                    let t = (x >> 12) | ((x >> 8) & 0xf) << 8 | ((x >> 4) & 0xf) << 16 | (x & 0xf) << 24;
                    // 1 in each byte whose nibble is 10 or more (no byte carries).
                    let letters = ((t + 0x0606_0606) >> 4) & 0x0101_0101;
                    let ascii = t + 0x3030_3030 + letters * (u32::from(b'a') - u32::from(b'0') - 10);
                    // Digits without leading zeros: the zero nibbles on top shifted out.
                    let digits = (16 - g.leading_zeros() as usize).div_ceil(4).max(1);
                    let text = u64::from(ascii >> (8 * (4 - digits))) | u64::from(b':') << (8 * digits);
                    buf[*at..*at + 8].copy_from_slice(&text.to_le_bytes());
                    *at += digits + 1;
                }
            };
            if best.1 > 1 {
                // `a:b:` then `:` (or `::` when there is no head), then `c:d:`.
                put(&mut buf, &mut at, &seg[..best.0]);
                if at == 0 {
                    buf[0] = b':';
                    at = 1;
                }
                buf[at] = b':';
                at += 1;
                let tail = &seg[best.0 + best.1..];
                put(&mut buf, &mut at, tail);
                // Without the `:` after the last group (there is none after `::`).
                if !tail.is_empty() {
                    at -= 1;
                }
            } else {
                put(&mut buf, &mut at, &seg);
                at -= 1;
            }
            out.push_ascii(&buf[..at]);
        }
    }
    out
}

/// White space as `char::is_whitespace` sees it, for ASCII bytes (note 0x0B, which
/// `u8::is_ascii_whitespace` leaves out).
#[inline]
pub(crate) fn is_ws_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `s.trim()` without decoding characters when both ends are ASCII.
#[inline]
pub(crate) fn trim_fast(s: &str) -> &str {
    let b = s.as_bytes();
    let mut start = 0;
    while start < b.len() && is_ws_byte(b[start]) {
        start += 1;
    }
    let mut end = b.len();
    while end > start && is_ws_byte(b[end - 1]) {
        end -= 1;
    }
    if (start < end && b[start] >= 0x80) || (end > start && b[end - 1] >= 0x80) {
        // A non-ASCII character at an end may be white space too (U+00A0, …).
        return s[start..end].trim();
    }
    // ASCII bytes at both cut points: char boundaries.
    &s[start..end]
}

/// Parse an address token: `1.2.3.4`, `[1.2.3.4]`, `[IPv6:2001:db8::1]`,
/// `fe80::1%9`, `[1.2.3.4]:port`, `user@1.2.3.4`. The whole token must be an address.
pub fn parse_ip(token: &str) -> Option<IpAddr> {
    let tb = token.as_bytes();
    // The commonest address token, `[192.0.2.1]` alone, read directly (what the
    // general path below finds for it too; parse_v4 refuses any other byte).
    if let [b'[', inside @ .., b']'] = tb {
        if let Some(octets) = parse_v4(inside) {
            return Some(IpAddr::from(octets));
        }
        // `[2001:db8::1]`: hex digits and colons only, at most 39, one colon at
        // least. The general path strips the brackets (nothing else to trim or
        // cut) and gives the inside to parse_addr, which reads it with
        // parse_v6_groups, mapping IPv4-mapped addresses to IPv4 as here.
        if inside.len() <= 39 {
            let seen = inside.iter().fold(0u8, |s, &c| s | ADDR_CLASS[usize::from(c)] | u8::from(ADDR_CLASS[usize::from(c)] == 0) << 7);
            if seen & COLON != 0 && seen & !(DIGIT | HEX_LETTER | COLON) == 0 {
                return parse_v6_groups(inside).map(|g| {
                    let v6 = std::net::Ipv6Addr::from(g);
                    v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4)
                });
            }
        }
    }
    // A bare address, read directly too: a token of hex digits, dots and colons
    // only has nothing for the steps below to trim or cut, so they would give it
    // to parse_addr whole, which reads it so (the mixed form `::ffff:1.2.3.4`
    // and long texts still go the general way). One pass, ending at the first
    // other byte (the first letter of most host names).
    let mut seen = 0u8;
    let mut k = 0;
    while k < tb.len() {
        let c = ADDR_CLASS[usize::from(tb[k])];
        if c == 0 {
            break;
        }
        seen |= c;
        k += 1;
    }
    if k == tb.len() {
        if tb.len() <= 15 && seen & !(DIGIT | DOT) == 0 {
            return parse_v4(tb).map(IpAddr::from);
        }
        if tb.len() <= 39 && seen & !(DIGIT | HEX_LETTER | COLON) == 0 {
            // As address_part maps it: IPv4-mapped IPv6 is the IPv4 peer.
            return parse_v6_groups(tb).map(|g| {
                let v6 = std::net::Ipv6Addr::from(g);
                v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4)
            });
        }
    }
    // Most words of a Received line are not addresses: reject them before any work.
    let first = *tb.first()?;
    // What follows the last `@` (or the token itself) must start like an address:
    // a digit or a-f, `[`, `:`, or `IPv6:`. Any other first byte needs an `@`.
    let starts_like = first.is_ascii_hexdigit() || matches!(first, b'[' | b':' | b'I' | b'i');
    if !starts_like && !first.is_ascii_alphabetic() {
        return None;
    }
    let (at, separator) = at_and_separator(tb);
    if !starts_like && at.is_none() {
        return None;
    }
    // An address needs a `.` or `:`.
    if !separator {
        return None;
    }
    match token.as_bytes().get(at.map_or(0, |a| a + 1)) {
        Some(&c) if c.is_ascii_hexdigit() || matches!(c, b'[' | b':' | b'I' | b'i') => {}
        _ => return None,
    }
    // parse_addr takes only hex digits, dots and colons, so the first other byte
    // of the address part (after the last `@`) must be one the steps below remove:
    // white space or a non-ASCII character at an end, `,` or `;` at the end, a
    // bracket, the `I` of an `IPv6:` prefix, or the `%` of a zone id. A host name such as
    // `BN8PR12MB1234.example` stops at its first other letter.
    if let Some(&c) = tb[at.map_or(0, |a| a + 1)..].iter().find(|&&c| ADDR_CLASS[usize::from(c)] == 0) {
        if !(c >= 0x80 || is_ws_byte(c) || matches!(c, b',' | b';' | b'[' | b']' | b'%' | b'I' | b'i')) {
            return None;
        }
    }
    address_part(token, at)
}

/// The position of the last `@` in `b`, and whether `b` holds a `.` or `:`: one
/// pass of sixteen bytes a step. Two `memchr` calls cost more on words this short
/// (most are 5 to 30 bytes) than the search itself.
#[inline]
fn at_and_separator(b: &[u8]) -> (Option<usize>, bool) {
    let (mut at, mut separator) = (None, false);
    let mut base = 0;
    while base < b.len() {
        let (ats, seps) = match b.get(base..).and_then(|r| r.first_chunk::<16>()) {
            Some(chunk) => at_separator_masks(chunk),
            None => match b.last_chunk::<16>() {
                // The last sixteen bytes, overlapping what was tested: drop the bits before `base`.
                Some(last) => {
                    let (a, s) = at_separator_masks(last);
                    let drop = base + 16 - b.len();
                    (a >> drop, s >> drop)
                }
                None => {
                    // Shorter than sixteen bytes: padded with zeros (neither kind).
                    at_separator_masks(&padded16(b))
                }
            },
        };
        if ats != 0 {
            at = Some(base + 31 - ats.leading_zeros() as usize);
        }
        separator |= seps != 0;
        base += 16;
    }
    (at, separator)
}

/// Bit `k` of the first mask set when `chunk[k]` is `@`, of the second when it is
/// `.` or `:`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn at_separator_masks(chunk: &[u8; 16]) -> (u32, u32) {
    // SAFETY: the cfg admits this only where SSE2 is enabled at compile time (every
    // x86_64 target), which is all `at_separator_masks_sse2` requires of its caller.
    unsafe { at_separator_masks_sse2(chunk) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn at_separator_masks_sse2(chunk: &[u8; 16]) -> (u32, u32) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let v = crate::text::lanes16(chunk);
    let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
    (_mm_movemask_epi8(eq(b'@')) as u32, _mm_movemask_epi8(_mm_or_si128(eq(b'.'), eq(b':'))) as u32)
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn at_separator_masks(chunk: &[u8; 16]) -> (u32, u32) {
    at_separator_masks_portable(chunk)
}

/// [`at_separator_masks`] a byte at a time: the fallback without SSE2, and what
/// the test checks the SSE2 version against.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn at_separator_masks_portable(chunk: &[u8; 16]) -> (u32, u32) {
    let (mut ats, mut seps) = (0, 0);
    for (k, &b) in chunk.iter().enumerate() {
        ats |= u32::from(b == b'@') << k;
        seps |= u32::from(b == b'.' || b == b':') << k;
    }
    (ats, seps)
}

/// The address of `token` once [`parse_ip`]'s quick tests passed (`at`: its last `@`):
/// trimmed, after the `@`, out of its brackets, without an `IPv6:` prefix or a zone id.
#[inline]
fn address_part(token: &str, at: Option<usize>) -> Option<IpAddr> {
    let mut t = trim_fast(token).trim_end_matches([',', ';']);
    if at.is_some() {
        if let Some(p) = t.rfind('@') {
            t = &t[p + 1..];
        }
    }
    let tb = t.as_bytes();
    if tb.first() == Some(&b'[') {
        let rest = &tb[1..];
        let close = rest.iter().position(|&b| b == b']')?;
        let after = &rest[close + 1..];
        // Only a port may follow the literal.
        if !(after.is_empty() || (after[0] == b':' && after[1..].iter().all(u8::is_ascii_digit))) {
            return None;
        }
        t = &t[1..1 + close];
    }
    let t = t.strip_prefix("IPv6:").or_else(|| t.strip_prefix("ipv6:")).unwrap_or(t);
    // Zone ids (`%9`, `%eth0`) name an interface of the writer, not part of the address.
    let t = match t.as_bytes().iter().position(|&b| b == b'%') {
        Some(p) => &t[..p],
        None => t,
    };
    // parse_addr refuses anything but hex digits, dots and colons (and the empty text).
    let ip: IpAddr = parse_addr(t)?;
    // IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is the IPv4 peer.
    Some(match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    })
}

/// [`clean_host_str`] of a word of a comment. [`ws_words`] splits at every tab
/// and line end, so the word holds none and is kept as the slice.
fn clean_host(h: &str) -> Option<Cow<'_, str>> {
    debug_assert!(!h.contains(['\r', '\n', '\t']));
    clean_host_str(h).map(Cow::Borrowed)
}

/// A word of a field as the hop keeps it: the slice of the message, unless it spans
/// a fold or holds a tab (only an address literal with blanks inside can), which
/// the unfolded value writes as a space.
#[inline]
fn kept(w: &str) -> Cow<'_, str> {
    if w.bytes().any(|b| matches!(b, b'\r' | b'\n' | b'\t')) {
        Cow::Owned(unfold_part(w))
    } else {
        Cow::Borrowed(w)
    }
}

/// The part of the unfolded value that `part` (a slice of the folded value) is:
/// a tab becomes a space, a line end with the blanks after it one space. Unlike
/// `headers::unfold`, blanks at the ends stay (they are inside the value).
fn unfold_part(part: &str) -> String {
    let b = part.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut k = 0;
    while k < b.len() {
        let c = b[k];
        k += 1;
        out.push(match c {
            b'\t' => b' ',
            b'\r' | b'\n' => {
                while k < b.len() && matches!(b[k], b'\r' | b'\n' | b' ' | b'\t') {
                    k += 1;
                }
                b' '
            }
            c => c,
        });
    }
    // Only ASCII bytes were replaced, by a space: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`unfold_part`] into `buf`, when the text has a tab or line end and fits
/// (the unfolded form is never longer). The runs between folds are copied whole.
fn unfold_short<'b>(part: &[u8], buf: &'b mut [u8; 128]) -> Option<&'b [u8]> {
    let mut k = memchr::memchr3(b'\r', b'\n', b'\t', part)?;
    let out = buf.get_mut(..part.len())?;
    out[..k].copy_from_slice(&part[..k]);
    let mut n = k;
    loop {
        // `part[k]` is a tab (one space) or a line end, which with the blanks
        // and line ends after it is one space.
        let c = part[k];
        k += 1;
        if c != b'\t' {
            while k < part.len() && matches!(part[k], b'\r' | b'\n' | b' ' | b'\t') {
                k += 1;
            }
        }
        out[n] = b' ';
        n += 1;
        let run = memchr::memchr3(b'\r', b'\n', b'\t', &part[k..]).unwrap_or(part.len() - k);
        out[n..n + run].copy_from_slice(&part[k..k + run]);
        n += run;
        k += run;
        if k == part.len() {
            return Some(&out[..n]);
        }
    }
}

/// [`clean_host`] as a slice of `h`.
fn clean_host_str(h: &str) -> Option<&str> {
    // Most words have nothing to remove: an ASCII first byte that is not white
    // space, `,`, `;` or `<`, and an ASCII last byte that is not white space, `,`,
    // `;` or `.` (the steps below would leave such a word whole).
    if let (Some(&a), Some(&z)) = (h.as_bytes().first(), h.as_bytes().last()) {
        if a.is_ascii() && !is_ws_byte(a) && !matches!(a, b',' | b';' | b'<') && z.is_ascii() && !is_ws_byte(z) && !matches!(z, b',' | b';' | b'.') {
            return (!h.eq_ignore_ascii_case("unknown")).then_some(h);
        }
    }
    let h = trim_fast(h).trim_matches(|c| c == ',' || c == ';');
    // `<addr>` is bracketed as a whole; a redacted `host.<domain>` keeps its brackets.
    let h = if h.starts_with('<') && h.ends_with('>') && h.len() >= 2 { &h[1..h.len() - 1] } else { h };
    let h = h.trim_end_matches('.');
    if h.is_empty() || h.eq_ignore_ascii_case("unknown") {
        return None;
    }
    Some(h)
}

/// The clause keywords of a Received field.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Clause {
    From,
    By,
    Via,
    With,
    Id,
    For,
}

/// The clause keyword `w` is, in any case. Keywords are 2-4 letters: most words
/// stop at the length test; the others are packed in an integer and lower-cased
/// at once (OR 0x20 turns only the letters into lower-case letters, and no other
/// byte into one), so one `match` replaces six case-blind comparisons.
#[inline]
fn is_keyword(w: &str) -> Option<Clause> {
    let b = w.as_bytes();
    if !(2..=4).contains(&b.len()) {
        return None;
    }
    let mut v = 0u32;
    for (k, &c) in b.iter().enumerate() {
        v |= u32::from(c | 0x20) << (8 * k);
    }
    const fn key(s: &[u8]) -> u32 {
        let mut v = 0u32;
        let mut k = 0;
        while k < s.len() {
            v |= (s[k] as u32) << (8 * k);
            k += 1;
        }
        v
    }
    const FROM: u32 = key(b"from");
    const BY: u32 = key(b"by");
    const VIA: u32 = key(b"via");
    const WITH: u32 = key(b"with");
    const ID: u32 = key(b"id");
    const FOR: u32 = key(b"for");
    // The length is in the packed value: a shorter word leaves the top bytes zero,
    // which no byte OR 0x20 gives.
    match v {
        FROM => Some(Clause::From),
        BY => Some(Clause::By),
        VIA => Some(Clause::Via),
        WITH => Some(Clause::With),
        ID => Some(Clause::Id),
        FOR => Some(Clause::For),
        _ => None,
    }
}

/// Split at the date: the text after the last `;` when it reads as a date.
fn split_date(value: &str) -> (&str, Option<mail_parser::DateTime>) {
    if let Some(semi) = memchr::memrchr(b';', value.as_bytes()) {
        let date_text = trim_fast(&value[semi + 1..]);
        // The common form has no fold, tab or line end, so it is its own unfolded
        // text; anything else is read as its unfolded text.
        // A date folded across lines (`Mon, 2 Nov\r\n 2026 …`, four in ten) is
        // unfolded on the stack first: most are the common form under the fold.
        let mut buf = [0u8; 128];
        let common = common_date(date_text.as_bytes()).or_else(|| unfold_short(date_text.as_bytes(), &mut buf).and_then(common_date));
        let date = match common {
            Some(dt) => sane_date(dt),
            None => match kept(date_text) {
                Cow::Borrowed(t) => parse_date(t),
                Cow::Owned(t) => parse_date(&t),
            },
        };
        if let Some(dt) = date {
            return (&value[..semi], Some(dt));
        }
    }
    (value, None)
}

/// `YYYY-MM-DDThh:mm:ss±hh:mm`.
pub fn rfc3339(dt: &mail_parser::DateTime) -> String {
    rfc3339_short(dt).into()
}

/// [`rfc3339`] without a heap allocation, written by hand: `format!` costs more
/// than the rest of a hop's parse.
pub fn rfc3339_short(dt: &mail_parser::DateTime) -> DateText {
    // Filled at fixed places in a template and pushed once: a push per byte
    // checked the length each time, and the digits were divisions.
    let two = |v: u8| TWO_DIGITS[usize::from(v)];
    let y = dt.year;
    let mut b = *b"0000-00-00T00:00:00";
    b[0..2].copy_from_slice(&two((y / 100 % 100) as u8));
    b[2..4].copy_from_slice(&two((y % 100) as u8));
    b[5..7].copy_from_slice(&two(dt.month));
    b[8..10].copy_from_slice(&two(dt.day));
    b[11..13].copy_from_slice(&two(dt.hour));
    b[14..16].copy_from_slice(&two(dt.minute));
    b[17..19].copy_from_slice(&two(dt.second));
    let mut out = DateText::new();
    out.push_ascii(&b);
    if dt.tz_hour == 0 && dt.tz_minute == 0 {
        out.push_byte(b'Z');
    } else {
        out.push_byte(if dt.tz_before_gmt { b'-' } else { b'+' });
        let [h1, h2] = two(dt.tz_hour);
        let [m1, m2] = two(dt.tz_minute);
        out.push_ascii(&[h1, h2, b':', m1, m2]);
    }
    out
}

/// The last two decimal digits of each byte value, as text.
static TWO_DIGITS: [[u8; 2]; 256] = {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [b'0' + (i / 10 % 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// RFC 5322 dates as MTAs write them (mail-parser's lenient date grammar), with a
/// sanity check so garbage does not become year 0.
pub fn parse_date(text: &str) -> Option<mail_parser::DateTime> {
    sane_date(common_date(text.as_bytes()).or_else(|| mail_parser::DateTime::parse_rfc822(text))?)
}

fn sane_date(dt: mail_parser::DateTime) -> Option<mail_parser::DateTime> {
    (dt.year >= 1970 && (1..=12).contains(&dt.month) && (1..=31).contains(&dt.day)).then_some(dt)
}

/// The date as nearly every MTA writes it, `[Ddd, ]D[D] Mon YYYY HH:MM:SS ±HHMM`
/// (or `GMT` for the zone) with single spaces (two allowed after the comma) and at
/// most one ` (comment)` after it, read directly: what
/// `DateTime::parse_rfc822` gives for it, for a fraction of the cost (its fast path
/// refuses a comment holding `+` or `-`, such as `(-03)`, and its byte scanner then
/// costs several times more). `None` for any other text, which the caller gives to
/// mail-parser. Why the values agree for this shape:
/// - without a comment, or with one free of `+ - ;`, mail-parser's fixed-width
///   path reads exactly these fields (its month test hashes the 2nd and 3rd letter;
///   only the twelve names as written here are accepted, each its own month);
/// - otherwise its scanner runs: it skips the day name, fills day, month, year,
///   hour, minute, second and zone from the same digits (every field here has its
///   full width, so no scaling), takes the sign from the `-`, and skips a comment
///   that holds no `(`, `)`, `\` or line end;
/// - `GMT` is an obsolete zone name to both, offset zero, not before GMT;
/// - both skip the blanks between the day name's comma and the day;
/// - both end in the same conversion (two-digit years, zone hours mod 24 and
///   minutes mod 60), repeated at the end here.
///
/// The test `common_dates_read_as_mail_parser_reads_them` compares the two on
/// generated and mutated dates.
fn common_date(t: &[u8]) -> Option<mail_parser::DateTime> {
    let t = match t {
        [a, b, c, b',', b' ', b' ', rest @ ..] | [a, b, c, b',', b' ', rest @ ..] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() && c.is_ascii_alphabetic() => rest,
        _ => t,
    };
    let d = |c: u8| c.wrapping_sub(b'0');
    let (day, rest) = match t {
        [d1 @ b'0'..=b'9', b' ', rest @ ..] => (u32::from(d(*d1)), rest),
        [d1 @ b'0'..=b'9', d2 @ b'0'..=b'9', b' ', rest @ ..] => (u32::from(d(*d1)) * 10 + u32::from(d(*d2)), rest),
        _ => return None,
    };
    let (block, rest) = rest.split_first_chunk::<18>()?;
    // `Mon YYYY HH:MM:SS `, then `±HHMM` or `GMT` (read as `+0000`).
    let [m1, m2, m3, b' ', y1, y2, y3, y4, b' ', h1, h2, b':', n1, n2, b':', s1, s2, b' '] = *block else {
        return None;
    };
    let (sign, [z1, z2, z3, z4], trailer) = match rest {
        [sign @ (b'+' | b'-'), z1, z2, z3, z4, trailer @ ..] => (*sign, [*z1, *z2, *z3, *z4], trailer),
        [b'G', b'M', b'T', trailer @ ..] => (b'+', *b"0000", trailer),
        _ => return None,
    };
    let digits = [y1, y2, y3, y4, h1, h2, n1, n2, s1, s2, z1, z2, z3, z4];
    // Folded with `&`, not `all`: no exit per byte, and the fourteen tests run
    // side by side.
    if !digits.iter().fold(true, |ok, c| ok & c.is_ascii_digit()) {
        return None;
    }
    let month = match &[m1, m2, m3] {
        b"Jan" => 1,
        b"Feb" => 2,
        b"Mar" => 3,
        b"Apr" => 4,
        b"May" => 5,
        b"Jun" => 6,
        b"Jul" => 7,
        b"Aug" => 8,
        b"Sep" => 9,
        b"Oct" => 10,
        b"Nov" => 11,
        b"Dec" => 12,
        _ => return None,
    };
    match trailer {
        [] => {}
        [b' ', b'(', inside @ .., b')'] if !inside.iter().any(|&c| matches!(c, b'(' | b')' | b'\\' | b'\r' | b'\n' | b'\t')) => {}
        _ => return None,
    }
    let two = |a: u8, b: u8| u32::from(d(a)) * 10 + u32::from(d(b));
    let year = two(y1, y2) * 100 + two(y3, y4);
    let zone = two(z1, z2) * 100 + two(z3, z4);
    Some(mail_parser::DateTime {
        year: match year {
            0..=49 => year + 2000,
            50..=99 => year + 1900,
            _ => year,
        } as u16,
        month,
        day: day as u8,
        hour: two(h1, h2) as u8,
        minute: two(n1, n2) as u8,
        second: two(s1, s2) as u8,
        tz_before_gmt: sign == b'-',
        tz_hour: ((zone / 100) % 24) as u8,
        tz_minute: ((zone % 100) % 60) as u8,
    })
}

impl<'a> Hop<'a> {
    /// Record the connecting address: its text for the wire, and the address.
    fn set_peer(&mut self, ip: IpAddr) {
        self.from_ip = Some(ip_short(ip));
        self.peer = Some(ip);
    }

    /// Read one `Received:` field. Never fails: unknown forms give a hop with fewer fields.
    /// (The analysis reads its hops with [`Hop::parse_into`]; this goes through it too,
    /// so the tests and the fuzz target see the same code.)
    pub fn parse(index: usize, field: &Field<'a>) -> Hop<'a> {
        let mut one = Vec::with_capacity(1);
        Hop::parse_into(&mut one, index, field);
        one.pop().expect("parse_into appends one hop")
    }

    /// [`Hop::parse`] appended to `hops`: the blank hop is pushed first and read
    /// where it lies in the list. A hop is a few hundred bytes, and returning it
    /// then pushing it copied it twice per field.
    pub fn parse_into(hops: &mut Vec<Hop<'a>>, index: usize, field: &Field<'a>) {
        // The value as written: folds are white space to the grammar, so the words
        // are slices of the message (see `kept` for the one exception).
        let value = trim_value(field.raw_value);
        // Validated only when the split saw a byte from 0x80 up in the field.
        match field.str_of(value) {
            Some(text) => {
                hops.reserve(1);
                let len = hops.len();
                // Written into the free slot directly: `push` built the blank hop on
                // the stack first (around its check for room) and copied it over.
                hops.spare_capacity_mut()[0].write(Hop::blank(index, text, field.span));
                // SAFETY: the slot at `len` was just initialised by the write above.
                unsafe { hops.set_len(len + 1) };
                hops[len].read(text);
            }
            // Not UTF-8: read the value with the bad bytes replaced, and own the words.
            None => hops.push(Hop::parse_text(index, &field.value(), field.span).into_owned()),
        }
    }

    /// A copy that borrows nothing.
    pub fn into_owned(self) -> Hop<'static> {
        fn own(c: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
            c.map(|c| Cow::Owned(c.into_owned()))
        }
        Hop {
            index: self.index,
            from_host: own(self.from_host),
            from_ip: self.from_ip,
            peer: self.peer,
            from_rdns: own(self.from_rdns),
            helo: own(self.helo),
            by_host: own(self.by_host),
            protocol: own(self.protocol),
            tls: own(self.tls),
            authenticated: self.authenticated,
            id: own(self.id),
            for_addr: own(self.for_addr),
            date: self.date,
            timestamp: self.timestamp,
            delay_seconds: self.delay_seconds,
            class: self.class,
            reason: self.reason,
            raw: self.raw.into_owned(),
            span: self.span,
            auth_sender: own(self.auth_sender),
            retrieval: self.retrieval,
            unreadable: self.unreadable,
        }
    }

    /// [`Hop::parse`] of a value trimmed at both ends (folded or not).
    ///
    /// The hop is built where it is returned to and read into through `&mut`: a
    /// hop is a few hundred bytes, and building it in a local of the reader copied
    /// it once more on the way out.
    #[inline(always)]
    fn parse_text(index: usize, raw: &'a str, span: (usize, usize)) -> Hop<'a> {
        let mut hop = Hop::blank(index, raw, span);
        hop.read(raw);
        hop
    }

    /// A hop with nothing read yet from `raw`.
    #[inline(always)]
    fn blank(index: usize, raw: &'a str, span: (usize, usize)) -> Hop<'a> {
        Hop {
            index,
            from_host: None,
            from_ip: None,
            peer: None,
            from_rdns: None,
            helo: None,
            by_host: None,
            protocol: None,
            tls: None,
            authenticated: false,
            id: None,
            for_addr: None,
            date: None,
            timestamp: None,
            delay_seconds: None,
            class: HopClass::Internal,
            // `Reason::new` spelt out: when the call was not inlined, its reason was
            // built apart and copied in, and so was the blank hop around it.
            reason: Reason { code: "no-connecting-ip", params: Default::default() },
            raw: FieldText::new(Cow::Borrowed(raw)),
            span,
            auth_sender: None,
            retrieval: false,
            unreadable: false,
        }
    }

    /// The body of [`Hop::parse_text`]: fills a blank hop from `raw`.
    fn read(&mut self, raw: &'a str) {
        let hop = self;
        let (clauses, date) = split_date(raw);
        if let Some(dt) = date {
            hop.date = Some(rfc3339_short(&dt));
            hop.timestamp = Some(dt.to_timestamp());
        }
        let mut scratch = SCRATCH.with(|c| c.take()).unwrap_or_default();
        // The clauses are walked as they are tokenized: no token list.
        let mut tokens = Tokens::new(clauses);
        let (mut folded_word, mut any_token) = (false, false);
        let mut current: Option<Clause> = None;
        // Only the first two words of the from clause matter; the with clause is
        // joined as written. Fixed slots avoid an allocation per clause.
        let mut from_words: [Option<&str>; 2] = [None, None];
        let mut from_comments: Vec<&str> = recycle(std::mem::take(&mut scratch.comments));
        // The with clause: its first word, and where its words run in `raw` while
        // one space apart (then the clause is a slice); joined into a String only
        // when something else stands between two of its words (a comment).
        let mut protocol: Option<String> = None;
        let mut first_with: Option<&str> = None;
        let mut with_span = (0, 0);
        let mut seen_by = false;
        while let Some(tok) = tokens.next(&mut folded_word) {
            any_token = true;
            let word = |w| word(w, folded_word);
            match tok {
                Token::Word(w) => {
                    if let Some(k) = is_keyword(w) {
                        // A second `by` (qmail-scanner) or `from` later on is data, not a clause.
                        let repeat = (k == Clause::By && seen_by) || (k == Clause::From && current.is_some());
                        if !repeat {
                            current = Some(k);
                            if k == Clause::By {
                                seen_by = true;
                            }
                            continue;
                        }
                    }
                    match current {
                        Some(Clause::From) => {
                            if let Some(slot) = from_words.iter_mut().find(|s| s.is_none()) {
                                *slot = Some(w);
                            }
                        }
                        Some(Clause::By) if hop.by_host.is_none() => hop.by_host = clean_host_str(w).map(word),
                        Some(Clause::With) => {
                            // `w` is a slice of `raw`: its offset, by address.
                            let start = w.as_ptr() as usize - raw.as_ptr() as usize;
                            let end = start + w.len();
                            match (first_with, &mut protocol) {
                                (None, _) => {
                                    first_with = Some(w);
                                    with_span = (start, end);
                                }
                                (Some(_), None) if raw.as_bytes().get(with_span.1..start) == Some(b" ") => with_span.1 = end,
                                (Some(_), None) => protocol = Some([&*word(&raw[with_span.0..with_span.1]), " ", &*word(w)].concat()),
                                (Some(_), Some(p)) => {
                                    p.push(' ');
                                    p.push_str(&word(w));
                                }
                            }
                        }
                        Some(Clause::Id) if hop.id.is_none() => hop.id = Some(word(w.trim_end_matches(','))),
                        Some(Clause::For) if hop.for_addr.is_none() => {
                            hop.for_addr = clean_host_str(w).map(|s| word(s.trim_matches(['<', '>'])))
                        }
                        _ => {}
                    }
                }
                Token::Comment(c) => {
                    if current == Some(Clause::From) {
                        from_comments.push(c);
                    }
                    // A comment naming a retrieval agent or a TLS version contains
                    // the marker itself, so the comments alone decide (no search of
                    // the whole field). Each flag only ever turns on, and the TLS
                    // word is the first comment's that has one, so reading them
                    // here, in order, answers as a walk after the others did.
                    if !hop.authenticated && c.get(..13).is_some_and(|p| p.eq_ignore_ascii_case("authenticated")) {
                        hop.authenticated = true;
                    }
                    if !hop.retrieval && names_retrieval_agent(c) {
                        hop.retrieval = true;
                    }
                    if hop.tls.is_none() {
                        hop.tls = tls_in(c).map(Cow::Borrowed);
                    }
                }
            }
        }
        let word = |w| word(w, folded_word);
        if current.is_none() && !any_token {
            hop.unreadable = true;
        }
        // Whether `from_host` reads as an address: asked per comment, computed once.
        // Known already when there is no host, or when the host is the first word
        // as written, just read with `parse_ip`.
        let mut host_is_ip: Option<bool> = None;
        // The from clause: first word is the name the sender gave (or an address literal).
        if let Some(first) = from_words[0] {
            if let Some(ip) = parse_ip(first) {
                // `from [IP]` (Exim) or Yahoo's `from IP (EHLO …)`: the receiver wrote the peer address.
                hop.set_peer(ip);
                hop.from_host = Some(word(first.trim_matches(['[', ']'])));
                if hop.from_host.as_deref() == Some(first) {
                    host_is_ip = Some(true);
                }
            } else {
                hop.from_host = clean_host_str(first).map(word);
                if hop.from_host.as_deref() == Some(first) {
                    host_is_ip = Some(false);
                }
                // `from host [IP]` (fetchmail, old sendmail) puts the literal as a second word.
                if let Some(ip) = from_words[1].and_then(parse_ip) {
                    hop.set_peer(ip);
                }
            }
        }
        if hop.from_host.is_none() {
            host_is_ip = Some(false);
        }
        for c in &from_comments {
            read_from_comment(c, hop, &mut host_is_ip);
        }
        // `authenticated sender:` / `authenticated user` may sit anywhere in the
        // field: find each `authenticated` with a byte search (no lower-cased copy).
        let rb = raw.as_bytes();
        // Candidates are found by their `u`, which is less than half as frequent
        // in Received fields as `a` (see `case_positions`).
        for q in case_positions::<b'u'>(rb) {
            let Some(p) = q.checked_sub(1) else { continue };
            let Some(rest) = rb.get(p + 13..) else { break };
            if !matches!(rb[p], b'a' | b'A') || !rb[p + 2..p + 13].eq_ignore_ascii_case(b"thenticated") {
                continue;
            }
            // The next word must follow after exactly one space of the unfolded
            // value: a blank, a tab, or a fold (a line end and the blanks after it).
            let gap = match rest.first() {
                Some(b' ' | b'\t') => 1,
                Some(b'\r' | b'\n') => rest.iter().position(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t')).unwrap_or(rest.len()),
                _ => continue,
            };
            let word = &rest[gap..];
            if word.get(..7).is_some_and(|r| r.eq_ignore_ascii_case(b"sender:")) {
                hop.authenticated = true;
                let start = p + 13 + gap + 7;
                hop.auth_sender = raw
                    .get(start..)
                    .and_then(|rest| rest.split(')').next())
                    .map(|s| kept(s.trim()))
                    .filter(|s| !s.is_empty());
                break;
            }
            if word.get(..4).is_some_and(|r| r.eq_ignore_ascii_case(b"user")) {
                hop.authenticated = true;
            }
        }
        if let Some(first) = first_with {
            // Upper-cased on the stack: one `match` instead of three list scans.
            let mut up = [0u8; 10];
            let key = match up.get_mut(..first.len()) {
                Some(u) => {
                    u.copy_from_slice(first.as_bytes());
                    u.make_ascii_uppercase();
                    &u[..]
                }
                None => &[][..],
            };
            if matches!(key, b"ESMTPA" | b"ESMTPSA" | b"LMTPA" | b"LMTPSA" | b"UTF8SMTPA" | b"UTF8SMTPSA" | b"SMTPA" | b"SMTPSA") {
                hop.authenticated = true;
            }
            if matches!(key, b"IMAP" | b"IMAPS" | b"POP3" | b"POP" | b"POP3S" | b"IMAP4") {
                hop.retrieval = true;
            }
            if hop.tls.is_none() && matches!(key, b"ESMTPS" | b"ESMTPSA" | b"UTF8SMTPS" | b"UTF8SMTPSA" | b"SMTPS" | b"LMTPS" | b"HTTPS") {
                hop.tls = Some(Cow::Borrowed("TLS"));
            }
            hop.protocol = Some(match protocol {
                Some(joined) => Cow::Owned(joined),
                None => word(&raw[with_span.0..with_span.1]),
            });
        }
        scratch.comments = recycle(from_comments);
        SCRATCH.with(|c| c.set(Some(scratch)));
    }
}

/// `c.split_whitespace()`, splitting at bytes when `c` is ASCII (the common case:
/// no character decoding). Splitting a `str` at ASCII bytes keeps UTF-8 valid.
pub(crate) fn ws_words(c: &str) -> Words<'_> {
    if c.is_ascii() { Words::Ascii(c, 0) } else { Words::Other(c.split_whitespace()) }
}

/// The words of a comment; see [`ws_words`]. An enum rather than a chain of
/// optional iterators, which did not optimise well on this hot path.
pub(crate) enum Words<'a> {
    /// An ASCII text and the position to continue from.
    Ascii(&'a str, usize),
    Other(std::str::SplitWhitespace<'a>),
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;
    // Always: the inliner kept it a call in `read_from_comment`, once per word.
    #[inline(always)]
    fn next(&mut self) -> Option<&'a str> {
        match self {
            Words::Ascii(s, pos) => {
                let b = s.as_bytes();
                let mut i = *pos;
                while i < b.len() && is_ws_byte(b[i]) {
                    i += 1;
                }
                let start = i;
                if i < b.len() {
                    i = stop_at(b, i, Stops::Space);
                }
                *pos = i;
                // ASCII text: every byte position is a character boundary.
                (start < i).then(|| &s[start..i])
            }
            Words::Other(it) => it.next(),
        }
    }
}

/// What the receiver put in the comment after the sender's name.
fn read_from_comment<'a>(c: &'a str, hop: &mut Hop<'a>, host_is_ip: &mut Option<bool>) {
    let mut words = ws_words(c);
    let first_word = words.next();
    let first = first_word.unwrap_or("");
    // qmail: (HELO name) ; Yahoo: (EHLO name)
    if first.eq_ignore_ascii_case("helo") || first.eq_ignore_ascii_case("ehlo") {
        if let (None, Some(name)) = (&hop.helo, words.next()) {
            hop.helo = clean_host(name);
        }
        return;
    }
    if hop.helo.is_some() && hop.from_ip.is_some() && *host_is_ip == Some(false) {
        // Settled by an earlier comment (`(RDNS [IP]) (using TLSv1.3 …)`): the loop
        // below could then only find `(RDNS [IP])` again, which needs the first
        // word not an address, the second a bracketed one; any later word changes
        // nothing (no HELO to fill, the peer kept: the host is no literal).
        if let Some(w) = words.next() {
            if w.starts_with('[') && !has_byte(w.as_bytes(), b'=') && !has_byte(first.as_bytes(), b'@') && parse_ip(w).is_some() && parse_ip(first).is_none() {
                hop.from_rdns = clean_host(first);
            }
        }
        return;
    }
    let mut comment_ip: Option<IpAddr> = None;
    let mut comment_ip_bracketed = false;
    let first_ip = parse_ip(first);
    let first_is_ip = first_ip.is_some();
    // The words of the comment again, the first one as read above.
    for (i, w) in first_word.into_iter().chain(words).enumerate() {
        if comment_ip.is_some() && hop.helo.is_some() {
            // Nothing later in the comment can change the hop.
            break;
        }
        if let Some(h) = w.get(..5).filter(|p| p.eq_ignore_ascii_case("helo=")).map(|_| &w[5..]) {
            if hop.helo.is_none() {
                hop.helo = clean_host(h);
            }
            continue;
        }
        if has_byte(w.as_bytes(), b'=') {
            continue;
        }
        if comment_ip.is_none() {
            // The first word was read above.
            if let Some(ip) = if i == 0 { first_ip } else { parse_ip(w) } {
                comment_ip = Some(ip);
                comment_ip_bracketed = w.starts_with('[');
                // `(RDNS [IP])`: the word before the literal is the receiver's reverse DNS.
                if i == 1 && w.starts_with('[') && !first_is_ip && !has_byte(first.as_bytes(), b'@') {
                    hop.from_rdns = clean_host(first);
                }
            }
        }
    }
    if let Some(ip) = comment_ip {
        // `from 192.0.2.99 (host [203.0.113.45])`: Postfix and Sendmail put the
        // HELO the sender chose first, even when it is an address literal; the
        // bracketed address in the comment is the one the receiver saw, and wins.
        let helo_literal = *host_is_ip.get_or_insert_with(|| hop.from_host.as_deref().is_some_and(|h| parse_ip(h).is_some()));
        if hop.from_ip.is_none() || (comment_ip_bracketed && helo_literal) {
            hop.set_peer(ip);
        }
        // Exchange writes `from NAME (IP)`: NAME is the HELO. Sendmail/Postfix write
        // `from HELO (RDNS [IP])`: the first word is the HELO there too.
        if hop.helo.is_none() {
            hop.helo = hop.from_host.clone().filter(|_| !helo_literal);
        }
    }
}

/// A comment that starts with a mail retrieval agent's name and version, as
/// `(fetchmail-6.6.1)` or `(getmail 6.18)`. A host such as `fetchmail.example`
/// or `godmr.example` elsewhere in the line is not one.
fn names_retrieval_agent(c: &str) -> bool {
    // Most comments start with an ASCII letter that begins no agent's name.
    match c.bytes().find(|&b| !is_ws_byte(b)) {
        None => return false,
        Some(b) if b.is_ascii() && !matches!(b | 0x20, b'f' | b'g' | b'o') => return false,
        _ => {}
    }
    let first = ws_words(c).next().unwrap_or("");
    ["fetchmail", "getmail", "odmr"].iter().any(|m| {
        first.get(..m.len()).is_some_and(|h| h.eq_ignore_ascii_case(m))
            && first[m.len()..].bytes().next().is_none_or(|b| b == b'-' || b.is_ascii_digit())
    })
}

fn tls_in(c: &str) -> Option<&str> {
    // A version word holds `tls` or `slv` (any case): look for the `l` of one
    // before splitting the comment into words.
    let b = c.as_bytes();
    let has_marker = case_positions::<b'l'>(b).any(|i| {
        i > 0 && i + 1 < b.len() && matches!((b[i - 1] | 0x20, b[i + 1] | 0x20), (b't', b's') | (b's', b'v'))
    });
    if !has_marker {
        return None;
    }
    let starts = |w: &str, p: &str| w.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    let sep = |b: u8| is_ws_byte(b) || matches!(b, b',' | b'(' | b')');
    let ascii = c.is_ascii();
    // Splitting an ASCII `str` at bytes gives the same pieces without decoding.
    let fast = ascii.then(|| c.as_bytes().split(move |&b| sep(b)).map(|w| unsafe { std::str::from_utf8_unchecked(w) }));
    let slow = (!ascii).then(|| c.split(|ch: char| ch.is_whitespace() || ch == ',' || ch == '(' || ch == ')'));
    for w in fast.into_iter().flatten().chain(slow.into_iter().flatten()) {
        let mut w = w;
        while let Some(rest) = w.strip_prefix("version=") {
            w = rest;
        }
        if starts(w, "TLS1") || starts(w, "TLSV1") || starts(w, "SSLV3") {
            return Some(w);
        }
    }
    None
}

/// The value without blanks and line ends at either end, as `Field::value` trims it.
fn trim_value(raw: &[u8]) -> &[u8] {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = raw.iter().position(|b| !is_ws(b)).unwrap_or(raw.len());
    let end = raw.iter().rposition(|b| !is_ws(b)).map_or(start, |p| p + 1);
    &raw[start..end.max(start)]
}

/// Fill in `delay_seconds`: each hop's time minus the time of the hop just below.
pub fn compute_delays(hops: &mut [Hop<'_>]) {
    for i in 0..hops.len() {
        let below = hops.get(i + 1).and_then(|h| h.timestamp);
        hops[i].delay_seconds = match (hops[i].timestamp, below) {
            (Some(a), Some(b)) => Some(a.saturating_sub(b)),
            _ => None,
        };
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;
    use std::net::Ipv6Addr;

    #[test]
    fn rfc3339_short_writes_what_the_digit_pushes_wrote() {
        // The former writer: a push per byte, digits by division.
        fn plain(dt: &mail_parser::DateTime) -> String {
            let two = |v: u8| format!("{}{}", (v / 10) % 10, v % 10);
            let y = dt.year;
            let mut s = format!("{}{}{}{}-{}-{}T{}:{}:{}", y / 1000 % 10, y / 100 % 10, y / 10 % 10, y % 10, two(dt.month), two(dt.day), two(dt.hour), two(dt.minute), two(dt.second));
            if dt.tz_hour == 0 && dt.tz_minute == 0 {
                s.push('Z');
            } else {
                s += &format!("{}{}:{}", if dt.tz_before_gmt { '-' } else { '+' }, two(dt.tz_hour), two(dt.tz_minute));
            }
            s
        }
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..50_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let b = x.to_le_bytes();
            let dt = mail_parser::DateTime {
                year: (x >> 48) as u16 % if b[0] & 1 == 0 { 10_000 } else { 65_535 },
                month: b[1],
                day: b[2],
                hour: b[3],
                minute: b[4],
                second: b[5],
                tz_before_gmt: b[0] & 2 != 0,
                tz_hour: if b[0] & 4 != 0 { 0 } else { b[6] },
                tz_minute: if b[0] & 8 != 0 { 0 } else { b[7] },
            };
            assert_eq!(rfc3339(&dt), plain(&dt), "{dt:?}");
        }
    }

    #[test]
    fn ip_text_and_parse_addr_match_std() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let r = next();
            // Groups are zero often, so runs of every length and position occur.
            let seg: [u16; 8] = std::array::from_fn(|i| if (r >> (i * 3)) & 3 == 0 { (next() & 0xffff) as u16 } else if (r >> (i * 3)) & 3 == 1 { (next() & 0xf) as u16 } else { 0 });
            let ip = IpAddr::V6(Ipv6Addr::from(seg));
            assert_eq!(ip_text(ip), ip.to_string());
            let v4 = IpAddr::from(((r >> 32) as u32).to_be_bytes());
            assert_eq!(ip_text(v4), v4.to_string());
            assert_eq!(parse_addr(&v4.to_string()), Some(v4));
        }
        // Dotted-quad text of any shape parse_v4 may be given (digits and dots, at
        // most fifteen bytes, and other bytes now and then), against std.
        for c in 0..=255u8 {
            let mut b = *b"1.2.3.4\0\0\0\0\0\0\0\0\0";
            for k in [0, 1, 6, 7, 14, 15] {
                b[k] = c;
                let chunk: [u8; 16] = b;
                assert_eq!(digit_dot_masks(&chunk), digit_dot_masks_portable(&chunk), "{chunk:?}");
            }
        }
        let alphabet = b"0123456789....002559";
        for _ in 0..300_000 {
            let len = (next() % 16) as usize;
            let mut s: String = (0..len).map(|_| char::from(alphabet[(next() % alphabet.len() as u64) as usize])).collect();
            assert_eq!(parse_v4(s.as_bytes()).map(IpAddr::from), s.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::from), "{s}");
            if len > 0 && next() % 4 == 0 {
                let at = (next() % len as u64) as usize;
                s.replace_range(at..at + 1, ["/", ":", "a", " ", "]", "\0"][(next() % 6) as usize]);
                assert_eq!(parse_v4(s.as_bytes()).map(IpAddr::from), s.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::from), "{s}");
            }
        }
        for _ in 0..100_000 {
            let r = next();
            // Parts of 0 to 4 digits and values around 255.
            let parts: Vec<String> = (0..3 + (r & 1) as usize).map(|i| match (r >> (8 * i + 1)) % 6 { 0 => String::new(), 1 => format!("{}", (r >> (8 * i + 4)) % 300), 2 => format!("0{}", (r >> (8 * i + 4)) % 30), 3 => format!("{}", 250 + (r >> (8 * i + 4)) % 10), _ => format!("{}", (r >> (8 * i + 4)) % 256) }).collect();
            let s = parts.join(".");
            if s.len() <= 15 {
                assert_eq!(parse_v4(s.as_bytes()).map(IpAddr::from), s.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::from), "{s}");
            }
        }
        // Every octet value in every place (OCTET_DOT's table).
        for o in 0..=255u8 {
            for k in 0..4 {
                let mut b = [1, 22, 233, 4];
                b[k] = o;
                let v4 = IpAddr::from(b);
                assert_eq!(ip_text(v4), v4.to_string());
            }
        }
        // Short strings over the IPv6 alphabet, and compressed forms of real addresses.
        let alphabet = b"0:1:a:F:::0000:12345";
        for _ in 0..200_000 {
            let len = (next() % 24) as usize;
            let s: String = (0..len).map(|_| char::from(alphabet[(next() % alphabet.len() as u64) as usize])).collect();
            assert_eq!(parse_addr(&s), s.parse::<IpAddr>().ok(), "{s}");
        }
        for _ in 0..20_000 {
            let r = next();
            let seg: [u16; 8] = std::array::from_fn(|i| if (r >> (i * 2)) & 3 == 0 { next() as u16 } else { 0 });
            let ip = IpAddr::V6(Ipv6Addr::from(seg));
            let full = seg.iter().map(|g| format!("{g:X}")).collect::<Vec<_>>().join(":");
            for s in [ip.to_string(), full.clone(), full.to_lowercase(), format!("{full}:"), format!(":{full}"), ip.to_string().replace("::", ":::")] {
                assert_eq!(parse_addr(&s), s.parse::<IpAddr>().ok(), "{s}");
            }
        }
        for s in ["1.2.3.04", "01.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.4.", "", ".", "::", "::1", "::ffff:1.2.3.4", "999.1.1.1", "1.2.3.4444", "mail.example.com", "1.2.3.4%eth0", "[::1]", " 1.2.3.4", "::ffff:1.2.3.4x", "a.b"] {
            assert_eq!(parse_addr(s), s.parse::<IpAddr>().ok(), "{s}");
            if let Some(ip) = parse_addr(s) {
                assert_eq!(ip_text(ip), ip.to_string());
            }
        }
    }
}

#[cfg(test)]
mod fold_tests {
    use super::*;
    use crate::headers::split;

    /// The hop read from a field as written, with its folds and tabs, is the hop
    /// read from the same field unfolded: the words are slices of the folded text,
    /// so every place where a fold could change a word is checked here.
    #[test]
    fn folded_and_unfolded_fields_give_the_same_hop() {
        let values = [
            "from a.example (a.example [192.0.2.1])\r\n\tby mx.example with ESMTPS id X1\r\n\tfor <u@example.jp>; Mon, 2 Nov 2026 19:00:00 +0900",
            "from a.example (Authenticated\r\n sender: someone@example.com\r\n\t)\r\n\tby mx.example; Mon, 2 Nov 2026 19:00:00 +0900",
            "from a.example (Authenticated\tsender:\tx@y)\tby mx.example;\tMon, 2 Nov 2026 19:00:00 +0900",
            "from a.example (authenticated \r\n sender: x@y) by mx.example",
            "from a.example (authenticated\r\n user bob) by mx.example",
            "from [192.0.2.7\r\n ] by mx.example; Mon, 2 Nov\r\n 2026 19:00:00 +0900",
            "from x (HELO y)\r\n (192.0.2.9) by mx.example with\r\n SMTP\r\n\tvia tls; Mon,\t2 Nov 2026 19:00:00 +0900",
            "from x (using\r\n TLSv1.3 with cipher A) by\tmx.example with LMTP",
            "from fetch (fetchmail-6.6\r\n) by localhost with IMAP",
        ];
        for v in values {
            let folded = format!("Received: {v}\r\n\r\n");
            let block = split(folded.as_bytes());
            let a = Hop::parse(0, &block.fields[0]);
            let unfolded = format!("Received: {}\r\n\r\n", block.fields[0].value());
            let block2 = split(unfolded.as_bytes());
            let b = Hop::parse(0, &block2.fields[0]);
            let json = |h: &Hop<'_>| {
                let mut v = serde_json::to_value(h).unwrap();
                v.as_object_mut().unwrap().remove("span");
                v
            };
            assert_eq!(json(&a), json(&b), "{v:?}");
            assert_eq!((a.auth_sender.as_deref(), a.retrieval, a.authenticated), (b.auth_sender.as_deref(), b.retrieval, b.authenticated), "{v:?}");
        }
    }

    #[test]
    fn bracketed_dotted_quads_read_as_before() {
        for (t, want) in [("[192.0.2.1]", Some("192.0.2.1")), ("[01.2.3.4]", None), ("[1.2.3.4]:25", Some("1.2.3.4")), ("[1.2.3.4],", Some("1.2.3.4")), ("[256.1.1.1]", None), ("[1.2.3]", None), ("[]", None), ("[::1]", Some("::1"))] {
            assert_eq!(parse_ip(t).map(|ip| ip.to_string()).as_deref(), want, "{t}");
        }
    }

    #[test]
    fn stop_at_finds_what_a_byte_loop_finds() {
        let alphabet = b"ab([ \t\n\x0b\x0c\r)]x1.\\";
        let mut x: u32 = 0x1234_5678;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let len = (x % 40) as usize;
            let bytes: Vec<u8> = (0..len).map(|k| alphabet[((x >> (k % 24)) as usize + k * 7) % alphabet.len()]).collect();
            for from in 0..=len {
                let word = (from..len).find(|&k| WORD_CLASS[usize::from(bytes[k])] != 0).unwrap_or(len);
                let space = (from..len).find(|&k| is_ws_byte(bytes[k])).unwrap_or(len);
                let comment = (from..len).find(|&k| matches!(bytes[k], b'(' | b')' | b'\\')).unwrap_or(len);
                let literal = (from..len).find(|&k| matches!(bytes[k], b']' | b'\t' | b'\r' | b'\n')).unwrap_or(len);
                assert_eq!(stop_at(&bytes, from, Stops::Literal), literal, "{bytes:?} from {from}");
                assert_eq!(stop_at(&bytes, from, Stops::Word), word, "{bytes:?} from {from}");
                assert_eq!(stop_at(&bytes, from, Stops::Space), space, "{bytes:?} from {from}");
                assert_eq!(stop_at(&bytes, from, Stops::Comment), comment, "{bytes:?} from {from}");
            }
        }
    }

    #[test]
    fn u_positions_are_what_memchr_finds() {
        let alphabet = b"uUaA tu\x55\x75\xf5\xd5Vv\rlL=@\xcc\xec";
        let mut x: u32 = 0x8765_4321;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let len = (x % 70) as usize;
            let bytes: Vec<u8> = (0..len).map(|k| alphabet[((x >> (k % 24)) as usize + k * 7) % alphabet.len()]).collect();
            let want: Vec<usize> = memchr::memchr2_iter(b'u', b'U', &bytes).collect();
            assert_eq!(case_positions::<b'u'>(&bytes).collect::<Vec<_>>(), want, "{bytes:?}");
            let want: Vec<usize> = memchr::memchr2_iter(b'l', b'L', &bytes).collect();
            assert_eq!(case_positions::<b'l'>(&bytes).collect::<Vec<_>>(), want, "{bytes:?}");
            for needle in [b'=', b'@', b'u'] {
                assert_eq!(has_byte(&bytes, needle), bytes.contains(&needle), "{bytes:?} {needle}");
            }
            for c in bytes.chunks_exact(16) {
                let c: &[u8; 16] = c.try_into().unwrap();
                assert_eq!(case_mask::<b'u'>(c), case_mask_portable::<b'u'>(c), "{c:?}");
                assert_eq!(case_mask::<b'l'>(c), case_mask_portable::<b'l'>(c), "{c:?}");
                assert_eq!(byte_mask(c, b'='), byte_mask_portable(c, b'='), "{c:?}");
            }
        }
        for b in 0..=255u8 {
            assert_eq!(case_mask::<b'u'>(&[b; 16]), if matches!(b, b'u' | b'U') { 0xffff } else { 0 }, "{b}");
            assert_eq!(case_mask_portable::<b'u'>(&[b; 16]), case_mask::<b'u'>(&[b; 16]), "{b}");
            assert_eq!(case_mask::<b'l'>(&[b; 16]), if matches!(b, b'l' | b'L') { 0xffff } else { 0 }, "{b}");
            assert_eq!(byte_mask(&[b; 16], b'='), if b == b'=' { 0xffff } else { 0 }, "{b}");
            assert_eq!(byte_mask_portable(&[b; 16], b'='), byte_mask(&[b; 16], b'='), "{b}");
        }
    }

    /// Every date the fast reader accepts reads as mail-parser reads it: each field
    /// of the shared dev corpus and of the test inputs (read in place), then dates
    /// built from likely and unlikely pieces, then those with bytes changed.
    #[test]
    fn common_dates_read_as_mail_parser_reads_them() {
        let accepted = std::cell::Cell::new(0);
        let check = |t: &[u8]| {
            let Ok(t) = std::str::from_utf8(t) else { return };
            let t = trim_fast(t);
            let slow = mail_parser::DateTime::parse_rfc822(t);
            if let Some(fast) = common_date(t.as_bytes()) {
                assert_eq!(Some(fast), slow, "{t:?}");
                accepted.set(accepted.get() + 1);
            }
            assert_eq!(parse_date(t), slow.and_then(sane_date), "{t:?}");
        };
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let corpus = root.join("../../../shared/corpus/dev");
        assert!(corpus.is_dir(), "the shared dev corpus is read in place from {}", corpus.display());
        let mut dirs = vec![corpus, root.join("tests")];
        let mut files = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let raw = std::fs::read(&path).unwrap();
                files += 1;
                for f in &split(&raw).fields {
                    let v = trim_value(f.raw_value);
                    let after = memchr::memrchr(b';', v).map_or(v, |p| &v[p + 1..]);
                    check(v);
                    check(after);
                    check(f.value().as_bytes());
                }
            }
        }
        assert!(files > 150 && accepted.get() > 1000, "{files} files, {} dates read", accepted.get());
        // Generated: pieces each form accepts or nearly accepts.
        let days = ["", "Fri, ", "fri, ", "Thu,", "Thurs, ", "1a2, ", "Mon,  ", "Sun,   ", "Sun , ", "Sun,\t"];
        let dates = ["1", "18", "09", "0", "00", "99", "123", "7 ", " 7", "3x"];
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "jan", "JUN", "Xan", "Jum", "Ju", "Sept"];
        let years = ["2021", "1969", "0049", "0050", "0099", "0100", "9999", "21", "20211", "2O21"];
        let times = ["07:29:07", "23:59:60", "99:99:99", "00:00:00", "7:29:07", "07:29", "07:29:07.123", "07-29-07"];
        let zones = ["+0000", "-0300", "+0930", "-2400", "+9999", "-0060", "+030", "+03000", "EST", "GMT", "GMT", "gmt", "GMTX", "GM", "UT", "0300", "--0300", "+-0300"];
        let tails = ["", " (-03)", " (EST)", " (UTC)", " (a+b)", " (x;y)", " (a-b c@d.example)", " (envelope-from a+caf_=b=example.com@gmail.com)", " (x-y;z)", "(x)", "  (x)", " (x) ", " (x", " x", " (x)y", " (\tx)", " (a(b)c)", " (a\\)b)", " (x\\)", " ()", " (x) (y)", " (\u{e9})", "\r\n", "\n", " ;", " -0300"];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..300_000 {
            let mut pick = |list: &[&'static str]| list[(next() % list.len() as u64) as usize];
            let mut t = format!("{}{} {} {} {} {}{}", pick(&days), pick(&dates), pick(&months), pick(&years), pick(&times), pick(&zones), pick(&tails)).into_bytes();
            check(&t);
            // The same with one to three bytes changed.
            for _ in 0..1 + next() % 3 {
                let at = (next() % t.len() as u64) as usize;
                let set = b" \t\r\n(),;:+-0123456789aAzZ\\\x7f";
                t[at] = set[(next() % set.len() as u64) as usize];
            }
            check(&t);
        }
    }

    #[test]
    fn stack_unfolds_and_the_folded_word_flag_match_the_plain_forms() {
        let alphabet = b"ab [](\r\n\t 1:;";
        let mut x: u32 = 0x9abc_def1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for _ in 0..50_000 {
            let len = (next() % 160) as usize;
            let s: String = (0..len).map(|_| char::from(alphabet[(next() % alphabet.len() as u32) as usize])).collect();
            let mut buf = [0u8; 128];
            match unfold_short(s.as_bytes(), &mut buf) {
                Some(u) => assert_eq!(u, unfold_part(&s).as_bytes(), "{s:?}"),
                None => assert!(!s.contains(['\r', '\n', '\t']) || s.len() > 128, "{s:?}"),
            }
            let (tokens, folded_word) = tokenize(&s);
            let any = tokens.iter().any(|t| matches!(t, Token::Word(w) if w.contains(['\r', '\n', '\t'])));
            assert_eq!(folded_word, any, "{s:?}");
        }
    }

    #[test]
    fn clean_host_str_cleans_as_the_plain_steps_do() {
        fn plain(h: &str) -> Option<&str> {
            let h = h.trim().trim_matches(|c| c == ',' || c == ';');
            let h = if h.starts_with('<') && h.ends_with('>') && h.len() >= 2 { &h[1..h.len() - 1] } else { h };
            let h = h.trim_end_matches('.');
            (!h.is_empty() && !h.eq_ignore_ascii_case("unknown")).then_some(h)
        }
        let pieces = ["a", "Z", "0", ".", ",", ";", "<", ">", " ", "\t", "\r\n", "\x0b", "\u{a0}", "\u{e9}", "[", "]", "unknown", "UNKNOWN", "-", "@"];
        let mut x: u32 = 0x0bad_cafe;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for _ in 0..100_000 {
            let n = next() % 6;
            let h: String = (0..n).map(|_| pieces[(next() % pieces.len() as u32) as usize]).collect();
            assert_eq!(clean_host_str(&h), plain(&h), "{h:?}");
        }
    }

    #[test]
    fn padded16_is_the_bytes_then_zeros() {
        let src: Vec<u8> = (1..=16).map(|k| k * 15).collect();
        for n in 0..=16 {
            let mut want = [0u8; 16];
            want[..n].copy_from_slice(&src[..n]);
            assert_eq!(padded16(&src[..n]), want, "{n}");
        }
    }

    #[test]
    fn at_and_separator_find_what_memchr_finds() {
        let alphabet = b"@.:a1 @@\xe9[]";
        let mut x: u32 = 0x1357_9bdf;
        for _ in 0..50_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let len = (x % 50) as usize;
            let bytes: Vec<u8> = (0..len).map(|k| alphabet[((x >> (k % 24)) as usize + k * 3) % alphabet.len()]).collect();
            let want = (memchr::memrchr(b'@', &bytes), memchr::memchr2(b'.', b':', &bytes).is_some());
            assert_eq!(at_and_separator(&bytes), want, "{bytes:?}");
            for c in bytes.chunks_exact(16) {
                let c: &[u8; 16] = c.try_into().unwrap();
                assert_eq!(at_separator_masks(c), at_separator_masks_portable(c), "{c:?}");
            }
        }
    }

    /// `parse_ip` with its shortcuts reads every token as its general path does.
    #[test]
    fn parse_ip_shortcuts_read_as_the_general_path() {
        // The quick tests as they stood before the shortcuts; the rest is shared.
        fn reference(token: &str) -> Option<IpAddr> {
            let tb = token.as_bytes();
            // Most words of a Received line are not addresses: reject them before any work.
            let first = *tb.first()?;
            // What follows the last `@` (or the token itself) must start like an address:
            // a digit or a-f, `[`, `:`, or `IPv6:`. Any other first byte needs an `@`.
            let starts_like = first.is_ascii_hexdigit() || matches!(first, b'[' | b':' | b'I' | b'i');
            if !starts_like && !first.is_ascii_alphabetic() {
                return None;
            }
            let at = memchr::memrchr(b'@', tb);
            if !starts_like && at.is_none() {
                return None;
            }
            // An address needs a `.` or `:`.
            memchr::memchr2(b'.', b':', tb)?;
            match token.as_bytes().get(at.map_or(0, |a| a + 1)) {
                Some(&c) if c.is_ascii_hexdigit() || matches!(c, b'[' | b':' | b'I' | b'i') => {}
                _ => return None,
            }
            address_part(token, at)
        }
        let pieces = ["1", "9", "0", "25", "255", "256", "01", ".", ".", ":", "::", ":", "::", "db8", "10b6", "[", "]", "IPv6:", "ipv6:", "IPV6:", "@", "%", "%eth0", ",", ";", " ", "\t", "ffff", "a", "B", "g", "M", "x", "-", "\u{a0}", "\u{e9}", "v", "P"];
        let mut x: u32 = 0x5eed_1234;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for _ in 0..300_000 {
            let n = next() % 10;
            let t: String = (0..n).map(|_| pieces[(next() % pieces.len() as u32) as usize]).collect();
            assert_eq!(parse_ip(&t), reference(&t), "{t:?}");
        }
        for t in ["192.0.2.1", "[192.0.2.1]", "[IPv6:2001:db8::1]", "[2001:db8::1]", "[::ffff:c000:201]", "[::]", "[1234]", "[:]", "[a:b]", "[1:2:3:4:5:6:7:8]", "[2001:0db8:0000:0000:0000:0000:0000:0001]", "[::ffff:1.2.3.4]", "fe80::1%9", "[1.2.3.4]:25", "user@1.2.3.4", "a@[IPv6:::1],", "BN8PR12MB1234.example", "2603:10b6:a03:2d5::15", "::ffff:1.2.3.4", "1.2.3.4;", "dead:beef::1%eth0", "::ffff:102:304", "::ffff:c000:201", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "12345678901234567", "cafe", "::", ":::", "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:0db8:0000:0000:0000:0000:0000:00001"] {
            assert_eq!(parse_ip(t), reference(t), "{t:?}");
        }
    }

    #[test]
    fn packed_keywords_match_the_case_blind_comparison() {
        let plain = |w: &str| ["from", "by", "via", "with", "id", "for"].iter().position(|k| w.eq_ignore_ascii_case(k));
        let clauses = [Clause::From, Clause::By, Clause::Via, Clause::With, Clause::Id, Clause::For];
        let alphabet = b"fromFROMbyBYviaVIAwithWITHidIDfor@`[{\x00 \xc3\xa9";
        let mut x: u32 = 0x0dd_ba11;
        for _ in 0..300_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let len = (x % 6) as usize;
            let bytes: Vec<u8> = (0..len).map(|k| alphabet[((x >> (k * 5)) as usize + k) % alphabet.len()]).collect();
            let Ok(w) = std::str::from_utf8(&bytes) else { continue };
            assert_eq!(is_keyword(w), plain(w).map(|i| clauses[i]), "{w:?}");
        }
        for k in ["from", "By", "VIA", "wItH", "iD", "FOR", "fro", "fromm", "b", "byy", "i", "ix", "wit"] {
            assert_eq!(is_keyword(k), plain(k).map(|i| clauses[i]), "{k:?}");
        }
    }

    /// The shortcut of `read_from_comment` for a settled hop reads every comment
    /// as the full loop (kept here as it stood) does, from every kind of hop state.
    #[test]
    fn read_from_comment_shortcut_reads_as_the_full_loop() {
        fn reference<'a>(c: &'a str, hop: &mut Hop<'a>, host_is_ip: &mut Option<bool>) {
            let mut words = ws_words(c);
            let first = words.next().unwrap_or("");
            if first.eq_ignore_ascii_case("helo") || first.eq_ignore_ascii_case("ehlo") {
                if let (None, Some(name)) = (&hop.helo, words.next()) {
                    hop.helo = clean_host(name);
                }
                return;
            }
            let mut comment_ip: Option<IpAddr> = None;
            let mut comment_ip_bracketed = false;
            let first_ip = parse_ip(first);
            let first_is_ip = first_ip.is_some();
            for (i, w) in ws_words(c).enumerate() {
                if comment_ip.is_some() && hop.helo.is_some() {
                    break;
                }
                if let Some(h) = w.get(..5).filter(|p| p.eq_ignore_ascii_case("helo=")).map(|_| &w[5..]) {
                    if hop.helo.is_none() {
                        hop.helo = clean_host(h);
                    }
                    continue;
                }
                if w.contains('=') {
                    continue;
                }
                if comment_ip.is_none() {
                    if let Some(ip) = if i == 0 { first_ip } else { parse_ip(w) } {
                        comment_ip = Some(ip);
                        comment_ip_bracketed = w.starts_with('[');
                        if i == 1 && w.starts_with('[') && !first_is_ip && !first.contains('@') {
                            hop.from_rdns = clean_host(first);
                        }
                    }
                }
            }
            if let Some(ip) = comment_ip {
                let helo_literal = *host_is_ip.get_or_insert_with(|| hop.from_host.as_deref().is_some_and(|h| parse_ip(h).is_some()));
                if hop.from_ip.is_none() || (comment_ip_bracketed && helo_literal) {
                    hop.set_peer(ip);
                }
                if hop.helo.is_none() {
                    hop.helo = hop.from_host.clone().filter(|_| !helo_literal);
                }
            }
        }
        let pieces = ["[192.0.2.1]", "198.51.100.7", "[IPv6:2001:db8::1]", "2001:db8::2", "host.example", "rdns.example.", "unknown", "helo=h.example", "HELO=x", "a=b", "[a=b]@192.0.2.9", "u@192.0.2.8", "@", "HELO", "ehlo", "using", "TLSv1.3", "(", "[", "[1.2.3]", " ", " ", " ", "\t", "\u{a0}", "\u{e9}x"];
        let mut x: u32 = 0x7a11_0c0d;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        let raw = "from x by y";
        for _ in 0..200_000 {
            let n = next() % 7;
            let c: String = (0..n).map(|_| pieces[(next() % pieces.len() as u32) as usize]).collect();
            let r = next();
            let mut hop = Hop::parse_text(0, raw, (0, 0));
            hop.from_host = [None, Some("h.example"), Some("192.0.2.200"), Some("[192.0.2.201]")][(r & 3) as usize].map(Cow::Borrowed);
            hop.helo = [None, Some("helo.example")][(r >> 2 & 1) as usize].map(Cow::Borrowed);
            hop.from_rdns = [None, Some("old.example")][(r >> 3 & 1) as usize].map(Cow::Borrowed);
            if r >> 4 & 1 == 1 {
                hop.set_peer(IpAddr::from([203, 0, 113, 1]));
            }
            let known = [None, Some(false), Some(true)][(r >> 5) as usize % 3];
            let (mut a, mut b) = (hop.clone(), hop);
            let (mut ka, mut kb) = (known, known);
            read_from_comment(&c, &mut a, &mut ka);
            reference(&c, &mut b, &mut kb);
            assert_eq!((a, ka), (b, kb), "{c:?} {r}");
        }
    }

    #[test]
    fn a_value_that_is_not_utf8_is_read_with_replacements() {
        let raw = b"Received: from bad\xff.example (h [192.0.2.3])\r\n\tby mx.example; Mon, 2 Nov 2026 19:00:00 +0900\r\n\r\n";
        let block = split(raw);
        let hop = Hop::parse(0, &block.fields[0]);
        assert_eq!(hop.from_host.as_deref(), Some("bad\u{fffd}.example"));
        assert_eq!(hop.from_ip.as_deref(), Some("192.0.2.3"));
        assert_eq!(hop.raw.unfolded(), "from bad\u{fffd}.example (h [192.0.2.3]) by mx.example; Mon, 2 Nov 2026 19:00:00 +0900");
    }
}
