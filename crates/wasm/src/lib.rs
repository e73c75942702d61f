//! Thin wasm-bindgen facade over `sendertrace-core`.
//!
//! Plain JSON-compatible objects cross the boundary as JSON text (serde_json on
//! this side, `JSON.parse` / `JSON.stringify` on the other: serde_json is linked
//! anyway, and a second (de)serialiser per type would cost wasm size), with `null`
//! for missing values so the shape matches the CLI's `--json`. Errors are
//! thrown as JS `Error`s whose `name` is the core's error name, so JavaScript can
//! branch on it and translate it.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use sendertrace_core::trace::{Reply, Trace, TraceOptions};
use sendertrace_core::report::{DisplayCheck, Draft, Language, Recipient, Report, ReportOptions};
use sendertrace_core::{AnalyzeOptions, InputError};

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| js_error("internal", &e.to_string()))?;
    js_sys::JSON::parse(&text)
}

/// A JS value read through JSON text: serde_json's parser is linked anyway (the
/// bootstrap and RDAP answers), so no second deserialiser is needed.
fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T, String> {
    let text = js_sys::JSON::stringify(&value).map_err(|_| "not JSON".to_string())?;
    serde_json::from_str(&String::from(text)).map_err(|e| e.to_string())
}

fn js_error(name: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name(name);
    err.into()
}

fn input_bytes(input: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(text) = input.as_string() {
        Ok(text.into_bytes())
    } else if input.is_instance_of::<js_sys::Uint8Array>() || input.is_instance_of::<js_sys::ArrayBuffer>() {
        Ok(js_sys::Uint8Array::new(input).to_vec())
    } else {
        Err(js_error("bad-argument", "expected a string, Uint8Array or ArrayBuffer"))
    }
}

/// `analyze(input, options?)`: analyse a raw message (string or bytes).
/// Returns the analysis object of the wire format; throws an `Error` whose `name`
/// is one of `empty`, `binary`, `not-a-header-block`, `bad-argument`.
#[wasm_bindgen]
pub fn analyze(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    // Registered here too: `start` does not run when the crate is linked as a
    // library (wasm-bindgen-test, bundlers that import it); registering twice is a no-op.
    sendertrace_core::charset::set_external_decoder(text_decoder);
    let bytes = input_bytes(&input)?;
    let options = analyze_options(&options_object(options)?)?;
    match sendertrace_core::analyze(&bytes, &options) {
        Ok(analysis) => to_js(&analysis),
        Err(InputError { name, message }) => Err(js_error(name.name(), message)),
    }
}

/// The core's version, for the about line and bug reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The browser's (or node's) `TextDecoder` decodes the legacy charsets, so the wasm
/// does not carry encoding tables (see `sendertrace_core::charset`).
fn text_decoder(label: &str, bytes: &[u8]) -> Option<String> {
    let opts = web_sys::TextDecoderOptions::new();
    opts.set_fatal(false);
    let decoder = web_sys::TextDecoder::new_with_label_and_options(label, &opts).ok()?;
    decoder.decode_with_u8_array(bytes).ok()
}

#[wasm_bindgen(start)]
fn start() {
    sendertrace_core::charset::set_external_decoder(text_decoder);
}

/// An options object as JSON (`{}` for `undefined` / `null`); anything but an
/// object is a `bad-argument`. Options are then read field by field: serde's derived
/// code for them, once per deserialiser, costs kilobytes of the shipped wasm.
fn options_object(value: JsValue) -> Result<serde_json::Value, JsValue> {
    match json(value)? {
        serde_json::Value::Null => Ok(serde_json::Value::Object(serde_json::Map::new())),
        v if v.is_object() => Ok(v),
        _ => Err(js_error("bad-argument", "options must be an object")),
    }
}

fn bad_option(key: &str) -> JsValue {
    js_error("bad-argument", &format!("invalid option {key}"))
}

