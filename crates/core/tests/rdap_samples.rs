//! Every real recorded RDAP answer in `shared/data/rdap-samples/` (read in place,
//! never copied into the repository) → the name, prefix / registrar and abuse
//! contact SenderTrace extracts, or the right "none published / placeholder" warning.

use std::path::PathBuf;

use sendertrace_core::rdap::{interpret_bytes, RdapSummary};

fn samples_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/rdap-samples");
    assert!(
        dir.is_dir(),
        "the recorded RDAP samples are read in place from {} — that folder is missing. \
         These tests need the shared data checkout next to the repository (../shared/data/rdap-samples); \
         do not copy the files into the repository.",
        dir.display()
    );
    dir
}

fn sample(name: &str) -> RdapSummary {
    let path = samples_dir().join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read sample {}: {e}", path.display()));
    interpret_bytes(&bytes)
}

fn usable_emails(s: &RdapSummary) -> Vec<&str> {
    s.abuse.iter().filter(|c| !c.placeholder).filter_map(|c| c.email.as_deref()).collect()
}

fn has_warning(s: &RdapSummary, id: &str) -> bool {
    s.warnings.iter().any(|w| w.id == id)
}

fn registrar_abuse(s: &RdapSummary) -> Vec<&str> {
    s.registrar.as_ref().map(|r| r.abuse.iter().filter_map(|c| c.email.as_deref()).collect()).unwrap_or_default()
}

// --- IP networks ---------------------------------------------------------------------

#[test]
fn given_arin_msft_when_interpreted_then_nested_abuse_poc_and_three_prefixes() {
    let s = sample("ip-arin-13.64.0.0.json");
    assert_eq!(s.kind, "ip network");
    assert_eq!(s.handle.as_deref(), Some("NET-13-64-0-0-1"));
    assert_eq!(s.name.as_deref(), Some("MSFT"));
    assert_eq!(s.org.as_deref(), Some("Microsoft Corporation"));
    assert_eq!(s.cidrs, ["13.64.0.0/11", "13.96.0.0/13", "13.104.0.0/14"]);
    assert_eq!(usable_emails(&s), ["abuse@microsoft.com"]);
    assert_eq!(s.abuse[0].handle.as_deref(), Some("MAC74-ARIN"));
}

#[test]
fn given_arin_abuse_poc_twice_when_interpreted_then_listed_once() {
    let s = sample("ip-arin-192.198.0.0.json");
    assert_eq!(s.name.as_deref(), Some("RADIOLINK-ARIN-1"));
    assert_eq!(s.cidrs, ["192.198.0.0/22"]);
    assert_eq!(s.org.as_deref(), Some("Radio Link Internet"));
    assert_eq!(usable_emails(&s), ["daniel.petsinger@radiolinkinternet.com"]);
}

#[test]
fn given_arin_ipv6_when_interpreted_then_network_prefix_and_abuse() {
    let s = sample("ip-arin-2606_4700_4700__1111.json");
    assert_eq!(s.name.as_deref(), Some("CLOUDFLARENET"));
    assert_eq!(s.cidrs, ["2606:4700::/32"]);
    assert_eq!(s.org.as_deref(), Some("Cloudflare, Inc."));
    assert_eq!(usable_emails(&s), ["abuse@cloudflare.com"]);
}

#[test]
fn given_ripe_without_cidr0_when_interpreted_then_prefix_from_range_and_abuse_c() {
    let s = sample("ip-ripe-130.59.31.80.json");
    assert_eq!(s.name.as_deref(), Some("SWITCH-LAN"));
    assert_eq!(s.country.as_deref(), Some("CH"));
    assert_eq!(s.cidrs, ["130.59.0.0/16"]);
    assert_eq!(usable_emails(&s), ["abuse@switch.ch"]);
    assert_eq!(s.abuse[0].handle.as_deref(), Some("AR31930-RIPE"));
}

