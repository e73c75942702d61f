//! The lookup state machine: from an analysed message to the networks, domains and
//! responsible parties behind it, without doing any I/O.
//!
//! ```text
//!  Trace::new(raw, options, now)
//!      │  origin IP ─────────► RDAP ip/ ──(3xx)──► other RIR ──► network
//!      │                           │ JPNIC/KRNIC space ──► JPNIC gateway ──► [Abuse]
//!      │                           └ abuse entity without vCard ──► RDAP entity/
//!      │  domains (auth'd From, Return-Path, DKIM d=, Reply-To)
//!      │      ├─► registry RDAP domain/ ──(related)──► registrar RDAP
//!      │      │     (no RDAP for the TLD, e.g. .jp: a finding with the whois page)
//!      │      └─► DoH NS / MX / A ──► A of the first NS / MX host ──► RDAP ip/
//!      ▼
//!  report(): networks, domains, ranked parties, findings, every request made
//! ```
//!
//! Drive it like this (the CLI, the extension background and the tests all do):
//! 1. take every request from [`Trace::poll_request`] and perform it (HTTPS GET with
//!    the `accept` header, not before `not_before`, abandoning it after `timeout_ms`,
//!    reading at most `max_body_bytes + 1` bytes; follow redirects yourself or hand the
//!    3xx back — both work);
//! 2. give each outcome to [`Trace::handle_response`] with the request's id;
//! 3. read [`Trace::report`] whenever you like (it is progressive) and drain
//!    [`Trace::poll_event`] for a log; stop when [`Trace::is_done`].
//!
//! Hard limits keep hostile or broken servers from holding a trace: a request cap
//! per trace, a redirect cap per lookup (loops end with a finding), a body cap, a
//! bounded `Retry-After`.

use std::collections::{BTreeMap, VecDeque};
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The JSON value type [`Trace::from_analysis_json`] takes, re-exported so a facade
/// can deserialize an analysis object it already holds (e.g. from JavaScript)
/// without depending on serde_json itself.
pub use serde_json::Value as JsonValue;

use crate::analysis::AnalyzeOptions;
use crate::bootstrap::Bootstrap;
use crate::dns::{self, DnsAnswer, RecordType};
use crate::jpnic::{self, JpnicRecord};
use crate::knowledge::{self, Match};
use crate::politeness::{self, Pacer};
use crate::rdap::{self, RdapSummary};
use crate::verdict::{self, Party};
use crate::warning::{clean_text, Warning};

/// The `Accept` header for RDAP (RFC 7480 §4.2), with JSON as a fallback for
/// servers that reject the RDAP type alone (rdap.nic.fr, seen by jarthod/rdap).
pub const RDAP_ACCEPT: &str = "application/rdap+json, application/json;q=0.9";
/// The `Accept` header for the JPNIC gateway.
pub const HTML_ACCEPT: &str = "text/html";
/// The trace's clock never goes past the year 9999: a driver's nonsense `now` or
/// `at` (say `u64::MAX`) must not overflow the pacing arithmetic.
const LATEST_CLOCK: u64 = 253_402_300_799;

/// Caller settings. Every field has a default, so `{}` is a valid JSON value.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct TraceOptions {
    /// DNS-over-HTTPS JSON resolver base URL; `null` turns DNS lookups off.
    pub doh_resolver: Option<String>,
    /// Hard cap on requests in one trace.
    pub max_requests: u32,
    /// Redirects followed per lookup.
    pub max_redirects: u32,
    /// Per-request timeout the driver applies, in milliseconds.
    pub timeout_ms: u32,
    /// Largest reply body accepted, in bytes; larger replies are refused.
    pub max_body_bytes: usize,
    /// Longest wait after a `429` (its `Retry-After`, or 30 s without one) before
    /// the lookup is retried; a longer wait gives the lookup up with `rate-limited`.
    /// An interactive driver (the popup) sets it low so nobody waits on a spinner.
    pub max_retry_wait_secs: u64,
    /// Ask the JPNIC whois gateway for Japanese space.
    pub jpnic_gateway: bool,
    /// Look up the hosting of domains (DoH + IP lookups).
    pub hosting: bool,
    /// At most this many domains are looked up.
    pub max_domains: usize,
    /// The user's language (`ja` adds the Japanese national channels).
    pub language: String,
    /// Fresher IANA bootstrap files by name (`dns`, `ipv4`, …), as fetched and
    /// cached by the driver; they replace the bundled snapshot.
    pub bootstrap_files: BTreeMap<String, String>,
    /// Options of the message analysis (`Trace::new` runs it).
    pub analyze: AnalyzeOptions,
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            doh_resolver: Some(dns::DEFAULT_RESOLVER.to_string()),
            max_requests: 40,
            max_redirects: 5,
            timeout_ms: 15_000,
            max_body_bytes: 1 << 20,
            max_retry_wait_secs: politeness::MAX_RETRY_AFTER_SECS,
            jpnic_gateway: true,
            hosting: true,
            max_domains: 3,
            language: "en".into(),
            bootstrap_files: BTreeMap::new(),
            analyze: AnalyzeOptions::default(),
        }
    }
}

/// One HTTPS GET the driver must perform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Give this back to [`Trace::handle_response`].
    pub id: u64,
    /// Always `https://`. Only IP addresses and domain names appear in it.
    pub url: String,
    /// The `Accept` header to send.
    pub accept: String,
    /// What it is for (`rdap-ip`, `rdap-entity`, `jpnic-ip`, `jpnic-contact`,
    /// `rdap-domain`, `rdap-registrar`, `dns-ns`, `dns-mx`, `dns-a`, `dns-ns-host`, `dns-mx-host`).
    pub purpose: String,
    /// Do not send before this time (seconds since the epoch): per-server pacing
    /// and `Retry-After`.
    pub not_before: u64,
    /// Abandon the request after this long and report [`Reply::Timeout`].
    pub timeout_ms: u32,
    /// Stop reading after this many bytes (the core refuses larger bodies anyway).
    pub max_body_bytes: usize,
    /// Drivers may reuse a reply cached under this key …
    pub cache_key: String,
    /// … for this long.
    pub cache_ttl_secs: u64,
}

/// What happened to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reply {
    /// An HTTP answer (any status).
    Http {
        status: u16,
        /// Header names and values, in any case.
        #[serde(default)]
        headers: Vec<(String, String)>,
        #[serde(default)]
        body: Vec<u8>,
        /// The URL that finally answered, when the driver followed redirects.
        #[serde(default)]
        url: Option<String>,
        /// When it arrived (seconds since the epoch); moves the trace's clock.
        #[serde(default)]
        at: Option<u64>,
    },
    /// The connection failed (DNS, TLS, reset, CORS refusal …).
    Error {
        message: String,
        #[serde(default)]
        at: Option<u64>,
    },
    /// No answer within `timeout_ms`.
    Timeout {
        #[serde(default)]
        at: Option<u64>,
    },
}

impl Reply {
    /// A plain 200 answer, for drivers and tests.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Http {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            url: None,
            at: None,
        }
    }
    fn at(&self) -> Option<u64> {
        match self {
            Reply::Http { at, .. } | Reply::Error { at, .. } | Reply::Timeout { at } => *at,
        }
    }
}

/// A log line for transcripts and the UI's activity view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// `network`, `jpnic`, `domain`, `registrar`, `dns`, `redirect`, `retry`,
    /// `reuse`, `finding`, `done`.
    pub kind: String,
    pub text: String,
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind, self.text)
    }
}

/// Why a network was looked up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkWhy {
    /// `origin`, `dns-host`, `mail-host`, `web-host`.
    pub role: String,
    /// The domain it serves (hosting roles).
    pub domain: Option<String>,
    /// The host name that led here (nameserver, MX host).
    pub host: Option<String>,
}

