//! Report drafts: for each responsible party, a text draft, a `mailto:` URL, the
//! web-form fields in the form's order and an ARF (RFC 5965) message — all built here
//! so the CLI, the extension and `www/` send the same words.
//!
//! What this module never does: send anything, read the clock or a time-zone
//! database. The caller passes the user's UTC offset (minutes) and, if it wants a
//! `Date:` in the ARF message, the current time. Every draft is for the user to read,
//! change and send by hand; drafts to anyone but the origin's network operator are
//! marked [`Draft::requires_confirmation`] (abuse.net's rule: only the handoff IP is
//! safe to report without a human look).
//!
//! The pieces, one file each:
//! - `headers`: the raw header block and the byte span of every field;
//! - `mask`: finding the user's own address and masking it everywhere;
//! - `mime`: just enough MIME to read a body as text (no full parser in the wasm);
//! - `time`: UTC / local renderings of a timestamp without a time-zone database;
//! - `text`: the Japanese and English wording;
//! - `draft`: choosing the language and assembling a [`Draft`];
//! - `mailto`, `arf`: the two machine forms;
//! - `tokushoho`: the 特定商取引法 display-item check of the body;
//! - `channels`: the Japanese national channels and the registrar rental-server form.
//!
//! The serialised draft is documented in `docs/report-wire-format.md`.

mod arf;
pub mod channels;
mod draft;
mod headers;
mod mailto;
mod mask;
mod mime;
mod text;
mod time;
pub mod tokushoho;

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::warning::Warning;

pub use mask::PLACEHOLDER_ADDRESS;
pub use time::Arrival;
pub use tokushoho::{DisplayCheck, DisplayItem, DisplayItemKind};

/// The language a draft is written in. Chosen by the *recipient* of the report
/// (the abuse desk), never by the UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Ja,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Ja => "ja",
            Language::En => "en",
        }
    }
}

/// Why a draft is in its language, so the UI can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LanguageReason {
    /// The caller (user) chose it.
    Explicit,
    /// The party description carried a language hint (e.g. from the verdict).
    PartyHint,
    /// The party's country is Japan.
    PartyCountry,
    /// A contact address or form of the party is under `.jp`.
    JpContact,
    /// The party's name is written in Japanese.
    JapaneseName,
    /// The origin host's name is under `.jp` (Japanese network, name unknown offline).
    JpOriginHost,
    /// A Japanese national channel.
    NationalChannel,
    /// Nothing says Japanese: English.
    Default,
}

/// What role a party plays, the same list as the verdict's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Operator of the network that owns the origin IP: the party the source
    /// procedure names first.
    NetworkOperator,
    /// A mailbox or email service the message was sent through (can close the account).
    SendingService,
    Registrar,
    DnsHost,
    WebHost,
    MailHost,
    /// A national reporting body.
    NationalChannel,
}

/// Which template a draft uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DraftKind {
    /// An abuse desk: mail or a generic web form.
    #[default]
    AbuseDesk,
    /// The registrar's rental-server contact form (source procedure point 4): four items.
    RentalServerForm,
    /// 迷惑メール相談センター (特定電子メール法).
    Dekyo,
    /// 日本産業協会 (特定商取引法 表示義務違反).
    Nissankyo,
}

/// How to reach a party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Email,
    /// A web form that takes the report.
    Form,
    /// A page that explains how to report (the form itself is linked from it).
    Web,
    Phone,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub kind: ContactKind,
    pub value: String,
}

/// The small description of a party a draft is built for. The verdict's party
/// converts into this; the offline CLI builds it from the analysis alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipient {
    pub role: Role,
    #[serde(default)]
    pub kind: DraftKind,
    /// Display name (`None` offline: the draft then addresses "the abuse desk of the
    /// network that owns <IP>").
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Language hint from whoever knows the party (the verdict).
    #[serde(default)]
    pub language: Option<Language>,
    /// ISO 3166 country code of the party, when known (`JP` → Japanese).
    #[serde(default)]
    pub country: Option<String>,
    /// The domain the report is about, for registrar / DNS / web / mail hosts.
    #[serde(default)]
    pub domain: Option<String>,
}

impl Recipient {
    /// The network operator of the origin IP, name unknown (offline).
    pub fn network_operator() -> Recipient {
        Recipient {
            role: Role::NetworkOperator,
            kind: DraftKind::AbuseDesk,
            name: None,
            contacts: Vec::new(),
            language: None,
            country: None,
            domain: None,
        }
    }

    fn emails(&self) -> Vec<String> {
        self.contacts.iter().filter(|c| c.kind == ContactKind::Email).map(|c| c.value.clone()).collect()
    }

    fn form(&self) -> Option<&str> {
        self.contacts.iter().find(|c| c.kind == ContactKind::Form).map(|c| c.value.as_str())
    }
}

