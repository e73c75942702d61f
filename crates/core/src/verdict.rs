//! The verdict: who is responsible, ranked, with how to reach them.
//!
//! The order follows the source procedure (DESIGN.md): the operator of the network
//! that handed the message over comes first — it can stop the sending server for
//! every domain at once — unless the origin is a sending service (Gmail, SES …),
//! which can close the account and so comes first. Then the registrar of each
//! looked-up domain (it can suspend the name), the DNS, mail and web hosts, and
//! the national channels.
//!
//! Contacts that can never act (registry placeholders, JPNIC's hostmaster,
//! redactions) are listed with `actionable: false` and a warning, after the usable
//! ones, and are never the first contact of a party.

use serde::Serialize;

use crate::knowledge::{self, Match, Provider};
use crate::rdap::AbuseContact;
use crate::trace::{DomainResult, NetworkResult, OriginInfo, ServiceInfo};
use crate::warning::Warning;

/// What the ranking reads (borrowed from the trace).
pub struct Input<'a> {
    pub origin: Option<&'a OriginInfo>,
    pub service: Option<&'a ServiceInfo>,
    pub networks: &'a [NetworkResult],
    pub domains: &'a [DomainResult],
    /// Add the Japanese national channels.
    pub japan: bool,
}

/// A responsible party.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Party {
    /// `network-operator`, `sending-service`, `registrar`, `dns-host`, `mail-host`,
    /// `web-host`, `national-channel`.
    pub role: String,
    pub name: String,
    /// The IP address or domain this party is responsible for.
    pub subject: String,
    /// Usable contacts first; the first actionable one is "the" address.
    pub contacts: Vec<Contact>,
    /// Why this party can act.
    pub why: Warning,
    /// Further things to know (privacy proxy, NIR, form items).
    pub notes: Vec<Warning>,
    /// `high`, `medium`, `low`.
    pub confidence: String,
}

/// One way to reach a party.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    /// `email`, `form` or `phone`.
    pub kind: String,
    pub value: String,
    /// Where it came from: `rdap:<host>`, `jpnic-whois`, `knowledge`, …
    pub source: String,
    /// False for placeholders and registry mailboxes: never send reports there.
    pub actionable: bool,
    pub warning: Option<Warning>,
}

/// Rank the parties known so far.
pub fn rank(input: &Input<'_>) -> Vec<Party> {
    let mut parties = Vec::new();
    let origin_net = input.origin.and_then(|o| input.networks.iter().find(|n| n.ip == o.ip));
    if let Some(service) = input.service {
        parties.push(service_party(service, input.origin));
    }
    if let Some(net) = origin_net.filter(|n| n.status == "done") {
        let mut p = network_party(net, "network-operator");
        if input.service.is_some() {
            // The service's own network: reporting there reaches the same company.
            p.confidence = "medium".into();
        } else if let Some(c) = input.origin.and_then(|o| o.confidence.as_deref())
            && p.confidence == "high"
            && c != "high"
        {
            p.confidence = "medium".into();
        }
        parties.push(p);
    }
    for d in input.domains {
        if let Some(p) = registrar_party(d) {
            parties.push(p);
        }
    }
    for d in input.domains {
        for (role, provider) in [("dns-host", &d.dns_provider), ("mail-host", &d.mail_provider)] {
            if let Some(m) = provider {
                push_hosting(&mut parties, provider_party(role, m, &d.domain));
            } else if let Some(n) = hosting_network(input.networks, role, &d.domain) {
                let mut p = network_party(n, role);
                p.subject = d.domain.clone();
                p.why = hosting_why(role, &d.domain, n);
                p.confidence = "low".into();
                push_hosting(&mut parties, p);
            }
        }
        if let Some(n) = hosting_network(input.networks, "web-host", &d.domain) {
            let mut p = network_party(n, "web-host");
            p.subject = d.domain.clone();
            p.why = hosting_why("web-host", &d.domain, n);
            p.confidence = "low".into();
            push_hosting(&mut parties, p);
        }
    }
    if input.japan {
        for id in ["dekyo", "nissankyo"] {
            if let Some(p) = knowledge::provider(id) {
                parties.push(national_party(&p));
            }
        }
    }
    parties
}