/// A whole number option (absent or `null`: the default).
fn number<T: TryFrom<u64>>(v: &serde_json::Value, key: &str, default: T) -> Result<T, JsValue> {
    match v.get(key) {
        None | Some(serde_json::Value::Null) => Ok(default),
        Some(n) => n.as_u64().and_then(|n| T::try_from(n).ok()).ok_or_else(|| bad_option(key)),
    }
}

fn flag(v: &serde_json::Value, key: &str, default: bool) -> Result<bool, JsValue> {
    match v.get(key) {
        None | Some(serde_json::Value::Null) => Ok(default),
        Some(b) => b.as_bool().ok_or_else(|| bad_option(key)),
    }
}

/// TraceOptions (docs/lookup-wire-format.md): every key optional; `doh_resolver`
/// absent = the default resolver, `null` = no DNS lookups.
fn trace_options(v: &serde_json::Value) -> Result<TraceOptions, JsValue> {
    let d = TraceOptions::default();
    let doh_resolver = match v.get("doh_resolver") {
        None => d.doh_resolver,
        Some(serde_json::Value::Null) => None,
        Some(u) => Some(u.as_str().ok_or_else(|| bad_option("doh_resolver"))?.to_string()),
    };
    let mut bootstrap_files = d.bootstrap_files;
    if let Some(files) = v.get("bootstrap_files").filter(|f| !f.is_null()) {
        for (name, text) in files.as_object().ok_or_else(|| bad_option("bootstrap_files"))? {
            bootstrap_files.insert(name.clone(), text.as_str().ok_or_else(|| bad_option("bootstrap_files"))?.to_string());
        }
    }
    Ok(TraceOptions {
        doh_resolver,
        max_requests: number(v, "max_requests", d.max_requests)?,
        max_redirects: number(v, "max_redirects", d.max_redirects)?,
        timeout_ms: number(v, "timeout_ms", d.timeout_ms)?,
        max_body_bytes: number(v, "max_body_bytes", d.max_body_bytes)?,
        max_retry_wait_secs: number(v, "max_retry_wait_secs", d.max_retry_wait_secs)?,
        jpnic_gateway: flag(v, "jpnic_gateway", d.jpnic_gateway)?,
        hosting: flag(v, "hosting", d.hosting)?,
        max_domains: number(v, "max_domains", d.max_domains)?,
        language: match v.get("language") {
            None | Some(serde_json::Value::Null) => d.language,
            Some(l) => l.as_str().ok_or_else(|| bad_option("language"))?.to_string(),
        },
        bootstrap_files,
        analyze: analyze_options(v.get("analyze").unwrap_or(&serde_json::Value::Null))?,
    })
}

/// The lookup state machine (`sendertrace_core::trace::Trace`) for the JS driver
/// (`extension/ui/driver.js`). The driver loop is in docs/lookup-wire-format.md:
/// poll requests, perform them with `fetch`, hand the replies back, re-render
/// `report()` after each one. Replies arrive as typed arguments rather than one
/// object: deserialising a body byte by byte through serde costs size and time.
#[wasm_bindgen(js_name = Trace)]
pub struct WasmTrace(Trace);

