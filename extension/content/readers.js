// Page readers, injected into a tab with scripting.executeScript({func}).
//
// Each function is serialised by the browser and runs in the page's ISOLATED world,
// so it must be self-contained: no imports, no closures, arguments via `args`.
// They only read and return plain data (executeScript's return value is a channel
// the page cannot forge, unlike postMessage). Chrome does not report exceptions
// thrown by an injected function, so each one catches and returns {ok:false}.

/**
 * Offer the texts of a page that may be a raw message ("show original" pages):
 * a text/plain body (Roundcube viewsource, Zimbra view=text, SnappyMail, Yahoo raw,
 * a saved .eml opened in the browser), Gmail's pre#raw_message_text, then the
 * largest <pre> and <textarea> elements, then header blocks rendered inside the
 * visible elements that match `blockScope` (by default open dialogs: Outlook's
 * "View message source", Proton's "View headers"). The extension page picks one.
 *
 * A rendered block is read with innerText, so lines drawn with <br>, <div> or table
 * rows keep their breaks. Its title and buttons are not part of the header block, so
 * the elements inside the scope that hold a "Received:" line are offered as well,
 * innermost first; the detector keeps the one that is a whole header block.
 */
export function readRawPage(maxChars, blockScope = '[role="dialog"], [aria-modal="true"], dialog[open]') {
  try {
    const candidates = [];
    const offer = (source, text) => {
      if (typeof text !== 'string' || text.trim() === '') return;
      candidates.push({ source, text: text.length > maxChars ? text.slice(0, maxChars) : text });
    };
    const type = String(document.contentType || '');
    if (type === 'text/plain' || type === 'message/rfc822') {
      offer('text-plain', document.body ? document.body.textContent : document.documentElement.textContent);
    }
    const gmail = document.getElementById('raw_message_text');
    if (gmail) offer('gmail-original', gmail.textContent);
    const blocks = [];
    for (const node of document.querySelectorAll('pre, textarea')) {
      const text = node.tagName === 'TEXTAREA' ? node.value : node.textContent;
      if (text && text.length > 40) blocks.push(text);
    }
    blocks.sort((a, b) => b.length - a.length);
    for (const text of blocks.slice(0, 4)) offer('pre', text);
    let scopes = [];
    try {
      scopes = blockScope ? [...document.querySelectorAll(blockScope)] : [];
    } catch {
      // An invalid selector: no rendered blocks.
    }
    const textOf = (node) => (node.tagName === 'TEXTAREA' ? node.value : node.textContent) || '';
    for (const scope of scopes) {
      // innerText of an element that is not rendered is its textContent: skip hidden ones.
      if (scope.getClientRects().length === 0) continue;
      const holders = [scope, ...scope.querySelectorAll('pre, textarea, code, div, section, article, table, tbody, td, dl, dd, p')]
        .filter((node) => /Received:/i.test(textOf(node)));
      holders.sort((a, b) => textOf(a).length - textOf(b).length);
      for (const node of holders.slice(0, 64)) {
        const text = node.tagName === 'TEXTAREA' ? node.value : node.innerText;
        if (/^\s*[!-9;-~]+:/.test(text || '')) offer('block', text);
      }
    }
    return { ok: true, url: location.href, contentType: type, candidates };
  } catch (err) {
    return { ok: false, error: String(err && err.message || err) };
  }
}

/**
 * Re-read the user's selection with its line breaks: Chrome's
 * contextMenus info.selectionText turns newlines into spaces (Chromium issue
 * 116429), which destroys a header block. A selection inside a <textarea> or
 * <input> is not part of getSelection(), so read it from the element.
 */
export function readSelection(maxChars) {
  try {
    let text = '';
    const active = document.activeElement;
    if (active && (active.tagName === 'TEXTAREA' || active.tagName === 'INPUT')
        && typeof active.selectionStart === 'number' && active.selectionEnd > active.selectionStart) {
      text = active.value.slice(active.selectionStart, active.selectionEnd);
    } else {
      const selection = window.getSelection();
      text = selection ? selection.toString() : '';
    }
    return { ok: true, url: location.href, text: text.length > maxChars ? text.slice(0, maxChars) : text };
  } catch (err) {
    return { ok: false, error: String(err && err.message || err) };
  }
}
