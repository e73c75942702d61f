// The popup in Japanese (the options page's language setting) for a full trace:
// origin, parties with contacts, findings, hop table, authentication verdict, the
// request list, failed lookups (a timeout and a rate limit) and an input error. Every
// visible text node and every label a screen reader or tooltip shows (aria-label,
// title, placeholder, alt) is checked for English left over. Allowed: addresses,
// hosts, IPs, CIDRs, dates, handles and the technical tokens of tests/support/english.mjs.
// Text marked as data (translate="no": header values, names from registries, URLs)
// is skipped, but must not contain any of the UI's own English sentences; labels may
// quote such data.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch, root } from './harness.mjs';
import { startReplayServer, hostResolverRules } from '../support/replay-server.mjs';
import { englishLeft, englishSentences } from '../support/english.mjs';

const sample = join(root, '..', 'shared', 'data', 'rdap-samples', 'ip-arin-13.64.0.0.json');
const ianaDir = join(root, '..', 'shared', 'data', 'iana-bootstrap');
const HOSTS = ['rdap.arin.net', 'rdap.verisign.com', 'dns.google', 'whois.nic.ad.jp', 'data.iana.org'];
const en = JSON.parse(readFileSync(join(root, 'extension/_locales/en/messages.json'), 'utf8'));
// Real messages, read in place: every finding and reason code they raise must read in Japanese.
const CORPUS = join(root, '../shared/corpus/dev');

// Hand-written: the origin 13.64.20.30 (ARIN, recorded answer), a forged From, a
// Reply-To elsewhere, and an SPF-authenticated return domain whose registry never
// answers and whose DNS is rate limited.
const MESSAGE = [
  'Return-Path: <bounce@watch-deals.com>',
  'Received: from mx.example.jp (mx.example.jp [10.20.0.5]) by mbox3.example.jp (Postfix) with LMTP id 7F2A41C0031 for <hanako@example.jp>; Tue, 3 Nov 2026 10:15:34 +0900 (JST)',
  'Authentication-Results: mx.example.jp; spf=pass smtp.mailfrom=watch-deals.com; dkim=none; dmarc=fail (p=reject) header.from=bank.example',
  'Received: from relay.watch-deals.com (relay.watch-deals.com [13.64.20.30]) by mx.example.jp (Postfix) with ESMTPS id 4QabcD1234 for <hanako@example.jp>; Tue, 3 Nov 2026 10:15:32 +0900 (JST)',
  'Received: from desk-12.office.example (unknown [192.168.10.20]) by relay.watch-deals.com (Postfix) with ESMTP id 9XyZ7; Tue, 3 Nov 2026 10:15:29 +0900 (JST)',
  'From: Customer Service <security@bank.example>',
  'Reply-To: verify@account-check.example',
  'To: hanako@example.jp',
  'Subject: Your account is locked',
  'Date: Tue, 3 Nov 2026 10:15:27 +0900',
  'Message-ID: <20261103011527.12345@watch-deals.com>',
  '',
  'Please sign in.',
].join('\r\n');

let browser;
let replay;
before(async () => {
  assert.ok(existsSync(sample), `${sample} is missing: recorded answers are read in place from ../shared`);
  replay = await startReplayServer({
    routes: [
      ...['dns', 'ipv4', 'ipv6', 'asn'].map((name) => ({ host: 'data.iana.org', path: `/rdap/${name}.json`, file: join(ianaDir, `${name}.json`), headers: { 'content-type': 'application/json' } })),
      { host: 'rdap.arin.net', path: '/registry/ip/13.64.20.30', file: sample },
      { host: 'rdap.verisign.com', prefix: '/com/v1/domain/', hang: true },
      { host: 'dns.google', prefix: '/resolve', status: 429, headers: { 'retry-after': '1', 'access-control-expose-headers': 'retry-after' }, body: '{}' },
    ],
  });
  const args = [`${hostResolverRules(HOSTS, replay.port)}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`, '--ignore-certificate-errors'];
  browser = await launch({ args });
  // The language as a user sets it: the options page's setting in storage.sync.
  await browser.worker.evaluate(() => chrome.storage.sync.set({ settings: { lang: 'ja' } }));
  await browser.worker.evaluate(() => chrome.storage.local.set({ traceOptions: { timeout_ms: 1500 } }));
  // chrome-extension:// is an opaque origin to the permission API: grant for every origin.
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
});
after(async () => {
  await browser?.close();
  await replay?.close();
});

