//! Organisational domains ("registrable domain", RFC 7489 §3.2) from host names.
//!
//! The rule of the Public Suffix List: the organisational domain is the public suffix
//! plus one label. The full list is about 250 KB, more than the extension's whole
//! size budget allows, and its private section (blogspot.com, …) does not matter for
//! mail servers. So `data/psl-icann-subset.txt` holds only multi-label ICANN suffixes
//! (every jp second-level and prefecture suffix, and the registries of the ccTLDs spam
//! commonly comes from); any other name uses its TLD as the suffix, which is what the
//! PSL's default rule `*` says too. Wildcard rules (`*.kawasaki.jp`) are treated as
//! plain suffixes: that merges a few city domains, which costs nothing for trust
//! decisions.

const DATA: &str = include_str!("../data/psl-icann-subset.txt");

/// FNV-1a: the tables are small, fixed and not attacker-chosen, so SipHash's
/// flooding resistance buys nothing and costs a visible share of an analysis.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// A fixed set of strings, each with a value: open addressing over a table at most
/// a quarter full, hashed from the length and the first and last four bytes. The
/// keys (domains and suffixes) are short and many names are looked up per message:
/// hashing every byte (FNV's multiply a byte is a chain of dependent steps) took
/// longer than the rest of the lookup.
pub(crate) struct StrTable<V: Copy> {
    slots: Vec<Option<(&'static str, V)>>,
    shift: u32,
    /// Keys shorter than four bytes, searched in turn (the tables have none).
    short: Vec<(&'static str, V)>,
}

impl<V: Copy> StrTable<V> {
    /// The first value given for each key counts.
    pub(crate) fn new(entries: impl IntoIterator<Item = (&'static str, V)>) -> StrTable<V> {
        let entries: Vec<(&'static str, V)> = entries.into_iter().collect();
        let bits = (entries.len().max(1) * 4).next_power_of_two().trailing_zeros();
        let mut t = StrTable { slots: vec![None; 1 << bits], shift: 64 - bits, short: Vec::new() };
        for (k, v) in entries {
            if t.get(k.as_bytes()).is_some() {
                continue;
            }
            if k.len() < 4 {
                t.short.push((k, v));
                continue;
            }
            let mut i = t.slot(k.as_bytes());
            while t.slots[i].is_some() {
                i = (i + 1) & (t.slots.len() - 1);
            }
            t.slots[i] = Some((k, v));
        }
        t
    }

    fn slot(&self, key: &[u8]) -> usize {
        let n = key.len();
        let head = u32::from_le_bytes([key[0], key[1], key[2], key[3]]);
        let tail = u32::from_le_bytes([key[n - 4], key[n - 3], key[n - 2], key[n - 1]]);
        let h = ((u64::from(head) << 32 | u64::from(tail)) ^ n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> self.shift) as usize
    }

    pub(crate) fn get(&self, key: &[u8]) -> Option<V> {
        if key.len() < 4 {
            return self.short.iter().find(|(k, _)| k.as_bytes() == key).map(|&(_, v)| v);
        }
        let mut i = self.slot(key);
        while let Some((k, v)) = self.slots[i] {
            if k.len() == key.len() && k.as_bytes() == key {
                return Some(v);
            }
            i = (i + 1) & (self.slots.len() - 1);
        }
        None
    }
}

/// The suffix set, the most dots any suffix has (longer names need no lookup), and
/// the last labels of the suffixes: two-letter ones as bits (`a`..`z` squared),
/// others listed.
struct Suffixes {
    set: StrTable<()>,
    max_dots: usize,
    tld2: [u64; 11],
    tld_other: Vec<&'static str>,
}

fn suffixes() -> &'static Suffixes {
    static SET: std::sync::OnceLock<Suffixes> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        let list: Vec<&'static str> = DATA.lines().filter(|l| !l.starts_with('#')).flat_map(str::split_whitespace).collect();
        let max_dots = list.iter().map(|s| s.bytes().filter(|&b| b == b'.').count()).max().unwrap_or(0);
        let mut tld2 = [0u64; 11];
        let mut tld_other = Vec::new();
        for s in &list {
            let tld = s.rsplit('.').next().unwrap_or(s);
            match tld2_index(tld.as_bytes()) {
                Some(i) => tld2[i / 64] |= 1 << (i % 64),
                None if !tld_other.contains(&tld) => tld_other.push(tld),
                None => {}
            }
        }
        Suffixes { set: StrTable::new(list.into_iter().map(|s| (s, ()))), max_dots, tld2, tld_other }
    })
}

/// Bit index of a two-letter lower-case TLD.
fn tld2_index(tld: &[u8]) -> Option<usize> {
    match tld {
        [a @ b'a'..=b'z', b @ b'a'..=b'z'] => Some(usize::from(a - b'a') * 26 + usize::from(b - b'a')),
        _ => None,
    }
}

/// Can a suffix end in this TLD (any case)? Most names are under a TLD none does
/// (com, net, de, …): their suffix is the TLD, with no lookup at all.
fn tld_has_suffixes(tld: &[u8]) -> bool {
    let t = suffixes();
    let two_letters = match tld {
        [a, b] => tld2_index(&[a.to_ascii_lowercase(), b.to_ascii_lowercase()]),
        _ => None,
    };
    if let Some(i) = two_letters {
        return t.tld2[i / 64] & (1 << (i % 64)) != 0;
    }
    t.tld_other.iter().any(|o| o.as_bytes().eq_ignore_ascii_case(tld))
}

fn is_suffix(candidate: &str) -> bool {
    suffixes().set.get(candidate.as_bytes()).is_some()
}

/// The organisational domain of `host` (lower-cased), or `None` for an IP literal
/// or a single label.
pub fn organisational_domain(host: &str) -> Option<String> {
    organisational_domain_lower(host).map(|(s, lowered)| if lowered { s.to_ascii_lowercase() } else { s.to_string() })
}

/// [`organisational_domain`], lent to `f` instead of copied. The answer is a slice
/// of `host` (the organisational domain is its tail), lower-cased on the stack only
/// when the name has upper case: computing it is cheaper than looking it up in a
/// table, so nothing is remembered.
pub(crate) fn with_org<R>(host: &str, f: impl FnOnce(Option<&str>) -> R) -> R {
    match organisational_domain_lower(host) {
        None => f(None),
        Some((s, false)) => f(Some(s)),
        // A buffer (128 bytes to clear) only for the rare name with upper case.
        Some((s, true)) => f(Some(OrgBuf::new().lower(s))),
    }
}

/// Where [`with_org`] lower-cases an answer: on the stack, or on the heap when long.
pub(crate) struct OrgBuf {
    pub(crate) bytes: [u8; 128],
    pub(crate) long: String,
}

impl OrgBuf {
    pub(crate) fn new() -> OrgBuf {
        OrgBuf { bytes: [0; 128], long: String::new() }
    }

