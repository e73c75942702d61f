//! The header block: where it ends, and its fields with their byte spans.
//!
//! Everything SenderTrace concludes comes from the header block (RFC 5322 §2.2), so
//! the analysis never parses the body: it cuts at the first empty line. That keeps a
//! whole analysis cheaper than a full MIME parse of the same bytes. Folded lines are
//! unfolded (§2.2.3) but the raw span of each field is kept so the UI can highlight
//! the original text.
//!
//! Accepts LF and CRLF line ends, and an mbox `From ` separator (plus `>From `
//! quoting, which some exporters apply to header lines) in front of the first field.

/// One header field as it appears in the input.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    /// The field name as written (case kept).
    pub name: &'a str,
    /// The raw value bytes, folding and line ends included.
    pub raw_value: &'a [u8],
    /// Byte range of the whole field (name to end of value, line end excluded).
    pub span: (usize, usize),
    /// Name length and first byte folded to lower case: lets lookups skip most names with
    /// one integer comparison (a message has a hundred fields, lookups are many).
    key: u32,
    /// Index of the next field in the same lookup bucket ([`NO_FIELD`] at the end):
    /// [`HeaderBlock::get`] walks this short chain instead of the whole block.
    next: u32,
    /// `raw_value` as the split made it when every line of the field is ASCII (the
    /// split loads each byte anyway, so it notes the high bits at little cost), else
    /// empty: [`Field::str_of`] then borrows the value without validating it. A
    /// slice rather than a flag because `raw_value` is public: a value changed since
    /// is not within this slice, and is validated.
    ascii: &'a [u8],
}

#[inline]
fn name_key(name: &str) -> u32 {
    // The 0x20 bit set, as `bucket` does: equal for both cases of a letter (and for
    // a few pairs of other bytes, which the name comparison then tells apart).
    let first = name.as_bytes().first().map_or(0, |b| b | 0x20);
    ((name.len() as u32) << 8) | u32::from(first)
}

/// Lookup buckets of a block: more than the distinct names of most messages.
const BUCKETS: usize = 64;
const NO_FIELD: u32 = u32::MAX;

/// The bucket of a name from its length and its first and last bytes. Setting the
/// 0x20 bit makes it blind to ASCII case, as [`Field::is`] is.
#[inline]
fn bucket(name: &[u8]) -> usize {
    let (first, last) = match name {
        [] => (0, 0),
        [f, .., l] => (*f, *l),
        [f] => (*f, *f),
    };
    let h = (name.len() as u32).wrapping_mul(0x9E37_79B9)
        ^ u32::from(first | 0x20).wrapping_mul(0x85EB_CA6B)
        ^ u32::from(last | 0x20).wrapping_mul(0xC2B2_AE35);
    (h >> 26) as usize
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x80 * ONES;

/// ASCII lower case of eight bytes at once (bytes outside `A..=Z` unchanged).
#[inline]
fn lower8(w: u64) -> u64 {
    let low7 = w & (0x7f * ONES);
    let from_a = low7 + (0x80 - u64::from(b'A')) * ONES;
    let past_z = low7 + (0x80 - u64::from(b'Z') - 1) * ONES;
    w | ((from_a & !past_z & !w & HIGH) >> 2)
}

/// `a.eq_ignore_ascii_case(b)` a word at a time: lookups compare a name with every
/// field of the same length and initial, and names run to 30 bytes.
#[inline]
pub(crate) fn eq_nocase(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        if n < 4 {
            return a.eq_ignore_ascii_case(b);
        }
        // Four to seven bytes: the first four and the last four (overlapping) in one word.
        let word = |s: &[u8]| {
            let head = u32::from_le_bytes(s[..4].try_into().unwrap());
            let tail = u32::from_le_bytes(s[n - 4..].try_into().unwrap());
            lower8(u64::from(head) | (u64::from(tail) << 32))
        };
        return word(a) == word(b);
    }
    let word = |s: &[u8], i: usize| lower8(u64::from_le_bytes(s[i..i + 8].try_into().unwrap()));
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    // The last word overlaps the previous one when the length is not a multiple of 8.
    word(a, n - 8) == word(b, n - 8)
}

impl<'a> Field<'a> {
    /// The unfolded value: line ends removed, runs of white space kept as one space
    /// where a fold was, leading/trailing space trimmed. Bytes that are not UTF-8
    /// are replaced (encoded words are decoded separately from `raw_value`).
    pub fn value(&self) -> String {
        unfold(self.raw_value)
    }

