//! The Authentication-Results grammar (RFC 8601) and the From-domain verdict.
//!
//! Only the topmost Authentication-Results written by the recipient's provider
//! counts: anything lower, or written by another authserv-id, may come from the
//! sender (RFC 8601 §5 tells receivers to delete such fields; few do). Proton writes
//! one field per method under the same authserv-id, so fields with the provider's id
//! above the handoff are merged. Alignment follows DMARC's relaxed mode (RFC 7489
//! §3.1): organisational domains equal.

use std::borrow::Cow;

use serde::Serialize;

use crate::headers::{trim_set, HeaderBlock};
use crate::psl::{organisational_domain, with_org};
use crate::reason::Reason;
use crate::received::{is_ws_byte, ws_words};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Verified,
    Forged,
    Unknown,
}

/// A method's result, lower case (`pass`, `fail`...): the results of RFC 8601 are
/// written without a copy, anything else is a lower-cased copy. Serialised as the
/// text.
pub type ResultText = Cow<'static, str>;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DkimResult {
    pub result: ResultText,
    pub domain: Option<String>,
    pub selector: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Auth {
    pub verdict: Verdict,
    pub from_domain: Option<String>,
    pub aligned: Option<bool>,
    pub spf: Option<ResultText>,
    pub spf_domain: Option<String>,
    pub dkim: Vec<DkimResult>,
    pub dmarc: Option<ResultText>,
    pub arc: Option<ResultText>,
    pub source_hop: Option<usize>,
    pub authserv_id: Option<String>,
    pub reasons: Vec<Reason>,
    #[serde(skip)]
    pub compauth: Option<ResultText>,
    /// What a forwarder the walk passed recorded in its ARC set, when the provider
    /// validated the chain (see `arc.rs`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arc_forwarder: Option<crate::arc::ArcForwarder>,
}

/// One `method=result (comment) prop=value …` item, borrowed from the
/// comment-free copy of its field.
struct ResInfo<'a> {
    method: &'a str,
    result: &'a str,
    /// The words after `method=result`, read by [`ResInfo::props`] only for the
    /// items that are used.
    rest: &'a str,
}

impl<'a> ResInfo<'a> {
    /// The result as it is reported (lower case).
    fn result(&self) -> ResultText {
        // The result values of RFC 8601 §2.7 (and Microsoft's bestguesspass).
        const KNOWN: [&str; 9] = ["pass", "fail", "none", "neutral", "softfail", "temperror", "permerror", "policy", "bestguesspass"];
        let r = self.result;
        match KNOWN.iter().find(|k| k.len() == r.len() && k.eq_ignore_ascii_case(r)) {
            Some(k) => Cow::Borrowed(k),
            None => Cow::Owned(lower(r)),
        }
    }
    fn is(&self, method: &str) -> bool {
        self.method.eq_ignore_ascii_case(method)
    }
    /// The properties of [`PROPS`]; the first value of each counts, as a lookup in
    /// written order would.
    fn props(&self) -> [Option<&'a str>; PROPS.len()] {
        let mut props = [None; PROPS.len()];
        ws_words(self.rest).for_each(|w| {
            // The first `=`, as `split_once('=')` finds it (a word is short: no
            // searcher); the byte is ASCII, so both sides are whole characters.
            let Some(eq) = w.bytes().position(|b| b == b'=') else { return };
            let (k, v) = (&w[..eq], &w[eq + 1..]);
            if let Some(i) = prop_index(k)
                && props[i].is_none()
            {
                props[i] = Some(trim_set(v, |b| b == b'"'));
            }
        });
        props
    }
}

/// The first word of `s`, as `split_whitespace` gives it.
pub(crate) fn first_word(s: &str) -> Option<&str> {
    first_word_span(s).map(|(a, b)| &s[a..b])
}

