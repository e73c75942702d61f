//! Mail provider families and sending services, read from `data/mail-families.tsv`.
//!
//! A family ties together the organisational domains one operator uses (Microsoft's
//! outlook.com / office365.com / hotmail.com, DTI's dti.ne.jp / dream.jp), the
//! address ranges of its own relays, and the pattern of its sending pool. The trust
//! walk (origin.rs) uses them to know which relays are the recipient's provider;
//! the sending-service step uses them to name who can close the sending account.

use std::net::IpAddr;
use std::sync::OnceLock;

const DATA: &str = include_str!("../data/mail-families.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Mailbox,
    Esp,
    Isp,
    Forwarder,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Mailbox => "mailbox",
            Kind::Esp => "esp",
            Kind::Isp => "isp",
            Kind::Forwarder => "forwarder",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Cidr {
    pub net: IpAddr,
    pub bits: u8,
    /// Internal unless the host is named like the outbound pool.
    pub unless_outbound: bool,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let (text, unless_outbound) = match text.strip_suffix("!outbound") {
            Some(t) => (t, true),
            None => (text, false),
        };
        let (addr, bits) = match text.split_once('/') {
            Some((a, b)) => (a, b.trim().parse().ok()?),
            None => (text, if text.contains(':') { 128 } else { 32 }),
        };
        let net: IpAddr = addr.trim().parse().ok()?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        (bits <= max).then_some(Cidr { net, bits, unless_outbound })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = if self.bits == 0 { 0 } else { u32::MAX << (32 - u32::from(self.bits)) };
                (u32::from(n) & mask) == (u32::from(a) & mask)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = if self.bits == 0 { 0 } else { u128::MAX << (128 - u32::from(self.bits)) };
                (u128::from(n) & mask) == (u128::from(a) & mask)
            }
            _ => false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Family {
    pub id: &'static str,
    pub kind: Kind,
    pub name: &'static str,
    pub domains: Vec<&'static str>,
    /// Relays are recognised by reverse DNS name (else only by address).
    pub trust_names: bool,
    pub outbound_hosts: Vec<&'static str>,
    pub cidrs: Vec<Cidr>,
    pub internal: Vec<Cidr>,
}

fn list(field: &'static str) -> Vec<&'static str> {
    if field == "-" { Vec::new() } else { field.split(',').map(str::trim).filter(|s| !s.is_empty()).collect() }
}

pub fn families() -> &'static [Family] {
    static FAMILIES: OnceLock<Vec<Family>> = OnceLock::new();
    FAMILIES.get_or_init(|| {
        DATA.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|line| {
                let cols: Vec<&'static str> = line.split('\t').collect();
                let [id, kind, name, domains, names, outbound, cidrs, internal] = cols[..] else { return None };
                let kind = match kind {
                    "mailbox" => Kind::Mailbox,
                    "esp" => Kind::Esp,
                    "isp" => Kind::Isp,
                    _ => Kind::Forwarder,
                };
                Some(Family {
                    id,
                    kind,
                    name,
                    domains: list(domains),
                    trust_names: names == "trust",
                    outbound_hosts: list(outbound),
                    cidrs: list(cidrs).into_iter().filter_map(Cidr::parse).collect(),
                    internal: list(internal).into_iter().filter_map(Cidr::parse).collect(),
                })
            })
            .collect()
    })
}

/// The family whose domains contain this organisational domain (lower case).
pub fn family_of_domain(org: &str) -> Option<&'static Family> {
    family_index_of_domain(org).and_then(|i| families().get(i))
}

/// [`family_of_domain`] as an index into [`families`] (below 256).
pub(crate) fn family_index_of_domain(org: &str) -> Option<usize> {
    static INDEX: OnceLock<crate::psl::StrTable<u8>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        // Trust sets keep families as bits of a 256-bit set (origin.rs).
        assert!(families().len() <= 256, "more families than a trust set holds");
        crate::psl::StrTable::new(families().iter().enumerate().flat_map(|(i, f)| f.domains.iter().map(move |d| (*d, i as u8))))
    });
    index.get(org.as_bytes()).map(usize::from)
}

/// The family whose sending pool this host name belongs to.
pub fn outbound_family(host: &str) -> Option<&'static Family> {
    let i = crate::psl::memo_outbound(host, || outbound_index_uncached(host));
    families().get(i?)
}

#[cfg(test)]
fn outbound_family_uncached(host: &str) -> Option<&'static Family> {
    families().get(outbound_index_uncached(host)?)
}