    /// [`Field::value`] without a copy when the value is one line of valid UTF-8
    /// (most fields): the analysis reads many values only to look at them.
    pub fn text(&self) -> std::borrow::Cow<'a, str> {
        text_of(self.raw_value)
    }

    /// `raw_value` as text when it is valid UTF-8 (see [`Field::str_of`]).
    #[inline]
    pub(crate) fn raw_str(&self) -> Option<&'a str> {
        self.str_of(self.raw_value)
    }

    /// `part`, a slice of `raw_value`, as text when it is valid UTF-8. Most values
    /// are ASCII, which the split has seen: those are borrowed without a validating
    /// pass (the readers of whole values, such as the Received parser, made one per
    /// field).
    #[inline]
    pub(crate) fn str_of(&self, part: &'a [u8]) -> Option<&'a str> {
        let (seen, part_at) = (self.ascii.as_ptr_range(), part.as_ptr_range());
        if seen.start <= part_at.start && part_at.end <= seen.end {
            debug_assert!(part.is_ascii());
            // SAFETY: `ascii` is set (by `push`) only to a slice in which the split
            // found no byte from 0x80 up, and `part` lies within it (both are
            // borrowed immutably, so those bytes have not changed): ASCII, which is
            // UTF-8. Only an empty `part` lies within an empty `ascii`.
            return Some(unsafe { std::str::from_utf8_unchecked(part) });
        }
        std::str::from_utf8(part).ok()
    }

    #[inline]
    pub fn is(&self, name: &str) -> bool {
        self.key == name_key(name) && eq_nocase(self.name.as_bytes(), name.as_bytes())
    }
}

/// The bytes [`Field::text`] cannot just borrow past, besides those that are not
/// ASCII: line ends and tabs.
const SPECIAL: [u8; 3] = [b'\r', b'\n', b'\t'];

/// The first `k` with `raw[k]` in [`SPECIAL`] or from 0x80 up.
#[inline]
fn first_special(raw: &[u8]) -> Option<usize> {
    crate::text::first_in_set_or_high(raw, &SPECIAL)
}

/// Unfold a raw header value.
pub fn unfold(raw: &[u8]) -> String {
    text_of(raw).into_owned()
}

/// [`unfold`], borrowing `raw` when the value is one line of valid UTF-8.
pub(crate) fn text_of(raw: &[u8]) -> std::borrow::Cow<'_, str> {
    let raw = trim_ws(raw);
    // One pass finds both a break and a byte that needs UTF-8 validation: most
    // values are one line of ASCII, which needs neither a search call nor a
    // validating call.
    match first_special(raw) {
        None => {
            debug_assert!(raw.is_ascii());
            // SAFETY: `first_special` found no byte from 0x80 up, so `raw` is
            // ASCII, which is UTF-8.
            std::borrow::Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(raw) })
        }
        // The first break is known: unfolding starts there.
        Some(at) if raw[at] < 0x80 => std::borrow::Cow::Owned(unfold_at(raw, at)),
        Some(_) => match memchr::memchr3(b'\r', b'\n', b'\t', raw) {
            None => match std::str::from_utf8(raw) {
                Ok(s) => std::borrow::Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(raw),
            },
            Some(at) => std::borrow::Cow::Owned(unfold_at(raw, at)),
        },
    }
}

/// [`unfold`] of a trimmed value whose first line end or tab is at `at`.
fn unfold_at(raw: &[u8], mut at: usize) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    // Copy runs between line ends and tabs in one go (a value has a few folds at most).
    loop {
        out.extend_from_slice(&raw[i..at]);
        i = at;
        if raw[i] == b'\t' {
            i += 1;
        } else {
            // Replace the line end and the following white space by a single space.
            while i < raw.len() && matches!(raw[i], b'\r' | b'\n' | b' ' | b'\t') {
                i += 1;
            }
        }
        out.push(b' ');
        match memchr::memchr3(b'\r', b'\n', b'\t', &raw[i..]) {
            Some(p) => at = i + p,
            None => break,
        }
    }
    out.extend_from_slice(&raw[i..]);
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// `s.trim_matches(chars)` for ASCII chars (`set` is true for their bytes only), a byte at a time (the char
/// pattern search costs more than the few bytes it looks at). Cutting next to an
/// ASCII byte keeps `s` valid UTF-8.
#[inline]
pub(crate) fn trim_set(s: &str, set: impl Fn(u8) -> bool) -> &str {
    let b = s.as_bytes();
    let start = b.iter().position(|&c| !set(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|&c| !set(c)).map_or(start, |p| p + 1);
    &s[start..end.max(start)]
}

fn trim_ws(raw: &[u8]) -> &[u8] {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let start = raw.iter().position(|b| !is_ws(b)).unwrap_or(raw.len());
    let end = raw.iter().rposition(|b| !is_ws(b)).map(|p| p + 1).unwrap_or(start);
    &raw[start..end.max(start)]
}

/// The parsed header block of one message.
#[derive(Debug, Clone)]
pub struct HeaderBlock<'a> {
    pub fields: Vec<Field<'a>>,
    /// Offset where the header block starts (after an mbox separator).
    pub start: usize,
    /// True when an empty line ended the header block (a body, possibly empty, follows).
    pub has_body_separator: bool,
    /// Lines inside the block that were neither a field nor a continuation.
    pub stray_lines: usize,
    /// True when the input ends inside the header block without a final line end.
    pub ends_mid_line: bool,
    /// First field of each lookup bucket, the rest chained through `Field::next`:
    /// the analysis looks up about 35 names per message in a block of about 45.
    heads: [u32; BUCKETS],
    /// `fields.len()` when the chains were built. `fields` is public: a block whose
    /// fields were changed since is searched field by field.
    indexed: usize,
}

