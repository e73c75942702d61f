//! ARC (RFC 8617) for forwarded mail: what the forwarder saw before it relayed.
//!
//! When the trust walk passes a forwarder (one the user declared, or a well-known
//! forwarding service), the provider's own checks see the forwarder, not the
//! sender: SPF names the forwarder's address, and DKIM may be broken by the
//! rewrite. A forwarder that seals an ARC set records its own
//! `ARC-Authentication-Results`: the address that connected to it and the SPF,
//! DKIM and DMARC results it saw. That record is used only when all of these hold
//! (anything less and it is ignored — a sender can write ARC headers too):
//!
//! 1. the walk passed a forwarder at some hop (`Walk::forwarder`);
//! 2. the recipient's provider validated the chain: its Authentication-Results
//!    (the one `auth` reads) says `arc=pass`;
//! 3. an `ARC-Seal` whose `d=` is the forwarder's organisational domain (from the
//!    names the provider recorded for it) sits below the provider's line for that
//!    hop, with `cv=none` at instance 1 or `cv=pass` above it, and the
//!    `ARC-Authentication-Results` of the same instance is present.
//!
//! The highest such instance is the forwarder's set.

use serde::Serialize;

use crate::auth::{self, DkimResult};
use crate::headers::HeaderBlock;
use crate::psl::organisational_domain;
use crate::received::{ip_text, parse_ip, Hop};

/// What the forwarder recorded in its sealed ARC set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArcForwarder {
    /// Index of the forwarder's hop in `hops` (the provider received from it there).
    pub hop: usize,
    /// The `i=` of the forwarder's ARC set.
    pub instance: u32,
    /// The `d=` of its `ARC-Seal` (lower case).
    pub sealer: String,
    /// The authserv-id of its `ARC-Authentication-Results`.
    pub authserv_id: Option<String>,
    /// The address that connected to the forwarder, as the forwarder recorded it
    /// (`smtp.remote-ip`, `policy.iprev`, `iprev=pass (IP)`, Microsoft's
    /// `sender IP is`, or Gmail's SPF comment `designates IP as permitted sender`).
    pub remote_ip: Option<String>,
    /// The hop below the forwarder whose connecting address is `remote_ip`, if any.
    pub remote_ip_hop: Option<usize>,
    /// The results the forwarder saw (as in `auth`).
    pub spf: Option<auth::ResultText>,
    pub dkim: Vec<DkimResult>,
    pub dmarc: Option<auth::ResultText>,
    /// The `header.from` of the forwarder's DMARC result (lower case).
    pub dmarc_from: Option<String>,
}

/// The tags of an ARC-Seal (`i`, `cv`, `d`), from the raw value.
fn seal_tags(raw: &[u8]) -> (Option<u32>, Option<String>, Option<String>) {
    let (mut i, mut cv, mut d) = (None, None, None);
    // The name is compared in place and only the three values read are copied
    // (not the long b= signature).
    let name_is = |name: &[u8], want: &[u8]| {
        name.iter().filter(|b| !b.is_ascii_whitespace()).map(u8::to_ascii_lowercase).eq(want.iter().copied())
    };
    let value = |v: &[u8]| String::from_utf8_lossy(v).split_whitespace().collect::<String>().to_ascii_lowercase();
    for tag in raw.split(|&b| b == b';') {
        let Some(eq) = memchr::memchr(b'=', tag) else { continue };
        let (name, v) = (&tag[..eq], &tag[eq + 1..]);
        if name_is(name, b"i") {
            i = value(v).parse().ok();
        } else if name_is(name, b"cv") {
            cv = Some(value(v));
        } else if name_is(name, b"d") {
            d = Some(value(v));
        }
    }
    (i, cv, d)
}

/// The `i=N` that starts an ARC-Authentication-Results value, and the rest.
fn aar_instance(value: &str) -> Option<(u32, &str)> {
    let (first, rest) = value.split_once(';')?;
    let (k, v) = first.split_once('=')?;
    if !k.trim().eq_ignore_ascii_case("i") {
        return None;
    }
    Some((v.trim().parse().ok()?, rest))
}