/// [`outbound_family`] as an index into [`families`]. The family is that of the
/// name's organisational domain, when the name is under that domain (a label and
/// a dot before it, nothing after it but dots) and named like its sending pool.
/// (That is what matching every tail of the name against every family's domains
/// came to, as no domain is in two families: a test checks both ways.)
fn outbound_index_uncached(host: &str) -> Option<usize> {
    let host = host.trim_end_matches('.');
    let (org, upper) = crate::psl::organisational_domain_lower(host)?;
    // `org` is a slice of `host`.
    let start = org.as_ptr() as usize - host.as_ptr() as usize;
    if start == 0 || host.as_bytes()[start - 1] != b'.' || start + org.len() != host.len() {
        return None;
    }
    // Domains are short: a longer name is none (and needs no lower-casing).
    let mut buf = [0u8; 64];
    let key = if upper {
        let key = buf.get_mut(..org.len())?;
        key.copy_from_slice(org.as_bytes());
        key.make_ascii_lowercase();
        std::str::from_utf8(key).ok()?
    } else {
        org
    };
    let i = family_index_of_domain(key)?;
    // Not lowered first: the patterns are lower case and `glob` lowers the text as
    // it compares.
    families()[i].outbound_hosts.iter().any(|p| glob(p, host)).then_some(i)
}

/// `*` matches any run of characters (dots included).
fn glob(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let eq = |a: &[u8], b: &[u8]| a.iter().zip(b).all(|(&pc, &tc)| pc == tc.to_ascii_lowercase() || pc == tc);
    // One star (most patterns): a prefix and a suffix, no backtracking.
    if let Some(star) = memchr::memchr(b'*', p) {
        if memchr::memchr(b'*', &p[star + 1..]).is_none() {
            let (pre, suf) = (&p[..star], &p[star + 1..]);
            return t.len() >= pre.len() + suf.len() && eq(pre, &t[..pre.len()]) && eq(suf, &t[t.len() - suf.len()..]);
        }
    }
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == t[ti].to_ascii_lowercase() || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

impl Family {
    /// Is `host` named like this family's sending pool?
    pub fn is_outbound_host(&self, host: &str) -> bool {
        outbound_family(host).is_some_and(|f| f.id == self.id)
    }

    pub fn in_sending_range(&self, ip: IpAddr) -> bool {
        self.cidrs.iter().any(|c| c.contains(ip))
    }

    /// Is `ip` one of the family's own relays? `outbound_named`: the host is named
    /// like the sending pool (Microsoft's 2a01:111:f400::/46 serves both).
    pub fn is_internal_ip(&self, ip: IpAddr, outbound_named: bool) -> bool {
        self.internal.iter().any(|c| c.contains(ip) && !(c.unless_outbound && outbound_named))
    }
}

/// A range as (IPv6, network already masked, mask), IPv4 in the low 32 bits.
fn masked(c: &Cidr) -> (bool, u128, u128) {
    match c.net {
        IpAddr::V4(n) => {
            let mask = if c.bits == 0 { 0 } else { u32::MAX << (32 - u32::from(c.bits)) };
            (false, u128::from(u32::from(n) & mask), u128::from(mask))
        }
        IpAddr::V6(n) => {
            let mask = if c.bits == 0 { 0 } else { u128::MAX << (128 - u32::from(c.bits)) };
            (true, u128::from(n) & mask, mask)
        }
    }
}

/// `ip` as (IPv6, bits), IPv4 in the low 32 bits, to test against [`masked`] ranges.
fn ip_bits(ip: IpAddr) -> (bool, u128) {
    match ip {
        IpAddr::V4(a) => (false, u128::from(u32::from(a))),
        IpAddr::V6(a) => (true, u128::from(a)),
    }
}

/// [`Family::is_internal_ip`] of the family at index `i` of [`families`], with the
/// ranges' masks worked out once (the walk asks for every relay of the provider).
/// `outbound_named` is asked only when a range that serves the sending pool too
/// holds `ip`.
pub(crate) fn is_internal_ip_at(i: usize, ip: IpAddr, mut outbound_named: impl FnMut() -> bool) -> bool {
    type Range = (bool, u128, u128, bool);
    static INTERNAL: OnceLock<Vec<Vec<Range>>> = OnceLock::new();
    let all = INTERNAL.get_or_init(|| {
        families()
            .iter()
            .map(|f| f.internal.iter().map(|c| {
                let (v6, net, mask) = masked(c);
                (v6, net, mask, c.unless_outbound)
            }).collect())
            .collect()
    });
    let (v6, a) = ip_bits(ip);
    all.get(i).is_some_and(|r| r.iter().any(|&(r6, net, mask, unless)| r6 == v6 && a & mask == net && !(unless && outbound_named())))
}

/// The first family (in table order, forwarders left out) whose sending ranges
/// hold `ip`. The ranges sit in one flat list with their masks worked out, so a
/// hop costs a pass over a few dozen entries instead of every family's list.
pub(crate) fn sending_range_family(ip: IpAddr) -> Option<&'static Family> {
    /// (IPv6, network already masked, mask, family index), IPv4 in the low 32 bits.
    type Range = (bool, u128, u128, usize);
    static RANGES: OnceLock<Vec<Range>> = OnceLock::new();
    let ranges = RANGES.get_or_init(|| {
        let mut out = Vec::new();
        for (i, f) in families().iter().enumerate().filter(|(_, f)| f.kind != Kind::Forwarder) {
            for c in &f.cidrs {
                let (v6, net, mask) = masked(c);
                out.push((v6, net, mask, i));
            }
        }
        out
    });
    let (v6, a) = ip_bits(ip);
    let &(_, _, _, i) = ranges.iter().find(|&&(r6, net, mask, _)| r6 == v6 && a & mask == net)?;
    families().get(i)
}