/// Add a hosting party, unless the same organisation with the same first contact is
/// already listed: then that party gets a note that it also plays this role (one
/// company running the sending server, the DNS and the web site is one report).
fn push_hosting(parties: &mut Vec<Party>, p: Party) {
    let first = |x: &Party| x.contacts.iter().find(|c| c.actionable).map(|c| c.value.clone());
    if let Some(existing) = parties.iter_mut().find(|x| x.name == p.name && first(x) == first(&p)) {
        existing.notes.push(Warning::new(
            "also-role",
            "{name} is also the {role} of {subject}.",
            &[("name", &p.name), ("role", &p.role), ("subject", &p.subject)],
        ));
        return;
    }
    parties.push(p);
}

fn service_party(s: &ServiceInfo, origin: Option<&OriginInfo>) -> Party {
    let mut notes = Vec::new();
    if let Some(account) = &s.account {
        notes.push(Warning::new(
            "service-account",
            "Tell the service which account sent it: {account}.",
            &[("account", account)],
        ));
    }
    if let Some(ip) = &s.client_ip {
        notes.push(Warning::new(
            "service-client-ip",
            "The service recorded the sender's own connection from {ip}; include it in the report.",
            &[("ip", ip)],
        ));
    }
    let known = knowledge::by_service(s.id.as_deref(), &s.name);
    if let Some(m) = &known {
        notes.push(Warning::new("provider-note", "{note}", &[("note", &m.provider.note), ("provider", &m.provider.id)]));
    }
    Party {
        role: "sending-service".into(),
        name: s.name.clone(),
        subject: origin.map(|o| o.ip.clone()).unwrap_or_default(),
        contacts: known
            .map(|m| {
                m.provider
                    .contacts
                    .iter()
                    .map(|k| Contact { kind: k.kind.clone(), value: k.value.clone(), source: "knowledge".into(), actionable: true, warning: None })
                    .collect()
            })
            .unwrap_or_default(),
        why: Warning::new(
            "why-sending-service",
            "The message left through {service}, which can close the sending account.",
            &[("service", &s.name)],
        ),
        notes,
        confidence: "high".into(),
    }
}

/// A network (origin or hosting) as a party: JPNIC's record first, then RDAP.
fn network_party(n: &NetworkResult, role: &str) -> Party {
    let rdap = n.rdap.as_ref();
    let source = n.source.as_deref().and_then(crate::politeness::host_of).map(|h| format!("rdap:{h}")).unwrap_or("rdap".into());
    let mut contacts = Vec::new();
    let mut notes = Vec::new();
    if let Some(email) = n.jpnic.as_ref().and_then(|j| j.abuse_email.as_ref()) {
        contacts.push(email_contact(email, "jpnic-whois", None));
    }
    if let Some(c) = n.jpnic_contact.as_ref().and_then(|c| c.email.as_ref()) {
        contacts.push(email_contact(
            c,
            "jpnic-whois",
            Some(Warning::new(
                "jpnic-contact-not-abuse",
                "JPNIC shows no [Abuse] contact for this network; this is its registered contact person.",
                &[],
            )),
        ));
    }
    for c in rdap.map(|r| r.abuse.as_slice()).unwrap_or_default() {
        push_abuse(&mut contacts, c, &source);
    }
    if let Some(m) = &n.provider {
        for k in &m.provider.contacts {
            push_unique(&mut contacts, Contact { kind: k.kind.clone(), value: k.value.clone(), source: "knowledge".into(), actionable: true, warning: None });
        }
    }
    actionable_first(&mut contacts);
    let jp = n.jpnic.as_ref();
    let name = jp
        .and_then(|j| j.org.clone().or(j.org_ja.clone()))
        .or_else(|| rdap.and_then(|r| r.org.clone()))
        .or_else(|| rdap.and_then(|r| r.name.clone()))
        .unwrap_or_else(|| n.ip.clone());
    let net_name = jp.and_then(|j| j.name.clone()).or_else(|| rdap.and_then(|r| r.name.clone())).unwrap_or_default();
    let cidr = jp.and_then(|j| j.network.clone()).or_else(|| rdap.and_then(|r| r.cidrs.first().cloned())).unwrap_or_default();
    if let Some(nir) = rdap.and_then(|r| r.nir.as_ref())
        && jp.is_none()
    {
        notes.push(Warning::new(
            "nir-lookup-by-hand",
            "{ip} is in {nir} space: look it up at {gateway} and report to the [Abuse] contact shown there.",
            &[("ip", &n.ip), ("nir", &nir.name), ("gateway", &nir.gateway)],
        ));
    }
    let actionable = contacts.iter().any(|c| c.actionable);
    if !actionable {
        notes.push(Warning::new(
            "no-actionable-contact",
            "No usable abuse address is published for {ip}; try abuse@ the provider's domain or its web site.",
            &[("ip", &n.ip)],
        ));
    }
    let confidence = if n.status != "done" {
        "low"
    } else if actionable {
        "high"
    } else {
        "low"
    };
    Party {
        role: role.into(),
        name,
        subject: n.ip.clone(),
        contacts,
        why: Warning::new(
            "why-network-operator",
            "It runs the network {cidr} ({network}) whose server {ip} handed the message to your provider; it can stop that server.",
            &[("cidr", &cidr), ("network", &net_name), ("ip", &n.ip)],
        ),
        notes,
        confidence: confidence.into(),
    }
}

