//! Findings: what is odd about the header block, with stable numeric codes.
//!
//! Codes never change meaning; the extension translates `finding_<id>` from
//! `_locales`. The table below is the single source of the English texts
//! (docs/wire-format.md lists the same).

use serde::Serialize;

use crate::reason::{fill, Params};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// Serialised as `{code, id, severity, params, text}`: the params as a map in name
/// order, the English `text` filled in then (see [`Finding::text`]). Building one
/// on the hot path costs no allocation when its values are short.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub code: u16,
    pub id: &'static str,
    pub severity: Severity,
    pub params: Params,
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("Finding", 5)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("id", self.id)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("params", &self.params)?;
        st.serialize_field("text", &self.text())?;
        st.end()
    }
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
    /// At most four params, each name once.
    pub fn new(id: &'static str, list: &[(&'static str, &str)]) -> Finding {
        let (code, severity) = FINDINGS.iter().find(|(_, i, _, _)| *i == id).map(|(c, _, s, _)| (*c, *s)).unwrap_or((0, Severity::Info));
        Finding { code, id, severity, params: Params::new(list) }
    }

    /// Append finding `id` with `params` to `list`, the params written in place
    /// (see [`Params::set`]).
    pub(crate) fn push(list: &mut Vec<Finding>, id: &'static str, params: &[(&'static str, &str)]) {
        let (code, severity) = FINDINGS.iter().find(|(_, i, _, _)| *i == id).map(|(c, _, s, _)| (*c, *s)).unwrap_or((0, Severity::Info));
        list.push(Finding { code, id, severity, params: Params::default() });
        if let Some(f) = list.last_mut() {
            f.params.set(params);
        }
    }

    /// The English text with the params filled in.
    pub fn text(&self) -> String {
        let template = FINDINGS.iter().find(|(_, i, _, _)| *i == self.id).map(|(_, _, _, t)| *t).unwrap_or(self.id);
        fill(template, self.params.iter().map(|(k, v)| -> (&str, &str) { (k, v) }))
    }
}

/// A number written out on the stack (findings quote hop numbers, seconds, hours).
pub(crate) struct Num {
    buf: [u8; 20],
    start: usize,
}

impl Num {
    pub(crate) fn new(n: i64) -> Num {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        let mut rest = n.unsigned_abs();
        loop {
            start -= 1;
            buf[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if n < 0 {
            start -= 1;
            buf[start] = b'-';
        }
        Num { buf, start }
    }

    pub(crate) fn as_str(&self) -> &str {
        // ASCII digits and a sign only.
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_to_string_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12345, -1, -10, -987654321, i64::MAX, i64::MIN] {
            assert_eq!(Num::new(n).as_str(), n.to_string());
        }
    }

    #[test]
    fn text_and_params_as_the_map_gave_them() {
        let f = Finding::new("chain-break", &[("hop", "2"), ("from", "a.example"), ("by", "b.example")]);
        assert_eq!(f.text(), "Hop 2 says it came from a.example, but the line below was written by b.example.");
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, r#"{"code":1005,"id":"chain-break","severity":"info","params":{"by":"b.example","from":"a.example","hop":"2"},"text":"Hop 2 says it came from a.example, but the line below was written by b.example."}"#);
        assert_eq!(Finding::new("no-origin", &[]).text(), "No line records an outside server handing the message to your provider.");
    }
}
