//! One `Received:` field → one [`Hop`]. This first version reads the fields
//! mail-parser already understands; the full grammar lives here as it grows.

use mail_parser::{Host, Received};
use serde::Serialize;

/// One relay step, as the receiving server wrote it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hop {
    /// Position in the message, 0 = topmost (newest) Received field.
    pub index: usize,
    /// Host name (or address literal) the sending side gave.
    pub from_host: Option<String>,
    /// Connecting IP address recorded by the receiver.
    pub from_ip: Option<String>,
    /// Reverse DNS name the receiver looked up for the connecting IP.
    pub from_rdns: Option<String>,
    /// HELO / EHLO name.
    pub helo: Option<String>,
    /// The receiving host.
    pub by_host: Option<String>,
    /// Protocol keyword (`SMTP`, `ESMTPS`, `LMTP`, …).
    pub protocol: Option<String>,
    pub tls: Option<String>,
    pub id: Option<String>,
    #[serde(rename = "for")]
    pub for_addr: Option<String>,
    /// RFC 3339 timestamp as written (normalised), and seconds since the epoch.
    pub date: Option<String>,
    pub timestamp: Option<i64>,
}

fn host_text(host: Host<'_>) -> String {
    match host {
        Host::Name(name) => name.to_string(),
        Host::IpAddr(ip) => ip.to_string(),
    }
}

impl Hop {
    pub fn from_received(index: usize, r: &Received<'_>) -> Hop {
        Hop {
            index,
            from_host: r.from().map(host_text),
            from_ip: r.from_ip().map(|ip| ip.to_string()),
            from_rdns: r.from_iprev().map(str::to_string),
            helo: r.helo().map(host_text),
            by_host: r.by().map(host_text),
            protocol: r.with().map(|p| p.as_str().to_string()),
            tls: r.tls_version().map(|t| t.as_str().to_string()),
            id: r.id().map(str::to_string),
            for_addr: r.for_().map(str::to_string),
            date: r.date().map(|d| d.to_rfc3339()),
            timestamp: r.date().map(|d| d.to_timestamp()),
        }
    }
}