fn hosting_network<'a>(networks: &'a [NetworkResult], role: &str, domain: &str) -> Option<&'a NetworkResult> {
    networks
        .iter()
        .filter(|n| n.status == "done")
        .find(|n| n.why.iter().any(|w| w.role == role && w.domain.as_deref() == Some(domain)))
}

fn hosting_why(role: &str, domain: &str, n: &NetworkResult) -> Warning {
    let host = n.why.iter().find(|w| w.role == role).and_then(|w| w.host.clone()).unwrap_or_else(|| domain.to_string());
    let (id, text) = match role {
        "dns-host" => ("why-dns-host", "It hosts the DNS of {domain} (nameserver {host}, {ip})."),
        "mail-host" => ("why-mail-host", "It hosts the mail server of {domain} ({host}, {ip})."),
        _ => ("why-web-host", "It hosts the web server of {domain} ({ip})."),
    };
    Warning::new(id, text, &[("domain", domain), ("host", &host), ("ip", &n.ip)])
}

fn provider_party(role: &str, m: &Match, domain: &str) -> Party {
    let p = &m.provider;
    let mut notes = vec![Warning::new("provider-note", "{note}", &[("note", &p.note), ("provider", &p.id)])];
    if p.id == "gmo-onamae" {
        notes.push(Warning::new(
            "form-four-items",
            "The form asks for four items: the message headers, the sender address, the recipient address and the body.",
            &[],
        ));
    }
    let (id, text) = match role {
        "dns-host" => ("why-dns-host-known", "{domain} uses {provider}'s nameservers ({subject}): {provider} hosts it and can act on it."),
        "mail-host" => ("why-mail-host-known", "{domain}'s mail is handled by {provider} ({subject})."),
        _ => ("why-web-host-known", "{domain} is hosted by {provider} ({subject})."),
    };
    Party {
        role: role.into(),
        name: p.name.clone(),
        subject: domain.into(),
        contacts: p
            .contacts
            .iter()
            .map(|k| Contact { kind: k.kind.clone(), value: k.value.clone(), source: "knowledge".into(), actionable: true, warning: None })
            .collect(),
        why: Warning::new(id, text, &[("domain", domain), ("provider", &p.name), ("subject", &m.subject)]),
        notes,
        confidence: "medium".into(),
    }
}

