//! Organisational domains ("registrable domain", RFC 7489 §3.2) from host names.
//!
//! A first cut: the common multi-label public suffixes are known; otherwise the last
//! two labels. To be replaced by a compact public-suffix table.

/// Second-level labels that, under a two-letter country TLD, form a public suffix
/// (`co.jp`, `ne.jp`, `com.br`, `co.uk`, …).
const CC_SECOND_LEVEL: &[&str] = &[
    "ac", "ad", "co", "com", "ed", "edu", "go", "gov", "gr", "lg", "ne", "net", "or", "org", "mil", "ltd", "plc", "nic",
];

/// The organisational domain of `host` (lower-cased), or `None` for an IP literal
/// or a single label.
pub fn organisational_domain(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return None;
    }
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    if labels.len() < 2 {
        return None;
    }
    let tld = labels[labels.len() - 1];
    let second = labels[labels.len() - 2];
    let take = if tld.len() == 2 && CC_SECOND_LEVEL.contains(&second) && labels.len() >= 3 { 3 } else { 2 };
    if labels.len() < take {
        return None;
    }
    Some(labels[labels.len() - take..].join("."))
}

#[cfg(test)]
mod tests {
    use super::organisational_domain as od;

    #[test]
    fn common_cases() {
        assert_eq!(od("mx1.mail.example.co.jp").as_deref(), Some("example.co.jp"));
        assert_eq!(od("BL2PR.prod.outlook.com.").as_deref(), Some("outlook.com"));
        assert_eq!(od("203.0.113.1"), None);
        assert_eq!(od("localhost"), None);
    }
}
