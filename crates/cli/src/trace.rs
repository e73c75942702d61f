//! `sendertrace trace [--json] [--no-dns] [--refresh-bootstrap] FILE|-`: analyse a
//! message and perform its lookups with a native HTTP client.
//!
//! This is the driver loop of `sendertrace_core::trace` and nothing more: every
//! decision (what to ask, when, how long to cache, what the answer means) is the
//! core's. Environment:
//! - `SENDERTRACE_RDAP_PROXY=http://127.0.0.1:PORT` sends every `https://HOST/PATH?Q`
//!   to `PROXY/HOST/PATH?Q` instead, so a folder of recorded answers laid out by host
//!   and path (tests/support/replay-server.mjs) can play the internet;
//! - `SENDERTRACE_DOH=URL` picks the DNS-over-HTTPS JSON resolver (`off` disables it);
//! - `SENDERTRACE_CACHE_DIR` (default `$XDG_CACHE_HOME/sendertrace` or
//!   `~/.cache/sendertrace`) holds the refreshed IANA bootstrap files.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use sendertrace_core::bootstrap::{CACHE_TTL_SECS, REFRESH_URLS};
use sendertrace_core::trace::{Reply, Report, Request, Trace, TraceOptions};

/// Longest wait for a `not_before` (the core caps Retry-After lower than this).
const MAX_SLEEP_SECS: u64 = 600;

pub fn command(args: &[String]) -> Result<ExitCode> {
    let json = args.iter().any(|a| a == "--json");
    let no_dns = args.iter().any(|a| a == "--no-dns");
    let refresh = args.iter().any(|a| a == "--refresh-bootstrap");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [file] = files.as_slice() else {
        eprintln!("{}", crate::USAGE);
        return Ok(ExitCode::from(2));
    };
    let raw = crate::input::read_input(file)?;
    let http = Http::from_env();
    let mut options = TraceOptions::default();
    match std::env::var("SENDERTRACE_DOH") {
        Ok(v) if v == "off" => options.doh_resolver = None,
        Ok(v) if !v.is_empty() => options.doh_resolver = Some(v),
        _ => {}
    }
    if no_dns {
        options.doh_resolver = None;
    }
    options.bootstrap_files = load_bootstrap(&http, refresh);

    let report = run(&raw, &options, &http, !json);
    if json {
        let mut value = serde_json::to_value(&report)?;
        value["file"] = serde_json::Value::String(file.to_string());
        println!("{}", serde_json::to_string(&value)?);
    } else {
        print_report(file, &report);
    }
    Ok(ExitCode::SUCCESS)
}