fn registrar_party(d: &DomainResult) -> Option<Party> {
    let answer = d.registrar.as_ref().filter(|r| r.registrar.is_some()).or(d.registry.as_ref())?;
    let reg = answer.registrar.as_ref()?;
    let mut contacts = Vec::new();
    let registrar_source = |s: &crate::rdap::RdapSummary| if d.registrar.as_ref() == Some(s) { "rdap:registrar" } else { "rdap:registry" };
    for summary in [d.registrar.as_ref(), d.registry.as_ref()].into_iter().flatten() {
        for c in summary.registrar.as_ref().map(|r| r.abuse.as_slice()).unwrap_or_default() {
            push_abuse(&mut contacts, c, registrar_source(summary));
        }
    }
    actionable_first(&mut contacts);
    let mut notes = Vec::new();
    let registrant = d.registrar.as_ref().and_then(|r| r.registrant.as_ref()).or(d.registry.as_ref().and_then(|r| r.registrant.as_ref()));
    if let Some(r) = registrant.filter(|r| r.privacy_proxy) {
        notes.push(Warning::new(
            "registrant-privacy-proxy",
            "The registrant shown ({registrant}) is a privacy service or redacted: the real operator is the domain holder, whom only the registrar can reach. Report to the registrar.",
            &[("registrant", r.org.as_deref().or(r.name.as_deref()).unwrap_or("none"))],
        ));
    }
    let name = reg.name.clone().unwrap_or_else(|| "unknown registrar".into());
    let iana = reg.iana_id.clone().unwrap_or_else(|| "none".into());
    Some(Party {
        role: "registrar".into(),
        name,
        subject: d.domain.clone(),
        contacts,
        why: Warning::new(
            "why-registrar",
            "Registrar of {domain} (IANA id {iana}; looked up as {why}); it can suspend the domain.",
            &[("domain", &d.domain), ("iana", &iana), ("why", &d.why.join(", "))],
        ),
        notes,
        confidence: "medium".into(),
    })
}

fn national_party(p: &Provider) -> Party {
    Party {
        role: "national-channel".into(),
        name: p.name.clone(),
        subject: "JP".into(),
        contacts: p
            .contacts
            .iter()
            .map(|k| Contact { kind: k.kind.clone(), value: k.value.clone(), source: "knowledge".into(), actionable: true, warning: None })
            .collect(),
        why: Warning::new("why-national-channel", "{note}", &[("note", &p.note), ("provider", &p.id)]),
        notes: Vec::new(),
        confidence: "medium".into(),
    }
}

fn email_contact(email: &str, source: &str, warning: Option<Warning>) -> Contact {
    let placeholder = crate::rdap::placeholder(email);
    Contact {
        kind: "email".into(),
        value: email.into(),
        source: source.into(),
        actionable: placeholder.is_none(),
        warning: warning.or_else(|| {
            placeholder.map(|(id, who)| {
                Warning::new(id, "{email} belongs to {who}: it is not the operator's abuse desk; do not report there.", &[("email", email), ("who", who)])
            })
        }),
    }
}

fn push_abuse(contacts: &mut Vec<Contact>, c: &AbuseContact, source: &str) {
    if let Some(email) = &c.email {
        push_unique(
            contacts,
            Contact {
                kind: "email".into(),
                value: email.clone(),
                source: format!("{source}:{}", c.source),
                actionable: !c.placeholder,
                warning: c.warning.clone(),
            },
        );
    }
    if let Some(phone) = &c.phone
        && !c.placeholder
    {
        push_unique(contacts, Contact { kind: "phone".into(), value: phone.clone(), source: format!("{source}:{}", c.source), actionable: true, warning: None });
    }
}

/// Actionable contacts first, in their original order (a partition: no sort code in the wasm).
fn actionable_first(contacts: &mut Vec<Contact>) {
    let (usable, flagged): (Vec<_>, Vec<_>) = std::mem::take(contacts).into_iter().partition(|c| c.actionable);
    *contacts = usable;
    contacts.extend(flagged);
}

fn push_unique(contacts: &mut Vec<Contact>, c: Contact) {
    if !contacts.iter().any(|x| x.kind == c.kind && x.value.eq_ignore_ascii_case(&c.value)) {
        contacts.push(c);
    }
}