/// One IP address and what the registries say about its network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkResult {
    pub ip: String,
    pub why: Vec<NetworkWhy>,
    /// `pending`, `done`, `failed`.
    pub status: String,
    /// The RDAP URL that answered.
    pub source: Option<String>,
    pub rdap: Option<RdapSummary>,
    /// The JPNIC gateway's record for the IP.
    pub jpnic: Option<JpnicRecord>,
    /// The JPNIC contact page followed when the record had no `[Abuse]` address.
    pub jpnic_contact: Option<JpnicRecord>,
    /// A known provider recognised from the network name or organisation.
    pub provider: Option<Match>,
}

/// One domain and what registries and DNS say about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainResult {
    pub domain: String,
    /// Why it was looked up: `from-authenticated`, `return-path`, `dkim-signer`, `reply-to`.
    pub why: Vec<String>,
    /// `pending`, `done`, `failed`.
    pub status: String,
    /// The registry's RDAP answer.
    pub registry: Option<RdapSummary>,
    /// The registrar's RDAP answer (thin registries).
    pub registrar: Option<RdapSummary>,
    /// Where a person looks the domain up when the TLD has no RDAP.
    pub whois_url: Option<String>,
    pub nameservers: Vec<String>,
    pub mail_hosts: Vec<String>,
    pub web_addresses: Vec<String>,
    pub dns_provider: Option<Match>,
    pub mail_provider: Option<Match>,
}

/// One request as it was made, for the privacy log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestLog {
    pub id: u64,
    pub url: String,
    pub purpose: String,
    /// `pending`, an HTTP status (`200`), `timeout`, `error`, `refused-too-large`.
    pub outcome: String,
}

/// The origin as the analysis found it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OriginInfo {
    pub ip: String,
    pub host: Option<String>,
    /// `high`, `medium`, `low`.
    pub confidence: Option<String>,
}

/// The sending service as the analysis found it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceInfo {
    pub id: Option<String>,
    pub name: String,
    pub kind: Option<String>,
    /// What identifies the sending account (`authenticated_sender: x@…, feedback_id: …`).
    pub account: Option<String>,
    /// The client IP the service stamped, if any.
    pub client_ip: Option<String>,
}

/// Everything known so far. Cheap enough to build after every reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub origin: Option<OriginInfo>,
    pub service: Option<ServiceInfo>,
    pub networks: Vec<NetworkResult>,
    pub domains: Vec<DomainResult>,
    /// Ranked: the first one is the one to report to.
    pub parties: Vec<Party>,
    pub findings: Vec<Warning>,
    /// Every request made, in order.
    pub requests: Vec<RequestLog>,
    /// Requests queued or in flight.
    pub pending: usize,
    /// Lookups not made because of the request cap.
    pub dropped: usize,
    pub done: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum DnsPurpose {
    Ns,
    Mx,
    Web,
    NsHost,
    MxHost,
}

#[derive(Debug, Clone)]
enum JobKind {
    RdapIp { net: usize },
    RdapEntity { net: usize },
    Jpnic { net: usize },
    JpnicContact { net: usize },
    RdapDomain { dom: usize },
    RdapRegistrar { dom: usize },
    Dns { dom: usize, purpose: DnsPurpose, rtype: RecordType, name: String },
}

#[derive(Debug, Clone)]
struct Job {
    kind: JobKind,
    /// Empty until the job starts (the URL may depend on earlier answers).
    url: String,
    attempts: u32,
    redirects: Vec<String>,
    not_before: u64,
}

impl Job {
    fn new(kind: JobKind, url: String) -> Job {
        Job { kind, url, attempts: 0, redirects: Vec::new(), not_before: 0 }
    }
    fn purpose(&self) -> &'static str {
        match self.kind {
            JobKind::RdapIp { .. } => "rdap-ip",
            JobKind::RdapEntity { .. } => "rdap-entity",
            JobKind::Jpnic { .. } => "jpnic-ip",
            JobKind::JpnicContact { .. } => "jpnic-contact",
            JobKind::RdapDomain { .. } => "rdap-domain",
            JobKind::RdapRegistrar { .. } => "rdap-registrar",
            JobKind::Dns { purpose, .. } => match purpose {
                DnsPurpose::Ns => "dns-ns",
                DnsPurpose::Mx => "dns-mx",
                DnsPurpose::Web => "dns-a",
                DnsPurpose::NsHost => "dns-ns-host",
                DnsPurpose::MxHost => "dns-mx-host",
            },
        }
    }
    fn accept(&self) -> &'static str {
        match self.kind {
            JobKind::Jpnic { .. } | JobKind::JpnicContact { .. } => HTML_ACCEPT,
            JobKind::Dns { .. } => dns::ACCEPT,
            _ => RDAP_ACCEPT,
        }
    }
}

/// One trace. See the module doc for the driving loop.
#[derive(Debug, Clone)]
pub struct Trace {
    options: TraceOptions,
    bootstrap: Bootstrap,
    now: u64,
    next_id: u64,
    queue: VecDeque<Job>,
    inflight: BTreeMap<u64, Job>,
    pacer: Pacer,
    sent: u32,
    origin: Option<OriginInfo>,
    service: Option<ServiceInfo>,
    japan: bool,
    networks: Vec<NetworkResult>,
    domains: Vec<DomainResult>,
    findings: Vec<Warning>,
    log: Vec<RequestLog>,
    events: VecDeque<Event>,
    done_announced: bool,
    cap_reported: bool,
    /// Lookups dropped by the request cap.
    dropped: usize,
}

impl Trace {
    /// Analyse `raw` (a message or a header block) and plan its lookups. `now` is
    /// the time in seconds since the epoch. Input that cannot be analysed gives a
    /// trace with one finding and no requests.
    pub fn new(raw: &[u8], options: &TraceOptions, now: u64) -> Trace {
        match crate::analysis::analyze(raw, &options.analyze) {
            Ok(analysis) => Trace::from_analysis(&analysis, options, now),
            Err(err) => {
                let mut t = Trace::empty(options, now);
                t.finding(Warning::new("input-error", "The message could not be analysed: {message}", &[
                    ("name", err.name.name()),
                    ("message", err.message),
                ]));
                t
            }
        }
    }

    /// Plan the lookups of an analysis already made.
    pub fn from_analysis(analysis: &crate::Analysis, options: &TraceOptions, now: u64) -> Trace {
        // Only the parts the plan reads: converting the hops too cost seconds and
        // hundreds of MB for a message with 100,000 Received lines (issue #8).
        let part = |v: Result<Value, serde_json::Error>| v.unwrap_or(Value::Null);
        let mut value = serde_json::Map::new();
        value.insert("origin".into(), part(serde_json::to_value(&analysis.origin)));
        value.insert("auth".into(), part(serde_json::to_value(&analysis.auth)));
        value.insert("identities".into(), part(serde_json::to_value(&analysis.identities)));
        value.insert("service".into(), part(serde_json::to_value(&analysis.service)));
        Trace::from_analysis_json(&Value::Object(value), options, now)
    }

    /// Plan the lookups of an analysis in its wire form (`docs/wire-format.md`):
    /// `origin.ip`, `auth.verdict`, `identities.{from, return_path, reply_to,
    /// dkim_domains}`, `service`. Fields that are missing are simply not used.
    pub fn from_analysis_json(analysis: &Value, options: &TraceOptions, now: u64) -> Trace {
        let mut t = Trace::empty(options, now);
        t.plan(analysis);
        t
    }

