// A hostile web page (issue 8): the webmail page is not trusted. It may imitate the
// extension's messages in every way a page can — window.postMessage, CustomEvents,
// chrome.runtime.sendMessage to the extension's id, loading the extension's pages
// and files — and it gets nothing: no lookup is made (the replay server's log stays
// empty), nothing of a result reaches it, and the extension never writes into it,
// even while the user traces that very page from the toolbar.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch, root } from './harness.mjs';
import { startReplayServer, hostResolverRules } from '../support/replay-server.mjs';

const sample = join(root, '..', 'shared', 'data', 'rdap-samples', 'ip-arin-13.64.0.0.json');
const ianaDir = join(root, '..', 'shared', 'data', 'iana-bootstrap');
const IP = '13.64.20.30';
const RAW = [
  `Received: from relay.example.net (relay.example.net [${IP}]) by mx1.example.jp (Postfix) with ESMTP id 4A1B2C; Tue, 3 Nov 2026 10:15:30 +0900`,
  'From: Watch Shop <promo@watches-shop.example>',
  'To: hanako@example.jp',
  'Subject: Cheap watches',
  'Date: Tue, 3 Nov 2026 10:15:20 +0900',
].join('\n');

let browser;
let replay;
before(async () => {
  replay = await startReplayServer({
    routes: [
      ...['dns', 'ipv4', 'ipv6', 'asn'].map((name) => ({ host: 'data.iana.org', path: `/rdap/${name}.json`, file: join(ianaDir, `${name}.json`), headers: { 'content-type': 'application/json' } })),
      { host: 'rdap.arin.net', path: `/registry/ip/${IP}`, file: sample },
    ],
  });
  const args = [`${hostResolverRules(['rdap.arin.net', 'data.iana.org'], replay.port)}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`, '--ignore-certificate-errors'];
  browser = await launch({ args });
});
after(async () => {
  await browser?.close();
  await replay?.close();
});

/** The hostile page: a raw message on show, and a script that logs all it can observe. */
async function openHostilePage() {
  const page = await browser.context.newPage();
  await page.goto(`${browser.server.url}plain-page.html`);
  await page.evaluate((raw) => {
    document.body.replaceChildren();
    const pre = document.createElement('pre');
    pre.textContent = raw;
    document.body.append(pre);
    const log = { messages: [], events: [], mutations: 0 };
    window.__hostile = log;
    window.addEventListener('message', (event) => log.messages.push(JSON.stringify(event.data)));
    for (const name of ['sendertrace', 'senderTrace', 'source-appeared', 'traced', 'analyze-text', 'trace-tab', 'result', 'watch']) {
      document.addEventListener(name, (event) => log.events.push(`${name}:${JSON.stringify(event.detail)}`));
      window.addEventListener(name, (event) => log.events.push(`${name}:${JSON.stringify(event.detail)}`));
    }
    const observer = new MutationObserver((records) => { log.mutations += records.length; });
    const watch = () => observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    // The page's own changes (its forged events, its frame) are not counted.
    Object.defineProperty(window, '__own', { value: async (fn) => { observer.takeRecords(); observer.disconnect(); try { return await fn(); } finally { watch(); } } });
    watch();
  }, RAW);
  return page;
}