#[test]
fn given_apnic_labs_when_interpreted_then_operator_remark_first_then_irt() {
    let s = sample("ip-apnic-1.1.1.1.json");
    assert_eq!(s.name.as_deref(), Some("APNIC-LABS"));
    assert_eq!(s.cidrs, ["1.1.1.0/24"]);
    assert_eq!(s.country.as_deref(), Some("AU"));
    assert_eq!(usable_emails(&s), ["resolver-abuse@cloudflare.com", "helpdesk@apnic.net"]);
    assert!(s.nir.is_none());
}

#[test]
fn given_apnic_irt_with_pref_when_interpreted_then_preferred_mailbox() {
    let s = sample("ip-apnic-203.119.101.1.json");
    assert_eq!(s.name.as_deref(), Some("APNIC-SERVICES-AU"));
    assert_eq!(s.cidrs, ["203.119.100.0/22"]);
    assert_eq!(usable_emails(&s), ["abuse@apnic.net"]);
}

#[test]
fn given_jpnic_managed_block_at_apnic_when_interpreted_then_hostmaster_is_never_the_answer() {
    let s = sample("ip-apnic-jp-101.203.88.0.json");
    assert_eq!(s.name.as_deref(), Some("BBIXINTLNET"));
    assert_eq!(s.org.as_deref(), Some("BBIX, Inc."));
    assert_eq!(s.country.as_deref(), Some("JP"));
    assert_eq!(s.cidrs, ["101.203.88.0/21"]);
    assert_eq!(usable_emails(&s), ["abuse@bbix.net"]);
    assert_eq!(s.abuse[0].source, "remarks");
    let jpnic = s.abuse.iter().find(|c| c.email.as_deref() == Some("hostmaster@nic.ad.jp")).expect("kept, flagged");
    assert!(jpnic.placeholder);
    assert_eq!(jpnic.warning.as_ref().unwrap().id, "nir-registry-contact");
    let nir = s.nir.as_ref().expect("JPNIC recognised");
    assert_eq!(nir.id, "jpnic");
    assert!(!nir.allocation_block);
}

#[test]
fn given_lacnic_when_interpreted_then_cidr_handle_and_abuse_on_a_person() {
    let s = sample("ip-lacnic-200.3.12.1.json");
    assert_eq!(s.handle.as_deref(), Some("200.3.12.0/22"));
    assert_eq!(s.cidrs, ["200.3.12.0/22"]);
    assert_eq!(s.country.as_deref(), Some("UY"));
    assert_eq!(s.org.as_deref(), Some("LACNIC - Latin American and Caribbean IP address"));
    assert_eq!(usable_emails(&s), ["ipadmin@lacnic.net"]);
}

// --- autnums and entities ------------------------------------------------------------

#[test]
fn given_afrinic_autnum_without_abuse_role_when_interpreted_then_abuse_from_registrant_with_warning() {
    let s = sample("autnum-afrinic-37271.json");
    assert_eq!(s.handle.as_deref(), Some("AS37271"));
    assert_eq!(s.org.as_deref(), Some("Workonline Communications(Pty) Ltd"));
    assert_eq!(usable_emails(&s), ["abuse@workonline.africa"]);
    assert_eq!(s.abuse[0].source, "registrant-vcard");
    assert_eq!(s.abuse[0].warning.as_ref().unwrap().id, "abuse-from-registrant");
}

#[test]
fn given_afrinic_entities_when_interpreted_then_their_own_vcard() {
    let s = sample("entity-afrinic-WOL-AFRINIC.json");
    assert_eq!(s.name.as_deref(), Some("Workonline NOC"));
    assert_eq!(usable_emails(&s), ["noc@workonline.africa"]);
    let s = sample("entity-afrinic-PP17-AFRINIC.json");
    assert_eq!(s.name.as_deref(), Some("Peter Peele"));
    assert_eq!(usable_emails(&s), ["peterp@workonline.africa"]);
}

#[test]
fn given_apnic_autnum_when_interpreted_then_irt_abuse_mailbox() {
    let s = sample("autnum-apnic-9269.json");
    assert_eq!(s.name.as_deref(), Some("HKBN-AS-AP"));
    assert_eq!(s.org.as_deref(), Some("Hong Kong Broadband Network Ltd"));
    assert_eq!(usable_emails(&s), ["abuse@hkbn.net"]);
}

