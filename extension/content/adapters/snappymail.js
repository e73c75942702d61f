// SnappyMail / RainLoop adapter: the message view already holds the "View original"
// link (?/Raw/&q[]=/0/ViewAsPlain/&q[]=/<hash>), which returns text/plain
// (the-djmaze/snappymail dev/Model/Message.js viewRaw(); research/webmail.md §4.4).
//
// Test page: tests/e2e/fixtures/snappymail/index.html (the e2e test answers the
// Raw request).

import { fetchOriginal } from '../fetch.js';

export const id = 'snappymail';

/** ISOLATED world, main frame: the "View original" link of the open message, or null. */
export function probeSnappyMail() {
  try {
    const links = [...document.querySelectorAll('a[href*="/Raw/"][href*="ViewAsPlain"]')]
      .map((link) => link.href)
      .filter((href) => href.startsWith(location.origin + '/'));
    // Several views may be in the DOM; the last one is the message on screen.
    return links.length ? links[links.length - 1] : null;
  } catch {
    return null;
  }
}

/** See gmail.js readOriginal: the raw message text, or null. */
export async function readOriginal(run, maxChars) {
  const url = await run(probeSnappyMail, []);
  if (!url) return null;
  const fetched = await run(fetchOriginal, [[url], maxChars]);
  return fetched?.ok ? fetched.body : null;
}
