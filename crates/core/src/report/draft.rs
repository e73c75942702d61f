//! Assembling a [`Draft`]: the per-message facts are gathered once ([`Context`]);
//! each party then gets its language, masking, text, form fields, mailto and notes.

use crate::analysis::Analysis;
use crate::warning::Warning;

use super::headers::{self, Split};
use super::mask::{self, Masker};
use super::text::{self, Facts};
use super::time::Arrival;
use super::tokushoho::{self, DisplayCheck};
use super::{
    channels, mailto, ContactKind, Draft, DraftKind, FormField, Language, LanguageReason, Recipient, ReportOptions,
    Role, PLACEHOLDER_ADDRESS,
};

/// What every draft of one message shares.
pub(crate) struct Context {
    pub split: Split,
    pub addresses: Vec<String>,
    pub masker: Masker,
    pub header_block: Vec<u8>,
    pub masked_header_block: Vec<u8>,
    /// Decoded text of the body (text parts, or HTML turned into text).
    pub body_text: Option<String>,
    pub display_check: Option<DisplayCheck>,
    pub japanese_text: bool,
    pub japanese_recipient: bool,
    pub arrival_ts: Option<i64>,
    pub trusted_received: Option<String>,
    pub trusted_received_masked: Option<String>,
    pub trusted_by: Option<String>,
    /// The topmost Authentication-Results field, raw (the only one that can be trusted).
    pub auth_results: Option<String>,
    pub return_path: Option<String>,
    /// The Subject, decoded here (word by word where the message's mailer ended
    /// each ISO-2022-JP word with its own escape), else as the analysis read it.
    pub subject: Option<String>,
}

impl Context {
    pub fn new(raw: &[u8], analysis: &Analysis, options: &ReportOptions) -> Context {
        let split = headers::split(raw);
        let addresses = mask::collect(raw, &split, analysis, &options.recipient_addresses);
        let masker = Masker::new(&addresses);
        let header_block = raw[split.header_start..split.header_end].to_vec();
        let masked_header_block = masker.mask_header_block(&header_block);
        let body_text = super::mime::body_text(raw);
        let body_text = body_text.filter(|_| split.body_start < raw.len());
        let display_check = body_text.as_deref().map(tokushoho::check);
        // Japanese text: kana or kanji in the subject or the body. The charset label
        // alone is not enough (English spam is sent as ISO-2022-JP too); it counts
        // only when the body could not be decoded here.
        let content_type = split.values(raw, "content-type").join(" ").to_ascii_lowercase();
        let japanese_charset = ["iso-2022-jp", "shift_jis", "shift-jis", "euc-jp", "cp932", "windows-31j"]
            .iter()
            .any(|c| content_type.contains(c));
        let japanese_text = split.nth("subject", 0).is_some_and(|f| has_japanese(&mask::decode_header_value(&split.value(raw, f))))
            || analysis.identities.subject.as_deref().is_some_and(has_japanese)
            || body_text.as_deref().is_some_and(has_japanese)
            || (body_text.is_none() && japanese_charset);
        let japanese_recipient = addresses.iter().any(|a| a.ends_with(".jp"));

        let origin_hop = analysis.origin.as_ref().map(|o| o.hop);
        // The time the origin connected: the handoff hop's own stamp (what the
        // network's logs will show), else the nearest stamp above it.
        let arrival_ts = match origin_hop {
            Some(n) => analysis.hops.iter().take(n + 1).rev().find_map(|h| h.timestamp),
            None => analysis.hops.first().and_then(|h| h.timestamp),
        };
        let trusted_field = origin_hop.and_then(|n| split.nth("received", n));
        let trusted_received = trusted_field.map(|f| headers::field_text(raw, f));
        let trusted_received_masked = trusted_field.map(|f| {
            let bytes = masker.mask_header_block(&raw[f.start..f.end]);
            String::from_utf8_lossy(&bytes).trim_end_matches(['\r', '\n']).to_string()
        });
        let trusted_by = origin_hop.and_then(|n| analysis.hops.get(n)).and_then(|h| h.by_host.as_deref().map(str::to_string));
        let auth_results = split.nth("authentication-results", 0).map(|f| headers::field_text(raw, f));
        let return_path = split.values(raw, "return-path").iter().flat_map(|v| mask::find_addresses(v)).next();
        let subject = split
            .nth("subject", 0)
            .map(|f| mask::decode_header_value(&split.value(raw, f)))
            .or_else(|| analysis.identities.subject.as_deref().map(str::to_string));
        Context {
            subject,
            split,
            addresses,
            masker,
            header_block,
            masked_header_block,
            body_text,
            display_check,
            japanese_text,
            japanese_recipient,
            arrival_ts,
            trusted_received,
            trusted_received_masked,
            trusted_by,
            auth_results,
            return_path,
        }
    }
}