    /// `s` lower-cased into this buffer: on the stack when it fits.
    pub(crate) fn lower(&mut self, s: &str) -> &str {
        if s.len() <= self.bytes.len() {
            let out = &mut self.bytes[..s.len()];
            out.copy_from_slice(s.as_bytes());
            out.make_ascii_lowercase();
            // SAFETY: ASCII lower-casing of a `str` keeps it valid UTF-8.
            return unsafe { std::str::from_utf8_unchecked(out) };
        }
        self.long = s.to_ascii_lowercase();
        &self.long
    }
}

/// Per-analysis answers: the sending-pool family (index into
/// `providers::families()`) of host names. Held inline, keys one after another in
/// a fixed buffer: a message asks about a handful of names, and a heap string per
/// name (and freeing them all afterwards) cost more than the lookups saved.
pub(crate) struct Tables {
    keys: [u8; 512],
    /// (end of the key in `keys`, family index or `NO_FAMILY`), the first `len` used.
    entries: [(u16, u16); 32],
    len: usize,
}

/// The answer "no family" in [`Tables`] (indices are below 256).
const NO_FAMILY: u16 = u16::MAX;

impl Default for Tables {
    fn default() -> Tables {
        Tables { keys: [0; 512], entries: [(0, 0); 32], len: 0 }
    }
}

impl Tables {
    fn get(&self, key: &str) -> Option<Option<usize>> {
        let mut start = 0;
        for &(end, v) in &self.entries[..self.len] {
            let end = usize::from(end);
            if &self.keys[start..end] == key.as_bytes() {
                return Some((v != NO_FAMILY).then_some(usize::from(v)));
            }
            start = end;
        }
        None
    }