/// The driver loop: one request at a time, waiting for `not_before`.
fn run(raw: &[u8], options: &TraceOptions, http: &Http, chatty: bool) -> Report {
    let mut trace = Trace::new(raw, options, unix_now());
    while let Some(request) = trace.poll_request() {
        let wait = request.not_before.saturating_sub(unix_now()).min(MAX_SLEEP_SECS);
        if wait > 0 {
            if chatty {
                eprintln!("sendertrace: waiting {wait}s before asking {} (rate limit)", host(&request.url));
            }
            std::thread::sleep(Duration::from_secs(wait));
        }
        let reply = http.get(&request);
        trace.handle_response(request.id, reply);
    }
    trace.report()
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn host(url: &str) -> String {
    sendertrace_core::politeness::host_of(url).unwrap_or_default()
}

/// The HTTP side: ureq with redirects off (the core follows them, with its cap).
struct Http {
    agent: ureq::Agent,
    proxy: Option<String>,
}

impl Http {
    fn from_env() -> Http {
        let agent = ureq::AgentBuilder::new()
            .redirects(0)
            .user_agent(concat!("sendertrace/", env!("CARGO_PKG_VERSION")))
            .build();
        let proxy = std::env::var("SENDERTRACE_RDAP_PROXY").ok().filter(|p| !p.is_empty()).map(|p| p.trim_end_matches('/').to_string());
        Http { agent, proxy }
    }

    /// `https://HOST/PATH?Q` → `PROXY/HOST/PATH?Q` when a proxy is set.
    fn target(&self, url: &str) -> String {
        match (&self.proxy, url.strip_prefix("https://")) {
            (Some(proxy), Some(rest)) => format!("{proxy}/{rest}"),
            _ => url.to_string(),
        }
    }

    fn get(&self, request: &Request) -> Reply {
        let now = Some(unix_now());
        let url = self.target(&request.url);
        let call = self
            .agent
            .get(&url)
            .set("Accept", &request.accept)
            .timeout(Duration::from_millis(u64::from(request.timeout_ms)))
            .call();
        let response = match call {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => {
                let message = t.to_string();
                if message.to_ascii_lowercase().contains("timed out") {
                    return Reply::Timeout { at: now };
                }
                return Reply::Error { message, at: now };
            }
        };
        let status = response.status();
        let headers: Vec<(String, String)> = response
            .headers_names()
            .into_iter()
            .filter_map(|name| response.header(&name).map(|v| (name.clone(), v.to_string())))
            .collect();
        let mut body = Vec::new();
        // Read one byte past the cap so the core can see the reply is too large.
        let limit = request.max_body_bytes as u64 + 1;
        if let Err(e) = response.into_reader().take(limit).read_to_end(&mut body) {
            if e.kind() == std::io::ErrorKind::TimedOut || e.kind() == std::io::ErrorKind::WouldBlock {
                return Reply::Timeout { at: Some(unix_now()) };
            }
            return Reply::Error { message: e.to_string(), at: Some(unix_now()) };
        }
        Reply::Http { status, headers, body, url: None, at: Some(unix_now()) }
    }
}

fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("SENDERTRACE_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("sendertrace"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/sendertrace"))
}

/// Cached IANA bootstrap files younger than the core's TTL; with `refresh`, fetch
/// stale or missing ones first. Failures leave the bundled snapshot in charge.
fn load_bootstrap(http: &Http, refresh: bool) -> std::collections::BTreeMap<String, String> {
    let mut files = std::collections::BTreeMap::new();
    let Some(dir) = cache_dir().map(|d| d.join("bootstrap")) else { return files };
    for (name, url) in REFRESH_URLS {
        let path = dir.join(format!("{name}.json"));
        let age = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .map(|d| d.as_secs());
        let fresh = age.is_some_and(|a| a < CACHE_TTL_SECS);
        if refresh && !fresh {
            match fetch_bootstrap(http, url) {
                Ok(text) => {
                    let _ = std::fs::create_dir_all(&dir);
                    if let Err(e) = std::fs::write(&path, &text) {
                        eprintln!("sendertrace: cannot cache {}: {e}", path.display());
                    }
                    files.insert(name.to_string(), text);
                    continue;
                }
                Err(e) => eprintln!("sendertrace: bootstrap refresh of {name} failed ({e:#}); using the bundled copy"),
            }
        }
        if fresh && let Ok(text) = std::fs::read_to_string(&path) {
            files.insert(name.to_string(), text);
        }
    }
    files
}

fn fetch_bootstrap(http: &Http, url: &str) -> Result<String> {
    let response = http.agent.get(&http.target(url)).timeout(Duration::from_secs(20)).call().context("request failed")?;
    let mut text = String::new();
    response.into_reader().take(4 << 20).read_to_string(&mut text).context("reading the body")?;
    // Let the core judge it; it keeps the bundled copy for anything that is not a registry.
    let mut probe = sendertrace_core::bootstrap::Bootstrap::bundled();
    let name = REFRESH_URLS.iter().find(|(_, u)| *u == url).map(|(n, _)| *n).unwrap_or("dns");
    probe.update_from_json(name, &text).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(text)
}