    fn empty(options: &TraceOptions, now: u64) -> Trace {
        let mut bootstrap = Bootstrap::bundled();
        let mut findings = Vec::new();
        for (name, json) in &options.bootstrap_files {
            if let Err(e) = bootstrap.update_from_json(name, json) {
                findings.push(Warning::new(
                    "bootstrap-rejected",
                    "The fresher bootstrap file '{name}' was not used ({error}); the bundled copy is used.",
                    &[("name", &clean_text(name, 20)), ("error", &e.to_string())],
                ));
            }
        }
        Trace {
            options: options.clone(),
            bootstrap,
            now: now.min(LATEST_CLOCK),
            next_id: 1,
            queue: VecDeque::new(),
            inflight: BTreeMap::new(),
            pacer: Pacer::default(),
            sent: 0,
            origin: None,
            service: None,
            japan: options.language.eq_ignore_ascii_case("ja"),
            networks: Vec::new(),
            domains: Vec::new(),
            findings,
            log: Vec::new(),
            events: VecDeque::new(),
            done_announced: false,
            cap_reported: false,
            dropped: 0,
        }
    }

    // --- planning -------------------------------------------------------------------

    fn plan(&mut self, a: &Value) {
        let origin = &a["origin"];
        if let Some(ip) = origin["ip"].as_str() {
            match ip.parse::<IpAddr>() {
                Ok(addr) => {
                    self.origin = Some(OriginInfo {
                        ip: addr.to_string(),
                        host: origin["host"].as_str().map(|h| clean_text(h, 253)),
                        confidence: origin["confidence"].as_str().map(str::to_string),
                    });
                    self.add_network(addr, NetworkWhy { role: "origin".into(), domain: None, host: None });
                }
                Err(_) => self.finding(Warning::new(
                    "origin-not-an-ip",
                    "The origin '{ip}' is not an IP address; it was not looked up.",
                    &[("ip", &clean_text(ip, 60))],
                )),
            }
        } else {
            self.finding(Warning::new(
                "no-origin",
                "The analysis found no origin IP: only the domains can be looked up.",
                &[],
            ));
        }
        let service = &a["service"];
        if let Some(name) = service["name"].as_str() {
            let text = |k: &str| service[k].as_str().map(|s| clean_text(s, 200));
            // `account` is an object of identifiers (authenticated_sender, feedback_id, …)
            // in the analysis wire format; a plain string is accepted too.
            let account = match &service["account"] {
                Value::String(s) => Some(clean_text(s, 200)),
                Value::Object(map) => {
                    let parts: Vec<String> = map
                        .iter()
                        .filter_map(|(k, v)| v.as_str().map(|v| format!("{}: {}", clean_text(k, 40), clean_text(v, 200))))
                        .collect();
                    (!parts.is_empty()).then(|| parts.join(", "))
                }
                _ => None,
            };
            self.service = Some(ServiceInfo {
                id: text("id"),
                name: clean_text(name, 200),
                kind: text("kind"),
                account,
                client_ip: text("client_ip"),
            });
        }

        let ids = &a["identities"];
        let auth = &a["auth"];
        let mut wanted: Vec<(String, &'static str)> = Vec::new();
        let from_domain = auth["from_domain"].as_str().map(str::to_string).or_else(|| ids["from"].as_str().and_then(domain_of));
        match (auth["verdict"].as_str(), from_domain) {
            (Some("verified"), Some(d)) => wanted.push((d, "from-authenticated")),
            (Some("forged"), Some(d)) => self.finding(Warning::new(
                "from-forged-victim",
                "The From: domain {domain} is forged: its owner is a victim, not the sender. It was not looked up; do not report to it.",
                &[("domain", &clean_text(&d, 253))],
            )),
            (_, Some(d)) => self.finding(Warning::new(
                "from-not-authenticated",
                "The From: domain {domain} is not authenticated, so it may be forged; it was not looked up.",
                &[("domain", &clean_text(&d, 253))],
            )),
            _ => {}
        }
        if let Some(d) = ids["return_path"].as_str().and_then(domain_of) {
            wanted.push((d, "return-path"));
        }
        // DKIM signers: those the recipient's provider saw pass (auth.dkim); without
        // that, the d= of every signature as written (identities.dkim_domains).
        let passed: Vec<&str> = auth["dkim"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["result"].as_str().is_some_and(|r| r.eq_ignore_ascii_case("pass")))
            .filter_map(|d| d["domain"].as_str())
            .collect();
        let signers: Vec<&str> = if passed.is_empty() {
            ids["dkim_domains"].as_array().into_iter().flatten().filter_map(Value::as_str).collect()
        } else {
            passed
        };
        for d in signers {
            wanted.push((d.to_string(), "dkim-signer"));
        }
        if let Some(d) = ids["reply_to"].as_str().and_then(domain_of) {
            wanted.push((d, "reply-to"));
        }
        for (d, why) in wanted {
            self.add_domain(&d, why);
        }
        if self.queue.is_empty() {
            self.finding(Warning::new("nothing-to-look-up", "There is nothing to look up in this message.", &[]));
        }
    }

    fn add_network(&mut self, ip: IpAddr, why: NetworkWhy) {
        let ip_text = ip.to_string();
        if let Some(n) = self.networks.iter_mut().find(|n| n.ip == ip_text) {
            if !n.why.contains(&why) {
                n.why.push(why);
            }
            return;
        }
        if !is_public(ip) {
            self.finding(Warning::new(
                "address-not-public",
                "{ip} is a private or reserved address; no registry holds it.",
                &[("ip", &ip_text)],
            ));
            return;
        }
        self.networks.push(NetworkResult {
            ip: ip_text,
            why: vec![why],
            status: "pending".into(),
            source: None,
            rdap: None,
            jpnic: None,
            jpnic_contact: None,
            provider: None,
        });
        let net = self.networks.len() - 1;
        self.queue.push_back(Job::new(JobKind::RdapIp { net }, String::new()));
    }

    fn add_domain(&mut self, raw: &str, why: &str) {
        let raw = raw.trim().trim_end_matches('.').to_ascii_lowercase();
        if !rdap::is_host_name(&raw) {
            return;
        }
        let domain = crate::psl::organisational_domain(&raw).unwrap_or(raw);
        if let Some(d) = self.domains.iter_mut().find(|d| d.domain == domain) {
            if !d.why.iter().any(|w| w == why) {
                d.why.push(why.to_string());
            }
            return;
        }
        // RFC 2606 / 6761 names never belong to anyone who could act.
        let tld = domain.rsplit('.').next().unwrap_or_default();
        if matches!(tld, "example" | "test" | "invalid" | "localhost" | "local")
            || matches!(domain.as_str(), "example.com" | "example.net" | "example.org")
        {
            return;
        }
        // A shared mail service's own domain (gmail.com, sendgrid.net, ocn.ne.jp): its
        // registrar and hosts cannot act on one of its users; the service can.
        if let Some(family) = crate::providers::family_of_domain(&domain) {
            if !self.findings.iter().any(|f| f.id == "domain-is-shared-service" && f.params.get("domain") == Some(&domain)) {
                self.finding(Warning::new(
                    "domain-is-shared-service",
                    "{domain} belongs to {service}, a shared mail service: its registrar and hosts cannot act on one sender, so it was not looked up. Report the sending account to {service}.",
                    &[("domain", &domain), ("service", family.name)],
                ));
            }
            return;
        }
        if self.domains.len() >= self.options.max_domains {
            self.finding(Warning::new(
                "domain-cap-reached",
                "{domain} was not looked up: at most {max} domains are looked up per message.",
                &[("domain", &domain), ("max", &self.options.max_domains.to_string())],
            ));
            return;
        }
        if domain.ends_with(".jp") {
            self.japan = true;
        }
        self.domains.push(DomainResult {
            domain: domain.clone(),
            why: vec![why.to_string()],
            status: "pending".into(),
            registry: None,
            registrar: None,
            whois_url: None,
            nameservers: Vec::new(),
            mail_hosts: Vec::new(),
            web_addresses: Vec::new(),
            dns_provider: None,
            mail_provider: None,
        });
        let dom = self.domains.len() - 1;
        match self.bootstrap.domain_base_url(&domain) {
            Some(base) => {
                let url = format!("{base}domain/{domain}");
                self.queue.push_back(Job::new(JobKind::RdapDomain { dom }, url));
            }
            None => {
                let tld = domain.rsplit('.').next().unwrap_or_default().to_string();
                let whois = whois_page(&tld);
                self.domains[dom].whois_url = Some(whois.clone());
                self.finding(Warning::new(
                    "domain-no-rdap",
                    "The .{tld} registry has no RDAP service, so {domain}'s registrar is not looked up automatically; its whois is at {url}. The hosting is found through DNS instead.",
                    &[("tld", &tld), ("domain", &domain), ("url", &whois)],
                ));
            }
        }
        if self.options.hosting {
            match self.options.doh_resolver.clone() {
                Some(resolver) if resolver.starts_with("https://") => {
                    for (purpose, rtype) in [(DnsPurpose::Ns, RecordType::Ns), (DnsPurpose::Mx, RecordType::Mx), (DnsPurpose::Web, RecordType::A)] {
                        let url = dns::query_url(&resolver, &domain, rtype);
                        self.queue.push_back(Job::new(JobKind::Dns { dom, purpose, rtype, name: domain.clone() }, url));
                    }
                }
                Some(resolver) => self.finding(Warning::new(
                    "dns-resolver-not-https",
                    "The DNS-over-HTTPS resolver {url} is not HTTPS; DNS lookups are off.",
                    &[("url", &clean_text(&resolver, 200))],
                )),
                None => {}
            }
        }
        if self.domains[dom].whois_url.is_some() && (!self.options.hosting || self.options.doh_resolver.is_none()) {
            self.domains[dom].status = "done".into();
        }
    }

    // --- the driver interface -------------------------------------------------------

    /// The next request to perform, or `None` when nothing is left to ask (check
    /// [`is_done`](Self::is_done): requests may still be in flight).
    #[must_use]
    pub fn poll_request(&mut self) -> Option<Request> {
        while let Some(mut job) = self.queue.pop_front() {
            if self.sent >= self.options.max_requests {
                // Follow-ups of replies still in flight may arrive later: report once, drop all.
                let mut dropped = vec![job];
                dropped.extend(self.queue.drain(..));
                self.dropped += dropped.len();
                if !self.cap_reported {
                    self.cap_reported = true;
                    self.finding(Warning::new(
                        "request-cap-reached",
                        "The trace stopped after {max} requests; further lookups were not made.",
                        &[("max", &self.options.max_requests.to_string())],
                    ));
                }
                for job in &dropped {
                    self.fail_job(job);
                }
                break;
            }
            if job.url.is_empty() && !self.start(&mut job) {
                continue;
            }
            if !job.url.starts_with("https://") {
                self.finding(Warning::new("not-https", "{url} is not HTTPS and was not requested.", &[("url", &clean_text(&job.url, 300))]));
                self.fail_job(&job);
                continue;
            }
            let id = self.next_id;
            self.next_id += 1;
            self.sent += 1;
            let host = politeness::host_of(&job.url).unwrap_or_default();
            let not_before = self.pacer.reserve(&host, self.now.max(job.not_before));
            let purpose = job.purpose();
            let request = Request {
                id,
                url: job.url.clone(),
                accept: job.accept().to_string(),
                purpose: purpose.to_string(),
                not_before,
                timeout_ms: self.options.timeout_ms,
                max_body_bytes: self.options.max_body_bytes,
                cache_key: job.url.clone(),
                cache_ttl_secs: politeness::cache_ttl_secs(purpose),
            };
            self.log.push(RequestLog { id, url: job.url.clone(), purpose: purpose.to_string(), outcome: "pending".into() });
            self.inflight.insert(id, job);
            return Some(request);
        }
        self.announce_done();
        None
    }

    /// Feed the outcome of request `id`. Unknown or repeated ids are ignored with a finding.
    pub fn handle_response(&mut self, id: u64, reply: Reply) {
        if let Some(at) = reply.at() {
            self.now = self.now.max(at.min(LATEST_CLOCK));
        }
        let Some(job) = self.inflight.remove(&id) else {
            self.finding(Warning::new("unknown-request-id", "A reply came for request {id}, which is not in flight.", &[(
                "id",
                &id.to_string(),
            )]));
            return;
        };
        let (status, headers, body, final_url) = match reply {
            Reply::Timeout { .. } => {
                self.set_outcome(id, "timeout");
                self.finding(Warning::new(
                    "request-timeout",
                    "No answer from {host} within {ms} ms; that lookup was abandoned.",
                    &[("host", &politeness::host_of(&job.url).unwrap_or_default()), ("ms", &self.options.timeout_ms.to_string())],
                ));
                self.fail_job(&job);
                return self.announce_done();
            }
            Reply::Error { message, .. } => {
                self.set_outcome(id, "error");
                self.finding(Warning::new(
                    "request-failed",
                    "The request to {host} failed: {message}",
                    &[("host", &politeness::host_of(&job.url).unwrap_or_default()), ("message", &clean_text(&message, 200))],
                ));
                self.fail_job(&job);
                return self.announce_done();
            }
            Reply::Http { status, headers, body, url, .. } => (status, headers, body, url),
        };
        self.set_outcome(id, &status.to_string());
        if body.len() > self.options.max_body_bytes {
            self.set_outcome(id, "refused-too-large");
            self.finding(Warning::new(
                "reply-too-large",
                "The answer from {host} is larger than {max} bytes and was refused.",
                &[("host", &politeness::host_of(&job.url).unwrap_or_default()), ("max", &self.options.max_body_bytes.to_string())],
            ));
            self.fail_job(&job);
            return self.announce_done();
        }
        if (300..400).contains(&status) {
            let location = politeness::header(&headers, "location").map(str::to_string);
            self.redirect(job, location);
            return self.announce_done();
        }
        if status == 429 {
            self.retry_later(job, &headers);
            return self.announce_done();
        }
        if status >= 500 || (status >= 400 && matches!(job.kind, JobKind::Dns { .. } | JobKind::Jpnic { .. } | JobKind::JpnicContact { .. })) {
            self.finding(Warning::new(
                "server-error",
                "{host} answered with HTTP {status}.",
                &[("host", &politeness::host_of(&job.url).unwrap_or_default()), ("status", &status.to_string())],
            ));
            self.fail_job(&job);
            return self.announce_done();
        }
        // The driver followed redirects itself (browser fetch): hold the final URL to
        // the rules a redirect the core follows must meet, and refuse its answer if not.
        if let Some(target) = final_url.as_deref().filter(|u| *u != job.url)
            && self.refuse_target(&job.url, &escape_url(target))
        {
            self.set_outcome(id, "refused-redirect");
            self.fail_job(&job);
            return self.announce_done();
        }
        let answered_by = final_url.filter(|u| u.starts_with("https://")).unwrap_or_else(|| job.url.clone());
        let content_type = politeness::header(&headers, "content-type").unwrap_or("").to_ascii_lowercase();
        self.dispatch(job, &body, &content_type, answered_by);
        self.announce_done();
    }

    /// The next log event, if any (for transcripts and an activity view).
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// True when nothing is queued or in flight.
    pub fn is_done(&self) -> bool {
        self.queue.is_empty() && self.inflight.is_empty()
    }

    /// Requests in flight (sent, no reply yet).
    pub fn in_flight(&self) -> usize {
        self.inflight.len()
    }

    /// Everything known now; call it at any time.
    pub fn report(&self) -> Report {
        let parties = verdict::rank(&verdict::Input {
            origin: self.origin.as_ref(),
            service: self.service.as_ref(),
            networks: &self.networks,
            domains: &self.domains,
            japan: self.japan,
        });
        Report {
            origin: self.origin.clone(),
            service: self.service.clone(),
            networks: self.networks.clone(),
            domains: self.domains.clone(),
            parties,
            findings: self.findings.clone(),
            requests: self.log.clone(),
            pending: self.queue.len() + self.inflight.len(),
            dropped: self.dropped,
            done: self.is_done(),
        }
    }

    // --- internals ------------------------------------------------------------------

    fn event(&mut self, kind: &str, text: String) {
        self.events.push_back(Event { kind: kind.into(), text });
    }

    fn finding(&mut self, w: Warning) {
        self.event("finding", w.id.clone());
        self.findings.push(w);
    }

    fn announce_done(&mut self) {
        self.settle_domains();
        if self.is_done() && !self.done_announced {
            self.done_announced = true;
            let n = self.log.len();
            self.event("done", format!("{n} requests"));
        }
    }

    fn set_outcome(&mut self, id: u64, outcome: &str) {
        if let Some(l) = self.log.iter_mut().find(|l| l.id == id) {
            l.outcome = outcome.to_string();
        }
    }

    /// Decide the URL of a job whose URL depends on earlier answers. `false`: no
    /// request needed.
    fn start(&mut self, job: &mut Job) -> bool {
        let JobKind::RdapIp { net } = job.kind else { return !job.url.is_empty() };
        let ip: IpAddr = match self.networks[net].ip.parse() {
            Ok(ip) => ip,
            Err(_) => return false,
        };
        // A network already answered may contain this address: no new request.
        if let Some(known) = self.networks.iter().position(|n| n.status == "done" && n.rdap.as_ref().is_some_and(|r| covers(&r.cidrs, ip))) {
            let copy = self.networks[known].clone();
            let n = &mut self.networks[net];
            n.status = "done".into();
            n.source = copy.source;
            n.rdap = copy.rdap;
            n.jpnic = copy.jpnic;
            n.jpnic_contact = copy.jpnic_contact;
            n.provider = copy.provider;
            let cidr = n.rdap.as_ref().and_then(|r| r.cidrs.first().cloned()).unwrap_or_default();
            self.event("reuse", format!("{ip} is in {cidr}, already looked up"));
            return false;
        }
        match self.bootstrap.ip_base_url(ip) {
            Some(base) => {
                job.url = format!("{base}ip/{ip}");
                true
            }
            None => {
                self.networks[net].status = "failed".into();
                self.finding(Warning::new("ip-no-rdap", "No registry is known for {ip} in the IANA bootstrap.", &[("ip", &ip.to_string())]));
                false
            }
        }
    }

    fn redirect(&mut self, mut job: Job, location: Option<String>) {
        let from = job.url.clone();
        let Some(location) = location else {
            self.finding(Warning::new("redirect-without-location", "{url} answered with a redirect but no Location.", &[("url", &from)]));
            return self.fail_job(&job);
        };
        let target = escape_url(&resolve_location(&from, location.trim()));
        if self.refuse_target(&from, &target) {
            return self.fail_job(&job);
        }
        if target == from || job.redirects.contains(&target) {
            self.finding(Warning::new("redirect-loop", "The redirects starting at {url} go round in a loop; the lookup was abandoned.", &[(
                "url",
                job.redirects.first().unwrap_or(&from),
            )]));
            return self.fail_job(&job);
        }
        if job.redirects.len() as u32 >= self.options.max_redirects {
            self.finding(Warning::new(
                "redirect-limit",
                "More than {max} redirects starting at {url}; the lookup was abandoned.",
                &[("max", &self.options.max_redirects.to_string()), ("url", job.redirects.first().unwrap_or(&from))],
            ));
            return self.fail_job(&job);
        }
        self.event("redirect", format!("{from} -> {target}"));
        job.redirects.push(from);
        job.url = target;
        job.attempts = 0;
        self.queue.push_front(job);
    }

    /// A redirect target no lookup may go to: not HTTPS, or a host that is not on the
    /// public internet (private, loopback, link-local or reserved addresses,
    /// `localhost`). Notes the finding and answers `true` when refused.
    fn refuse_target(&mut self, from: &str, target: &str) -> bool {
        if !target.starts_with("https://") {
            self.finding(Warning::new(
                "redirect-not-https",
                "{url} redirected to a non-HTTPS address ({target}), which was not followed.",
                &[("url", from), ("target", &clean_text(target, 300))],
            ));
            return true;
        }
        if is_private_target(target) {
            self.finding(Warning::new(
                "redirect-private",
                "{url} redirected to {target}, an address on a private or local network, which was not followed.",
                &[("url", from), ("target", &clean_text(target, 300))],
            ));
            return true;
        }
        false
    }

    fn retry_later(&mut self, mut job: Job, headers: &[(String, String)]) {
        let host = politeness::host_of(&job.url).unwrap_or_default();
        job.attempts += 1;
        let wait = politeness::retry_after_secs(headers, self.now).unwrap_or(politeness::DEFAULT_RETRY_AFTER_SECS);
        if job.attempts >= politeness::MAX_ATTEMPTS || wait > politeness::MAX_RETRY_AFTER_SECS.min(self.options.max_retry_wait_secs) {
            self.finding(Warning::new(
                "rate-limited",
                "{host} is limiting our requests (HTTP 429); that lookup was given up. Try again later.",
                &[("host", &host)],
            ));
            return self.fail_job(&job);
        }
        let until = self.now.saturating_add(wait);
        self.pacer.block(&host, until);
        job.not_before = until;
        self.event("retry", format!("{} after {wait}s (HTTP 429)", job.url));
        self.queue.push_back(job);
    }

    fn fail_job(&mut self, job: &Job) {
        match job.kind {
            JobKind::RdapIp { net } if self.networks[net].status == "pending" => self.networks[net].status = "failed".into(),
            JobKind::RdapDomain { dom } if !self.domain_has_pending(dom, job) => self.domains[dom].status = "failed".into(),
            _ => {}
        }
    }

    fn domain_has_pending(&self, dom: usize, except: &Job) -> bool {
        let of = |j: &Job| match j.kind {
            JobKind::RdapDomain { dom: d } | JobKind::RdapRegistrar { dom: d } | JobKind::Dns { dom: d, .. } => d == dom,
            _ => false,
        };
        self.queue.iter().chain(self.inflight.values()).any(|j| of(j) && !std::ptr::eq(j, except))
    }

    fn dispatch(&mut self, job: Job, body: &[u8], content_type: &str, answered_by: String) {
        let is_rdap = matches!(job.kind, JobKind::RdapIp { .. } | JobKind::RdapEntity { .. } | JobKind::RdapDomain { .. } | JobKind::RdapRegistrar { .. });
        if is_rdap && !content_type.is_empty() && !content_type.contains("json") {
            self.finding(Warning::new(
                "rdap-wrong-content-type",
                "{host} sent '{type}' instead of RDAP JSON; the answer is read only if it is JSON.",
                &[("host", &politeness::host_of(&answered_by).unwrap_or_default()), ("type", &clean_text(content_type, 80))],
            ));
        }
        match job.kind {
            JobKind::RdapIp { net } => self.on_rdap_ip(net, body, answered_by),
            JobKind::RdapEntity { net } => self.on_rdap_entity(net, body),
            JobKind::Jpnic { net } => self.on_jpnic(net, body, content_type, false),
            JobKind::JpnicContact { net } => self.on_jpnic(net, body, content_type, true),
            JobKind::RdapDomain { dom } => self.on_rdap_domain(dom, body, answered_by, false),
            JobKind::RdapRegistrar { dom } => self.on_rdap_domain(dom, body, answered_by, true),
            JobKind::Dns { dom, purpose, rtype, ref name } => {
                let name = name.clone();
                self.on_dns(dom, purpose, rtype, &name, body)
            }
        }
    }

    /// A domain with nothing queued or in flight is finished.
    fn settle_domains(&mut self) {
        for d in 0..self.domains.len() {
            if self.domains[d].status == "pending" && !self.domain_busy(d) {
                self.domains[d].status = "done".into();
            }
        }
    }

    fn domain_busy(&self, dom: usize) -> bool {
        self.queue.iter().chain(self.inflight.values()).any(|j| match j.kind {
            JobKind::RdapDomain { dom: d } | JobKind::RdapRegistrar { dom: d } | JobKind::Dns { dom: d, .. } => d == dom,
            _ => false,
        })
    }

    fn on_rdap_ip(&mut self, net: usize, body: &[u8], answered_by: String) {
        let summary = rdap::interpret_bytes(body);
        let ip = self.networks[net].ip.clone();
        for w in &summary.warnings {
            if w.id.starts_with("rdap-") {
                self.findings.push(w.clone());
            }
        }
        if summary.kind != "ip network" {
            self.networks[net].status = "failed".into();
            let code = summary.error.as_ref().and_then(|e| e.code).map(|c| c.to_string()).unwrap_or_else(|| summary.kind.clone());
            self.finding(Warning::new(
                "rdap-no-network",
                "The registry at {host} had no network for {ip} ({code}).",
                &[("host", &politeness::host_of(&answered_by).unwrap_or_default()), ("ip", &ip), ("code", &code)],
            ));
            return;
        }
        let n = &mut self.networks[net];
        n.status = "done".into();
        n.source = Some(answered_by);
        n.provider = knowledge::by_network(summary.name.as_deref(), summary.org.as_deref());
        let first = summary.abuse.iter().find(|c| !c.placeholder).and_then(|c| c.email.clone()).unwrap_or_else(|| "none".into());
        let text = format!(
            "{ip} {} {} abuse={first}",
            summary.name.as_deref().unwrap_or("?"),
            summary.cidrs.first().map(String::as_str).unwrap_or("?")
        );
        let nir = summary.nir.clone();
        let usable = summary.abuse.iter().any(|c| !c.placeholder);
        let to_fetch = summary.entities_to_fetch.first().cloned();
        let base = n.source.as_deref().and_then(|u| u.find("/ip/").map(|i| u[..i + 1].to_string()));
        n.rdap = Some(summary);
        self.event("network", text);
        if let Some(country) = self.networks[net].rdap.as_ref().and_then(|r| r.country.clone())
            && country == "JP"
        {
            self.japan = true;
        }
        match nir {
            Some(nir) if nir.id == "jpnic" => {
                self.japan = true;
                if self.options.jpnic_gateway {
                    self.queue.push_front(Job::new(JobKind::Jpnic { net }, jpnic::gateway_url(&ip)));
                } else {
                    self.finding(Warning::new(
                        "nir-lookup-by-hand",
                        "{ip} is in {nir} space: look it up at {gateway} and report to the [Abuse] contact shown there.",
                        &[("ip", &ip), ("nir", &nir.name), ("gateway", &nir.gateway)],
                    ));
                }
            }
            Some(nir) => self.finding(Warning::new(
                "nir-lookup-by-hand",
                "{ip} is in {nir} space: look it up at {gateway} and report to the [Abuse] contact shown there.",
                &[("ip", &ip), ("nir", &nir.name), ("gateway", &nir.gateway)],
            )),
            None => {}
        }
        if !usable && let Some(entity) = to_fetch {
            let url = entity.url.clone().or_else(|| base.map(|b| format!("{b}entity/{}", entity.handle)));
            if let Some(url) = url {
                self.queue.push_front(Job::new(JobKind::RdapEntity { net }, url));
            }
        }
    }

    fn on_rdap_entity(&mut self, net: usize, body: &[u8]) {
        let summary = rdap::interpret_bytes(body);
        let Some(rdap) = self.networks[net].rdap.as_mut() else { return };
        let mut added = Vec::new();
        for c in summary.abuse.into_iter().rev() {
            if !rdap.abuse.iter().any(|x| x.email == c.email) {
                added.push(c.email.clone().unwrap_or_default());
                rdap.abuse.insert(0, c);
            }
        }
        rdap::usable_first(&mut rdap.abuse);
        let ip = self.networks[net].ip.clone();
        self.event("entity", format!("{ip} {} contact(s) {}", added.len(), added.join(" ")));
    }

    fn on_jpnic(&mut self, net: usize, body: &[u8], content_type: &str, contact_page: bool) {
        let rec = jpnic::parse_page(body, Some(content_type));
        let ip = self.networks[net].ip.clone();
        if contact_page {
            self.event("jpnic", format!("contact {} email={}", rec.contact_name.as_deref().unwrap_or("?"), rec.email.as_deref().unwrap_or("none")));
            self.networks[net].jpnic_contact = Some(rec);
            return;
        }
        self.event(
            "jpnic",
            format!(
                "{ip} {} {} org={} abuse={}",
                rec.name.as_deref().unwrap_or("?"),
                rec.network.as_deref().unwrap_or("?"),
                rec.org.as_deref().or(rec.org_ja.as_deref()).unwrap_or("?"),
                rec.abuse_email.as_deref().unwrap_or("none")
            ),
        );
        let follow = if rec.abuse_email.is_none() {
            rec.abuse_handle.clone().or(rec.admin_handle.clone()).or(rec.tech_handle.clone())
        } else {
            None
        };
        if rec.no_match {
            self.finding(Warning::new("jpnic-no-match", "JPNIC's whois has no record for {ip}.", &[("ip", &ip)]));
        }
        self.networks[net].jpnic = Some(rec);
        if let Some(handle) = follow.filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')) {
            self.queue.push_front(Job::new(JobKind::JpnicContact { net }, jpnic::gateway_url(&handle)));
        }
    }

