//! The 特定商取引法 (and 特定電子メール法) display check: does the body show the items
//! an advertising mail must carry? (research/anchors.md E2: 送信者の氏名・名称,
//! 受信拒否の通知先 with a statement that the reader can refuse, 住所, 苦情・問合せ先.)
//!
//! This is a heuristic read of the text, not a legal finding: every item comes back
//! as found / not found with the line that made us say so, and the user judges.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DisplayItemKind {
    /// 送信者（広告主）の氏名または名称
    SenderName,
    /// 受信拒否の通知先と、受信を拒否できる旨の表示
    OptOut,
    /// 住所
    PostalAddress,
    /// 苦情・問い合わせの連絡先
    Contact,
}

impl DisplayItemKind {
    pub const ALL: [DisplayItemKind; 4] =
        [DisplayItemKind::SenderName, DisplayItemKind::OptOut, DisplayItemKind::PostalAddress, DisplayItemKind::Contact];

    pub fn label_ja(self) -> &'static str {
        match self {
            DisplayItemKind::SenderName => "送信者（事業者）の氏名または名称",
            DisplayItemKind::OptOut => "受信拒否の連絡先と、受信を拒否できる旨の表示",
            DisplayItemKind::PostalAddress => "送信者の住所",
            DisplayItemKind::Contact => "苦情・問い合わせの連絡先",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            DisplayItemKind::SenderName => "Name of the sender (advertiser)",
            DisplayItemKind::OptOut => "Opt-out address, with a statement that the reader may refuse further mail",
            DisplayItemKind::PostalAddress => "Postal address of the sender",
            DisplayItemKind::Contact => "Contact for complaints and questions",
        }
    }
}

/// One required item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisplayItem {
    pub item: DisplayItemKind,
    pub found: bool,
    /// The line of the body that shows the item (or, when not found, the nearest
    /// partial evidence — e.g. an opt-out statement without an address).
    pub evidence: Option<String>,
    /// Stable id of a remark: `statement-without-address`, `address-without-statement`.
    pub remark: Option<String>,
}

/// The result of the check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisplayCheck {
    pub items: Vec<DisplayItem>,
    /// Number of items not found.
    pub missing: usize,
}

const SENDER_WORDS: &[&str] = &[
    "送信者", "送信元", "発行者", "発行元", "配信者", "配信元", "運営者", "運営会社", "運営元", "販売業者", "販売元",
    "事業者", "会社名", "社名", "屋号", "株式会社", "有限会社", "合同会社", "(株)", "（株）", "sender:", "publisher:",
    "operated by", "inc.", "co., ltd", "llc", "ltd.",
];
const OPT_OUT_STATEMENT: &[&str] = &[
    "配信停止", "配信解除", "配信を停止", "配信の停止", "受信拒否", "受信を拒否", "受信を希望されない", "配信を希望されない",
    "今後のメール", "購読解除", "購読停止", "メール停止", "オプトアウト", "unsubscribe", "opt out", "opt-out",
    "stop receiving",
];
const CONTACT_WORDS: &[&str] = &[
    "お問い合わせ", "お問合せ", "お問合わせ", "問い合わせ", "問合せ", "苦情", "連絡先", "ご連絡", "電話", "tel", "ｔｅｌ",
    "contact", "support@", "info@",
];
const ADDRESS_WORDS: &[&str] = &["住所", "所在地", "〒", "本社"];
const PREFECTURES: &[&str] = &[
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県",
    "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県",
    "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
];

/// How far (in lines) an opt-out statement may be from its address.
const OPT_OUT_WINDOW: usize = 3;
const EVIDENCE_CHARS: usize = 120;