    /// Remember `key` when there is room (a name that does not fit is computed again).
    fn insert(&mut self, key: &str, v: Option<usize>) {
        let start = self.len.checked_sub(1).map_or(0, |i| usize::from(self.entries[i].0));
        let end = start + key.len();
        let v = match v {
            None => NO_FAMILY,
            Some(v) => match u16::try_from(v) {
                Ok(v) if v != NO_FAMILY => v,
                _ => return,
            },
        };
        if self.len == self.entries.len() || end > self.keys.len() {
            return;
        }
        self.keys[start..end].copy_from_slice(key.as_bytes());
        self.entries[self.len] = (end as u16, v);
        self.len += 1;
    }
}
/// The table stays in place from one analysis to the next and is emptied (its
/// `len` set to 0) on the way in and out: swapping a fresh one in and the old one
/// back copied its 650 bytes three times per analysis. `depth` counts the analyses
/// running on this thread; outside any, nothing is looked up or remembered.
struct Memo {
    depth: std::cell::Cell<u32>,
    tables: std::cell::RefCell<Tables>,
}

/// Look `key` up in the per-analysis outbound table, or compute and remember it.
pub(crate) fn memo_outbound(key: &str, compute: impl FnOnce() -> Option<usize>) -> Option<usize> {
    let cached = MEMO.with(|m| (m.depth.get() > 0).then(|| m.tables.borrow().get(key)));
    match cached {
        None => compute(),
        Some(Some(v)) => v,
        Some(None) => {
            let v = compute();
            MEMO.with(|m| {
                if m.depth.get() > 0 {
                    m.tables.borrow_mut().insert(key, v);
                }
            });
            v
        }
    }
}

thread_local! {
    static MEMO: Memo = const {
        Memo { depth: std::cell::Cell::new(0), tables: std::cell::RefCell::new(Tables { keys: [0; 512], entries: [(0, 0); 32], len: 0 }) }
    };
}

/// Run `f` (one analysis) with an empty memo table for [`organisational_domain`],
/// emptied again afterwards: nothing is kept from one analysis to the next. An
/// analysis run inside another shares the outer one's table (the answers depend
/// on the key alone), and the table is emptied when the outermost one ends.
pub(crate) fn with_memo<T>(f: impl FnOnce() -> T) -> T {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            MEMO.with(|m| {
                let depth = m.depth.get() - 1;
                m.depth.set(depth);
                if depth == 0 {
                    if let Ok(mut t) = m.tables.try_borrow_mut() {
                        t.len = 0;
                    }
                }
            });
        }
    }
    MEMO.with(|m| {
        let depth = m.depth.get();
        if depth == 0 {
            m.tables.borrow_mut().len = 0;
        }
        m.depth.set(depth + 1);
    });
    let _leave = Leave;
    f()
}

/// What [`organisational_domain_lower`] needs to know of a name's bytes: which
/// kinds of byte occur among the non-dots, how many dots there are and where the
/// last three are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scan {
    flags: u8,
    dots: usize,
    /// The last three dots, newest first.
    d1: Option<usize>,
    d2: Option<usize>,
    d3: Option<usize>,
}

const UPPER: u8 = 1;
const NONDIGIT: u8 = 2;
const COLON: u8 = 4;
const LT: u8 = 8;