/// Where the first word of `s` starts and ends.
fn first_word_span(s: &str) -> Option<(usize, usize)> {
    // Bytes up to the end of the word; a non-ASCII char on the way may be white
    // space, which the char-aware search decides.
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && is_ws_byte(b[i]) {
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i] < 0x80 && !is_ws_byte(b[i]) {
        i += 1;
    }
    if i < b.len() && b[i] >= 0x80 {
        let start = s.find(|c: char| !c.is_whitespace())?;
        let end = s[start..].find(char::is_whitespace).map_or(b.len(), |p| start + p);
        return Some((start, end));
    }
    (start < i).then_some((start, i))
}

fn strip_comments_into(s: &str, out: &mut String) {
    // Parentheses are ASCII, so cutting at them keeps the text valid UTF-8.
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(p) = memchr::memchr2(b'(', b')', &b[i..]) {
        let j = i + p;
        if depth == 0 {
            out.push_str(&s[i..j]);
        }
        if b[j] == b'(' {
            depth += 1;
        } else if depth > 0 {
            depth -= 1;
        } else {
            out.push(')');
        }
        i = j + 1;
    }
    if depth == 0 {
        out.push_str(&s[i..]);
    }
}

/// The only properties [`evaluate`] reads: the others are never looked at.
const PROPS: [&str; 6] = ["smtp.mailfrom", "smtp.helo", "header.d", "header.i", "header.s", "header.from"];
const SMTP_MAILFROM: usize = 0;
const SMTP_HELO: usize = 1;
const HEADER_D: usize = 2;
const HEADER_I: usize = 3;
const HEADER_S: usize = 4;
const HEADER_FROM: usize = 5;

/// The items of a comment-free text, in written order, handed to `each`.
fn parse_resinfos<'a>(clean: &'a str, mut each: impl FnMut(&ResInfo<'a>)) {
    // The parts between `;`, as `split(';')` gives them, found with memchr.
    let ends = memchr::memchr_iter(b';', clean.as_bytes()).chain(std::iter::once(clean.len()));
    let mut from = 0;
    for end in ends {
        let part = &clean[from..end];
        from = end + 1;
        // The first word, as `split_whitespace` would give it, and what follows.
        let Some((start, end)) = first_word_span(part) else { continue };
        let (first, rest) = (&part[start..end], &part[end..]);
        let Some((method, result)) = first.split_once('=') else { continue };
        let method = trim_word(method);
        if method.is_empty() || method.contains('.') {
            continue;
        }
        each(&ResInfo { method, result: trim_word(result), rest });
    }
}

/// `s.trim()` for text that rarely has white space to trim (the halves of a
/// `method=result` word, an address, a header value): inlined byte tests, where
/// the call to `trim` cost more than the rest of reading an item. An end that is
/// not ASCII goes to `trim` (it may be white space).
#[inline(always)]
pub(crate) fn trim_word(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) if f < 0x80 && l < 0x80 && !is_ws_byte(f) && !is_ws_byte(l) => s,
        (None, _) | (_, None) => s,
        _ => s.trim(),
    }
}

/// Which of [`PROPS`] `k` names (any case); the length rules out most keys.
fn prop_index(k: &str) -> Option<usize> {
    let i = match k.len() {
        13 => SMTP_MAILFROM,
        9 => SMTP_HELO,
        11 => HEADER_FROM,
        8 => {
            let b = k.as_bytes();
            // Bytes, not `k[..7]`: a key is attacker text and byte 7 may fall
            // inside a character (found by fuzzing).
            if !b[..7].eq_ignore_ascii_case(b"header.") {
                return None;
            }
            return match b[7].to_ascii_lowercase() {
                b'd' => Some(HEADER_D),
                b'i' => Some(HEADER_I),
                b's' => Some(HEADER_S),
                _ => None,
            };
        }
        _ => return None,
    };
    k.eq_ignore_ascii_case(PROPS[i]).then_some(i)
}

/// A lower-cased copy (one copy, lowered in place).
fn lower(s: &str) -> String {
    let mut s = s.to_string();
    s.make_ascii_lowercase();
    s
}

