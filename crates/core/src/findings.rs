//! Findings: what is odd about the header block, with stable numeric codes.
//!
//! Codes never change meaning; the extension translates `finding_<id>` from
//! `_locales`. The table below is the single source of the English texts
//! (docs/wire-format.md lists the same).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::reason::fill;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: u16,
    pub id: &'static str,
    pub severity: Severity,
    pub params: BTreeMap<String, String>,
    pub text: String,
}

/// (code, id, severity, English template)
pub const FINDINGS: &[(u16, &str, Severity, &str)] = &[
    (1001, "no-received", Severity::Error, "The message has no Received lines, so the sending server cannot be found. Open the original with all headers: Gmail \"Show original\", Outlook \"View message source\" / \"Message details\", Yahoo \"View raw message\", Yahoo! JAPAN \"ヘッダー情報を表示\" (or save the message as a file) and paste everything."),
    (1002, "truncated-headers", Severity::Warning, "The header block looks cut short (it ends in the middle of a field or lacks basic fields); some hops may be missing."),
    (1003, "timestamps-out-of-order", Severity::Warning, "Hop {hop} is timestamped {seconds} seconds before the hop below it: a clock is wrong or a line was forged."),
    (1004, "future-timestamp", Severity::Warning, "Hop {hop} carries a time in the future."),
    (1005, "chain-break", Severity::Info, "Hop {hop} says it came from {from}, but the line below was written by {by}."),
    (1006, "date-far-from-arrival", Severity::Warning, "The Date header is {hours} hours away from the arrival time."),
    (1007, "origin-private", Severity::Warning, "The origin address {ip} is in private address space; the real sender is hidden."),
    (1008, "reply-to-other-domain", Severity::Warning, "Replies go to {reply_to}, a different domain from the sender {from}."),
    (1009, "no-origin", Severity::Warning, "No line records an outside server handing the message to your provider."),
    (1010, "unparsed-received", Severity::Info, "Received line {hop} could not be read."),
    (1011, "from-forged", Severity::Warning, "The From domain {domain} failed authentication: the real sender is someone else, and {domain} may be a victim."),
    (1012, "sent-via-service", Severity::Info, "The message was sent through {service}; report the sending account to {service}."),
];

impl Finding {
    /// The values are moved into the finding's params (no copy of each).
    pub fn new<const N: usize>(id: &'static str, list: [(&str, String); N]) -> Finding {
        let (code, severity, template) = FINDINGS
            .iter()
            .find(|(_, i, _, _)| *i == id)
            .map(|(c, _, s, t)| (*c, *s, *t))
            .unwrap_or((0, Severity::Info, id));
        // Filled from the list (the map's entries are these, the last of a repeated
        // name winning, as in the map): walking a map costs more.
        let text = fill(template, list.iter().rev().map(|(k, v)| (*k, v.as_str())));
        // Inserted one by one: collecting would sort through a temporary Vec, for
        // at most three entries.
        let mut params = BTreeMap::new();
        for (k, v) in list {
            params.insert(k.to_string(), v);
        }
        Finding { code, id, severity, params, text }
    }
}
