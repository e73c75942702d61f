//! [`Reason`]: a translatable explanation (code + named params + English fallback).
//!
//! The English texts live here, in one table, so `docs/wire-format.md` and the
//! extension's `_locales` (`reason_<code>`) can be checked against a single list.

use std::collections::BTreeMap;

use serde::Serialize;

/// Serialised as `{code, params, text}`; the English `text` is filled in when it is
/// asked for (or serialised), so building reasons on the hot path stays cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub code: &'static str,
    pub params: Params,
}

/// The most params a reason has (`handoff-provider-outbound`: ip, by, provider).
const MAX_PARAMS: usize = 4;

/// A reason's named params, in the order given. The values share one buffer, held
/// inline when short (a reason is built for every hop of every message, and most
/// quote an address and a host name or two): no allocation then, one otherwise.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Params {
    text: Text,
    /// The names and the end of each value in `text`, the first `len` used.
    names: [&'static str; MAX_PARAMS],
    ends: [u32; MAX_PARAMS],
    len: u8,
}

/// The most bytes of values kept inline (the inline form then fills the space a
/// `String` and the variant tag take anyway, rounded up to the alignment).
const INLINE: usize = 87;

/// The values one after another. Which form a text takes depends only on its
/// length, and unused inline bytes stay zero, so equal texts compare equal.
#[derive(Clone, PartialEq, Eq)]
enum Text {
    Inline([u8; INLINE]),
    Heap(String),
}

impl Default for Text {
    fn default() -> Text {
        Text::Inline([0; INLINE])
    }
}

impl Params {
    /// All the values, one after another.
    fn text(&self) -> &str {
        match &self.text {
            Text::Heap(s) => s,
            Text::Inline(b) => {
                let total = self.len.checked_sub(1).map_or(0, |i| self.ends[usize::from(i)] as usize);
                // Copied from `str` values whole: always UTF-8.
                std::str::from_utf8(&b[..total]).unwrap_or_default()
            }
        }
    }

    /// (name, value) pairs in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> + Clone + '_ {
        let text = self.text();
        let len = usize::from(self.len);
        let mut start = 0;
        self.names[..len].iter().zip(&self.ends[..len]).map(move |(&k, &end)| {
            let v = &text[start..end as usize];
            start = end as usize;
            (k, v)
        })
    }

    /// The value of the first param called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// At most four params, kept in the order given.
    pub(crate) fn new(params: &[(&'static str, &str)]) -> Params {
        let mut p = Params::default();
        p.set(params);
        p
    }

    /// Replace the params with `params` (at most four), written where they are:
    /// the values are copied a few bytes at a time, and copying the whole struct
    /// again right after (from a temporary into its place) read those bytes back in
    /// wider loads, which stall until the narrow stores are done.
    pub(crate) fn set(&mut self, params: &[(&'static str, &str)]) {
        assert!(params.len() <= MAX_PARAMS, "too many params");
        self.len = params.len() as u8;
        // Unused slots stay as `Default` leaves them, so equal params compare equal.
        self.names = [""; MAX_PARAMS];
        self.ends = [0; MAX_PARAMS];
        let total: usize = params.iter().map(|(_, v)| v.len()).sum();
        if total <= INLINE {
            if !matches!(self.text, Text::Inline(_)) {
                self.text = Text::Inline([0; INLINE]);
            }
            let Text::Inline(buf) = &mut self.text else { return };
            *buf = [0; INLINE];
            let mut at = 0;
            for (i, (k, v)) in params.iter().enumerate() {
                buf[at..at + v.len()].copy_from_slice(v.as_bytes());
                at += v.len();
                (self.names[i], self.ends[i]) = (k, at as u32);
            }
        } else {
            let mut text = String::with_capacity(total);
            for (i, (k, v)) in params.iter().enumerate() {
                text.push_str(v);
                (self.names[i], self.ends[i]) = (k, text.len() as u32);
            }
            self.text = Text::Heap(text);
        }
    }
}

/// Serialised as a map in name order (as a `BTreeMap` of them was; of a repeated
/// name the last value counts, as there).
impl Serialize for Params {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let params: BTreeMap<&str, &str> = self.iter().collect();
        params.serialize(serializer)
    }
}

impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("Reason", 3)?;
        st.serialize_field("code", self.code)?;
        st.serialize_field("params", &self.params)?;
        st.serialize_field("text", &self.text())?;
        st.end()
    }
}