impl<'a> HeaderBlock<'a> {
    /// The first field called `name` (ASCII case ignored).
    #[inline]
    pub fn get(&self, name: &str) -> Option<&Field<'a>> {
        if self.indexed != self.fields.len() {
            return self.fields.iter().find(|f| f.is(name));
        }
        let key = name_key(name);
        let mut at = self.heads[bucket(name.as_bytes())] as usize;
        // NO_FIELD ends a chain: no block has that many fields.
        while let Some(f) = self.fields.get(at) {
            if f.key == key && eq_nocase(f.name.as_bytes(), name.as_bytes()) {
                return Some(f);
            }
            at = f.next as usize;
        }
        None
    }
    /// Every field called `name`, in block order.
    pub fn all(&self, name: &'a str) -> impl Iterator<Item = &Field<'a>> + '_ {
        self.named(name)
    }
    #[inline]
    fn named<'n>(&self, name: &'n str) -> Named<'_, 'a, 'n> {
        let linear = self.indexed != self.fields.len();
        let at = if linear { 0 } else { self.heads[bucket(name.as_bytes())] as usize };
        Named { fields: &self.fields, at, linear, key: name_key(name), name }
    }
}

/// The fields of one name: along a bucket chain, or the whole block in order.
struct Named<'b, 'a, 'n> {
    fields: &'b [Field<'a>],
    at: usize,
    linear: bool,
    key: u32,
    name: &'n str,
}

impl<'b, 'a> Iterator for Named<'b, 'a, '_> {
    type Item = &'b Field<'a>;
    #[inline]
    fn next(&mut self) -> Option<&'b Field<'a>> {
        while let Some(f) = self.fields.get(self.at) {
            // NO_FIELD ends a chain: no block has that many fields.
            self.at = if self.linear { self.at + 1 } else { f.next as usize };
            if f.key == self.key && eq_nocase(f.name.as_bytes(), self.name.as_bytes()) {
                return Some(f);
            }
        }
        None
    }
}

/// Length of the line starting at `pos` without its line end, and the position after the line end.
fn line_at(raw: &[u8], pos: usize) -> (usize, usize, bool) {
    match memchr::memchr(b'\n', &raw[pos..]) {
        Some(n) => {
            let content_end = if n > 0 && raw[pos + n - 1] == b'\r' { pos + n - 1 } else { pos + n };
            (content_end, pos + n + 1, true)
        }
        None => (raw.len(), raw.len(), false),
    }
}

/// Where the field name ends (the colon), when the line is `name: value`.
/// RFC 5322 §3.6.8: printable ASCII except colon; we also allow a space before the
/// colon (obs-optional, written by some old gateways).
pub fn field_name_end(line: &[u8]) -> Option<usize> {
    scan_name(line, 0).map(|(_, colon)| colon)
}

/// The length of the field name that `raw` starts with (blanks before the colon
/// excluded), when its first line is `name: value`.
pub(crate) fn field_name_len(raw: &[u8]) -> Option<usize> {
    scan_name(raw, 0).map(|(name_end, _)| name_end)
}

/// High bit set in each byte of `w` that cannot be in a field name: anything but
/// printable ASCII, and the colon.
#[inline]
fn non_name_bytes(w: u64) -> u64 {
    let low7 = w & (0x7f * ONES);
    let printable = (low7 + (0x80 - 0x21) * ONES) & !(low7 + ONES) & !w;
    let colon = !((low7 ^ (u64::from(b':') * ONES)) + 0x7f * ONES);
    (!printable | colon) & HIGH
}

/// Bit `k` set when `chunk[k]` cannot be in a field name (as [`non_name_bytes`]).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn non_name_mask16(chunk: &[u8; 16]) -> u32 {
    // SAFETY: the cfg admits this only where SSE2 is enabled at compile time (every
    // x86_64 target), which is all `non_name_mask16_sse2` requires of its caller.
    unsafe { non_name_mask16_sse2(chunk) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn non_name_mask16_sse2(chunk: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let v = crate::text::lanes16(chunk);
    // A signed comparison: bytes from 0x80 up are negative, so below 0x21 too.
    let outside = _mm_cmplt_epi8(v, _mm_set1_epi8(0x21));
    let colon_or_del = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(b':' as i8)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
    _mm_movemask_epi8(_mm_or_si128(outside, colon_or_del)) as u32
}

/// Bit `k` set when `chunk[k]` cannot be in a field name (as [`non_name_bytes`]).
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn non_name_mask16(chunk: &[u8; 16]) -> u32 {
    let mut m = 0;
    for (k, part) in chunk.as_chunks::<8>().0.iter().enumerate() {
        let bad = non_name_bytes(u64::from_le_bytes(*part));
        m |= (((bad >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32) << (k * 8);
    }
    m
}

/// [`field_name_end`] for the line starting at `pos`, without finding the line end
/// first: a line end is not a name byte, so the name stops at it by itself. Returns
/// the end of the name (blanks before the colon excluded) and the colon.
#[inline]
fn scan_name(raw: &[u8], pos: usize) -> Option<(usize, usize)> {
    let mut i = pos;
    // Sixteen (else eight) bytes at a time: names are 2 to 40 bytes long, 20 on average.
    let name_end = loop {
        if let Some(chunk) = raw.get(i..).and_then(|r| r.first_chunk::<16>()) {
            let bad = non_name_mask16(chunk);
            if bad != 0 {
                break i + bad.trailing_zeros() as usize;
            }
            i += 16;
            continue;
        }
        match raw.get(i..i + 8) {
            Some(w) => {
                let bad = non_name_bytes(u64::from_le_bytes(w.try_into().unwrap()));
                if bad != 0 {
                    break i + (bad.trailing_zeros() / 8) as usize;
                }
                i += 8;
            }
            None => {
                while i < raw.len() && matches!(raw[i], 0x21..=0x7e) && raw[i] != b':' {
                    i += 1;
                }
                break i;
            }
        }
    };
    if name_end == pos {
        return None;
    }
    // Usually the colon follows the name directly.
    let mut i = name_end;
    while let Some(&b) = raw.get(i) {
        match b {
            b':' => return Some((name_end, i)),
            b' ' | b'\t' => i += 1,
            _ => return None,
        }
    }
    None
}

/// Bit `i` set when `chunk[i]` is a line feed; and a word that is not zero when a
/// byte of `chunk` is from 0x80 up.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn newline_mask(chunk: &[u8; 64]) -> (u64, u64) {
    // SAFETY: the cfg admits this only where SSE2 is enabled at compile time (every
    // x86_64 target), which is all `newline_mask_sse2` requires of its caller.
    unsafe { newline_mask_sse2(chunk) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn newline_mask_sse2(chunk: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128};
    let lf = _mm_set1_epi8(b'\n' as i8);
    let mut mask = 0;
    let mut any = _mm_setzero_si128();
    for (k, part) in chunk.as_chunks::<16>().0.iter().enumerate() {
        let v = crate::text::lanes16(part);
        mask |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf)) as u16) << (k * 16);
        any = _mm_or_si128(any, v);
    }
    // The movemask of the bytes themselves is their high bits.
    (mask, u64::from(_mm_movemask_epi8(any) as u16))
}