/// The connecting address recorded in an Authentication-Results body.
fn remote_ip(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let after = |key: &str| -> Option<&str> {
        let p = lower.find(key)? + key.len();
        let rest = body.get(p..)?;
        let end = rest.find([';', ' ', ')', ',', '\t']).unwrap_or(rest.len());
        Some(&rest[..end])
    };
    let ip = ["smtp.remote-ip=", "policy.iprev=", "sender ip is ", "iprev=pass ("]
        .iter()
        .find_map(|k| after(k).and_then(parse_ip))
        .or_else(|| {
            // Gmail: `spf=pass (google.com: domain of x designates 192.0.2.1 as permitted sender)`.
            let p = lower.find(" as permitted sender")?;
            let start = lower[..p].rfind(" designates ")? + " designates ".len();
            parse_ip(body.get(start..p)?.trim())
        })?;
    Some(ip_text(ip))
}

/// Find the forwarder's sealed ARC set (see the module text for the conditions).
pub fn read(block: &HeaderBlock<'_>, hops: &[Hop], forwarder: Option<usize>, provider_arc: Option<&str>) -> Option<ArcForwarder> {
    let f = forwarder?;
    if provider_arc != Some("pass") {
        return None;
    }
    let fhop = hops.get(f)?;
    let orgs: Vec<String> = [fhop.from_rdns.as_deref(), fhop.from_host.as_deref(), fhop.helo.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(organisational_domain)
        .collect();
    if orgs.is_empty() {
        return None;
    }
    // The forwarder wrote its set before the provider wrote the line above it.
    let below = fhop.span.0;
    let mut best: Option<(u32, String)> = None;
    for field in block.fields.iter().filter(|x| x.is("ARC-Seal") && x.span.0 > below) {
        let (Some(i), Some(cv), Some(d)) = seal_tags(field.raw_value) else { continue };
        let chain_ok = if i == 1 { cv == "none" } else { cv == "pass" };
        if !chain_ok || organisational_domain(&d).is_none_or(|o| !orgs.contains(&o)) {
            continue;
        }
        if best.as_ref().is_none_or(|(b, _)| i > *b) {
            best = Some((i, d));
        }
    }
    let (instance, sealer) = best?;
    let aar = block
        .fields
        .iter()
        .filter(|x| x.is("ARC-Authentication-Results") && x.span.0 > below)
        .map(|x| x.value())
        .find(|v| aar_instance(v).is_some_and(|(i, _)| i == instance))?;
    let (_, body) = aar_instance(&aar)?;
    let authserv_id = crate::stamps::authserv_id(body);
    let results = if authserv_id.is_some() { body.split_once(';').map(|(_, r)| r).unwrap_or_default() } else { body };
    let seen = auth::results(results);
    let remote_ip = remote_ip(body);
    let remote_ip_hop = remote_ip.as_deref().and_then(|ip| hops.iter().skip(f + 1).position(|h| h.from_ip.as_deref() == Some(ip)).map(|p| p + f + 1));
    Some(ArcForwarder {
        hop: f,
        instance,
        sealer,
        authserv_id,
        remote_ip,
        remote_ip_hop,
        spf: seen.spf,
        dkim: seen.dkim,
        dmarc: seen.dmarc,
        dmarc_from: seen.dmarc_from,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_aar_tags() {
        assert_eq!(seal_tags(b"i=2; a=rsa-sha256; t=1; cv=pass;\r\n d=Google.com; s=arc; b=x"), (Some(2), Some("pass".into()), Some("google.com".into())));
        assert_eq!(aar_instance("i=3; mx.example.net; spf=pass").map(|(i, _)| i), Some(3));
        assert_eq!(aar_instance("mx.example.net; spf=pass"), None);
        assert_eq!(remote_ip("mx.google.com; spf=pass (google.com: domain of a@b.example designates 192.0.2.5 as permitted sender) smtp.mailfrom=a@b.example").as_deref(), Some("192.0.2.5"));
        assert_eq!(remote_ip("mx.example.net; spf=pass smtp.mailfrom=a@b.example smtp.remote-ip=198.51.100.7").as_deref(), Some("198.51.100.7"));
        assert_eq!(remote_ip("mx.example.net; spf=pass smtp.mailfrom=a@b.example"), None);
    }
}
