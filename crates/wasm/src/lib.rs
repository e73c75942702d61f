//! Thin wasm-bindgen facade over `sendertrace-core`.
//!
//! Plain JSON-compatible objects cross the boundary (serde-wasm-bindgen, with
//! `null` for missing values so the shape matches the CLI's `--json`). Errors are
//! thrown as JS `Error`s whose `name` is the core's error name, so JavaScript can
//! branch on it and translate it.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use sendertrace_core::{AnalyzeOptions, InputError};

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| js_error("internal", &e.to_string()))
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
    let options: AnalyzeOptions = if options.is_undefined() || options.is_null() {
        AnalyzeOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options).map_err(|e| js_error("bad-argument", &e.to_string()))?
    };
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
