//! The wording of the drafts, Japanese and English. The Japanese is written as a
//! business letter to a company's abuse desk (ご担当者様 … よろしくお願い申し上げます);
//! the English is short and factual, the way abuse desks ask for (research/anchors.md
//! F3: the IP and exact time early, one incident per mail, the Received line it came
//! from, the unmodified headers).

use super::tokushoho::DisplayCheck;
use super::{Arrival, DraftKind, Language, Role, PLACEHOLDER_ADDRESS};

/// Everything a template may mention, already masked where masking applies.
pub(crate) struct Facts<'a> {
    pub lang: Language,
    pub kind: DraftKind,
    pub role: Role,
    pub party_name: Option<&'a str>,
    pub origin_ip: Option<&'a str>,
    pub origin_host: Option<&'a str>,
    pub domain: Option<&'a str>,
    pub arrival: Option<&'a Arrival>,
    pub message_id: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub from: Option<&'a str>,
    /// The user's address as the draft shows it (the placeholder when masked).
    pub recipient: Option<&'a str>,
    pub trusted_received: Option<&'a str>,
    pub trusted_by: Option<&'a str>,
    pub reasons: &'a [String],
    pub headers: &'a str,
    pub body: Option<&'a str>,
    pub masked: bool,
    pub display_check: Option<&'a DisplayCheck>,
    /// The From domain when the recipient's provider found it forged (it is a
    /// victim, not the sender: DESIGN.md point 6).
    pub forged_from_domain: Option<&'a str>,
    /// What identifies the sending account at a sending service (key, value).
    pub account: &'a [(String, String)],
    pub report_id: &'a str,
}

impl Facts<'_> {
    fn ja(&self) -> bool {
        self.lang == Language::Ja
    }

    /// What the report is about, for the subject: the IP, else the domain.
    fn about(&self) -> Option<&str> {
        match self.role {
            Role::NetworkOperator | Role::SendingService | Role::NationalChannel => self.origin_ip.or(self.domain),
            _ => self.domain.or(self.origin_ip),
        }
    }
}

/// The subject line: what (IP or domain) and when (UTC).
pub(crate) fn subject(f: &Facts) -> String {
    let when = f.arrival.map(|a| a.utc.as_str());
    let about = f.about();
    if f.ja() {
        let when = when.map(|w| format!("（{w} 受信）")).unwrap_or_default();
        match f.kind {
            DraftKind::Dekyo => match about {
                Some(a) => format!("迷惑メールの情報提供：送信元 {a}{when}"),
                None => format!("迷惑メールの情報提供{when}"),
            },
            DraftKind::Nissankyo => format!("表示義務違反の疑いがある広告メールの情報提供{when}"),
            DraftKind::RentalServerForm | DraftKind::AbuseDesk => match (about, f.role) {
                (Some(a), Role::NetworkOperator | Role::SendingService) => format!("【迷惑メール報告】{a} からの送信{when}"),
                (Some(a), _) => format!("【迷惑メール報告】{a} に関する迷惑メール{when}"),
                (None, _) => format!("【迷惑メール報告】{when}"),
            },
        }
    } else {
        let when = when.map(|w| format!(" received {w}")).unwrap_or_default();
        match f.kind {
            DraftKind::Dekyo => match about {
                Some(a) => format!("Spam report: source {a}{when}"),
                None => format!("Spam report{when}"),
            },
            DraftKind::Nissankyo => format!("Advertising e-mail without the legally required display items{when}"),
            DraftKind::RentalServerForm | DraftKind::AbuseDesk => match (about, f.role) {
                (Some(a), Role::NetworkOperator | Role::SendingService) => format!("Spam from {a}{when}"),
                (Some(a), _) => format!("Spam involving {a}{when}"),
                (None, _) => format!("Spam{when}"),
            },
        }
    }
}