    fn on_rdap_domain(&mut self, dom: usize, body: &[u8], answered_by: String, registrar: bool) {
        let summary = rdap::interpret_bytes(body);
        let domain = self.domains[dom].domain.clone();
        if summary.kind != "domain" {
            let code = summary.error.as_ref().and_then(|e| e.code).map(|c| c.to_string()).unwrap_or_else(|| summary.kind.clone());
            self.finding(Warning::new(
                if registrar { "registrar-rdap-failed" } else { "domain-not-found" },
                "{host} had no domain object for {domain} ({code}).",
                &[("host", &politeness::host_of(&answered_by).unwrap_or_default()), ("domain", &domain), ("code", &code)],
            ));
            return;
        }
        let name = summary.registrar.as_ref().and_then(|r| r.name.clone()).unwrap_or_else(|| "?".into());
        let abuse = summary
            .registrar
            .as_ref()
            .and_then(|r| r.abuse.iter().find_map(|c| c.email.clone()))
            .unwrap_or_else(|| "none".into());
        self.event(if registrar { "registrar" } else { "domain" }, format!("{domain} registrar={name} abuse={abuse}"));
        let related = summary.related.first().cloned();
        let d = &mut self.domains[dom];
        if d.nameservers.is_empty() {
            d.nameservers = summary.nameservers.clone();
            if d.dns_provider.is_none() {
                d.dns_provider = d.nameservers.iter().find_map(|ns| knowledge::by_nameserver(ns));
            }
        }
        if registrar {
            d.registrar = Some(summary);
        } else {
            d.registry = Some(summary);
            // A thick registry may link to itself; asking again would learn nothing.
            if let Some(url) = related.filter(|u| !u.eq_ignore_ascii_case(&answered_by)) {
                self.queue.push_front(Job::new(JobKind::RdapRegistrar { dom }, url));
            }
        }
    }

