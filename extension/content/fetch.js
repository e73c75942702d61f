// Injected into a tab (ISOLATED world) by the webmail adapters: fetch a webmail's
// "view source" URL from the page itself, so the request is same-origin and
// carries the user's session; no host permission beyond activeTab is needed
// (research/webmail.md §1.4). Self-contained, like readers.js.

/**
 * Try `urls` in turn; resolve to { ok: true, url, body } for the first answer that
 * is a raw message (it starts with a header field) or a page that contains one
 * (Gmail's pre#raw_message_text), else { ok: false }.
 */
export async function fetchOriginal(urls, maxChars) {
  for (const url of urls) {
    try {
      const response = await fetch(url, { credentials: 'include' });
      if (!response.ok) continue;
      const body = await response.text();
      if (body.includes('raw_message_text') || /^\s*[!-9;-~]+:/.test(body.slice(0, 1000))) {
        return { ok: true, url, body: body.length > maxChars ? body.slice(0, maxChars) : body };
      }
    } catch {
      // Try the next form.
    }
  }
  return { ok: false };
}