#[test]
fn given_arin_autnum_when_interpreted_then_nested_abuse() {
    let s = sample("autnum-arin-16509.json");
    assert_eq!(s.name.as_deref(), Some("AMAZON-02"));
    assert_eq!(s.org.as_deref(), Some("Amazon.com, Inc."));
    assert_eq!(usable_emails(&s), ["abuse@amazonaws.com"]);
}

#[test]
fn given_jpnic_mirror_autnum_when_interpreted_then_none_published_and_jpnic() {
    let s = sample("autnum-jpnic-2515.json");
    assert_eq!(s.name.as_deref(), Some("JPNIC"));
    assert!(usable_emails(&s).is_empty());
    assert!(has_warning(&s, "abuse-none-published"));
    assert_eq!(s.nir.as_ref().map(|n| n.id.as_str()), Some("jpnic"));
}

#[test]
fn given_arin_hostmaster_entity_when_interpreted_then_its_mailbox() {
    let s = sample("entity-arin-hostmaster.json");
    assert_eq!(s.handle.as_deref(), Some("ARIN-HOSTMASTER"));
    assert_eq!(usable_emails(&s), ["hostmaster@arin.net"]);
}

// --- errors ----------------------------------------------------------------------------

#[test]
fn given_error_objects_when_interpreted_then_code_and_lenient_string_code() {
    let s = sample("error-apnic-404-entity-AS5496JP.json");
    assert_eq!(s.kind, "error");
    assert_eq!(s.error.as_ref().unwrap().code, Some(404));
    let s = sample("error-apnic-400-entity-HH11825JP.json");
    assert_eq!(s.error.as_ref().unwrap().code, Some(400));
    assert!(has_warning(&s, "rdap-lenient-error-code"));
    let s = sample("error-ripe.json");
    assert_eq!(s.error.as_ref().unwrap().code, Some(501));
}

// --- domains ---------------------------------------------------------------------------

#[test]
fn given_verisign_google_when_interpreted_then_registrar_abuse_and_related_link() {
    let s = sample("domain-verisign-google.com.json");
    assert_eq!(s.name.as_deref(), Some("google.com"));
    assert_eq!(s.nameservers, ["ns1.google.com", "ns2.google.com", "ns3.google.com", "ns4.google.com"]);
    let r = s.registrar.as_ref().unwrap();
    assert_eq!(r.name.as_deref(), Some("MarkMonitor Inc."));
    assert_eq!(r.iana_id.as_deref(), Some("292"));
    assert_eq!(registrar_abuse(&s), ["abusecomplaints@markmonitor.com"]);
    assert_eq!(r.abuse[0].phone.as_deref(), Some("+1.2086851750"));
    assert_eq!(s.related, ["https://rdap.markmonitor.com/rdap/domain/GOOGLE.COM"]);
}

#[test]
fn given_markmonitor_registrar_answer_when_interpreted_then_registrant_org() {
    let s = sample("domain-registrar-markmonitor-google.com.json");
    assert_eq!(s.org.as_deref(), Some("Google LLC"));
    assert_eq!(registrar_abuse(&s), ["abusecomplaints@markmonitor.com"]);
    assert!(!s.registrant.as_ref().unwrap().privacy_proxy);
}

#[test]
fn given_verisign_cloudflare_and_registrar_answer_when_interpreted_then_redacted_registrant_is_flagged() {
    let s = sample("domain-verisign-cloudflare.com.json");
    assert_eq!(s.registrar.as_ref().unwrap().name.as_deref(), Some("Cloudflare, Inc."));
    assert_eq!(registrar_abuse(&s), ["registrar-abuse@cloudflare.com"]);
    assert_eq!(s.related, ["https://rdap.cloudflare.com/rdap/v1/domain/CLOUDFLARE.COM"]);
    let s = sample("domain-registrar-cloudflare-cloudflare.com.json");
    assert_eq!(s.registrar.as_ref().unwrap().iana_id.as_deref(), Some("1910"));
    assert_eq!(registrar_abuse(&s), ["registrar-abuse@cloudflare.com"]);
    assert!(s.registrant.as_ref().unwrap().privacy_proxy);
    assert!(has_warning(&s, "registrant-privacy-proxy"));
    assert_eq!(s.org, None, "a redacted registrant is never shown as the organisation");
}