/// Bit `i` set when `chunk[i]` is a line feed; and a word that is not zero when a
/// byte of `chunk` is from 0x80 up.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn newline_mask(chunk: &[u8; 64]) -> (u64, u64) {
    newline_mask_words(chunk)
}

/// [`newline_mask`] a word at a time, where there is no SSE2 (and in the tests).
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[inline]
fn newline_mask_words(chunk: &[u8; 64]) -> (u64, u64) {
    let (mut mask, mut any) = (0, 0);
    for (k, part) in chunk.as_chunks::<8>().0.iter().enumerate() {
        let w = u64::from_le_bytes(*part);
        let x = w ^ (u64::from(b'\n') * ONES);
        // High bit of each zero byte of x, then the eight high bits gathered into one byte.
        let zero = !(((x & (0x7f * ONES)) + 0x7f * ONES) | x) & HIGH;
        mask |= ((zero >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (k * 8);
        any |= w;
    }
    (mask, any & HIGH)
}

/// How the line feeds of a 64-byte chunk are found: [`Plain`] everywhere, or with
/// AVX2 where the processor has it (the split reads every byte of the block, and
/// that search is a third of its cost). Whether a byte is from 0x80 up comes with
/// them for an OR and a movemask: it tells which fields are ASCII.
trait LineFeeds: Copy {
    /// The line feeds of `chunk`, a bit per byte, and a word that is not zero when
    /// a byte of `chunk` is from 0x80 up.
    fn mask(self, chunk: &[u8; 64]) -> (u64, u64);
}

/// [`newline_mask`]: SSE2 on x86_64, words elsewhere.
#[derive(Clone, Copy)]
struct Plain;

impl LineFeeds for Plain {
    #[inline(always)]
    fn mask(self, chunk: &[u8; 64]) -> (u64, u64) {
        newline_mask(chunk)
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(crate) use wide::Avx2;

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod wide {
    /// Proof that the processor has AVX2: only [`Avx2::detect`] makes one.
    #[derive(Clone, Copy)]
    pub(crate) struct Avx2(());

    impl Avx2 {
        #[inline]
        pub(crate) fn detect() -> Option<Avx2> {
            std::is_x86_feature_detected!("avx2").then_some(Avx2(()))
        }
    }

    impl super::LineFeeds for Avx2 {
        #[inline(always)]
        fn mask(self, chunk: &[u8; 64]) -> (u64, u64) {
            // SAFETY: an `Avx2` exists only where AVX2 was detected, which is all
            // `mask_avx2` requires of its caller.
            unsafe { mask_avx2(chunk) }
        }
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    fn mask_avx2(chunk: &[u8; 64]) -> (u64, u64) {
        use std::arch::x86_64::{__m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8};
        let lf = _mm256_set1_epi8(b'\n' as i8);
        let p = chunk.as_ptr().cast::<__m256i>();
        // SAFETY: both 32-byte loads lie within the 64 bytes of `chunk` (loadu
        // needs no alignment).
        let (lo, hi) = unsafe { (_mm256_loadu_si256(p), _mm256_loadu_si256(p.add(1))) };
        let feeds_lo = _mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, lf)) as u32;
        let feeds_hi = _mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, lf)) as u32;
        // The movemask of the bytes themselves is their high bits.
        let any = _mm256_movemask_epi8(_mm256_or_si256(lo, hi)) as u32;
        (u64::from(feeds_lo) | (u64::from(feeds_hi) << 32), u64::from(any))
    }

    /// [`super::line_feed`] compiled for AVX2, for the test against the plain search.
    #[cfg(test)]
    #[target_feature(enable = "avx2")]
    pub(super) fn line_feed(raw: &[u8], at: usize, avx2: Avx2, high: &mut u64) -> Option<usize> {
        super::line_feed(raw, at, avx2, high)
    }

    /// [`super::split_from`] compiled for AVX2, so the chunk masks inline.
    #[target_feature(enable = "avx2")]
    pub(super) fn split_from(raw: &[u8], start: usize, avx2: Avx2) -> super::HeaderBlock<'_> {
        super::split_with(raw, start, avx2)
    }
}

