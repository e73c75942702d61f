// Firefox runtime check: Debian's Firefox ESR, driven by puppeteer-core over WebDriver
// BiDi, with the dist/firefox build installed as a temporary add-on. A generic raw
// message page is traced through the real background (a module event page in
// Firefox): the popup asks the background, which reads the tab with
// scripting.executeScript and runs the wasm; the popup shows the origin.
//
// What the test build adds to dist/firefox (a copy in a temporary directory, like
// dist/chrome-e2e; nothing here is shipped):
// - host access to http://127.0.0.1/* and https://outlook.live.com/*: no toolbar click
//   grants activeTab in a test;
// - popup/popup.html as a web-accessible resource for those pages: BiDi refuses to
//   navigate a tab to moz-extension:// ("not allowed in this context"), so the popup
//   is loaded in an iframe of the test page instead, and the CSP's frame-ancestors
//   directive, which forbids exactly that, is dropped (every other directive stays);
// - e2e-seam.js, a second background script that tells an extension frame its tab
//   id (an extension frame inside a web page has no tabs API, and the popup needs
//   ?tab=ID, as in the Chromium tests) and calls the "Trace sender" menu handler
//   (native menus cannot be clicked from a test; the Chromium tests do the same).
// Outlook's fixture page is served under its real host name by request interception
// (WebDriver BiDi network.provideResponse); nothing reaches the network.
// The add-on's moz-extension UUID is fixed with the extensions.webextensions.uuids
// preference, so the test knows the popup's URL.

import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import puppeteer from 'puppeteer-core';
import { startServer } from '../../scripts/serve.mjs';
import { fixtures, root, ORIGIN_IP, HOP_COUNT } from './harness.mjs';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const UUID = '5e9d1a40-1c7a-4b8e-9b43-6f1f7d3a2c10';

const SEAM = `// TEST ONLY (tests/e2e/firefox.test.mjs): tell an extension frame its tab id; click the menu.
// The background's own handler answers every message first ("unknown request"), so the
// answer is handed over in storage.local under the request's nonce.
const ext = globalThis.browser;
const answers = {
  'e2e-tab-id': async (tab) => tab.id,
  'e2e-menu-click': async (tab) => {
    const info = { menuItemId: 'trace-sender', frameId: 0, pageUrl: tab.url, editable: false };
    const id = await self.senderTrace.onContextMenuClick(info, tab);
    return Object.values(await ext.storage.session.get('result:' + id))[0] ?? null;
  },
};
ext.runtime.onMessage.addListener((message, sender) => {
  const answer = answers[message?.type];
  if (!answer || !String(sender.url).startsWith(ext.runtime.getURL('')) || !sender.tab) return undefined;
  answer(sender.tab).then((value) => ext.storage.local.set({ ['e2e:' + message.nonce]: value }));
  return undefined;
});
`;
const OUTLOOK = 'https://outlook.live.com';

let browser;
let server;
let dir;
let addonId;

before(async () => {
  const dist = join(root, 'dist/firefox');
  assert.ok(existsSync(join(dist, 'manifest.json')), 'dist/firefox is missing: run "make build" first');
  assert.ok(existsSync(FIREFOX), `${FIREFOX} is missing: run "make setup"`);
  dir = mkdtempSync(join(tmpdir(), 'sendertrace-firefox-'));
  const extension = join(dir, 'extension');
  cpSync(dist, extension, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(extension, 'manifest.json'), 'utf8'));
  manifest.host_permissions = [...(manifest.host_permissions ?? []), 'http://127.0.0.1/*', `${OUTLOOK}/*`];
  manifest.web_accessible_resources = [{ resources: ['popup/popup.html'], matches: ['http://127.0.0.1/*', `${OUTLOOK}/*`] }];
  manifest.background.scripts = [...manifest.background.scripts, 'e2e-seam.js'];
  const csp = manifest.content_security_policy.extension_pages;
  manifest.content_security_policy.extension_pages = csp.split(';').map((part) => part.trim())
    .filter((part) => part && !part.startsWith('frame-ancestors')).join('; ');
  writeFileSync(join(extension, 'manifest.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(extension, 'e2e-seam.js'), SEAM);

  server = await startServer(fixtures);
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [manifest.browser_specific_settings.gecko.id]: UUID }),
      // Hermetic: everything but the local fixture server goes to a closed port.
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': 9,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': 9,
      'network.proxy.no_proxies_on': '127.0.0.1',
      'network.proxy.allow_hijacking_localhost': false,
    },
  });
  addonId = await browser.installExtension(extension);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Ask the test seam from an extension frame; resolves to its answer. */
