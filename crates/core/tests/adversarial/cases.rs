//! Adversarial messages, generated in memory (issue #8): nothing here is stored as a
//! fixture file, so a 20 MB header block costs nothing in the repository.
//!
//! Used by `tests/adversarial.rs` (no panic, the right origin or a named error,
//! bounded output and heap) and by `examples/adversarial-timing.rs` (time and peak
//! memory per case). Every message is built around the same real-looking chain: the
//! recipient's provider (`mx.example.jp`, Postfix) took the message from
//! `mailer.sender.example [203.0.113.45]`, so that address is the origin unless the
//! case says otherwise. Documentation address ranges only (RFC 5737 / RFC 3849).
#![allow(dead_code)]

use sendertrace_core::InputErrorKind;

/// The origin every message built on [`chain`] carries.
pub const ORIGIN: &str = "203.0.113.45";

/// What a case must give.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Expect {
    /// An analysis whose origin is this address.
    Origin(&'static str),
    /// A named input error.
    Error(InputErrorKind),
}

pub struct Case {
    pub name: &'static str,
    /// What it tries, in a few words.
    pub what: &'static str,
    pub build: fn() -> Vec<u8>,
    pub expect: Expect,
}

pub fn all() -> Vec<Case> {
    vec![
        Case { name: "header-block-20mb", what: "20 MB header block: the real chain, then 200,000 filler fields", build: header_block_20mb, expect: Expect::Origin(ORIGIN) },
        Case { name: "received-100k", what: "100,000 Received lines below the provider's handoff", build: received_100k, expect: Expect::Origin(ORIGIN) },
        Case { name: "line-1mb-subject", what: "a 1 MB Subject line, never folded", build: line_1mb_subject, expect: Expect::Origin(ORIGIN) },
        Case { name: "line-1mb-received", what: "a 1 MB Received comment (nested parentheses) below the handoff", build: line_1mb_received, expect: Expect::Origin(ORIGIN) },
        Case { name: "line-1mb-no-line-end", what: "one Received field of 1 MB with no line end at all", build: line_1mb_no_line_end, expect: Expect::Origin("198.51.100.7") },
        Case { name: "nul-bytes-in-values", what: "NUL bytes inside header values (after the first 512 bytes)", build: nul_bytes_in_values, expect: Expect::Origin(ORIGIN) },
        Case { name: "nul-bytes-at-start", what: "NUL bytes in the first line", build: nul_bytes_at_start, expect: Expect::Error(InputErrorKind::Binary) },
        Case { name: "invalid-utf8", what: "invalid UTF-8 in Subject, From, HELO, comments and A-R", build: invalid_utf8, expect: Expect::Origin(ORIGIN) },
        Case { name: "mixed-line-ends", what: "CRLF, LF and lone CR line ends mixed, folds of each kind", build: mixed_line_ends, expect: Expect::Origin(ORIGIN) },
        Case { name: "mime-nested-10k", what: "10,000 levels of nested multipart in the body", build: mime_nested_10k, expect: Expect::Origin(ORIGIN) },
        Case { name: "encoded-words-all-charsets", what: "encoded words in every charset mail-parser knows, and bogus ones", build: encoded_words, expect: Expect::Origin(ORIGIN) },
        Case { name: "ip-like-tokens", what: "version numbers, build numbers, ids and HELOs that look like addresses", build: ip_like_tokens, expect: Expect::Origin(ORIGIN) },
        Case { name: "forged-provider-below-handoff", what: "Received lines forged in Gmail's style below the real Gmail handoff", build: forged_provider_below, expect: Expect::Origin("198.51.100.66") },
    ]
    .into_iter()
    .chain(handoff_disguises())
    .collect()
}

