//! RDAP bootstrap (RFC 9224): which server answers for an IP address, a domain, an
//! AS number or an entity handle.
//!
//! A snapshot of IANA's five registry files is bundled (`data/iana-bootstrap/`,
//! compacted by `build.rs`; refreshed in the repository by
//! `scripts/refresh-bootstrap.sh`). Drivers fetch fresher copies from
//! [`REFRESH_URLS`] at run time, cache them for [`CACHE_TTL_SECS`] and hand them in
//! with [`Bootstrap::update_from_json`]; nothing here fetches anything.
//!
//! Matching: IP → the service whose prefix contains the address with the longest
//! prefix; DNS → whole labels from the right, longest suffix wins (never a raw
//! string suffix: `xcom` is not under `com`); ASN → the range that contains it;
//! entity → the object tag after the last `-` of the handle (RFC 8521). Only HTTPS
//! base URLs are kept.

use std::net::IpAddr;

use serde::Serialize;

/// Where IANA publishes the registries, by the name [`Bootstrap::update_from_json`] takes.
pub const REFRESH_URLS: [(&str, &str); 5] = [
    ("dns", "https://data.iana.org/rdap/dns.json"),
    ("ipv4", "https://data.iana.org/rdap/ipv4.json"),
    ("ipv6", "https://data.iana.org/rdap/ipv6.json"),
    ("asn", "https://data.iana.org/rdap/asn.json"),
    ("object-tags", "https://data.iana.org/rdap/object-tags.json"),
];

/// How long a driver keeps a fetched registry file. IANA sends `max-age=86400`;
/// the files change a few times a year, so a week of staleness is harmless.
pub const CACHE_TTL_SECS: u64 = 7 * 86_400;

/// Why a registry file handed in by a driver was not used. The bundled or
/// previously loaded copy stays in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BootstrapError {
    /// The name is not one of `dns`, `ipv4`, `ipv6`, `asn`, `object-tags`.
    UnknownRegistry,
    /// The text is not JSON, or has no `services` array.
    NotARegistry,
    /// The file parsed but has no usable HTTPS service (refusing to forget everything).
    Empty,
}

impl std::fmt::Display for BootstrapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BootstrapError::UnknownRegistry => "unknown bootstrap registry name (use dns, ipv4, ipv6, asn or object-tags)",
            BootstrapError::NotARegistry => "not an RFC 9224 bootstrap file (no 'services' array)",
            BootstrapError::Empty => "the bootstrap file lists no HTTPS service",
        })
    }
}

impl std::error::Error for BootstrapError {}

#[derive(Debug, Clone, Default)]
struct Registry {
    publication: Option<String>,
    /// (entries, https base URLs) in file order.
    services: Vec<(Vec<String>, Vec<String>)>,
}

impl Registry {
    fn from_compact(text: &str) -> Registry {
        let mut reg = Registry::default();
        for line in text.lines() {
            if let Some(p) = line.strip_prefix("publication ") {
                reg.publication = Some(p.to_string());
            } else if let Some((urls, entries)) = line.split_once('\t') {
                if urls.contains("{}") {
                    // A URL pattern shared by single-label services (see build.rs).
                    for label in entries.split(' ') {
                        reg.services.push((vec![label.to_string()], vec![urls.replace("{}", label)]));
                    }
                    continue;
                }
                reg.services.push((
                    entries.split(' ').map(str::to_string).collect(),
                    urls.split(' ').map(str::to_string).collect(),
                ));
            }
        }
        reg
    }

    fn from_json(text: &str) -> Result<Registry, BootstrapError> {
        let json: serde_json::Value = serde_json::from_str(text).map_err(|_| BootstrapError::NotARegistry)?;
        let services = json.get("services").and_then(|s| s.as_array()).ok_or(BootstrapError::NotARegistry)?;
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array().into_iter().flatten().filter_map(|s| s.as_str()).map(str::to_string).collect()
        };
        let mut reg = Registry { publication: json["publication"].as_str().map(str::to_string), services: Vec::new() };
        for service in services {
            let Some(parts) = service.as_array() else { continue };
            let (entries, urls) = match parts.len() {
                2 => (strings(&parts[0]), strings(&parts[1])),
                3 => (strings(&parts[1]), strings(&parts[2])),
                _ => continue,
            };
            let urls: Vec<String> = urls.into_iter().filter(|u| u.starts_with("https://")).collect();
            if !entries.is_empty() && !urls.is_empty() {
                reg.services.push((entries, urls));
            }
        }
        if reg.services.is_empty() {
            return Err(BootstrapError::Empty);
        }
        Ok(reg)
    }
}

