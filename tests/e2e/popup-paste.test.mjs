// The popup's paste box: headers → hops and origin; prose → a translated error and
// nothing thrown. Also takes the README screenshots (docs/screenshots/popup-{en,ja}.png).

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fixtures, launch, root, ORIGIN_IP, HOP_COUNT } from './harness.mjs';

const headers = readFileSync(join(fixtures, 'provider-chain.eml'), 'utf8');
// A phishing-style message (forged From, Reply-To elsewhere) shows more of the view.
const forged = readFileSync(join(fixtures, 'forged-bank.eml'), 'utf8');
const screenshots = join(root, 'docs/screenshots');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openPopup() {
  const popup = await browser.context.newPage();
  await popup.setViewportSize({ width: 560, height: 600 });
  await popup.goto(browser.extensionUrl('popup/popup.html'));
  // Opened as a tab, the popup's "active tab" is itself, which it cannot read: wait for that note.
  await popup.locator('[data-testid=page-status]').waitFor();
  return popup;
}

async function paste(popup, text) {
  await popup.locator('[data-testid=paste-input]').fill(text);
  await popup.locator('[data-testid=trace-button]').click();
}

test('pasted headers: origin and every hop, newest first', async () => {
  const popup = await openPopup();
  await paste(popup, headers);
  await popup.locator('[data-testid=origin-ip]').waitFor();
  assert.equal((await popup.locator('[data-testid=origin-ip]').textContent()).trim(), ORIGIN_IP);
  const hops = popup.locator('[data-testid=hop]');
  assert.equal(await hops.count(), HOP_COUNT);
  assert.match(await hops.nth(0).textContent(), /mbox3\.example\.jp/, 'the newest hop comes first');
  assert.match(await hops.nth(2).textContent(), /192\.168\.10\.20/, 'the oldest hop comes last');
  // The line as written is one keyboard action away.
  const raw = hops.nth(1).locator('details summary');
  await raw.focus();
  await popup.keyboard.press('Enter');
  assert.match(await hops.nth(1).locator('details code').innerText(), /from mailer\.sender\.example \(mailer\.sender\.example \[203\.0\.113\.45\]\)/);
  assert.equal(await popup.locator('[data-testid=error]').count(), 0);
  assert.match(await popup.locator('[data-testid=from]').textContent(), /sales@sender\.example/);
  await popup.close();
  browser.assertClean();
});

test('pasted prose: a translated error, nothing thrown', async () => {
  const popup = await openPopup();
  await paste(popup, 'Hello Hanako,\n\nThanks for lunch yesterday. Shall we meet again next week?\n\nTaro');
  await popup.locator('[data-testid=error]').waitFor();
  assert.match(await popup.locator('[data-testid=error]').textContent(), /not an e-mail header block/);
  assert.equal(await popup.locator('[data-testid=origin-ip]').count(), 0);
  await paste(popup, '');
  await popup.locator('[data-testid=error]', { hasText: /empty/ }).waitFor();
  await popup.close();
  browser.assertClean();
});

test('the popup in Japanese (language setting), and the screenshots', async () => {
  mkdirSync(screenshots, { recursive: true });
  const shoot = async (lang) => {
    await browser.worker.evaluate((value) => chrome.storage.local.set({ lang: value }), lang);
    const popup = await openPopup();
    await paste(popup, forged);
    await popup.locator('[data-testid=origin-ip]').waitFor();
    assert.equal((await popup.locator('[data-testid=origin-ip]').textContent()).trim(), ORIGIN_IP);
    assert.equal((await popup.locator('[data-testid=subject]').textContent()).trim(), '【重要】アカウントの確認が必要です');
    // Start the screenshot at the result: scroll the paste box's text back to its top.
    await popup.locator('[data-testid=paste-input]').evaluate((box) => { box.scrollTop = 0; box.setSelectionRange(0, 0); });
    await popup.screenshot({ path: join(screenshots, `popup-${lang}.png`), fullPage: true });
    const text = { lang: await popup.evaluate(() => document.documentElement.lang), button: await popup.locator('[data-testid=trace-button]').textContent() };
    await popup.close();
    return text;
  };
  assert.deepEqual(await shoot('en'), { lang: 'en', button: 'Trace' });
  const ja = await shoot('ja');
  assert.deepEqual(ja, { lang: 'ja', button: '調べる' });
  // The error message is translated too.
  const popup = await openPopup();
  await paste(popup, 'こんにちは。これはただの文章です。');
  assert.match(await popup.locator('[data-testid=error]').textContent(), /メールのヘッダーではありません/);
  await popup.close();
  await browser.worker.evaluate(() => chrome.storage.local.remove('lang'));
  browser.assertClean();
});
