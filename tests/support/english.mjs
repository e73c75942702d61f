// "No English left in Japanese": what may stay in Latin letters in a Japanese UI, and
// a checker that returns the words that are left over. Shared by the locale unit test
// (every ja message) and the e2e test (every visible text and label of the popup).
//
// Allowed, by shape: e-mail addresses, URLs, IP addresses and CIDR ranges, domain and
// host names, dates and times, ASNs (AS15169), registry handles (NET-13-64-0-0-1,
// JP00012345: upper case with a digit or a dash), single letters (DNS "A", "d=").
// Allowed, by name: the technical tokens below (header field names, protocol and
// registry names, formats) and proper names of products and services.

export const TECHNICAL_TOKENS = new Set([
  // header fields and their parts
  'Received', 'From', 'To', 'Cc', 'Subject', 'Date', 'Sender', 'Reply-To', 'Return-Path', 'Message-ID',
  'List-Unsubscribe', 'Authentication-Results', 'ARC-Authentication-Results', 'Received-SPF',
  'X-Originating-IP', 'DKIM-Signature', 'Feedback-ID', 'Delivered-To', 'HELO', 'EHLO', 'Location',
  'errorCode', 'objectClassName', 'compauth', 'abuse', 'Abuse', 'whois', 'eml', 'raw',
  // authentication, transport, registries, formats
  'DKIM', 'SPF', 'DMARC', 'ARC', 'TLS', 'SSL', 'SMTP', 'ESMTP', 'ESMTPS', 'ESMTPA', 'ESMTPSA', 'LMTP',
  'IMAP', 'POP3', 'HTTP', 'HTTPS', 'https', 'DNS', 'DNS-over-HTTPS', 'DoH', 'NS', 'MX', 'AAAA', 'NXDOMAIN',
  'IP', 'IPv4', 'IPv6', 'CIDR', 'ASN', 'URL', 'JSON', 'HTML', 'UTF-8', 'RDAP', 'IANA', 'ID', 'JPNIC', 'KRNIC',
  'APNIC', 'ARIN', 'RIPE', 'LACNIC', 'AFRINIC', 'NIR', 'RIR', 'ARF', 'RFC', 'UTC', 'JST', 'GMT', 'Registrar',
  'fetchmail', 'Web',
  // proper names: this product, browsers, webmails, providers, languages in their own script
  'SenderTrace', 'Chrome', 'Chromium', 'Firefox', 'Gmail', 'Google', 'Public', 'Outlook', 'Microsoft', 'Yahoo',
  'JAPAN', 'Roundcube', 'Zimbra', 'SnappyMail', 'RainLoop', 'SquirrelMail', 'Cloudflare', 'English',
  'Amazon', 'SES', 'Mailgun', 'SendGrid', 'Mailchimp', 'Mandrill', 'Postmark', 'Brevo',
  // Yahoo's own menu label, quoted as it appears on Yahoo's (English-only) page
  'View', 'message',
]);

const STRIP = [
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)*/g,                                  // e-mail addresses (and abuse@)
  /\b(?:https?|mailto):\/?\/?[^\s)）」、。]+/g,                       // URLs
  /\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:\/\d{1,3})?/gi,          // IPv6 (+ prefix)
  /\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b/g,                      // IPv4 (+ prefix)
  /\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}\b\.?/gi,     // domain and host names
  /\bTLSv\d(?:\.\d)?\b/g,                                            // TLS versions
  /\bAS\d+\b/g,                                                      // AS numbers
  /\b[a-z]=\S*/g,                                                    // DKIM tags d=… s=…
  /\bX-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*/g,                             // extension header field names (X-SG-EID)
  /\bReceived: from\b/g,                                             // a Received line's start, quoted
  /（(?:pass|fail|softfail|neutral|none|temperror|permerror)）/g,     // a translation glossed with the RFC 8601 word
];

/** The words of `text` that are neither Japanese nor on the allow-list. */
export function englishLeft(text) {
  let rest = String(text ?? '');
  for (const pattern of STRIP) rest = rest.replace(pattern, ' ');
  const words = rest.match(/[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*/g) ?? [];
  return words.filter((word) => !(
    word.length === 1
    || TECHNICAL_TOKENS.has(word)
    || /^(?=.*[0-9-])[A-Z0-9-]{2,}$/.test(word)   // handles: NET-13-64-0-0-1, JP00012345, MSFT-1
  ));
}

/**
 * Sentences of the English messages (placeholders removed, at least three words):
 * none may show up inside text marked as data (translate="no") in the Japanese UI.
 */
export function englishSentences(enMessages) {
  const out = new Set();
  for (const entry of Object.values(enMessages)) {
    for (const part of entry.message.split(/\$[A-Za-z0-9_]+\$/)) {
      const trimmed = part.trim().replace(/[.:;,(]+$/, '').trim();
      if (trimmed.split(/\s+/).filter((w) => /[a-z]{2,}/.test(w)).length >= 3) out.add(trimmed);
    }
  }
  return [...out];
}
