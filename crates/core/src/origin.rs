//! The trust boundary: which Received lines the recipient's provider wrote, and the
//! handoff — the first hop whose connecting side is outside it. Its IP is the origin.
//!
//! The walk goes from the top (newest) line down, like SpamCop's chain check and
//! SpamAssassin's trusted/untrusted split (see research/anchors.md B1, B2):
//!
//! 1. Every hop passed so far was written by the provider, so the organisational
//!    domain (Public Suffix List) of its `by` host joins the provider's set, and so do
//!    the domains the message was delivered to (`Delivered-To`, written on delivery).
//! 2. Lines without a connecting IP (qmail's "invoked from network", Gmail's
//!    `by 2002:a05:…` lines, local pickups) tell nothing about the boundary: passed.
//! 3. Mailbox retrievals (fetchmail / IMAP / POP3) are passed, and the mailbox host
//!    they read from joins the provider's set: the user's provider is the mailbox.
//! 4. A hop from a private, loopback, link-local or shared (CGNAT) address, or from a
//!    provider family's own relay range (Exchange Online's 2603:10x6::/32) is internal.
//! 5. A relay whose reverse DNS (written by the receiver, so not the sender's claim) is
//!    in the provider's set, or in the recipient's own domain, is internal — except
//!    for families whose sending pool shares their domain (Gmail, Microsoft): there
//!    only addresses count. A relay known only by its HELO counts when the line below
//!    was written by that very host (chain consistency).
//! 6. Declared forwarders and well-known forwarding services are passed.
//! 7. Anything else is the handoff. Lower lines are the sender's claim.

use std::borrow::Cow;
use std::net::IpAddr;

use serde::Serialize;

use crate::providers::{self, Family, Kind};
use crate::reason::Reason;
use crate::received::{Hop, HopClass};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Origin<'a> {
    /// Held inline: every origin's address is text that `parse_addr` accepted (hex
    /// digits, dots and colons that std reads as an address: 45 bytes at most).
    pub ip: crate::text::IpText,
    /// Lent from the hop's name when the hop's text is (see [`crate::text`]).
    pub host: Option<Cow<'a, str>>,
    /// Index of the handoff hop in `hops`.
    pub hop: usize,
    pub confidence: Confidence,
    pub reasons: Vec<Reason>,
}

impl Origin<'_> {
    /// A copy that borrows nothing from the message.
    pub fn into_owned(self) -> Origin<'static> {
        let Origin { ip, host, hop, confidence, reasons } = self;
        Origin { ip, host: host.map(|h| Cow::Owned(h.into_owned())), hop, confidence, reasons }
    }
}

/// `ip` inline, when it is short ASCII text (always, for text `parse_addr` accepts).
pub(crate) fn ip_text(ip: &str) -> Option<crate::text::IpText> {
    let mut t = crate::text::IpText::new();
    if ip.len() > 46 || !ip.is_ascii() {
        return None;
    }
    t.push_ascii(ip.as_bytes());
    Some(t)
}

/// Private, loopback, link-local, CGNAT, unspecified, unique-local: never an origin.
pub fn is_internal_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || o[0] == 0
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback() || v6.is_unspecified() || (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80
        }
    }
}

/// A declared forwarder: a host name, a domain (matches its subdomains) or a CIDR.
fn matches_forwarder(entry: &str, hop: &Hop, ip: IpAddr) -> bool {
    let entry = entry.trim().trim_end_matches('.').to_ascii_lowercase();
    if entry.is_empty() {
        return false;
    }
    if let Some(c) = providers::Cidr::parse(&entry) {
        return c.contains(ip);
    }
    [hop.from_rdns.as_deref(), hop.from_host.as_deref(), hop.helo.as_deref()].into_iter().flatten().any(|h| {
        let h = h.to_ascii_lowercase();
        h == entry || h.ends_with(&format!(".{entry}"))
    })
}

