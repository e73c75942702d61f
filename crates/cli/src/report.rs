//! `sendertrace report [--party N] [--format text|arf|json] [--lang ja|en]
//! [--mask-recipient|--no-mask-recipient] [--body] [--recipient ADDR]
//! [--tz-offset ±HH:MM|MINUTES] [--parties FILE.json] FILE|-`
//!
//! Writes one report draft to standard output; never sends anything. The parties
//! come from the offline analysis (party 0: the network that owns the origin IP,
//! then the Japanese national channels that apply), or from `--parties`, a JSON file
//! with a `parties` array (the output of `sendertrace trace --json`) or a list of
//! parties. The list of parties goes to standard error so the draft stays clean.

use std::io::Write;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use sendertrace_core::report::{Language, Recipient, Report, ReportOptions, Role};
use sendertrace_core::{analyze, AnalyzeOptions};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Text,
    Arf,
    Json,
}

struct Args {
    party: usize,
    format: Format,
    lang: Option<Language>,
    mask: Option<bool>,
    body: bool,
    recipients: Vec<String>,
    tz_offset: Option<i32>,
    parties: Option<String>,
    file: String,
}

fn parse_args(args: &[String]) -> Result<Args> {
    let mut out = Args {
        party: 0,
        format: Format::Text,
        lang: None,
        mask: None,
        body: false,
        recipients: Vec::new(),
        tz_offset: None,
        parties: None,
        file: String::new(),
    };
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it.next().cloned().with_context(|| format!("{name} needs a value")),
            }
        };
        match flag {
            "--party" => out.party = value("--party")?.parse().context("--party takes a number")?,
            "--format" => {
                out.format = match value("--format")?.as_str() {
                    "text" => Format::Text,
                    "arf" => Format::Arf,
                    "json" => Format::Json,
                    other => bail!("unknown format '{other}' (text, arf or json)"),
                }
            }
            "--lang" => {
                out.lang = Some(match value("--lang")?.as_str() {
                    "ja" => Language::Ja,
                    "en" => Language::En,
                    other => bail!("unknown language '{other}' (ja or en)"),
                })
            }
            "--mask-recipient" => out.mask = Some(true),
            "--no-mask-recipient" => out.mask = Some(false),
            "--body" => out.body = true,
            "--recipient" => out.recipients.push(value("--recipient")?),
            "--tz-offset" => out.tz_offset = Some(parse_offset(&value("--tz-offset")?)?),
            "--parties" => out.parties = Some(value("--parties")?),
            f if f.starts_with("--") => bail!("unknown option '{f}'"),
            _ => files.push(a.clone()),
        }
    }
    match files.as_slice() {
        [file] => out.file = file.clone(),
        _ => bail!("give exactly one message file (or -)\n{}", crate::USAGE),
    }
    Ok(out)
}

/// `+09:00`, `-0530`, `540` (minutes).
fn parse_offset(s: &str) -> Result<i32> {
    let s = s.trim();
    let signed = match s.as_bytes().first() {
        Some(b'+') => Some((1, &s[1..])),
        Some(b'-') => Some((-1, &s[1..])),
        _ => None,
    };
    if let Some((sign, rest)) = signed {
        let digits: String = rest.chars().filter(|c| *c != ':').collect();
        if digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()) {
            let h: i32 = digits[..2].parse()?;
            let m: i32 = digits[2..].parse()?;
            return Ok(sign * (h * 60 + m));
        }
    }
    s.parse::<i32>().map_err(|_| anyhow::anyhow!("--tz-offset takes ±HH:MM, ±HHMM or minutes"))
}

/// The system's offset from UTC at `timestamp` (so daylight saving is right for the
/// day the message arrived), from the C library's view of `TZ` / /etc/localtime.
#[cfg(unix)]
fn local_offset_minutes(timestamp: i64) -> i32 {
    let t = timestamp as libc::time_t;
    // SAFETY: localtime_r writes only into the `tm` we own and reads `t`.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if ok { (tm.tm_gmtoff / 60) as i32 } else { 0 }
}

#[cfg(not(unix))]
fn local_offset_minutes(_timestamp: i64) -> i32 {
    0
}

fn role_text(r: &Recipient) -> String {
    let role = match r.role {
        Role::NetworkOperator => "network operator",
        Role::SendingService => "sending service",
        Role::Registrar => "registrar",
        Role::DnsHost => "DNS host",
        Role::WebHost => "web host",
        Role::MailHost => "mail host",
        Role::NationalChannel => "national channel",
    };
    format!("{role}: {}", r.name.as_deref().unwrap_or("(name unknown offline)"))
}

