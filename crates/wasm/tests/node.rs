//! Runs under node via wasm-bindgen-test-runner: the JS boundary as the extension sees it.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const MSG: &str = "Received: from out.example.net (out.example.net [198.51.100.20]) by mx.example.jp with ESMTP id abc; Tue, 3 Nov 2026 10:15:30 +0900\r\nSubject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\r\nFrom: a@example.net\r\n\r\nbody\r\n";

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn analyze_string_and_bytes_agree() {
    let a = sendertrace_wasm::analyze(JsValue::from_str(MSG), JsValue::UNDEFINED).unwrap();
    let bytes = js_sys::Uint8Array::from(MSG.as_bytes());
    let b = sendertrace_wasm::analyze(bytes.into(), JsValue::NULL).unwrap();
    let ip_a = get(&get(&a, "origin"), "ip").as_string().unwrap();
    let ip_b = get(&get(&b, "origin"), "ip").as_string().unwrap();
    assert_eq!(ip_a, "198.51.100.20");
    assert_eq!(ip_a, ip_b);
    let subject = get(&get(&a, "identities"), "subject").as_string().unwrap();
    assert_eq!(subject, "テスト");
}

#[wasm_bindgen_test]
fn prose_throws_named_error() {
    let err = sendertrace_wasm::analyze(JsValue::from_str("just some words"), JsValue::UNDEFINED).unwrap_err();
    let err: js_sys::Error = err.into();
    assert_eq!(String::from(err.name()), "not-a-header-block");
}

#[wasm_bindgen_test]
fn bad_argument_is_named() {
    let err = sendertrace_wasm::analyze(JsValue::from_f64(42.0), JsValue::UNDEFINED).unwrap_err();
    let err: js_sys::Error = err.into();
    assert_eq!(String::from(err.name()), "bad-argument");
}

const REPORT_MSG: &str = "Delivered-To: me@example.jp\r\nReceived: from mx.example.jp by mbox.example.jp with LMTP; Tue, 3 Nov 2026 10:15:31 +0900\r\nReceived: from out.example.net (out.example.net [198.51.100.20]) by mx.example.jp with ESMTP id abc for <me@example.jp>; Tue, 3 Nov 2026 10:15:30 +0900\r\nSubject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\r\nFrom: a@example.net\r\nTo: me@example.jp\r\n\r\nbody\r\n";

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap()
}