/// The full text draft.
pub(crate) fn body(f: &Facts) -> String {
    let mut out = String::new();
    match f.kind {
        DraftKind::AbuseDesk => abuse_desk(f, &mut out),
        DraftKind::RentalServerForm => rental_form(f, &mut out),
        DraftKind::Dekyo => dekyo(f, &mut out),
        DraftKind::Nissankyo => nissankyo(f, &mut out),
    }
    out
}

/// The short body for a `mailto:` link, at a level of detail: 0 = greeting,
/// statement, key facts and the trusted Received line; 1 = without the line;
/// 2 = greeting and statement; 3 = greeting only. Every level ends with the line
/// that says the full report is pasted below.
pub(crate) fn short_body(f: &Facts, level: u8) -> String {
    let mut out = String::new();
    greeting(f, &mut out);
    if level <= 2 {
        statement_with(f, &mut out, level <= 1);
    }
    if level <= 1 {
        out.push('\n');
        facts(f, &mut out);
    }
    if level == 0
        && let Some(line) = f.trusted_received
    {
        out.push('\n');
        out.push_str(line);
        out.push('\n');
    }
    if level <= 2 {
        out.push('\n');
    }
    out.push_str(if f.ja() {
        "（ヘッダー全文を含む報告の全文を、以下に貼り付けます）\n"
    } else {
        "(The full report, with the complete headers, is pasted below.)\n"
    });
    out
}

/// The statement paragraph alone (a form's description field).
pub(crate) fn statement_text(f: &Facts) -> String {
    let mut out = String::new();
    statement(f, &mut out);
    out
}

fn greeting(f: &Facts, out: &mut String) {
    let ja = f.ja();
    match (f.kind, f.party_name, f.origin_ip) {
        (DraftKind::Dekyo, _, _) if ja => out.push_str("迷惑メール相談センター 御中\n\n"),
        (DraftKind::Nissankyo, _, _) if ja => {
            out.push_str("一般財団法人日本産業協会 電子商取引モニタリングセンター 御中\n\n")
        }
        (DraftKind::Dekyo, _, _) => out.push_str("To the Spam Consultation Center (迷惑メール相談センター),\n\n"),
        (DraftKind::Nissankyo, _, _) => {
            out.push_str("To the E-Commerce Monitoring Center, Japan Industrial Association (日本産業協会),\n\n")
        }
        (_, Some(name), _) if ja => out.push_str(&format!("{name}\n不正利用（abuse）ご担当者様\n\n")),
        (_, Some(name), _) => out.push_str(&format!("To the abuse team of {name},\n\n")),
        (_, None, Some(ip)) if ja && f.role == Role::NetworkOperator => {
            out.push_str(&format!("IP アドレス {ip} を管理されているネットワークの\n不正利用（abuse）ご担当者様\n\n"))
        }
        (_, None, Some(ip)) if f.role == Role::NetworkOperator => {
            out.push_str(&format!("To the abuse desk of the network that owns {ip},\n\n"))
        }
        _ if ja => out.push_str("ご担当者様\n\n"),
        _ => out.push_str("Hello,\n\n"),
    }
}

/// `203.0.113.9（host）` / `203.0.113.9 ` in Japanese (followed directly by a
/// particle), `203.0.113.9 (host)` in English.
fn ip_host(f: &Facts, ip: &str) -> String {
    match (f.origin_host, f.ja()) {
        (Some(h), true) => format!("{ip}（{h}）"),
        (None, true) => format!("{ip} "),
        (Some(h), false) => format!("{ip} ({h})"),
        (None, false) => ip.to_string(),
    }
}

fn statement(f: &Facts, out: &mut String) {
    statement_with(f, out, true);
}

