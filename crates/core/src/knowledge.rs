//! What SenderTrace knows without asking: which nameserver and host families belong
//! to which provider, and that provider's published report channel.
//!
//! The knowledge is data, not code: `data/providers.tsv` (providers and channels)
//! and `data/hosting.tsv` (families → provider). Adding a provider is a data change.

use serde::Serialize;

use crate::warning::Warning;

const PROVIDERS: &str = include_str!("../data/providers.tsv");
const FAMILIES: &str = include_str!("../data/hosting.tsv");

/// A provider from the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provider {
    pub id: String,
    /// `rental-server`, `cloud`, `dns`, `national`.
    pub kind: String,
    pub name: String,
    pub contacts: Vec<KnownContact>,
    /// English note: what this provider is and how it takes reports.
    pub note: String,
}

/// A published report channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KnownContact {
    /// `email`, `form` or `phone`.
    pub kind: String,
    pub value: String,
}

/// Which family matched: the table row, for the "why".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    pub provider: Provider,
    /// `ns`, `host` or `net`.
    pub kind: String,
    pub pattern: String,
    /// What matched it (the nameserver, host or network name).
    pub subject: String,
}

impl Match {
    pub fn why(&self) -> Warning {
        Warning::new(
            "known-provider",
            "{subject} belongs to {provider} (known {kind} family {pattern}).",
            &[("subject", &self.subject), ("provider", &self.provider.name), ("kind", &self.kind), ("pattern", &self.pattern)],
        )
    }
}

fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(|l| l.split('\t').collect())
}

/// The provider with this id.
pub fn provider(id: &str) -> Option<Provider> {
    rows(PROVIDERS).find(|c| c.first() == Some(&id) && c.len() >= 5).map(|c| Provider {
        id: c[0].to_string(),
        kind: c[1].to_string(),
        name: c[2].to_string(),
        contacts: c[3]
            .split(';')
            .filter_map(|kv| kv.split_once(':'))
            .map(|(k, v)| KnownContact { kind: k.to_string(), value: v.to_string() })
            .collect(),
        note: c[4].to_string(),
    })
}

/// The provider of a nameserver host name.
pub fn by_nameserver(host: &str) -> Option<Match> {
    by_host_kind("ns", host)
}

/// The provider of a mail or web host name (MX target, PTR name).
pub fn by_host(host: &str) -> Option<Match> {
    by_host_kind("host", host)
}

fn by_host_kind(kind: &str, host: &str) -> Option<Match> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    // Exact names first, then the longest parent domain, then label globs.
    let mut best: Option<(usize, Vec<&str>)> = None;
    for c in rows(FAMILIES).filter(|c| c.len() >= 3 && c[0] == kind) {
        let pattern = c[1];
        let score = if let Some(part) = pattern.strip_prefix('~') {
            host.split('.').any(|l| l.contains(part)).then_some(1)
        } else if host == pattern {
            Some(1000)
        } else if host.ends_with(&format!(".{pattern}")) {
            Some(10 + pattern.len())
        } else {
            None
        };
        if let Some(score) = score
            && best.as_ref().is_none_or(|(s, _)| score > *s)
        {
            best = Some((score, c));
        }
    }
    let (_, c) = best?;
    Some(Match { provider: provider(c[2])?, kind: kind.to_string(), pattern: c[1].to_string(), subject: host })
}

/// The provider of a network, by its RDAP name or registrant organisation.
pub fn by_network(name: Option<&str>, org: Option<&str>) -> Option<Match> {
    for subject in [name, org].into_iter().flatten() {
        let upper = subject.to_ascii_uppercase();
        for c in rows(FAMILIES).filter(|c| c.len() >= 3 && c[0] == "net") {
            if upper.starts_with(&c[1].to_ascii_uppercase()) {
                return Some(Match {
                    provider: provider(c[2])?,
                    kind: "net".into(),
                    pattern: c[1].to_string(),
                    subject: subject.to_string(),
                });
            }
        }
    }
    None
}

/// The provider of a sending service the analysis named (`service.id`, else a word
/// of `service.name`).
pub fn by_service(id: Option<&str>, name: &str) -> Option<Match> {
    let words: Vec<String> = name.to_ascii_lowercase().split(|c: char| !c.is_ascii_alphanumeric() && c != '-').map(str::to_string).collect();
    for c in rows(FAMILIES).filter(|c| c.len() >= 3 && c[0] == "svc") {
        let hit = id.is_some_and(|i| i.eq_ignore_ascii_case(c[1])) || words.iter().any(|w| w == c[1]);
        if hit {
            return Some(Match { provider: provider(c[2])?, kind: "svc".into(), pattern: c[1].to_string(), subject: name.to_string() });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registrar_rental_server_nameserver_from_the_design_is_known() {
        for ns in [
            "ns01.gmoserver.jp",
            "ns02.gmoserver.jp",
            "dns01.gmoserver.jp",
            "dns02.gmoserver.jp",
            "ns1.onamae.com",
            "ns2.onamae.com",
            "dns01.win-sv.jp",
            "dns02.win-sv.jp",
            "dns.interq.or.jp",
            "dns1.interq.or.jp",
            "mldns01.interq.or.jp",
            "mldns02.interq.or.jp",
        ] {
            let m = by_nameserver(ns).unwrap_or_else(|| panic!("{ns} is not in hosting.tsv"));
            assert_eq!(m.provider.id, "gmo-onamae", "{ns}");
            assert_eq!(m.provider.contacts[0].kind, "form");
        }
    }

    #[test]
    fn families_match_on_whole_labels() {
        assert_eq!(by_nameserver("NS-1468.AWSDNS-55.ORG.").unwrap().provider.id, "aws");
        assert_eq!(by_nameserver("ns1-08.azure-dns.com").unwrap().provider.id, "azure");
        assert_eq!(by_nameserver("kate.ns.cloudflare.com").unwrap().provider.id, "cloudflare");
        assert_eq!(by_nameserver("ns1.xserver.jp").unwrap().provider.id, "xserver");
        assert_eq!(by_nameserver("uns01.lolipop.jp").unwrap().provider.id, "lolipop");
        assert!(by_nameserver("ns1.notxserver.jp").is_none());
        assert_eq!(by_host("example-com.mail.protection.outlook.com").unwrap().provider.id, "microsoft-365");
        assert_eq!(by_network(Some("CLOUDFLARENET"), None).unwrap().provider.id, "cloudflare");
        assert_eq!(by_network(None, Some("Hetzner Online GmbH")).unwrap().provider.id, "hetzner");
        assert_eq!(by_service(Some("gmail"), "Gmail").unwrap().provider.id, "gmail");
        assert_eq!(by_service(None, "Amazon SES").unwrap().provider.id, "aws");
        assert!(by_service(Some("unknown-esp"), "Unknown ESP").is_none());
    }

    #[test]
    fn every_row_names_a_provider_and_every_provider_parses() {
        for c in rows(FAMILIES) {
            assert_eq!(c.len(), 3, "hosting.tsv row {c:?}");
            assert!(provider(c[2]).is_some(), "unknown provider {}", c[2]);
        }
        for c in rows(PROVIDERS) {
            assert_eq!(c.len(), 5, "providers.tsv row {c:?}");
            let p = provider(c[0]).unwrap();
            for k in &p.contacts {
                assert!(matches!(k.kind.as_str(), "email" | "form" | "phone"), "{k:?}");
                if k.kind == "form" {
                    assert!(k.value.starts_with("https://") || k.value.starts_with("http://"), "{k:?}");
                }
            }
        }
    }
}
