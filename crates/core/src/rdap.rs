//! RDAP answers (RFC 9083) → what a spam recipient needs: who holds the network
//! or the domain, and which address takes abuse reports.
//!
//! The answer is read as a loose `serde_json::Value`, never as strict types: real
//! servers send strings where numbers belong (APNIC's `"errorCode":"400"`), vCards
//! without emails, the same entity twice (ARIN), non-standard roles (AFRINIC's
//! `organisation`). Each oddity that matters becomes a [`Warning`] in the summary
//! instead of an error (icann-rdap's lenient types, recorded as data).
//!
//! Per-registry rules that live here, each backed by a recorded answer in
//! `shared/data/rdap-samples` (see `tests/rdap_samples.rs`):
//! - ARIN nests the abuse POC inside the registrant org, sometimes also top level;
//! - RIPE's `abuse-c` role carries `type: abuse` on the email;
//! - APNIC marks the preferred mailbox with `pref: "1"`; for Japanese (JPNIC) and
//!   Korean (KRNIC) space the abuse entity is the national registry's own mailbox,
//!   which can never act: the operator's address is in the remarks or in the NIR;
//! - LACNIC and AFRINIC: registry-wide placeholders, and AFRINIC often has no
//!   abuse role at all (the abuse@ address is one of the registrant's emails);
//! - Verisign (.com/.net) is thin: the registrar is an entity with a nested abuse
//!   entity and a `related` link to the registrar's own RDAP server.
//!
//! Nothing here fetches: entities that must be fetched, and related links, are
//! returned for the trace to follow.

use std::net::IpAddr;

use serde::Serialize;
use serde_json::Value;

use crate::warning::{clean_text, looks_like_markup, Warning};

/// Longest name/org kept (characters). Registry names are short; more is noise or hostile.
const MAX_NAME: usize = 200;
/// Longest remark line kept.
const MAX_LINE: usize = 400;
/// At most this many entities are read from one answer (nested included).
const MAX_ENTITIES: usize = 200;
/// Nesting deeper than this is ignored.
const MAX_DEPTH: usize = 6;

/// What an RDAP answer says, reduced to what the verdict needs. Every string is
/// plain text from the answer (cleaned of control characters, length-capped).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RdapSummary {
    /// `ip network`, `domain`, `entity`, `autnum`, `nameserver`, `error`, or `unknown`.
    pub kind: String,
    pub handle: Option<String>,
    /// Network name (`MSFT`), domain name (lower case), or entity name.
    pub name: Option<String>,
    /// Registrant organisation.
    pub org: Option<String>,
    pub country: Option<String>,
    /// Network prefixes (`13.64.0.0/11`), from `cidr0_cidrs` or computed from the range.
    pub cidrs: Vec<String>,
    /// `startAddress - endAddress`.
    pub range: Option<String>,
    /// Network `type` (`DIRECT ALLOCATION`, `ASSIGNED PA`, …).
    pub network_type: Option<String>,
    /// Abuse contacts, usable ones first; placeholders are kept but flagged.
    pub abuse: Vec<AbuseContact>,
    pub registrar: Option<Registrar>,
    pub registrant: Option<Registrant>,
    /// Nameserver host names, lower case, without the trailing dot.
    pub nameservers: Vec<String>,
    /// Remark lines (`title: line`).
    pub remarks: Vec<String>,
    /// `related` links of type RDAP (the registrar's RDAP for thin registries).
    pub related: Vec<String>,
    /// Entities that matter but came without a vCard: fetch them to learn the contact.
    pub entities_to_fetch: Vec<EntityRef>,
    /// Set when the space is managed by a national registry (JPNIC, KRNIC, …).
    pub nir: Option<Nir>,
    /// Set for an RDAP error object.
    pub error: Option<RdapError>,
    pub warnings: Vec<Warning>,
}

/// An abuse address (and phone) found in an answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbuseContact {
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The entity's name (`Abuse-C Role`, `Microsoft Abuse Contact`).
    pub name: Option<String>,
    pub handle: Option<String>,
    /// Where it came from: `abuse-role`, `registrar-abuse-role`, `remarks`,
    /// `registrant-vcard`.
    pub source: String,
    /// True when the address can never act (JPNIC hostmaster, redacted, LACNIC placeholder).
    pub placeholder: bool,
    pub warning: Option<Warning>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Registrar {
    pub name: Option<String>,
    pub handle: Option<String>,
    pub iana_id: Option<String>,
    pub abuse: Vec<AbuseContact>,
    /// The registrar's own RDAP for this domain (the `related` link), if given.
    pub rdap_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Registrant {
    pub name: Option<String>,
    pub org: Option<String>,
    /// The registrant shown is a privacy proxy or redacted.
    pub privacy_proxy: bool,
}

/// An entity referenced without contact data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityRef {
    pub handle: String,
    pub roles: Vec<String>,
    /// Its RDAP `self` link when the answer gave one (HTTPS only).
    pub url: Option<String>,
}

