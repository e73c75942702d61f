//! The JPNIC whois gateway (`https://whois.nic.ad.jp/cgi-bin/whois_gw`): the
//! operator of a Japanese network, which APNIC's RDAP does not show.
//!
//! For JPNIC-managed space APNIC answers with JPNIC's allocation block and JPNIC's
//! own hostmaster (`IRT-JPNIC-JP`, `hostmaster@nic.ad.jp`), which can never act on
//! spam (blog.nic.ad.jp/2022/7861). The gateway answers with an HTML page whose
//! record sits in `<PRE>` as `x. [Label]   value` lines, in Shift_JIS (the page
//! declares it). Since 2022-08 records can carry an `[Abuse]` contact.
//!
//! This module builds the gateway URLs and reads a page into a [`JpnicRecord`]; the
//! trace decides when to ask. Everything taken from the page is plain text.

use serde::Serialize;

use crate::warning::{clean_text, Warning};

/// The gateway's query URL for an IP address or a JPNIC handle, English output.
pub fn gateway_url(key: &str) -> String {
    format!("https://whois.nic.ad.jp/cgi-bin/whois_gw?lang=%2Fe&key={}", percent_encode(key))
}

/// The page a person opens to look up the same thing by hand.
pub const GATEWAY_PAGE: &str = "https://www.nic.ad.jp/en/whois/en-gateway.html";

/// What a gateway page says about a network, or a contact handle page.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct JpnicRecord {
    /// `[Network Number]` (a CIDR or a range).
    pub network: Option<String>,
    /// `[Network Name]`.
    pub name: Option<String>,
    /// `[Organization]` (English).
    pub org: Option<String>,
    /// `[組織名]` (Japanese organisation name), when the Japanese page was read.
    pub org_ja: Option<String>,
    /// `[Abuse]` e-mail address.
    pub abuse_email: Option<String>,
    /// `[Abuse]` when it is a handle rather than an address.
    pub abuse_handle: Option<String>,
    pub admin_handle: Option<String>,
    pub tech_handle: Option<String>,
    /// Contact page: `[E-Mail]` / `[電子メール]`.
    pub email: Option<String>,
    /// Contact page: `[TEL]` / `[電話番号]`.
    pub phone: Option<String>,
    /// Contact page: the name (`[Last, First]` / `[氏名]`) or group name.
    pub contact_name: Option<String>,
    pub nameservers: Vec<String>,
    pub last_update: Option<String>,
    /// "Less Specific Info." entries: the provider holding the allocation.
    pub less_specific: Vec<String>,
    /// The gateway said "No match!!" for the query itself.
    pub no_match: bool,
    /// The charset the page was decoded from.
    pub charset: String,
    pub warnings: Vec<Warning>,
}

/// Read one gateway page. `content_type` is the HTTP header, if any; the page's own
/// `<META charset>` wins over it, then Shift_JIS (the gateway's charset).
pub fn parse_page(body: &[u8], content_type: Option<&str>) -> JpnicRecord {
    let mut rec = JpnicRecord::default();
    let label = meta_charset(body)
        .or_else(|| content_type.and_then(charset_param))
        .unwrap_or_else(|| "shift_jis".to_string());
    let text = match crate::charset::decode(&label, body) {
        Some(t) => t,
        None => {
            rec.warnings.push(Warning::new(
                "jpnic-charset-unknown",
                "The JPNIC page declares the charset {charset}, which cannot be decoded here; it was read as UTF-8.",
                &[("charset", &clean_text(&label, 40))],
            ));
            String::from_utf8_lossy(body).into_owned()
        }
    };
    rec.charset = label.to_ascii_lowercase();
    let pre = between_ci(&text, "<pre>", "</pre>").unwrap_or(&text);
    let plain = html_to_text(pre);
    let mut section = "";
    for raw in plain.lines() {
        let line = raw.trim();
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("less specific info") || line.starts_with("上位情報") {
            section = "less";
            continue;
        }
        if lower.starts_with("more specific info") || line.starts_with("下位情報") {
            section = "more";
            continue;
        }
        if line.starts_with("No match") || line.contains("該当するデータがありません") {
            if section.is_empty() {
                rec.no_match = true;
            }
            continue;
        }
        if section == "less" {
            if !line.is_empty() && !line.starts_with("---") && rec.less_specific.len() < 10 {
                rec.less_specific.push(clean_text(line, 200));
            }
            continue;
        }
        if !section.is_empty() {
            continue;
        }
        let Some((label, value)) = split_field(line) else { continue };
        let value = clean_text(value, 200);
        if value.is_empty() {
            continue;
        }
        match label.to_ascii_lowercase().as_str() {
            "network number" | "ネットワーク番号" | "ip network address" | "ipネットワークアドレス" => {
                rec.network.get_or_insert(value)
            }
            "network name" | "ネットワーク名" => rec.name.get_or_insert(value),
            "organization" => rec.org.get_or_insert(value),
            "組織名" => rec.org_ja.get_or_insert(value),
            "abuse" => {
                match crate::rdap::emails_in(&value).into_iter().next() {
                    Some(email) => rec.abuse_email.get_or_insert(email),
                    None => rec.abuse_handle.get_or_insert(value),
                };
                continue;
            }
            "administrative contact" | "管理者連絡窓口" => rec.admin_handle.get_or_insert(value),
            "technical contact" | "技術連絡担当者" => rec.tech_handle.get_or_insert(value),
            "e-mail" | "電子メール" => {
                if let Some(email) = crate::rdap::emails_in(&value).into_iter().next() {
                    rec.email.get_or_insert(email);
                }
                continue;
            }
            "tel" | "電話番号" => rec.phone.get_or_insert(value),
            "last, first" | "氏名" | "group name" | "グループ名" | "name" => rec.contact_name.get_or_insert(value),
            "last update" | "最終更新" => rec.last_update.get_or_insert(value),
            "nameserver" | "ネームサーバ" => {
                if rec.nameservers.len() < 10 {
                    rec.nameservers.push(value.to_ascii_lowercase());
                }
                continue;
            }
            _ => continue,
        };
    }
    if rec.network.is_none() && rec.email.is_none() && !rec.no_match {
        rec.warnings.push(Warning::new(
            "jpnic-page-unreadable",
            "The JPNIC gateway page has no record in the expected form.",
            &[],
        ));
    }
    rec
}