/// Which family sends from this host or address (for naming the sending service).
pub fn sending_family(hosts: &[&str], ip: Option<IpAddr>) -> Option<&'static Family> {
    let outbound = hosts.iter().find_map(|h| outbound_family(h)).filter(|f| f.kind != Kind::Forwarder);
    sending_family_given(outbound, hosts, ip)
}

/// [`sending_family`] when its first answer, the family whose sending pool one of
/// `hosts` is named like (forwarders left out), is known already.
pub(crate) fn sending_family_given(outbound: Option<&'static Family>, hosts: &[&str], ip: Option<IpAddr>) -> Option<&'static Family> {
    if let Some(f) = outbound {
        return Some(f);
    }
    if let Some(f) = ip.and_then(sending_range_family) {
        return Some(f);
    }
    // A name in the family's domains (an ISP's own relay, a Japanese carrier).
    hosts
        .iter()
        .find_map(|h| crate::psl::with_org(h, |org| org.and_then(family_of_domain)))
        .filter(|f| f.kind != Kind::Forwarder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_reads_and_matches() {
        let ms = families().iter().find(|f| f.id == "microsoft").unwrap();
        assert!(ms.is_outbound_host("mail-bn8nam04lp2040.outbound.protection.outlook.com"));
        assert!(!ms.is_outbound_host("BN1NAM02FT051.mail.protection.outlook.com"));
        assert!(ms.is_internal_ip("2603:10b6:408:108::26".parse().unwrap(), false));
        assert!(!ms.is_internal_ip("2a01:111:f403:2c12::800".parse().unwrap(), true));
        assert!(ms.is_internal_ip("2a01:111:f403:f910::1".parse().unwrap(), false));
        let g = families().iter().find(|f| f.id == "google").unwrap();
        assert!(g.is_outbound_host("mail-io1-f43.google.com"));
        assert!(glob("*", "anything.example"));
        for (p, t) in [("mail-*.google.com", "mail-io1-f43.google.com"), ("mail-*.google.com", "mail-.google.com"), ("a*a", "a"), ("*.mail.*.yahoo.com", "x.mail.gq1.yahoo.com"), ("*.x", "X.X"), ("sender*.zoho.*", "sender1.zoho.eu"), ("*b", "ab"), ("*b", "a")] {
            assert_eq!(glob(p, t), reference_glob(p.as_bytes(), t.as_bytes()), "{p} {t}");
        }
        assert_eq!(family_of_domain("dream.jp").map(|f| f.id), Some("dti"));
        // Host names are matched in any case against lower-case patterns and domains.
        for f in families() {
            assert!(f.outbound_hosts.iter().chain(&f.domains).all(|p| !p.bytes().any(|b| b.is_ascii_uppercase())), "{}", f.id);
        }
        // The flat range list answers as a walk over the families does.
        let mut probes: Vec<IpAddr> = ["0.0.0.0", "255.255.255.255", "::", "::ffff:1.2.3.4", "2a01:111:f403:2c12::800", "209.85.220.41", "40.107.0.1"].iter().map(|a| a.parse().unwrap()).collect();
        // For every sending and internal range: its first address, the one before it, and its last.
        for f in families() {
            for c in f.cidrs.iter().chain(&f.internal) {
                probes.push(c.net);
                match c.net {
                    IpAddr::V4(n) => probes.extend([u32::from(n).wrapping_sub(1), u32::from(n) | (u32::MAX >> c.bits.min(31))].map(|a| IpAddr::from(std::net::Ipv4Addr::from(a)))),
                    IpAddr::V6(n) => probes.extend([u128::from(n).wrapping_sub(1), u128::from(n) | (u128::MAX >> c.bits.min(127))].map(|a| IpAddr::from(std::net::Ipv6Addr::from(a)))),
                }
            }
        }
        for ip in probes {
            let walked = families().iter().filter(|f| f.kind != Kind::Forwarder).find(|f| f.in_sending_range(ip));
            assert_eq!(sending_range_family(ip).map(|f| f.id), walked.map(|f| f.id), "{ip}");
            // The worked-out internal ranges answer as the family's own list does.
            for (i, f) in families().iter().enumerate() {
                for named in [false, true] {
                    assert_eq!(is_internal_ip_at(i, ip, || named), f.is_internal_ip(ip, named), "{} {ip} {named}", f.id);
                }
            }
        }
        // Case, trailing dots, deep and long names, names that are a domain itself.
        let long = format!("mail-{}.outbound.protection.outlook.com", "x".repeat(70));
        for h in ["MAIL-IO1-F43.GOOGLE.COM", "mail-io1-f43.google.com.", "google.com", ".google.com", "a..google.com", "x.s4.exacttarget.com", "mta.yahoo.co.uk", long.as_str(), "", ".", "mail-bn8nam04lp2040.outbound.protection.outlook.com"] {
            assert_eq!(outbound_family_uncached(h).map(|f| f.id), reference_outbound(h).map(|f| f.id), "{h}");
        }
        // No domain is in two families (the lookup by organisational domain relies on it).
        let mut seen = std::collections::HashSet::new();
        assert!(families().iter().flat_map(|f| &f.domains).all(|d| seen.insert(d.to_ascii_lowercase())));
        // Every domain of every family, bare and under names of every shape.
        for f in families() {
            for d in &f.domains {
                let up = d.to_ascii_uppercase();
                for h in [
                    d.to_string(), format!("x.{d}"), format!("X.{up}"), format!("mail-a1.{d}"), format!("mail-a1.{d}."), format!("mail-a1.{d}.."), format!(" x.{d}"), format!("x.{d} "), format!(" {d}"), format!("x.{d}. "),
                    format!("a.b.c.{d}"), format!("x.mail.gq1.{d}"), format!("x.consmr.mail.gq1.{d}"), format!("sender3.{d}"), format!("mout.{d}"), format!("a.{d}.example"), format!("a<b.{d}"), format!("a.<{d}"), format!("a:b.{d}"), format!("[x.{d}"),
                    format!("1.2.{d}"), format!("é.{d}"), format!("x..{d}"), format!("x.{d}x"), format!("x.a{d}"), format!("x.smtp-out.{d}"), format!("a.outbound.protection.{d}"), format!("x.smtp-relay.{d}"), format!("{}.{d}", "y".repeat(70)),
                ] {
                    assert_eq!(outbound_family_uncached(&h).map(|f| f.id), reference_outbound(&h).map(|f| f.id), "{h:?}");
                }
            }
        }
        assert_eq!(outbound_family_uncached("MAIL-IO1-F43.GOOGLE.COM").map(|f| f.id), Some("google"));
    }

    /// The family whose sending pool `host` (any case) is named like, given `f`, the
    /// first family with a pool whose domains `host` is under (as first written).
    fn outbound_of(f: &'static Family, host: &str) -> Option<&'static Family> {
        let f = crate::psl::with_org(host, |org| {
            let org = org?;
            if f.domains.contains(&org) { Some(f) } else { family_of_domain(org) }
        })?;
        f.outbound_hosts.iter().any(|p| glob(p, host)).then_some(f)
    }

    /// The family lookup as first written (memrchr over the dots, a copy per tail).
    fn reference_outbound(host: &str) -> Option<&'static Family> {
        let host = host.trim_end_matches('.');
        let under: Vec<(String, usize)> = families().iter().enumerate().filter(|(_, f)| !f.outbound_hosts.is_empty()).flat_map(|(i, f)| f.domains.iter().map(move |d| (d.to_ascii_lowercase(), i))).collect();
        let dots = |d: &str| d.bytes().filter(|&b| b == b'.').count();
        let max_dots = under.iter().map(|(d, _)| dots(d)).max().unwrap();
        let min_dots = under.iter().map(|(d, _)| dots(d)).min().unwrap();
        let mut best: Option<usize> = None;
        for p in memchr::memrchr_iter(b'.', host.as_bytes()).take(max_dots + 1).skip(min_dots) {
            let tail = host[p + 1..].to_ascii_lowercase();
            if tail.is_empty() || tail.len() > 64 {
                continue;
            }
            if let Some(i) = under.iter().find(|(d, _)| *d == tail).map(|(_, i)| *i) {
                best = Some(best.map_or(i, |b| b.min(i)));
            }
        }
        let f = families().get(best?)?;
        outbound_of(f, &host.to_ascii_lowercase())
    }

    /// The definition of `*` matching, written as plainly as possible (exponential,
    /// fine for short test strings): an oracle independent of `glob`'s backtracking.
    fn reference_glob(p: &[u8], t: &[u8]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some((b'*', rest)) => (0..=t.len()).any(|i| reference_glob(rest, &t[i..])),
            Some((&c, rest)) => t.first().is_some_and(|&x| x == c || x.to_ascii_lowercase() == c) && reference_glob(rest, &t[1..]),
        }
    }
}