/// A national Internet registry whose own data is more specific than the RIR's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nir {
    /// `jpnic`, `krnic`, `twnic`, `cnnic`, `idnic`.
    pub id: String,
    pub name: String,
    /// The answer is the NIR's whole allocation block, not the operator's network.
    pub allocation_block: bool,
    /// Where a person can look the address up.
    pub gateway: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RdapError {
    pub code: Option<u16>,
    pub title: Option<String>,
    pub description: Vec<String>,
}

/// Interpret the bytes of one RDAP answer.
pub fn interpret_bytes(body: &[u8]) -> RdapSummary {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => interpret(&v),
        Err(e) => RdapSummary {
            kind: "unknown".into(),
            warnings: vec![Warning::new(
                "rdap-not-json",
                "The answer is not JSON ({error}); it was ignored.",
                &[("error", &clean_text(&e.to_string(), 120))],
            )],
            ..RdapSummary::default()
        },
    }
}

/// Interpret one parsed RDAP answer.
pub fn interpret(v: &Value) -> RdapSummary {
    let mut s = RdapSummary::default();
    if !v.is_object() {
        s.kind = "unknown".into();
        s.warnings.push(Warning::new("rdap-not-object", "The answer is JSON but not an RDAP object.", &[]));
        return s;
    }
    let class = text(v, "objectClassName");
    // Only the classes this module reads; anything else (a hostile server's control
    // characters or a megabyte of text included) is "unknown", found by fuzzing.
    s.kind = match class.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some(c @ ("ip network" | "domain" | "entity" | "autnum" | "nameserver" | "error")) => c.to_string(),
        Some(_) => "unknown".into(),
        None if v.get("errorCode").is_some() => "error".into(),
        None => "unknown".into(),
    };
    if s.kind == "error" || (class.is_none() && v.get("errorCode").is_some()) {
        read_error(v, &mut s);
        return s;
    }
    s.handle = field(v, "handle", &mut s.warnings);
    s.country = text(v, "country").map(|c| clean_text(&c, 8).to_ascii_uppercase());
    s.network_type = text(v, "type").map(|t| clean_text(&t, 60));
    s.remarks = remark_lines(v.get("remarks"));

    let entities = flatten_entities(v, &mut s.warnings);
    match s.kind.as_str() {
        "ip network" => read_network(v, &entities, &mut s),
        "domain" => read_domain(v, &entities, &mut s),
        "nameserver" => {
            s.name = text(v, "ldhName").map(|n| clean_text(&n, 253).trim_end_matches('.').to_ascii_lowercase());
        }
        "entity" => {
            if let Some(card) = v.get("vcardArray").map(Vcard::parse) {
                s.name = card.name.clone();
                s.org = card.org.clone().or(card.name.clone());
            }
            if s.abuse.is_empty() {
                // An entity fetched because its vCard was missing from the parent: its
                // own emails are the contact.
                if let Some(card) = v.get("vcardArray").map(Vcard::parse)
                    && let Some(email) = card.best_email()
                {
                    let roles = strings(v.get("roles"));
                    let source = if roles.iter().any(|r| r == "abuse") { "abuse-role" } else { "entity-vcard" };
                    s.abuse.push(contact(Some(email), card.tel.clone(), card.name.clone(), s.handle.clone(), source));
                }
            }
            read_abuse(&entities, &mut s);
        }
        "autnum" => {
            s.name = field(v, "name", &mut s.warnings);
            s.org = registrant_org(&entities);
            read_abuse(&entities, &mut s);
        }
        _ => {
            s.warnings.push(Warning::new(
                "rdap-unknown-class",
                "The answer has no known objectClassName ({class}).",
                &[("class", &clean_text(class.as_deref().unwrap_or("none"), 40))],
            ));
        }
    }
    detect_nir(v, &entities, &mut s);
    flag_placeholders(&mut s);
    s
}

fn read_error(v: &Value, s: &mut RdapSummary) {
    s.kind = "error".into();
    let code = match v.get("errorCode") {
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Some(Value::String(t)) => {
            s.warnings.push(Warning::new(
                "rdap-lenient-error-code",
                "The server sent errorCode as a string (\"{code}\"), not a number.",
                &[("code", &clean_text(t, 10))],
            ));
            t.trim().parse().ok()
        }
        _ => None,
    };
    s.error = Some(RdapError {
        code,
        title: text(v, "title").map(|t| clean_text(&t, MAX_NAME)),
        description: strings(v.get("description")).iter().map(|l| clean_text(l, MAX_LINE)).collect(),
    });
}

