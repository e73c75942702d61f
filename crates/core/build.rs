//! Compacts the bundled IANA RDAP bootstrap files (RFC 9224) at build time.
//!
//! `data/iana-bootstrap/*.json` are IANA's files as published (pretty JSON, about
//! 80 KB). The wasm only needs the entries and the HTTPS base URLs, so this writes
//! `$OUT_DIR/bootstrap-<name>.txt`, one service per line:
//!
//! ```text
//! publication <RFC 3339 date>
//! https://rdap.verisign.com/com/v1/<TAB>com net
//! ```
//!
//! `bootstrap.rs` reads that form back with `Registry::from_compact`. Plain-http
//! base URLs are dropped here because the core only ever asks for HTTPS.
//!
//! Most DNS services serve one TLD from a URL that contains the TLD
//! (`https://rdap.nic.bar/`, `https://rdap.centralnic.com/bar/`); those are written
//! once per URL pattern with `{}` standing for the label, which halves the DNS file
//! (about 2 KB less in the gzipped wasm).

use std::{env, fs, path::Path};

const FILES: &[&str] = &["dns", "ipv4", "ipv6", "asn", "object-tags"];

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for name in FILES {
        let src = format!("data/iana-bootstrap/{name}.json");
        println!("cargo:rerun-if-changed={src}");
        let text = fs::read_to_string(&src).unwrap_or_else(|e| panic!("reading {src}: {e}"));
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{src} is not JSON: {e}"));
        let mut compact = String::new();
        if let Some(p) = json["publication"].as_str() {
            compact.push_str(&format!("publication {p}\n"));
        }
        // URL pattern → labels, in first-seen order (for single-label DNS services).
        let mut patterns: Vec<(String, Vec<String>)> = Vec::new();
        for service in json["services"].as_array().unwrap_or_else(|| panic!("{src}: no services array")) {
            let parts = service.as_array().expect("a service is an array");
            // object-tags.json has [contacts, tags, urls]; the others [entries, urls].
            let (entries, urls) = if parts.len() == 3 { (&parts[1], &parts[2]) } else { (&parts[0], &parts[1]) };
            let urls: Vec<&str> =
                urls.as_array().into_iter().flatten().filter_map(|u| u.as_str()).filter(|u| u.starts_with("https://")).collect();
            let entries: Vec<&str> = entries.as_array().into_iter().flatten().filter_map(|e| e.as_str()).collect();
            if urls.is_empty() || entries.is_empty() {
                continue;
            }
            if *name == "dns" && entries.len() == 1 && urls.len() == 1 && urls[0].matches(entries[0]).count() == 1 {
                let pattern = urls[0].replace(entries[0], "{}");
                match patterns.iter_mut().find(|(p, _)| *p == pattern) {
                    Some((_, labels)) => labels.push(entries[0].to_string()),
                    None => patterns.push((pattern, vec![entries[0].to_string()])),
                }
                continue;
            }
            compact.push_str(&format!("{}\t{}\n", urls.join(" "), entries.join(" ")));
        }
        for (pattern, labels) in patterns {
            compact.push_str(&format!("{pattern}\t{}\n", labels.join(" ")));
        }
        fs::write(Path::new(&out).join(format!("bootstrap-{name}.txt")), compact).expect("writing OUT_DIR");
    }
}
