// Roundcube adapter: its viewsource action returns the raw message as text/plain
// (roundcube/roundcubemail program/actions/mail/viewsource.php; research/webmail.md §4.1).
// Common on Japanese shared hosting, where it often lives on the user's own domain.
//
// Test page: tests/e2e/fixtures/roundcube/index.html (the e2e test answers the
// preview and viewsource requests).

import { fetchOriginal } from '../fetch.js';

export const id = 'roundcube';

/**
 * ISOLATED world, main frame. The open message's { base, uid, mbox }, or null.
 * Full view carries _uid and _mbox in the page URL; the preview pane carries them in
 * iframe#messagecontframe's src. The mailbox name is passed through exactly as
 * found (IMAP modified UTF-7 for Japanese folder names).
 */
export function probeRoundcube() {
  try {
    const fromQuery = (search) => {
      const params = new URLSearchParams(search);
      const uid = params.get('_uid');
      const mbox = params.get('_mbox');
      return uid && mbox && params.get('_task') === 'mail' ? { uid, mbox } : null;
    };
    const looksLikeRoundcube = /(?:^|[?&])_task=mail(?:&|$)/.test(location.search.slice(1))
      || document.querySelector('#messagecontframe, #message-content, #messagebody') !== null;
    if (!looksLikeRoundcube) return null;
    let ref = fromQuery(location.search);
    const frame = document.getElementById('messagecontframe');
    if (!ref && frame && frame.src) ref = fromQuery(new URL(frame.src, location.href).search);
    return ref ? { base: location.origin + location.pathname, ...ref } : null;
  } catch {
    return null;
  }
}

export function viewSourceUrl({ base, uid, mbox }) {
  return `${base}?_task=mail&_action=viewsource&_uid=${encodeURIComponent(uid)}&_mbox=${encodeURIComponent(mbox)}&_extwin=1`;
}

/** See gmail.js readOriginal: the raw message text, or null. */
export async function readOriginal(run, maxChars) {
  const page = await run(probeRoundcube, []);
  if (!page) return null;
  const fetched = await run(fetchOriginal, [[viewSourceUrl(page)], maxChars]);
  return fetched?.ok ? fetched.body : null;
}