/// Kana, kanji or full-width forms.
pub(crate) fn has_japanese(text: &str) -> bool {
    text.chars().any(|c| matches!(c as u32, 0x3040..=0x30ff | 0x4e00..=0x9fff | 0xff00..=0xffef))
}

fn host_is_jp(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h.ends_with(".jp") || h == "jp"
}

/// The language of the draft: the user's explicit choice, else the recipient's.
pub(crate) fn language(party: &Recipient, origin_host: Option<&str>, options: &ReportOptions) -> (Language, LanguageReason) {
    if let Some(l) = options.language {
        return (l, LanguageReason::Explicit);
    }
    if matches!(party.kind, DraftKind::Dekyo | DraftKind::Nissankyo) {
        return (Language::Ja, LanguageReason::NationalChannel);
    }
    if let Some(l) = party.language {
        return (l, LanguageReason::PartyHint);
    }
    if party.country.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("jp")) {
        return (Language::Ja, LanguageReason::PartyCountry);
    }
    let jp_contact = party.contacts.iter().any(|c| match c.kind {
        ContactKind::Email => c.value.rsplit_once('@').is_some_and(|(_, d)| host_is_jp(d)),
        ContactKind::Form | ContactKind::Web => url_host(&c.value).is_some_and(host_is_jp),
        ContactKind::Phone => c.value.trim_start().starts_with("+81"),
    });
    if jp_contact {
        return (Language::Ja, LanguageReason::JpContact);
    }
    if party.name.as_deref().is_some_and(has_japanese) {
        return (Language::Ja, LanguageReason::JapaneseName);
    }
    if party.role == Role::NetworkOperator && party.name.is_none() && origin_host.is_some_and(host_is_jp) {
        return (Language::Ja, LanguageReason::JpOriginHost);
    }
    if party.domain.as_deref().is_some_and(host_is_jp) && party.role == Role::Registrar {
        // A .jp domain's registrar is a Japanese designated registrar.
        return (Language::Ja, LanguageReason::JpContact);
    }
    (Language::En, LanguageReason::Default)
}

fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#', ':']).next().unwrap_or(rest))
}

