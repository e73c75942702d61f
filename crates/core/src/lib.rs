//! # sendertrace-core
//!
//! Everything SenderTrace knows, with no I/O: message analysis (hops, the trusted
//! handoff, authentication, identities, findings), and — in later modules — lookup
//! planning, RDAP / whois interpretation, the verdict and report drafts.
//!
//! What this crate never does: open a socket, read a file, read the clock or draw a
//! random number. Time is an argument. Drivers (the CLI, the extension, the `www/`
//! page, the tests) perform I/O and feed the results in.
//!
//! The serialised forms of the public types are the **wire format** shared by the
//! CLI's `--json` output and the wasm DTOs; see `docs/wire-format.md`.

pub mod analysis;
pub mod arc;
pub mod auth;
pub mod bootstrap;
pub mod charset;
pub mod dns;
pub mod findings;
pub mod headers;
pub mod identities;
pub mod jpnic;
pub mod knowledge;
pub mod message;
pub mod origin;
pub mod politeness;
pub mod providers;
pub mod psl;
pub mod rdap;
pub mod reason;
pub mod received;
pub mod report;
pub mod stamps;
pub mod text;
pub mod trace;
pub mod verdict;
pub mod warning;

pub use analysis::{analyze, Analysis, AnalyzeOptions, InputError, InputErrorKind};
pub use origin::{Confidence, Origin};
pub use reason::Reason;
