//! The origin over EVERY file of the shared dev corpus (`../shared/corpus/dev`,
//! read in place: the files are third-party and one licence is non-commercial, so
//! they are never copied into this repository). `labels.tsv` holds the adjudicated
//! origin IP per file. Run with LF and with CRLF line ends; every miss is listed.

use std::path::PathBuf;

use sendertrace_core::{analyze, AnalyzeOptions};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev")
}

fn to_lf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\r' && raw.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

fn to_crlf(raw: &[u8]) -> Vec<u8> {
    let lf = to_lf(raw);
    let mut out = Vec::with_capacity(lf.len() + lf.len() / 40);
    for &b in &lf {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// (file, expected origin ip or "")
fn labels() -> Vec<(String, String)> {
    let dir = corpus_dir();
    let path = dir.join("labels.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the shared dev corpus is missing: ../shared (expected {}) could not be read ({e}). \
             The corpus test reads it in place and must not pass without it.",
            path.display()
        )
    });
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split('\t');
            Some((cols.next()?.to_string(), cols.next()?.to_string()))
        })
        .collect()
}

fn score(name: &str, convert: fn(&[u8]) -> Vec<u8>) {
    let labels = labels();
    assert!(!labels.is_empty(), "labels.tsv has no rows");
    // Every corpus file must be labelled and analysed.
    let on_disk = std::fs::read_dir(corpus_dir())
        .expect("corpus dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".eml"))
        .count();
    assert_eq!(on_disk, labels.len(), "every .eml file must have a label");
    let mut misses = Vec::new();
    for (file, expected) in &labels {
        let raw = std::fs::read(corpus_dir().join(file)).expect("read corpus file");
        let input = convert(&raw);
        let got = match analyze(&input, &AnalyzeOptions::default()) {
            Ok(a) => a.origin.map(|o| o.ip.to_string()).unwrap_or_default(),
            Err(e) => format!("error:{}", e.name.name()),
        };
        if &got != expected {
            misses.push(format!("  {file}: expected {expected:?}, got {got:?}"));
        }
    }
    let total = labels.len();
    let ok = total - misses.len();
    println!("dev corpus ({name}): {ok}/{total} origins match the labels");
    for m in &misses {
        println!("{m}");
    }
    assert!(ok * 100 >= total * 99, "{name}: only {ok}/{total} match (need 99%):\n{}", misses.join("\n"));
}

#[test]
fn dev_corpus_origin_lf() {
    score("LF", to_lf);
}

#[test]
fn dev_corpus_origin_crlf() {
    score("CRLF", to_crlf);
}
