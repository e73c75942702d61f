//! `sendertrace rdap [--json] RESPONSE.json`: interpret one saved RDAP answer
//! offline (no network), exactly as a trace would.

use std::process::ExitCode;

use anyhow::Result;
use sendertrace_core::rdap::{interpret_bytes, AbuseContact, RdapSummary};

pub fn command(args: &[String]) -> Result<ExitCode> {
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
    if files.is_empty() {
        eprintln!("{}", crate::USAGE);
        return Ok(ExitCode::from(2));
    }
    let mut failed = false;
    for file in files {
        let bytes = crate::input::read_input(file)?;
        let summary = interpret_bytes(&bytes);
        failed |= summary.kind == "unknown";
        if json {
            println!("{}", serde_json::to_string(&summary)?);
        } else {
            print_text(file, &summary);
        }
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn print_text(file: &str, s: &RdapSummary) {
    println!("{file}: {}", s.kind);
    let line = |label: &str, value: &Option<String>| {
        if let Some(v) = value {
            println!("  {label:<12} {v}");
        }
    };
    line("handle", &s.handle);
    line("name", &s.name);
    line("org", &s.org);
    line("country", &s.country);
    if !s.cidrs.is_empty() {
        println!("  {:<12} {}", "cidrs", s.cidrs.join(", "));
    }
    for c in &s.abuse {
        println!("  {:<12} {}", "abuse", contact_text(c));
    }
    if let Some(r) = &s.registrar {
        println!(
            "  {:<12} {} (IANA id {})",
            "registrar",
            r.name.as_deref().unwrap_or("?"),
            r.iana_id.as_deref().unwrap_or("none")
        );
        for c in &r.abuse {
            println!("  {:<12} {}", "  abuse", contact_text(c));
        }
    }
    if let Some(r) = &s.registrant {
        let shown = r.org.as_deref().or(r.name.as_deref()).unwrap_or("?");
        println!("  {:<12} {shown}{}", "registrant", if r.privacy_proxy { " (privacy proxy / redacted)" } else { "" });
    }
    if !s.nameservers.is_empty() {
        println!("  {:<12} {}", "nameservers", s.nameservers.join(", "));
    }
    if let Some(nir) = &s.nir {
        println!("  {:<12} {} ({})", "nir", nir.name, nir.gateway);
    }
    if let Some(e) = &s.error {
        println!(
            "  {:<12} {} {}",
            "error",
            e.code.map(|c| c.to_string()).unwrap_or_default(),
            e.title.as_deref().unwrap_or("")
        );
    }
    for w in &s.warnings {
        println!("  warning: {w}");
    }
}

fn contact_text(c: &AbuseContact) -> String {
    let mut out = c.email.clone().unwrap_or_else(|| "(no e-mail)".into());
    if let Some(p) = &c.phone {
        out.push_str(&format!(", tel {p}"));
    }
    out.push_str(&format!(" [{}]", c.source));
    if c.placeholder {
        out.push_str(" NOT ACTIONABLE");
    }
    if let Some(w) = &c.warning {
        out.push_str(&format!(" — {}", w.text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_output_has_the_documented_keys() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/rdap-samples");
        assert!(dir.is_dir(), "recorded samples are read in place from {} — missing", dir.display());
        let s = interpret_bytes(&std::fs::read(dir.join("domain-verisign-google.com.json")).unwrap());
        let v = serde_json::to_value(&s).unwrap();
        for key in ["kind", "handle", "name", "org", "country", "cidrs", "abuse", "registrar", "nameservers", "warnings"] {
            assert!(v.get(key).is_some(), "missing key {key}");
        }
        assert_eq!(v["registrar"]["abuse"][0]["email"], "abusecomplaints@markmonitor.com");
        assert!(contact_text(&s.registrar.unwrap().abuse[0]).starts_with("abusecomplaints@markmonitor.com"));
    }
}