#[wasm_bindgen(js_class = Trace)]
impl WasmTrace {
    /// `new Trace(analysis, options, nowSeconds)`: start from the analysis object
    /// `analyze()` returned (not the raw message: the mail never needs to cross
    /// again). `options` is TraceOptions (`{}` or null for the defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(analysis: JsValue, options: JsValue, now: f64) -> Result<WasmTrace, JsValue> {
        let analysis: serde_json::Value = from_js(analysis)
            .map_err(|e| js_error("bad-argument", &e.to_string()))?;
        let options = trace_options(&options_object(options)?)?;
        Ok(WasmTrace(Trace::from_analysis_json(&analysis, &options, seconds(now))))
    }

    /// The next request to perform, or `null` when none is ready now.
    #[wasm_bindgen(js_name = pollRequest)]
    pub fn poll_request(&mut self) -> Result<JsValue, JsValue> {
        match self.0.poll_request() {
            Some(request) => to_js(&request),
            None => Ok(JsValue::NULL),
        }
    }

    /// An HTTP answer for request `id`: status, headers as a flat
    /// `[name, value, name, value, …]` list, the body bytes, the final URL when the
    /// driver followed redirects (or null), and the arrival time in seconds.
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(
        &mut self,
        id: f64,
        status: u16,
        headers: Vec<String>,
        body: Vec<u8>,
        url: Option<String>,
        at: f64,
    ) {
        let headers = headers.chunks_exact(2).map(|p| (p[0].clone(), p[1].clone())).collect();
        let reply = Reply::Http { status, headers, body, url, at: Some(seconds(at)) };
        self.0.handle_response(id as u64, reply);
    }

    /// Request `id` failed: `timeout` true for a timeout, else a transport error
    /// (DNS, TLS, CORS, reset) described by `message`.
    #[wasm_bindgen(js_name = handleFailure)]
    pub fn handle_failure(&mut self, id: f64, timeout: bool, message: String, at: f64) {
        let at = Some(seconds(at));
        let reply = if timeout { Reply::Timeout { at } } else { Reply::Error { message, at } };
        self.0.handle_response(id as u64, reply);
    }

    /// The progressive report (parties, networks, domains, requests, findings).
    pub fn report(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0.report())
    }

    /// The next log event (`{kind, text}`), or `null`.
    #[wasm_bindgen(js_name = pollEvent)]
    pub fn poll_event(&mut self) -> Result<JsValue, JsValue> {
        match self.0.poll_event() {
            Some(event) => to_js(&event),
            None => Ok(JsValue::NULL),
        }
    }

    /// Nothing queued and nothing in flight.
    #[wasm_bindgen(js_name = isDone)]
    pub fn is_done(&self) -> bool {
        self.0.is_done()
    }

    /// Requests handed out and not yet answered.
    #[wasm_bindgen(js_name = inFlight)]
    pub fn in_flight(&self) -> usize {
        self.0.in_flight()
    }
}

/// What `reportDrafts` returns (docs/report-wire-format.md, "wasm facade").
#[derive(Serialize)]
struct Drafts<'a> {
    recipient_addresses: &'a [String],
    display_check: Option<&'a DisplayCheck>,
    /// One per party (`null` for an entry that is not a party).
    drafts: Vec<Option<Draft>>,
}

/// A JS value as JSON (`null` when undefined). serde_json::Value is what the Trace
/// constructor already reads, so no new deserialiser is linked for the report.
fn json(value: JsValue) -> Result<serde_json::Value, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(serde_json::Value::Null);
    }
    from_js(value).map_err(|e| js_error("bad-argument", &e.to_string()))
}

/// AnalyzeOptions (`{trustedForwarders, now}`) out of a JSON value, read field by
/// field (serde's derived code for `Value` would be one more deserialiser in the wasm).
fn analyze_options(v: &serde_json::Value) -> Result<AnalyzeOptions, JsValue> {
    let trusted_forwarders = match v.get("trustedForwarders") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(list) => list
            .as_array()
            .and_then(|l| l.iter().map(|s| s.as_str().map(str::to_string)).collect::<Option<Vec<_>>>())
            .ok_or_else(|| bad_option("trustedForwarders"))?,
    };
    let now = match v.get("now") {
        None | Some(serde_json::Value::Null) => None,
        Some(n) => Some(n.as_i64().ok_or_else(|| bad_option("now"))?),
    };
    Ok(AnalyzeOptions { trusted_forwarders, now })
}

