// Outlook.com / Outlook on the web (extension/content/adapters/outlook.js), with the
// fixture page loaded as https://outlook.live.com/… and https://outlook.office.com/….
// With "View message source" open, both the toolbar and "Trace sender" trace it.
// Without it, the popup shows the two clicks (in English and Japanese) and the trace
// completes by itself when the test opens the dialog: in the popup if it is still open,
// else (the popup closed when the user clicked into the page) in a result window.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch } from './harness.mjs';
import { clickMenu, openPopup, originOf, serveHost, setLanguage } from './adapter-routes.mjs';

const ORIGIN = '198.51.100.77';
const PAGE = 'webmail/outlook/mail.html';
const LIVE = 'https://outlook.live.com';
const OFFICE = 'https://outlook.office.com';
const MESSAGE_PATH = '/mail/0/inbox/id/AAQkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgAQAN4vK1EbOUZGqMp7PlBqBxk%3D';

let browser;
before(async () => {
  browser = await launch();
  for (const origin of [LIVE, OFFICE]) await serveHost(browser.context, origin, (url) => (url.pathname.startsWith('/mail/') ? PAGE : null));
});
after(async () => { await browser?.close(); });

async function openMessage(origin = LIVE) {
  const page = await browser.context.newPage();
  await page.goto(`${origin}${MESSAGE_PATH}`);
  return page;
}

/** The user's clicks: ⋯ (More actions) → View → View message source. */
async function openSourceDialog(page) {
  await page.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menuitem', { name: 'View', exact: true }).click();
  await page.getByRole('menuitem', { name: 'View message source' }).click();
  await page.getByRole('dialog').waitFor();
}

test('Outlook, source dialog open: the toolbar popup traces it', async () => {
  const page = await openMessage();
  await openSourceDialog(page);
  const popup = await openPopup(browser, page);
  assert.equal(await originOf(popup), ORIGIN);
  assert.equal(await popup.locator('[data-testid=hop]').count(), 3);
  assert.equal(await popup.locator('[data-testid=guide]').count(), 0);
  await popup.close();
  await page.close();
  browser.assertClean();
});

test('Outlook on the web (outlook.office.com), source dialog open: "Trace sender" traces it', async () => {
  const page = await openMessage(OFFICE);
  await openSourceDialog(page);
  const result = await clickMenu(browser, page);
  assert.equal(await originOf(result), ORIGIN);
  await result.close();
  await page.close();
  browser.assertClean();
});

test('Outlook, no dialog: the popup shows the two clicks in English, then traces when the dialog opens', async () => {
  const page = await openMessage();
  const popup = await openPopup(browser, page);
  const guide = popup.locator('[data-testid=guide]');
  await guide.waitFor();
  const steps = await popup.locator('[data-testid=guide-step]').allTextContents();
  assert.equal(steps.length, 2);
  assert.match(steps[0], /More actions/);
  assert.match(steps[1], /View → View message source/);
  assert.match(await guide.locator('h2').textContent(), /Outlook/);
  assert.match(await popup.locator('[data-testid=guide-status]').textContent(), /Waiting for the source/);
  assert.equal(await popup.locator('[data-testid=origin-ip]').count(), 0);
  // The popup stays open (a kept-open popup or the result window): the result comes to it.
  const windows = [];
  const collect = (p) => { if (p.url().includes('window=1')) windows.push(p); };
  browser.context.on('page', collect);
  await openSourceDialog(page);
  assert.equal(await originOf(popup), ORIGIN);
  assert.equal(await popup.locator('[data-testid=guide]').count(), 0);
  browser.context.off('page', collect);
  assert.equal(windows.length, 0, 'no extra result window while the popup is open');
  await popup.close();
  await page.close();
  browser.assertClean();
});

test('Outlook, no dialog, Japanese: the steps are in Japanese; the popup closes, the result opens in a window', async () => {
  await setLanguage(browser, 'ja');
  try {
    const page = await openMessage();
    const popup = await openPopup(browser, page);
    await popup.locator('[data-testid=guide]').waitFor();
    const steps = await popup.locator('[data-testid=guide-step]').allTextContents();
    assert.deepEqual(steps, ['メッセージ右上の「⋯」（その他の操作）をクリックします。', '「表示」→「メッセージのソースを表示」を選びます。']);
    assert.match(await popup.locator('[data-testid=guide]').locator('h2').textContent(), /メッセージのソースを開いてください/);
    assert.match(await popup.locator('[data-testid=guide-status]').textContent(), /自動で調べます/);
    // Wait until the background has armed the tab, then close the popup, as a click
    // into the page does.
    await browser.worker.evaluate(async () => {
      for (let i = 0; i < 50; i++) {
        const items = await chrome.storage.session.get(null);
        if (Object.keys(items).some((key) => key.startsWith('watch:'))) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('the tab was never armed');
    });
    await popup.close();
    const opened = browser.context.waitForEvent('page', { predicate: (p) => p.url().includes('popup/popup.html?window=1') });
    await openSourceDialog(page);
    const result = await opened;
    assert.equal(await originOf(result), ORIGIN);
    assert.equal(await result.evaluate(() => document.documentElement.lang), 'ja');
    await result.close();
    await page.close();
  } finally {
    await setLanguage(browser, null);
  }
  browser.assertClean();
});

test('Outlook, no dialog: "Trace sender" shows the steps in its window, which then shows the trace', async () => {
  const page = await openMessage();
  const result = await clickMenu(browser, page);
  await result.locator('[data-testid=guide]').waitFor();
  assert.equal(await result.locator('[data-testid=guide-step]').count(), 2);
  await openSourceDialog(page);
  assert.equal(await originOf(result), ORIGIN);
  await result.close();
  await page.close();
  browser.assertClean();
});

test('a page on another host gets the ordinary hint, not the guide', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${browser.server.url}plain-page.html`);
  const popup = await openPopup(browser, page);
  await popup.locator('[data-testid=page-status]').waitFor();
  assert.equal(await popup.locator('[data-testid=guide]').count(), 0);
  await popup.close();
  await page.close();
  browser.assertClean();
});
