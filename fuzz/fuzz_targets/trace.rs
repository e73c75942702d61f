//! The whole lookup state machine driven by arbitrary replies.
//!
//! A message (a repository fixture or fuzzer bytes) is analysed and traced with
//! fuzzer-chosen options; every request is answered, in a fuzzer-chosen order, with
//! a fuzzer-chosen status, headers, body (a fixture, a mutated fixture or raw bytes),
//! a connection error or a timeout. Once the fuzzer's answers run out, whatever is
//! still in flight times out. The trace must finish within its request cap, never
//! ask for anything but HTTPS, keep its pacing bounded, and always give a report.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use sendertrace_core::trace::{Reply, Request, Trace, TraceOptions};

const NOW: u64 = 1_800_000_000;

const MESSAGES: [&[u8]; 5] = [
    include_bytes!("../../tests/e2e/fixtures/provider-chain.eml"),
    include_bytes!("../../tests/e2e/fixtures/forged-bank.eml"),
    include_bytes!("../../tests/e2e/fixtures/iso-2022-jp.eml"),
    include_bytes!("../../crates/core/tests/fixtures/report/ipv4-ja.eml"),
    include_bytes!("../../crates/core/tests/fixtures/report/ipv6-en.eml"),
];

const BODIES: [&[u8]; 11] = [
    include_bytes!("../../crates/core/tests/fixtures/rdap/domain-registrar-proxy.json"),
    include_bytes!("../../crates/core/tests/fixtures/rdap/entity-abuse.json"),
    include_bytes!("../../crates/core/tests/fixtures/rdap/ip-abuse-without-vcard.json"),
    include_bytes!("../../crates/core/tests/fixtures/rdap/ip-apnic-example-hosting.json"),
    include_bytes!("../../crates/core/tests/fixtures/rdap/ip-apnic-jpnic-block-133.json"),
    include_bytes!("../../crates/core/tests/fixtures/rdap/ip-hostile-markup.json"),
    include_bytes!("../../crates/core/tests/fixtures/dns/example.co.jp-A.json"),
    include_bytes!("../../crates/core/tests/fixtures/dns/example.co.jp-MX.json"),
    include_bytes!("../../crates/core/tests/fixtures/dns/example.co.jp-NS.json"),
    include_bytes!("../../crates/core/tests/fixtures/dns/ns01.gmoserver.jp-A.json"),
    include_bytes!("../../crates/core/tests/fixtures/jpnic/MY22537JP-en.html"),
];

const CONTENT_TYPES: [&str; 8] = [
    "application/rdap+json",
    "application/json",
    "application/dns-json",
    "text/html; charset=Shift_JIS",
    "text/html; charset=utf-8",
    "text/plain",
    "application/rdap+json; charset=x-bogus",
    "",
];

const BOOTSTRAP_NAMES: [&str; 6] = ["dns", "ipv4", "ipv6", "asn", "object-tags", "bogus"];

