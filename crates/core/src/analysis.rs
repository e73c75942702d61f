//! The analysis entry point: raw bytes in, [`Analysis`] out.
//!
//! Pipeline (one module per step): message (is this a header block?) → headers
//! (split the block, never the body) → received (hops) → origin (trust boundary) →
//! stamps (provider-recorded IPs) → auth (Authentication-Results) → identities →
//! service (who sent it for the sender) → findings.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::auth::{self, Auth, Verdict};
use crate::findings::{Finding, Num};

use crate::headers::{self, HeaderBlock};
use crate::identities::{self, Identities};
use crate::message;
use crate::origin::{self, is_internal_address, Confidence, Origin};
use crate::providers::{self, Kind};
use crate::reason::{self, Reason};
use crate::received::{self, parse_addr, Hop, HopClass};
use crate::stamps::{self, Stamp};

/// Caller-controlled settings of an analysis.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AnalyzeOptions {
    /// Hosts, domains or CIDR ranges the user declared as their own forwarders.
    pub trusted_forwarders: Vec<String>,
    /// "Now" in seconds since the epoch, for the future-timestamp check (the core
    /// has no clock). `None` skips that check.
    pub now: Option<i64>,
}

/// Why the input could not be analysed. Serialised as its `name`, which the UI
/// translates (`error_<name>` in `_locales`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputErrorKind {
    Empty,
    Binary,
    NotAHeaderBlock,
    NoHeadersOnlyBody,
}

impl InputErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            InputErrorKind::Empty => "empty",
            InputErrorKind::Binary => "binary",
            InputErrorKind::NotAHeaderBlock => "not-a-header-block",
            InputErrorKind::NoHeadersOnlyBody => "no-headers-only-body",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            InputErrorKind::Empty => "The input is empty.",
            InputErrorKind::Binary => "The input is binary data, not an e-mail message.",
            InputErrorKind::NotAHeaderBlock => {
                "The input is not an e-mail header block (it should start with lines such as 'Received:' or 'From:')."
            }
            InputErrorKind::NoHeadersOnlyBody => {
                "This looks like a message body without its headers. Paste the full original message, including the header lines at the top."
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    pub name: InputErrorKind,
    pub message: &'static str,
}

impl From<InputErrorKind> for InputError {
    fn from(kind: InputErrorKind) -> Self {
        InputError { name: kind, message: kind.message() }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for InputError {}

/// The service (mailbox provider or ESP) the origin belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub id: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub account: BTreeMap<String, String>,
    pub client_ip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis<'a> {
    pub origin: Option<Origin<'a>>,
    /// The hops borrow words of the message (see [`crate::text`]).
    pub hops: Vec<Hop<'a>>,
    pub stamps: Vec<Stamp>,
    pub auth: Auth,
    pub identities: Identities<'a>,
    pub service: Option<Service>,
    pub findings: Vec<Finding>,
}

impl Analysis<'_> {
    /// A copy that borrows nothing from the message, for a holder that keeps the
    /// message and its analysis side by side.
    pub fn into_owned(self) -> Analysis<'static> {
        let Analysis { origin, hops, stamps, auth, identities, service, findings } = self;
        Analysis { origin: origin.map(Origin::into_owned), hops: hops.into_iter().map(Hop::into_owned).collect(), stamps, auth, identities: identities.into_owned(), service, findings }
    }
}

/// Analyse one raw message (or header block).
pub fn analyze<'a>(raw: &'a [u8], options: &AnalyzeOptions) -> Result<Analysis<'a>, InputError> {
    crate::psl::with_memo(|| analyze_inner(raw, options))
}