#[test]
fn given_verisign_parked_and_joker_domains_when_interpreted_then_registrar_and_nameservers() {
    let s = sample("domain-verisign-themarquetry.com.json");
    assert_eq!(s.nameservers, ["ns1.dns-parking.com", "ns2.dns-parking.com"]);
    assert_eq!(s.registrar.as_ref().unwrap().iana_id.as_deref(), Some("1647"));
    assert_eq!(registrar_abuse(&s), ["abuse@registrar.eu"]);
    let s = sample("domain-verisign-20c.com.json");
    assert_eq!(s.registrar.as_ref().unwrap().iana_id.as_deref(), Some("113"));
    assert!(has_warning(&s, "rdap-iana-id-from-handle"));
    assert_eq!(registrar_abuse(&s), ["abuse@joker.com"]);
    assert_eq!(s.nameservers.len(), 4);
    assert_eq!(s.related, ["https://rdap.joker.com/domain/20C.COM"]);
}

#[test]
fn given_new_gtld_domains_when_interpreted_then_registrar_abuse() {
    let s = sample("domain-gtld-microsoft.click.json");
    assert_eq!(s.registrar.as_ref().unwrap().name.as_deref(), Some("MarkMonitor Inc."));
    assert_eq!(registrar_abuse(&s), ["abusecomplaints@markmonitor.com"]);
    assert_eq!(s.org.as_deref(), Some("Microsoft Corporation"));
    let s = sample("domain-gtld-home.moscow.json");
    assert_eq!(s.registrar.as_ref().unwrap().iana_id.as_deref(), Some("1606"));
    assert_eq!(registrar_abuse(&s), ["abuse@reg.ru"]);
    assert_eq!(s.registrar.as_ref().unwrap().abuse[0].phone.as_deref(), Some("+7 495 5801111"));
}

#[test]
fn given_cctld_domains_when_interpreted_then_registrar_without_abuse_is_said() {
    let s = sample("domain-afnic-afnic.fr.json");
    assert_eq!(s.nameservers, ["ns2.nic.fr", "ns1.nic.fr", "ns3.nic.fr"]);
    assert_eq!(s.registrar.as_ref().unwrap().iana_id.as_deref(), Some("9999"));
    assert!(has_warning(&s, "rdap-registrar-no-abuse"));
    let s = sample("domain-afnic-lemonde.fr.json");
    assert_eq!(s.registrar.as_ref().unwrap().name.as_deref(), Some("NAMESHIELD"));
    assert_eq!(s.org.as_deref(), Some("SOCIETE EDITRICE DU MONDE"));
    assert!(has_warning(&s, "rdap-registrar-no-abuse"));
    let s = sample("domain-cznic-example.cz.json");
    assert_eq!(s.nameservers, ["ns2.pipni.cz", "ns3.pipni.cz", "ns.pipni.cz"]);
    assert_eq!(s.registrar.as_ref().unwrap().handle.as_deref(), Some("REG-INTERNET-CZ"));
    assert!(has_warning(&s, "rdap-registrar-no-abuse"));
}

#[test]
fn given_nameserver_objects_when_interpreted_then_name() {
    assert_eq!(sample("nameserver-afnic-ns1.nic.fr.json").name.as_deref(), Some("ns1.nic.fr"));
    assert_eq!(sample("nameserver-cznic-ns2.pipni.cz.json").name.as_deref(), Some("ns2.pipni.cz"));
}

#[test]
fn every_sample_has_a_test() {
    // A new recorded answer in shared/data must get its own assertions above.
    let source = include_str!("rdap_samples.rs");
    for entry in std::fs::read_dir(samples_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") && !name.starts_with("http-headers") {
            assert!(source.contains(&format!("\"{name}\"")), "no test reads the sample {name}");
        }
    }
}