/// `a. [Network Number]   value` or `[Last Update]   value` → (label, value).
fn split_field(line: &str) -> Option<(&str, &str)> {
    let start = line.find('[')?;
    // Only a short list marker ("a. ", "m. ") may come before the label.
    if start > 4 {
        return None;
    }
    let end = start + line[start..].find(']')?;
    Some((line[start + 1..end].trim(), line[end + 1..].trim()))
}

fn meta_charset(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(2048)]).to_ascii_lowercase();
    let at = head.find("charset=")?;
    let rest = &head[at + 8..];
    let value: String =
        rest.trim_start_matches(['"', '\'']).chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
    (!value.is_empty()).then_some(value)
}

fn charset_param(content_type: &str) -> Option<String> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset=")?;
    let value = lower[at + 8..].split(';').next()?.trim().trim_matches('"').to_string();
    (!value.is_empty()).then_some(value)
}

fn between_ci<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find(open)? + open.len();
    let end = start + lower[start..].find(close).unwrap_or(lower.len() - start);
    text.get(start..end)
}

/// Drop tags (keeping their text) and decode the few entities the gateway uses, in
/// one pass (a hostile page full of `&#38;` must not take quadratic time).
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        let len = c.len_utf8();
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            '&' if !in_tag => {
                if let Some((decoded, used)) = entity(rest) {
                    out.push(decoded);
                    rest = &rest[used..];
                    continue;
                }
                out.push('&');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
        rest = &rest[len..];
    }
    out
}

/// `&amp;` `&lt;` `&gt;` `&quot;` `&nbsp;` `&#NN;` `&#xHH;` at the start of `s` → (char, bytes used).
fn entity(s: &str) -> Option<(char, usize)> {
    // Look no further than 12 characters (never the whole page: that would be quadratic).
    let limit = s.char_indices().nth(12).map_or(s.len(), |(i, _)| i);
    let end = s[..limit].find(';')?;
    let name = &s[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "nbsp" => ' ',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|c| !c.is_control())?
        }
    };
    Some((c, end + 1))
}

fn percent_encode(key: &str) -> String {
    key.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b':' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_decode_in_one_pass() {
        assert_eq!(html_to_text("a&amp;b &#64; &#x40; &bogus; <b>x</b>"), "a&b @ @ &bogus; x");
        let hostile = "&#38;".repeat(200_000);
        assert_eq!(html_to_text(&hostile).len(), 200_000);
        let hostile = "&ééééééééééééé".repeat(50_000);
        assert_eq!(html_to_text(&hostile).chars().count(), 14 * 50_000);
    }

    #[test]
    fn urls_are_encoded() {
        assert_eq!(gateway_url("133.1.2.5"), "https://whois.nic.ad.jp/cgi-bin/whois_gw?lang=%2Fe&key=133.1.2.5");
        assert_eq!(gateway_url("a b/c"), "https://whois.nic.ad.jp/cgi-bin/whois_gw?lang=%2Fe&key=a%20b%2Fc");
    }

    #[test]
    fn utf8_page_with_abuse_and_less_specific() {
        let page = "<html><head><meta charset=\"utf-8\"></head><body><pre>\n\
            a. [IPネットワークアドレス]     192.0.2.0/24\n\
            b. [ネットワーク名]             EXAMPLE-NET\n\
            f. [組織名]                     株式会社例示\n\
            g. [Organization]               Example K.K.\n\
            [Abuse]                         abuse&#64;example.jp\n\
            m. [管理者連絡窓口]             <A HREF=\"./whois_gw?key=EX1JP\">EX1JP</A>\n\
            上位情報\n----------\nExample ISP  [Allocation]  192.0.0.0/16\n\n下位情報\n----------\n該当するデータがありません。\n</pre></body></html>";
        let r = parse_page(page.as_bytes(), None);
        assert_eq!(r.network.as_deref(), Some("192.0.2.0/24"));
        assert_eq!(r.name.as_deref(), Some("EXAMPLE-NET"));
        assert_eq!(r.org_ja.as_deref(), Some("株式会社例示"));
        assert_eq!(r.abuse_email.as_deref(), Some("abuse@example.jp"));
        assert_eq!(r.admin_handle.as_deref(), Some("EX1JP"));
        assert_eq!(r.less_specific, ["Example ISP [Allocation] 192.0.0.0/16"]);
        assert!(!r.no_match);
    }
}
