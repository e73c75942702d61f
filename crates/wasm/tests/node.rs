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
