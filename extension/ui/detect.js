// Does a text look like an RFC 5322 header block (RFC 5322 §2.2, §3.6)?
//
// Used to pick, among the texts a page offers (a text/plain body, Gmail's
// pre#raw_message_text, the largest <pre>/<textarea>), the one that is a raw
// message. Pure functions: no DOM, no chrome.*; unit-tested in tests/unit/.
// The core decides for itself whether pasted text is a header block; this
// detector only ranks what a page shows.

// Fields that ordinary prose never starts with but every delivered message carries
// at least one of (research/webmail.md §5.1).
const TRACE_FIELDS = new Set([
  'received', 'authentication-results', 'arc-authentication-results', 'dkim-signature',
  'return-path', 'message-id', 'delivered-to', 'x-received',
]);

// A field name is printable ASCII except ':' (RFC 5322 §2.2: ftext = %d33-57 / %d59-126).
const FIELD_LINE = /^([!-9;-~]+)[ \t]*:/;

/**
 * Clean the artefacts a browser adds when a message is shown as HTML, without
 * changing anything a real header could contain: a byte-order mark, NBSP from
 * `&nbsp;` rendering, and a leading mbox "From " separator line.
 */
export function cleanPageText(text) {
  let out = String(text ?? '');
  if (out.charCodeAt(0) === 0xfeff) out = out.slice(1);
  out = out.replace(/\u00a0/g, ' ');
  // Leading blank lines come from the markup around a <pre>.
  out = out.replace(/^(?:[ \t]*\r?\n)+/, '');
  if (/^From [^\r\n]*\r?\n/.test(out) && !/^From:/.test(out)) out = out.replace(/^From [^\r\n]*\r?\n/, '');
  return out;
}

/**
 * Examine the header block (everything up to the first empty line).
 * Returns `{ ok, fields, received, traceFields }`: `ok` when it has at least three
 * fields, every line is a field or a continuation, and one trace field appears.
 */
export function inspectHeaderBlock(text) {
  const lines = cleanPageText(text).replace(/\r\n?/g, '\n').split('\n');
  let fields = 0;
  let received = 0;
  let traceFields = 0;
  let ok = true;
  for (const line of lines) {
    if (line === '' || /^[ \t]*$/.test(line)) break;
    if (line[0] === ' ' || line[0] === '\t') {
      if (fields === 0) { ok = false; break; }
      continue;
    }
    const m = FIELD_LINE.exec(line);
    if (!m) { ok = false; break; }
    fields += 1;
    const name = m[1].toLowerCase();
    if (name === 'received') received += 1;
    if (TRACE_FIELDS.has(name)) traceFields += 1;
  }
  return { ok: ok && fields >= 3 && traceFields > 0, fields, received, traceFields };
}

/** True when the text starts like the header block of a delivered message. */
export function looksLikeHeaderBlock(text) {
  return inspectHeaderBlock(text).ok;
}

/**
 * Pick the best candidate `{source, text}` from a page reader: header blocks only,
 * the one with the most Received lines first, then the earliest offered.
 * Returns the candidate with its text cleaned, or null.
 */
export function pickHeaderCandidate(candidates) {
  let best = null;
  let bestReceived = -1;
  for (const candidate of candidates ?? []) {
    if (!candidate || typeof candidate.text !== 'string') continue;
    const info = inspectHeaderBlock(candidate.text);
    if (info.ok && info.received > bestReceived) {
      best = candidate;
      bestReceived = info.received;
    }
  }
  return best && { source: best.source, text: cleanPageText(best.text) };
}
