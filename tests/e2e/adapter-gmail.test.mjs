// Gmail (extension/content/adapters/gmail.js) under its real host name: a
// conversation with several messages in the second signed-in account
// (https://mail.google.com/mail/u/1/). The "Show original" request (view=om) is
// answered per message, only for that account's path and its ik, so the origin shown
// says which message was traced.

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { launch } from './harness.mjs';
import { clickMenu, openPopup, originOf, serveHost } from './adapter-routes.mjs';

const GMAIL = 'https://mail.google.com';
const THREAD_URL = `${GMAIL}/mail/u/1/#inbox/FMfcgzQbfLmVXKWrTqBwXvzKjRcsNpGh`;
const ORIGINALS = {
  'msg-f:1849000000000000200': { file: 'webmail/gmail/original-b.html', origin: '198.51.100.23' }, // older, expanded
  'msg-f:1849000000000000300': { file: 'webmail/gmail/original-a.html', origin: '203.0.113.45' }, // newest
};

let browser;
let asked;
before(async () => {
  browser = await launch();
  asked = await serveHost(browser.context, GMAIL, (url) => {
    // The second account, and a mailbox delegated to the first one.
    if (url.pathname !== '/mail/u/1/' && url.pathname !== '/mail/b/ALKXq7Y2dE/u/0/') return null;
    if (url.searchParams.get('view') !== 'om') return 'webmail/gmail/thread.html';
    const original = url.searchParams.get('ik') === '5f6e7d8c9b' && ORIGINALS[url.searchParams.get('permmsgid')];
    return original ? original.file : null;
  });
});
beforeEach(() => { asked.length = 0; });
after(async () => { await browser?.close(); });

const originals = () => asked.filter((path) => path.includes('view=om'));

async function openThread() {
  const page = await browser.context.newPage();
  await page.goto(THREAD_URL);
  return page;
}

test('Gmail thread, second account: the toolbar traces the newest expanded message with /u/1/ and its ik', async () => {
  const page = await openThread();
  const popup = await openPopup(browser, page);
  assert.equal(await originOf(popup), ORIGINALS['msg-f:1849000000000000300'].origin);
  assert.deepEqual(originals(), ['/mail/u/1/?ik=5f6e7d8c9b&view=om&permmsgid=msg-f%3A1849000000000000300']);
  assert.match(await popup.locator('[data-testid=source]').textContent(), /fetched from Gmail/);
  await popup.close();
  await page.close();
  browser.assertClean();
});

test('Gmail thread: with text selected in the older expanded message, that message is traced', async () => {
  const page = await openThread();
  await page.evaluate(() => {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById('older-body'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  });
  const popup = await openPopup(browser, page);
  assert.equal(await originOf(popup), ORIGINALS['msg-f:1849000000000000200'].origin);
  assert.deepEqual(originals(), ['/mail/u/1/?ik=5f6e7d8c9b&view=om&permmsgid=msg-f%3A1849000000000000200']);
  await popup.close();
  await page.close();
  browser.assertClean();
});

test('Gmail thread: with keyboard focus in the older message, "Trace sender" traces that one', async () => {
  const page = await openThread();
  await page.locator('#older-body').focus();
  const result = await clickMenu(browser, page);
  assert.equal(await originOf(result), ORIGINALS['msg-f:1849000000000000200'].origin);
  await result.close();
  await page.close();
  browser.assertClean();
});

test('Gmail thread: the newest message collapsed, the last expanded one is traced (toolbar and menu)', async () => {
  const page = await openThread();
  await page.evaluate(() => document.querySelector('[data-message-id="#msg-f:1849000000000000300"]').classList.add('collapsed'));
  const popup = await openPopup(browser, page);
  assert.equal(await originOf(popup), ORIGINALS['msg-f:1849000000000000200'].origin);
  await popup.close();
  const result = await clickMenu(browser, page);
  assert.equal(await originOf(result), ORIGINALS['msg-f:1849000000000000200'].origin);
  assert.equal(originals().length, 2);
  assert.ok(originals().every((path) => path.endsWith('permmsgid=msg-f%3A1849000000000000200')), originals().join(', '));
  await result.close();
  await page.close();
  browser.assertClean();
});

test('Gmail thread: "Trace sender" with nothing selected traces the newest message', async () => {
  const page = await openThread();
  const result = await clickMenu(browser, page);
  assert.equal(await originOf(result), ORIGINALS['msg-f:1849000000000000300'].origin);
  await result.close();
  await page.close();
  browser.assertClean();
});

test('Gmail, delegated mailbox (/mail/b/…/u/0/): the original is fetched under that mailbox\'s path', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${GMAIL}/mail/b/ALKXq7Y2dE/u/0/#inbox/FMfcgzQbfLmVXKWrTqBwXvzKjRcsNpGh`);
  const popup = await openPopup(browser, page);
  assert.equal(await originOf(popup), ORIGINALS['msg-f:1849000000000000300'].origin);
  assert.deepEqual(originals(), ['/mail/b/ALKXq7Y2dE/u/0/?ik=5f6e7d8c9b&view=om&permmsgid=msg-f%3A1849000000000000300']);
  await popup.close();
  await page.close();
  browser.assertClean();
});