fn read_network(v: &Value, entities: &[FlatEntity], s: &mut RdapSummary) {
    s.name = field(v, "name", &mut s.warnings);
    let start = text(v, "startAddress");
    let end = text(v, "endAddress");
    if let (Some(a), Some(b)) = (&start, &end) {
        s.range = Some(format!("{} - {}", clean_text(a, 50), clean_text(b, 50)));
    }
    for c in v.get("cidr0_cidrs").and_then(Value::as_array).into_iter().flatten().take(32) {
        let prefix = text(c, "v4prefix").or_else(|| text(c, "v6prefix"));
        let len = c.get("length").and_then(|l| l.as_u64().or_else(|| l.as_str().and_then(|t| t.parse().ok())));
        if let (Some(p), Some(l)) = (prefix, len)
            && p.parse::<IpAddr>().is_ok()
        {
            s.cidrs.push(format!("{p}/{l}"));
        }
    }
    if s.cidrs.is_empty()
        && let (Some(a), Some(b)) = (start.and_then(|a| a.parse().ok()), end.and_then(|b| b.parse().ok()))
    {
        s.cidrs = range_to_cidrs(a, b);
    }
    s.org = registrant_org(entities);
    if s.org.is_none() {
        // APNIC/JPNIC put the holder's name in the first "description" remark.
        s.org = v
            .get("remarks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|r| text(r, "title").is_some_and(|t| t.eq_ignore_ascii_case("description")))
            .and_then(|r| strings(r.get("description")).into_iter().next())
            .map(|l| clean_text(&l, MAX_NAME));
    }
    if s.country.is_none() {
        s.country = entities
            .iter()
            .filter(|e| e.roles.iter().any(|r| r == "registrant"))
            .find_map(|e| e.card.as_ref().and_then(|c| c.country.clone()));
    }
    read_abuse(entities, s);
}

fn read_domain(v: &Value, entities: &[FlatEntity], s: &mut RdapSummary) {
    s.name = text(v, "ldhName")
        .or_else(|| text(v, "unicodeName"))
        .map(|n| clean_text(&n, 253).trim_end_matches('.').to_ascii_lowercase());
    for ns in v.get("nameservers").and_then(Value::as_array).into_iter().flatten().take(20) {
        if let Some(name) = text(ns, "ldhName") {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if is_host_name(&name) && !s.nameservers.contains(&name) {
                s.nameservers.push(name);
            }
        }
    }
    for link in v.get("links").and_then(Value::as_array).into_iter().flatten().take(50) {
        let rel = text(link, "rel").unwrap_or_default();
        let href = text(link, "href").unwrap_or_default();
        let typ = text(link, "type").unwrap_or_default();
        if rel.eq_ignore_ascii_case("related")
            && (typ.contains("rdap") || href.contains("/domain/"))
            && is_request_url(&href)
            && !s.related.contains(&href)
        {
            s.related.push(href);
        }
    }
    // Registrar: the entity with role `registrar` (deduplicated by handle).
    if let Some(r) = entities.iter().find(|e| e.depth == 0 && e.roles.iter().any(|r| r == "registrar")) {
        let mut reg = Registrar {
            name: r.card.as_ref().and_then(|c| c.org.clone().or(c.name.clone())),
            handle: r.handle.clone(),
            iana_id: r.iana_id.clone(),
            abuse: Vec::new(),
            rdap_url: s.related.first().cloned(),
        };
        if reg.iana_id.is_none()
            && let Some(h) = r.handle.as_deref().filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_digit()))
        {
            reg.iana_id = Some(h.to_string());
            s.warnings.push(Warning::new(
                "rdap-iana-id-from-handle",
                "The registrar has no 'IANA Registrar ID' publicId; its numeric handle {handle} was taken as the IANA id.",
                &[("handle", h)],
            ));
        }
        for e in entities.iter().filter(|e| e.parent == Some(r.index) && e.roles.iter().any(|x| x == "abuse")) {
            if let Some(card) = &e.card {
                let email = card.best_email();
                if email.is_some() || card.tel.is_some() {
                    let c = contact(email, card.tel.clone(), card.name.clone(), e.handle.clone(), "registrar-abuse-role");
                    if !reg.abuse.iter().any(|x| x.email == c.email && x.phone == c.phone) {
                        reg.abuse.push(c);
                    }
                }
            }
        }
        if reg.abuse.is_empty() {
            s.warnings.push(Warning::new(
                "rdap-registrar-no-abuse",
                "The registrar entity has no abuse contact in this answer.",
                &[],
            ));
        }
        s.registrar = Some(reg);
    }
    // Registrant: name and org, and whether it is a privacy proxy.
    if let Some(e) = entities.iter().find(|e| e.roles.iter().any(|r| r == "registrant") && e.card.is_some()) {
        let card = e.card.as_ref().expect("checked above");
        let name = card.name.clone().filter(|n| !n.is_empty());
        let org = card.org.clone().filter(|n| !n.is_empty());
        let shown = [name.as_deref(), org.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" / ");
        let registrar_name = s.registrar.as_ref().and_then(|r| r.name.clone()).unwrap_or_default();
        let proxy = is_privacy_proxy(&shown) || (!registrar_name.is_empty() && same_company(&shown, &registrar_name));
        if proxy {
            s.warnings.push(Warning::new(
                "registrant-privacy-proxy",
                "The registrant shown ({registrant}) is a privacy service or redacted: the real operator is the domain holder, whom only the registrar can reach. Report to the registrar.",
                &[("registrant", if shown.is_empty() { "none" } else { &shown })],
            ));
        }
        s.registrant = Some(Registrant { name, org, privacy_proxy: proxy });
        s.org = s.registrant.as_ref().and_then(|r| r.org.clone().or(r.name.clone())).filter(|_| !proxy);
    }
}