/// Every reason code with its English template (`{name}` placeholders).
pub const REASONS: &[(&str, &str)] = &[
    ("no-connecting-ip", "This line records no connecting address (a local pickup, webmail submission or internal step)."),
    ("retrieval-hop", "This line records a mailbox download (fetchmail, IMAP or POP3) from {host}, not a delivery."),
    ("private-address", "The connecting address {ip} is private, loopback, link-local or shared address space: an internal relay."),
    ("provider-internal-range", "The connecting address {ip} is in {provider}'s internal range."),
    ("provider-host", "The connecting host {host} belongs to the recipient's provider ({domain})."),
    ("provider-relay-chain", "The connecting host calls itself {host} ({domain}, the recipient's provider) and the line below was written by that same host."),
    ("recipient-domain-host", "The connecting host {host} belongs to the recipient's own domain {domain}."),
    ("trusted-forwarder", "{host} is a forwarder you declared; the line before it is followed."),
    ("known-forwarder", "{host} is the forwarding service {name}; the line before it is followed."),
    ("handoff", "{by} (the recipient's provider) received this message from {ip}, which is outside the provider: this is where the message entered."),
    ("handoff-provider-outbound", "{by} received this message from {ip}, an outgoing server of {provider}: the message was sent through {provider}."),
    ("claimed", "Written below the handoff by servers outside the recipient's provider: the sender's claim, which cannot be verified."),
    ("note", "{text}"),
    ("unreadable-line", "This Received line could not be read."),
    ("origin-handoff", "{ip} handed the message to the recipient's provider ({provider})."),
    ("origin-chain-consistent", "Every line above the handoff names the host the next line was written by."),
    ("origin-chain-break", "The line at hop {hop} above the handoff does not name the host that wrote the next line; the chain may be incomplete."),
    ("origin-stamp-agrees", "{header}, written by the recipient's provider, records the same address."),
    ("origin-stamp-disagrees", "{header} records {ip} instead."),
    ("origin-from-stamp", "The Received line carries no address; it was filled in from {header}."),
    ("origin-provider-unknown", "The recipient's provider could not be recognised; the first public address below the top was taken."),
    ("origin-rdns-missing", "The receiver recorded no reverse DNS name for this address."),
    ("origin-forged-helo", "The sender called itself {helo} but its address resolves to {rdns}."),
    ("auth-source", "Read from the Authentication-Results written by {authserv_id}, the recipient's provider."),
    ("auth-missing", "No Authentication-Results from the recipient's provider was found."),
    ("auth-lower-ignored", "{count} lower Authentication-Results headers were ignored: they can be forged."),
    ("auth-dmarc-pass", "DMARC passed for {domain}."),
    ("auth-dmarc-fail", "DMARC failed for {domain}: the From domain is not authenticated."),
    ("auth-dkim-aligned", "A valid DKIM signature of {domain} matches the From domain."),
    ("auth-spf-aligned", "SPF passed for {domain}, which matches the From domain."),
    ("auth-not-aligned", "Nothing that passed authentication matches the From domain {domain}."),
    ("auth-compauth-fail", "Microsoft's composite authentication failed."),
    ("auth-arc-forwarder", "The forwarder {sealer} sealed ARC set {instance} and the recipient's provider validated the chain (arc=pass): what the forwarder saw before relaying is shown."),
    ("auth-arc-dmarc-pass", "DMARC passed for {domain} when the message reached the forwarder {sealer} (its ARC record, validated by the recipient's provider); the provider's own check sees the forwarder instead of the sender."),
    ("origin-arc-agrees", "The forwarder {sealer} recorded the same address in its ARC record, which the recipient's provider validated."),
    ("origin-arc-disagrees", "The forwarder {sealer} recorded {ip} in its ARC record instead."),
    ("origin-from-arc", "No Received line below the forwarder names an outside address; the address was taken from the ARC record of {sealer}, which the recipient's provider validated."),
];