/// The statement; `caveat` adds the sentence about the From address.
fn statement_with(f: &Facts, out: &mut String, caveat: bool) {
    let ip = f.origin_ip.unwrap_or(if f.ja() { "（不明）" } else { "(unknown)" });
    let source = ip_host(f, ip);
    let domain = f.domain.unwrap_or(if f.ja() { "（不明）" } else { "(unknown)" });
    let when_ja = f.arrival.map(|a| format!("{}（{}）に", a.utc, a.local)).unwrap_or_default();
    let when_en = f.arrival.map(|a| format!(" at {} ({})", a.utc, a.local)).unwrap_or_default();
    let when_en_comma = f.arrival.map(|a| format!(" at {} ({}),", a.utc, a.local)).unwrap_or_default();
    if f.ja() {
        let s = match f.kind {
            DraftKind::Dekyo if f.forged_from_domain.is_some() => "特定電子メール法に違反している疑いのある迷惑メールを受信しましたので、情報提供いたします。\n\
送信者のアドレスは偽装されているとみられるため、ヘッダー情報を添えております。\n"
                .to_string(),
            DraftKind::Dekyo => "特定電子メール法に違反している疑いのある迷惑メールを受信しましたので、情報提供いたします。\n\
送信者のアドレスが偽装されている場合に備え、ヘッダー情報を添えております。\n"
                .to_string(),
            DraftKind::Nissankyo => "特定商取引法に定める表示事項が記載されていない疑いのある広告メールを受信しましたので、情報提供いたします。\n"
                .to_string(),
            DraftKind::RentalServerForm => format!(
                "貴社のレンタルサーバー（ネームサーバー）を利用しているドメイン {domain} に関係する迷惑メールを受信いたしました。\n\
お問い合わせフォームでご案内のある 4 項目を、以下のとおりお送りいたします。\n"
            ),
            DraftKind::AbuseDesk => match f.role {
                Role::NetworkOperator | Role::NationalChannel => format!(
                    "下記の迷惑メール（同意のない広告・勧誘メール）を受信いたしました。\n\
このメールは、貴社が管理されているネットワークの IP アドレス {source}から、{when_ja}私が利用しているメール事業者のサーバーへ送信されたものです。\n\
お手数ですが、ご確認のうえ、送信の停止にご協力をお願いいたします。\n"
                ),
                Role::SendingService => format!(
                    "下記の迷惑メール（同意のない広告・勧誘メール）を受信いたしました。\n\
このメールは貴社のサービスを経由して送信されたもので、{when_ja}送信元 {source}から私が利用しているメール事業者のサーバーに届いています。\n\
送信に使われたアカウントをご確認のうえ、停止をご検討いただけますようお願いいたします。\n"
                ),
                Role::Registrar => format!(
                    "貴社で登録されているドメイン {domain} が、下記の迷惑メールに使われています。\n\
貴社の規約に照らしてご確認いただけますようお願いいたします。\n"
                ),
                Role::DnsHost => format!(
                    "貴社の DNS サービスを利用しているドメイン {domain} が、下記の迷惑メールに使われています。\n\
ご利用者の利用状況をご確認いただけますようお願いいたします。\n"
                ),
                Role::WebHost => format!(
                    "貴社でホスティングされている {domain} のウェブサイトが、下記の迷惑メールで宣伝されています。\n\
ご利用者の利用状況をご確認いただけますようお願いいたします。\n"
                ),
                Role::MailHost => format!(
                    "貴社でホスティングされている {domain} のメールサービスが、下記の迷惑メールの送信に関係しています。\n\
ご利用者の利用状況をご確認いただけますようお願いいたします。\n"
                ),
            },
        };
        out.push_str(&s);
        if caveat && f.kind == DraftKind::AbuseDesk {
            match f.forged_from_domain {
                Some(d) => out.push_str(&format!(
                    "なお、差出人（From）のドメイン {d} は、私のメール事業者での送信ドメイン認証に合格しておらず、偽装されたものとみられます（このドメインの管理者は送信者ではありません）。実際の送信元は、下記の Received 行でご確認いただけます。\n"
                )),
                None => out.push_str("なお、差出人（From）のアドレスは偽装されている可能性があります。実際の送信元は、下記の Received 行でご確認いただけます。\n"),
            }
        }
    } else {
        let s = match f.kind {
            DraftKind::Dekyo if f.forged_from_domain.is_some() => "I received the spam below, which I believe breaks the Act on Regulation of Transmission of Specified Electronic Mail (特定電子メール法).\n\
The sender address appears to be forged, so the headers are included.\n"
                .to_string(),
            DraftKind::Dekyo => "I received the spam below, which I believe breaks the Act on Regulation of Transmission of Specified Electronic Mail (特定電子メール法).\n\
The headers are included in case the sender address is forged.\n"
                .to_string(),
            DraftKind::Nissankyo => "I received the advertising e-mail below, which seems to lack the display items required by the Act on Specified Commercial Transactions (特定商取引法).\n"
                .to_string(),
            DraftKind::RentalServerForm => format!(
                "I received spam involving the domain {domain}, which uses your rental server (nameservers).\n\
Below are the four items your contact form asks for.\n"
            ),
            DraftKind::AbuseDesk => match f.role {
                Role::NetworkOperator | Role::NationalChannel => format!(
                    "I received the unsolicited bulk e-mail (spam) below. It was handed to my mail provider{when_en_comma} by {source}, an address in your network.\n\
Please investigate and stop this sending from your network.\n"
                ),
                Role::SendingService => format!(
                    "I received the unsolicited bulk e-mail (spam) below. It was sent through your service and reached my mail provider from {source}{when_en}.\n\
Please identify the account that sent it and stop it.\n"
                ),
                Role::Registrar => format!(
                    "The domain {domain}, registered through you, is used in the unsolicited bulk e-mail (spam) below.\n\
Please review the registration under your abuse policy.\n"
                ),
                Role::DnsHost => format!(
                    "The domain {domain} uses your DNS service and is used in the unsolicited bulk e-mail (spam) below.\n\
Please review your customer's use of your service.\n"
                ),
                Role::WebHost => format!(
                    "The web site of {domain}, hosted by you, is advertised in the unsolicited bulk e-mail (spam) below.\n\
Please review your customer's use of your service.\n"
                ),
                Role::MailHost => format!(
                    "The mail service of {domain}, hosted by you, is involved in sending the unsolicited bulk e-mail (spam) below.\n\
Please review your customer's use of your service.\n"
                ),
            },
        };
        out.push_str(&s);
        if caveat && f.kind == DraftKind::AbuseDesk {
            match f.forged_from_domain {
                Some(d) => out.push_str(&format!(
                    "The From domain ({d}) failed authentication at my provider and is most likely forged: its owner is not the sender. The Received line below shows where the message really came from.\n"
                )),
                None => out.push_str("The From address may be forged; the Received line below shows where the message really came from.\n"),
            }
        }
    }
}