    fn on_dns(&mut self, dom: usize, purpose: DnsPurpose, rtype: RecordType, name: &str, body: &[u8]) {
        let answer: DnsAnswer = dns::parse_answer(body, rtype);
        let domain = self.domains[dom].domain.clone();
        for w in &answer.warnings {
            if w.id != "dns-nxdomain" || matches!(purpose, DnsPurpose::Ns) {
                self.findings.push(w.clone());
            }
        }
        let shown: Vec<String> = if answer.hosts.is_empty() {
            answer.addresses.iter().map(IpAddr::to_string).collect()
        } else {
            answer.hosts.clone()
        };
        self.event("dns", format!("{name} {} {}", rtype.name(), if shown.is_empty() { "none".to_string() } else { shown.join(" ") }));
        let resolver = self.options.doh_resolver.clone().unwrap_or_default();
        let d = &mut self.domains[dom];
        match purpose {
            DnsPurpose::Ns => {
                if !answer.hosts.is_empty() {
                    d.nameservers = answer.hosts.clone();
                    d.dns_provider = d.nameservers.iter().find_map(|ns| knowledge::by_nameserver(ns));
                }
                if let Some(ns) = d.nameservers.first().cloned() {
                    let url = dns::query_url(&resolver, &ns, RecordType::A);
                    self.queue.push_back(Job::new(JobKind::Dns { dom, purpose: DnsPurpose::NsHost, rtype: RecordType::A, name: ns }, url));
                }
            }
            DnsPurpose::Mx => {
                d.mail_hosts = answer.hosts.clone();
                d.mail_provider = d.mail_hosts.iter().find_map(|h| knowledge::by_host(h));
                if let Some(mx) = d.mail_hosts.first().cloned() {
                    let url = dns::query_url(&resolver, &mx, RecordType::A);
                    self.queue.push_back(Job::new(JobKind::Dns { dom, purpose: DnsPurpose::MxHost, rtype: RecordType::A, name: mx }, url));
                }
            }
            DnsPurpose::Web => {
                d.web_addresses = answer.addresses.iter().map(IpAddr::to_string).collect();
                if let Some(ip) = answer.addresses.first().copied() {
                    self.add_network(ip, NetworkWhy { role: "web-host".into(), domain: Some(domain), host: None });
                }
            }
            DnsPurpose::NsHost | DnsPurpose::MxHost => {
                let (role, host) = if purpose == DnsPurpose::NsHost {
                    ("dns-host", d.nameservers.first().cloned())
                } else {
                    ("mail-host", d.mail_hosts.first().cloned())
                };
                if let Some(ip) = answer.addresses.first().copied() {
                    self.add_network(ip, NetworkWhy { role: role.into(), domain: Some(domain), host });
                }
            }
        }
    }
}

