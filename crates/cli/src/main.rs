//! `sendertrace`: the command-line driver.
//!
//! `sendertrace analyze [--json] FILE... | -` analyses messages offline;
//! `sendertrace trace` performs the lookups; `sendertrace rdap` reads a saved RDAP answer.

use std::process::ExitCode;

use anyhow::Result;

mod analyze;
mod input;
mod rdap;
mod report;
mod trace;

pub const USAGE: &str = "usage: sendertrace analyze [--json] FILE... | -\n       sendertrace trace [--json] [--no-dns] [--refresh-bootstrap] FILE | -\n                 (lookups; SENDERTRACE_RDAP_PROXY=http://HOST:PORT replays, SENDERTRACE_DOH=URL|off)\n       sendertrace rdap [--json] RESPONSE.json  (interpret a saved RDAP answer)\n       sendertrace report [--party N] [--format text|arf|json] [--lang ja|en] [--mask-recipient|--no-mask-recipient]\n                          [--body] [--recipient ADDR] [--tz-offset +HH:MM] [--parties TRACE.json] FILE | -\n                          (a report draft on stdout; nothing is sent)";

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
        "analyze" => analyze::command(rest),
        "rdap" => rdap::command(rest),
        "trace" => trace::command(rest),
        "report" => report::command(rest),
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