fn is_real_name(h: &str) -> bool {
    let h = h.trim_end_matches('.');
    // A plain byte scan: host names are short, and `contains(char)` calls std's
    // memchr, whose setup costs more than the search here.
    h.bytes().any(|b| b == b'.') && crate::received::parse_addr(h).is_none() && !h.starts_with('[') && !h.eq_ignore_ascii_case("localhost.localdomain")
}

/// The provider's organisational domains, grown as the walk goes down.
#[derive(Debug, Default)]
pub struct TrustSet {
    orgs: OrgList,
    /// Indices into `providers::families()` (ids are unique, so an index stands for its id).
    families: FamilySet,
    /// The recipient's own domains (Delivered-To): their organisational domains, and
    /// the byte offset of the first field of each; those above `recipient_limit` count.
    recipient_orgs: OrgList,
    recipient_inline: [usize; 2],
    recipient_offsets: Vec<usize>,
    recipient_limit: usize,
    /// The host last given to `add_host`, when short enough to keep here.
    last_host: LastHost,
}

/// Bytes of a host name and their count (up to 64).
#[derive(Debug)]
struct LastHost([u8; 64], u8);

impl Default for LastHost {
    fn default() -> LastHost {
        LastHost([0; 64], 0)
    }
}

/// Strings one after another: in place while they fit, then on the heap. A
/// message's trust set holds a few short domains, and a heap buffer for them cost
/// an allocation and a free on every message.
#[derive(Debug)]
struct Bytes {
    inline: [u8; 96],
    len: usize,
    /// Everything, once the inline buffer overflowed (never empty then).
    heap: Vec<u8>,
}

impl Default for Bytes {
    fn default() -> Bytes {
        Bytes { inline: [0; 96], len: 0, heap: Vec::new() }
    }
}

impl Bytes {
    fn get(&self) -> &[u8] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }

    /// Appends `s`; the new length.
    fn push(&mut self, s: &[u8]) -> usize {
        if self.heap.is_empty() {
            if let Some(dst) = self.inline.get_mut(self.len..self.len + s.len()) {
                dst.copy_from_slice(s);
                self.len += s.len();
                return self.len;
            }
            // More than the inline buffer holds: the heap buffer is not empty.
            self.heap.extend_from_slice(&self.inline[..self.len]);
        }
        self.heap.extend_from_slice(s);
        self.heap.len()
    }
}

/// A few distinct strings in one buffer, in the order added. The provider has one
/// to three organisational domains: a string and a tree node each cost more than
/// comparing with every one of them. Lengths are checked first, so a long list
/// (a message with many distinct relays) stays cheap to search.
#[derive(Debug, Default)]
struct OrgList {
    text: Bytes,
    /// End of each string in `text`: the first few here, the rest in `more`.
    ends: [u32; 4],
    count: usize,
    more: Vec<u32>,
}

impl OrgList {
    fn ends(&self) -> impl Iterator<Item = usize> + '_ {
        self.ends[..self.count.min(4)].iter().chain(&self.more).map(|&e| e as usize)
    }

    fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let text = self.text.get();
        let mut start = 0;
        self.ends().map(move |end| {
            // Whole `str`s were added: always UTF-8.
            let s = std::str::from_utf8(&text[start..end]).unwrap_or_default();
            start = end;
            s
        })
    }

    /// The index of `org` in the list.
    fn position(&self, org: &str) -> Option<usize> {
        let text = self.text.get();
        let mut start = 0;
        for (i, end) in self.ends().enumerate() {
            if end - start == org.len() && &text[start..end] == org.as_bytes() {
                return Some(i);
            }
            start = end;
        }
        None
    }

    fn contains(&self, org: &str) -> bool {
        self.position(org).is_some()
    }

    /// Adds `org` unless present; whether it was added.
    fn insert(&mut self, org: &str) -> bool {
        if self.contains(org) {
            return false;
        }
        let end = self.text.push(org.as_bytes()) as u32;
        match self.ends.get_mut(self.count) {
            Some(slot) => *slot = end,
            None => self.more.push(end),
        }
        self.count += 1;
        true
    }

    fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// A set of family indices, as bits.
