//! The Authentication-Results grammar (RFC 8601) and the From-domain verdict.
//!
//! Only the topmost Authentication-Results written by the recipient's provider
//! counts: anything lower, or written by another authserv-id, may come from the
//! sender (RFC 8601 §5 tells receivers to delete such fields; few do). Proton writes
//! one field per method under the same authserv-id, so fields with the provider's id
//! above the handoff are merged. Alignment follows DMARC's relaxed mode (RFC 7489
//! §3.1): organisational domains equal.

use serde::Serialize;

use crate::headers::HeaderBlock;
use crate::psl::organisational_domain;
use crate::reason::Reason;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Verified,
    Forged,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DkimResult {
    pub result: String,
    pub domain: Option<String>,
    pub selector: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Auth {
    pub verdict: Verdict,
    pub from_domain: Option<String>,
    pub aligned: Option<bool>,
    pub spf: Option<String>,
    pub spf_domain: Option<String>,
    pub dkim: Vec<DkimResult>,
    pub dmarc: Option<String>,
    pub arc: Option<String>,
    pub source_hop: Option<usize>,
    pub authserv_id: Option<String>,
    pub reasons: Vec<Reason>,
    #[serde(skip)]
    pub compauth: Option<String>,
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
    props: [Option<&'a str>; PROPS.len()],
}

impl ResInfo<'_> {
    /// The result as it is reported (lower case).
    fn result(&self) -> String {
        self.result.to_ascii_lowercase()
    }
    fn is(&self, method: &str) -> bool {
        self.method.eq_ignore_ascii_case(method)
    }
}

fn strip_comments(s: &str) -> String {
    // Parentheses are ASCII, so cutting at them keeps the text valid UTF-8.
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
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
    out
}

/// The only properties [`evaluate`] reads: the others are never looked at.
const PROPS: [&str; 6] = ["smtp.mailfrom", "smtp.helo", "header.d", "header.i", "header.s", "header.from"];
const SMTP_MAILFROM: usize = 0;
const SMTP_HELO: usize = 1;
const HEADER_D: usize = 2;
const HEADER_I: usize = 3;
const HEADER_S: usize = 4;
const HEADER_FROM: usize = 5;

fn parse_resinfos<'a>(clean: &'a str, out: &mut Vec<ResInfo<'a>>) {
    for part in clean.split(';') {
        let mut words = part.split_whitespace();
        let Some(first) = words.next() else { continue };
        let Some((method, result)) = first.split_once('=') else { continue };
        let method = method.trim();
        if method.is_empty() || method.contains('.') {
            continue;
        }
        // The first value of each property counts, as a lookup in written order would.
        let mut props = [None; PROPS.len()];
        for (k, v) in words.filter_map(|w| w.split_once('=')) {
            if let Some(i) = PROPS.iter().position(|p| k.eq_ignore_ascii_case(p)) {
                if props[i].is_none() {
                    props[i] = Some(v.trim_matches('"'));
                }
            }
        }
        out.push(ResInfo { method, result: result.trim(), props });
    }
}

fn prop<'a>(r: &ResInfo<'a>, key: usize) -> Option<&'a str> {
    r.props[key]
}

fn domain_of(addr: &str) -> Option<String> {
    let d = addr.rsplit('@').next()?.trim().trim_matches(['<', '>', '.']).to_ascii_lowercase();
    (!d.is_empty() && d.contains('.')).then_some(d)
}

fn org(d: &str) -> String {
    organisational_domain(d).unwrap_or_else(|| d.to_ascii_lowercase())
}

/// The SPF, DKIM and DMARC results of one Authentication-Results body (after the
/// authserv-id), read like [`evaluate`] reads the provider's.
pub(crate) struct Seen {
    pub spf: Option<String>,
    pub dkim: Vec<DkimResult>,
    pub dmarc: Option<String>,
    pub dmarc_from: Option<String>,
}

pub(crate) fn results(body: &str) -> Seen {
    let clean = strip_comments(body);
    let mut infos = Vec::new();
    parse_resinfos(&clean, &mut infos);
    let mut seen = Seen { spf: None, dkim: Vec::new(), dmarc: None, dmarc_from: None };
    for r in &infos {
        if r.is("spf") && seen.spf.is_none() {
            seen.spf = Some(r.result());
        } else if r.is("dkim") {
            let domain = prop(r, HEADER_D)
                .map(|s| s.to_ascii_lowercase())
                .or_else(|| prop(r, HEADER_I).and_then(domain_of))
                .filter(|d| d != "none");
            seen.dkim.push(DkimResult { result: r.result(), domain, selector: prop(r, HEADER_S).map(str::to_string) });
        } else if r.is("dmarc") && seen.dmarc.is_none() {
            seen.dmarc = Some(r.result());
            seen.dmarc_from = prop(r, HEADER_FROM).map(|s| s.to_ascii_lowercase());
        }
    }
    seen
}

