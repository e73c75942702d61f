// Gmail adapter: fetch the open message's "Show original" page (view=om) from the
// tab itself, so the request is same-origin and carries the user's session, and
// cut the raw message out of pre#raw_message_text (research/webmail.md §1).
//
// Test page: tests/e2e/fixtures/mail/u/0/index.html (a mock with Gmail's data-*
// attributes and GLOBALS; the e2e test answers the view=om request). A thread with
// several messages, a second account (/mail/u/1/) and the real host name:
// tests/e2e/fixtures/webmail/gmail/thread.html (tests/e2e/adapter-gmail.test.mjs).
//
// The injected functions run in the tab and must be self-contained (see
// readers.js). Nothing here is confirmed against live Gmail yet: it follows the
// endpoints that InboxSDK, gmail.js and lankeami/gmail-sender-info use, and the
// raw-page, selection and paste paths stay as fallbacks.

import { fetchOriginal } from '../fetch.js';

export const id = 'gmail';

/**
 * ISOLATED world. Is this a Gmail mailbox page, and which messages does it show?
 * Returns null, or { base, messages: [{ permmsgid, legacy, expanded }] }, the
 * last expanded message last. Matches on Gmail's URL shape and data-* attributes
 * (stable across class-name churn), not on the host, so a test page can stand in.
 */
export function probeGmail() {
  try {
    const path = /^\/mail\/(?:b\/[^/]+\/)?u\/\d+\//.exec(location.pathname);
    if (!path) return null;
    const messages = [];
    for (const node of document.querySelectorAll('[data-message-id]')) {
      const permmsgid = String(node.getAttribute('data-message-id') || '').replace(/^#/, '');
      if (!/^msg-[af]:/.test(permmsgid)) continue;
      const legacy = node.getAttribute('data-legacy-message-id') || null;
      // A collapsed message in a thread has no laid-out body: its summary line may be
      // on screen, but its body (div.a3s, stable for years; research/webmail.md §1.1) is not.
      const laidOut = (element) => element.offsetParent !== null && element.getClientRects().length > 0;
      const bodies = [...node.querySelectorAll('.a3s')];
      const expanded = laidOut(node) && (bodies.length === 0 || bodies.some(laidOut));
      // The message the user is in: keyboard focus, or the text they selected.
      const active = document.activeElement;
      const anchor = window.getSelection()?.anchorNode ?? null;
      const focused = expanded && ((active && active !== document.body && node.contains(active))
        || (anchor !== null && String(window.getSelection()) !== '' && node.contains(anchor)));
      messages.push({ permmsgid, legacy, expanded, focused });
    }
    if (messages.length === 0) return null;
    return { base: location.origin + path[0], messages };
  } catch {
    return null;
  }
}

/** MAIN world: Gmail's per-account key "ik" is GLOBALS[9]. Only reads and returns it. */
export function readGmailIk() {
  try {
    const globals = window.GLOBALS;
    const ik = Array.isArray(globals) ? globals[9] : null;
    return typeof ik === 'string' && /^[0-9a-f]{6,16}$/.test(ik) ? ik : null;
  } catch {
    return null;
  }
}

/** The view=om URLs for a message, best first. */
export function originalUrls(base, ik, message) {
  const withIk = ik ? `ik=${encodeURIComponent(ik)}&` : '';
  const urls = [`${base}?${withIk}view=om&permmsgid=${encodeURIComponent(message.permmsgid)}`];
  if (message.legacy && /^[0-9a-f]{16,}$/.test(message.legacy)) urls.push(`${base}?${withIk}view=om&th=${message.legacy}`);
  if (ik) urls.push(`${base}?view=om&permmsgid=${encodeURIComponent(message.permmsgid)}`);
  return urls;
}

/**
 * The message to trace: the expanded one the user is in (focus or selection), else
 * the last expanded one, else the last one (the newest in a thread).
 */
export function pickMessage(messages) {
  const focused = messages.filter((message) => message.focused);
  if (focused.length) return focused.at(-1);
  const expanded = messages.filter((message) => message.expanded);
  return (expanded.length ? expanded : messages).at(-1) ?? null;
}

const ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * The raw message in a "Show original" response. HTML is cut with a regular
 * expression and entities are decoded by hand, because Gmail's Trusted Types
 * policy and the service worker (no DOMParser) rule out an HTML parser here.
 * A plain-text response (some Gmail builds) is returned as it is.
 */
export function extractOriginal(body) {
  if (typeof body !== 'string') return null;
  const pre = /<pre\b[^>]*\bid=["']?raw_message_text["']?[^>]*>([\s\S]*?)<\/pre>/i.exec(body);
  if (!pre) return /^\s*<(?:!doctype|html)/i.test(body) ? null : body;
  return pre[1]
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity) => {
      if (entity[0] === '#') {
        const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[entity.toLowerCase()] ?? whole;
    });
}

/**
 * Read the open message's original through `run(func, args, world)`, which runs a
 * function in the tab's main frame and resolves to its return value.
 * Resolves to the raw message text, or null when this is not Gmail or it failed.
 */
export async function readOriginal(run, maxChars) {
  const page = await run(probeGmail, []);
  const message = page && pickMessage(page.messages);
  if (!message) return null;
  const ik = await run(readGmailIk, [], 'MAIN').catch(() => null);
  const fetched = await run(fetchOriginal, [originalUrls(page.base, ik, message), maxChars]);
  return fetched?.ok ? extractOriginal(fetched.body) : null;
}
