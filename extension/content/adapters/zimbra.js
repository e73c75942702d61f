// Zimbra / Zextras Carbonio adapter: the REST servlet returns the raw message as
// text/plain at /service/home/~/?auth=co&view=text&id=<message id>
// (zextras/carbonio-mails-ui use-msg-show-original.ts; research/webmail.md §4.5).
//
// Test page: tests/e2e/fixtures/zimbra/index.html (the e2e test answers the
// REST request).

import { fetchOriginal } from '../fetch.js';

export const id = 'zimbra';

/**
 * ISOLATED world, main frame: { origin, messageId } of the open message, or null. The classic Ajax
 * client marks the selected row "Row-selected" with an id like zli__TV-main__4437;
 * a message opened on its own has id=<n> in the URL. Ids may be negative in some
 * views, and the servlet wants the absolute value.
 */
export function probeZimbra() {
  try {
    const row = document.querySelector('.Row-selected[id^="zli__"]');
    const fromRow = row && /__(-?\d+)$/.exec(row.id);
    const fromUrl = document.querySelector('[id^="zli__"], [id^="zv__"]') && /[?&]id=(-?\d+)/.exec(location.search);
    const found = fromRow || fromUrl;
    return found ? { origin: location.origin, messageId: String(Math.abs(Number(found[1]))) } : null;
  } catch {
    return null;
  }
}

export function restUrl(origin, messageId) {
  return `${origin}/service/home/~/?auth=co&view=text&id=${encodeURIComponent(messageId)}`;
}

/** See gmail.js readOriginal: the raw message text, or null. */
export async function readOriginal(run, maxChars) {
  const page = await run(probeZimbra, []);
  if (!page) return null;
  const fetched = await run(fetchOriginal, [[restUrl(page.origin, page.messageId)], maxChars]);
  return fetched?.ok ? fetched.body : null;
}