/// The five registries, ready to match. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Bootstrap {
    dns: Registry,
    ipv4: Registry,
    ipv6: Registry,
    asn: Registry,
    tags: Registry,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap::bundled()
    }
}

impl Bootstrap {
    /// The snapshot compiled into this build.
    pub fn bundled() -> Bootstrap {
        Bootstrap {
            dns: Registry::from_compact(include_str!(concat!(env!("OUT_DIR"), "/bootstrap-dns.txt"))),
            ipv4: Registry::from_compact(include_str!(concat!(env!("OUT_DIR"), "/bootstrap-ipv4.txt"))),
            ipv6: Registry::from_compact(include_str!(concat!(env!("OUT_DIR"), "/bootstrap-ipv6.txt"))),
            asn: Registry::from_compact(include_str!(concat!(env!("OUT_DIR"), "/bootstrap-asn.txt"))),
            tags: Registry::from_compact(include_str!(concat!(env!("OUT_DIR"), "/bootstrap-object-tags.txt"))),
        }
    }

    /// Replace one registry with a fresher file fetched by the driver (IANA's JSON,
    /// as served). `name` is `dns`, `ipv4`, `ipv6`, `asn` or `object-tags`.
    pub fn update_from_json(&mut self, name: &str, json: &str) -> Result<(), BootstrapError> {
        let slot = self.registry_mut(name).ok_or(BootstrapError::UnknownRegistry)?;
        *slot = Registry::from_json(json)?;
        Ok(())
    }

    /// The `publication` date of a registry, for the "data as of" line.
    pub fn publication(&self, name: &str) -> Option<&str> {
        let reg = match name {
            "dns" => &self.dns,
            "ipv4" => &self.ipv4,
            "ipv6" => &self.ipv6,
            "asn" => &self.asn,
            "object-tags" => &self.tags,
            _ => return None,
        };
        reg.publication.as_deref()
    }

    fn registry_mut(&mut self, name: &str) -> Option<&mut Registry> {
        Some(match name {
            "dns" => &mut self.dns,
            "ipv4" => &mut self.ipv4,
            "ipv6" => &mut self.ipv6,
            "asn" => &mut self.asn,
            "object-tags" => &mut self.tags,
            _ => return None,
        })
    }

    /// The RDAP base URL (ending in `/`) for an IP address: longest matching prefix.
    pub fn ip_base_url(&self, ip: IpAddr) -> Option<&str> {
        let (reg, addr, bits) = match ip {
            IpAddr::V4(v4) => (&self.ipv4, u32::from(v4) as u128, 32u32),
            IpAddr::V6(v6) => (&self.ipv6, u128::from(v6), 128u32),
        };
        let mut best: Option<(u32, &str)> = None;
        for (entries, urls) in &reg.services {
            for entry in entries {
                let Some((net, len)) = parse_prefix(entry, bits) else { continue };
                if prefix_contains(net, len, addr, bits) && best.is_none_or(|(l, _)| len > l) {
                    best = Some((len, urls[0].as_str()));
                }
            }
        }
        best.map(|(_, url)| url)
    }

    /// The RDAP base URL for a domain name: whole-label, longest-suffix match.
    pub fn domain_base_url(&self, domain: &str) -> Option<&str> {
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        let mut best: Option<(usize, &str)> = None;
        for (entries, urls) in &self.dns.services {
            for entry in entries {
                let entry_labels: Vec<&str> = entry.split('.').collect();
                let n = entry_labels.len();
                if n <= labels.len()
                    && labels[labels.len() - n..].iter().zip(&entry_labels).all(|(a, b)| a.eq_ignore_ascii_case(b))
                    && best.is_none_or(|(l, _)| n > l)
                {
                    best = Some((n, urls[0].as_str()));
                }
            }
        }
        best.map(|(_, url)| url)
    }

    /// The RDAP base URL for an AS number.
    pub fn asn_base_url(&self, asn: u32) -> Option<&str> {
        for (entries, urls) in &self.asn.services {
            for entry in entries {
                let (lo, hi) = entry.split_once('-').unwrap_or((entry, entry));
                if let (Ok(lo), Ok(hi)) = (lo.parse::<u32>(), hi.parse::<u32>())
                    && (lo..=hi).contains(&asn)
                {
                    return Some(urls[0].as_str());
                }
            }
        }
        None
    }