#[derive(Debug, Default)]
struct FamilySet([u64; 4]);

impl FamilySet {
    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    /// The indices in the set, ascending: a step per member, not per family.
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &bits)| {
            let mut rest = bits;
            std::iter::from_fn(move || {
                let bit = (rest != 0).then(|| rest.trailing_zeros() as usize)?;
                rest &= rest - 1;
                Some(w * 64 + bit)
            })
        })
    }
}

impl TrustSet {
    pub fn add_host(&mut self, host: &str) {
        // Consecutive hops are mostly written by the same host: adding it again
        // changes nothing.
        let LastHost(last, len) = &mut self.last_host;
        if host.as_bytes() == &last[..usize::from(*len)] {
            return;
        }
        // A host too long to keep is not remembered (adding it twice changes nothing).
        *len = 0;
        if let Some(dst) = last.get_mut(..host.len()) {
            dst.copy_from_slice(host.as_bytes());
            *len = host.len() as u8;
        }
        if !is_real_name(host) {
            return;
        }
        crate::psl::with_org(host, |org| {
            // An org already in the list had its family added with it (neither set
            // loses members): only a new one needs the family lookup.
            if let Some(org) = org {
                if self.orgs.insert(org) {
                    if let Some(i) = providers::family_index_of_domain(org) {
                        self.families.insert(i);
                    }
                }
            }
        });
    }

    /// Is `org` the domain of a Delivered-To field above the limit (byte offset)?
    /// Those were written by the provider, or by the relay being judged.
    fn is_recipient_org(&self, org: &str) -> bool {
        self.recipient_orgs.position(org).is_some_and(|i| self.recipient_offset(i) < self.recipient_limit)
    }

    /// Offset of the first field with the `i`th recipient org: the first few
    /// kept in place, like the orgs.
    fn recipient_offset(&self, i: usize) -> usize {
        match self.recipient_inline.get(i) {
            Some(&o) => o,
            None => self.recipient_offsets.get(i - self.recipient_inline.len()).copied().unwrap_or(usize::MAX),
        }
    }

