//! `sendertrace trace [--json] FILE|-`: analyse a message and perform its lookups.

use std::process::ExitCode;

use anyhow::Result;

pub fn command(_args: &[String]) -> Result<ExitCode> {
    eprintln!("sendertrace: trace is not implemented yet");
    Ok(ExitCode::from(2))
}