/// Aligned "label: value" lines of the key facts.
fn facts(f: &Facts, out: &mut String) {
    let ja = f.ja();
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(ip) = f.origin_ip {
        rows.push((if ja { "送信元 IP アドレス" } else { "Source IP" }, ip.to_string()));
    }
    if let Some(h) = f.origin_host {
        rows.push((if ja { "送信元ホスト名" } else { "Source host" }, h.to_string()));
    }
    if let Some(d) = f.domain
        && f.kind == DraftKind::AbuseDesk
        && !matches!(f.role, Role::NetworkOperator | Role::SendingService)
    {
        rows.push((if ja { "対象ドメイン" } else { "Domain" }, d.to_string()));
    }
    if let Some(a) = f.arrival {
        rows.push((if ja { "受信日時（UTC）" } else { "Received (UTC)" }, a.utc.clone()));
        let local_label = match (ja, a.utc_offset_minutes) {
            (true, 540) => "受信日時（日本時間）",
            (true, _) => "受信日時（受信者の現地時間）",
            (false, _) => "Received (local)",
        };
        rows.push((local_label, a.local.clone()));
    }
    if let Some(m) = f.message_id {
        rows.push(("Message-ID", format!("<{}>", m.trim_matches(['<', '>']))));
    }
    rows.push((if ja { "報告 ID" } else { "Report ID" }, f.report_id.to_string()));
    if let Some(s) = f.subject {
        rows.push((if ja { "件名" } else { "Subject" }, s.to_string()));
    }
    if let Some(from) = f.from {
        rows.push((if ja { "差出人（表示上）" } else { "From (as written)" }, from.to_string()));
    }
    if f.role == Role::SendingService {
        for (k, v) in f.account {
            rows.push((if ja { "送信アカウント" } else { "Sending account" }, format!("{v} ({k})")));
        }
    }
    for (label, value) in rows {
        if ja {
            out.push_str(&format!("■ {label}: {value}\n"));
        } else {
            out.push_str(&format!("{:<18} {value}\n", format!("{label}:")));
        }
    }
}