fn print_report(file: &str, r: &Report) {
    println!("{file}");
    match &r.origin {
        Some(o) => println!("  origin: {} ({})", o.ip, o.host.as_deref().unwrap_or("no name")),
        None => println!("  origin: undetermined"),
    }
    if let Some(s) = &r.service {
        println!("  sending service: {}", s.name);
    }
    println!("  responsible parties:");
    if r.parties.is_empty() {
        println!("    none found");
    }
    for (i, p) in r.parties.iter().enumerate() {
        println!("    {}. [{}] {} — {} (confidence {})", i + 1, p.role, p.name, p.subject, p.confidence);
        println!("       why: {}", p.why.text);
        for c in &p.contacts {
            let flag = if c.actionable { "" } else { "  NOT ACTIONABLE" };
            println!("       {} {} ({}){flag}", c.kind, c.value, c.source);
            if let Some(w) = &c.warning {
                println!("         note: {}", w.text);
            }
        }
        for n in &p.notes {
            println!("       note: {}", n.text);
        }
    }
    for d in &r.domains {
        println!("  domain {} ({}): {}", d.domain, d.why.join(", "), d.status);
        if !d.nameservers.is_empty() {
            println!("    nameservers: {}", d.nameservers.join(", "));
        }
        if let Some(w) = &d.whois_url {
            println!("    whois: {w}");
        }
    }
    if !r.findings.is_empty() {
        println!("  findings:");
        for f in &r.findings {
            println!("    {}: {}", f.id, f.text);
        }
    }
    println!("  requests made ({}):", r.requests.len());
    for q in &r.requests {
        println!("    {} {} [{}]", q.outcome, q.url, q.purpose);
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    use super::*;

    fn samples() -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/rdap-samples");
        assert!(dir.is_dir(), "recorded samples are read in place from {} — missing", dir.display());
        dir
    }

    /// A one-thread HTTP server answering `/HOST/PATH` from a table, like the
    /// replay server's static mode; everything else is a 404 RDAP error.
    fn serve(table: Vec<(&'static str, Vec<u8>)>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                let (status, body) = match table.iter().find(|(p, _)| *p == path) {
                    Some((_, body)) => ("200 OK", body.clone()),
                    None => ("404 Not Found", br#"{"errorCode":404,"title":"Not Found"}"#.to_vec()),
                };
                let mut out = stream;
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/rdap+json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = out.write_all(head.as_bytes());
                let _ = out.write_all(&body);
            }
        });
        format!("http://{addr}")
    }

    #[test]
    fn proxy_maps_host_and_path() {
        let http = Http { agent: ureq::agent(), proxy: Some("http://127.0.0.1:9".into()) };
        assert_eq!(
            http.target("https://whois.nic.ad.jp/cgi-bin/whois_gw?lang=%2Fe&key=1.2.3.4"),
            "http://127.0.0.1:9/whois.nic.ad.jp/cgi-bin/whois_gw?lang=%2Fe&key=1.2.3.4"
        );
        let direct = Http { agent: ureq::agent(), proxy: None };
        assert_eq!(direct.target("https://rdap.arin.net/registry/ip/1.2.3.4"), "https://rdap.arin.net/registry/ip/1.2.3.4");
    }

    #[test]
    fn given_a_replay_server_when_tracing_then_the_origin_network_is_reported() {
        // GIVEN the recorded ARIN answer behind a local proxy
        let body = std::fs::read(samples().join("ip-arin-13.64.0.0.json")).unwrap();
        let proxy = serve(vec![("/rdap.arin.net/registry/ip/13.64.1.1", body)]);
        let http = Http { agent: ureq::AgentBuilder::new().redirects(0).build(), proxy: Some(proxy) };
        let raw = b"Received: from relay.example.net (relay.example.net [13.64.1.1]) by mx.example.org with ESMTP id 1; Mon, 2 Nov 2026 10:00:00 +0000\r\nSubject: x\r\n\r\nbody";
        let options = TraceOptions { doh_resolver: None, ..TraceOptions::default() };
        // WHEN
        let report = run(raw, &options, &http, false);
        // THEN
        assert_eq!(report.requests.len(), 1, "{:?}", report.requests);
        assert_eq!(report.requests[0].outcome, "200");
        let first = &report.parties[0];
        assert_eq!(first.role, "network-operator");
        assert_eq!(first.contacts[0].value, "abuse@microsoft.com");
    }
}
