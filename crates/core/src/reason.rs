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
    pub params: Vec<(&'static str, String)>,
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let params: BTreeMap<&str, &str> = self.params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut st = serializer.serialize_struct("Reason", 3)?;
        st.serialize_field("code", self.code)?;
        st.serialize_field("params", &params)?;
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
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
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

    pub fn with(code: &'static str, params: &[(&'static str, &str)]) -> Reason {
        Reason { code, params: params.iter().map(|(k, v)| (*k, v.to_string())).collect() }
    }

    /// The English text with the params filled in.
    pub fn text(&self) -> String {
        let template = REASONS.iter().find(|(c, _)| *c == self.code).map(|(_, t)| *t).unwrap_or(self.code);
        fill(template, self.params.iter().map(|(k, v)| (*k, v.as_str())))
    }
}

/// A free-text note (code `note`, the text as given). For callers that pin or add
/// reasons of their own, e.g. test fixtures.
impl From<&'static str> for Reason {
    fn from(text: &'static str) -> Reason {
        Reason { code: "note", params: vec![("text", text.to_string())] }
    }
}
