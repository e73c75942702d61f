//! `sendertrace`: the command-line driver.
//!
//! `sendertrace analyze [--json] FILE... | -` analyses messages offline.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, Result};
use sendertrace_core::{analyze, Analysis, AnalyzeOptions};

const USAGE: &str = "usage: sendertrace analyze [--json] FILE... | -";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("sendertrace: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<ExitCode> {
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return Ok(ExitCode::from(2));
    };
    match command.as_str() {
        "analyze" => analyze_command(rest),
        "--help" | "-h" | "help" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => {
            eprintln!("sendertrace: unknown command '{other}'\n{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}

fn analyze_command(args: &[String]) -> Result<ExitCode> {
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--json").collect();
    if files.is_empty() {
        eprintln!("{USAGE}");
        return Ok(ExitCode::from(2));
    }
    let options = AnalyzeOptions::default();
    let mut failed = false;
    for file in files {
        let raw = read_input(file)?;
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

fn read_input(file: &str) -> Result<Vec<u8>> {
    if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).context("reading standard input")?;
        Ok(buf)
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {file}"))
    }
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