/// [`Scan`] of a name, or `None` when a label is empty (a leading dot or two in a
/// row; the caller has cut trailing dots). Sixteen bytes at a time where SSE2 is
/// there (x86_64 always has it), else a byte at a time.
fn scan(b: &[u8]) -> Option<Scan> {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        scan_sse2(b)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        scan_bytes(b)
    }
}

/// [`scan`] a byte at a time: one table lookup a byte says what kind of byte it is
/// (the flags of all non-dot bytes are OR-ed), dots tracked apart.
fn scan_bytes(b: &[u8]) -> Option<Scan> {
    const DOT: u8 = 16;
    const CLASS: [u8; 256] = {
        let mut t = [NONDIGIT; 256];
        let mut c = 0;
        while c < 256 {
            let b = c as u8;
            t[c] = if b == b'.' {
                DOT
            } else if b.is_ascii_digit() {
                0
            } else if b.is_ascii_uppercase() {
                UPPER | NONDIGIT
            } else if b == b':' {
                COLON | NONDIGIT
            } else if b == b'<' {
                LT | NONDIGIT
            } else {
                NONDIGIT
            };
            c += 1;
        }
        t
    };
    let (mut flags, mut dots) = (0u8, 0usize);
    let mut prev_dot = true; // an empty first label
    let (mut d1, mut d2, mut d3) = (None, None, None);
    for (i, &c) in b.iter().enumerate() {
        let k = CLASS[usize::from(c)];
        if k == DOT {
            if prev_dot {
                return None; // an empty label
            }
            prev_dot = true;
            dots += 1;
            (d3, d2, d1) = (d2, d1, Some(i));
            continue;
        }
        prev_dot = false;
        flags |= k;
    }
    Some(Scan { flags, dots, d1, d2, d3 })
}

/// [`scan`] with SSE2: each kind of byte becomes a 16-bit mask per block. The last
/// block is read again from the end of the name (lanes already seen masked off);
/// a name shorter than a block is scanned a byte at a time.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn scan_sse2(b: &[u8]) -> Option<Scan> {
    use std::arch::x86_64::*;
    let n = b.len();
    if n < 16 {
        // Copying a short name into a block costs what scanning it bytewise does.
        return scan_bytes(b);
    }
    let (mut flags, mut dots) = (0u8, 0usize);
    let mut prev_dot = 1u32; // an empty first label
    let (mut d1, mut d2, mut d3) = (None, None, None);
    let mut at = 0;
    while at < n {
        // The block starts at `base`; lanes below `at - base` were seen already.
        let base = if at + 16 <= n { at } else { n - 16 };
        let seen = at - base;
        let valid = (0xffffu32 << seen) & 0xffff;
        // SAFETY: `base + 16 <= n` (the name is at least 16 bytes long), and
        // SSE2 is enabled for this target (the cfg above); loadu has no alignment need.
        let (dot, digit, upper, colon, lt) = unsafe {
            let v = _mm_loadu_si128(b.as_ptr().add(base).cast());
            let eq = |c: u8| _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8))) as u32;
            // Unsigned ranges as signed ones: flip the top bit of both sides.
            let f = _mm_xor_si128(v, _mm_set1_epi8(-128));
            let range = |lo: u8, hi: u8| {
                let above = _mm_cmpgt_epi8(f, _mm_set1_epi8((lo ^ 0x80) as i8 - 1));
                let below = _mm_cmplt_epi8(f, _mm_set1_epi8((hi ^ 0x80) as i8 + 1));
                _mm_movemask_epi8(_mm_and_si128(above, below)) as u32
            };
            (eq(b'.'), range(b'0', b'9'), range(b'A', b'Z'), eq(b':'), eq(b'<'))
        };
        let dot = dot & valid;
        if dot & ((dot << 1) | (prev_dot << seen)) != 0 {
            return None; // an empty label
        }
        let others = valid & !dot;
        if others & !digit != 0 {
            flags |= NONDIGIT;
        }
        if others & upper != 0 {
            flags |= UPPER;
        }
        if others & colon != 0 {
            flags |= COLON;
        }
        if others & lt != 0 {
            flags |= LT;
        }
        // Dots are few: one step each (count_ones is no instruction on baseline x86_64).
        let mut m = dot;
        while m != 0 {
            let i = m.trailing_zeros() as usize;
            (d3, d2, d1) = (d2, d1, Some(base + i));
            dots += 1;
            m &= m - 1;
        }
        prev_dot = dot >> 15;
        at = base + 16;
    }
    Some(Scan { flags, dots, d1, d2, d3 })
}

