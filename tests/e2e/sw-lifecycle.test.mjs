// The MV3 service worker may be stopped at any moment (issue 8). The worker is
// stopped here through the DevTools protocol (Target.closeTarget on its target; the
// ServiceWorker domain confirms "stopped") at the awkward moments:
// - while the popup's lookups are waiting on slow registries (the popup owns the
//   trace, so it must carry on and finish);
// - while the context-menu result window's lookups are pending, then the window is
//   reopened (the result lives in storage.session, not in the worker);
// - while the background is in the middle of reading a page for the toolbar (the
//   popup's request is lost with the worker; it must be asked again, not end in an error);
// - between two traces (the next request wakes a fresh worker).
// Every case ends with results and no "checking…".

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch, root } from './harness.mjs';
import { startReplayServer, hostResolverRules } from '../support/replay-server.mjs';

const sample = join(root, '..', 'shared', 'data', 'rdap-samples', 'ip-arin-13.64.0.0.json');
const ianaDir = join(root, '..', 'shared', 'data', 'iana-bootstrap');
const DELAY_MS = 2500;

const message = (ip) => [
  `Received: from relay.example.net (relay.example.net [${ip}]) by mx1.example.jp (Postfix) with ESMTP id 4A1B2C; Tue, 3 Nov 2026 10:15:30 +0900`,
  'From: Watch Shop <promo@watches-shop.example>',
  'To: hanako@example.jp',
  `Subject: lifecycle ${ip}`,
  'Date: Tue, 3 Nov 2026 10:15:20 +0900',
  '',
  'body',
].join('\r\n');

let browser;
let replay;
let cdp;
let extensionPage;
const states = [];

before(async () => {
  replay = await startReplayServer({
    routes: [
      ...['dns', 'ipv4', 'ipv6', 'asn'].map((name) => ({ host: 'data.iana.org', path: `/rdap/${name}.json`, file: join(ianaDir, `${name}.json`), headers: { 'content-type': 'application/json' } })),
      // Slow registries: every lookup is still pending when the worker is stopped.
      { host: 'rdap.arin.net', prefix: '/registry/ip/13.64.', file: sample, delayMs: DELAY_MS },
    ],
  });
  const args = [`${hostResolverRules(['rdap.arin.net', 'data.iana.org'], replay.port)}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`, '--ignore-certificate-errors'];
  browser = await launch({ args });
  await browser.worker.evaluate(() => chrome.storage.local.set({ traceOptions: { timeout_ms: 10000 } }));
  // A DevTools session on a page of the extension: Target.* and ServiceWorker.* see the worker.
  extensionPage = await browser.context.newPage();
  await extensionPage.goto(browser.extensionUrl('options/options.html'));
  cdp = await browser.context.newCDPSession(extensionPage);
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) if (v.scriptURL.endsWith('/background.js')) states.push(v.runningStatus);
  });
  await cdp.send('ServiceWorker.enable');
});
after(async () => {
  await browser?.close();
  await replay?.close();
});

/** Stop the extension's service worker and wait until the browser reports it stopped. */
async function stopWorker() {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const worker = targetInfos.find((t) => t.type === 'service_worker' && t.url === browser.extensionUrl('background.js'));
  assert.ok(worker, 'the service worker is running before it is stopped');
  const from = states.length;
  await cdp.send('Target.closeTarget', { targetId: worker.targetId });
  for (let i = 0; i < 100 && !states.slice(from).includes('stopped'); i += 1) await new Promise((r) => setTimeout(r, 20));
  assert.ok(states.slice(from).includes('stopped'), `the worker stopped (states: ${states.slice(from).join(', ')})`);
}

/** The worker as it is now: wake it with a message (as any extension page would), then find it. */
async function liveWorker() {
  const url = browser.extensionUrl('background.js');
  const started = browser.context.waitForEvent('serviceworker', { predicate: (w) => w.url() === url, timeout: 5000 }).catch(() => null);
  const reply = await extensionPage.evaluate(() => chrome.runtime.sendMessage({ type: 'wake-up' }));
  assert.equal(reply?.error?.name, 'bad-argument', 'the worker answered');
  for (const worker of browser.context.serviceWorkers().filter((w) => w.url() === url).reverse()) {
    const alive = await Promise.race([worker.evaluate(() => typeof self.senderTrace).catch(() => null), new Promise((r) => setTimeout(() => r(null), 1000))]);
    if (alive === 'object') return worker;
  }
  const worker = await started;
  assert.ok(worker, 'the restarted worker is visible');
  return worker;
}

