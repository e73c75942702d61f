// The standalone page: upload or drop an .eml (ISO-2022-JP subject, decoded through
// the browser's TextDecoder), paste headers, and the error for prose.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fixtures, launchWww, ORIGIN_IP, HOP_COUNT } from './harness.mjs';

const SUBJECT = 'テスト件名：日本語の題名';
const ISO_FILE = join(fixtures, 'iso-2022-jp.eml');

let www;
before(async () => { www = await launchWww(); });
after(async () => { await www?.close(); });

async function openPage(query = '') {
  const page = await www.context.newPage();
  await page.goto(`${www.server.url}${query}`);
  await page.locator('[data-testid=trace-button]:not(:empty)').waitFor();
  return page;
}

test('upload an .eml with an ISO-2022-JP subject: the subject is shown decoded', async () => {
  const page = await openPage();
  await page.locator('[data-testid=file-input]').setInputFiles(ISO_FILE);
  await page.locator('[data-testid=origin-ip]').waitFor();
  assert.equal((await page.locator('[data-testid=origin-ip]').textContent()).trim(), '198.51.100.23');
  assert.equal((await page.locator('[data-testid=subject]').textContent()).trim(), SUBJECT);
  await page.close();
  www.assertClean();
});

test('drop an .eml on the page: the subject is shown decoded', async () => {
  const page = await openPage('?lang=ja');
  const bytes = [...readFileSync(ISO_FILE)];
  const dataTransfer = await page.evaluateHandle((content) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(content)], 'spam.eml', { type: 'message/rfc822' }));
    return transfer;
  }, bytes);
  await page.dispatchEvent('[data-testid=drop-zone]', 'dragover', { dataTransfer });
  await page.dispatchEvent('[data-testid=drop-zone]', 'drop', { dataTransfer });
  await page.locator('[data-testid=subject]').waitFor();
  assert.equal((await page.locator('[data-testid=subject]').textContent()).trim(), SUBJECT);
  assert.match(await page.locator('[data-testid=status]').textContent(), /spam\.eml/);
  await page.close();
  www.assertClean();
});

test('paste headers, then prose', async () => {
  const page = await openPage();
  await page.locator('[data-testid=paste-input]').fill(readFileSync(join(fixtures, 'provider-chain.eml'), 'utf8'));
  await page.locator('[data-testid=trace-button]').click();
  await page.locator('[data-testid=origin-ip]').waitFor();
  assert.equal((await page.locator('[data-testid=origin-ip]').textContent()).trim(), ORIGIN_IP);
  assert.equal(await page.locator('[data-testid=hop]').count(), HOP_COUNT);
  await page.locator('[data-testid=paste-input]').fill('Just a sentence, not a message.');
  await page.locator('[data-testid=trace-button]').click();
  await page.locator('[data-testid=error]').waitFor();
  assert.equal(await page.locator('[data-testid=origin-ip]').count(), 0);
  await page.close();
  www.assertClean();
});