/// Fill `{name}` placeholders.
pub fn fill<'a>(template: &str, params: impl IntoIterator<Item = (&'a str, &'a str)> + Clone) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    // Byte scans rather than `find(char)`: templates are short and std's memchr
    // costs a call and setup per search. The braces are ASCII, so the positions
    // found are char boundaries.
    while let Some(open) = rest.bytes().position(|b| b == b'{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.bytes().position(|b| b == b'}') {
            Some(close) => {
                let key = &after[..close];
                match params.clone().into_iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl Reason {
    pub fn new(code: &'static str) -> Reason {
        Reason::with(code, &[])
    }

    /// At most four params (no reason has more).
    pub fn with(code: &'static str, params: &[(&'static str, &str)]) -> Reason {
        let mut r = Reason { code, params: Params::default() };
        r.set(code, params);
        r
    }

    /// Make this reason `code` with `params` (at most four), in place: cheaper than
    /// assigning a new one (see [`Params::set`]).
    pub fn set(&mut self, code: &'static str, params: &[(&'static str, &str)]) {
        assert!(params.len() <= MAX_PARAMS, "reason {code}: too many params");
        self.code = code;
        self.params.set(params);
    }

    /// The English text with the params filled in.
    pub fn text(&self) -> String {
        let template = REASONS.iter().find(|(c, _)| *c == self.code).map(|(_, t)| *t).unwrap_or(self.code);
        fill(template, self.params.iter().map(|(k, v)| -> (&str, &str) { (k, v) }))
    }
}

/// Append reason `code` with `params` to `list`, written in its place (see
/// [`Params::set`]).
pub(crate) fn push(list: &mut Vec<Reason>, code: &'static str, params: &[(&'static str, &str)]) {
    list.push(Reason { code, params: Params::default() });
    if let Some(r) = list.last_mut() {
        r.set(code, params);
    }
}

/// A free-text note (code `note`, the text as given). For callers that pin or add
/// reasons of their own, e.g. test fixtures.
impl From<&'static str> for Reason {
    fn from(text: &'static str) -> Reason {
        Reason::with("note", &[("text", text)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Reason::with` refuses more than `MAX_PARAMS` params: no template may need more.
    #[test]
    fn every_template_fits_the_param_slots() {
        for (code, template) in REASONS {
            let mut names: Vec<&str> = template.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(n, _)| n)).collect();
            names.sort_unstable();
            names.dedup();
            assert!(names.len() <= MAX_PARAMS, "{code} needs {} params", names.len());
        }
    }

    #[test]
    fn params_keep_their_order_and_values() {
        let r = Reason::with("handoff", &[("ip", "192.0.2.1"), ("by", ""), ("provider", "ä.example")]);
        assert_eq!(r.params.iter().collect::<Vec<_>>(), vec![("ip", "192.0.2.1"), ("by", ""), ("provider", "ä.example")]);
        assert_eq!(r.params.get("provider"), Some("ä.example"));
        assert_eq!(r.params.get("missing"), None);
        assert!(Reason::new("claimed").params.is_empty());
        assert_eq!(Reason::new("claimed"), Reason::with("claimed", &[]));
        // Values on both sides of the inline limit, and exactly at it.
        for total in [0, 1, INLINE - 1, INLINE, INLINE + 1, 300] {
            let a = "a".repeat(total / 2);
            let b = "é".repeat((total - a.len()) / 2) + &"b".repeat((total - a.len()) % 2);
            let r = Reason::with("origin-forged-helo", &[("helo", &a), ("rdns", &b)]);
            assert_eq!(r.params.iter().collect::<Vec<_>>(), vec![("helo", a.as_str()), ("rdns", b.as_str())]);
            assert_eq!(r.text(), format!("The sender called itself {a} but its address resolves to {b}."));
            assert_eq!(r, Reason::with("origin-forged-helo", &[("helo", &a), ("rdns", &b)]));
        }
        // Inline values take no more room than the heap form did (every hop holds a reason).
        #[cfg(target_pointer_width = "64")]
        assert!(std::mem::size_of::<Reason>() <= 192);
        // Set over any earlier value, the same as built fresh.
        let long = "h".repeat(60);
        for before in [Reason::new("claimed"), Reason::with("handoff", &[("ip", "192.0.2.1"), ("by", "mx.example"), ("provider", "x")]), Reason::with("handoff", &[("ip", &long), ("by", "b")])] {
            for (code, params) in [("claimed", &[][..]), ("handoff", &[("ip", "x"), ("by", "y")][..]), ("handoff", &[("ip", long.as_str()), ("by", "y")][..]), ("private-address", &[("ip", "10.0.0.1")][..])] {
                let mut r = before.clone();
                r.set(code, params);
                assert_eq!(r, Reason::with(code, params));
                assert_eq!(r.params.iter().collect::<Vec<_>>(), params.to_vec());
            }
        }
        let moved = Reason::with("handoff", &[("ip", "xy"), ("by", "")]);
        assert_ne!(Reason::with("handoff", &[("ip", "x"), ("by", "y")]), moved);
        assert_eq!(moved.params.get("by"), Some(""));
    }
}