/// The domain of an address (`"Name" <a@b.example>` → `b.example`).
fn domain_of(address: &str) -> Option<String> {
    let addr = address.trim();
    let addr = match (addr.rfind('<'), addr.rfind('>')) {
        (Some(a), Some(b)) if a < b => &addr[a + 1..b],
        _ => addr,
    };
    let (_, domain) = addr.rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    rdap::is_host_name(&domain).then_some(domain)
}

fn covers(cidrs: &[String], ip: IpAddr) -> bool {
    cidrs.iter().any(|c| {
        let Some((net, len)) = c.split_once('/') else { return false };
        let (Ok(net), Ok(len)) = (net.parse::<IpAddr>(), len.parse::<u32>()) else { return false };
        match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) if len <= 32 => len == 0 || (u32::from(n) >> (32 - len)) == (u32::from(a) >> (32 - len)),
            (IpAddr::V6(n), IpAddr::V6(a)) if len <= 128 => len == 0 || (u128::from(n) >> (128 - len)) == (u128::from(a) >> (128 - len)),
            _ => false,
        }
    })
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || o[0] >= 224)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xff00) == 0xff00
                || (s[0] == 0x2001 && s[1] == 0x0db8))
        }
    }
}

/// True when the host of `url` is not on the public internet: an IP literal in a
/// private, loopback, link-local, shared, multicast or reserved range (IPv4-mapped
/// IPv6 included), a host a browser reads as such an IPv4 literal (`2130706433`,
/// `0x7f.1`, `127.1`: the WHATWG URL parser's forms), or `localhost`.
fn is_private_target(url: &str) -> bool {
    let Some(host) = politeness::host_of(url) else { return true };
    let host = host.trim_end_matches('.');
    if host.is_empty() || host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    let v4_private = |v4: std::net::Ipv4Addr| v4.octets()[0] == 0 || !is_public(IpAddr::V4(v4));
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => return v4_private(v4),
        Ok(IpAddr::V6(v6)) => return v6.to_ipv4_mapped().map_or_else(|| !is_public(IpAddr::V6(v6)), v4_private),
        Err(_) => {}
    }
    let last = host.rsplit('.').next().unwrap_or("");
    let numeric = last.bytes().all(|b| b.is_ascii_digit())
        || (last.len() > 2 && last.as_bytes()[..2].eq_ignore_ascii_case(b"0x") && last.bytes().skip(2).all(|b| b.is_ascii_hexdigit()));
    // A browser reads such a host as IPv4 or rejects it: refuse what is not public.
    numeric && whatwg_ipv4(host).is_none_or(v4_private)
}