/// Caller-controlled settings for drafts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReportOptions {
    /// The user's offset from UTC in minutes (Japan: 540). Out-of-range values
    /// (beyond ±18 h) are treated as 0.
    pub utc_offset_minutes: i32,
    /// Put the message body in the drafts (off unless the user allows it).
    pub include_body: bool,
    /// Mask the user's own address. `None` = the default: on for every third party.
    pub mask_recipient: Option<bool>,
    /// The user's own addresses, in addition to those read from the message.
    pub recipient_addresses: Vec<String>,
    /// Force the draft language (the user's choice); `None` = by recipient.
    pub language: Option<Language>,
    /// The reporter's address for the ARF `From:`; left out when `None` (the mail
    /// client fills it in).
    pub reporter_address: Option<String>,
    /// Seconds since the epoch, for the ARF `Date:`; left out when `None`.
    pub now: Option<i64>,
}

/// One labelled value of a web form, in the order the form asks for them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormField {
    /// Stable id (`headers`, `sender_address`, …) the UI may translate.
    pub id: String,
    /// The label in the draft's language.
    pub label: String,
    pub value: String,
    /// The form's limit for this field in bytes, when known; longer values are split
    /// over continuation fields (`…_2`, `…_3`).
    pub max_bytes: Option<usize>,
}

/// A report draft for one party. Nothing in it has been sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    pub kind: DraftKind,
    pub role: Role,
    pub party_name: Option<String>,
    pub language: Language,
    pub language_reason: LanguageReason,
    /// True for every party except the origin's network operator: the UI must have
    /// the user confirm before opening the mail client or the form.
    pub requires_confirmation: bool,
    /// E-mail addresses to send the draft to (may be empty: form only, or unknown).
    pub to: Vec<String>,
    /// The web form that takes this report, if any.
    pub form_url: Option<String>,
    /// A page explaining how to report (when no form address is certain).
    pub info_url: Option<String>,
    pub subject: String,
    /// A stable id for this incident and party (`ST-` + 12 hex digits, a hash of
    /// the origin, arrival, Message-ID and party), so desk and user can refer to it.
    pub report_id: String,
    /// The full text draft (what "copy" puts on the clipboard).
    pub text: String,
    /// `mailto:` URL with the subject and a short body that fits URL limits; the UI
    /// copies `text` to the clipboard at the same time. `None` without an address.
    pub mailto: Option<String>,
    /// For web forms: the values in the form's order.
    pub form_fields: Vec<FormField>,
    /// Whether the user's address was masked in this draft.
    pub masked: bool,
    pub origin_ip: Option<String>,
    pub arrival: Option<Arrival>,
    /// The trusted Received field exactly as received (masked when `masked`).
    pub trusted_received: Option<String>,
    /// The 特定商取引法 display check, on drafts where it matters.
    pub display_check: Option<DisplayCheck>,
    /// Guidance for the user (ids translated by the UI, English text for the CLI).
    pub notes: Vec<Warning>,
}

/// The drafts of one message: parse once, draft for as many parties as needed.
pub struct Report<'a> {
    raw: &'a [u8],
    analysis: &'a Analysis<'a>,
    options: ReportOptions,
    ctx: draft::Context,
}

impl<'a> Report<'a> {
    /// Prepare drafts for `raw`, which `analysis` was computed from.
    pub fn new(raw: &'a [u8], analysis: &'a Analysis<'a>, options: ReportOptions) -> Report<'a> {
        let ctx = draft::Context::new(raw, analysis, &options);
        Report { raw, analysis, options, ctx }
    }

    /// The user's own addresses: read from the message (Delivered-To, X-Original-To,
    /// a single To, the `for <…>` clause of the trusted hops) plus those passed in.
    pub fn recipient_addresses(&self) -> &[String] {
        &self.ctx.addresses
    }

    /// The raw header block, exactly as received, or with the user's address masked.
    pub fn header_block(&self, masked: bool) -> &[u8] {
        if masked { &self.ctx.masked_header_block } else { &self.ctx.header_block }
    }

    /// The 特定商取引法 display check of the body (`None` without a body).
    pub fn display_check(&self) -> Option<&DisplayCheck> {
        self.ctx.display_check.as_ref()
    }

    /// The parties that can be drafted for without lookups: the network operator of
    /// the origin IP (when there is one), then the Japanese national channels that
    /// apply (Japanese recipient or Japanese text; 日本産業協会 only when the display
    /// check finds an item missing).
    pub fn offline_parties(&self) -> Vec<Recipient> {
        let mut parties = Vec::new();
        if self.analysis.origin.is_some() {
            parties.push(Recipient::network_operator());
        }
        parties.extend(channels::applicable(self.ctx.japanese_recipient, self.ctx.japanese_text, self.display_check()));
        parties
    }

    /// The draft for one party.
    pub fn draft(&self, party: &Recipient) -> Draft {
        draft::build(&self.ctx, self.analysis, &self.options, party)
    }

    /// The draft for one party as an ARF (RFC 5965) message, ready to save as `.eml`.
    pub fn arf(&self, party: &Recipient) -> Vec<u8> {
        let d = self.draft(party);
        arf::render(&self.ctx, self.raw, &self.options, party, &d)
    }
}

impl Recipient {
    /// A party from JSON: either this type's own form, or a verdict party as the
    /// trace's JSON carries it (`role` in kebab-case, `subject`, `contacts[]` with
    /// `actionable`, `notes[]` with `id`). `None` when it is neither.
    pub fn from_json(value: &serde_json::Value) -> Option<Recipient> {
        if let Ok(r) = serde_json::from_value::<Recipient>(value.clone()) {
            return Some(r);
        }
        Recipient::from_trace_party(value)
    }