#[wasm_bindgen_test]
fn report_drafts_offline_masks_the_recipient() {
    let out = sendertrace_wasm::report_drafts(JsValue::from_str(REPORT_MSG), JsValue::NULL, json(r#"{"utc_offset_minutes":540}"#)).unwrap();
    let addresses = js_sys::Array::from(&get(&out, "recipient_addresses"));
    assert_eq!(addresses.get(0).as_string().as_deref(), Some("me@example.jp"));
    let drafts = js_sys::Array::from(&get(&out, "drafts"));
    // The network operator, then 迷惑メール相談センター (a .jp recipient, Japanese subject).
    assert!(drafts.length() >= 2, "{}", drafts.length());
    let first = drafts.get(0);
    assert_eq!(get(&first, "role").as_string().as_deref(), Some("network_operator"));
    assert_eq!(get(&first, "requires_confirmation").as_bool(), Some(false));
    let subject = get(&first, "subject").as_string().unwrap();
    assert!(subject.contains("198.51.100.20"), "{subject}");
    let text = get(&first, "text").as_string().unwrap();
    assert!(text.contains("recipient@masked.invalid"), "{text}");
    assert!(!text.to_ascii_lowercase().contains("me@example.jp"), "{text}");
    assert_eq!(get(&drafts.get(1), "kind").as_string().as_deref(), Some("dekyo"));
    assert_eq!(get(&drafts.get(1), "requires_confirmation").as_bool(), Some(true));
}

#[wasm_bindgen_test]
fn report_drafts_for_trace_parties_and_unmasked() {
    let party = json(
        r#"[{"role":"network-operator","name":"Example Net","subject":"198.51.100.20","contacts":[{"kind":"email","value":"abuse@example.net","source":"rdap","actionable":true},{"kind":"email","value":"noc@example.net","source":"rdap","actionable":false}],"notes":[]},{"nothing":1}]"#,
    );
    let out = sendertrace_wasm::report_drafts(JsValue::from_str(REPORT_MSG), party, json(r#"{"mask_recipient":false,"language":"en"}"#)).unwrap();
    let drafts = js_sys::Array::from(&get(&out, "drafts"));
    assert_eq!(drafts.length(), 2);
    assert!(drafts.get(1).is_null());
    let d = drafts.get(0);
    let to = js_sys::Array::from(&get(&d, "to"));
    assert_eq!(to.length(), 1);
    assert_eq!(to.get(0).as_string().as_deref(), Some("abuse@example.net"));
    assert_eq!(get(&d, "language").as_string().as_deref(), Some("en"));
    assert_eq!(get(&d, "masked").as_bool(), Some(false));
    assert!(get(&d, "text").as_string().unwrap().contains("for <me@example.jp>"));
    assert!(get(&d, "mailto").as_string().unwrap().starts_with("mailto:abuse@example.net?subject="));
}

#[wasm_bindgen_test]
fn report_arf_is_a_feedback_report() {
    let options = json(r#"{"include_body":true,"now":1793613600,"analyze":{"trustedForwarders":[]}}"#);
    let arf = sendertrace_wasm::report_arf(JsValue::from_str(REPORT_MSG), JsValue::NULL, options).unwrap();
    let text = String::from_utf8(arf).unwrap();
    assert!(text.contains("Content-Type: multipart/report; report-type=feedback-report;"), "{text}");
    assert!(text.contains("\r\nSource-IP: 198.51.100.20\r\n"), "{text}");
    assert!(text.contains("\r\nContent-Type: message/rfc822\r\n"), "{text}");
    assert!(text.contains("\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n"), "{text}");
    assert!(!text.contains("me@example.jp"));
}

#[wasm_bindgen_test]
fn report_errors_are_named() {
    let err = sendertrace_wasm::report_drafts(JsValue::from_str("just some words"), JsValue::NULL, JsValue::UNDEFINED).unwrap_err();
    assert_eq!(String::from(js_sys::Error::from(err).name()), "not-a-header-block");
    let no_origin = "Subject: hi\r\nFrom: a@example.net\r\n\r\nx\r\n";
    let err = sendertrace_wasm::report_arf(JsValue::from_str(no_origin), JsValue::NULL, JsValue::NULL).unwrap_err();
    assert_eq!(String::from(js_sys::Error::from(err).name()), "no-party");
}

#[wasm_bindgen_test]
fn trace_options_are_read_and_checked() {
    let public = MSG.replace("198.51.100.20", "13.64.20.30");
    let analysis = sendertrace_wasm::analyze(JsValue::from_str(&public), JsValue::UNDEFINED).unwrap();
    let first_request = |options: JsValue| {
        let mut trace = sendertrace_wasm::WasmTrace::new(analysis.clone(), options, 1_800_000_000.0).unwrap();
        trace.poll_request().unwrap()
    };
    let given = first_request(json(r#"{"timeout_ms":1234,"doh_resolver":null,"hosting":false,"bootstrap_files":{}}"#));
    assert_eq!(get(&given, "timeout_ms").as_f64(), Some(1234.0));
    assert!(get(&given, "url").as_string().unwrap().ends_with("/ip/13.64.20.30"), "{:?}", get(&given, "url"));
    let defaults = first_request(JsValue::NULL);
    assert_eq!(get(&defaults, "timeout_ms").as_f64(), Some(15000.0));
    for bad in [r#"{"timeout_ms":-1}"#, r#"{"hosting":"yes"}"#, r#"{"doh_resolver":5}"#, r#"{"bootstrap_files":[1]}"#, r#""fast""#] {
        let err = sendertrace_wasm::WasmTrace::new(analysis.clone(), json(bad), 0.0).err().expect(bad);
        assert_eq!(String::from(js_sys::Error::from(err).name()), "bad-argument", "{bad}");
    }
}

#[wasm_bindgen_test]
fn analyze_options_are_checked() {
    let err = sendertrace_wasm::analyze(JsValue::from_str(MSG), json(r#"{"trustedForwarders":"mx.example.jp"}"#)).unwrap_err();
    assert_eq!(String::from(js_sys::Error::from(err).name()), "bad-argument");
    let forwarded = sendertrace_wasm::analyze(JsValue::from_str(MSG), json(r#"{"trustedForwarders":["198.51.100.20"]}"#)).unwrap();
    // The declared forwarder is followed: that hop is no longer the origin.
    let origin = get(&forwarded, "origin");
    assert!(origin.is_null() || get(&origin, "ip").as_string().as_deref() != Some("198.51.100.20"));
    let plain = sendertrace_wasm::analyze(JsValue::from_str(MSG), json("{}")).unwrap();
    assert_eq!(get(&get(&plain, "origin"), "ip").as_string().as_deref(), Some("198.51.100.20"));
}
