//! How the trace treats the servers it asks: cache lifetimes, per-server pacing,
//! `429` / `Retry-After`. The core decides; the drivers obey (they cache replies by
//! `cache_key` for `cache_ttl_secs`, and never send a request before `not_before`).
//!
//! Numbers and their reasons:
//! - LACNIC allows about 10 queries a minute and bans for minutes after that
//!   (notice in its answers; secynic/ipwhois#99, #104) → one request per 6 s;
//! - RIPE answers `429` when pushed (ipwhois#144) and counts entity queries
//!   against a daily personal-data limit → one request per second, few entities;
//! - the JPNIC gateway is a CGI for people → one request per 2 s;
//! - everyone else: no spacing (a trace makes a handful of requests per server).
//!
//! Times are whole seconds since the epoch, like every `now` the core is given.

use std::collections::BTreeMap;

/// Longest `Retry-After` the trace waits for; beyond it the lookup gives up.
pub const MAX_RETRY_AFTER_SECS: u64 = 300;
/// Wait after a `429` without `Retry-After`.
pub const DEFAULT_RETRY_AFTER_SECS: u64 = 30;
/// Attempts per URL (the first included).
pub const MAX_ATTEMPTS: u32 = 3;

/// Minimum spacing between requests to one host, in seconds.
pub fn min_interval_secs(host: &str) -> u64 {
    match host {
        "rdap.lacnic.net" => 6,
        "rdap.registro.br" => 6,
        "whois.nic.ad.jp" => 2,
        "rdap.db.ripe.net" => 1,
        _ => 0,
    }
}

/// How long a driver may reuse a reply, by purpose (seconds).
pub fn cache_ttl_secs(purpose: &str) -> u64 {
    match purpose {
        "rdap-ip" | "rdap-entity" | "jpnic-ip" | "jpnic-contact" => 86_400,
        "rdap-domain" | "rdap-registrar" => 86_400,
        p if p.starts_with("dns-") => 3_600,
        _ => 3_600,
    }
}

/// The host of an `https://host[:port]/…` URL, lower case.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') { host.split(']').next()?.trim_start_matches('[') } else { host.split(':').next()? };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Seconds to wait from a `Retry-After` header: delta-seconds, or an HTTP date
/// (IMF-fixdate) relative to `now`. `None` when absent or unreadable.
pub fn retry_after_secs(headers: &[(String, String)], now: u64) -> Option<u64> {
    let value = header(headers, "retry-after")?;
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    http_date(value).map(|at| at.saturating_sub(now))
}

/// A header value by case-insensitive name (the first one).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` → seconds since the epoch.
fn http_date(value: &str) -> Option<u64> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    if parts.len() != 6 {
        return None;
    }
    let day: u64 = parts[1].parse().ok()?;
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let month = MONTHS.iter().position(|m| parts[2].eq_ignore_ascii_case(m))? as u64 + 1;
    let year: u64 = parts[3].parse().ok()?;
    let hms: Vec<u64> = parts[4].split(':').filter_map(|p| p.parse().ok()).collect();
    if hms.len() != 3 || year < 1970 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let (y, m) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hms[0] * 3_600 + hms[1] * 60 + hms[2])
}

/// Per-host pacing: when the next request to a host may leave (seconds since the
/// epoch; the trace keeps its own clock from the `now` values it is given).
#[derive(Debug, Clone, Default)]
pub struct Pacer {
    next_free: BTreeMap<String, u64>,
}

impl Pacer {
    /// Reserve a slot for `host` no earlier than `earliest`; returns the slot.
    pub fn reserve(&mut self, host: &str, earliest: u64) -> u64 {
        let free = self.next_free.get(host).copied().unwrap_or(0);
        let slot = free.max(earliest);
        self.next_free.insert(host.to_string(), slot + min_interval_secs(host));
        slot
    }

    /// Nothing may go to `host` before `until` (after a 429).
    pub fn block(&mut self, host: &str, until: u64) {
        let e = self.next_free.entry(host.to_string()).or_insert(0);
        *e = (*e).max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_retry_after() {
        assert_eq!(host_of("https://RDAP.lacnic.net/rdap/ip/1.2.3.4").as_deref(), Some("rdap.lacnic.net"));
        assert_eq!(host_of("https://[2001:db8::1]:8443/x").as_deref(), Some("2001:db8::1"));
        let h = vec![("Retry-After".to_string(), "120".to_string())];
        assert_eq!(retry_after_secs(&h, 0), Some(120));
        let h = vec![("retry-after".to_string(), "Sun, 06 Nov 1994 08:49:37 GMT".to_string())];
        assert_eq!(retry_after_secs(&h, 784_111_700), Some(77));
    }

    #[test]
    fn lacnic_is_paced_at_ten_a_minute() {
        let mut p = Pacer::default();
        assert_eq!(p.reserve("rdap.lacnic.net", 100), 100);
        assert_eq!(p.reserve("rdap.lacnic.net", 100), 106);
        assert_eq!(p.reserve("rdap.arin.net", 100), 100);
        assert_eq!(p.reserve("rdap.arin.net", 100), 100);
        p.block("rdap.arin.net", 160);
        assert_eq!(p.reserve("rdap.arin.net", 101), 160);
    }
}
