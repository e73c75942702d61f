// Shared by the adapters of webmails that give extensions no way to fetch the open
// message (Outlook on the web, Yahoo Mail, Yahoo! JAPAN メール): read the source
// when the user has it on screen, otherwise ask the popup to show the user the two
// clicks that open it (ui/guide.js) and watch the tab for it (content/watch.js).

import { readRawPage } from './readers.js';
import { pickHeaderCandidate } from '../ui/detect.js';

/** ISOLATED world: is this page served from one of `hosts` (or a subdomain of one)? */
export function onHost(hosts) {
  try {
    const host = location.hostname.toLowerCase();
    return hosts.some((name) => host === name || host.endsWith(`.${name}`));
  } catch {
    return false;
  }
}

/**
 * The header block rendered in `scope` on one of `hosts`: its text; `{ guide: id }`
 * when this is that webmail but no source is on screen; null when it is not.
 * `run` is the adapters' runner (see gmail.js readOriginal).
 */
export async function readOrGuide(run, maxChars, { id, hosts, scope }) {
  if (!await run(onHost, [hosts])) return null;
  const page = await run(readRawPage, [maxChars, scope]);
  const picked = page?.ok ? pickHeaderCandidate(page.candidates) : null;
  return picked ? picked.text : { guide: id };
}