/// [`organisational_domain`] without the copy: the slice of `host` that is the
/// organisational domain, and whether it still needs lower-casing. One pass over
/// the bytes (the trust walk asks this for every name of every hop).
pub(crate) fn organisational_domain_lower(host: &str) -> Option<(&str, bool)> {
    let host = crate::received::trim_fast(host).trim_end_matches('.');
    let b = host.as_bytes();
    if b.is_empty() || b[0] == b'[' {
        return None;
    }
    let Scan { flags, dots, d1, d2, d3 } = scan(b)?;
    let (upper, numeric, colon) = (flags & UPPER != 0, flags & NONDIGIT == 0, flags & COLON != 0);
    let lt = if flags & LT != 0 { b.iter().position(|&c| c == b'<') } else { None };
    if numeric || colon {
        return None; // an address literal
    }
    // A redacted name (`hotel.<domain>`, as some published samples write it): the
    // placeholder stands for the whole registered domain.
    if let Some(p) = lt {
        let start = host[..p].rfind('.').map(|d| d + 1).unwrap_or(0);
        return Some((&host[start..], upper));
    }
    // Lookups need lower case: the last two labels are enough (a longer name
    // than any suffix is none), copied to the stack.
    let two = d2.map(|d| d + 1).unwrap_or(0);
    // No suffix ends in this TLD: neither the whole name nor its last two labels is one.
    if d1.is_some_and(|d| !tld_has_suffixes(&b[d + 1..])) {
        return Some((if two == 0 { host } else { &host[two..] }, upper));
    }
    let max_dots = suffixes().max_dots;
    let mut buf = [0u8; 128];
    let tail = &b[two..];
    let probe = |s: &[u8], buf: &mut [u8; 128]| -> bool {
        if s.len() > buf.len() {
            return is_suffix(&String::from_utf8_lossy(s).to_ascii_lowercase());
        }
        let key = &mut buf[..s.len()];
        key.copy_from_slice(s);
        key.make_ascii_lowercase();
        // `s` is a slice of a `str` cut after an ASCII dot (or whole), and ASCII
        // lower-casing keeps UTF-8 valid: no need to validate again.
        debug_assert!(std::str::from_utf8(key).is_ok());
        is_suffix(unsafe { std::str::from_utf8_unchecked(key) })
    };
    if dots <= max_dots && probe(b, &mut buf) {
        return None;
    }
    // Start of the last two labels and of the last three.
    d1?;
    if two == 0 {
        return Some((host, upper));
    }
    if probe(tail, &mut buf) {
        let three = d3.map(|d| d + 1).unwrap_or(0);
        return Some((&host[three..], upper));
    }
    Some((&host[two..], upper))
}

#[cfg(test)]
mod tests {
    use super::organisational_domain as od;