/// The first line feed of `raw` at or after `at`. Header lines are about 50 bytes
/// long, so the 64 bytes from a line's start nearly always hold its line feed: one
/// mask per line, and the step to the next chunk is taken only by long lines (a
/// running mask over fixed chunks ran out at irregular lines, a branch the
/// processor kept mispredicting).
///
/// `high` is OR-ed with a word that is not zero when a byte of the chunks loaded,
/// which hold the bytes from `at` to that line feed (or to the end of `raw`), is
/// from 0x80 up. The chunks hold bytes around the line too, which can only make a
/// field that is ASCII look as if it were not (and be validated when read).
#[inline(always)]
fn line_feed<L: LineFeeds>(raw: &[u8], mut at: usize, feeds: L, high: &mut u64) -> Option<usize> {
    while let Some(chunk) = raw.get(at..).and_then(|r| r.first_chunk::<64>()) {
        let (mask, any) = feeds.mask(chunk);
        *high |= any;
        if mask != 0 {
            return Some(at + mask.trailing_zeros() as usize);
        }
        at += 64;
    }
    if at >= raw.len() {
        return None;
    }
    // Fewer than 64 bytes left: the last 64 bytes of `raw` without those before `at`
    // (so `skip` is 1 to 63), or the rest alone padded with zeros (a short input).
    let (mask, any) = match raw.last_chunk::<64>() {
        Some(chunk) => {
            let skip = at - (raw.len() - 64);
            let (mask, any) = feeds.mask(chunk);
            (mask >> skip, any)
        }
        None => {
            let mut padded = [0; 64];
            padded[..raw.len() - at].copy_from_slice(&raw[at..]);
            feeds.mask(&padded)
        }
    };
    *high |= any;
    (mask != 0).then(|| at + mask.trailing_zeros() as usize)
}

/// Where the header block starts: after leading blank lines, an mbox `From `
/// separator, and up to three stray lines (a log line or a tool banner pasted above
/// the message) when real header fields with a `Received:` follow.
pub fn header_start(raw: &[u8]) -> usize {
    // A UTF-8 byte order mark (Windows editors add one when saving a pasted header).
    let mut pos = if raw.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    while pos < raw.len() && matches!(raw[pos], b' ' | b'\t' | b'\r' | b'\n') {
        pos += 1;
    }
    if raw[pos..].starts_with(b"From ") && scan_name(raw, pos).is_none() {
        pos = line_at(raw, pos).1;
    }
    let mut probe = pos;
    for _ in 0..3 {
        // Usually the first line is a field already.
        if probe >= raw.len() || scan_name(raw, probe).is_some() {
            break;
        }
        let next = line_at(raw, probe).1;
        if next < raw.len() && scan_name(raw, next).is_some() {
            let rest = &raw[next..raw.len().min(next + 64 * 1024)];
            if rest.starts_with(b"Received:") || has_received_line(rest) {
                return next;
            }
        }
        probe = next;
    }
    pos
}

/// A line starting `Received:` (any case) after the first line of `raw`.
pub(crate) fn has_received_line(raw: &[u8]) -> bool {
    memchr::memchr_iter(b'\n', raw).any(|p| raw.get(p + 1..p + 10).is_some_and(|w| w.eq_ignore_ascii_case(b"received:")))
}

thread_local! {
    /// The emptied field list of the last block dropped, for the next `split`. A
    /// list for a typical message (about 45 fields) is several kilobytes: getting
    /// one from the allocator and giving it back cost more per message than most
    /// steps of the analysis.
    static SPARE_FIELDS: std::cell::Cell<Vec<Field<'static>>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Lists longer than this go back to the allocator (an adversarial block of
/// 100,000 fields must not stay allocated).
const SPARE_LIMIT: usize = 1024;

/// An empty field list, reusing the spare one when there is one.
fn spare_fields<'a>() -> Vec<Field<'a>> {
    let mut v = relabel(SPARE_FIELDS.with(|s| s.take()));
    if v.capacity() == 0 {
        v.reserve(96);
    }
    v
}

/// An emptied `Vec<Field>` with another lifetime, on the same allocation (the
/// element layout is the same, so the in-place collect keeps the buffer).
fn relabel<'a, 'b>(mut v: Vec<Field<'a>>) -> Vec<Field<'b>> {
    v.clear();
    v.into_iter().map(|_| -> Field<'b> { unreachable!() }).collect()
}

impl Drop for HeaderBlock<'_> {
    fn drop(&mut self) {
        let fields = std::mem::take(&mut self.fields);
        if fields.capacity() <= SPARE_LIMIT {
            SPARE_FIELDS.with(|s| s.set(relabel(fields)));
        }
    }
}

/// Split `raw` into header fields. Never fails: garbage yields no fields.
pub fn split(raw: &[u8]) -> HeaderBlock<'_> {
    split_from(raw, header_start(raw))
}

fn split_from(raw: &[u8], start: usize) -> HeaderBlock<'_> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if let Some(avx2) = wide::Avx2::detect() {
        // SAFETY: AVX2 was just detected, which is all `wide::split_from` needs.
        return unsafe { wide::split_from(raw, start, avx2) };
    }
    split_with(raw, start, Plain)
}

