// The toolbar path: a tab shows a raw message; the popup (opened for that tab with
// ?tab=ID, since the toolbar cannot be clicked from a test) reads it and shows the origin.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fixtures, launch, ORIGIN_IP, HOP_COUNT } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a text/plain raw message page: the popup shows the origin IP and every hop', async () => {
  const { page, popup } = await browser.traceInPopup(`${browser.server.url}provider-chain.eml`);
  assert.equal((await popup.locator('[data-testid=origin-ip]').textContent()).trim(), ORIGIN_IP);
  assert.match(await popup.locator('[data-testid=source]').textContent(), /shown on this page/);
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

test('Gmail: the open message\'s "Show original" is fetched in the tab and traced', async () => {
  const requested = [];
  const original = readFileSync(join(fixtures, 'show-original.html'), 'utf8');
  // Stands in for Gmail's view=om endpoint: only the expected message, with its ik.
  await browser.context.route(/\/mail\/u\/0\/\?.*view=om/, (route) => {
    const url = new URL(route.request().url());
    requested.push(url.search);
    const right = url.searchParams.get('ik') === '0a1b2c3d4e' && url.searchParams.get('permmsgid') === 'msg-f:1568184822149037543';
    return route.fulfill(right ? { status: 200, contentType: 'text/html; charset=utf-8', body: original } : { status: 404, body: '' });
  });
  try {
    const { page, popup } = await browser.traceInPopup(`${browser.server.url}mail/u/0/`);
    await popup.locator('[data-testid=origin-ip]').waitFor();
    assert.equal((await popup.locator('[data-testid=origin-ip]').textContent()).trim(), ORIGIN_IP);
    assert.equal(await popup.locator('[data-testid=hop]').count(), HOP_COUNT);
    assert.deepEqual(requested, ['?ik=0a1b2c3d4e&view=om&permmsgid=msg-f%3A1568184822149037543']);
    assert.match(await popup.locator('[data-testid=source]').textContent(), /fetched from Gmail/);
    await popup.close();
    await page.close();
  } finally {
    await browser.context.unrouteAll();
  }
  browser.assertClean();
});

// Self-hosted webmails: each adapter's "view source" request is answered with the
// raw fixture, and only when it asks for exactly the right message.
const RAW = readFileSync(join(fixtures, 'provider-chain.eml'), 'utf8');
const WEBMAILS = [
  {
    name: 'Roundcube (preview pane, Japanese folder)',
    page: 'roundcube/?_task=mail&_mbox=%26MEAwqTDr-',
    routes: {
      '_action=preview': () => ({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>preview</title><p>Buy now.</p>' }),
      '_action=viewsource': (url) => url.searchParams.get('_uid') === '42' && url.searchParams.get('_mbox') === '&MEAwqTDr-' && url.pathname.endsWith('/roundcube/'),
    },
  },
  {
    name: 'SnappyMail ("View original" link)',
    page: 'snappymail/',
    routes: { '/Raw/': (url) => url.search === '?/Raw/&q[]=/0/ViewAsPlain/&q[]=/eyJmb2xkZXIiOiJJTkJPWCIsInVpZCI6NDJ9' },
  },
  {
    name: 'Zimbra (selected row)',
    page: 'zimbra/',
    routes: { '/service/home/': (url) => url.pathname === '/service/home/~/' && url.searchParams.get('view') === 'text' && url.searchParams.get('id') === '4437' },
  },
];

for (const webmail of WEBMAILS) {
  test(`${webmail.name}: the popup fetches the source in the tab and traces it`, async () => {
    const answered = [];
    await browser.context.route((url) => Object.keys(webmail.routes).some((part) => url.href.includes(part)), (route) => {
      const url = new URL(route.request().url());
      const [part, answer] = Object.entries(webmail.routes).find(([key]) => url.href.includes(key));
      const result = answer(url);
      if (typeof result === 'object') return route.fulfill(result);
      answered.push(part);
      return route.fulfill(result ? { status: 200, contentType: 'text/plain; charset=utf-8', body: RAW } : { status: 404, body: '' });
    });
    try {
      const { page, popup } = await browser.traceInPopup(`${browser.server.url}${webmail.page}`);
      await popup.locator('[data-testid=origin-ip]').waitFor();
      assert.equal((await popup.locator('[data-testid=origin-ip]').textContent()).trim(), ORIGIN_IP);
      assert.equal(answered.length, 1, 'one source request, for the right message');
      await popup.close();
      await page.close();
    } finally {
      await browser.context.unrouteAll();
    }
    browser.assertClean();
  });
}