fn strings(v: Option<&serde_json::Value>) -> Vec<String> {
    v.and_then(|l| l.as_array()).map(|l| l.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// A message made ready for drafting: its bytes, its analysis (made again with the
/// same AnalyzeOptions: the analysis is deterministic, so the drafts name the
/// origin the caller shows), the ReportOptions and the parties asked for (`None`:
/// the offline parties). One function for both exports, so its code is there once.
struct Prepared {
    bytes: Vec<u8>,
    analysis: sendertrace_core::Analysis<'static>,
    options: ReportOptions,
    parties: Option<Vec<Option<Recipient>>>,
}

#[inline(never)]
fn prepare(input: JsValue, parties: JsValue, options: JsValue) -> Result<Prepared, JsValue> {
    sendertrace_core::charset::set_external_decoder(text_decoder);
    let v = json(options)?;
    let language = match v.get("language").and_then(|l| l.as_str()) {
        Some("ja") => Some(Language::Ja),
        Some("en") => Some(Language::En),
        _ => None,
    };
    let options = ReportOptions {
        utc_offset_minutes: v.get("utc_offset_minutes").and_then(|n| n.as_f64()).map_or(0, |n| n as i32),
        include_body: v.get("include_body").and_then(|b| b.as_bool()).unwrap_or(false),
        mask_recipient: v.get("mask_recipient").and_then(|b| b.as_bool()),
        recipient_addresses: strings(v.get("recipient_addresses")),
        language,
        reporter_address: v.get("reporter_address").and_then(|s| s.as_str()).map(str::to_string),
        now: v.get("now").and_then(|n| n.as_f64()).map(|n| n as i64),
    };
    let bytes = input_bytes(&input)?;
    let analysis = match sendertrace_core::analyze(&bytes, &analyze_options(&v["analyze"])?) {
        // Owned: it is kept beside the bytes it was read from.
        Ok(analysis) => analysis.into_owned(),
        Err(InputError { name, message }) => return Err(js_error(name.name(), message)),
    };
    let parties = match json(parties)? {
        serde_json::Value::Null => None,
        serde_json::Value::Array(items) => Some(items.iter().map(Recipient::from_trace_party).collect()),
        one => Some(vec![Recipient::from_trace_party(&one)]),
    };
    Ok(Prepared { bytes, analysis, options, parties })
}

/// `reportDrafts(input, parties, options)`: report drafts for a raw message (string
/// or bytes). `parties`: the trace report's parties (`report().parties`, a subset,
/// or one party), or `null` for the parties known without lookups (the origin's
/// network operator, the Japanese national channels that apply). `options`: see
/// docs/report-wire-format.md. Returns `{recipient_addresses, display_check,
/// drafts}`. Nothing is sent.
#[wasm_bindgen(js_name = reportDrafts)]
pub fn report_drafts(input: JsValue, parties: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let p = prepare(input, parties, options)?;
    let report = Report::new(&p.bytes, &p.analysis, p.options);
    let parties = p.parties.unwrap_or_else(|| report.offline_parties().into_iter().map(Some).collect());
    let drafts = parties.iter().map(|p| p.as_ref().map(|p| report.draft(p))).collect();
    to_js(&Drafts { recipient_addresses: report.recipient_addresses(), display_check: report.display_check(), drafts })
}

/// `reportArf(input, party, options)`: the draft for one party as an ARF message
/// (RFC 5965), bytes to save as `.eml`. `party` as in `reportDrafts` (`null`: the
/// first offline party). Throws `no-party` when there is none.
#[wasm_bindgen(js_name = reportArf)]
pub fn report_arf(input: JsValue, party: JsValue, options: JsValue) -> Result<Vec<u8>, JsValue> {
    let p = prepare(input, party, options)?;
    let report = Report::new(&p.bytes, &p.analysis, p.options);
    let party = match p.parties {
        Some(list) => list.into_iter().next().flatten(),
        None => report.offline_parties().into_iter().next(),
    };
    let party = party.ok_or_else(|| js_error("no-party", "no party to report to"))?;
    Ok(report.arf(&party))
}

/// JS numbers to whole seconds; negative or NaN times become 0 rather than wrapping.
fn seconds(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 { value as u64 } else { 0 }
}
