// "Trace sender" / 「送信元を調べる」: native menus cannot be clicked from a test, so the
// test calls the menu's click handler in the service worker with the info Chrome
// would pass (including the newline-flattened selectionText), and the result must
// appear in a popup window.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, ORIGIN_IP, HOP_COUNT } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function clickMenu(pageUrl, selectionText) {
  const windowPage = browser.context.waitForEvent('page', {
    predicate: (page) => page.url().includes('popup/popup.html?window=1'),
  });
  await browser.worker.evaluate(async ({ prefix, selectionText }) => {
    const tabs = await chrome.tabs.query({});
    const tab = tabs.find((candidate) => candidate.url?.startsWith(prefix));
    const info = { menuItemId: 'trace-sender', frameId: 0, pageUrl: tab.url, editable: false };
    if (selectionText) info.selectionText = selectionText;
    return self.senderTrace.onContextMenuClick(info, tab);
  }, { prefix: pageUrl, selectionText });
  const page = await windowPage;
  await page.locator('[data-testid=origin-ip], [data-testid=error], [data-testid=page-status]').first().waitFor();
  return page;
}

test('selected header text → "Trace sender" → the popup window shows the origin IP', async () => {
  const url = `${browser.server.url}show-original.html`;
  const page = await browser.context.newPage();
  await page.goto(url);
  const selected = await page.evaluate(() => {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById('raw_message_text'));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return selection.toString();
  });
  assert.match(selected, /\nReceived: from mailer/);
  // What Chrome's contextMenus gives: newlines flattened to spaces.
  const result = await clickMenu(url, selected.replace(/\s+/g, ' '));
  assert.equal((await result.locator('[data-testid=origin-ip]').textContent()).trim(), ORIGIN_IP);
  assert.equal(await result.locator('[data-testid=hop]').count(), HOP_COUNT);
  assert.match(await result.locator('[data-testid=source]').textContent(), /selected text/);
  // The window is a real popup-type window.
  const windowType = await browser.worker.evaluate(async () => {
    const windows = await chrome.windows.getAll({ populate: true });
    const popup = windows.find((w) => w.tabs?.some((tab) => tab.url?.includes('popup.html?window=1')));
    return popup?.type ?? null;
  });
  assert.equal(windowType, 'popup');
  await result.close();
  await page.close();
  browser.assertClean();
});

test('"Trace sender" on a raw message page without a selection traces the page', async () => {
  const url = `${browser.server.url}provider-chain.eml`;
  const page = await browser.context.newPage();
  await page.goto(url);
  const result = await clickMenu(url, null);
  assert.equal((await result.locator('[data-testid=origin-ip]').textContent()).trim(), ORIGIN_IP);
  await result.close();
  await page.close();
  browser.assertClean();
});

test('"Trace sender" on selected prose shows a translated error in the window', async () => {
  const url = `${browser.server.url}plain-page.html`;
  const page = await browser.context.newPage();
  await page.goto(url);
  const selected = await page.evaluate(() => {
    const range = document.createRange();
    range.selectNodeContents(document.querySelector('p'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return getSelection().toString();
  });
  const result = await clickMenu(url, selected);
  await result.locator('[data-testid=error]').waitFor();
  assert.match(await result.locator('[data-testid=error]').textContent(), /not an e-mail header block/);
  await result.close();
  await page.close();
  browser.assertClean();
});
