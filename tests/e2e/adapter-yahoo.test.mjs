// Yahoo Mail (extension/content/adapters/yahoo.js) and Yahoo! JAPAN メール
// (yahoojp.js), with the fixture pages loaded as https://mail.yahoo.com/… and
// https://mail.yahoo.co.jp/…. Yahoo Mail's raw message opens in a new tab (text/plain),
// which the toolbar and "Trace sender" trace; on the mailbox page the popup shows the
// two clicks. Yahoo! JAPAN shows the detailed headers inline: traced when shown;
// otherwise the two clicks, and the trace completes by itself once they are open.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch } from './harness.mjs';
import { clickMenu, openPopup, originOf, serveHost, setLanguage } from './adapter-routes.mjs';

const YAHOO_ORIGIN = '203.0.113.88';
const YAHOOJP_ORIGIN = '198.51.100.140';
const YAHOO = 'https://mail.yahoo.com';
const YAHOOJP = 'https://mail.yahoo.co.jp';
const MESSAGE_URL = `${YAHOO}/d/folders/1/messages/ANS5xYk2bCdE`;
const JP_MESSAGE_URL = `${YAHOOJP}/u/pc/f/message/AOiJr2kAAJq8ZRnVwQG9xB2Lc1Q`;

let browser;
before(async () => {
  browser = await launch();
  await serveHost(browser.context, YAHOO, (url) => {
    if (url.pathname.startsWith('/d/raw/folders/1/messages/ANS5xYk2bCdE')) return 'webmail/yahoo/raw.txt';
    if (url.pathname.startsWith('/d/folders/')) return 'webmail/yahoo/message.html';
    return null;
  });
  await serveHost(browser.context, YAHOOJP, (url) => (url.pathname.startsWith('/u/pc/f/message/') ? 'webmail/yahoojp/message.html' : null));
});
after(async () => { await browser?.close(); });

async function open(url) {
  const page = await browser.context.newPage();
  await page.goto(url);
  return page;
}

/** Yahoo Mail: ⋯ (More) → View raw message, which opens a new tab. */
async function openRawTab(page) {
  await page.getByRole('button', { name: 'More' }).click();
  const [raw] = await Promise.all([
    browser.context.waitForEvent('page', { predicate: (p) => p.url().includes('/d/raw/') }),
    page.getByRole('menuitem', { name: 'View raw message' }).click(),
  ]);
  await raw.waitForLoadState();
  return raw;
}

/** Yahoo! JAPAN: ▼ (header details) → 詳細ヘッダー. */
async function showDetailedHeaders(page) {
  await page.getByRole('button', { name: 'ヘッダー情報を表示' }).click();
  await page.getByRole('button', { name: '詳細ヘッダー' }).click();
  await page.locator('table.detail-header').waitFor();
}

test('Yahoo Mail, message view: the popup shows the two clicks in English; the raw tab they open is traced', async () => {
  const page = await open(MESSAGE_URL);
  const popup = await openPopup(browser, page);
  await popup.locator('[data-testid=guide]').waitFor();
  const steps = await popup.locator('[data-testid=guide-step]').allTextContents();
  assert.equal(steps.length, 2);
  assert.match(steps[0], /“⋯” \(More\)/);
  assert.match(steps[1], /View raw message.*new tab/);
  assert.match(await popup.locator('[data-testid=guide] h2').textContent(), /Yahoo Mail/);
  await popup.close();
  const raw = await openRawTab(page);
  assert.match(await raw.evaluate(() => document.contentType), /^text\/plain/);
  const rawPopup = await openPopup(browser, raw);
  assert.equal(await originOf(rawPopup), YAHOO_ORIGIN);
  assert.equal(await rawPopup.locator('[data-testid=hop]').count(), 2);
  await rawPopup.close();
  await raw.close();
  await page.close();
  browser.assertClean();
});

test('Yahoo Mail, message view, Japanese: the two clicks in Japanese', async () => {
  await setLanguage(browser, 'ja');
  try {
    const page = await open(MESSAGE_URL);
    const popup = await openPopup(browser, page);
    await popup.locator('[data-testid=guide]').waitFor();
    const steps = await popup.locator('[data-testid=guide-step]').allTextContents();
    assert.deepEqual(steps, [
      'メッセージ上部のツールバーの「⋯」（その他）をクリックします。',
      '「View raw message」を選びます。新しいタブで開くので、そのタブで SenderTrace のボタンを押してください。',
    ]);
    await popup.close();
    await page.close();
  } finally {
    await setLanguage(browser, null);
  }
  browser.assertClean();
});

test('Yahoo Mail, raw message tab: "Trace sender" traces it', async () => {
  const page = await open(MESSAGE_URL);
  const raw = await openRawTab(page);
  const result = await clickMenu(browser, raw);
  assert.equal(await originOf(result), YAHOO_ORIGIN);
  await result.close();
  await raw.close();
  await page.close();
  browser.assertClean();
});

test('Yahoo! JAPAN, detailed headers shown: the toolbar popup and "Trace sender" trace them', async () => {
  const page = await open(JP_MESSAGE_URL);
  await showDetailedHeaders(page);
  const popup = await openPopup(browser, page);
  assert.equal(await originOf(popup), YAHOOJP_ORIGIN);
  assert.equal(await popup.locator('[data-testid=hop]').count(), 2);
  await popup.close();
  const result = await clickMenu(browser, page);
  assert.equal(await originOf(result), YAHOOJP_ORIGIN);
  await result.close();
  await page.close();
  browser.assertClean();
});

test('Yahoo! JAPAN, headers hidden, Japanese: the two clicks in Japanese, then the trace once they are open', async () => {
  await setLanguage(browser, 'ja');
  try {
    const page = await open(JP_MESSAGE_URL);
    const popup = await openPopup(browser, page);
    await popup.locator('[data-testid=guide]').waitFor();
    const steps = await popup.locator('[data-testid=guide-step]').allTextContents();
    assert.deepEqual(steps, ['差出人の横の「▼」をクリックしてヘッダー情報を表示します。', 'ヘッダー右下の「詳細ヘッダー」をクリックします。']);
    assert.match(await popup.locator('[data-testid=guide] h2').textContent(), /Yahoo! JAPAN メール/);
    await showDetailedHeaders(page);
    assert.equal(await originOf(popup), YAHOOJP_ORIGIN);
    await popup.close();
    await page.close();
  } finally {
    await setLanguage(browser, null);
  }
  browser.assertClean();
});

test('Yahoo! JAPAN, headers hidden, English: "Trace sender" shows the steps, then the trace', async () => {
  const page = await open(JP_MESSAGE_URL);
  const result = await clickMenu(browser, page);
  await result.locator('[data-testid=guide]').waitFor();
  const steps = await result.locator('[data-testid=guide-step]').allTextContents();
  assert.match(steps[1], /“詳細ヘッダー” \(detailed headers\)/);
  await showDetailedHeaders(page);
  assert.equal(await originOf(result), YAHOOJP_ORIGIN);
  await result.close();
  await page.close();
  browser.assertClean();
});