/// Collect abuse contacts of a network/autnum/entity answer, in order of trust.
fn read_abuse(entities: &[FlatEntity], s: &mut RdapSummary) {
    // 1. Entities with role `abuse`, at any depth (ARIN nests them in the org).
    for e in entities.iter().filter(|e| e.roles.iter().any(|r| r == "abuse")) {
        match &e.card {
            Some(card) => {
                let email = card.best_email();
                if email.is_none() && card.tel.is_none() {
                    continue;
                }
                let c = contact(email, card.tel.clone(), card.name.clone(), e.handle.clone(), "abuse-role");
                push_unique(&mut s.abuse, c);
            }
            None => {
                if let Some(h) = &e.handle {
                    let r = EntityRef { handle: h.clone(), roles: e.roles.clone(), url: e.self_link.clone() };
                    if !s.entities_to_fetch.iter().any(|x| x.handle == r.handle) {
                        s.entities_to_fetch.push(r);
                    }
                }
            }
        }
    }
    // 2. "Email address for spam or abuse complaints : x" in the remarks (APNIC/JPNIC).
    let remark_emails: Vec<String> = s
        .remarks
        .iter()
        .filter(|l| l.to_ascii_lowercase().contains("abuse") || l.to_ascii_lowercase().contains("spam"))
        .flat_map(|l| emails_in(l))
        .collect();
    for email in remark_emails {
        let mut c = contact(Some(email), None, None, None, "remarks");
        c.warning = Some(Warning::new(
            "abuse-from-remarks",
            "Taken from the network's remarks (\"… for spam or abuse complaints\"), not from an abuse role.",
            &[],
        ));
        // Remarks written by the operator beat a registry mailbox: put it first.
        if !s.abuse.iter().any(|x| x.email == c.email) {
            s.abuse.insert(0, c);
        }
    }
    // 3. No abuse role at all (AFRINIC): an abuse@ address among the registrant's emails.
    if s.abuse.is_empty() {
        for e in entities.iter().filter(|e| e.roles.iter().any(|r| r == "registrant" || r == "organisation")) {
            let Some(card) = &e.card else { continue };
            for email in card.emails.iter().filter(|m| m.value.to_ascii_lowercase().starts_with("abuse@")) {
                let mut c = contact(Some(email.value.clone()), None, card.name.clone(), e.handle.clone(), "registrant-vcard");
                c.warning = Some(Warning::new(
                    "abuse-from-registrant",
                    "The registry lists no abuse contact for this resource; {email} is one of the holder's own addresses.",
                    &[("email", &email.value)],
                ));
                push_unique(&mut s.abuse, c);
            }
        }
    }
    if s.abuse.is_empty() && s.entities_to_fetch.is_empty() && matches!(s.kind.as_str(), "ip network" | "autnum") {
        // Registrants without vCard may still hold the contact: fetch them (RIPE, JPNIC handles).
        for e in entities.iter().filter(|e| e.depth == 0 && e.card.is_none() && e.roles.iter().any(|r| r == "registrant")) {
            if let Some(h) = &e.handle {
                s.entities_to_fetch.push(EntityRef { handle: h.clone(), roles: e.roles.clone(), url: e.self_link.clone() });
            }
        }
        s.warnings.push(Warning::new(
            "abuse-none-published",
            "The registry publishes no abuse contact for this resource.",
            &[],
        ));
    }
}