test('a page imitating the extension\'s messages triggers no lookup and learns nothing', async () => {
  const page = await openHostilePage();
  const problemsBefore = browser.problems.length;
  const attempts = await page.evaluate(async (extensionId) => {
    const out = {};
    const log = window.__hostile;
    const forged = [
      { type: 'analyze-text', text: document.querySelector('pre').textContent },
      { type: 'trace-tab', tabId: 1 },
      { type: 'source-appeared' },
      { type: 'watch', tabId: 1 },
      { type: 'traced', record: { ok: true } },
      { source: 'sendertrace', type: 'analyze', text: document.querySelector('pre').textContent },
    ];
    for (const message of forged) {
      window.postMessage(message, '*');
      window.top.postMessage(message, '*');
      for (const name of ['sendertrace', 'source-appeared', 'analyze-text', 'trace-tab']) {
        document.dispatchEvent(new CustomEvent(name, { detail: message, bubbles: true }));
        window.dispatchEvent(new CustomEvent(name, { detail: message }));
      }
    }
    // The extension API: absent in a page (no externally_connectable).
    out.runtime = typeof globalThis.chrome?.runtime?.sendMessage;
    out.sent = [];
    if (out.runtime === 'function') {
      for (const message of forged) {
        try {
          out.sent.push(await new Promise((resolve) => globalThis.chrome.runtime.sendMessage(extensionId, message, (reply) => resolve(reply ?? null))));
        } catch (err) {
          out.sent.push(`threw: ${err.message}`);
        }
      }
    }
    // The extension's files: none are web accessible.
    for (const path of ['popup/popup.html', 'manifest.json', '_locales/en/messages.json', 'pkg/sendertrace_wasm_bg.wasm']) {
      try {
        const response = await fetch(`chrome-extension://${extensionId}/${path}`);
        out[path] = `read ${response.status}`;
      } catch {
        out[path] = 'refused';
      }
    }
    out.frameReadable = await window.__own(async () => {
      const frame = document.createElement('iframe');
      frame.src = `chrome-extension://${extensionId}/popup/popup.html?tab=1`;
      document.body.append(frame);
      await new Promise((resolve) => { frame.onload = resolve; setTimeout(resolve, 1500); });
      let readable = false;
      try { readable = Boolean(frame.contentDocument?.querySelector('#result')); } catch { /* cross-origin */ }
      frame.remove();
      return readable;
    });
    return out;
  }, browser.extensionId);

  assert.notEqual(attempts.runtime, 'function', 'the page has no channel to the extension');
  for (const path of ['popup/popup.html', 'manifest.json', '_locales/en/messages.json', 'pkg/sendertrace_wasm_bg.wasm']) assert.equal(attempts[path], 'refused', path);
  assert.equal(attempts.frameReadable, false, 'the popup cannot be framed and read');
  // The page's refused loads of extension files are logged by Chromium as errors in
  // the page: expected here, and only those.
  const pageErrors = browser.problems.splice(problemsBefore);
  assert.ok(pageErrors.every((text) => /Failed to load resource: net::ERR_(FAILED|BLOCKED_BY_CLIENT)|Denying load of chrome-extension/.test(text)), pageErrors.join('\n'));
  // Give any (wrongly) triggered trace time to reach the network.
  await page.waitForTimeout(1500);
  assert.deepEqual(replay.requests, [], 'no lookup left the browser');
  const seen = await page.evaluate(() => window.__hostile);
  assert.equal(seen.mutations, 0, 'the extension wrote nothing into the page');
  // Only the page's own forged messages came back to it; none carries a result.
  for (const text of [...seen.messages, ...seen.events]) assert.doesNotMatch(text, /analysis|origin|parties|Microsoft|"ok":true,"source"/);
  // Nothing was traced or stored for any tab.
  const stored = await browser.worker.evaluate(async () => Object.keys(await chrome.storage.session.get(null)));
  assert.deepEqual(stored.filter((key) => key.startsWith('result:') || key.startsWith('watch:')), []);
  await page.close();
  browser.assertClean();
});

test('the user traces that page: the lookups run in the extension and the page sees none of it', async () => {
  const page = await openHostilePage();
  const tabId = await browser.tabId(page.url());
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl(`popup/popup.html?tab=${tabId}`));
  await popup.locator('[data-testid=origin-ip]').waitFor();
  await popup.locator('[data-testid=lookup-done]').waitFor({ timeout: 15000 });
  assert.equal((await popup.locator('[data-testid=origin-ip]').textContent()).trim(), IP);
  assert.match(await popup.locator('[data-testid=party-name]').first().textContent(), /Microsoft|MSFT/);
  assert.ok(replay.requests.some((r) => r.host === 'rdap.arin.net'), 'the user\'s trace made its lookup');
  const seen = await page.evaluate(() => ({ ...window.__hostile, globals: Object.keys(window).filter((k) => /sender|trace/i.test(k)) }));
  assert.deepEqual(seen.messages, [], 'no message reached the page');
  assert.deepEqual(seen.events, [], 'no event reached the page');
  assert.equal(seen.mutations, 0, 'the page reader only read');
  assert.deepEqual(seen.globals, [], 'nothing of the extension is visible in the page');
  await popup.close();
  await page.close();
  browser.assertClean();
});

test('the background refuses malformed requests and ignores a signal from a tab it did not arm', async () => {
  const outcome = await browser.worker.evaluate(async () => {
    const handle = self.senderTrace.handleRequest;
    const replies = [];
    for (const message of [null, 'analyze-text', [], { type: 'nope' }, { type: '__proto__' }, { type: 'constructor' },
      { type: 'analyze-text' }, { type: 'analyze-text', text: 42 }, { type: 'analyze-text', text: 'x'.repeat(32 * 1024 * 1024 + 1) },
      { type: 'analyze-text', text: 'Received: from a', extra: 1 }, { type: 'trace-tab', tabId: '1' }, { type: 'trace-tab', tabId: -1 },
      { type: 'trace-tab', tabId: 1.5 }]) {
      const reply = await handle(message);
      replies.push(reply?.error?.name ?? 'ran');
    }
    const signal = await self.senderTrace.onSourceAppeared(987654);
    return { replies, signal };
  });
  assert.deepEqual(outcome.replies, Array(13).fill('bad-argument'));
  assert.equal(outcome.signal, null, 'an unarmed tab\'s signal does nothing');
  browser.assertClean();
});