fn trusted_line(f: &Facts, out: &mut String) {
    let ja = f.ja();
    let Some(line) = f.trusted_received else {
        out.push_str(if ja {
            "\n■ 信頼できる Received 行: 特定できませんでした（ヘッダーに受信サーバーの記録がありません）。\n"
        } else {
            "\nTrusted Received line: none could be identified (the headers carry no record written by my provider).\n"
        });
        return;
    };
    let by = f.trusted_by.unwrap_or(if ja { "受信サーバー" } else { "the receiving server" });
    let ip = f.origin_ip.unwrap_or("?");
    if ja {
        out.push_str("\n■ 信頼できる Received 行（受信側のサーバーが、送信元からメールを受け取った時点で記録したもの）\n");
        out.push_str(line);
        out.push_str(&format!(
            "\n\n■ この行を信頼できる理由\n\
この行は、私が利用しているメール事業者のサーバー（{by}）が、{ip} からの接続を受け付けた時点で記録したものです。\
接続元のアドレスは受信側が記録しているため、送信者が偽ることはできません。\
これより下の Received 行は私のメール事業者に届く前に書かれたもので、偽装されている可能性があります。\n"
        ));
    } else {
        out.push_str("\nTrusted Received line (written by the receiving side when it accepted the message from the source):\n");
        out.push_str(line);
        out.push_str(&format!(
            "\n\nWhy this line is trusted: it was written by my own mail provider's server ({by}) when {ip} connected to it, \
so the connecting address was recorded by the receiver and cannot be forged by the sender. \
The Received lines below it were written before the message reached my provider and may be forged.\n"
        ));
        if !f.reasons.is_empty() {
            out.push_str(&format!("Analysis: {}.\n", f.reasons.join("; ")));
        }
    }
}

fn headers(f: &Facts, out: &mut String, title_ja: &str, title_en: &str) {
    let ja = f.ja();
    let masked = if !f.masked {
        String::new()
    } else if ja {
        format!("。ただし私のメールアドレスは {PLACEHOLDER_ADDRESS} に置き換えています")
    } else {
        format!(", except that my own address is replaced by {PLACEHOLDER_ADDRESS}")
    };
    if ja {
        out.push_str(&format!("\n■ {title_ja}（受信時のまま{masked}）\n"));
    } else {
        out.push_str(&format!("\n{title_en} (as received{masked}):\n"));
    }
    out.push_str("-----\n");
    out.push_str(f.headers.trim_end_matches(['\r', '\n']));
    out.push_str("\n-----\n");
}

fn body_section(f: &Facts, out: &mut String, title_ja: &str, title_en: &str, missing_ja: &str, missing_en: &str) {
    let ja = f.ja();
    match f.body {
        Some(b) => {
            out.push_str(&if ja { format!("\n■ {title_ja}\n") } else { format!("\n{title_en}:\n") });
            out.push_str("-----\n");
            out.push_str(b.trim_end_matches(['\r', '\n']));
            out.push_str("\n-----\n");
        }
        None => {
            out.push('\n');
            out.push_str(if ja { missing_ja } else { missing_en });
            out.push('\n');
        }
    }
}