#[derive(Arbitrary, Debug)]
enum Message {
    Fixture(u8),
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
struct Options {
    max_requests: u8,
    max_redirects: u8,
    small_body_cap: bool,
    jpnic_gateway: bool,
    hosting: bool,
    dns: bool,
    odd_resolver: Option<String>,
    max_domains: u8,
    japanese: bool,
    bootstrap: Option<(u8, String)>,
}

#[derive(Arbitrary, Debug)]
enum Body {
    Fixture(u8),
    Mutated { fixture: u8, at: u16, bytes: Vec<u8> },
    Truncated { fixture: u8, len: u16 },
    Raw(Vec<u8>),
    Empty,
}

#[derive(Arbitrary, Debug)]
enum Status {
    Ok,
    NotFound,
    TooMany,
    Redirect(u8),
    ServerError,
    Any(u16),
}

#[derive(Arbitrary, Debug)]
enum Location {
    Same,
    Https { host: u8, path: String },
    Http,
    Private,
    Relative(String),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum RetryAfter {
    Seconds(u32),
    Date,
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum At {
    Later(u16),
    Any(u64),
}

#[derive(Arbitrary, Debug)]
enum Answer {
    Http {
        pick: u8,
        status: Status,
        content_type: u8,
        location: Option<Location>,
        retry_after: Option<RetryAfter>,
        body: Body,
        final_url: Option<String>,
        at: Option<At>,
    },
    Error { pick: u8, message: String },
    Timeout { pick: u8 },
    /// A reply for an id that is not in flight.
    Stray(u64),
    /// Read the report in the middle.
    Report,
}

#[derive(Arbitrary, Debug)]
struct Input {
    message: Message,
    options: Options,
    answers: Vec<Answer>,
}

fn body(b: Body) -> Vec<u8> {
    match b {
        Body::Fixture(i) => BODIES[usize::from(i) % BODIES.len()].to_vec(),
        Body::Mutated { fixture, at, bytes } => {
            let mut v = BODIES[usize::from(fixture) % BODIES.len()].to_vec();
            let at = usize::from(at) % (v.len() + 1);
            v.splice(at..(at + bytes.len()).min(v.len()), bytes);
            v
        }
        Body::Truncated { fixture, len } => {
            let v = BODIES[usize::from(fixture) % BODIES.len()];
            v[..usize::from(len).min(v.len())].to_vec()
        }
        Body::Raw(v) => v,
        Body::Empty => Vec::new(),
    }
}

fn location(l: Location, url: &str) -> String {
    const HOSTS: [&str; 5] = ["rdap.arin.net", "rdap.db.ripe.net", "rdap.apnic.net", "whois.nic.ad.jp", "127.0.0.1"];
    match l {
        Location::Same => url.to_string(),
        Location::Https { host, path } => format!("https://{}/{path}", HOSTS[usize::from(host) % HOSTS.len()]),
        Location::Http => url.replacen("https://", "http://", 1),
        Location::Private => "https://10.0.0.1/ip/1.2.3.4".into(),
        Location::Relative(p) => p,
        Location::Raw(s) => s,
    }
}

fn take(pending: &mut Vec<Request>, pick: u8) -> Option<Request> {
    if pending.is_empty() {
        return None;
    }
    let i = usize::from(pick) % pending.len();
    Some(pending.remove(i))
}

fuzz_target!(|input: Input| {
    let raw = match input.message {
        Message::Fixture(i) => MESSAGES[usize::from(i) % MESSAGES.len()].to_vec(),
        Message::Raw(v) => v,
    };
    let o = input.options;
    let mut options = TraceOptions {
        max_requests: u32::from(o.max_requests % 64),
        max_redirects: u32::from(o.max_redirects % 8),
        jpnic_gateway: o.jpnic_gateway,
        hosting: o.hosting,
        max_domains: usize::from(o.max_domains % 6),
        language: if o.japanese { "ja".into() } else { "en".into() },
        ..TraceOptions::default()
    };
    if o.small_body_cap {
        options.max_body_bytes = 512;
    }
    if !o.dns {
        options.doh_resolver = None;
    } else if let Some(r) = o.odd_resolver {
        options.doh_resolver = Some(r);
    }
    if let Some((name, json)) = o.bootstrap {
        options.bootstrap_files.insert(BOOTSTRAP_NAMES[usize::from(name) % BOOTSTRAP_NAMES.len()].into(), json);
    }

    let mut trace = Trace::new(&raw, &options, NOW);
    let mut clock = NOW;
    let mut pending: Vec<Request> = Vec::new();
    let mut asked = 0u32;
    let mut answers = input.answers.into_iter();
    loop {
        while let Some(r) = trace.poll_request() {
            asked += 1;
            assert!(asked <= options.max_requests, "{asked} requests with a cap of {}", options.max_requests);
            assert!(r.url.starts_with("https://"), "asked for {}", r.url);
            assert!(!r.url.chars().any(|c| c.is_whitespace() || c.is_control()), "asked for {:?}", r.url);
            assert!(r.not_before <= clock.saturating_add(24 * 3600), "request {} held until {} (now {clock})", r.url, r.not_before);
            assert_eq!(r.max_body_bytes, options.max_body_bytes);
            pending.push(r);
        }
        assert_eq!(trace.in_flight(), pending.len());
        if pending.is_empty() {
            break;
        }
        let Some(answer) = answers.next() else {
            // The fuzzer's answers ran out: what is still in flight times out.
            let r = pending.remove(0);
            trace.handle_response(r.id, Reply::Timeout { at: None });
            continue;
        };
        match answer {
            Answer::Http { pick, status, content_type, location: loc, retry_after, body: b, final_url, at } => {
                let Some(r) = take(&mut pending, pick) else { continue };
                let status = match status {
                    Status::Ok => 200,
                    Status::NotFound => 404,
                    Status::TooMany => 429,
                    Status::Redirect(k) => [301, 302, 303, 307, 308][usize::from(k) % 5],
                    Status::ServerError => 503,
                    Status::Any(s) => s,
                };
                let mut headers = vec![("Content-Type".to_string(), CONTENT_TYPES[usize::from(content_type) % CONTENT_TYPES.len()].to_string())];
                if let Some(l) = loc {
                    headers.push(("Location".into(), location(l, &r.url)));
                }
                match retry_after {
                    Some(RetryAfter::Seconds(s)) => headers.push(("Retry-After".into(), s.to_string())),
                    Some(RetryAfter::Date) => headers.push(("retry-after".into(), "Fri, 15 Jan 2027 08:01:00 GMT".into())),
                    Some(RetryAfter::Raw(s)) => headers.push(("RETRY-AFTER".into(), s)),
                    None => {}
                }
                let at = match at {
                    Some(At::Later(s)) => Some(clock.saturating_add(u64::from(s))),
                    Some(At::Any(t)) => Some(t),
                    None => None,
                };
                if let Some(t) = at {
                    clock = clock.max(t);
                }
                trace.handle_response(r.id, Reply::Http { status, headers, body: body(b), url: final_url, at });
            }
            Answer::Error { pick, message } => {
                let Some(r) = take(&mut pending, pick) else { continue };
                trace.handle_response(r.id, Reply::Error { message, at: None });
            }
            Answer::Timeout { pick } => {
                let Some(r) = take(&mut pending, pick) else { continue };
                trace.handle_response(r.id, Reply::Timeout { at: None });
            }
            Answer::Stray(id) => {
                if !pending.iter().any(|r| r.id == id) {
                    trace.handle_response(id, Reply::Timeout { at: None });
                }
            }
            Answer::Report => {
                let _ = serde_json::to_vec(&trace.report()).expect("a report serialises");
            }
        }
    }
    assert!(trace.is_done(), "nothing in flight or queued, yet not done");
    let report = trace.report();
    assert!(report.done);
    assert_eq!(report.pending, 0);
    assert_eq!(report.requests.len() as u32, asked);
    assert!(report.requests.iter().all(|l| l.outcome != "pending"), "a request left pending");
    serde_json::to_vec(&report).expect("a report serialises");
    while trace.poll_event().is_some() {}
});
