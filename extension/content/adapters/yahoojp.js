// Yahoo! JAPAN メール adapter (mail.yahoo.co.jp). No raw-message URL is known; the
// message view's "詳細ヘッダー" (detailed headers) renders the full header block inline
// (nikkeibp support page; research/webmail.md §3.2, weak evidence). This adapter reads
// a header block rendered anywhere on the page, and otherwise has the popup show the
// user the two clicks that open it; the background traces as soon as it appears.
// Japanese spam often carries ISO-2022-JP or raw 8-bit headers: the core copes.
//
// Test page: tests/e2e/fixtures/webmail/yahoojp/message.html (loaded as
// https://mail.yahoo.co.jp/u/pc/f/message/…, tests/e2e/adapter-yahoojp.test.mjs).

import { readOrGuide } from '../guided.js';

export const id = 'yahoojp';

export const HOSTS = ['mail.yahoo.co.jp'];

// The inline header area's markup is unknown: scan the whole page.
const SCOPE = 'body';

/** See gmail.js readOriginal: the raw message text, { guide: 'yahoojp' } or null. */
export function readOriginal(run, maxChars) {
  return readOrGuide(run, maxChars, { id, hosts: HOSTS, scope: SCOPE });
}
