// Shared by the webmail adapter tests (tests/e2e/adapter-*.test.mjs): load fixture
// pages under the webmail's real host name (Playwright answers every request to that
// origin from tests/e2e/fixtures; nothing reaches the network), and drive the two
// ways a user starts a trace: the toolbar popup (popup.html?tab=ID stands in for the
// click) and the "Trace sender" menu (its click handler, called in the worker).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fixtures } from './harness.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.php': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.eml': 'text/plain; charset=utf-8',
};

// What a finished popup or result window shows: a result, an error, a note or a guided step.
export const SETTLED = '[data-testid=origin-ip], [data-testid=error], [data-testid=page-status], [data-testid=guide]';

/**
 * Answer every request to `origin` with `answer(url)`: a fixture path (relative to
 * tests/e2e/fixtures), a Playwright fulfil object, or null for a 404. Resolves to the
 * list of paths asked for (pathname + search), in order.
 */
export async function serveHost(context, origin, answer) {
  const asked = [];
  await context.route((url) => url.origin === origin, (route) => {
    const url = new URL(route.request().url());
    asked.push(url.pathname + url.search);
    const result = answer(url);
    if (typeof result === 'string') {
      return route.fulfill({ status: 200, contentType: TYPES[extname(result)] ?? 'text/plain; charset=utf-8', body: readFileSync(join(fixtures, result)) });
    }
    return route.fulfill(result ?? { status: 404, contentType: 'text/plain', body: 'not found' });
  });
  return asked;
}

/** The raw text of a fixture file. */
export function fixtureText(path) {
  return readFileSync(join(fixtures, path), 'utf8');
}

/** The tab id of `page` as the extension sees it. */
export async function tabOf(browser, page) {
  const id = await browser.tabId(page.url());
  assert.equal(typeof id, 'number', `the extension sees the tab of ${page.url()}`);
  return id;
}

/** The toolbar path: the popup for `page`'s tab, once it shows something. */
export async function openPopup(browser, page) {
  const id = await tabOf(browser, page);
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl(`popup/popup.html?tab=${id}`));
  await popup.locator(SETTLED).first().waitFor();
  return popup;
}

/** The frame ids of `page`'s tab, by URL (for a menu click inside a frame). */
export async function frameIds(browser, page) {
  const id = await tabOf(browser, page);
  return browser.worker.evaluate(async (tabId) => {
    const results = await chrome.scripting.executeScript({ target: { tabId, allFrames: true }, func: () => location.href });
    return results.map((result) => ({ frameId: result.frameId, url: result.result }));
  }, id);
}

/**
 * The context-menu path: "Trace sender" on `page` (in `frameId`, with or without a
 * selection) as Chrome would call the handler; resolves to the result window.
 */
export async function clickMenu(browser, page, { frameId = 0, selectionText = null } = {}) {
  const id = await tabOf(browser, page);
  const opened = browser.context.waitForEvent('page', { predicate: (p) => p.url().includes('popup/popup.html?window=1') });
  await browser.worker.evaluate(async ({ tabId, frameId, selectionText }) => {
    const tab = await chrome.tabs.get(tabId);
    const info = { menuItemId: 'trace-sender', frameId, pageUrl: tab.url, editable: false };
    if (selectionText) info.selectionText = selectionText;
    return self.senderTrace.onContextMenuClick(info, tab);
  }, { tabId: id, frameId, selectionText });
  const result = await opened;
  await result.locator(SETTLED).first().waitFor();
  return result;
}

/** The UI language for the extension's pages (the older storage.local seam; null = browser's). */
export function setLanguage(browser, lang) {
  return browser.worker.evaluate((value) => (value ? chrome.storage.local.set({ lang: value }) : chrome.storage.local.remove('lang')), lang);
}

/** The origin IP a popup or window shows. */
export async function originOf(page) {
  await page.locator('[data-testid=origin-ip]').waitFor();
  return (await page.locator('[data-testid=origin-ip]').textContent()).trim();
}