fn domain_of(addr: &str) -> Option<String> {
    let after_at = memchr::memrchr(b'@', addr.as_bytes()).map_or(addr, |p| &addr[p + 1..]);
    let d = trim_set(after_at.trim(), |b| matches!(b, b'<' | b'>' | b'.'));
    (!d.is_empty() && d.contains('.')).then(|| lower(d))
}

fn org(d: &str) -> String {
    organisational_domain(d).unwrap_or_else(|| d.to_ascii_lowercase())
}

/// `org(d) == org_lower` without copying `org(d)` (`org_lower` is lower case, as
/// [`org`] returns it).
fn same_org(d: &str, org_lower: &str) -> bool {
    with_org(d, |o| match o {
        Some(o) => o == org_lower,
        None => d.eq_ignore_ascii_case(org_lower),
    })
}

fn dkim_result(r: &ResInfo<'_>) -> DkimResult {
    let props = r.props();
    let domain = props[HEADER_D]
        .map(lower)
        .or_else(|| props[HEADER_I].and_then(domain_of))
        .filter(|d| d != "none");
    DkimResult { result: r.result(), domain, selector: props[HEADER_S].map(str::to_string) }
}

/// The SPF, DKIM and DMARC results of one Authentication-Results body (after the
/// authserv-id), read like [`evaluate`] reads the provider's.
pub(crate) struct Seen {
    pub spf: Option<ResultText>,
    pub dkim: Vec<DkimResult>,
    pub dmarc: Option<ResultText>,
    pub dmarc_from: Option<String>,
}

pub(crate) fn results(body: &str) -> Seen {
    let mut clean = String::with_capacity(body.len());
    strip_comments_into(body, &mut clean);
    let mut seen = Seen { spf: None, dkim: Vec::new(), dmarc: None, dmarc_from: None };
    parse_resinfos(&clean, |r| {
        if r.is("spf") && seen.spf.is_none() {
            seen.spf = Some(r.result());
        } else if r.is("dkim") {
            seen.dkim.push(dkim_result(r));
        } else if r.is("dmarc") && seen.dmarc.is_none() {
            seen.dmarc = Some(r.result());
            seen.dmarc_from = r.props()[HEADER_FROM].map(lower);
        }
    });
    seen
}

/// Take in a forwarder's validated ARC record: say so, and when the provider's own
/// check could not verify the From domain (it sees the forwarder) but DMARC passed
/// for that domain at the forwarder, the message is verified.
pub(crate) fn apply_arc(auth: &mut Auth, fwd: crate::arc::ArcForwarder) {
    auth.reasons.push(Reason::with("auth-arc-forwarder", &[("sealer", &fwd.sealer), ("instance", &fwd.instance.to_string())]));
    if auth.verdict != Verdict::Verified
        && fwd.dmarc.as_deref() == Some("pass")
        && let (Some(fd), Some(hf)) = (auth.from_domain.as_deref(), fwd.dmarc_from.as_deref())
        && org(fd) == org(hf)
    {
        auth.reasons.push(Reason::with("auth-arc-dmarc-pass", &[("sealer", &fwd.sealer), ("domain", fd)]));
        auth.verdict = Verdict::Verified;
    }
    auth.arc_forwarder = Some(fwd);
}

thread_local! {
    /// The emptied text buffer of the last [`evaluate`], for the next one: the
    /// comment-free copy is a few hundred bytes per message, and getting it from
    /// the allocator (and growing it per field) cost more than filling it.
    static SPARE_CLEAN: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
}

/// A text buffer from [`SPARE_CLEAN`] (empty, possibly with room).
struct Scratch(String);

impl Scratch {
    fn take() -> Scratch {
        let mut s = SPARE_CLEAN.take();
        s.clear();
        Scratch(s)
    }
}

impl Drop for Scratch {
    /// Keep the buffer for the next call (what was read from it has been copied),
    /// unless it grew large: an adversarial block must not stay allocated.
    fn drop(&mut self) {
        let s = std::mem::take(&mut self.0);
        if s.capacity() <= 16 * 1024 {
            SPARE_CLEAN.set(s);
        }
    }
}