/// Check `body` (decoded text) for the four items.
pub fn check(body: &str) -> DisplayCheck {
    let lines: Vec<&str> = body.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let lower: Vec<String> = lines.iter().map(|l| l.to_ascii_lowercase()).collect();
    let has = |i: usize, words: &[&str]| words.iter().any(|w| lower[i].contains(w));

    let sender = (0..lines.len()).find(|&i| has(i, SENDER_WORDS));
    let address = (0..lines.len()).find(|&i| {
        has(i, ADDRESS_WORDS) && (is_postal(lines[i]) || lines[i].contains('〒') || digits(lines[i]) >= 3)
            || is_postal(lines[i])
    });
    let contact = (0..lines.len()).find(|&i| {
        has(i, CONTACT_WORDS) && (reachable(lines[i]) || digits(lines[i]) >= 9) || is_phone(lines[i])
    });
    // Opt-out: a statement, and an address or URL on the same line or close to it.
    let statements: Vec<usize> = (0..lines.len()).filter(|&i| has(i, OPT_OUT_STATEMENT)).collect();
    let opt_out = statements.iter().find_map(|&i| {
        // The same line first, then the lines after it, then the one before.
        let hi = (i + OPT_OUT_WINDOW).min(lines.len().saturating_sub(1));
        (i..=hi).chain(i.checked_sub(1)).find(|&j| reachable(lines[j])).map(|j| (i, j))
    });

    let item = |kind, at: Option<usize>| DisplayItem {
        item: kind,
        found: at.is_some(),
        evidence: at.map(|i| snippet(lines[i])),
        remark: None,
    };
    let opt_item = match (opt_out, statements.first()) {
        (Some((i, j)), _) => DisplayItem {
            item: DisplayItemKind::OptOut,
            found: true,
            evidence: Some(if i == j { snippet(lines[i]) } else { format!("{} / {}", snippet(lines[i]), snippet(lines[j])) }),
            remark: None,
        },
        (None, Some(&i)) => DisplayItem {
            item: DisplayItemKind::OptOut,
            found: false,
            evidence: Some(snippet(lines[i])),
            remark: Some("statement-without-address".into()),
        },
        (None, None) => DisplayItem { item: DisplayItemKind::OptOut, found: false, evidence: None, remark: None },
    };
    let items = vec![
        item(DisplayItemKind::SenderName, sender),
        opt_item,
        item(DisplayItemKind::PostalAddress, address),
        item(DisplayItemKind::Contact, contact),
    ];
    let missing = items.iter().filter(|i| !i.found).count();
    DisplayCheck { items, missing }
}

/// A line with a place to write to: an e-mail address or a URL.
fn reachable(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    l.contains("http://") || l.contains("https://") || l.contains("mailto:") || !super::mask::find_addresses(line).is_empty()
}

fn is_postal(line: &str) -> bool {
    let zip = line.char_indices().any(|(i, c)| {
        c == '〒' || {
            // NNN-NNNN (ASCII or full-width digits)
            let rest: Vec<char> = line[i..].chars().take(8).collect();
            rest.len() == 8
                && rest[..3].iter().all(|c| is_digit(*c))
                && matches!(rest[3], '-' | '－' | 'ー')
                && rest[4..].iter().all(|c| is_digit(*c))
                && (i == 0 || !line[..i].chars().next_back().is_some_and(is_digit))
        }
    });
    let prefecture = PREFECTURES.iter().any(|p| {
        line.find(p).is_some_and(|at| {
            let after: String = line[at + p.len()..].chars().take(12).collect();
            after.contains('市') || after.contains('区') || after.contains('町') || after.contains('村') || after.contains('郡')
        })
    });
    zip || prefecture
}

fn is_phone(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    (l.contains("tel") || l.contains("電話") || l.contains("ｔｅｌ")) && digits(line) >= 9
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn digits(line: &str) -> usize {
    line.chars().filter(|&c| is_digit(c)).count()
}

fn snippet(line: &str) -> String {
    let mut s: String = line.chars().take(EVIDENCE_CHARS).collect();
    if line.chars().count() > EVIDENCE_CHARS {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compliant_footer_passes() {
        let body = "本日限りのセール！\n\n――――\n発行者: 株式会社サンプル商事\n住所: 〒100-0001 東京都千代田区千代田1-1\n\
お問い合わせ: support@shop.example.jp / TEL 03-0000-0000\n配信停止をご希望の方は、こちらからお手続きください。\nhttps://shop.example.jp/stop\n";
        let c = check(body);
        assert_eq!(c.missing, 0, "{c:#?}");
        assert_eq!(c.items[0].evidence.as_deref(), Some("発行者: 株式会社サンプル商事"));
        assert!(c.items[1].evidence.as_deref().unwrap().contains("https://shop.example.jp/stop"));
    }

    #[test]
    fn a_bare_advert_misses_everything() {
        let c = check("今すぐクリック！ 高収入のお仕事 http://x.example/a\n");
        assert_eq!(c.missing, 4);
        assert!(c.items.iter().all(|i| !i.found));
    }

    #[test]
    fn opt_out_statement_without_address_is_not_enough() {
        let c = check("配信停止はこのメールに返信してください。\n");
        assert!(!c.items[1].found);
        assert_eq!(c.items[1].remark.as_deref(), Some("statement-without-address"));
    }
}