fn closing(f: &Facts, out: &mut String) {
    if f.ja() {
        out.push_str("\nお手数をおかけいたしますが、よろしくお願い申し上げます。\n\n--\n\
この報告は SenderTrace で作成し、受信者本人が内容を確認のうえ送信しています。\n");
    } else {
        out.push_str("\nThank you for your help.\n\n--\n\
This report was prepared with SenderTrace and reviewed by the recipient before sending.\n");
    }
}

fn abuse_desk(f: &Facts, out: &mut String) {
    greeting(f, out);
    statement(f, out);
    out.push('\n');
    facts(f, out);
    trusted_line(f, out);
    headers(f, out, "ヘッダー全文", "Full headers");
    body_section(
        f,
        out,
        "本文",
        "Body",
        "（本文は添付しておりません。必要でしたらお送りいたします。）",
        "(The body is not included; I can send it on request.)",
    );
    closing(f, out);
}

fn dekyo(f: &Facts, out: &mut String) {
    greeting(f, out);
    statement(f, out);
    out.push('\n');
    let ja = f.ja();
    let unknown = if ja { "（不明）" } else { "(unknown)" };
    let when = f.arrival.map_or(unknown.to_string(), |a| format!("{}（{}）", a.local, a.utc));
    let rows: [(&str, &str, String); 4] = [
        ("受信日時", "Received", when),
        ("送信者アドレス", "Sender address", f.from.unwrap_or(unknown).to_string()),
        ("件名", "Subject", f.subject.unwrap_or(unknown).to_string()),
        ("送信元 IP アドレス（受信サーバーの記録による）", "Source IP (as recorded by the receiving server)", f.origin_ip.unwrap_or(unknown).to_string()),
    ];
    for (lj, le, v) in rows {
        if ja {
            out.push_str(&format!("■ {lj}: {v}\n"));
        } else {
            out.push_str(&format!("{le}: {v}\n"));
        }
    }
    headers(f, out, "ヘッダー情報", "Header information");
    body_section(
        f,
        out,
        "本文",
        "Body",
        "（本文は省略しています。センターはメールの全文を求めていますので、可能であれば本文も添えてください。）",
        "(The body is left out. The centre asks for the whole message; please add the body if you can.)",
    );
    if ja {
        out.push_str("\n以上、よろしくお願いいたします。\n");
    } else {
        out.push_str("\nThank you.\n");
    }
}

fn nissankyo(f: &Facts, out: &mut String) {
    greeting(f, out);
    statement(f, out);
    out.push('\n');
    let ja = f.ja();
    let unknown = if ja { "（不明）" } else { "(unknown)" };
    let when = f.arrival.map_or(unknown.to_string(), |a| format!("{}（{}）", a.local, a.utc));
    if ja {
        out.push_str(&format!("■ 受信日時: {when}\n■ 送信者アドレス: {}\n■ 件名: {}\n", f.from.unwrap_or(unknown), f.subject.unwrap_or(unknown)));
    } else {
        out.push_str(&format!("Received: {when}\nSender address: {}\nSubject: {}\n", f.from.unwrap_or(unknown), f.subject.unwrap_or(unknown)));
    }
    display_check(f, out);
    headers(f, out, "ヘッダー情報", "Header information");
    body_section(
        f,
        out,
        "本文",
        "Body",
        "（本文は省略しています。表示事項の確認には本文が必要です。）",
        "(The body is left out; the display items can only be checked in the body.)",
    );
    if ja {
        out.push_str("\n以上、よろしくお願いいたします。\n");
    } else {
        out.push_str("\nThank you.\n");
    }
}