fn push_unique(list: &mut Vec<AbuseContact>, c: AbuseContact) {
    let key = c.email.as_deref().map(str::to_ascii_lowercase);
    if let Some(existing) = list.iter_mut().find(|x| x.email.as_deref().map(str::to_ascii_lowercase) == key) {
        if existing.phone.is_none() {
            existing.phone = c.phone;
        }
        return;
    }
    list.push(c);
}

fn contact(email: Option<String>, phone: Option<String>, name: Option<String>, handle: Option<String>, source: &str) -> AbuseContact {
    AbuseContact { email, phone, name, handle, source: source.into(), placeholder: false, warning: None }
}

/// Mark known non-actionable addresses; move them after the usable ones.
fn flag_placeholders(s: &mut RdapSummary) {
    let flag = |c: &mut AbuseContact| {
        if let Some(email) = &c.email
            && let Some((id, who)) = placeholder(email)
        {
            c.placeholder = true;
            c.warning = Some(Warning::new(
                id,
                "{email} belongs to {who}: it is not the operator's abuse desk; do not report there.",
                &[("email", email), ("who", who)],
            ));
        }
    };
    s.abuse.iter_mut().for_each(flag);
    usable_first(&mut s.abuse);
    if let Some(r) = &mut s.registrar {
        r.abuse.iter_mut().for_each(flag);
        usable_first(&mut r.abuse);
    }
    if !s.abuse.is_empty() && s.abuse.iter().all(|c| c.placeholder) {
        s.warnings.push(Warning::new(
            "abuse-only-placeholder",
            "The only abuse contact published is a placeholder or a registry mailbox.",
            &[],
        ));
    }
}

/// Usable contacts first, placeholders after, each group in its original order.
/// (A partition, not `sort_by_key`: every sort instance costs kilobytes of wasm.)
pub fn usable_first(list: &mut Vec<AbuseContact>) {
    let (usable, flagged): (Vec<_>, Vec<_>) = std::mem::take(list).into_iter().partition(|c| !c.placeholder);
    *list = usable;
    list.extend(flagged);
}

/// `(warning id, who)` when `email` is a known placeholder (data/placeholders.tsv).
pub fn placeholder(email: &str) -> Option<(&'static str, &'static str)> {
    let lower = email.to_ascii_lowercase();
    for line in include_str!("../data/placeholders.tsv").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(pat), Some(id), Some(who)) = (cols.next(), cols.next(), cols.next()) else { continue };
        let hit = match pat.strip_prefix('*').and_then(|p| p.strip_suffix('*')) {
            Some(sub) => lower.contains(sub),
            None => lower == pat,
        };
        if hit {
            return Some((id, who));
        }
    }
    None
}

fn detect_nir(v: &Value, entities: &[FlatEntity], s: &mut RdapSummary) {
    let handles: Vec<String> = entities.iter().filter_map(|e| e.handle.clone()).map(|h| h.to_ascii_uppercase()).collect();
    let notices = remark_lines(v.get("notices")).join("\n").to_ascii_lowercase();
    let remarks = s.remarks.join("\n").to_ascii_lowercase();
    let name = s.name.clone().unwrap_or_default().to_ascii_uppercase();
    let jpnic = handles.iter().any(|h| h == "IRT-JPNIC-JP" || h == "JNIC1-AP")
        || name.starts_with("JPNIC-NET")
        || remarks.contains("whois.nic.ad.jp")
        || notices.contains("from jpnic");
    let krnic = handles.iter().any(|h| h == "IRT-KRNIC-KR") || notices.contains("from krnic") || remarks.contains("whois.kisa.or.kr");
    let nir = if jpnic {
        Nir {
            id: "jpnic".into(),
            name: "JPNIC".into(),
            allocation_block: name.starts_with("JPNIC-NET") || remarks.contains("jpnic allocation block"),
            gateway: "https://www.nic.ad.jp/en/whois/en-gateway.html".into(),
        }
    } else if krnic {
        Nir {
            id: "krnic".into(),
            name: "KRNIC (KISA)".into(),
            allocation_block: name.starts_with("KRNIC"),
            gateway: "https://xn--c79as89aj0e29b77z.xn--3e0b707e/eng/".into(),
        }
    } else {
        return;
    };
    if nir.allocation_block {
        s.warnings.push(Warning::new(
            "nir-allocation-block",
            "This is {nir}'s whole allocation block, not the operator's network: the operator is only in {nir}'s own database ({gateway}).",
            &[("nir", &nir.name), ("gateway", &nir.gateway)],
        ));
    } else {
        s.warnings.push(Warning::new(
            "nir-managed",
            "This address space is managed by {nir}; more specific data is in {nir}'s own database ({gateway}).",
            &[("nir", &nir.name), ("gateway", &nir.gateway)],
        ));
    }
    s.nir = Some(nir);
}

