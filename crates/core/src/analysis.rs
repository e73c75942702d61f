//! The analysis entry point: raw bytes in, [`Analysis`] out.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::message;
use crate::received::Hop;

/// Caller-controlled settings of an analysis.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AnalyzeOptions {
    /// Hosts or CIDR ranges the user declared as their own forwarders.
    pub trusted_forwarders: Vec<String>,
}

/// Why the input could not be analysed. Serialised as its `name`, which the UI
/// translates (`error_<name>` in `_locales`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputErrorKind {
    Empty,
    Binary,
    NotAHeaderBlock,
}

impl InputErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            InputErrorKind::Empty => "empty",
            InputErrorKind::Binary => "binary",
            InputErrorKind::NotAHeaderBlock => "not-a-header-block",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            InputErrorKind::Empty => "The input is empty.",
            InputErrorKind::Binary => "The input is binary data, not an e-mail message.",
            InputErrorKind::NotAHeaderBlock => {
                "The input is not an e-mail header block (it should start with lines such as 'Received:' or 'From:')."
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    pub name: InputErrorKind,
    pub message: &'static str,
}

impl From<InputErrorKind> for InputError {
    fn from(kind: InputErrorKind) -> Self {
        InputError { name: kind, message: kind.message() }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for InputError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Origin {
    pub ip: String,
    pub host: Option<String>,
    /// Index of the handoff hop in `hops`.
    pub hop: usize,
    pub confidence: Confidence,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Identities {
    pub from: Option<String>,
    pub from_name: Option<String>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    pub date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub origin: Option<Origin>,
    pub hops: Vec<Hop>,
    pub identities: Identities,
}

/// Analyse one raw message (or header block).
pub fn analyze(raw: &[u8], _options: &AnalyzeOptions) -> Result<Analysis, InputError> {
    let msg = message::parse(raw)?;
    let hops: Vec<Hop> =
        msg.all_received().enumerate().map(|(i, r)| Hop::from_received(i, &r)).collect();
    let origin = first_public_hop(&hops);
    let from = msg.from().and_then(|a| a.first());
    let identities = Identities {
        from: from.and_then(|m| m.address()).map(str::to_string),
        from_name: from.and_then(|m| m.name()).map(str::to_string),
        subject: msg.subject().map(str::to_string),
        message_id: msg.message_id().map(str::to_string),
        date: msg.date().map(|d| d.to_rfc3339()),
    };
    Ok(Analysis { origin, hops, identities })
}

/// First guess: the topmost hop whose connecting IP is public.
fn first_public_hop(hops: &[Hop]) -> Option<Origin> {
    hops.iter().find_map(|hop| {
        let ip: IpAddr = hop.from_ip.as_deref()?.parse().ok()?;
        is_public(ip).then(|| Origin {
            ip: ip.to_string(),
            host: hop.from_rdns.clone().or_else(|| hop.from_host.clone()),
            hop: hop.index,
            confidence: Confidence::Low,
            reasons: vec!["first hop with a public connecting address".into()],
        })
    })
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || (o[0] == 100 && (64..128).contains(&o[1])))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            !(v6.is_loopback() || v6.is_unspecified() || (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_rejected_with_a_name() {
        let err = analyze(b"Hello there, this is just a sentence.", &AnalyzeOptions::default()).unwrap_err();
        assert_eq!(err.name, InputErrorKind::NotAHeaderBlock);
        assert_eq!(analyze(b"  \n", &AnalyzeOptions::default()).unwrap_err().name, InputErrorKind::Empty);
    }

    #[test]
    fn first_public_hop_skips_private() {
        let raw = b"Received: from a.example (a.example [10.0.0.1]) by mx.example.net with ESMTP id 1; Mon, 2 Nov 2026 10:00:00 +0000\r\n\
Received: from b.example (b.example [203.0.113.9]) by a.example with SMTP id 2; Mon, 2 Nov 2026 09:59:59 +0000\r\n\
Subject: hi\r\n\r\nbody";
        let a = analyze(raw, &AnalyzeOptions::default()).unwrap();
        assert_eq!(a.hops.len(), 2);
        assert_eq!(a.origin.unwrap().ip, "203.0.113.9");
    }
}
