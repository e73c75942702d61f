//! Reading messages from files and standard input.

use std::io::Read;

use anyhow::{Context, Result};

pub fn read_input(file: &str) -> Result<Vec<u8>> {
    if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).context("reading standard input")?;
        Ok(buf)
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {file}"))
    }
}