fn analyze_inner<'a>(raw: &'a [u8], options: &AnalyzeOptions) -> Result<Analysis<'a>, InputError> {
    message::check(raw)?;
    let block = headers::split(raw);
    if block.fields.is_empty() {
        return Err(InputErrorKind::NotAHeaderBlock.into());
    }
    // Sized first: a hop is a few hundred bytes, and growing the list by doubling
    // copied it and sent glibc consolidating its free chunks on every message.
    let mut hops: Vec<Hop> = Vec::with_capacity(block.all("Received").count());
    // One push per field (not `extend`, whose iterator handed each hop over
    // through an `Option` first: one more copy of it).
    for (i, f) in block.all("Received").enumerate() {
        Hop::parse_into(&mut hops, i, f);
    }
    received::compute_delays(&mut hops);

    // Lent from the field when its text is: the walk only asks for the domains'
    // organisational domains, which come out lower-cased from a name in any case.
    // Read as the walk goes through them: no list is kept. Looked up by name in the
    // block's index, one name after the other (the walk keeps the lowest offset of
    // each domain, so the order does not matter), not by testing every field.
    let recipient_domains = block
        .all("Delivered-To")
        .chain(block.all("X-Original-To"))
        .chain(block.all("Envelope-To"))
        .filter_map(|f| {
            fn domain(v: &str) -> Option<&str> {
                v.rsplit('@').next().map(|d| d.trim().trim_end_matches('>'))
            }
            let d = match f.text() {
                std::borrow::Cow::Borrowed(v) => std::borrow::Cow::Borrowed(domain(v)?),
                std::borrow::Cow::Owned(v) => std::borrow::Cow::Owned(domain(&v)?.to_string()),
            };
            Some((f.span.0, d))
        });
    let walk = origin::walk(&mut hops, recipient_domains, &options.trusted_forwarders);
    let mut stamps = stamps::read(&block);
    let provider = walk.trust.label();

    // Provider stamps sit above the handoff's Received field.
    let limit = walk.handoff.and_then(|h| hops.get(h)).map(|h| h.span.0).unwrap_or(usize::MAX);
    let mut origin = walk.handoff.and_then(|h| hops.get(h)).and_then(|hop| {
        Some(Origin {
            ip: hop.from_ip?,
            host: hop.from_rdns.as_ref().or(hop.helo.as_ref()).or(hop.from_host.as_ref()).cloned(),
            hop: hop.index,
            confidence: Confidence::High,
            reasons: reasons_from("origin-handoff", &[("ip", hop.from_ip.as_deref().unwrap_or("")), ("provider", &*provider)]),
        })
    });
    if origin.is_none() && walk.last_private.is_none() {
        // No Received line names an outside peer: a provider stamp may still record it.
        if let Some(s) = stamps.iter().find(|s| s.field != "value" && parse_addr(&s.ip).is_some_and(|ip| !is_internal_address(ip))) {
            origin = Some(Origin {
                ip: s.ip,
                host: None,
                hop: hops.iter().rposition(|h| h.span.0 < s.offset).unwrap_or(0),
                confidence: Confidence::Low,
                reasons: reasons_from("origin-from-stamp", &[("header", &s.header)]),
            });
        }
    }
    // from/by pairing of each hop with the one below, down to the handoff.
    let upto = origin.as_ref().map(|o| o.hop).unwrap_or(hops.len().saturating_sub(1));
    // On the stack for the usual few hops, on the heap past that.
    let mut chain_buf = [None; 16];
    let chain_vec: Vec<Option<bool>>;
    let pairs = hops.windows(2).take(upto).map(|w| origin::chain_consistent(&w[0], &w[1]));
    let chain: &[Option<bool>] = if upto.min(hops.len().saturating_sub(1)) <= chain_buf.len() {
        let mut n = 0;
        for c in pairs {
            chain_buf[n] = c;
            n += 1;
        }
        &chain_buf[..n]
    } else {
        chain_vec = pairs.collect();
        &chain_vec
    };
    if let Some(o) = origin.as_mut() {
        rate(o, &hops, chain, &mut stamps, limit, walk.trust.is_empty());
    }

    let identities = identities::read(&block);
    let hop_of_offset = |off: usize| hops.iter().rposition(|h| h.span.0 < off).or(Some(0)).filter(|_| !hops.is_empty());
    let is_provider_id = |id: &str| {
        crate::psl::with_org(id, |o| o.is_some_and(|o| walk.trust.contains_org(o))) || walk.trust.is_empty()
    };
    let mut auth = auth::evaluate(&block, identities.from.as_deref(), limit, &hop_of_offset, &is_provider_id);
    if auth.authserv_id.is_none() && auth.source_hop.is_none() {
        // Gmail writes its Authentication-Results just below its own handoff
        // Received line (and removes incoming ones under its id). Accept such a
        // field only there (before the next Received), only for a provider known to
        // write it there, and only under the id of the host that wrote the handoff
        // line. Elsewhere a field in that place may be the sender's own.
        const WRITES_BELOW: &[&str] = &["mx.google.com"];
        if let Some(h) = walk.handoff.and_then(|h| hops.get(h)) {
            if let Some(by) = h.by_host.as_deref().filter(|b| WRITES_BELOW.iter().any(|w| b.trim_end_matches('.').eq_ignore_ascii_case(w))) {
                let below = hops.get(h.index + 1).map(|n| n.span.0).unwrap_or(usize::MAX);
                let same_host = |id: &str| id.trim_end_matches('.').eq_ignore_ascii_case(by.trim_end_matches('.'));
                let lower = auth::evaluate(&block, identities.from.as_deref(), below, &hop_of_offset, &same_host);
                if lower.authserv_id.is_some() {
                    auth = lower;
                }
            }
        }
    }
    // A forwarder the walk passed, with an ARC set the provider validated.
    if let Some(fwd) = crate::arc::read(&block, &hops, walk.forwarder, auth.arc.as_deref()) {
        arc_origin(&mut origin, &fwd, &hops, &mut stamps);
        auth::apply_arc(&mut auth, fwd);
    }
    // The walk named the handoff hop's sending pool already (from its names alone).
    let known_outbound = |hop: usize| (walk.handoff == Some(hop)).then_some(walk.handoff_outbound);
    let service = origin.as_ref().and_then(|o| service_of(o, &hops, &block, &stamps, limit, known_outbound(o.hop)));
    let findings = findings(&block, &hops, chain, origin.as_ref(), &walk, &auth, &identities, service.as_ref(), options);
    Ok(Analysis { origin, hops, stamps, auth, identities, service, findings })
}

