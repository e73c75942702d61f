//! The Japanese national channels (source procedure point 7) and the registrar's
//! rental-server contact form (point 4), as [`Recipient`]s the drafts are built for.
//!
//! Addresses are only those the research could source (research/anchors.md E1, E2):
//! - 迷惑メール相談センター takes the whole message at `meiwaku@dekyo.or.jp`, or its
//!   web form (`infoform.html`, fields 受信日時 / 送信者アドレス / 件名 / 本文 / ヘッダ
//!   情報, 4000 bytes each);
//! - 日本産業協会's 電子商取引モニタリングセンター: its reporting page is named with
//!   the page that explains it; the form address itself was not verified, so the draft
//!   points at that page rather than claiming a form URL.

use super::{Contact, ContactKind, DraftKind, Language, Recipient, Role};
use super::tokushoho::DisplayCheck;

pub const DEKYO_EMAIL: &str = "meiwaku@dekyo.or.jp";
pub const DEKYO_FORM: &str = "https://www.dekyo.or.jp/soudan/infoform.html";
pub const DEKYO_INFO: &str = "https://www.dekyo.or.jp/soudan/contents/ihan/index.html";
pub const NISSANKYO_INFO: &str = "http://www.nissankyo.or.jp/spam/index.html";
/// The registrar help page that links its contact form (the source procedure).
pub const ONAMAE_HELP: &str = "https://help.onamae.com/app/answers/detail/a_id/8128";

/// The form limit of 迷惑メール相談センター's web form, per field.
pub const DEKYO_FIELD_BYTES: usize = 4000;

/// 迷惑メール相談センター (一般財団法人日本データ通信協会).
pub fn dekyo() -> Recipient {
    Recipient {
        role: Role::NationalChannel,
        kind: DraftKind::Dekyo,
        name: Some("迷惑メール相談センター（一般財団法人日本データ通信協会）".into()),
        contacts: vec![
            Contact { kind: ContactKind::Email, value: DEKYO_EMAIL.into() },
            Contact { kind: ContactKind::Form, value: DEKYO_FORM.into() },
            Contact { kind: ContactKind::Web, value: DEKYO_INFO.into() },
        ],
        language: Some(Language::Ja),
        country: Some("JP".into()),
        domain: None,
    }
}

/// 日本産業協会 電子商取引モニタリングセンター (表示義務違反, 特定商取引法).
pub fn nissankyo() -> Recipient {
    Recipient {
        role: Role::NationalChannel,
        kind: DraftKind::Nissankyo,
        name: Some("一般財団法人日本産業協会 電子商取引モニタリングセンター".into()),
        contacts: vec![Contact { kind: ContactKind::Web, value: NISSANKYO_INFO.into() }],
        language: Some(Language::Ja),
        country: Some("JP".into()),
        domain: None,
    }
}

/// The registrar's rental-server service, when its nameservers serve the domain
/// (DESIGN.md point 4). `domain` is the domain whose nameservers matched.
pub fn rental_server(name: &str, form_url: &str, domain: Option<&str>) -> Recipient {
    Recipient {
        role: Role::DnsHost,
        kind: DraftKind::RentalServerForm,
        name: Some(name.to_string()),
        contacts: vec![Contact { kind: ContactKind::Form, value: form_url.to_string() }],
        language: Some(Language::Ja),
        country: Some("JP".into()),
        domain: domain.map(str::to_string),
    }
}

/// The GMO / お名前.com rental server, with its name and form from the knowledge
/// table (data/providers.tsv), falling back to the help page of the source procedure.
pub fn gmo_rental_server(domain: Option<&str>) -> Recipient {
    let known = crate::knowledge::provider("gmo-onamae");
    let name = known.as_ref().map_or("GMO Internet Group (お名前.com rental server)".to_string(), |p| p.name.clone());
    let form = known
        .as_ref()
        .and_then(|p| p.contacts.iter().find(|c| c.kind == "form").map(|c| c.value.clone()))
        .unwrap_or_else(|| ONAMAE_HELP.to_string());
    rental_server(&name, &form, domain)
}

/// Which national channels apply: 迷惑メール相談センター for a Japanese recipient or
/// Japanese text; 日本産業協会 when the text is Japanese and the display check
/// found an item missing.
pub fn applicable(japanese_recipient: bool, japanese_text: bool, check: Option<&DisplayCheck>) -> Vec<Recipient> {
    let mut out = Vec::new();
    if japanese_recipient || japanese_text {
        out.push(dekyo());
    }
    if japanese_text && check.is_some_and(|c| c.missing > 0) {
        out.push(nissankyo());
    }
    out
}