    /// The block scan against the byte scan: every length around the block size,
    /// every kind of byte in every position, dots in runs and at the ends.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[test]
    fn block_scan_matches_byte_scan() {
        let alphabet: &[u8] = b"a.Z0:<9A.z-\x80\xff\x00/[";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in 0..80 {
            for _ in 0..300 {
                let name: Vec<u8> = (0..len).map(|_| alphabet[next() as usize % alphabet.len()]).collect();
                assert_eq!(super::scan_sse2(&name), super::scan_bytes(&name), "{name:?}");
            }
            // Mostly letters with a few dots: the common case, where a scan gets to the end.
            for _ in 0..300 {
                let name: Vec<u8> = (0..len).map(|_| if next() % 5 == 0 { b'.' } else { b"abcXY019:<"[next() as usize % 10] }).collect();
                assert_eq!(super::scan_sse2(&name), super::scan_bytes(&name), "{name:?}");
            }
            // Well-formed names (no empty label), so the scan always gets to the end.
            for _ in 0..300 {
                let mut name = Vec::new();
                while name.len() < len {
                    if !name.is_empty() {
                        name.push(b'.');
                    }
                    let label = 1 + next() as usize % 7;
                    name.extend((0..label).map(|_| alphabet[next() as usize % alphabet.len()]).filter(|&c| c != b'.'));
                }
                let ok = super::scan_bytes(&name);
                assert_eq!(super::scan_sse2(&name), ok, "{name:?}");
            }
        }
        assert!(super::scan_sse2(b"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q").is_some_and(|s| s.dots == 16 && s.d1 == Some(31) && s.d3 == Some(27)));
    }

    #[test]
    fn memo_table_answers_what_it_was_given() {
        let mut t = super::Tables::default();
        assert_eq!(t.get("a.example"), None);
        t.insert("a.example", Some(3));
        t.insert("b.example", None);
        t.insert("", Some(0));
        assert_eq!(t.get("a.example"), Some(Some(3)));
        assert_eq!(t.get("b.example"), Some(None));
        assert_eq!(t.get(""), Some(Some(0)));
        assert_eq!(t.get("a.exampl"), None);
        // Too long to keep: not remembered, never answered wrongly.
        let long = "x".repeat(600);
        t.insert(&long, Some(1));
        assert_eq!(t.get(&long), None);
        for i in 0..100 {
            t.insert(&format!("h{i}.example"), Some(i % 7));
        }
        for i in 0..100 {
            assert!(matches!(t.get(&format!("h{i}.example")), None | Some(Some(_))));
            if let Some(v) = t.get(&format!("h{i}.example")) {
                assert_eq!(v, Some(i % 7));
            }
        }
    }

    #[test]
    fn string_table_finds_what_it_holds() {
        let keys: Vec<String> = (0..300).map(|i| format!("k{i}.example")).chain(["", "a", "ab", "abc", "abcd", "co.jp", "k1.example"].map(String::from)).collect();
        let keys: Vec<&'static str> = keys.into_iter().map(|k| &*Box::leak(k.into_boxed_str())).collect();
        let t = super::StrTable::new(keys.iter().enumerate().map(|(i, &k)| (k, i)));
        for (i, k) in keys.iter().enumerate() {
            // The first value of a repeated key counts.
            let first = keys.iter().position(|x| x == k).unwrap();
            assert_eq!(t.get(k.as_bytes()), Some(first), "{k} {i}");
        }
        for k in ["k300.example", "abcde", "b", "k1.exampl", "k1.examplf", "co.jq", "CO.JP"] {
            assert_eq!(t.get(k.as_bytes()), None, "{k}");
        }
        // Every suffix of the list, and none of a few names.
        let list: Vec<&str> = super::DATA.lines().filter(|l| !l.starts_with('#')).flat_map(str::split_whitespace).collect();
        assert!(list.iter().all(|s| super::is_suffix(s)));
        assert!(["example.jp", "jp", "com", "co.uk.x"].iter().all(|s| !super::is_suffix(s)));
    }

    #[test]
    fn common_cases() {
        assert_eq!(od("mx1.mail.example.co.jp").as_deref(), Some("example.co.jp"));
        assert_eq!(od("smtp.example.tokyo.jp").as_deref(), Some("example.tokyo.jp"));
        assert_eq!(od("BL2PR.prod.outlook.com.").as_deref(), Some("outlook.com"));
        assert_eq!(od("mail.example.com.br").as_deref(), Some("example.com.br"));
        assert_eq!(od("a.b.example.de").as_deref(), Some("example.de"));
        assert_eq!(od("co.jp"), None);
        assert_eq!(od("203.0.113.1"), None);
        assert_eq!(od("localhost"), None);
        assert_eq!(od("a..b"), None);
    }
}