/** Every text a user can see or hear: visible text nodes and labels, data apart. */
function collectTexts() {
  for (const details of document.querySelectorAll('details')) details.open = true;
  const ui = [];
  const data = [];
  const visible = (node) => node.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!text || !node.parentElement || !visible(node.parentElement)) continue;
    const where = node.parentElement.closest('[data-testid]')?.dataset.testid ?? node.parentElement.tagName.toLowerCase();
    (node.parentElement.closest('[translate="no"]') ? data : ui).push({ text, where });
  }
  // Labels may name data shown on the page (a party's name in "Write a report to …"):
  // that data is taken out, the rest is checked like any text.
  const shown = [...new Set(data.map(({ text }) => text))].sort((a, b) => b.length - a.length);
  const withoutData = (value) => shown.reduce((rest, text) => rest.split(text).join(' '), value);
  for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = element.getAttribute(name);
      if (value) ui.push({ text: withoutData(value), where: `${element.tagName.toLowerCase()}[${name}]` });
    }
  }
  ui.push({ text: document.title, where: 'title' });
  return { ui, data, lang: document.documentElement.lang };
}

/** English left in `texts` (from collectTexts): [] when there is none. */
function englishIn({ ui, data }) {
  const leaks = ui.map(({ text, where }) => ({ where, text, words: englishLeft(text) })).filter((x) => x.words.length);
  const sentences = englishSentences(en);
  const hidden = data.flatMap(({ text, where }) => sentences.filter((s) => text.includes(s)).map((s) => ({ where, text, marked: s })));
  return [...leaks, ...hidden];
}

function assertNoEnglish(texts) {
  assert.deepEqual(englishIn(texts), [], 'English left in the Japanese popup (or UI English marked as data)');
}

test('a full trace in Japanese: no English left but addresses, hosts and technical tokens', async () => {
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl('popup/popup.html'));
  await popup.locator('[data-testid=page-status]').waitFor();
  await popup.locator('[data-testid=paste-input]').fill(MESSAGE);
  await popup.locator('[data-testid=trace-button]').click();
  await popup.locator('[data-testid=origin-ip]').waitFor();
  await popup.locator('[data-testid=lookup-done]').waitFor({ timeout: 30000 });

  // Everything the check is meant to cover is on screen.
  assert.equal((await popup.locator('[data-testid=origin-ip]').textContent()).trim(), '13.64.20.30');
  assert.ok(await popup.locator('[data-testid=party]').count() >= 2, 'parties (the operator and the national channels)');
  assert.match(await popup.locator('[data-testid=contact]').first().textContent(), /abuse@microsoft\.com/);
  assert.ok(await popup.locator('[data-testid=finding]').count() >= 1, 'findings');
  assert.equal(await popup.locator('[data-testid=hop]').count(), 3);
  assert.match(await popup.locator('[data-testid=auth-verdict]').textContent(), /偽装/);
  const failures = await popup.locator('[data-testid=lookup-failure]').evaluateAll((items) => items.map((li) => li.dataset.id));
  assert.ok(failures.includes('request-timeout'), `a timed-out lookup: ${failures}`);
  assert.ok(failures.includes('rate-limited'), `a rate-limited lookup: ${failures}`);
  assert.ok(await popup.locator('[data-testid=request]').count() >= 3, 'the request list');
  assert.equal(await popup.locator('[data-testid=retry]').first().textContent(), '再試行');

  const texts = await popup.evaluate(collectTexts);
  assert.equal(texts.lang, 'ja');
  assert.ok(texts.ui.length > 80, `${texts.ui.length} texts checked`);
  assert.ok(texts.data.some(({ text }) => text === 'Microsoft Corporation'), 'registry names are shown as data');
  assertNoEnglish(texts);

  // "Copy the result" writes the same trace as plain Japanese text.
  await popup.locator('[data-testid=copy-result]').click();
  await popup.locator('[data-testid=copy-result]', { hasText: 'コピーしました' }).waitFor();
  const copied = await popup.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /13\.64\.20\.30/);
  assert.match(copied, /abuse@microsoft\.com/);
  const data = [...new Set(texts.data.map(({ text }) => text))].sort((a, b) => b.length - a.length);
  const lines = copied.split('\n').map((line) => data.reduce((rest, text) => rest.split(text).join(' '), line));
  assert.deepEqual(lines.map((line) => ({ line, words: englishLeft(line) })).filter((x) => x.words.length), [], 'English left in the copied result');
  await popup.close();
  browser.assertClean();
});