/// Handoff lines whose sender-chosen words once misled the parser (found by this
/// generator, issue #8): a HELO address literal, and retrieval-agent names inside a
/// HELO or a reverse DNS name.
pub fn handoff_disguises() -> Vec<Case> {
    vec![
        Case {
            name: "helo-address-literal",
            what: "the sender says HELO 192.0.2.99: Postfix writes `from 192.0.2.99 (rdns [real IP])`",
            build: helo_address_literal,
            expect: Expect::Origin(ORIGIN),
        },
        Case {
            name: "helo-retrieval-word",
            what: "the sender says HELO fetchmail.spam.example: the handoff is read as a mailbox retrieval",
            build: helo_retrieval_word,
            expect: Expect::Origin(ORIGIN),
        },
        Case {
            name: "rdns-retrieval-word",
            what: "the sender's reverse DNS is godmr.example (contains `odmr`): same",
            build: rdns_retrieval_word,
            expect: Expect::Origin(ORIGIN),
        },
    ]
}

fn with_handoff(from: &str) -> Vec<u8> {
    let m = String::from_utf8(plain(b"")).unwrap();
    m.replace("from mailer.sender.example (mailer.sender.example [203.0.113.45])", from).into_bytes()
}

pub fn helo_address_literal() -> Vec<u8> {
    with_handoff("from 192.0.2.99 (mailer.sender.example [203.0.113.45])")
}

pub fn helo_retrieval_word() -> Vec<u8> {
    with_handoff("from fetchmail.spam.example (mailer.sender.example [203.0.113.45])")
}

pub fn rdns_retrieval_word() -> Vec<u8> {
    with_handoff("from mailer.sender.example (godmr.example [203.0.113.45])")
}

/// A deterministic byte stream (no dependency, same output on every machine).
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn word(&mut self, out: &mut Vec<u8>, len: usize) {
        for _ in 0..len {
            out.push(b'a' + (self.next() % 26) as u8);
        }
    }
}

const TOP: &str = "Return-Path: <bounce-77@mailer.sender.example>\r\n\
Delivered-To: hanako@example.jp\r\n\
Received: from mx.example.jp (mx.example.jp [10.20.0.5])\r\n\
\tby mbox3.example.jp (Postfix) with LMTP id 7F2A41C0031\r\n\
\tfor <hanako@example.jp>; Tue,  3 Nov 2026 10:15:34 +0900 (JST)\r\n";

const HANDOFF: &str = "Received: from mailer.sender.example (mailer.sender.example [203.0.113.45])\r\n\
\tby mx.example.jp (Postfix) with ESMTPS id 4QabcD1234\r\n\
\tfor <hanako@example.jp>; Tue,  3 Nov 2026 10:15:32 +0900 (JST)\r\n";

const SENDER_SIDE: &str = "Received: from desk-12.office.sender.example (unknown [192.168.10.20])\r\n\
\tby mailer.sender.example (Postfix) with ESMTP id 9XyZ7\r\n\
\tfor <hanako@example.jp>; Tue,  3 Nov 2026 10:15:29 +0900 (JST)\r\n";

const BOTTOM: &str = "Authentication-Results: mx.example.jp; spf=pass smtp.mailfrom=mailer.sender.example; dkim=none; dmarc=none header.from=sender.example\r\n\
From: \"Sales Team\" <sales@sender.example>\r\n\
To: hanako@example.jp\r\n\
Subject: Limited offer\r\n\
Date: Tue, 3 Nov 2026 10:15:27 +0900\r\n\
Message-ID: <20261103011527.12345@mailer.sender.example>\r\n\
MIME-Version: 1.0\r\n";

/// The chain with `below` (more fields) after the sender-side hop and `body` after
/// the header block.
pub fn chain(below: &[u8], content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(1024 + below.len() + body.len());
    m.extend_from_slice(TOP.as_bytes());
    m.extend_from_slice(HANDOFF.as_bytes());
    m.extend_from_slice(SENDER_SIDE.as_bytes());
    m.extend_from_slice(below);
    m.extend_from_slice(BOTTOM.as_bytes());
    m.extend_from_slice(format!("Content-Type: {content_type}\r\n\r\n").as_bytes());
    m.extend_from_slice(body);
    m
}

