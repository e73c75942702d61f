// The toolbar path: a tab shows a raw message; the popup (opened for that tab with
// ?tab=ID, since the toolbar cannot be clicked from a test) reads it and shows the origin.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, ORIGIN_IP, HOP_COUNT } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a text/plain raw message page: the popup shows the origin IP and every hop', async () => {
  const { page, popup } = await browser.traceInPopup(`${browser.server.url}provider-chain.eml`);
  assert.equal((await popup.locator('[data-testid=origin-ip]').textContent()).trim(), ORIGIN_IP);
  assert.equal(await popup.locator('[data-testid=hop]').count(), HOP_COUNT);
  assert.match(await popup.locator('[data-testid=hop]').first().textContent(), /mx\.example\.jp/);
  await popup.close();
  await page.close();
  browser.assertClean();
});

test('a "show original" page (pre#raw_message_text): the popup shows the origin IP', async () => {
  const { page, popup } = await browser.traceInPopup(`${browser.server.url}show-original.html`);
  assert.equal((await popup.locator('[data-testid=origin-ip]').textContent()).trim(), ORIGIN_IP);
  assert.equal(await popup.locator('[data-testid=hop]').count(), HOP_COUNT);
  await popup.close();
  await page.close();
  browser.assertClean();
});

test('a page without a message: a hint, no error, the paste box stays usable', async () => {
  const { page, popup } = await browser.traceInPopup(`${browser.server.url}plain-page.html`);
  await popup.locator('[data-testid=page-status]', { hasText: /headers/ }).waitFor();
  assert.equal(await popup.locator('[data-testid=error]').count(), 0);
  assert.equal(await popup.locator('[data-testid=paste-input]').isEditable(), true);
  await popup.close();
  await page.close();
  browser.assertClean();
});

test('a raw message inside an iframe (a preview pane): the popup finds it', async () => {
  const { page, popup } = await browser.traceInPopup(`${browser.server.url}framed-original.html`);
  await popup.locator('[data-testid=origin-ip]').waitFor();
  assert.equal((await popup.locator('[data-testid=origin-ip]').textContent()).trim(), ORIGIN_IP);
  await popup.close();
  await page.close();
  browser.assertClean();
});