impl std::ops::Deref for Scratch {
    type Target = String;
    fn deref(&self) -> &String {
        &self.0
    }
}

impl std::ops::DerefMut for Scratch {
    fn deref_mut(&mut self) -> &mut String {
        &mut self.0
    }
}

/// `provider_offset_limit`: only fields starting before this byte offset (the
/// handoff's Received field) were written by the provider. `is_provider_id` says
/// whether an authserv-id names the recipient's provider.
pub fn evaluate(
    block: &HeaderBlock<'_>,
    from_addr: Option<&str>,
    provider_offset_limit: usize,
    hop_of_offset: &dyn Fn(usize) -> Option<usize>,
    is_provider_id: &dyn Fn(&str) -> bool,
) -> Auth {
    let mut auth = Auth {
        verdict: Verdict::Unknown,
        from_domain: from_addr.and_then(domain_of),
        aligned: None,
        spf: None,
        spf_domain: None,
        dkim: Vec::new(),
        dmarc: None,
        arc: None,
        source_hop: None,
        authserv_id: None,
        reasons: Vec::new(),
        compauth: None,
        arc_forwarder: None,
    };
    let mut total = 0;
    // Whether a field was chosen; its authserv-id is `auth.authserv_id` (none: Microsoft).
    let mut chosen = false;
    let mut used = 0;
    // The comment-free bodies of the fields used, joined by `;`: an item never
    // spans a `;`, so the items read from the whole are those of each body in turn.
    let mut clean = Scratch::take();
    for f in block.all("Authentication-Results") {
        total += 1;
        // Fields come in written order: none from here on was written by the provider.
        if f.span.0 >= provider_offset_limit {
            continue;
        }
        // Folds and tabs only separate words, which is all the reading below sees,
        // so valid UTF-8 is read as written instead of unfolded into a copy.
        let v: Cow<'_, str> = match f.raw_str() {
            Some(s) => Cow::Borrowed(s.trim()),
            None => Cow::Owned(f.value()),
        };
        let id = crate::stamps::authserv_token(&v);
        match chosen {
            false => {
                let id = id.map(lower);
                if let Some(id) = &id
                    && !is_provider_id(id)
                {
                    continue;
                }
                auth.source_hop = hop_of_offset(f.span.0);
                auth.authserv_id = id;
                chosen = true;
            }
            true => {
                // Proton: further fields by the same id; Microsoft (no id): only the first.
                let same = matches!((auth.authserv_id.as_deref(), id), (Some(c), Some(id)) if id.eq_ignore_ascii_case(c));
                if !same {
                    continue;
                }
            }
        }
        used += 1;
        let body: &str = if id.is_some() { v.split_once(';').map(|(_, r)| r).unwrap_or_default() } else { &v };
        if !clean.is_empty() {
            clean.push(';');
        }
        clean.reserve(body.len());
        strip_comments_into(body, &mut clean);
    }
    if !chosen {
        auth.reasons.push(Reason::new("auth-missing"));
        return auth;
    }
    auth.reasons.push(Reason::with("auth-source", &[("authserv_id", auth.authserv_id.as_deref().unwrap_or("Microsoft 365"))]));
    let ignored = total - used;
    if ignored > 0 {
        auth.reasons.push(Reason::with("auth-lower-ignored", &[("count", &ignored.to_string())]));
    }
    parse_resinfos(&clean, |r| {
        if r.is("spf") {
            if auth.spf.is_none() {
                let props = r.props();
                auth.spf = Some(r.result());
                auth.spf_domain = props[SMTP_MAILFROM].and_then(domain_of).or_else(|| props[SMTP_HELO].map(lower));
            }
        } else if r.is("dkim") {
            auth.dkim.push(dkim_result(r));
        } else if r.is("dmarc") {
            if auth.dmarc.is_none() {
                auth.dmarc = Some(r.result());
            }
        } else if r.is("arc") {
            if auth.arc.is_none() {
                auth.arc = Some(r.result());
            }
        } else if r.is("compauth") && auth.compauth.is_none() {
            auth.compauth = Some(r.result());
        }
    });
    let Some(fd) = auth.from_domain.take() else { return auth };
    verdict(&mut auth, &fd);
    auth.from_domain = Some(fd);
    auth
}

