// SquirrelMail adapter: src/view_header.php?mailbox=…&passed_id=…&passed_ent_id=0
// ("View Full Header") renders the message's whole header block as HTML, one <tt>
// per field, with continuation lines joined by four &nbsp; (RealityRipple/squirrelmail
// src/view_header.php; research/webmail.md §4.2). SquirrelMail 1.4 uses a frameset,
// so the open message is looked for in the page and its same-origin frames: the
// "View Full Header" link of read_body.php, else passed_id and mailbox in its URL.
// The header page is fetched in the tab (same origin, the user's session) and parsed
// there with DOMParser (SquirrelMail has no Trusted Types policy).
//
// Test page: tests/e2e/fixtures/webmail/squirrelmail/webmail.php (a frameset;
// tests/e2e/adapter-squirrelmail.test.mjs serves it as https://webmail.example.net/).

export const id = 'squirrelmail';

/**
 * ISOLATED world, main frame: the open message's header fields as [name, value]
 * rows, or null. Already on view_header.php: read it; else fetch it.
 */
export async function readSquirrelMailHeaders() {
  try {
    const rowsOf = (doc) => {
      const rows = [];
      for (const tt of doc.querySelectorAll('tt')) {
        const m = /^\s*([!-9;-~]+):([\s\S]*)$/.exec(tt.textContent || '');
        if (m) rows.push([m[1], m[2]]);
      }
      return rows;
    };
    const docs = [document];
    for (const frame of document.querySelectorAll('frame, iframe')) {
      try {
        if (frame.contentDocument) docs.push(frame.contentDocument);
      } catch {
        // A cross-origin frame is not SquirrelMail's.
      }
    }
    let url = null;
    for (const doc of docs) {
      const where = doc.location;
      if (!where || where.origin !== location.origin) continue;
      if (/\/view_header\.php$/.test(where.pathname)) {
        const rows = rowsOf(doc);
        if (rows.length) return rows;
      }
      const link = doc.querySelector('a[href*="view_header.php"]');
      if (link && link.href.startsWith(`${location.origin}/`)) {
        url = link.href;
        break;
      }
      if (/\/read_body\.php$/.test(where.pathname)) {
        const params = new URLSearchParams(where.search);
        const uid = params.get('passed_id');
        const mailbox = params.get('mailbox');
        if (uid && mailbox) {
          url = new URL(`view_header.php?mailbox=${encodeURIComponent(mailbox)}&passed_id=${encodeURIComponent(uid)}&passed_ent_id=0`, where.href).href;
          break;
        }
      }
    }
    if (!url) return null;
    const response = await fetch(url, { credentials: 'include' });
    if (!response.ok) return null;
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    const rows = rowsOf(page);
    return rows.length ? rows : null;
  } catch {
    return null;
  }
}

/**
 * Header text from view_header.php rows: the line breaks nl2br() kept are dropped,
 * and each run of four NBSP (where a folded line was joined) becomes a line break
 * again, followed by the continuation's own leading white space.
 */
export function rowsToHeaderText(rows) {
  if (!Array.isArray(rows) || rows.length === 0) return null;
  const lines = rows.map(([name, value]) => {
    const unfolded = String(value).replace(/\r?\n/g, '').replace(/\u00a0{4}/g, '\n').replace(/\s+$/, '');
    return `${name}:${unfolded}`;
  });
  return `${lines.join('\n')}\n\n`;
}

/** See gmail.js readOriginal: the header block text, or null. */
export async function readOriginal(run) {
  return rowsToHeaderText(await run(readSquirrelMailHeaders, []));
}