/** A tab's id, asked from an extension page (the harness asks the worker, which may be stopped). */
function tabIdOf(page) {
  return extensionPage.evaluate(async (url) => (await chrome.tabs.query({})).find((tab) => tab.url === url)?.id ?? null, page.url());
}

async function assertFinished(page) {
  await page.locator('[data-testid=lookup-done]').waitFor({ timeout: DELAY_MS * 4 + 10000 });
  assert.equal(await page.locator('[data-testid=lookup-checking], [data-testid=lookup-pending]').count(), 0, 'no "checking…" left');
  assert.match(await page.locator('[data-testid=party-name]').first().textContent(), /Microsoft|MSFT/);
  assert.equal(await page.locator('[data-testid=lookup-failure]').count(), 0, 'no lookup failed');
}

test('the worker stopped while the popup\'s lookups are pending: the trace carries on and finishes', async () => {
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl('popup/popup.html'));
  await popup.locator('[data-testid=page-status]').waitFor();
  await popup.locator('[data-testid=paste-input]').fill(message('13.64.20.30'));
  await popup.locator('[data-testid=trace-button]').click();
  await popup.locator('[data-testid=lookup-pending]').first().waitFor();
  const asked = replay.requests.length;
  await stopWorker();
  assert.equal(await popup.locator('[data-testid=lookup-checking]').count(), 1, 'the lookups were still running when the worker stopped');
  await assertFinished(popup);
  assert.ok(replay.requests.length >= asked, 'the pending lookup was answered, not asked again from scratch');
  await popup.close();
  browser.assertClean();
});

test('the worker stopped while the result window\'s lookups are pending; the window reopened later still has its result', async () => {
  const worker = await liveWorker();
  const page = await browser.context.newPage();
  await page.goto(`${browser.server.url}plain-page.html`);
  const tabId = await tabIdOf(page);
  const opened = browser.context.waitForEvent('page', { predicate: (p) => p.url().includes('popup.html?window=1') });
  await worker.evaluate(({ tabId, text }) => self.senderTrace.onContextMenuClick({ menuItemId: 'trace-sender', frameId: 0, selectionText: text }, { id: tabId, url: 'http://127.0.0.1/' }), { tabId, text: message('13.64.30.40') });
  const win = await opened;
  await win.locator('[data-testid=lookup-pending]').first().waitFor();
  await stopWorker();
  await assertFinished(win);
  const url = win.url();
  await win.close();
  // Reopened after the worker came and went: the stored result, and cached lookups.
  await stopWorker().catch(() => {}); // it may already be stopped
  const again = await browser.context.newPage();
  await again.goto(url);
  assert.equal((await again.locator('[data-testid=origin-ip]').textContent()).trim(), '13.64.30.40');
  await assertFinished(again);
  await again.close();
  await page.close();
  browser.assertClean();
});

test('the worker stopped while it reads the page for the toolbar: the popup asks again and shows the result', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${browser.server.url}plain-page.html`);
  await page.evaluate((raw) => {
    const pre = document.createElement('pre');
    pre.textContent = raw;
    document.body.replaceChildren(pre);
    // Keep the page's main thread busy, so reading it takes a while.
    setTimeout(() => { const end = Date.now() + 1500; while (Date.now() < end) { /* busy */ } }, 0);
  }, message('13.64.50.60'));
  const tabId = await tabIdOf(page);
  const popup = await browser.context.newPage();
  const reading = popup.goto(browser.extensionUrl(`popup/popup.html?tab=${tabId}`));
  await reading;
  await popup.locator('[data-testid=page-reading]').waitFor();
  await stopWorker();
  await popup.locator('[data-testid=origin-ip], [data-testid=error]').first().waitFor({ timeout: 15000 });
  assert.equal(await popup.locator('[data-testid=error]').count(), 0, `no error: ${await popup.locator('[data-testid=error]').allTextContents()}`);
  assert.equal((await popup.locator('[data-testid=origin-ip]').textContent()).trim(), '13.64.50.60');
  await assertFinished(popup);
  await popup.close();
  await page.close();
  browser.assertClean();
});

test('the worker stopped between traces: the next trace wakes a fresh worker', async () => {
  await liveWorker();
  await stopWorker();
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl('popup/popup.html'));
  await popup.locator('[data-testid=page-status]').waitFor();
  await popup.locator('[data-testid=paste-input]').fill(message('13.64.70.80'));
  await popup.locator('[data-testid=trace-button]').click();
  await popup.locator('[data-testid=origin-ip]').waitFor();
  await assertFinished(popup);
  assert.ok(states.slice(-3).includes('running'), 'a new worker started');
  await popup.close();
  browser.assertClean();
});