// --- entities and vCards -------------------------------------------------------------

#[derive(Debug, Clone)]
struct FlatEntity {
    index: usize,
    parent: Option<usize>,
    depth: usize,
    handle: Option<String>,
    roles: Vec<String>,
    card: Option<Vcard>,
    iana_id: Option<String>,
    self_link: Option<String>,
}

/// Walk `entities` recursively into one list (duplicates kept; callers dedupe by
/// what they extract).
fn flatten_entities(root: &Value, warnings: &mut Vec<Warning>) -> Vec<FlatEntity> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Value, Option<usize>, usize)> = Vec::new();
    for e in root.get("entities").and_then(Value::as_array).into_iter().flatten().rev() {
        stack.push((e, None, 0));
    }
    while let Some((e, parent, depth)) = stack.pop() {
        if out.len() >= MAX_ENTITIES {
            warnings.push(Warning::new("rdap-too-many-entities", "The answer has too many entities; the rest were ignored.", &[]));
            break;
        }
        let index = out.len();
        let roles = strings(e.get("roles")).into_iter().map(|r| r.trim().to_ascii_lowercase()).collect();
        let iana_id = e.get("publicIds").and_then(Value::as_array).into_iter().flatten().find_map(|p| {
            let t = text(p, "type")?;
            t.to_ascii_lowercase().contains("iana").then(|| text(p, "identifier")).flatten()
        });
        let self_link = e
            .get("links")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|l| text(l, "rel").as_deref() == Some("self"))
            .and_then(|l| text(l, "href"))
            .filter(|h| is_request_url(h));
        out.push(FlatEntity {
            index,
            parent,
            depth,
            handle: text(e, "handle").map(|h| clean_text(&h, 80)),
            roles,
            card: e.get("vcardArray").map(Vcard::parse),
            iana_id: iana_id.map(|i| clean_text(&i, 20)),
            self_link,
        });
        if depth < MAX_DEPTH {
            for child in e.get("entities").and_then(Value::as_array).into_iter().flatten().rev() {
                stack.push((child, Some(index), depth + 1));
            }
        }
    }
    for e in &out {
        for t in [e.card.as_ref().and_then(|c| c.name.as_deref()), e.card.as_ref().and_then(|c| c.org.as_deref())].into_iter().flatten() {
            if looks_like_markup(t) {
                warnings.push(markup_warning(t));
            }
        }
    }
    out
}

fn registrant_org(entities: &[FlatEntity]) -> Option<String> {
    entities
        .iter()
        .filter(|e| e.roles.iter().any(|r| r == "registrant"))
        .find_map(|e| e.card.as_ref().and_then(|c| c.org.clone().or(c.name.clone())))
}

#[derive(Debug, Clone, Default)]
struct Vcard {
    name: Option<String>,
    org: Option<String>,
    emails: Vec<Email>,
    tel: Option<String>,
    country: Option<String>,
}

/// One phone number from the voice `tel` entries. Some servers split one number
/// over several entries (`tel:+7`, `tel:495`, `tel:5801111`, recorded from the
/// .moscow registry): short pieces are joined back together.
fn join_phone(tels: &[String]) -> Option<String> {
    let digits = |t: &str| t.chars().filter(char::is_ascii_digit).count();
    let first = tels.first()?;
    if tels.len() > 1 && digits(first) < 6 && tels.iter().all(|t| digits(t) < 9) {
        return Some(tels.join(" "));
    }
    Some(first.clone())
}

#[derive(Debug, Clone)]
struct Email {
    value: String,
    pref: u32,
    abuse_type: bool,
}