fn plain(below: &[u8]) -> Vec<u8> {
    chain(below, "text/plain; charset=us-ascii", b"Buy now.\r\n")
}

pub fn header_block_20mb() -> Vec<u8> {
    let mut rng = Lcg(1);
    let mut below = Vec::with_capacity(21 << 20);
    let mut n = 0;
    while below.len() < 20 << 20 {
        n += 1;
        below.extend_from_slice(format!("X-Filler-{n}: ").as_bytes());
        // Words, with a fold every third field.
        for w in 0..10 {
            let len = 3 + (rng.next() % 6) as usize;
            rng.word(&mut below, len);
            below.push(b' ');
            if n % 3 == 0 && w == 5 {
                below.extend_from_slice(b"\r\n\t");
            }
        }
        below.extend_from_slice(b"\r\n");
    }
    plain(&below)
}

pub fn received_100k() -> Vec<u8> {
    let mut below = Vec::with_capacity(100_000 * 170);
    // 99,997 more lines (100,000 in all): a long claimed relay chain on the sender's side.
    for i in 0..99_997u32 {
        below.extend_from_slice(
            format!(
                "Received: from relay{}.sender.example (relay{}.sender.example [198.51.100.{}]) by relay{}.sender.example with ESMTP id R{i}; Tue, 3 Nov 2026 10:{:02}:{:02} +0900\r\n",
                i + 1,
                i + 1,
                1 + i % 250,
                i,
                14 - (i / 60_000).min(14),
                59 - (i / 1000) % 60
            )
            .as_bytes(),
        );
    }
    plain(&below)
}

pub fn line_1mb_subject() -> Vec<u8> {
    let mut rng = Lcg(2);
    let mut below = b"X-Spam-Subject: ".to_vec();
    while below.len() < 1 << 20 {
        rng.word(&mut below, 7);
        below.push(b' ');
    }
    below.extend_from_slice(b"\r\n");
    plain(&below)
}

pub fn line_1mb_received() -> Vec<u8> {
    // Comments nested 1,000 deep, repeated until the line is 1 MB, plus stray closers.
    let mut below = b"Received: from forged.example (".to_vec();
    while below.len() < 1 << 20 {
        below.extend_from_slice(&[b'('; 1000]);
        below.extend_from_slice(b"192.0.2.1 [198.51.100.9] by x with y ");
        below.extend_from_slice(&[b')'; 1000]);
        below.extend_from_slice(b")) \\( [");
    }
    below.extend_from_slice(b") by mailer.sender.example with SMTP; Tue, 3 Nov 2026 10:15:20 +0900\r\n");
    plain(&below)
}

pub fn line_1mb_no_line_end() -> Vec<u8> {
    let mut m = b"Received: from a.example.net (a.example.net [198.51.100.7]) by mx.example.jp with ESMTP id x (".to_vec();
    // Words from a fixed list: random letters spell `odmr` or `getmail` somewhere in a
    // megabyte, which the analysis reads as a mailbox retrieval (see `pending`).
    const WORDS: [&[u8]; 8] = [b"lorem", b"ipsum", b"dolor", b"sit", b"amet", b"cheap", b"offer", b"now"];
    let mut rng = Lcg(3);
    while m.len() < 1 << 20 {
        m.extend_from_slice(WORDS[(rng.next() % 8) as usize]);
        m.push(b' ');
    }
    m.extend_from_slice(b"); Mon, 2 Nov 2026 01:00:00 +0000");
    m
}

pub fn nul_bytes_in_values() -> Vec<u8> {
    let below = b"X-Nul: a\0b\0\0c\r\n\
Received: from nul\0host.example (nul\0host.example [198.51.100.\x0099]) by mailer.sender.example\0 with SMTP; Tue, 3 Nov 2026 10:15:00 +0900\r\n\
Subject: \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\r\n";
    let mut m = plain(below);
    // And NULs in the body.
    m.extend_from_slice(&[0u8; 4096]);
    m
}

