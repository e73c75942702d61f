//! Reading messages from files, standard input, mbox files and Maildir folders.

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};

/// The bytes of one file (or standard input for `-`).
pub fn read_input(file: &str) -> Result<Vec<u8>> {
    if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).context("reading standard input")?;
        Ok(buf)
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {file}"))
    }
}

/// One message to analyse: a display name (path, `path#N` inside an mbox) and bytes.
pub struct Item {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Expand one command-line argument into messages: a Maildir folder (its `cur/` and
/// `new/`, or the files directly inside), an mbox file (several `From ` separated
/// messages), or a single message.
pub fn read_items(arg: &str) -> Result<Vec<Item>> {
    let path = Path::new(arg);
    if arg != "-" && path.is_dir() {
        return read_maildir(path);
    }
    let bytes = read_input(arg)?;
    let messages = split_mbox(&bytes);
    if messages.len() > 1 {
        return Ok(messages
            .into_iter()
            .enumerate()
            .map(|(i, m)| Item { name: format!("{arg}#{}", i + 1), bytes: m.to_vec() })
            .collect());
    }
    Ok(vec![Item { name: arg.to_string(), bytes }])
}

fn read_maildir(dir: &Path) -> Result<Vec<Item>> {
    let subdirs: Vec<_> = ["cur", "new"].iter().map(|s| dir.join(s)).filter(|p| p.is_dir()).collect();
    let folders = if subdirs.is_empty() { vec![dir.to_path_buf()] } else { subdirs };
    let mut items = Vec::new();
    for folder in folders {
        let mut entries: Vec<_> = std::fs::read_dir(&folder)
            .with_context(|| format!("cannot list {}", folder.display()))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        entries.sort();
        for p in entries {
            let bytes = std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?;
            items.push(Item { name: p.display().to_string(), bytes });
        }
    }
    if items.is_empty() {
        bail!("{}: no messages in this folder", dir.display());
    }
    Ok(items)
}

/// Split an mbox (RFC 4155): a message starts at a line beginning with `From `
/// at the start of the file or after an empty line.
pub fn split_mbox(bytes: &[u8]) -> Vec<&[u8]> {
    if !bytes.starts_with(b"From ") {
        return vec![bytes];
    }
    let mut starts = vec![0];
    let mut i = 0;
    while let Some(p) = bytes[i..].iter().position(|&b| b == b'\n') {
        let line_start = i + p + 1;
        if bytes[line_start..].starts_with(b"From ") {
            let before = &bytes[..line_start];
            if before.ends_with(b"\n\n") || before.ends_with(b"\r\n\r\n") {
                starts.push(line_start);
            }
        }
        i = line_start;
        if i >= bytes.len() {
            break;
        }
    }
    starts.push(bytes.len());
    starts.windows(2).map(|w| &bytes[w[0]..w[1]]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mbox_splits_on_separators_after_blank_lines() {
        let mbox = b"From a@b Mon Jan  1 00:00:00 2026\nSubject: 1\n\nhello\nFrom the body, not a separator\n\nFrom c@d Mon Jan  1 00:00:00 2026\nSubject: 2\n\nx\n";
        let parts = split_mbox(mbox);
        assert_eq!(parts.len(), 2);
        assert!(parts[1].starts_with(b"From c@d"));
        assert_eq!(split_mbox(b"Subject: x\n\n").len(), 1);
    }
}