test('an input error and the empty popup in Japanese: no English left', async () => {
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl('popup/popup.html'));
  await popup.locator('[data-testid=page-status]').waitFor();
  assertNoEnglish(await popup.evaluate(collectTexts));
  await popup.locator('[data-testid=paste-input]').fill('Hello Hanako, thanks for lunch.');
  await popup.locator('[data-testid=trace-button]').click();
  await popup.locator('[data-testid=error]').waitFor();
  const texts = await popup.evaluate(collectTexts);
  // The user's own pasted prose is in the textarea's value, not a text node.
  assertNoEnglish(texts);
  assert.match(await popup.locator('[data-testid=error]').textContent(), /ヘッダー/);
  await popup.close();
  browser.assertClean();
});

test('every dev corpus message, analysed and shown in Japanese: no English left', async () => {
  assert.ok(existsSync(CORPUS), `${CORPUS} is missing: the corpus is read in place from ../shared`);
  const files = readdirSync(CORPUS).filter((name) => name.endsWith('.eml')).sort();
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl('popup/popup.html'));
  await popup.locator('[data-testid=page-status]').waitFor();
  const leaks = [];
  const codes = new Set();
  let shown = 0;
  for (const file of files) {
    const result = await popup.evaluate(async (base64) => {
      const [{ analyzeMessage }, { renderRecord }, { loadTranslator }] = await Promise.all([
        import('../ui/engine.js'), import('../ui/render.js'), import('../ui/i18n.js')]);
      window.jaTranslator ??= await loadTranslator(new URL('../', location.href), 'ja');
      const record = await analyzeMessage(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)), { source: 'file' });
      renderRecord(document.getElementById('result'), record, window.jaTranslator);
      const a = record.analysis ?? {};
      return { ok: record.ok, codes: [...(a.findings ?? []).map((f) => `finding ${f.id}`), ...(a.origin?.reasons ?? []).map((r) => `reason ${r.code}`),
        ...(a.hops ?? []).map((h) => h.reason && `reason ${h.reason.code}`).filter(Boolean)] };
    }, readFileSync(join(CORPUS, file)).toString('base64'));
    if (result.ok) shown += 1;
    result.codes.forEach((code) => codes.add(code));
    for (const leak of englishIn(await popup.evaluate(collectTexts))) leaks.push({ file, ...leak });
  }
  assert.ok(shown >= files.length - 2, `${shown} of ${files.length} messages analysed`);
  assert.ok(codes.size >= 15, `the corpus raises ${codes.size} distinct finding and reason codes`);
  assert.deepEqual(leaks, [], 'English left in the Japanese view of a corpus message');
  await popup.close();
  browser.assertClean();
});
