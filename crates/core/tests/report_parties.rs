//! Parties from the trace's JSON (the verdict's shape) and from the offline analysis.

mod report_common;

use report_common::*;
use sendertrace_core::report::{ContactKind, DraftKind, Language, LanguageReason, Recipient, Report, Role};
use serde_json::json;

#[test]
fn verdict_parties_convert() {
    let network = json!({
        "role": "network-operator", "name": "Example ISP", "subject": "203.0.113.9",
        "contacts": [
            {"kind": "email", "value": "hostmaster@nic.ad.jp", "source": "rdap:rdap.apnic.net", "actionable": false},
            {"kind": "email", "value": "abuse@isp.example.ne.jp", "source": "jpnic-whois", "actionable": true}
        ],
        "why": {"id": "why-network-operator", "text": "", "params": {}}, "notes": [], "confidence": "high"
    });
    let r = Recipient::from_json(&network).unwrap();
    assert_eq!(r.role, Role::NetworkOperator);
    assert_eq!(r.contacts.len(), 1, "placeholders are never offered");
    assert_eq!(r.contacts[0].kind, ContactKind::Email);
    assert_eq!(r.domain, None);

    let unnamed = json!({"role": "network-operator", "name": "203.0.113.9", "subject": "203.0.113.9", "contacts": []});
    assert_eq!(Recipient::from_json(&unnamed).unwrap().name, None);

    let rental = json!({
        "role": "dns-host", "name": "GMO Internet Group", "subject": "offer.example.net",
        "contacts": [{"kind": "form", "value": "https://help.onamae.com/app/answers/detail/a_id/8128", "actionable": true}],
        "notes": [{"id": "provider-note"}, {"id": "form-four-items"}]
    });
    let r = Recipient::from_json(&rental).unwrap();
    assert_eq!((r.kind, r.domain.as_deref()), (DraftKind::RentalServerForm, Some("offer.example.net")));

    let dekyo = json!({"role": "national-channel", "name": "迷惑メール相談センター (Japan Data Communications Association)", "subject": ""});
    assert_eq!(Recipient::from_json(&dekyo).unwrap().kind, DraftKind::Dekyo);
    let nissankyo = json!({"role": "national-channel", "name": "日本産業協会 電子商取引モニタリングセンター"});
    assert_eq!(Recipient::from_json(&nissankyo).unwrap().kind, DraftKind::Nissankyo);

    // A JPNIC-sourced contact means a Japanese network, whatever its domain.
    let jpnic = json!({"role": "network-operator", "name": "Example Hosting", "subject": "203.0.113.9",
        "contacts": [{"kind": "email", "value": "abuse@hosting.example.com", "source": "jpnic-whois", "actionable": true}]});
    assert_eq!(Recipient::from_json(&jpnic).unwrap().country.as_deref(), Some("JP"));
    // The draft's own form round-trips too.
    let own = serde_json::to_value(Recipient::network_operator()).unwrap();
    assert_eq!(Recipient::from_json(&own), Some(Recipient::network_operator()));
    assert_eq!(Recipient::from_json(&json!({"nothing": 1})), None);

    // A .jp abuse address means a Japanese desk.
    let raw = fixture("ipv6-en.eml");
    let a = analysis(&raw);
    let d = Report::new(&raw, &a, options(None, false)).draft(&Recipient::from_json(&network).unwrap());
    assert_eq!((d.language, d.language_reason), (Language::Ja, LanguageReason::PartyCountry), "JPNIC-sourced");
    assert!(!d.requires_confirmation);
    let d = Report::new(&raw, &a, options(None, false)).draft(&Recipient::from_json(&rental).unwrap());
    assert!(d.requires_confirmation);
    assert_eq!(d.form_fields.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["headers", "sender_address", "recipient_address", "body"]);
}

#[test]
fn offline_parties_follow_the_message() {
    // Japanese recipient and text: the network, 迷惑メール相談センター, and 日本産業協会
    // because the display check misses items.
    let raw = fixture("ipv4-ja.eml");
    let a = analysis(&raw);
    let r = Report::new(&raw, &a, options(None, true));
    let kinds: Vec<DraftKind> = r.offline_parties().iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [DraftKind::AbuseDesk, DraftKind::Dekyo, DraftKind::Nissankyo]);
    assert_eq!(r.display_check().unwrap().missing, 3);
    // English recipient and text: the network only.
    let raw = fixture("ipv6-en.eml");
    let a = analysis(&raw);
    let r = Report::new(&raw, &a, options(None, true));
    assert_eq!(r.offline_parties(), [Recipient::network_operator()]);
}