impl Vcard {
    /// `["vcard", [[name, params, type, value], ...]]` (RFC 7095), read leniently.
    fn parse(v: &Value) -> Vcard {
        let mut card = Vcard::default();
        let mut tels = Vec::new();
        let props = v.as_array().and_then(|a| a.get(1)).and_then(Value::as_array);
        for p in props.into_iter().flatten().take(100) {
            let Some(p) = p.as_array() else { continue };
            let name = p.first().and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
            let params = p.get(1).cloned().unwrap_or(Value::Null);
            let value = p.get(3).cloned().unwrap_or(Value::Null);
            let first_text = || match &value {
                Value::String(t) => Some(t.clone()),
                Value::Array(a) => a.iter().filter_map(Value::as_str).find(|t| !t.is_empty()).map(str::to_string),
                _ => None,
            };
            match name.as_str() {
                "fn" => card.name = first_text().map(|t| clean_text(&t, MAX_NAME)).filter(|t| !t.is_empty()),
                "org" => card.org = first_text().map(|t| clean_text(&t, MAX_NAME)).filter(|t| !t.is_empty()),
                "email" => {
                    if let Some(t) = first_text() {
                        let t = clean_text(t.trim_start_matches("mailto:"), 254);
                        if is_email(&t) {
                            let pref = params.get("pref").and_then(|p| p.as_u64().or_else(|| p.as_str()?.parse().ok())).unwrap_or(100) as u32;
                            let abuse_type = strings(params.get("type")).iter().any(|t| t.eq_ignore_ascii_case("abuse"));
                            card.emails.push(Email { value: t, pref, abuse_type });
                        }
                    }
                }
                "tel" => {
                    let is_fax = strings(params.get("type")).iter().any(|t| t.eq_ignore_ascii_case("fax"));
                    if !is_fax && tels.len() < 5
                        && let Some(t) = first_text()
                    {
                        let t = clean_text(t.trim_start_matches("tel:"), 40);
                        if t.chars().any(|c| c.is_ascii_digit()) {
                            tels.push(t);
                        }
                    }
                }
                "adr" => {
                    if let Some(c) = value.as_array().and_then(|a| a.get(6)).and_then(Value::as_str)
                        && c.len() == 2
                        && c.chars().all(|c| c.is_ascii_alphabetic())
                    {
                        card.country = Some(c.to_ascii_uppercase());
                    }
                }
                _ => {}
            }
        }
        card.tel = join_phone(&tels);
        card
    }

    /// The address to use: `type=abuse`, then lowest `pref`, then an `abuse@` local part.
    fn best_email(&self) -> Option<String> {
        self.emails
            .iter()
            .min_by_key(|e| (!e.abuse_type, e.pref, !e.value.to_ascii_lowercase().starts_with("abuse")))
            .map(|e| e.value.clone())
    }
}

// --- small helpers -------------------------------------------------------------------

/// A link from an answer that the trace may request: HTTPS, of sane length, and with
/// no white space or control characters (a hostile server's `self` link with a form
/// feed or a line break in it is dropped, not requested). Found by fuzzing (issue #8).
fn is_request_url(href: &str) -> bool {
    href.starts_with("https://") && href.len() <= 2048 && !href.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(t) => Some(t.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A top-level name-like field: cleaned, with a warning when it looks like markup.
fn field(v: &Value, key: &str, warnings: &mut Vec<Warning>) -> Option<String> {
    let t = clean_text(&text(v, key)?, MAX_NAME);
    if looks_like_markup(&t) {
        warnings.push(markup_warning(&t));
    }
    (!t.is_empty()).then_some(t)
}

fn markup_warning(t: &str) -> Warning {
    Warning::new(
        "rdap-markup-in-text",
        "The answer contains markup in a text field; it is shown as plain text: {value}",
        &[("value", &clean_text(t, 80))],
    )
}

/// A string or an array of strings (lenient: servers send either).
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

fn remark_lines(v: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    for r in v.and_then(Value::as_array).into_iter().flatten().take(30) {
        let title = text(r, "title").map(|t| clean_text(&t, 60));
        for line in strings(r.get("description")).iter().take(30) {
            let line = clean_text(line, MAX_LINE);
            if line.is_empty() {
                continue;
            }
            out.push(match &title {
                Some(t) if !t.is_empty() => format!("{t}: {line}"),
                _ => line,
            });
        }
    }
    out
}

fn is_email(t: &str) -> bool {
    let Some((local, domain)) = t.rsplit_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !t.chars().any(|c| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '(' | ')' | ',' | ';'))
}

/// E-mail addresses in a line of free text.
pub(crate) fn emails_in(line: &str) -> Vec<String> {
    line.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';' | '(' | ')' | '"' | '\'' | '[' | ']'))
        .map(|w| w.trim_matches(|c: char| c == '.' || c == ':'))
        .map(|w| w.trim_start_matches("mailto:"))
        .filter(|w| is_email(w))
        .map(str::to_string)
        .collect()
}

pub(crate) fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
}

const PRIVACY_MARKERS: &[&str] = &[
    "redacted",
    "privacy",
    "proxy",
    "whois protect",
    "protected",
    "withheld",
    "not disclosed",
    "whois情報公開代行",
    "公開代行",
    "disclosure",
    "domains by proxy",
    "perfect privacy",
    "contact privacy",
];

/// True when a registrant's name says it is a privacy/proxy service or a redaction.
pub fn is_privacy_proxy(shown: &str) -> bool {
    let lower = shown.to_lowercase();
    PRIVACY_MARKERS.iter().any(|m| lower.contains(m))
}