pub fn nul_bytes_at_start() -> Vec<u8> {
    let mut m = b"Received:\0from\0x\0".to_vec();
    m.extend_from_slice(&plain(b""));
    m
}

pub fn invalid_utf8() -> Vec<u8> {
    let below = b"Received: from \xff\xfe.example (\xc3\x28 [198.51.100.9]) by mailer.sender.example (\xe2\x82 lone \x80\xbf) with SMTP; Tue, 3 Nov 2026 10:15:00 +0900\r\n\
Authentication-Results: mx.example.jp; spf=pass\xff smtp.mailfrom=\xc0\xafx.example\r\n\
X-Overlong: \xc0\x80\xe0\x80\x80\xf0\x80\x80\x80 \xf4\x90\x80\x80 \xed\xa0\x80\r\n\
Subject: \xff\xff\xff =?utf-8?b?/w==?= \x1b$B$\"\x1b(B\r\n\
Reply-To: \"\xfe\xfe\" <reply@\xff.example>\r\n";
    plain(below)
}

pub fn mixed_line_ends() -> Vec<u8> {
    let mut m = Vec::new();
    // The provider's lines keep CRLF and LF (with folds of both kinds); the other fields
    // mix in lone CRs, which are not line ends for a header block.
    m.extend_from_slice(b"Return-Path: <bounce-77@mailer.sender.example>\n");
    m.extend_from_slice(b"Delivered-To: hanako@example.jp\r\n");
    m.extend_from_slice(b"Received: from mx.example.jp (mx.example.jp [10.20.0.5])\n\tby mbox3.example.jp (Postfix) with LMTP id 7F2A41C0031\r\n\tfor <hanako@example.jp>; Tue,  3 Nov 2026 10:15:34 +0900 (JST)\n");
    m.extend_from_slice(b"Received: from mailer.sender.example (mailer.sender.example [203.0.113.45])\r\n by mx.example.jp (Postfix) with ESMTPS id 4QabcD1234\n\tfor <hanako@example.jp>; Tue,  3 Nov 2026 10:15:32 +0900 (JST)\r\n");
    m.extend_from_slice(b"Received: from desk-12.office.sender.example (unknown [192.168.10.20])\r\r\n\tby mailer.sender.example (Postfix) with ESMTP id 9XyZ7\r\tfor <hanako@example.jp>; Tue,  3 Nov 2026 10:15:29 +0900 (JST)\n\r");
    m.extend_from_slice(b"X-Old-Mac: one\rX-Old-Mac-2: two\rReceived: from cr.example ([198.51.100.200]) by mailer.sender.example; Tue, 3 Nov 2026 10:15:00 +0900\r\n");
    m.extend_from_slice(b"Authentication-Results: mx.example.jp; spf=pass smtp.mailfrom=mailer.sender.example\n");
    m.extend_from_slice(b"From: \"Sales Team\" <sales@sender.example>\r\nSubject: CR\r\rLF\n CRLF\r\n");
    m.extend_from_slice(b"\r\n\rbody\r\nFrom: body@not-a-header.example\n");
    m
}

pub fn mime_nested_10k() -> Vec<u8> {
    let depth = 10_000;
    let mut body = Vec::with_capacity(depth * 110);
    for i in 0..depth {
        body.extend_from_slice(format!("--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{}\"\r\n\r\n", i + 1).as_bytes());
    }
    body.extend_from_slice(format!("--b{depth}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n特定商取引法に基づく表記 Buy now.\r\n--b{depth}--\r\n").as_bytes());
    for i in (0..depth).rev() {
        body.extend_from_slice(format!("--b{i}--\r\n").as_bytes());
    }
    chain(b"", "multipart/mixed; boundary=\"b0\"", &body)
}