/// Take in a forwarder's validated ARC record: say so, and when the provider's own
/// check could not verify the From domain (it sees the forwarder) but DMARC passed
/// for that domain at the forwarder, the message is verified.
pub(crate) fn apply_arc(auth: &mut Auth, fwd: crate::arc::ArcForwarder) {
    auth.reasons.push(Reason::with("auth-arc-forwarder", &[("sealer", &fwd.sealer), ("instance", &fwd.instance.to_string())]));
    if auth.verdict != Verdict::Verified && fwd.dmarc.as_deref() == Some("pass") {
        if let (Some(fd), Some(hf)) = (auth.from_domain.as_deref(), fwd.dmarc_from.as_deref()) {
            if org(fd) == org(hf) {
                auth.reasons.push(Reason::with("auth-arc-dmarc-pass", &[("sealer", &fwd.sealer), ("domain", fd)]));
                auth.verdict = Verdict::Verified;
            }
        }
    }
    auth.arc_forwarder = Some(fwd);
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
    let from_domain = from_addr.and_then(domain_of);
    let mut auth = Auth {
        verdict: Verdict::Unknown,
        from_domain: from_domain.clone(),
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
    let all: Vec<_> = block.fields.iter().filter(|f| f.is("Authentication-Results")).collect();
    let mut chosen: Option<Option<String>> = None; // the authserv-id chosen (None = Microsoft, no id)
    let mut used = 0;
    // The comment-free bodies of the fields used, then their items borrowed from them.
    let mut bodies: Vec<String> = Vec::new();
    for f in &all {
        if f.span.0 >= provider_offset_limit {
            break;
        }
        let v = f.value();
        let id = crate::stamps::authserv_id(&v);
        match &chosen {
            None => {
                if let Some(id) = &id {
                    if !is_provider_id(id) {
                        continue;
                    }
                }
                chosen = Some(id.clone());
                auth.source_hop = hop_of_offset(f.span.0);
                auth.authserv_id = id.clone();
            }
            Some(c) => {
                // Proton: further fields by the same id; Microsoft (no id): only the first.
                if c.is_none() || *c != id {
                    continue;
                }
            }
        }
        used += 1;
        let body: &str = if id.is_some() { v.split_once(';').map(|(_, r)| r).unwrap_or_default() } else { &v };
        bodies.push(strip_comments(body));
    }
    if chosen.is_none() {
        auth.reasons.push(Reason::new("auth-missing"));
        return auth;
    }
    let mut infos = Vec::new();
    for b in &bodies {
        parse_resinfos(b, &mut infos);
    }
    auth.reasons.push(Reason::with("auth-source", &[("authserv_id", auth.authserv_id.as_deref().unwrap_or("Microsoft 365"))]));
    let ignored = all.len().saturating_sub(used);
    if ignored > 0 {
        auth.reasons.push(Reason::with("auth-lower-ignored", &[("count", &ignored.to_string())]));
    }
    for r in &infos {
        if r.is("spf") {
            if auth.spf.is_none() {
                auth.spf = Some(r.result());
                auth.spf_domain = prop(r, SMTP_MAILFROM).and_then(domain_of).or_else(|| prop(r, SMTP_HELO).map(|s| s.to_ascii_lowercase()));
            }
        } else if r.is("dkim") {
            let domain = prop(r, HEADER_D)
                .map(|s| s.to_ascii_lowercase())
                .or_else(|| prop(r, HEADER_I).and_then(domain_of))
                .filter(|d| d != "none");
            auth.dkim.push(DkimResult { result: r.result(), domain, selector: prop(r, HEADER_S).map(str::to_string) });
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
    }
    let Some(fd) = from_domain else { return auth };
    let from_org = org(&fd);
    let dkim_aligned = auth.dkim.iter().find(|d| d.result == "pass" && d.domain.as_deref().map(org).as_deref() == Some(&from_org));
    let spf_aligned = auth.spf.as_deref() == Some("pass") && auth.spf_domain.as_deref().map(org).as_deref() == Some(&from_org);
    let any_result = auth.spf.is_some() || !auth.dkim.is_empty() || auth.dmarc.is_some();
    if any_result {
        auth.aligned = Some(dkim_aligned.is_some() || spf_aligned);
    }
    if let Some(d) = dkim_aligned.and_then(|d| d.domain.clone()) {
        auth.reasons.push(Reason::with("auth-dkim-aligned", &[("domain", &d)]));
    }
    if spf_aligned {
        auth.reasons.push(Reason::with("auth-spf-aligned", &[("domain", auth.spf_domain.as_deref().unwrap_or(&fd))]));
    }
    let dmarc = auth.dmarc.clone().unwrap_or_default();
    auth.verdict = if dmarc == "pass" || dmarc == "bestguesspass" {
        auth.reasons.push(Reason::with("auth-dmarc-pass", &[("domain", &fd)]));
        Verdict::Verified
    } else if dmarc == "fail" {
        auth.reasons.push(Reason::with("auth-dmarc-fail", &[("domain", &fd)]));
        Verdict::Forged
    } else if auth.compauth.as_deref() == Some("fail") {
        auth.reasons.push(Reason::new("auth-compauth-fail"));
        Verdict::Forged
    } else if auth.aligned == Some(true) {
        Verdict::Verified
    } else if auth.aligned == Some(false) {
        auth.reasons.push(Reason::with("auth-not-aligned", &[("domain", &fd)]));
        // Nothing aligned passed; "forged" only when an aligned check actually failed.
        let spf_failed_aligned = matches!(auth.spf.as_deref(), Some("fail"))
            && auth.spf_domain.as_deref().map(org).as_deref() == Some(&from_org);
        let dkim_failed_aligned =
            auth.dkim.iter().any(|d| d.result == "fail" && d.domain.as_deref().map(org).as_deref() == Some(&from_org));
        if spf_failed_aligned || dkim_failed_aligned { Verdict::Forged } else { Verdict::Unknown }
    } else {
        Verdict::Unknown
    };
    auth
}