    /// A verdict party as the trace's JSON carries it (the second form
    /// [`Recipient::from_json`] accepts), read without serde's derived code: the wasm
    /// facade uses this one, which keeps the shipped size down.
    pub fn from_trace_party(value: &serde_json::Value) -> Option<Recipient> {
        let text = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let role = text(value, "role");
        if role.is_empty() {
            return None;
        }
        let list = |k: &str| value.get(k).and_then(|c| c.as_array()).cloned().unwrap_or_default();
        let contacts: Vec<PartyContact> = list("contacts")
            .iter()
            .map(|c| PartyContact {
                kind: text(c, "kind"),
                value: text(c, "value"),
                source: text(c, "source"),
                actionable: c.get("actionable").and_then(|a| a.as_bool()).unwrap_or(true),
            })
            .collect();
        let notes: Vec<String> = list("notes").iter().map(|n| text(n, "id")).collect();
        Some(from_party(&role, &text(value, "name"), &text(value, "subject"), &contacts, &notes))
    }
}

impl From<&crate::verdict::Party> for Recipient {
    /// The verdict's party as a draft recipient: only actionable contacts are kept;
    /// the national channels and the registrar rental-server form get their own
    /// templates.
    fn from(p: &crate::verdict::Party) -> Recipient {
        let contacts: Vec<PartyContact> = p
            .contacts
            .iter()
            .map(|c| PartyContact { kind: c.kind.clone(), value: c.value.clone(), source: c.source.clone(), actionable: c.actionable })
            .collect();
        let notes: Vec<String> = p.notes.iter().map(|n| n.id.clone()).collect();
        from_party(&p.role, &p.name, &p.subject, &contacts, &notes)
    }
}

/// A verdict contact, whichever way it arrived.
struct PartyContact {
    kind: String,
    value: String,
    source: String,
    actionable: bool,
}

fn from_party(role: &str, name: &str, subject: &str, contacts: &[PartyContact], notes: &[String]) -> Recipient {
    let role = match role.replace('_', "-").as_str() {
        "sending-service" => Role::SendingService,
        "registrar" => Role::Registrar,
        "dns-host" => Role::DnsHost,
        "web-host" => Role::WebHost,
        "mail-host" => Role::MailHost,
        "national-channel" => Role::NationalChannel,
        _ => Role::NetworkOperator,
    };
    if role == Role::NationalChannel {
        if name.contains("迷惑メール相談センター") {
            return channels::dekyo();
        }
        if name.contains("日本産業協会") {
            return channels::nissankyo();
        }
    }
    let kind =
        if notes.iter().any(|n| n == "form-four-items") { DraftKind::RentalServerForm } else { DraftKind::AbuseDesk };
    // A network whose contact came from JPNIC's whois is a Japanese network.
    let japanese_network = contacts.iter().any(|c| c.actionable && c.source.starts_with("jpnic"));
    let contacts = contacts
        .iter()
        .filter(|c| c.actionable)
        .filter_map(|c| {
            let value = &c.value;
            let kind = match c.kind.as_str() {
                "email" => ContactKind::Email,
                "form" => ContactKind::Form,
                "phone" => ContactKind::Phone,
                _ => return None,
            };
            Some(Contact { kind, value: value.clone() })
        })
        .collect();
    let about_ip = matches!(role, Role::NetworkOperator | Role::SendingService);
    Recipient {
        role,
        kind,
        // The verdict names a network by its IP when the registry gave no name.
        name: (!name.is_empty() && name != subject).then(|| name.to_string()),
        contacts,
        language: None,
        country: japanese_network.then(|| "JP".to_string()),
        domain: (!about_ip && !subject.is_empty()).then(|| subject.to_string()),
    }
}