/// Same company, ignoring case, punctuation and legal suffixes ("GMO Internet, Inc." ~ "GMO INTERNET INC").
fn same_company(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        let s = s.to_lowercase().replace(|c: char| !c.is_alphanumeric() && !c.is_whitespace(), " ");
        s.split_whitespace().filter(|w| !matches!(*w, "inc" | "ltd" | "llc" | "co" | "corp" | "gmbh" | "the" | "k" | "kk")).collect::<Vec<_>>().join(" ")
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && (a == b || (a.len() > 6 && b.contains(&a)) || (b.len() > 6 && a.contains(&b)))
}

/// The smallest set of prefixes covering `start..=end` (same family only).
pub fn range_to_cidrs(start: IpAddr, end: IpAddr) -> Vec<String> {
    let (mut lo, hi, bits, v4) = match (start, end) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(a) as u128, u32::from(b) as u128, 32u32, true),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128u32, false),
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    while lo <= hi && out.len() < 32 {
        let mut size = if lo == 0 { bits } else { lo.trailing_zeros().min(bits) };
        while size > 0 && (size >= 128 || lo + ((1u128 << size) - 1) > hi) {
            size -= 1;
        }
        let addr = if v4 { IpAddr::V4((lo as u32).into()) } else { IpAddr::V6(lo.into()) };
        out.push(format!("{addr}/{}", bits - size));
        let step = if size >= 128 { break } else { 1u128 << size };
        match lo.checked_add(step) {
            Some(n) => lo = n,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_become_prefixes() {
        let c = |a: &str, b: &str| range_to_cidrs(a.parse().unwrap(), b.parse().unwrap());
        assert_eq!(c("130.59.0.0", "130.59.255.255"), ["130.59.0.0/16"]);
        assert_eq!(c("10.0.0.0", "10.0.2.255"), ["10.0.0.0/23", "10.0.2.0/24"]);
        assert_eq!(c("2001:db8::", "2001:db8::ffff"), ["2001:db8::/112"]);
        assert_eq!(c("0.0.0.0", "255.255.255.255"), ["0.0.0.0/0"]);
    }

    #[test]
    fn emails_in_free_text() {
        assert_eq!(emails_in("Email address for spam or abuse complaints : abuse@bbix.net"), ["abuse@bbix.net"]);
        assert_eq!(emails_in("mail <a@b.example>."), ["a@b.example"]);
    }

    #[test]
    fn privacy_and_same_company() {
        assert!(is_privacy_proxy("Whois Privacy Protection Service by onamae.com"));
        assert!(is_privacy_proxy("REDACTED FOR PRIVACY"));
        assert!(same_company("GMO Internet, Inc.", "GMO INTERNET INC"));
        assert!(!same_company("Google LLC", "MarkMonitor Inc."));
    }

    #[test]
    fn lacnic_registry_wide_placeholder_is_never_usable() {
        let v: Value = serde_json::json!({"objectClassName":"ip network","handle":"177.0.0.0/16","name":"X",
            "entities":[{"handle":"LACNIC-ABUSE","roles":["abuse"],
              "vcardArray":["vcard",[["fn",{},"text","Abuse"],["email",{},"text","removed@lacnic.net"]]]}]});
        let s = interpret(&v);
        assert!(s.abuse[0].placeholder);
        assert_eq!(s.abuse[0].warning.as_ref().unwrap().id, "placeholder-contact");
        assert!(s.warnings.iter().any(|w| w.id == "abuse-only-placeholder"));
    }

    #[test]
    fn huge_lists_are_capped() {
        let links: Vec<Value> = (0..20_000)
            .map(|i| serde_json::json!({"rel":"related","href":format!("https://r{i}.example/domain/x"),"type":"application/rdap+json"}))
            .collect();
        let cidrs: Vec<Value> = (0..20_000).map(|_| serde_json::json!({"v4prefix":"10.0.0.0","length":8})).collect();
        let entities: Vec<Value> = (0..20_000).map(|i| serde_json::json!({"handle":format!("E{i}"),"roles":["abuse"]})).collect();
        let s = interpret(&serde_json::json!({"objectClassName":"domain","ldhName":"x.example","links":links,"entities":entities}));
        assert!(s.related.len() <= 50);
        assert!(s.warnings.iter().any(|w| w.id == "rdap-too-many-entities"));
        let s = interpret(&serde_json::json!({"objectClassName":"ip network","cidr0_cidrs":cidrs,"entities":[]}));
        assert!(s.cidrs.len() <= 32);
    }

    #[test]
    fn hostile_answer_is_text() {
        let v: Value = serde_json::json!({"objectClassName":"ip network","name":"<script>alert(1)</script>","handle":"X"});
        let s = interpret(&v);
        assert_eq!(s.name.as_deref(), Some("<script>alert(1)</script>"));
        assert!(s.warnings.iter().any(|w| w.id == "rdap-markup-in-text"));
    }
}
