// Outlook.com / Outlook on the web adapter. A browser extension cannot call Office.js,
// and OWA's internal service.svc API needs a token scraped from the page, so the
// robust route is the UI: "⋯ (More actions) → View → View message source" (or
// "View message details") opens a dialog with the full source, and this adapter reads
// that dialog (research/webmail.md §2.4). When it is not open, the popup shows the user
// the two clicks that open it and the background traces as soon as it appears
// (content/guided.js, content/watch.js, ui/guide.js).
//
// The dialog's markup is not documented: it is read as any visible dialog whose
// rendered text holds a header block (innerText keeps the line breaks, whether the
// lines are a <pre>, <div>s or <br>s).
//
// Test page: tests/e2e/fixtures/webmail/outlook/mail.html (the e2e tests
// load it as https://outlook.live.com/mail/0/inbox/id/… and open the dialog in the page).

import { readOrGuide } from '../guided.js';

export const id = 'outlook';

export const HOSTS = ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com', 'outlook.cloud.microsoft'];

// Fluent UI dialogs carry role=dialog; older OWA builds use .ms-Dialog / .ms-Modal.
const SCOPE = '[role="dialog"], [aria-modal="true"], dialog[open], .ms-Dialog, .ms-Modal';

/** See gmail.js readOriginal: the raw message text, { guide: 'outlook' } or null. */
export function readOriginal(run, maxChars) {
  return readOrGuide(run, maxChars, { id, hosts: HOSTS, scope: SCOPE });
}
