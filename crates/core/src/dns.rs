//! DNS over HTTPS, JSON flavour (Google `dns.google/resolve`, Cloudflare
//! `cloudflare-dns.com/dns-query` with `accept: application/dns-json`): the
//! domain's nameservers, mail hosts and web addresses, which lead to its hosting.
//!
//! Browsers cannot ask for NS or MX records any other way (WebExtension DNS APIs
//! return addresses only). The resolver sees the names asked for, so it is a
//! setting and can be turned off; then only the registry's nameserver list is used.
//!
//! Answer shape: `{"Status":0, "Answer":[{"name":"example.com.","type":2,"TTL":300,
//! "data":"ns1.example.net."}]}`. `Status` is the DNS RCODE; an empty answer has no
//! `Answer`. There is no RFC for it, so fields are read leniently.

use std::net::IpAddr;

use serde::Serialize;
use serde_json::Value;

use crate::warning::{clean_text, Warning};

/// The default resolver (Google Public DNS JSON API).
pub const DEFAULT_RESOLVER: &str = "https://dns.google/resolve";
/// What Cloudflare requires for JSON; Google ignores it.
pub const ACCEPT: &str = "application/dns-json";

/// Record types asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RecordType {
    A,
    Aaaa,
    Mx,
    Ns,
}

impl RecordType {
    pub fn name(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Mx => "MX",
            RecordType::Ns => "NS",
        }
    }
    fn code(self) -> u64 {
        match self {
            RecordType::A => 1,
            RecordType::Aaaa => 28,
            RecordType::Mx => 15,
            RecordType::Ns => 2,
        }
    }
}

/// The query URL for `name` and `rtype` at `resolver` (a base URL without query).
pub fn query_url(resolver: &str, name: &str, rtype: RecordType) -> String {
    let sep = if resolver.contains('?') { '&' } else { '?' };
    format!("{resolver}{sep}name={}&type={}", name.trim_end_matches('.').to_ascii_lowercase(), rtype.name())
}

/// What an answer says for the asked type.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DnsAnswer {
    /// DNS RCODE (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN).
    pub status: Option<u32>,
    /// Host names (NS, MX in preference order) without the trailing dot, lower case.
    pub hosts: Vec<String>,
    /// Addresses (A / AAAA).
    pub addresses: Vec<IpAddr>,
    /// The smallest TTL seen, in seconds.
    pub ttl: Option<u64>,
    pub warnings: Vec<Warning>,
}

/// Read a DoH JSON answer for `rtype`. CNAME records in the chain are followed
/// implicitly: only records of the asked type are taken.
pub fn parse_answer(body: &[u8], rtype: RecordType) -> DnsAnswer {
    let mut out = DnsAnswer::default();
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => {
            out.warnings.push(Warning::new("dns-not-json", "The DNS-over-HTTPS answer is not JSON.", &[]));
            return out;
        }
    };
    out.status = v.get("Status").and_then(Value::as_u64).map(|s| s as u32);
    match out.status {
        Some(0) => {}
        Some(3) => out.warnings.push(Warning::new("dns-nxdomain", "The name does not exist in the DNS (NXDOMAIN).", &[])),
        Some(s) => out.warnings.push(Warning::new(
            "dns-error",
            "The resolver answered with DNS error code {code}.",
            &[("code", &s.to_string())],
        )),
        None => out.warnings.push(Warning::new("dns-not-json", "The DNS-over-HTTPS answer has no Status.", &[])),
    }
    let mut mx: Vec<(u64, String)> = Vec::new();
    for rec in v.get("Answer").and_then(Value::as_array).into_iter().flatten().take(50) {
        if rec.get("type").and_then(Value::as_u64) != Some(rtype.code()) {
            continue;
        }
        let Some(data) = rec.get("data").and_then(Value::as_str) else { continue };
        if let Some(ttl) = rec.get("TTL").and_then(Value::as_u64) {
            out.ttl = Some(out.ttl.map_or(ttl, |t| t.min(ttl)));
        }
        let data = clean_text(data, 300);
        match rtype {
            RecordType::A | RecordType::Aaaa => {
                if let Ok(ip) = data.parse::<IpAddr>()
                    && !out.addresses.contains(&ip)
                {
                    out.addresses.push(ip);
                }
            }
            RecordType::Ns => push_host(&mut out.hosts, &data),
            RecordType::Mx => {
                let mut parts = data.split_whitespace();
                let (Some(pref), Some(host)) = (parts.next(), parts.next()) else { continue };
                if let Ok(pref) = pref.parse::<u64>() {
                    // Keep preference order by inserting in place (no sort code in the wasm).
                    let at = mx.iter().position(|(p, _)| *p > pref).unwrap_or(mx.len());
                    mx.insert(at, (pref, host.to_string()));
                }
            }
        }
    }
    for (_, host) in mx {
        push_host(&mut out.hosts, &host);
    }
    out
}

fn push_host(hosts: &mut Vec<String>, data: &str) {
    let host = data.trim_end_matches('.').to_ascii_lowercase();
    // A null MX (RFC 7505) is ".": no mail host.
    if crate::rdap::is_host_name(&host) && !hosts.contains(&host) {
        hosts.push(host);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_by_type() {
        let body = br#"{"Status":0,"Answer":[
            {"name":"www.example.jp.","type":5,"TTL":60,"data":"web.example.net."},
            {"name":"web.example.net.","type":1,"TTL":30,"data":"192.0.2.7"}]}"#;
        let a = parse_answer(body, RecordType::A);
        assert_eq!(a.addresses, ["192.0.2.7".parse::<IpAddr>().unwrap()]);
        assert_eq!(a.ttl, Some(30));
        let body = br#"{"Status":0,"Answer":[{"name":"example.jp.","type":15,"TTL":60,"data":"20 b.example.jp."},{"name":"example.jp.","type":15,"TTL":60,"data":"10 A.example.jp."}]}"#;
        assert_eq!(parse_answer(body, RecordType::Mx).hosts, ["a.example.jp", "b.example.jp"]);
        assert_eq!(parse_answer(br#"{"Status":3}"#, RecordType::Ns).warnings[0].id, "dns-nxdomain");
        assert_eq!(
            query_url(DEFAULT_RESOLVER, "Example.JP.", RecordType::Ns),
            "https://dns.google/resolve?name=example.jp&type=NS"
        );
    }
}
