//! The report drafts over the real dev corpus (read in place from
//! ../shared/corpus/dev, never copied): no panic, every masked draft free of the
//! user's addresses, and every ARF message parsing back into its three parts.

mod report_common;

use std::path::PathBuf;

use mail_parser::MessageParser;
use report_common::percent_decode;
use sendertrace_core::report::{channels, Contact, ContactKind, DraftKind, Recipient, Report, ReportOptions, Role};
use sendertrace_core::{analyze, AnalyzeOptions};

fn corpus() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!("the dev corpus is not at {} ({e}); it lives in the shared folder next to the checkout", dir.display())
    });
    let mut files: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect();
    files.sort();
    files
}

#[test]
fn drafts_over_the_dev_corpus() {
    let files = corpus();
    assert!(!files.is_empty(), "no .eml files in the dev corpus");
    let registrar = Recipient {
        role: Role::Registrar,
        kind: DraftKind::AbuseDesk,
        name: Some("Example Registrar".into()),
        contacts: vec![Contact { kind: ContactKind::Email, value: "abuse@registrar.example".into() }],
        language: None,
        country: None,
        domain: Some("example.com".into()),
    };
    let mut drafted = 0;
    for path in &files {
        let raw = std::fs::read(path).unwrap();
        let Ok(analysis) = analyze(&raw, &AnalyzeOptions::default()) else { continue };
        let options = ReportOptions { utc_offset_minutes: 540, include_body: true, ..Default::default() };
        let report = Report::new(&raw, &analysis, options);
        let users = report.recipient_addresses().to_vec();
        let mut parties = report.offline_parties();
        parties.extend([registrar.clone(), channels::gmo_rental_server(Some("example.jp")), channels::dekyo(), channels::nissankyo()]);
        for party in &parties {
            let d = report.draft(party);
            drafted += 1;
            let mut all = format!("{}\n{}\n{}", d.subject, d.text, d.mailto.as_deref().map(percent_decode).unwrap_or_default());
            for f in &d.form_fields {
                all.push_str(&f.value);
            }
            let all = all.to_lowercase();
            for u in &users {
                assert!(!all.contains(u.as_str()), "{}: {u} left in the {:?} draft", path.display(), party.kind);
            }
            if let Some(m) = &d.mailto {
                assert!(m.len() <= 2000, "{}: mailto too long", path.display());
            }
            let arf = report.arf(party);
            let msg = MessageParser::new().parse(&arf).unwrap_or_else(|| panic!("{}: ARF does not parse", path.display()));
            assert_eq!(msg.root_part().children().len(), 3, "{}: ARF parts", path.display());
            let arf_text = String::from_utf8_lossy(&arf).to_lowercase();
            for u in &users {
                assert!(!arf_text.contains(u.as_str()), "{}: {u} left in the ARF", path.display());
            }
        }
    }
    assert!(drafted > 0);
}
