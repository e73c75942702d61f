//! The recorded JPNIC whois gateway page (Shift_JIS), read in place from
//! `shared/data/jpnic-gateway/` (never copied into the repository).

use std::path::PathBuf;

use sendertrace_core::jpnic::parse_page;

fn gateway_page(name: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/jpnic-gateway");
    assert!(
        dir.is_dir(),
        "the recorded JPNIC gateway page is read in place from {} — that folder is missing \
         (the shared data checkout must sit next to the repository; do not copy it in)",
        dir.display()
    );
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("cannot read {name}: {e}"))
}

#[test]
fn given_recorded_gateway_page_when_parsed_then_network_org_and_contacts() {
    // GIVEN the English answer for 133.1.2.5 (Shift_JIS declared in META)
    let page = gateway_page("133.1.2.5-en.html");
    // WHEN
    let rec = parse_page(&page, Some("text/html"));
    // THEN
    assert_eq!(rec.charset, "shift_jis");
    assert_eq!(rec.network.as_deref(), Some("133.1.0.0/16"));
    assert_eq!(rec.name.as_deref(), Some("OSAKAU-NET"));
    assert_eq!(rec.org.as_deref(), Some("Osaka University"));
    assert_eq!(rec.admin_handle.as_deref(), Some("MY22537JP"));
    assert_eq!(rec.tech_handle.as_deref(), Some("MY22537JP"));
    assert_eq!(rec.nameservers, ["a.osaka-u.ac.jp", "b.osaka-u.ac.jp", "dns-x.sinet.ad.jp"]);
    assert_eq!(rec.last_update.as_deref(), Some("2015/01/14 11:50:03(JST)"));
    assert_eq!(rec.abuse_email, None, "this 2015 record predates JPNIC's [Abuse] field");
    assert!(rec.less_specific.is_empty());
    assert!(!rec.no_match);
    assert!(rec.warnings.is_empty(), "{:?}", rec.warnings);
}

#[test]
fn given_shift_jis_japanese_page_when_parsed_then_japanese_org_is_readable() {
    // GIVEN a Japanese-output page written here in Shift_JIS ("f. [組織名] 大阪大学")
    let mut page = b"<HTML><HEAD><META http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"></HEAD><BODY><PRE>\n".to_vec();
    page.extend_from_slice(b"f. [\x91\x67\x90\x44\x96\xbc]                     \x91\xe5\x8d\xe3\x91\xe5\x8a\x77\n");
    page.extend_from_slice(b"[Abuse]                         abuse@example.ac.jp\n</PRE></BODY></HTML>");
    // WHEN
    let rec = parse_page(&page, None);
    // THEN
    assert_eq!(rec.org_ja.as_deref(), Some("大阪大学"));
    assert_eq!(rec.abuse_email.as_deref(), Some("abuse@example.ac.jp"));
}
