//! Golden tests of the draft wording: every draft kind in Japanese and English.
//! Expected files are in tests/golden/report/; `UPDATE_GOLDEN=1` rewrites them on
//! purpose; a mismatch writes `<name>.actual` next to the expected file.

mod report_common;

use report_common::*;
use sendertrace_core::report::{channels, Contact, ContactKind, Draft, DraftKind, Language, Recipient, Report, Role};

fn render(d: &Draft) -> String {
    let mut out = String::new();
    out.push_str(&format!("kind: {:?}\nrole: {:?}\n", d.kind, d.role));
    out.push_str(&format!("language: {} ({:?})\n", d.language.code(), d.language_reason));
    out.push_str(&format!("requires_confirmation: {}\nmasked: {}\n", d.requires_confirmation, d.masked));
    out.push_str(&format!("to: {}\n", d.to.join(", ")));
    if let Some(f) = &d.form_url {
        out.push_str(&format!("form: {f}\n"));
    }
    if let Some(f) = &d.info_url {
        out.push_str(&format!("info: {f}\n"));
    }
    out.push_str(&format!("subject: {}\n\n", d.subject));
    out.push_str(&d.text);
    if !d.form_fields.is_empty() {
        out.push_str("\n=== form fields ===\n");
        for f in &d.form_fields {
            out.push_str(&format!("[{}] {} (max {:?})\n{}\n", f.id, f.label, f.max_bytes, f.value));
        }
    }
    if let Some(m) = &d.mailto {
        out.push_str(&format!("\n=== mailto ({} chars) ===\n{}\n", m.len(), percent_decode(m)));
    }
    out.push_str("\n=== notes ===\n");
    for n in &d.notes {
        out.push_str(&format!("{}: {}\n", n.id, n.text));
    }
    out
}

fn check(name: &str, actual: &str) -> Result<(), String> {
    let path = dir("golden").join(format!("{name}.txt"));
    let actual_path = dir("golden").join(format!("{name}.actual"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write golden");
        let _ = std::fs::remove_file(&actual_path);
        return Ok(());
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected == actual {
        let _ = std::fs::remove_file(&actual_path);
        Ok(())
    } else {
        std::fs::write(&actual_path, actual).expect("write actual");
        Err(format!("{name}: differs from {} (see {})", path.display(), actual_path.display()))
    }
}

fn network_with_contact() -> Recipient {
    Recipient {
        role: Role::NetworkOperator,
        kind: DraftKind::AbuseDesk,
        name: Some("Example Networks K.K.".into()),
        contacts: vec![Contact { kind: ContactKind::Email, value: "abuse@example.net".into() }],
        language: None,
        country: None,
        domain: None,
    }
}

fn registrar() -> Recipient {
    Recipient {
        role: Role::Registrar,
        kind: DraftKind::AbuseDesk,
        name: Some("Example Registrar, Inc.".into()),
        contacts: vec![
            Contact { kind: ContactKind::Email, value: "abuse@registrar.example".into() },
            Contact { kind: ContactKind::Form, value: "https://registrar.example/abuse".into() },
        ],
        language: None,
        country: None,
        domain: Some("offer.example.net".into()),
    }
}

#[test]
fn every_draft_kind_in_japanese_and_english() {
    let raw = fixture("ipv4-ja.eml");
    let a = analysis(&raw);
    let parties: [(&str, Recipient); 6] = [
        ("network-offline", Recipient::network_operator()),
        ("network-known", network_with_contact()),
        ("registrar", registrar()),
        ("rental-form", channels::gmo_rental_server(Some("offer.example.net"))),
        ("dekyo", channels::dekyo()),
        ("nissankyo", channels::nissankyo()),
    ];
    let mut failures = Vec::new();
    for lang in [Language::Ja, Language::En] {
        let report = Report::new(&raw, &a, options(Some(lang), true));
        for (name, party) in &parties {
            let d = report.draft(party);
            if let Err(e) = check(&format!("{name}.{}", lang.code()), &render(&d)) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn language_follows_the_recipient_not_the_ui() {
    let raw = fixture("ipv6-en.eml");
    let a = analysis(&raw);
    let report = Report::new(&raw, &a, options(None, false));
    let mut failures = Vec::new();
    // English network, no body, name unknown offline.
    let d = report.draft(&Recipient::network_operator());
    assert_eq!(d.language, Language::En);
    if let Err(e) = check("ipv6-network-offline.auto", &render(&d)) {
        failures.push(e);
    }
    // A Japanese desk (by its .jp address) gets Japanese even for English spam.
    let mut jp = network_with_contact();
    jp.contacts[0].value = "abuse@isp.example.ne.jp".into();
    let d = report.draft(&jp);
    assert_eq!(d.language, Language::Ja);
    if let Err(e) = check("ipv6-network-jp-desk.auto", &render(&d)) {
        failures.push(e);
    }
    // A party for the forged From domain gets a warning first.
    let raw_ja = fixture("ipv4-ja.eml");
    let a_ja = analysis(&raw_ja);
    let mut forged = registrar();
    forged.domain = Some("mail.shop.example.com".into());
    let d = Report::new(&raw_ja, &a_ja, options(None, false)).draft(&forged);
    assert_eq!(d.notes[0].id, "report-forged-domain");
    // The national channels are Japanese whatever the message.
    assert_eq!(report.draft(&channels::dekyo()).language, Language::Ja);
    // One id per incident and party, the same in both languages.
    let id = |p: &Recipient| report.draft(p).report_id;
    assert_ne!(id(&channels::dekyo()), id(&channels::nissankyo()));
    assert!(id(&jp).starts_with("ST-") && id(&jp).len() == 15);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn goldens_do_not_depend_on_line_endings() {
    let raw = fixture("ipv4-ja.eml");
    for (_, bytes) in variants(&raw) {
        let a = analysis(&bytes);
        let report = Report::new(&bytes, &a, options(Some(Language::Ja), true));
        let d = report.draft(&channels::dekyo());
        let normalised = d.text.replace("\r\n", "\n");
        let lf = {
            let a = analysis(&raw);
            Report::new(&raw, &a, options(Some(Language::Ja), true)).draft(&channels::dekyo()).text
        };
        assert_eq!(normalised, lf);
    }
}