/// An origin's reasons, starting with `first`. Room for the few that [`rate`] adds
/// is made at once: growing from one copied the 144-byte reason and cost a second
/// allocation on nearly every message.
fn reasons_from(code: &'static str, params: &[(&'static str, &str)]) -> Vec<Reason> {
    let mut reasons = Vec::with_capacity(4);
    reason::push(&mut reasons, code, params);
    reasons
}

/// Confidence and supporting reasons for the origin.
fn rate(o: &mut Origin, hops: &[Hop<'_>], chain: &[Option<bool>], stamps: &mut [Stamp], limit: usize, provider_unknown: bool) {
    let mut level = if o.confidence == Confidence::Low { 2 } else { 0 };
    // Chain consistency above the handoff.
    let mut broken = None;
    for (i, c) in chain.iter().enumerate().take(o.hop) {
        if *c == Some(false) && hops.get(i).is_some_and(|h| h.from_ip.is_some()) {
            broken = Some(i);
        }
    }
    match broken {
        Some(h) => {
            reason::push(&mut o.reasons, "origin-chain-break", &[("hop", Num::new(h as i64).as_str())]);
            level = level.max(1);
        }
        None if o.hop > 0 => reason::push(&mut o.reasons, "origin-chain-consistent", &[]),
        None => {}
    }
    let mut disagree = false;
    for s in stamps.iter_mut() {
        let agrees = o.ip == *s.ip;
        s.agrees_with_origin = Some(agrees);
        // Only connection stamps the provider wrote above the handoff weigh in; the
        // X-Originating-IP of a webmail client is a different address by nature.
        if s.offset < limit && s.field != "value" {
            if agrees {
                if !o.reasons.iter().any(|r| r.code == "origin-stamp-agrees") {
                    reason::push(&mut o.reasons, "origin-stamp-agrees", &[("header", &s.header)]);
                }
            } else if !disagree {
                disagree = true;
                reason::push(&mut o.reasons, "origin-stamp-disagrees", &[("header", &s.header), ("ip", &s.ip)]);
            }
        }
    }
    if disagree && !o.reasons.iter().any(|r| r.code == "origin-stamp-agrees") {
        level = level.max(1);
    }
    if let Some(hop) = hops.get(o.hop) {
        if hop.from_rdns.is_none() && hop.helo.is_none() {
            reason::push(&mut o.reasons, "origin-rdns-missing", &[]);
        }
        if let (Some(helo), Some(rdns)) = (hop.helo.as_deref(), hop.from_rdns.as_deref()) {
            // The same name (any case) has the same organisational domain.
            let differ = !helo.eq_ignore_ascii_case(rdns) && crate::psl::with_org(helo, |a| a.is_some_and(|a| crate::psl::with_org(rdns, |b| b.is_some_and(|b| a != b))));
            if differ {
                reason::push(&mut o.reasons, "origin-forged-helo", &[("helo", helo), ("rdns", rdns)]);
            }
        }
    }
    if provider_unknown {
        reason::push(&mut o.reasons, "origin-provider-unknown", &[]);
        level = 2;
    }
    o.confidence = match level {
        0 => Confidence::High,
        1 => Confidence::Medium,
        _ => Confidence::Low,
    };
}

/// Weigh the address a validated forwarder recorded against the origin: agree,
/// disagree (confidence at most medium), or — when no Received line below the
/// forwarder named an outside address — take it as the origin (medium).
fn arc_origin(origin: &mut Option<Origin>, fwd: &crate::arc::ArcForwarder, hops: &[Hop<'_>], stamps: &mut [Stamp]) {
    let Some(ip) = fwd.remote_ip.as_deref() else { return };
    if parse_addr(ip).is_none_or(is_internal_address) {
        return;
    }
    // Always there for an address `parse_addr` accepts.
    let Some(ip_inline) = origin::ip_text(ip) else { return };
    let sealer = fwd.sealer.as_str();
    // A low-confidence origin read from a stamp gives way to the validated record.
    if origin.as_ref().is_some_and(|o| o.reasons.first().is_some_and(|r| r.code == "origin-from-stamp")) {
        *origin = None;
    }
    match origin {
        Some(o) if o.ip == ip => reason::push(&mut o.reasons, "origin-arc-agrees", &[("sealer", sealer)]),
        Some(o) => {
            reason::push(&mut o.reasons, "origin-arc-disagrees", &[("sealer", sealer), ("ip", ip)]);
            if o.confidence == Confidence::High {
                o.confidence = Confidence::Medium;
            }
        }
        None => {
            let hop = fwd.remote_ip_hop.unwrap_or((fwd.hop + 1).min(hops.len().saturating_sub(1)));
            *origin = Some(Origin {
                ip: ip_inline,
                host: None,
                hop,
                confidence: Confidence::Medium,
                reasons: reasons_from("origin-from-arc", &[("sealer", sealer)]),
            });
            for s in stamps.iter_mut() {
                s.agrees_with_origin = Some(s.ip == ip);
            }
        }
    }
}

/// Header fields that identify the sending account at a service.
const ACCOUNT_HEADERS: &[(&str, &str)] = &[
    ("Feedback-ID", "feedback_id"),
    ("X-SES-Outgoing", "ses_outgoing"),
    ("X-Mailgun-Sid", "mailgun_sid"),
    ("X-SG-EID", "sendgrid_eid"),
    ("X-SG-ID", "sendgrid_id"),
    ("X-MC-User", "mailchimp_user"),
    ("X-Mandrill-User", "mandrill_user"),
    ("X-PM-Message-Id", "postmark_message_id"),
    ("X-Mailin-EID", "brevo_eid"),
    ("X-Sender-Id", "sender_id"),
    ("X-Google-Sender-Auth", "google_sender_auth"),
    ("X-Authenticated-Sender", "authenticated_sender"),
    ("X-Yahoo-Newman-Id", "yahoo_newman_id"),
];

/// `outbound`: the family the hop's names are named like the sending pool of, when
/// the walk found it out already.
fn service_of(o: &Origin, hops: &[Hop<'_>], block: &HeaderBlock<'_>, stamps: &[Stamp], limit: usize, outbound: Option<Option<&'static providers::Family>>) -> Option<Service> {
    let hop = hops.get(o.hop)?;
    // The names the hop gives, in this order, on the stack.
    let (mut names, mut count) = ([""; 3], 0);
    for name in [hop.from_rdns.as_deref(), hop.helo.as_deref(), hop.from_host.as_deref()].into_iter().flatten() {
        names[count] = name;
        count += 1;
    }
    let ip: Option<IpAddr> = parse_addr(&o.ip);
    let family = match outbound {
        Some(outbound) => providers::sending_family_given(outbound, &names[..count], ip),
        None => providers::sending_family(&names[..count], ip),
    }
    .filter(|f| f.kind != Kind::Forwarder)?;
    let mut account = BTreeMap::new();
    // Written by the sending service (or by the sender through it); the recipient's
    // provider does not add these. The first field of each name counts, looked up
    // in the block's name index.
    for (name, key) in ACCOUNT_HEADERS {
        if let Some(f) = block.get(name) {
            let v = f.value();
            if !v.is_empty() {
                account.insert(key.to_string(), v);
            }
        }
    }
    // The lines the service wrote about its own client, just below the handoff
    // (Gmail's `from client ([IP]) by smtp.gmail.com with ESMTPSA`).
    let in_family = |h: &Hop<'_>| {
        h.by_host.as_deref().is_some_and(|b| crate::psl::with_org(b, |org| org.is_some_and(|org| family.domains.contains(&org))))
    };
    let client_hop = hops
        .iter()
        .skip(o.hop + 1)
        .take_while(|h| in_family(h))
        .find(|h| h.peer.is_some_and(|a| !is_internal_address(a)));
    if let Some(sender) = hops.iter().skip(o.hop).find_map(|h| h.auth_sender.as_deref()) {
        account.insert("authenticated_sender".into(), sender.to_string());
    }
    let mut client_ip = client_hop
        .and_then(|h| h.from_ip)
        .filter(|ip| parse_addr(ip).is_some_and(|a| !is_internal_address(a)))
        .map(String::from);
    if client_ip.is_none() {
        // Outlook.com and Yahoo stamp the webmail client's address.
        client_ip = stamps
            .iter()
            .filter(|s| s.header == "X-Originating-IP" && s.offset < limit)
            .map(|s| s.ip.to_string())
            .find(|ip| o.ip != **ip && parse_addr(ip).is_some_and(|a| !is_internal_address(a)));
    }
    Some(Service { id: family.id, name: family.name, kind: if family.kind == Kind::Esp { "esp" } else { "mailbox" }, account, client_ip })
}

/// Compute the findings (kept here so every input is at hand).
#[allow(clippy::too_many_arguments)]
pub(crate) fn findings(
    block: &HeaderBlock<'_>,
    hops: &[Hop<'_>],
    chain: &[Option<bool>],
    origin: Option<&Origin>,
    walk: &origin::Walk,
    auth: &Auth,
    ids: &Identities,
    service: Option<&Service>,
    options: &AnalyzeOptions,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if hops.is_empty() {
        Finding::push(&mut out, "no-received", &[]);
    }
    let has = |n: &str| block.get(n).is_some();
    if block.stray_lines > 0 || (!hops.is_empty() && !has("From") && !has("Date") && !has("Subject")) {
        Finding::push(&mut out, "truncated-headers", &[]);
    }
    for h in hops {
        if let Some(d) = h.delay_seconds {
            if d < -60 {
                Finding::push(&mut out, "timestamps-out-of-order", &[("hop", Num::new(h.index as i64).as_str()), ("seconds", Num::new(-d).as_str())]);
            }
        }
        if let (Some(now), Some(ts)) = (options.now, h.timestamp) {
            if ts > now + 900 {
                Finding::push(&mut out, "future-timestamp", &[("hop", Num::new(h.index as i64).as_str())]);
            }
        }
        if h.unreadable {
            Finding::push(&mut out, "unparsed-received", &[("hop", Num::new(h.index as i64).as_str())]);
        }
    }
    for (w, c) in hops.windows(2).zip(chain) {
        if w[0].class != HopClass::Claimed && *c == Some(false) {
            let from = w[0].from_rdns.as_deref().or(w[0].helo.as_deref()).or(w[0].from_host.as_deref()).unwrap_or_default();
            Finding::push(&mut out, "chain-break", &[("hop", Num::new(w[0].index as i64).as_str()), ("from", from), ("by", w[1].by_host.as_deref().unwrap_or_default())]);
        }
    }
    let arrival = hops.iter().find_map(|h| h.timestamp);
    if let (Some(a), Some(d)) = (arrival, ids.date_timestamp) {
        let hours = (a - d).abs() / 3600;
        if hours >= 24 {
            Finding::push(&mut out, "date-far-from-arrival", &[("hours", Num::new(hours).as_str())]);
        }
    }
    if origin.is_none() && !hops.is_empty() {
        if let Some(ip) = walk.last_private.and_then(|i| hops.get(i)).and_then(|h| h.from_ip) {
            Finding::push(&mut out, "origin-private", &[("ip", ip.as_str())]);
        }
        Finding::push(&mut out, "no-origin", &[]);
    }
    if let (Some(rt), Some(from)) = (ids.reply_to.as_deref(), ids.from.as_deref()) {
        let (rt_dom, from_dom) = (domain_part(rt), domain_part(from));
        let differ = crate::psl::with_org(rt_dom, |a| a.is_some_and(|a| crate::psl::with_org(from_dom, |b| b.is_some_and(|b| a != b))));
        {
            if differ {
                Finding::push(&mut out, "reply-to-other-domain", &[("reply_to", rt), ("from", from)]);
            }
        }
    }
    if auth.verdict == Verdict::Forged {
        Finding::push(&mut out, "from-forged", &[("domain", auth.from_domain.as_deref().unwrap_or_default())]);
    }
    if let Some(s) = service {
        Finding::push(&mut out, "sent-via-service", &[("service", s.name)]);
    }
    out
}

/// What follows the last `@` (the whole text when there is none).
fn domain_part(address: &str) -> &str {
    address.rsplit('@').next().unwrap_or(address)
}