pub(crate) fn build(ctx: &Context, analysis: &Analysis, options: &ReportOptions, party: &Recipient) -> Draft {
    let origin = analysis.origin.as_ref();
    let origin_ip = origin.map(|o| o.ip.as_str());
    // Origin reasons are translatable objects; the report prints their English text.
    let reason_texts: Vec<String> = origin.map(|o| o.reasons.iter().map(|r| r.text()).collect()).unwrap_or_default();
    let origin_host = origin.and_then(|o| o.host.as_deref());
    let (lang, language_reason) = language(party, origin_host, options);
    let want_mask = options.mask_recipient.unwrap_or(true);
    let masked = want_mask && !ctx.masker.is_empty();
    let show = |s: &str| if masked { ctx.masker.mask_text(s) } else { s.to_string() };

    let arrival = ctx.arrival_ts.map(|ts| Arrival::new(ts, options.utc_offset_minutes));
    let headers_text =
        String::from_utf8_lossy(if masked { &ctx.masked_header_block } else { &ctx.header_block }).into_owned();
    let trusted = if masked { ctx.trusted_received_masked.clone() } else { ctx.trusted_received.clone() };
    let body = if options.include_body { ctx.body_text.as_deref().map(show) } else { None };
    let subject_of_spam = ctx.subject.as_deref().map(show);
    let from = analysis.identities.from.as_deref().map(show);
    let message_id = analysis.identities.message_id.as_deref().map(show);
    let forged_from_domain = (analysis.auth.verdict == crate::auth::Verdict::Forged)
        .then(|| analysis.auth.from_domain.clone())
        .flatten();
    let account: Vec<(String, String)> = analysis
        .service
        .as_ref()
        .map(|s| s.account.iter().map(|(k, v)| (k.clone(), show(v))).collect())
        .unwrap_or_default();
    let recipient_shown = if masked {
        Some(PLACEHOLDER_ADDRESS.to_string())
    } else {
        ctx.addresses.first().cloned()
    };
    let wants_check = party.kind == DraftKind::Nissankyo;
    let display_check = if wants_check {
        ctx.display_check.clone().map(|mut c| {
            for item in &mut c.items {
                item.evidence = item.evidence.as_deref().map(show);
            }
            c
        })
    } else {
        None
    };
    let report_id = report_id(&[
        origin_ip.unwrap_or(""),
        &ctx.arrival_ts.unwrap_or(0).to_string(),
        analysis.identities.message_id.as_deref().unwrap_or(""),
        &format!("{:?}{:?}", party.role, party.kind),
        party.name.as_deref().unwrap_or(""),
        party.domain.as_deref().unwrap_or(""),
    ]);
    let facts = Facts {
        lang,
        kind: party.kind,
        role: party.role,
        party_name: party.name.as_deref(),
        origin_ip,
        origin_host,
        domain: party.domain.as_deref(),
        arrival: arrival.as_ref(),
        message_id: message_id.as_deref(),
        subject: subject_of_spam.as_deref(),
        from: from.as_deref(),
        recipient: recipient_shown.as_deref(),
        trusted_received: trusted.as_deref(),
        trusted_by: ctx.trusted_by.as_deref(),
        reasons: &reason_texts,
        headers: &headers_text,
        body: body.as_deref(),
        masked,
        display_check: display_check.as_ref(),
        forged_from_domain: forged_from_domain.as_deref(),
        account: &account,
        report_id: &report_id,
    };
    let subject = text::subject(&facts);
    let text_draft = text::body(&facts);
    let to: Vec<String> = party.emails();
    let form_url = party.form().map(str::to_string);
    let info_url =
        party.contacts.iter().find(|c| c.kind == ContactKind::Web).map(|c| c.value.clone());
    let mailto = (!to.is_empty()).then(|| {
        mailto::fit(&to, &subject, &(0..=3).map(|level| text::short_body(&facts, level)).collect::<Vec<_>>())
    });
    let form_fields = if form_url.is_some() || party.kind == DraftKind::Nissankyo {
        form_fields(&facts, party.kind)
    } else {
        Vec::new()
    };
    let requires_confirmation = party.role != Role::NetworkOperator;
    let mut notes = notes(ctx, options, party, masked, want_mask, &to, form_url.as_deref(), info_url.as_deref(), origin_ip);
    // DESIGN.md point 6: a forged From domain is a victim, not a target.
    let org = |d: &str| crate::psl::organisational_domain(d).unwrap_or_else(|| d.to_ascii_lowercase());
    if let (Some(domain), Some(forged)) = (party.domain.as_deref(), forged_from_domain.as_deref())
        && org(domain) == org(forged)
    {
        notes.insert(
            0,
            Warning::new(
                "report-forged-domain",
                "{domain} is the forged From domain: its owner is most likely a victim, not the sender. Report it only if the message uses the domain in other ways (links, replies).",
                &[("domain", domain)],
            ),
        );
    }
    Draft {
        kind: party.kind,
        role: party.role,
        party_name: party.name.clone(),
        language: lang,
        language_reason,
        requires_confirmation,
        to,
        form_url,
        info_url,
        subject,
        report_id,
        text: text_draft,
        mailto,
        form_fields,
        masked,
        origin_ip: origin_ip.map(str::to_string),
        arrival,
        trusted_received: trusted,
        display_check,
        notes,
    }
}

/// The form's fields in the order the form asks for them.
fn form_fields(f: &Facts, kind: DraftKind) -> Vec<FormField> {
    let unknown = "";
    let when = f.arrival.map(|a| format!("{} ({})", a.local, a.utc)).unwrap_or_default();
    let body = f.body.unwrap_or(unknown).to_string();
    let headers = f.headers.trim_end_matches(['\r', '\n']).to_string();
    let from = f.from.unwrap_or(unknown).to_string();
    let subject = f.subject.unwrap_or(unknown).to_string();
    let (order, limit): (Vec<(&str, String)>, Option<usize>) = match kind {
        // Source procedure point 4: the four items of the registrar's form.
        DraftKind::RentalServerForm => (
            vec![
                ("headers", headers),
                ("sender_address", from),
                ("recipient_address", f.recipient.unwrap_or(unknown).to_string()),
                ("body", body),
            ],
            None,
        ),
        // research/anchors.md E1: 受信日時, 送信者アドレス, 件名, 本文, ヘッダ情報; 4000 bytes each.
        DraftKind::Dekyo => (
            vec![
                ("received_at", when),
                ("sender_address", from),
                ("subject", subject),
                ("body", body),
                ("headers", headers),
            ],
            Some(channels::DEKYO_FIELD_BYTES),
        ),
        DraftKind::Nissankyo => {
            let mut check = String::new();
            text::display_check(f, &mut check);
            let check = check.lines().skip(2).collect::<Vec<_>>().join("\n");
            (
                vec![
                    ("received_at", when),
                    ("sender_address", from),
                    ("subject", subject),
                    ("display_check", check),
                    ("body", body),
                    ("headers", headers),
                ],
                None,
            )
        }
        DraftKind::AbuseDesk => {
            (
                vec![
                    ("source_ip", f.origin_ip.unwrap_or(unknown).to_string()),
                    ("received_at", when),
                    ("description", text::statement_text(f).trim_end().to_string()),
                    ("headers", headers),
                    ("body", body),
                ],
                None,
            )
        }
    };
    let mut out = Vec::new();
    for (id, value) in order {
        let label = text::field_label(id, f.lang);
        match limit {
            Some(max) => {
                for (n, chunk) in chunks(&value, max).into_iter().enumerate() {
                    let (id, label) = if n == 0 {
                        (id.to_string(), label.to_string())
                    } else if f.lang == Language::Ja {
                        (format!("{id}_{}", n + 1), format!("{label}（続き {}）", n + 1))
                    } else {
                        (format!("{id}_{}", n + 1), format!("{label} (part {})", n + 1))
                    };
                    out.push(FormField { id, label, value: chunk, max_bytes: Some(max) });
                }
            }
            None => out.push(FormField { id: id.to_string(), label: label.to_string(), value, max_bytes: None }),
        }
    }
    out
}