/// The alignment and the verdict for the From domain `fd` (lower case).
fn verdict(auth: &mut Auth, fd: &str) {
    // A domain equal to `fd` shares its organisational domain (the list is read
    // in lower case): the lookup is needed only for the others.
    let from_org = std::cell::OnceCell::new();
    let aligned =
        |d: Option<&str>| d.is_some_and(|d| d.eq_ignore_ascii_case(fd) || same_org(d, from_org.get_or_init(|| org(fd))));
    let dkim_aligned = auth.dkim.iter().find(|d| d.result == "pass" && aligned(d.domain.as_deref()));
    let spf_aligned = auth.spf.as_deref() == Some("pass") && aligned(auth.spf_domain.as_deref());
    let any_result = auth.spf.is_some() || !auth.dkim.is_empty() || auth.dmarc.is_some();
    if any_result {
        auth.aligned = Some(dkim_aligned.is_some() || spf_aligned);
    }
    if let Some(d) = dkim_aligned.and_then(|d| d.domain.as_deref()) {
        let reason = Reason::with("auth-dkim-aligned", &[("domain", d)]);
        auth.reasons.push(reason);
    }
    if spf_aligned {
        auth.reasons.push(Reason::with("auth-spf-aligned", &[("domain", auth.spf_domain.as_deref().unwrap_or(fd))]));
    }
    // Read before the reasons are pushed (no copy of the result needed).
    let dmarc = auth.dmarc.as_deref();
    let (dmarc_pass, dmarc_fail) = (matches!(dmarc, Some("pass" | "bestguesspass")), dmarc == Some("fail"));
    auth.verdict = if dmarc_pass {
        auth.reasons.push(Reason::with("auth-dmarc-pass", &[("domain", fd)]));
        Verdict::Verified
    } else if dmarc_fail {
        auth.reasons.push(Reason::with("auth-dmarc-fail", &[("domain", fd)]));
        Verdict::Forged
    } else if auth.compauth.as_deref() == Some("fail") {
        auth.reasons.push(Reason::new("auth-compauth-fail"));
        Verdict::Forged
    } else if auth.aligned == Some(true) {
        Verdict::Verified
    } else if auth.aligned == Some(false) {
        auth.reasons.push(Reason::with("auth-not-aligned", &[("domain", fd)]));
        // Nothing aligned passed; "forged" only when an aligned check actually failed.
        let spf_failed_aligned = matches!(auth.spf.as_deref(), Some("fail")) && aligned(auth.spf_domain.as_deref());
        let dkim_failed_aligned = auth.dkim.iter().any(|d| d.result == "fail" && aligned(d.domain.as_deref()));
        if spf_failed_aligned || dkim_failed_aligned { Verdict::Forged } else { Verdict::Unknown }
    } else {
        Verdict::Unknown
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_word_is_trim() {
        for w in ["", " ", "pass", " pass", "pass ", "\tpass\r\n", "p", "\u{a0}pass", "pass\u{a0}", "\u{e9}t\u{e9}", "a b", "\x0bx\x0c", "\u{2003}"] {
            assert_eq!(trim_word(w), w.trim(), "{w:?}");
        }
    }

    #[test]
    fn words_split_as_split_whitespace() {
        for s in ["", " ", "a", " a=b  c\r\n\td ", "x\u{3000}y z", "\u{a0}a b", "a\u{b}b\u{c}c", "é=1 f", " mx.example\u{2003}x;"] {
            let mut words = Vec::new();
            words.extend(ws_words(s));
            assert_eq!(words, s.split_whitespace().collect::<Vec<_>>(), "{s:?}");
            assert_eq!(first_word(s), s.split_whitespace().next(), "{s:?}");
        }
    }
}