/// The WHATWG URL parser's IPv4 reading: 1 to 4 dot-separated numbers, each decimal,
/// `0x` hex or `0`-prefixed octal; the last one fills the remaining bytes.
fn whatwg_ipv4(host: &str) -> Option<std::net::Ipv4Addr> {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(4);
    for part in &parts {
        // Bytes: the host may hold non-ASCII text, where index 2 is not a boundary.
        let value = if part.len() > 2 && part.as_bytes()[..2].eq_ignore_ascii_case(b"0x") {
            u64::from_str_radix(&part[2..], 16).ok()?
        } else if part.len() > 1 && part.starts_with('0') {
            u64::from_str_radix(&part[1..], 8).ok()?
        } else {
            part.parse::<u64>().ok()?
        };
        numbers.push(value);
    }
    let last = numbers.pop()?;
    if numbers.iter().any(|&n| n > 255) || last >= 1u64 << (8 * (4 - numbers.len())) {
        return None;
    }
    let mut value = last;
    for (i, n) in numbers.iter().enumerate() {
        value += n << (8 * (3 - i));
    }
    Some(std::net::Ipv4Addr::from(u32::try_from(value).ok()?))
}

/// A relative `Location` resolved against the URL that sent it.
fn resolve_location(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    // A network-path reference (RFC 3986 §4.2): another host, same scheme.
    if location.starts_with("//") {
        return format!("{}{location}", &base[..scheme_end.saturating_sub(2)]);
    }
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    if location.starts_with('/') {
        format!("{}{location}", &base[..host_end])
    } else {
        let dir_end = base.rfind('/').filter(|&i| i >= host_end).map_or(base.len(), |i| i + 1);
        format!("{}{location}", &base[..dir_end])
    }
}

/// Percent-encode what a URL may not carry literally (white space, control
/// characters, non-ASCII bytes), as a browser's URL parser does, so a hostile
/// `Location` never puts them into a request line.
fn escape_url(url: &str) -> String {
    if !url.bytes().any(|b| b <= b' ' || b >= 0x7f) {
        return url.to_string();
    }
    let mut out = String::with_capacity(url.len() + 16);
    for b in url.bytes() {
        if b <= b' ' || b >= 0x7f {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(char::from(b));
        }
    }
    out
}