/// One forward pass over the lines from `start`: a line starting with a blank
/// continues the current field, a `Name:` line starts the next one, an empty line
/// ends the block.
#[inline(always)]
fn split_with<L: LineFeeds>(raw: &[u8], start: usize, feeds: L) -> HeaderBlock<'_> {
    let mut block = HeaderBlock {
        fields: spare_fields(),
        start,
        has_body_separator: false,
        stray_lines: 0,
        ends_mid_line: false,
        heads: [NO_FIELD; BUCKETS],
        indexed: 0,
    };
    // The field being read: where it starts, where its name ends, where its value
    // starts; `last_lf` is the line feed after its last line (the input's end when
    // there is none).
    let mut current: Option<(usize, usize, usize)> = None;
    let mut last_lf = 0;
    // Not zero when a byte from 0x80 up was loaded with a line read since the
    // current field's first line (stray lines too, which may end up inside its
    // span): its value is then validated when read, not borrowed as ASCII.
    let mut high = 0;
    let mut pos = start;
    while pos < raw.len() {
        let mut line_high = 0;
        let lf = match line_feed(raw, pos, feeds, &mut line_high) {
            Some(lf) => lf,
            None => {
                block.ends_mid_line = true;
                raw.len()
            }
        };
        let first = raw[pos];
        if (first == b' ' || first == b'\t') && current.is_some() {
            // A continuation: only where the field's last line ends matters.
            last_lf = lf;
            high |= line_high;
            pos = lf + 1;
            continue;
        }
        let content_end = if lf > pos && lf < raw.len() && raw[lf - 1] == b'\r' { lf - 1 } else { lf };
        if content_end == pos {
            block.has_body_separator = true;
            break;
        } else if let Some((name_end, colon)) = scan_name(raw, pos) {
            if let Some(field) = current {
                push(raw, field, last_lf, high == 0, &mut block);
            }
            high = line_high;
            let mut value_start = colon + 1;
            // Blanks stop at the line end by themselves.
            while let Some(b' ' | b'\t') = raw.get(value_start) {
                value_start += 1;
            }
            current = Some((pos, name_end, value_start));
            last_lf = lf;
        } else {
            // Not a field: a stray mbox separator line, or a stray line. Three stray
            // lines in a row are prose or a body: the header block is over.
            block.stray_lines += 1;
            high |= line_high;
            let separator = raw[pos..].starts_with(b"From ") || raw[pos..].starts_with(b">From ");
            if block.stray_lines > 3 && block.fields.len() < 2 && !separator {
                break;
            }
        }
        pos = lf + 1;
    }
    if let Some(field) = current {
        push(raw, field, last_lf, high == 0, &mut block);
    }
    // Chains hold u32 indices; a block too large for them is searched in order.
    if block.fields.len() < NO_FIELD as usize {
        // Chained in a pass of their own, from the last field back, each put in
        // front of its bucket's chain (so chains run in block order): in the loop
        // above, the chain ends were more values kept across each line than
        // registers hold, and the spills cost more than this pass.
        for (i, f) in block.fields.iter_mut().enumerate().rev() {
            let b = bucket(f.name.as_bytes());
            f.next = block.heads[b];
            block.heads[b] = i as u32;
        }
        block.indexed = block.fields.len();
    } else {
        block.indexed = usize::MAX;
    }
    block
}

