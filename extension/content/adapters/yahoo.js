// Yahoo Mail adapter (mail.yahoo.com). "⋯ More → View raw message" shows the raw
// message as text/plain in a new tab, which the generic raw-page reader traces; no
// documented way lets an extension fetch it from the mailbox page (the rawplaintext
// API seen in other extensions is cross-origin and unverified, research/webmail.md §3.1).
// So on the mailbox page this adapter reads a raw message rendered in the message view
// or a dialog, and otherwise has the popup show the user the two clicks.
//
// Test page: tests/e2e/fixtures/webmail/yahoo/message.html (loaded as
// https://mail.yahoo.com/d/folders/1/messages/…; its raw view, raw.txt, as
// https://mail.yahoo.com/… text/plain, tests/e2e/adapter-yahoo.test.mjs).

import { readOrGuide } from '../guided.js';

export const id = 'yahoo';

export const HOSTS = ['mail.yahoo.com'];

// Yahoo's own data-test-id hooks (will355/email-scam-detection-chrome-ext providers/yahoo.js).
const SCOPE = '[data-test-id="message-view"], [role="dialog"], [aria-modal="true"]';

/** See gmail.js readOriginal: the raw message text, { guide: 'yahoo' } or null. */
export function readOriginal(run, maxChars) {
  return readOrGuide(run, maxChars, { id, hosts: HOSTS, scope: SCOPE });
}