fn load_parties(path: &str) -> Result<Vec<Recipient>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
    let value: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("{path} is not JSON"))?;
    let list = value.get("parties").unwrap_or(&value);
    let items = list.as_array().map(|a| a.to_vec()).unwrap_or_else(|| vec![list.clone()]);
    let parties: Vec<Recipient> = items.iter().filter_map(Recipient::from_json).collect();
    if parties.is_empty() {
        bail!("{path} holds no parties");
    }
    Ok(parties)
}

pub fn command(args: &[String]) -> Result<ExitCode> {
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("sendertrace report: {e:#}\n{}", crate::USAGE);
            return Ok(ExitCode::from(2));
        }
    };
    let raw = crate::input::read_input(&args.file)?;
    let analysis = match analyze(&raw, &AnalyzeOptions::default()) {
        Ok(a) => a,
        Err(err) => {
            eprintln!("sendertrace: {}: {err}", args.file);
            return Ok(ExitCode::from(1));
        }
    };
    let arrival = analysis
        .origin
        .as_ref()
        .and_then(|o| analysis.hops.iter().take(o.hop + 1).rev().find_map(|h| h.timestamp))
        .or_else(|| analysis.hops.first().and_then(|h| h.timestamp));
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).ok();
    let offset = args.tz_offset.unwrap_or_else(|| local_offset_minutes(arrival.or(now).unwrap_or(0)));
    let options = ReportOptions {
        utc_offset_minutes: offset,
        include_body: args.body,
        mask_recipient: args.mask,
        recipient_addresses: args.recipients.clone(),
        language: args.lang,
        reporter_address: None,
        now,
    };
    let report = Report::new(&raw, &analysis, options);
    let parties = match &args.parties {
        Some(path) => load_parties(path)?,
        None => report.offline_parties(),
    };
    for (i, p) in parties.iter().enumerate() {
        eprintln!("party {i}: {}", role_text(p));
    }
    let Some(party) = parties.get(args.party) else {
        eprintln!(
            "sendertrace report: no party {} ({} known{})",
            args.party,
            parties.len(),
            if analysis.origin.is_none() { "; no origin IP was found" } else { "" }
        );
        return Ok(ExitCode::from(1));
    };
    let mut stdout = std::io::stdout().lock();
    match args.format {
        Format::Arf => stdout.write_all(&report.arf(party))?,
        Format::Json => writeln!(stdout, "{}", serde_json::to_string_pretty(&report.draft(party))?)?,
        Format::Text => {
            let d = report.draft(party);
            for n in &d.notes {
                eprintln!("note: {}", n.text);
            }
            if !d.to.is_empty() {
                writeln!(stdout, "To: {}", d.to.join(", "))?;
            }
            if let Some(f) = &d.form_url {
                writeln!(stdout, "Form: {f}")?;
            }
            writeln!(stdout, "Subject: {}\n", d.subject)?;
            stdout.write_all(d.text.as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_parse() {
        assert_eq!(parse_offset("+09:00").unwrap(), 540);
        assert_eq!(parse_offset("-0530").unwrap(), -330);
        assert_eq!(parse_offset("60").unwrap(), 60);
        assert!(parse_offset("JST").is_err());
    }

    #[test]
    fn arguments_parse() {
        let a: Vec<String> = ["--party", "1", "--format=arf", "--lang", "ja", "--mask-recipient", "m.eml"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let p = parse_args(&a).unwrap();
        assert_eq!((p.party, p.format, p.lang, p.mask, p.file.as_str()), (1, Format::Arf, Some(Language::Ja), Some(true), "m.eml"));
        assert!(parse_args(&["--format".to_string(), "pdf".to_string(), "x".to_string()]).is_err());
    }

    #[test]
    fn every_format_writes_a_draft_for_the_fixtures() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/report/");
        for file in ["ipv4-ja.eml", "ipv6-en.eml"] {
            for format in ["text", "arf", "json"] {
                let args: Vec<String> =
                    ["--format", format, "--tz-offset", "+09:00", "--body", &format!("{dir}{file}")].iter().map(|s| s.to_string()).collect();
                let code = command(&args).unwrap();
                assert_eq!(format!("{code:?}"), format!("{:?}", ExitCode::SUCCESS), "{file} {format}");
            }
        }
        let args: Vec<String> = ["--party", "7", &format!("{dir}ipv6-en.eml")].iter().map(|s| s.to_string()).collect();
        assert_eq!(format!("{:?}", command(&args).unwrap()), format!("{:?}", ExitCode::from(1)));
    }
}