#[inline(always)]
fn push<'a>(raw: &'a [u8], (start, name_end, value_start): (usize, usize, usize), last_lf: usize, ascii: bool, block: &mut HeaderBlock<'a>) {
    // The field's line feed follows its name, so `last_lf - 1` is inside the field.
    let end = if last_lf < raw.len() && raw[last_lf - 1] == b'\r' { last_lf - 1 } else { last_lf };
    // `>From:` quoting (mbox exporters apply it to header lines too).
    let name_start = if raw[start] == b'>' { start + 1 } else { start };
    let bytes = &raw[name_start..name_end];
    debug_assert!(bytes.is_ascii());
    // SAFETY: scan_name accepted only printable ASCII in the name (the validating
    // conversion costs more than the rest of the split).
    let name = unsafe { std::str::from_utf8_unchecked(bytes) };
    let raw_value = &raw[value_start.min(end)..end];
    block.fields.push(Field { name, raw_value, span: (start, end), key: name_key(name), next: NO_FIELD, ascii: if ascii { raw_value } else { &[] } });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_folded_fields_with_spans() {
        let raw = b"From x@y Mon Jan  1 00:00:00 2026\nReceived: from a\n\tby b; Mon, 1 Jan 2026 00:00:00 +0000\r\nSubject: hi\n\nbody: not a header\n";
        let block = split(raw);
        assert_eq!(block.fields.len(), 2);
        assert_eq!(block.fields[0].name, "Received");
        assert_eq!(block.fields[0].value(), "from a by b; Mon, 1 Jan 2026 00:00:00 +0000");
        assert_eq!(block.fields[0].text(), block.fields[0].value());
        assert!(matches!(block.fields[1].text(), std::borrow::Cow::Borrowed("hi")));
        // Both are ASCII, which the split noted.
        assert!(block.fields.iter().all(|f| std::ptr::eq(f.ascii, f.raw_value)));
        let other = split(b"A: x\r\n y\xe9\r\nB: \xe9\r\nC: z\r\n");
        assert_eq!(other.fields.iter().map(|f| !f.ascii.is_empty()).collect::<Vec<_>>(), [false, false, true]);
        let (s, e) = block.fields[1].span;
        assert_eq!(&raw[s..e], b"Subject: hi");
        assert!(block.has_body_separator);
    }

    #[test]
    fn name_masks_match_plain() {
        let plain = |b: u8| !matches!(b, 0x21..=0x7e) || b == b':';
        for base in 0..=255u8 {
            let chunk: [u8; 16] = std::array::from_fn(|k| base.wrapping_add((k * 17) as u8));
            let want = chunk.iter().enumerate().fold(0u32, |m, (k, &b)| m | (u32::from(plain(b)) << k));
            assert_eq!(non_name_mask16(&chunk), want, "{chunk:?}");
            let w = u64::from_le_bytes(chunk[..8].try_into().unwrap());
            let words = (0..8).fold(0u64, |m, k| m | (u64::from(plain(chunk[k])) << (8 * k + 7)));
            assert_eq!(non_name_bytes(w), words);
        }
        for line in [&b"X-Very-Long-Header-Name-Here-Too: v"[..], b"Subject : x", b"Sub\x80ject: x", b"Name\x7f: x", b"A:", b"no colon at all here, sorry", b"Received:from"] {
            let slow = line.iter().position(|&b| plain(b)).unwrap_or(line.len());
            assert_eq!(field_name_len(line), (slow > 0 && line[slow..].iter().find(|&&b| b != b' ' && b != b'\t') == Some(&b':')).then_some(slow), "{line:?}");
        }
    }

    #[test]
    fn line_feed_masks_match_plain() {
        let mut raw = b"Received: from a\r\n\tby b\nX: y\n\n".repeat(9);
        raw.extend((0..=255u8).cycle().take(700));
        for at in 0..raw.len() - 64 {
            let chunk: &[u8; 64] = raw[at..].first_chunk().unwrap();
            let want = chunk.iter().enumerate().fold(0u64, |m, (k, &b)| m | (u64::from(b == b'\n') << k));
            let (mask, any) = Plain.mask(chunk);
            assert_eq!((mask, any != 0), (want, !chunk.is_ascii()));
            let (mask, any) = newline_mask_words(chunk);
            assert_eq!((mask, any != 0), (want, !chunk.is_ascii()));
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            if let Some(avx2) = wide::Avx2::detect() {
                let (mask, any) = avx2.mask(chunk);
                assert_eq!((mask, any != 0), (want, !chunk.is_ascii()));
            }
        }
        // Both splits agree field by field, from every start.
        for start in 0..raw.len() {
            let a = split_with(&raw, start, Plain);
            let b = split_from(&raw, start);
            assert_eq!(a.fields.len(), b.fields.len());
            assert!(a.fields.iter().zip(&b.fields).all(|(x, y)| x.span == y.span && x.raw_value == y.raw_value && x.name == y.name && x.ascii == y.ascii));
            // A field is marked ASCII only when its lines are (a stray line after
            // its last one may unmark it: the split reads it as one of its lines).
            for f in &a.fields {
                // The name index finds the fields of a name in block order.
                let chained: Vec<usize> = a.all(f.name).map(|g| g.span.0).collect();
                let linear: Vec<usize> = a.fields.iter().filter(|g| g.is(f.name)).map(|g| g.span.0).collect();
                assert_eq!(chained, linear);
                assert_eq!(a.get(f.name).map(|g| g.span.0), linear.first().copied());
                assert_eq!(f.raw_str(), std::str::from_utf8(f.raw_value).ok());
                assert!(f.ascii.is_empty() || raw[f.span.0..f.span.1].is_ascii());
            }
            assert_eq!((a.has_body_separator, a.stray_lines, a.ends_mid_line), (b.has_body_separator, b.stray_lines, b.ends_mid_line));
        }
    }

    #[test]
    fn text_finds_breaks_and_non_ascii_as_plain() {
        let mut raw = b"Subject: one line of ascii, long enough to span chunks\r\n fold\there \xc3\xa9t\xc3\xa9 \xff\xfe end\n".repeat(2);
        raw.extend((0..=255u8).flat_map(|b| [b, b'a', b' ']));
        for chunk in raw.windows(16) {
            let want = chunk.iter().enumerate().fold(0u32, |m, (k, &b)| m | (u32::from(b >= 0x80 || SPECIAL.contains(&b)) << k));
            assert_eq!(crate::text::set_or_high_mask16(chunk.try_into().unwrap(), &SPECIAL), want);
        }
        for start in (0..raw.len()).step_by(3) {
            for end in [start, start + 1, start + 7, start + 15, start + 16, start + 17, start + 40, start + 120] {
                let r = &raw[start..end.min(raw.len())];
                assert_eq!(first_special(r), r.iter().position(|&b| b >= 0x80 || SPECIAL.contains(&b)), "{r:?}");
                let f = Field { name: "X", raw_value: r, span: (0, 0), key: 0, next: NO_FIELD, ascii: &[] };
                let t = trim_ws(r);
                let want = match memchr::memchr3(b'\r', b'\n', b'\t', t) {
                    None => String::from_utf8_lossy(t).into_owned(),
                    Some(at) => unfold_at(t, at),
                };
                assert_eq!(f.text(), want, "{r:?}");
                assert_eq!(unfold(r), want, "{r:?}");
            }
        }
    }

    #[test]
    fn folded_fields_end_after_their_last_line() {
        let raw = b"A: 1\r\n 2\r\n\t3\r\nB:\r\nstray\r\n 4\r\nC: x\n y";
        let block = split(raw);
        let spans: Vec<&[u8]> = block.fields.iter().map(|f| &raw[f.span.0..f.span.1]).collect();
        assert_eq!(spans, [&b"A: 1\r\n 2\r\n\t3"[..], b"B:\r\nstray\r\n 4", b"C: x\n y"]);
        let values: Vec<&[u8]> = block.fields.iter().map(|f| f.raw_value).collect();
        assert_eq!(values, [&b"1\r\n 2\r\n\t3"[..], b"\r\nstray\r\n 4", b"x\n y"]);
        assert_eq!((block.stray_lines, block.ends_mid_line), (1, true));
        let block = split(b"A: 1\r\nB: 2\r\n 3\r\n\r\nbody");
        assert_eq!(block.fields.iter().map(|f| f.raw_value).collect::<Vec<_>>(), [&b"1"[..], b"2\r\n 3"]);
        assert!(block.has_body_separator);
    }

    #[test]
    fn trim_set_is_trim_matches() {
        for s in ["", "\"", "\"\"", "<a@b>", "<<x.>>.", "\"é\"", "é<", "a", "..", "<é.>", " <a> "] {
            assert_eq!(trim_set(s, |b| matches!(b, b'<' | b'>' | b'.')), s.trim_matches(['<', '>', '.']), "{s:?}");
            assert_eq!(trim_set(s, |b| b == b'"'), s.trim_matches('"'), "{s:?}");
            assert_eq!(trim_set(s, |b| matches!(b, b'<' | b'>')), s.trim_matches(['<', '>']), "{s:?}");
        }
    }

    #[test]
    fn eq_nocase_is_eq_ignore_ascii_case() {
        let names = ["", "a", "To", "CC", "From", "fROM", "Date", "Dat@", "Dat`", "Sender", "sender", "Subject", "SUBJECT", "Subjecu", "X-Mailer", "x-mAILER", "Message-ID", "Message-Id", "Messagd-ID", "DKIM-Signature", "[\\]^_`{", "{|}~\x7f@AZ", "\u{e9}t\u{e9}", "\u{c9}T\u{c9}"];
        for a in names {
            for b in names {
                assert_eq!(eq_nocase(a.as_bytes(), b.as_bytes()), a.eq_ignore_ascii_case(b), "{a:?} {b:?}");
            }
        }
        // Every byte pair at every position of four- to nine-byte names.
        for n in 4..10 {
            for x in 0..=255u8 {
                for y in [x, x ^ 0x20, x.wrapping_add(1), b'a', b'A', 0x80 | x] {
                    for k in 0..n {
                        let mut a = vec![b'q'; n];
                        let mut b = vec![b'Q'; n];
                        a[k] = x;
                        b[k] = y;
                        assert_eq!(eq_nocase(&a, &b), a.eq_ignore_ascii_case(&b), "{a:?} {b:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn line_feed_is_memchr() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..300 {
            for density in [3, 40, 200] {
                let raw: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        // Mostly ASCII (all of it for a third of the lengths), so that
                        // lines without a high byte occur too.
                        if seed % density == 0 {
                            b'\n'
                        } else if len % 3 != 0 && seed % 53 < 2 {
                            (seed >> 8) as u8 | 0x80
                        } else {
                            (seed >> 8) as u8 & 0x7f
                        }
                    })
                    .collect();
                for at in 0..=len + 1 {
                    let plain = raw.get(at..).and_then(|r| memchr::memchr(b'\n', r)).map(|i| at + i);
                    // A high byte on the line is always seen; none is seen in ASCII input.
                    let line_high = raw.get(at..plain.unwrap_or(len)).is_some_and(|r| !r.is_ascii());
                    let check = |lf: Option<usize>, high: u64| {
                        assert_eq!(lf, plain, "{len} {at}");
                        assert!(high != 0 || !line_high, "{len} {at}");
                        assert!(high == 0 || !raw.is_ascii(), "{len} {at}");
                    };
                    let mut high = 0;
                    check(line_feed(&raw, at, Plain, &mut high), high);
                    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
                    if let Some(avx2) = Avx2::detect() {
                        let mut high = 0;
                        // SAFETY: AVX2 was just detected.
                        check(unsafe { wide::line_feed(&raw, at, avx2, &mut high) }, high);
                    }
                }
            }
        }
    }

    #[test]
    fn garbage_never_panics() {
        for raw in [&b""[..], b"\n\n", b":", b"\r", b"a:\r", b" \t x", b"From ", b"From \n\n"] {
            let _ = split(raw);
        }
    }
}
