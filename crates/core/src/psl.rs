//! Organisational domains ("registrable domain", RFC 7489 §3.2) from host names.
//!
//! The rule of the Public Suffix List: the organisational domain is the public suffix
//! plus one label. The full list is about 250 KB, more than the extension's whole
//! size budget allows, and its private section (blogspot.com, …) does not matter for
//! mail servers. So `data/psl-icann-subset.txt` holds only multi-label ICANN suffixes
//! (every jp second-level and prefecture suffix, and the registries of the ccTLDs spam
//! commonly comes from); any other name uses its TLD as the suffix, which is what the
//! PSL's default rule `*` says too. Wildcard rules (`*.kawasaki.jp`) are treated as
//! plain suffixes: that merges a few city domains, which costs nothing for trust
//! decisions.

const DATA: &str = include_str!("../data/psl-icann-subset.txt");

/// FNV-1a: the tables are small, fixed and not attacker-chosen, so SipHash's
/// flooding resistance buys nothing and costs a visible share of an analysis.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

fn is_suffix(candidate: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str, FnvBuild>> = std::sync::OnceLock::new();
    SET.get_or_init(|| DATA.lines().filter(|l| !l.starts_with('#')).flat_map(str::split_whitespace).collect())
        .contains(candidate)
}

/// The organisational domain of `host` (lower-cased), or `None` for an IP literal
/// or a single label.
pub fn organisational_domain(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.');
    if host.starts_with('[') || host.is_empty() || host.split('.').any(str::is_empty) {
        return None;
    }
    let lower;
    let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
        lower = host.to_ascii_lowercase();
        lower.as_str()
    } else {
        host
    };
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') || host.contains(':') {
        return None; // an address literal
    }
    // A redacted name (`hotel.<domain>`, as some published samples write it): the
    // placeholder stands for the whole registered domain.
    if let Some(p) = host.find('<') {
        let start = host[..p].rfind('.').map(|d| d + 1).unwrap_or(0);
        return Some(host[start..].to_string());
    }
    if is_suffix(host) {
        return None;
    }
    // Start of the last two labels and of the last three.
    let last_dot = host.rfind('.')?;
    let two = host[..last_dot].rfind('.').map(|d| d + 1).unwrap_or(0);
    let two_labels = &host[two..];
    if two == 0 {
        return Some(two_labels.to_string());
    }
    if is_suffix(two_labels) {
        let three = host[..two - 1].rfind('.').map(|d| d + 1).unwrap_or(0);
        return Some(host[three..].to_string());
    }
    Some(two_labels.to_string())
}

#[cfg(test)]
mod tests {
    use super::organisational_domain as od;

    #[test]
    fn common_cases() {
        assert_eq!(od("mx1.mail.example.co.jp").as_deref(), Some("example.co.jp"));
        assert_eq!(od("smtp.example.tokyo.jp").as_deref(), Some("example.tokyo.jp"));
        assert_eq!(od("BL2PR.prod.outlook.com.").as_deref(), Some("outlook.com"));
        assert_eq!(od("mail.example.com.br").as_deref(), Some("example.com.br"));
        assert_eq!(od("a.b.example.de").as_deref(), Some("example.de"));
        assert_eq!(od("co.jp"), None);
        assert_eq!(od("203.0.113.1"), None);
        assert_eq!(od("localhost"), None);
        assert_eq!(od("a..b"), None);
    }
}