/// The charsets mail-parser decodes: at least one label for each of the 42 charsets
/// of mail-parser 1.0.1's label table (src/decoders/charsets/label.rs), plus common
/// aliases as senders write them, then labels no decoder knows.
pub const CHARSETS: &[&str] = &[
    "utf-8", "UTF8", "us-ascii", "cp850", "ibm850", "iso-8859-1", "iso-8859-2", "iso-8859-3", "iso-8859-4", "iso-8859-5", "iso-8859-6",
    "iso-8859-7", "iso-8859-8", "iso-8859-9", "iso-8859-10", "iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16",
    "latin1", "windows-1250", "windows-1251", "windows-1252", "windows-1253", "windows-1254", "windows-1255",
    "windows-1256", "windows-1257", "windows-1258", "cp1252", "koi8-r", "koi8-u", "ibm866", "cp866", "macintosh",
    "x-mac-cyrillic", "tis-620", "windows-874", "utf-16", "utf-16le", "utf-16be", "utf-7", "shift_jis", "sjis",
    "windows-31j", "cp932", "euc-jp", "iso-2022-jp", "iso-2022-jp-2", "euc-kr", "ks_c_5601-1987", "iso-2022-kr",
    "gb2312", "gbk", "gb18030", "big5", "big5-hkscs", "hz-gb-2312", "x-user-defined",
    // bogus
    "x-bogus", "utf-99", "", "?", "iso-8859-99", "../../etc/passwd", "utf-8*ja", "unicode-1-1-utf-7", "%%%%",
];

pub fn encoded_words() -> Vec<u8> {
    let mut below = Vec::new();
    for (i, cs) in CHARSETS.iter().enumerate() {
        // Base64 of bytes that are valid in some charsets and not in others, Q with
        // escapes, an empty word, and a word cut in the middle.
        below.extend_from_slice(
            format!("X-Enc-{i}: =?{cs}?B?5pel5pys6Kqe?= =?{cs}?Q?caf=E9_=82=A0=1B$B?= =?{cs}?B??= =?{cs}?Q?=E3=8\r\n").as_bytes(),
        );
        below.extend_from_slice(format!("Subject: =?{cs}?B?GyRCJUYlOSVIGyhC?= =?{cs}*ja?B?//79/A==?=\r\n").as_bytes());
    }
    let mut m = plain(&below);
    // The From display name and Reply-To in a bogus and a real legacy charset.
    let from = b"From: \"Sales Team\" <sales@sender.example>\r\n";
    let pos = m.windows(from.len()).position(|w| w == from).unwrap();
    let encoded: &[u8] = b"From: =?x-bogus?B?5pel5pys?= =?iso-2022-jp?B?GyRCJEobKEI=?= <sales@sender.example>\r\n\
Reply-To: =?shift_jis?B?gqA=?= <reply@sender.example>\r\n";
    m.splice(pos..pos + from.len(), encoded.iter().copied());
    m
}

pub fn ip_like_tokens() -> Vec<u8> {
    let mut m = Vec::new();
    m.extend_from_slice(TOP.as_bytes());
    // The handoff itself: an address-like cipher, a version in the comment, a dotted id.
    m.extend_from_slice(
        b"Received: from mailer.sender.example (mailer.sender.example [203.0.113.45]) (using TLSv1.2 with cipher 10.0.0.1 (256/256 bits))\r\n\
\tby mx.example.jp (Postfix 3.7.11.1) with ESMTPS id 15.20.7544.36\r\n\
\tfor <hanako@example.jp>; Tue,  3 Nov 2026 10:15:32 +0900 (JST)\r\n",
    );
    m.extend_from_slice(
        b"Received: from [198.51.100.1] (HELO 198.51.100.2) by mailer.sender.example (8.15.2.1/8.15.2.1) with ESMTP id 1.2.3.4 for <5.6.7.8@example.jp> (version=1.2.3.4); Tue, 3 Nov 2026 10:15:29 +0900\r\n",
    );
    m.extend_from_slice(BOTTOM.as_bytes());
    m.extend_from_slice(
        b"X-Mailer: Microsoft Outlook 16.0.5422.1000 (build 10.0.19045.4291)\r\n\
X-Build: 1.2.3.4 2.3.4.5 203.0.113.200\r\n\
X-Version: v192.168.1.1-rc3 [198.51.100.77] 2001:db8::dead:beef\r\n\
X-Tracking: 100.64.0.1.20261103 ::ffff:198.51.100.88 999.999.999.999 1.2.3.4.5.6\r\n\
References: <10.20.30.40.1762131327@mailer.sender.example> <198.51.100.44@example.net>\r\n\
X-Originating-Host: 198.51.100.55.static.example.net\r\n\
Content-Type: text/plain; charset=us-ascii\r\n\r\nVersion 1.2.3.4 of 10.0.0.1\r\n",
    );
    m
}