    /// Counts `org` as the recipient's own from the field at byte `offset` on (an
    /// org named again counts from the lowest offset: the test is "any field above
    /// the limit").
    fn add_recipient_org(&mut self, org: &str, offset: usize) {
        let n = self.recipient_inline.len();
        match self.recipient_orgs.position(org) {
            Some(i) => {
                let slot = if i < n { &mut self.recipient_inline[i] } else { &mut self.recipient_offsets[i - n] };
                *slot = (*slot).min(offset);
            }
            None => {
                self.recipient_orgs.insert(org);
                let i = self.recipient_orgs.count - 1;
                if i < n {
                    self.recipient_inline[i] = offset;
                } else {
                    self.recipient_offsets.push(offset);
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.orgs.is_empty()
    }

    /// `f` of the org domain of `host` when it is the provider's (a real name, and
    /// names count for it) or the recipient's own; lent, not copied, and computed
    /// once for both questions.
    fn chain_org<R>(&self, host: &str, f: impl FnOnce(&str) -> R) -> Option<R> {
        let real = is_real_name(host);
        crate::psl::with_org(host, |org| {
            let org = org?;
            ((real && self.trusts_org(org)) || self.is_recipient_org(org)).then(|| f(org))
        })
    }

    /// Is this organisational domain the provider's, with names counting for it?
    fn trusts_org(&self, org: &str) -> bool {
        match providers::family_index_of_domain(org) {
            Some(i) => providers::families()[i].trust_names && self.families.contains(i),
            None => self.orgs.contains(org),
        }
    }

    fn trusted_families(&self) -> impl Iterator<Item = &'static Family> + '_ {
        let all = providers::families();
        self.families.iter().filter_map(move |i| all.get(i))
    }

    /// A short name of the provider for messages.
    pub fn label(&self) -> Cow<'_, str> {
        if let Some(f) = self.trusted_families().find(|f| f.kind != Kind::Forwarder) {
            return f.name.into();
        }
        // The first in sort order (the set was once sorted).
        self.orgs.iter().min().unwrap_or("the receiving server").into()
    }

    pub fn contains_org(&self, org: &str) -> bool {
        self.orgs.contains(org)
            || providers::family_index_of_domain(org).is_some_and(|i| self.families.contains(i))
    }
}

/// The result of the walk.
pub struct Walk {
    pub handoff: Option<usize>,
    pub trust: TrustSet,
    /// The lowest internal hop with a private address, when nothing external was found.
    pub last_private: Option<usize>,
    /// The first hop passed as a forwarder (declared or well-known), if any.
    pub forwarder: Option<usize>,
    /// The sending-pool family the handoff hop's names are named like (forwarders
    /// left out), as [`providers::sending_family`] would find it first.
    pub(crate) handoff_outbound: Option<&'static Family>,
}

/// Classify every hop and find the handoff.
/// `recipient_domains`: (byte offset, domain) of each Delivered-To / X-Original-To, in any order.
pub fn walk<D: AsRef<str>>(hops: &mut [Hop], recipient_domains: impl IntoIterator<Item = (usize, D)>, forwarders: &[String]) -> Walk {
    // Built where it is returned: the trust set holds a few hundred bytes inline,
    // and assembling the result at the end copied them.
    let mut walk = Walk { handoff: None, trust: TrustSet::default(), last_private: None, forwarder: None, handoff_outbound: None };
    let Walk { handoff, trust, last_private, forwarder, handoff_outbound } = &mut walk;
    let n = hops.len();
    // The recipient domains' organisational domains, once (mailbox families' domains
    // are not the user's own: their users send too). An org that is named again
    // counts from its first field, the one with the lowest offset.
    for (offset, domain) in recipient_domains {
        crate::psl::with_org(domain.as_ref(), |org| {
            if let Some(org) = org.filter(|org| providers::family_of_domain(org).is_none()) {
                trust.add_recipient_org(org, offset);
            }
        });
    }
    for i in 0..n {
        let (head, below) = hops.split_at_mut(i + 1);
        let hop = &mut head[i];
        let next_by = below.first().and_then(|h| h.by_host.as_deref());
        // A Delivered-To written by the relay judged here sits between its line and
        // the next line that records a connecting address.
        let dt_limit = below.iter().find(|h| h.from_ip.is_some()).map(|h| h.span.0).unwrap_or(hop.span.1);
        trust.recipient_limit = dt_limit;
        if hop.retrieval {
            if let Some(h) = hop.from_rdns.as_deref().or(hop.from_host.as_deref()) {
                trust.add_host(h);
            }
            let host = hop.from_host.as_deref().or(hop.from_ip.as_deref()).unwrap_or("?");
            hop.reason.set("retrieval-hop", &[("host", host)]);
            hop.class = HopClass::Internal;
            continue;
        }
        if let Some(by) = hop.by_host.as_deref() {
            trust.add_host(by);
        }
        let Some(ip) = hop.peer else {
            hop.class = HopClass::Internal;
            hop.reason.set(if hop.unreadable { "unreadable-line" } else { "no-connecting-ip" }, &[]);
            continue;
        };
        // Only some reasons quote the address. The parser wrote it out beside the
        // address (`from_ip` is `ip_short` of `peer`): lent from there.
        let from_ip = hop.from_ip;
        let ip_text = || from_ip.unwrap_or_else(|| crate::received::ip_short(ip));
        hop.class = HopClass::Internal;
        if forwarders.iter().any(|f| matches_forwarder(f, hop, ip)) {
            let text = ip_text();
            let host = hop.from_rdns.as_deref().or(hop.from_host.as_deref()).unwrap_or(&text);
            hop.reason.set("trusted-forwarder", &[("host", host)]);
            *forwarder = forwarder.or(Some(i));
            continue;
        }
        if is_internal_address(ip) {
            hop.reason.set("private-address", &[("ip", &ip_text())]);
            *last_private = Some(i);
            continue;
        }
        // The family whose sending pool the names are named like: looked up when
        // first needed. A relay in the provider's own ranges mostly needs no answer
        // (only a range shared with the sending pool asks), and each name costs an
        // organisational-domain lookup.
        let names = [hop.from_rdns.as_deref(), hop.helo.as_deref(), hop.from_host.as_deref()];
        let mut outbound_known = None;
        let mut outbound = || *outbound_known.get_or_insert_with(|| names.into_iter().flatten().find_map(providers::outbound_family).filter(|f| f.kind != Kind::Forwarder));
        let families = providers::families();
        let internal = trust.families.iter().find(|&i| families.get(i).is_some_and(|f| providers::is_internal_ip_at(i, ip, || outbound().is_some_and(|o| o.id == f.id))));
        if let Some(f) = internal.and_then(|i| families.get(i)) {
            hop.reason.set("provider-internal-range", &[("ip", &ip_text()), ("provider", f.name)]);
            continue;
        }
        // The sending pool of a family is always outside, even the recipient's own family.
        let sending = outbound().or_else(|| providers::sending_range_family(ip));
        if sending.is_none() {
            // The reverse DNS name's organisational domain answers three questions:
            // the provider's host, the recipient's own, a forwarding service.
            let mut rdns_forwarder = None;
            if let Some(rdns) = hop.from_rdns.as_deref() {
                let real = is_real_name(rdns);
                let reason = &mut hop.reason;
                let judged = crate::psl::with_org(rdns, |org| {
                    let Some(org) = org else { return false };
                    if real && trust.trusts_org(org) {
                        reason.set("provider-host", &[("host", rdns), ("domain", org)]);
                        return true;
                    }
                    if trust.is_recipient_org(org) {
                        reason.set("recipient-domain-host", &[("host", rdns), ("domain", org)]);
                        return true;
                    }
                    rdns_forwarder = providers::family_of_domain(org).filter(|f| f.kind == Kind::Forwarder);
                    false
                });
                if judged {
                    continue;
                }
            }
            // Known only by the name it gave: trust it when the next line down was
            // written by that same host (the relay recorded its own receipt).
            let claimed = hop.helo.as_deref().or(hop.from_host.as_deref());
            if let (Some(name), Some(next_by)) = (claimed, next_by) {
                if name.eq_ignore_ascii_case(next_by) {
                    let reason = &mut hop.reason;
                    if trust.chain_org(name, |org| reason.set("provider-relay-chain", &[("host", name), ("domain", org)])).is_some() {
                        continue;
                    }
                }
            }
            // Well-known forwarding services: the line below is theirs, follow it.
            if let (Some(rdns), Some(f)) = (hop.from_rdns.as_deref(), rdns_forwarder) {
                hop.reason.set("known-forwarder", &[("host", rdns), ("name", f.name)]);
                *forwarder = forwarder.or(Some(i));
                if let Some(by) = next_by {
                    trust.add_host(by);
                }
                continue;
            }
        }
        let by = hop.by_host.as_deref().map_or_else(|| trust.label(), Cow::Borrowed);
        hop.class = HopClass::Handoff;
        let ip_text = ip_text();
        match sending {
            Some(f) => hop.reason.set("handoff-provider-outbound", &[("ip", &ip_text), ("by", &by), ("provider", f.name)]),
            None => hop.reason.set("handoff", &[("ip", &ip_text), ("by", &by)]),
        }
        *handoff = Some(i);
        *handoff_outbound = outbound();
        break;
    }
    if let Some(h) = *handoff {
        for hop in hops.iter_mut().skip(h + 1) {
            hop.class = HopClass::Claimed;
            hop.reason.set("claimed", &[]);
        }
    }
    walk
}

/// Does hop `i`'s sending side name the host that wrote hop `i + 1`? `None` when
/// either side is missing or not a real name.
pub fn chain_consistent(upper: &Hop, lower: &Hop) -> Option<bool> {
    // A mailbox download names the mailbox server, which wrote the line below through
    // its own internal relays: no from/by pairing to check there.
    if upper.retrieval || upper.peer.is_some_and(is_internal_address) {
        return None;
    }
    let by = lower.by_host.as_deref().filter(|b| is_real_name(b))?;
    let mut names = [upper.from_rdns.as_deref(), upper.helo.as_deref(), upper.from_host.as_deref()]
        .into_iter()
        .flatten()
        .filter(|h| is_real_name(h))
        .peekable();
    names.peek()?;
    // The same name needs no organisational domain (`any` is order-free).
    if names.clone().any(|h| h.eq_ignore_ascii_case(by)) {
        return Some(true);
    }
    crate::psl::with_org(by, |by_org| {
        // Looked up when first needed: mostly a name shares `by`'s org and none is.
        let mut by_family = None;
        Some(names.any(|h| {
            if h.eq_ignore_ascii_case(by) {
                return true;
            }
            crate::psl::with_org(h, |org| {
                if by_org.is_some() && org == by_org {
                    return true;
                }
                let Some(family) = org.and_then(providers::family_of_domain).map(|f| f.id) else {
                    return false;
                };
                *by_family.get_or_insert_with(|| by_org.and_then(providers::family_of_domain).map(|f| f.id)) == Some(family)
            })
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_set_keeps_distinct_orgs_and_labels_with_the_least() {
        let mut t = TrustSet::default();
        assert!(t.is_empty());
        assert_eq!(t.label(), "the receiving server");
        for h in ["mx.zeta.example", "mx.zeta.example", "a.alpha.example", "b.zeta.example", "x.y.alpha.example", &format!("{}.long.example", "h".repeat(80))] {
            t.add_host(h);
        }
        assert_eq!(t.orgs.iter().collect::<Vec<_>>(), ["zeta.example", "alpha.example", "long.example"]);
        assert!(t.contains_org("alpha.example") && !t.contains_org("alpha.exampl") && !t.contains_org(""));
        assert_eq!(t.label(), "alpha.example");
        // Past the inline ends.
        let names: Vec<String> = (0..9).map(|i| format!("mx.d{i}.example")).collect();
        for h in &names {
            t.add_host(h);
            t.add_host(h);
        }
        let want: Vec<String> = ["zeta.example", "alpha.example", "long.example"].iter().map(|s| s.to_string()).chain((0..9).map(|i| format!("d{i}.example"))).collect();
        assert_eq!(t.orgs.iter().collect::<Vec<_>>(), want);
        assert!((0..9).all(|i| t.contains_org(&format!("d{i}.example"))) && !t.contains_org("d9.example"));
        // Recipient orgs count from the lowest offset they were named at, past the
        // inline slots too.
        let mut t = TrustSet::default();
        for (offset, org) in [(50, "a.example"), (10, "b.example"), (5, "a.example"), (70, "c.example"), (40, "d.example"), (20, "c.example"), (90, "e.example")] {
            t.add_recipient_org(org, offset);
        }
        for (limit, want) in [(6, "a"), (11, "ab"), (21, "abc"), (41, "abcd"), (91, "abcde"), (0, "")] {
            t.recipient_limit = limit;
            let got: String = ["a", "b", "c", "d", "e", "f"].into_iter().filter(|x| t.is_recipient_org(&format!("{x}.example"))).collect();
            assert_eq!(got, want, "limit {limit}");
        }
        let mut set = FamilySet::default();
        for i in [200, 0, 63, 64, 5, 255] {
            set.insert(i);
        }
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 5, 63, 64, 200, 255]);
        assert!((0..256).all(|i| set.contains(i) == set.iter().any(|j| j == i)));
    }
}