/// Split on character boundaries into pieces of at most `max` bytes (at least one piece).
fn chunks(value: &str, max: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in value.chars() {
        if out.last().is_some_and(|l| l.len() + c.len_utf8() > max) {
            out.push(String::new());
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn notes(
    ctx: &Context,
    options: &ReportOptions,
    party: &Recipient,
    masked: bool,
    want_mask: bool,
    to: &[String],
    form: Option<&str>,
    info: Option<&str>,
    origin_ip: Option<&str>,
) -> Vec<Warning> {
    let mut n = Vec::new();
    if party.role != Role::NetworkOperator {
        n.push(Warning::new(
            "report-confirm-before-sending",
            "This party is not the operator of the network the message came from. Check the draft and confirm before sending it.",
            &[],
        ));
    }
    if party.role == Role::NetworkOperator && origin_ip.is_none() {
        n.push(Warning::new("report-no-origin", "No trusted origin IP was found in the headers; the draft cannot name one.", &[]));
    }
    if to.is_empty() && form.is_none() && party.kind == DraftKind::AbuseDesk {
        let ip = origin_ip.unwrap_or("?");
        n.push(Warning::new(
            "report-no-contact",
            "The abuse address of the network that owns {ip} is not known yet; a trace (RDAP lookup) finds it.",
            &[("ip", ip)],
        ));
    }
    if masked {
        n.push(Warning::new(
            "report-masked",
            "Your address is replaced by {placeholder} everywhere in this draft.",
            &[("placeholder", PLACEHOLDER_ADDRESS)],
        ));
    } else if want_mask {
        n.push(Warning::new(
            "report-no-address-to-mask",
            "Your own address was not found in the message, so nothing was masked; pass it explicitly to mask it.",
            &[],
        ));
    }
    if !options.include_body {
        n.push(Warning::new(
            "report-body-not-included",
            "The body is not included. Abuse desks act more readily with it; allow the body to include it.",
            &[],
        ));
    }
    if !to.is_empty() {
        n.push(Warning::new(
            "report-mailto-short",
            "The mail client gets a short version; paste the full draft (copied to the clipboard) into the message.",
            &[],
        ));
    }
    match party.kind {
        DraftKind::Dekyo => n.push(Warning::new(
            "report-dekyo",
            "Forward the whole message to {email} (or use the form). Headers are required when the sender is forged. No personal data is needed, and the centre does not reply to individual reports.",
            &[("email", channels::DEKYO_EMAIL)],
        )),
        DraftKind::Nissankyo => n.push(Warning::new(
            "report-nissankyo",
            "Report through the page {url} (the form is linked from it). The association does not reply to individual reports.",
            &[("url", info.unwrap_or(channels::NISSANKYO_INFO))],
        )),
        DraftKind::RentalServerForm => {
            n.push(Warning::new(
                "report-rental-form",
                "Open the contact form linked from {url} and fill in the four items it asks for: headers, sender address, recipient address, body.",
                &[("url", form.unwrap_or(channels::ONAMAE_HELP))],
            ));
            if masked {
                n.push(Warning::new(
                    "report-form-recipient-masked",
                    "The form asks for the recipient address; it is masked in this draft. Turn masking off to give it.",
                    &[],
                ));
            }
        }
        DraftKind::AbuseDesk => {}
    }
    if ctx.trusted_received.is_none() && party.kind == DraftKind::AbuseDesk {
        n.push(Warning::new("report-no-trusted-line", "No trusted Received line could be identified.", &[]));
    }
    n
}

/// `ST-` + 12 hex digits of an FNV-1a hash: deterministic (the core draws no random
/// numbers) and the same for the same incident and party on every device.
fn report_id(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("ST-{:012x}", h >> 16)
}
