//! `sendertrace analyze`: offline analysis of messages.

use std::process::ExitCode;

use anyhow::Result;
use sendertrace_core::{analyze, Analysis, AnalyzeOptions};

pub fn command(args: &[String]) -> Result<ExitCode> {
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
    if files.is_empty() {
        eprintln!("{}", crate::USAGE);
        return Ok(ExitCode::from(2));
    }
    let options = AnalyzeOptions::default();
    let mut failed = false;
    for file in files {
        let raw = crate::input::read_input(file)?;
        match analyze(&raw, &options) {
            Ok(analysis) => print_analysis(file, &analysis, json)?,
            Err(err) => {
                eprintln!("sendertrace: {file}: {err}");
                failed = true;
            }
        }
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn print_analysis(file: &str, analysis: &Analysis, json: bool) -> Result<()> {
    if json {
        let mut value = serde_json::to_value(analysis)?;
        value["file"] = serde_json::Value::String(file.to_string());
        println!("{}", serde_json::to_string(&value)?);
        return Ok(());
    }
    println!("{file}");
    match &analysis.origin {
        Some(o) => println!("  origin: {} ({})", o.ip, o.host.as_deref().unwrap_or("no name")),
        None => println!("  origin: undetermined"),
    }
    for hop in &analysis.hops {
        println!(
            "  hop {}: from {} [{}] by {}",
            hop.index,
            hop.from_host.as_deref().unwrap_or("?"),
            hop.from_ip.as_deref().unwrap_or("?"),
            hop.by_host.as_deref().unwrap_or("?")
        );
    }
    Ok(())
}