pub fn forged_provider_below() -> Vec<u8> {
    let mut m = Vec::new();
    m.extend_from_slice(b"Delivered-To: taro@gmail.com\r\n");
    m.extend_from_slice(b"Received: by 2002:a05:6a10:8c4b:b0:5c9:1234:5678 with SMTP id x12csp123456pxb;\r\n        Tue, 3 Nov 2026 01:15:33 -0800 (PST)\r\n");
    m.extend_from_slice(b"X-Received: by 2002:a17:90a:1234:: with SMTP id a1mr123456pjb.1.1793700933000;\r\n        Tue, 03 Nov 2026 01:15:33 -0800 (PST)\r\n");
    m.extend_from_slice(b"ARC-Authentication-Results: i=1; mx.google.com;\r\n       spf=fail (google.com: domain of bounce@bank.example does not designate 198.51.100.66 as permitted sender) smtp.mailfrom=bounce@bank.example\r\n");
    m.extend_from_slice(b"Return-Path: <bounce@bank.example>\r\n");
    // The real handoff: the spammer's server to Gmail.
    m.extend_from_slice(b"Received: from mail.spam.example (mail.spam.example. [198.51.100.66])\r\n        by mx.google.com with ESMTPS id e7si1234567pgd.123.2026.11.03.01.15.33\r\n        for <taro@gmail.com>\r\n        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\r\n        Tue, 03 Nov 2026 01:15:33 -0800 (PST)\r\n");
    m.extend_from_slice(b"Received-SPF: fail (google.com: domain of bounce@bank.example does not designate 198.51.100.66 as permitted sender) client-ip=198.51.100.66;\r\n");
    m.extend_from_slice(b"Authentication-Results: mx.google.com;\r\n       spf=fail (google.com: domain of bounce@bank.example does not designate 198.51.100.66 as permitted sender) smtp.mailfrom=bounce@bank.example;\r\n       dmarc=fail (p=REJECT sp=REJECT dis=QUARANTINE) header.from=bank.example\r\n");
    // Forged below: lines in Gmail's own style claiming Google took it from Google.
    m.extend_from_slice(b"Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])\r\n        by mx.google.com with SMTPS id a1sor1234567pgd.12.2026.11.03.01.15.30\r\n        for <taro@gmail.com>\r\n        (Google Transport Security);\r\n        Tue, 03 Nov 2026 01:15:30 -0800 (PST)\r\n");
    m.extend_from_slice(b"Authentication-Results: mx.google.com;\r\n       dkim=pass header.i=@bank.example header.s=s1;\r\n       spf=pass (google.com: domain of bounce@bank.example designates 209.85.220.41 as permitted sender) smtp.mailfrom=bounce@bank.example;\r\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=bank.example\r\n");
    m.extend_from_slice(b"Received: from [10.0.0.5] by mail-sor-f41.google.com with HTTPREST; Tue, 3 Nov 2026 01:15:29 -0800\r\n");
    m.extend_from_slice(b"X-Originating-IP: [209.85.220.41]\r\n");
    m.extend_from_slice(b"From: Bank Security <security@bank.example>\r\nTo: taro@gmail.com\r\nSubject: Verify your account\r\nDate: Tue, 3 Nov 2026 18:15:28 +0900\r\nMessage-ID: <forged@bank.example>\r\nContent-Type: text/plain\r\n\r\nClick.\r\n");
    m
}