/// The display-item check as a list (found / not found, with the evidence).
pub(crate) fn display_check(f: &Facts, out: &mut String) {
    let ja = f.ja();
    let Some(check) = f.display_check else {
        out.push_str(if ja {
            "\n■ 表示事項の確認結果: 本文がないため確認できませんでした。\n"
        } else {
            "\nDisplay items: not checked (no body).\n"
        });
        return;
    };
    out.push_str(if ja {
        "\n■ 表示事項の確認結果（本文から自動的に確認し、受信者が内容を確かめたもの）\n"
    } else {
        "\nDisplay items (checked automatically in the body, reviewed by the recipient):\n"
    });
    for item in &check.items {
        let label = if ja { item.item.label_ja() } else { item.item.label_en() };
        let status = match (item.found, ja) {
            (true, true) => "記載あり",
            (false, true) => "記載なし",
            (true, false) => "found",
            (false, false) => "not found",
        };
        let evidence = item.evidence.as_deref().map(|e| if ja { format!("（「{e}」）") } else { format!(" (\"{e}\")") }).unwrap_or_default();
        let remark = match (item.remark.as_deref(), ja) {
            (Some("statement-without-address"), true) => "。受信拒否の旨はあるものの、連絡先の記載が見当たりません",
            (Some("statement-without-address"), false) => "; a statement, but no address to write to",
            _ => "",
        };
        out.push_str(&format!("・{label}: {status}{evidence}{remark}\n"));
    }
}

fn rental_form(f: &Facts, out: &mut String) {
    greeting(f, out);
    statement(f, out);
    let ja = f.ja();
    let unknown = if ja { "（不明）" } else { "(unknown)" };
    if ja {
        out.push_str("\n■ 1. ヘッダー情報");
        if f.masked {
            out.push_str(&format!("（受信者のアドレスは {PLACEHOLDER_ADDRESS} に置き換えています）"));
        }
        out.push('\n');
    } else {
        out.push_str("\n1. Headers");
        if f.masked {
            out.push_str(&format!(" (the recipient address is replaced by {PLACEHOLDER_ADDRESS})"));
        }
        out.push_str(":\n");
    }
    out.push_str("-----\n");
    out.push_str(f.headers.trim_end_matches(['\r', '\n']));
    out.push_str("\n-----\n");
    if ja {
        out.push_str(&format!("\n■ 2. 送信者のメールアドレス\n{}\n", f.from.unwrap_or(unknown)));
        out.push_str(&format!("\n■ 3. 受信者のメールアドレス\n{}\n", f.recipient.unwrap_or(unknown)));
        out.push_str("\n■ 4. 本文\n");
    } else {
        out.push_str(&format!("\n2. Sender address:\n{}\n", f.from.unwrap_or(unknown)));
        out.push_str(&format!("\n3. Recipient address:\n{}\n", f.recipient.unwrap_or(unknown)));
        out.push_str("\n4. Body:\n");
    }
    match f.body {
        Some(b) => {
            out.push_str("-----\n");
            out.push_str(b.trim_end_matches(['\r', '\n']));
            out.push_str("\n-----\n");
        }
        None => out.push_str(if ja { "（本文は省略しています）\n" } else { "(left out)\n" }),
    }
    closing(f, out);
}

/// Labels of the form fields, by id, in the draft's language.
pub(crate) fn field_label(id: &str, lang: Language) -> &'static str {
    let ja = lang == Language::Ja;
    match id {
        "headers" => if ja { "ヘッダー情報" } else { "Headers" },
        "sender_address" => if ja { "送信者アドレス" } else { "Sender address" },
        "recipient_address" => if ja { "受信者アドレス" } else { "Recipient address" },
        "body" => if ja { "本文" } else { "Body" },
        "received_at" => if ja { "受信日時" } else { "Received" },
        "subject" => if ja { "件名" } else { "Subject" },
        "source_ip" => if ja { "送信元 IP アドレス" } else { "Source IP" },
        "description" => if ja { "内容" } else { "Description" },
        "display_check" => if ja { "表示事項の確認結果" } else { "Display items" },
        _ => "",
    }
}