    /// The RDAP base URL for an entity handle with an object tag (`…-ARIN`, `…-RIPE`).
    pub fn entity_base_url(&self, handle: &str) -> Option<&str> {
        let (_, tag) = handle.rsplit_once('-')?;
        self.tags
            .services
            .iter()
            .find(|(tags, _)| tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
            .map(|(_, urls)| urls[0].as_str())
    }
}

/// `"192.0.2.0/24"` → (network as u128, 24), for an address family of `bits` bits.
fn parse_prefix(entry: &str, bits: u32) -> Option<(u128, u32)> {
    let (addr, len) = entry.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    let net = match (addr.parse::<IpAddr>().ok()?, bits) {
        (IpAddr::V4(v4), 32) => u32::from(v4) as u128,
        (IpAddr::V6(v6), 128) => u128::from(v6),
        _ => return None,
    };
    (len <= bits).then_some((net, len))
}

fn prefix_contains(net: u128, len: u32, addr: u128, bits: u32) -> bool {
    if len == 0 {
        return true;
    }
    let shift = bits - len;
    (net >> shift) == (addr >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_bundled_bootstrap_when_matching_then_the_right_registry_answers() {
        let b = Bootstrap::bundled();
        assert_eq!(b.ip_base_url("13.64.0.1".parse().unwrap()), Some("https://rdap.arin.net/registry/"));
        assert_eq!(b.ip_base_url("193.0.6.139".parse().unwrap()), Some("https://rdap.db.ripe.net/"));
        // 130/8 is legacy space listed under ARIN; ARIN redirects to RIPE for 130.59/16.
        assert_eq!(b.ip_base_url("130.59.31.80".parse().unwrap()), Some("https://rdap.arin.net/registry/"));
        assert_eq!(b.ip_base_url("133.1.2.5".parse().unwrap()), Some("https://rdap.apnic.net/"));
        assert_eq!(b.ip_base_url("200.3.12.1".parse().unwrap()), Some("https://rdap.lacnic.net/rdap/"));
        assert_eq!(b.ip_base_url("41.1.1.1".parse().unwrap()), Some("https://rdap.afrinic.net/rdap/"));
        assert_eq!(b.ip_base_url("2606:4700:4700::1111".parse().unwrap()), Some("https://rdap.arin.net/registry/"));
        assert_eq!(b.domain_base_url("Example.COM."), Some("https://rdap.verisign.com/com/v1/"));
        assert_eq!(b.domain_base_url("example.jp"), None);
        assert_eq!(b.domain_base_url("examplecom"), None);
        assert_eq!(b.asn_base_url(16509), Some("https://rdap.arin.net/registry/"));
        assert_eq!(b.entity_base_url("MAC74-ARIN"), Some("https://rdap.arin.net/registry/"));
        assert!(b.publication("dns").is_some());
    }

    #[test]
    fn given_the_compact_dns_file_when_expanded_then_every_iana_service_is_there() {
        // The bundled JSON and its compact form must give the same server for every label.
        let json = include_str!("../data/iana-bootstrap/dns.json");
        let mut from_json = Bootstrap::bundled();
        from_json.update_from_json("dns", json).unwrap();
        let bundled = Bootstrap::bundled();
        let mut n = 0;
        for (entries, _) in &from_json.dns.services {
            for label in entries {
                let name = format!("example.{label}");
                assert_eq!(bundled.domain_base_url(&name), from_json.domain_base_url(&name), "{label}");
                n += 1;
            }
        }
        assert!(n > 1000, "only {n} labels");
    }

    #[test]
    fn given_two_prefixes_when_matching_then_the_longest_wins() {
        let mut b = Bootstrap::bundled();
        let json = r#"{"services":[[["10.0.0.0/8"],["https://short.example/"]],[["10.1.0.0/16"],["http://plain.example/","https://long.example/"]]]}"#;
        b.update_from_json("ipv4", json).unwrap();
        assert_eq!(b.ip_base_url("10.1.2.3".parse().unwrap()), Some("https://long.example/"));
        assert_eq!(b.ip_base_url("10.2.2.3".parse().unwrap()), Some("https://short.example/"));
        assert_eq!(b.ip_base_url("11.2.2.3".parse().unwrap()), None);
    }

    #[test]
    fn given_multi_label_entries_when_matching_then_whole_labels_decide() {
        let mut b = Bootstrap::bundled();
        let json = r#"{"services":[[["uk"],["https://uk.example/"]],[["co.uk"],["https://co-uk.example/"]]]}"#;
        b.update_from_json("dns", json).unwrap();
        assert_eq!(b.domain_base_url("a.co.uk"), Some("https://co-uk.example/"));
        assert_eq!(b.domain_base_url("a.xco.uk"), Some("https://uk.example/"));
        assert_eq!(b.update_from_json("dns", "{}"), Err(BootstrapError::NotARegistry));
        assert_eq!(b.update_from_json("dns", r#"{"services":[]}"#), Err(BootstrapError::Empty));
        assert_eq!(b.update_from_json("nope", "{}"), Err(BootstrapError::UnknownRegistry));
    }
}
