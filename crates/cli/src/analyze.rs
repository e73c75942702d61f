//! `sendertrace analyze [--json] FILE... | -`: offline analysis of messages.
//!
//! FILE may be a message, an mbox file or a Maildir folder. `--json` prints one
//! object per message and line (the wire format of docs/wire-format.md plus the
//! CLI-only `file` key). Exit code 0 when every input was analysed (even without an
//! origin), 1 when some input was not a message, 2 for usage errors.

use std::process::ExitCode;

use anyhow::Result;
use sendertrace_core::{analyze, Analysis, AnalyzeOptions};

pub fn command(args: &[String]) -> Result<ExitCode> {
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
    if files.is_empty() || files.iter().any(|f| f.starts_with("--")) {
        eprintln!("{}", crate::USAGE);
        return Ok(ExitCode::from(2));
    }
    let options = AnalyzeOptions {
        now: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs() as i64),
        ..AnalyzeOptions::default()
    };
    let mut failed = false;
    for file in files {
        let items = match crate::input::read_items(file) {
            Ok(items) => items,
            Err(err) => {
                eprintln!("sendertrace: {err:#}");
                failed = true;
                continue;
            }
        };
        for item in items {
            match analyze(&item.bytes, &options) {
                Ok(analysis) => print_analysis(&item.name, &analysis, json)?,
                Err(err) => {
                    eprintln!("sendertrace: {}: {} ({})", item.name, err, err.name.name());
                    failed = true;
                }
            }
        }
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn or<'a, S: std::ops::Deref<Target = str>>(v: &'a Option<S>, dflt: &'a str) -> &'a str {
    v.as_deref().unwrap_or(dflt)
}

fn print_analysis(file: &str, a: &Analysis, json: bool) -> Result<()> {
    if json {
        let mut value = serde_json::to_value(a)?;
        if let Some(obj) = value.as_object_mut() {
            // `file` first, as documented.
            let mut out = serde_json::Map::new();
            out.insert("file".into(), serde_json::Value::String(file.to_string()));
            out.extend(std::mem::take(obj));
            value = serde_json::Value::Object(out);
        }
        println!("{}", serde_json::to_string(&value)?);
        return Ok(());
    }
    println!("== {file}");
    let ids = &a.identities;
    println!("  From:      {}{}", ids.from_name.as_deref().map(|n| format!("{n} ")).unwrap_or_default(), or(&ids.from, "-"));
    println!("  Subject:   {}", or(&ids.subject, "-"));
    println!("  Date:      {}", or(&ids.date, "-"));
    if let Some(rt) = &ids.reply_to {
        println!("  Reply-To:  {rt}");
    }
    match &a.origin {
        Some(o) => {
            println!("  Origin:    {} ({}) at hop {}, confidence {:?}", o.ip, o.host.as_deref().unwrap_or("no name"), o.hop, o.confidence);
            for r in &o.reasons {
                println!("             - {}", r.text());
            }
        }
        None => println!("  Origin:    not found"),
    }
    if let Some(s) = &a.service {
        println!("  Service:   {} ({})", s.name, s.kind);
        for (k, v) in &s.account {
            println!("             {k}: {v}");
        }
        if let Some(ip) = &s.client_ip {
            println!("             client IP stamped by the service: {ip}");
        }
    }
    let au = &a.auth;
    println!(
        "  Auth:      {:?} (from {}; spf {}, dkim {}, dmarc {})",
        au.verdict,
        or(&au.from_domain, "-"),
        or(&au.spf, "-"),
        if au.dkim.is_empty() {
            "-".to_string()
        } else {
            au.dkim.iter().map(|d| format!("{}:{}", d.result, d.domain.as_deref().unwrap_or("?"))).collect::<Vec<_>>().join(",")
        },
        or(&au.dmarc, "-")
    );
    println!("  Hops (newest first):");
    for h in &a.hops {
        let class = match h.class {
            sendertrace_core::received::HopClass::Internal => "internal",
            sendertrace_core::received::HopClass::Handoff => "HANDOFF ",
            sendertrace_core::received::HopClass::Claimed => "claimed ",
        };
        let delay = h.delay_seconds.map(|d| format!(" +{d}s").replace("+-", "-")).unwrap_or_default();
        println!(
            "   {:>2} {class} from {} [{}] by {}{}",
            h.index,
            h.from_rdns.as_deref().or(h.helo.as_deref()).or(h.from_host.as_deref()).unwrap_or("?"),
            h.from_ip.as_deref().unwrap_or("-"),
            h.by_host.as_deref().unwrap_or("?"),
            delay
        );
        println!("               {}", h.reason.text());
    }
    if !a.findings.is_empty() {
        println!("  Findings:");
        for f in &a.findings {
            println!("   [{}] {}", f.code, f.text());
        }
    }
    Ok(())
}