/// Where a person looks up a domain of a TLD without RDAP.
fn whois_page(tld: &str) -> String {
    match tld {
        "jp" => "https://whois.jprs.jp/".to_string(),
        _ => format!("https://www.iana.org/domains/root/db/{tld}.html"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_at_the_end_of_time_does_not_overflow() {
        let analysis = serde_json::json!({"origin": {"ip": "13.64.1.1"}, "identities": {}});
        let options = TraceOptions { doh_resolver: None, ..TraceOptions::default() };
        let mut t = Trace::from_analysis_json(&analysis, &options, u64::MAX);
        let r = t.poll_request().unwrap();
        let reply = Reply::Http { status: 429, headers: vec![("retry-after".into(), "60".into())], body: vec![], url: None, at: Some(u64::MAX) };
        t.handle_response(r.id, reply);
        let again = t.poll_request().unwrap();
        assert_eq!(again.not_before, LATEST_CLOCK + 60);
    }

    #[test]
    fn private_and_local_hosts_are_recognised_in_every_spelling() {
        for url in [
            "https://127.0.0.1/ip/1", "https://10.1.2.3/", "https://192.168.0.1:8443/x", "https://172.16.5.5/",
            "https://169.254.169.254/latest/meta-data/", "https://100.64.0.1/", "https://0.0.0.0/", "https://0.1.2.3/",
            "https://[::1]/", "https://[fe80::1]/", "https://[fd00::1]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:10.0.0.1]/",
            "https://localhost/", "https://api.localhost./", "https://2130706433/", "https://0x7f.1/", "https://127.1/",
            "https://0177.0.0.1/", "https://10.0x1.2/", "https://999.1.1.1/", "https:///nohost",
        ] {
            assert!(is_private_target(url), "{url} is refused");
        }
        for url in ["https://rdap.arin.net/registry/ip/10.0.0.1", "https://13.64.1.1/", "https://[2001:4860::8888]/", "https://rdap.db.ripe.net:443/x", "https://a1.example/"] {
            assert!(!is_private_target(url), "{url} is allowed");
        }
        assert_eq!(whatwg_ipv4("8.8.2056"), Some(std::net::Ipv4Addr::new(8, 8, 8, 8)));
        assert_eq!(whatwg_ipv4("1.256.1.1"), None);
    }

    fn one_lookup() -> (Trace, Request) {
        let analysis = serde_json::json!({"origin": {"ip": "13.64.1.1"}, "identities": {}});
        let options = TraceOptions { doh_resolver: None, ..TraceOptions::default() };
        let mut t = Trace::from_analysis_json(&analysis, &options, 1_800_000_000);
        let r = t.poll_request().unwrap();
        (t, r)
    }

    fn redirect_to(location: &str) -> Reply {
        Reply::Http { status: 302, headers: vec![("location".into(), location.into())], body: vec![], url: None, at: None }
    }

    #[test]
    fn redirects_to_private_addresses_are_not_followed() {
        for location in ["https://127.0.0.1:8443/ip/13.64.1.1", "https://[::1]/x", "https://169.254.169.254/", "https://2130706433/", "//localhost/ip"] {
            let (mut t, r) = one_lookup();
            t.handle_response(r.id, redirect_to(location));
            assert!(t.report().findings.iter().any(|w| w.id == "redirect-private"), "{location} refused with a finding");
            assert!(t.poll_request().is_none(), "{location} not requested");
            assert!(t.is_done());
            assert_eq!(t.report().networks[0].status, "failed");
        }
        // A public target is followed.
        let (mut t, r) = one_lookup();
        t.handle_response(r.id, redirect_to("https://rdap.db.ripe.net/ip/13.64.1.1"));
        assert_eq!(t.poll_request().unwrap().url, "https://rdap.db.ripe.net/ip/13.64.1.1");
    }

    #[test]
    fn an_answer_the_driver_got_through_a_refused_redirect_is_not_read() {
        let body = br#"{"objectClassName":"ip network","handle":"X","name":"PRIVATE-NET","startAddress":"13.64.0.0","endAddress":"13.64.255.255","ipVersion":"v4"}"#;
        for (final_url, id) in [("http://rdap.example/ip/13.64.1.1", "redirect-not-https"), ("https://10.0.0.7/ip/13.64.1.1", "redirect-private")] {
            let (mut t, r) = one_lookup();
            let reply = Reply::Http { status: 200, headers: vec![("content-type".into(), "application/rdap+json".into())], body: body.to_vec(), url: Some(final_url.into()), at: None };
            t.handle_response(r.id, reply);
            let report = t.report();
            assert!(report.findings.iter().any(|w| w.id == id), "{final_url}: {id}");
            assert_eq!(report.requests[0].outcome, "refused-redirect");
            assert!(report.networks[0].rdap.is_none(), "{final_url}: the answer was not used");
            assert!(t.is_done());
        }
        // The URL asked for, given back as the final URL, is the normal case.
        let (mut t, r) = one_lookup();
        let reply = Reply::Http { status: 200, headers: vec![], body: body.to_vec(), url: Some(r.url.clone()), at: None };
        t.handle_response(r.id, reply);
        assert!(t.report().networks[0].rdap.is_some());
    }

    #[test]
    fn a_429_asking_for_more_than_the_drivers_patience_gives_up_at_once() {
        let analysis = serde_json::json!({"origin": {"ip": "13.64.1.1"}, "identities": {}});
        let options = TraceOptions { doh_resolver: None, max_retry_wait_secs: 10, ..TraceOptions::default() };
        // No Retry-After (a browser hides it unless exposed): the 30 s default is too long.
        let mut t = Trace::from_analysis_json(&analysis, &options, 1_800_000_000);
        let r = t.poll_request().unwrap();
        t.handle_response(r.id, Reply::Http { status: 429, headers: vec![], body: vec![], url: None, at: None });
        assert!(t.report().findings.iter().any(|w| w.id == "rate-limited"));
        assert!(t.poll_request().is_none() && t.is_done());
        // Retry-After: 2 is within it: retried 2 s later.
        let mut t = Trace::from_analysis_json(&analysis, &options, 1_800_000_000);
        let r = t.poll_request().unwrap();
        t.handle_response(r.id, Reply::Http { status: 429, headers: vec![("Retry-After".into(), "2".into())], body: vec![], url: None, at: None });
        assert_eq!(t.poll_request().unwrap().not_before, 1_800_000_002);
    }

    #[test]
    fn hostile_locations_are_escaped() {
        assert_eq!(escape_url("https://a.example/ip/1.2.3.4"), "https://a.example/ip/1.2.3.4");
        assert_eq!(escape_url("https://a.example/a b\x0c\u{e9}"), "https://a.example/a%20b%0C%C3%A9");
    }

    #[test]
    fn locations_resolve() {
        assert_eq!(resolve_location("https://a.example/rdap/ip/1.2.3.4", "/x/ip/1.2.3.4"), "https://a.example/x/ip/1.2.3.4");
        assert_eq!(resolve_location("https://a.example/rdap/ip/1", "https://b.example/ip/1"), "https://b.example/ip/1");
        assert_eq!(resolve_location("https://a.example/rdap/ip", "other"), "https://a.example/rdap/other");
        assert_eq!(resolve_location("https://a.example/rdap/ip", "//b.example/x"), "https://b.example/x");
    }

    #[test]
    fn addresses_give_domains() {
        assert_eq!(domain_of("\"X\" <bounce@Mail.Example.CO.JP>").as_deref(), Some("mail.example.co.jp"));
        assert_eq!(domain_of("nobody"), None);
        assert!(covers(&["13.64.0.0/11".into()], "13.65.1.1".parse().unwrap()));
        assert!(!covers(&["13.64.0.0/11".into()], "13.96.1.1".parse().unwrap()));
    }
}