function askSeam(frame, type) {
  return frame.evaluate(async (request) => {
    const ext = globalThis.browser;
    const nonce = `${Date.now()}-${Math.random()}`;
    await ext.runtime.sendMessage({ type: request, nonce });
    for (let i = 0; i < 100; i++) {
      const items = await ext.storage.local.get(`e2e:${nonce}`);
      if (items[`e2e:${nonce}`] !== undefined) return items[`e2e:${nonce}`];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no answer to ${request}`);
  }, type);
}

/** Load the popup in an iframe of `page`; resolves to the frame once it runs. */
async function popupFrame(page, query) {
  const url = `moz-extension://${UUID}/popup/popup.html${query}`;
  await page.evaluate((src) => {
    document.getElementById('sendertrace-popup')?.remove();
    const frame = document.createElement('iframe');
    frame.id = 'sendertrace-popup';
    frame.width = '560';
    frame.height = '900';
    frame.src = src;
    document.body.append(frame);
  }, url);
  const handle = await page.waitForSelector('#sendertrace-popup');
  const frame = await handle.contentFrame();
  await frame.waitForFunction(() => document.getElementById('paste-form') !== null && typeof globalThis.browser?.runtime?.sendMessage === 'function');
  return frame;
}

test('Firefox ESR: the add-on installs and a raw message page is traced through the background', async () => {
  assert.equal(addonId, 'sendertrace@sendertrace.invalid');
  assert.match(await browser.version(), /^firefox\/\d+/i);
  const page = await browser.newPage();
  try {
    // The generic path: a text/plain raw message, as Roundcube's viewsource or a saved
    // .eml opened in the browser delivers it.
    await page.goto(`${server.url}provider-chain.eml`);
    assert.match(await page.evaluate(() => document.contentType), /^text\/plain/);
    // Ask the background (through the test seam) which tab this page is.
    const probe = await popupFrame(page, '?tab=-1');
    const tabId = await askSeam(probe, 'e2e-tab-id');
    assert.equal(typeof tabId, 'number');
    // The toolbar path: popup.html?tab=ID asks the background to trace that tab.
    const popup = await popupFrame(page, `?tab=${tabId}`);
    await popup.waitForSelector('[data-testid=origin-ip], [data-testid=error], [data-testid=page-status]');
    const origin = await popup.$eval('[data-testid=origin-ip]', (node) => node.textContent.trim()).catch(() => null);
    const status = await popup.$eval('#page-status', (node) => node.textContent.trim());
    assert.equal(origin, ORIGIN_IP, `origin shown (status: ${status})`);
    assert.equal((await popup.$$('[data-testid=hop]')).length, HOP_COUNT);
    assert.match(await popup.$eval('[data-testid=source]', (node) => node.textContent), /shown on this page/);
  } finally {
    await page.close();
  }
});

test('Firefox ESR: a "show original" page (pre#raw_message_text) traced by the background\'s trace-tab', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}show-original.html`);
    const frame = await popupFrame(page, '?tab=-1');
    const tabId = await askSeam(frame, 'e2e-tab-id');
    // The message the popup sends; the record is what it renders.
    const record = await frame.evaluate((id) => globalThis.browser.runtime.sendMessage({ type: 'trace-tab', tabId: id }), tabId);
    assert.equal(record.ok, true, JSON.stringify(record.error ?? null));
    assert.equal(record.source, 'page:gmail-original');
    assert.equal(record.analysis.origin.ip, ORIGIN_IP);
  } finally {
    await page.close();
  }
});

test('Firefox ESR: "Trace sender" (the menu handler) traces the page and stores the result for its window', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}provider-chain.eml`);
    const frame = await popupFrame(page, '?tab=-1');
    const stored = await askSeam(frame, 'e2e-menu-click');
    assert.equal(stored?.ok, true, JSON.stringify(stored?.error ?? stored));
    assert.equal(stored.analysis.origin.ip, ORIGIN_IP);
    assert.equal(stored.source, 'page:text-plain');
  } finally {
    await page.close();
  }
});

test('Firefox ESR: Outlook without the source dialog shows the two clicks, then traces when the dialog opens', async () => {
  const page = await browser.newPage();
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (!request.url().startsWith(`${OUTLOOK}/`)) return request.continue();
    const path = new URL(request.url()).pathname;
    if (!path.startsWith('/mail/')) return request.respond({ status: 404, contentType: 'text/plain', body: 'not found' });
    return request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: readFileSync(join(fixtures, 'webmail/outlook/mail.html'), 'utf8') });
  });
  try {
    await page.goto(`${OUTLOOK}/mail/0/inbox/id/AAQkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgAQAN4vK1EbOUZGqMp7PlBqBxk%3D`);
    const probe = await popupFrame(page, '?tab=-1');
    const tabId = await askSeam(probe, 'e2e-tab-id');
    const popup = await popupFrame(page, `?tab=${tabId}`);
    await popup.waitForSelector('[data-testid=guide]');
    const steps = await popup.$$eval('[data-testid=guide-step]', (nodes) => nodes.map((node) => node.textContent));
    assert.equal(steps.length, 2);
    assert.match(steps[1], /View message source/);
    // The user's clicks in the page: ⋯ (More actions) → View → View message source.
    await page.click('#more-actions');
    await page.click('#menu-view');
    await page.click('#view-source');
    await popup.waitForSelector('[data-testid=origin-ip]');
    assert.equal(await popup.$eval('[data-testid=origin-ip]', (node) => node.textContent.trim()), '198.51.100.77');
  } finally {
    await page.close();
  }
});
