// The lookups in the popup: the unchanged extension asks the real registry host
// names, which Chromium maps to a local HTTPS replay server (--host-resolver-rules,
// --ignore-certificate-errors) serving the recorded ARIN answer read in place from
// ../shared/data/rdap-samples. Also: hostile answers render as text, and failed
// lookups (rate limit, timeout) end with a translated message, not "checking…".

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch, launchWww, root } from './harness.mjs';
import { startReplayServer, hostResolverRules } from '../support/replay-server.mjs';

const sample = join(root, '..', 'shared', 'data', 'rdap-samples', 'ip-arin-13.64.0.0.json');
const ianaDir = join(root, '..', 'shared', 'data', 'iana-bootstrap');
const BOOTSTRAP = ['dns', 'ipv4', 'ipv6', 'asn'];
const HOSTS = ['rdap.arin.net', 'rdap.apnic.net', 'rdap.verisign.com', 'rdap.cloudflare.com', 'dns.google', 'whois.nic.ad.jp', 'data.iana.org'];
const samples = join(root, '..', 'shared', 'data', 'rdap-samples');
const jpnicPage = join(root, '..', 'shared', 'data', 'jpnic-gateway', '133.1.2.5-en.html');
const SUBJECT = 'Cheap watches for hanako';
const FROM = 'promo@watches-shop.example';

/** A hand-written message whose origin is `ip` (no authenticated domains: nothing but the IP is looked up). */
const message = (ip) => [
  `Received: from relay.example.net (relay.example.net [${ip}]) by mx1.example.jp (Postfix) with ESMTP id 4A1B2C; Tue, 3 Nov 2026 10:15:30 +0900`,
  `From: Watch Shop <${FROM}>`,
  'To: hanako@example.jp',
  `Subject: ${SUBJECT}`,
  'Date: Tue, 3 Nov 2026 10:15:20 +0900',
  '',
  'body',
].join('\r\n');

// The privacy test's message: what must never leave the browser.
const JP_IP = '101.203.88.7';
const SECRET = { subject: 'Quarterly bonus for Hanako 7f3a', body: 'SECRET BODY TEXT 91c2 call me', user: 'hanako.yamada@example.jp', name: 'Yamada Hanako' };
const fullMessage = [
  `Delivered-To: ${SECRET.user}`,
  'Return-Path: <bounce@cloudflare.com>',
  `Received: from mail.relay.example (mail.relay.example [${JP_IP}]) by mx1.example.jp (Postfix) with ESMTP id 4A1B2D for <${SECRET.user}>; Tue, 3 Nov 2026 10:15:30 +0900`,
  'From: Promotions <promo@cloudflare.com>',
  `To: ${SECRET.name} <${SECRET.user}>`,
  `Subject: ${SECRET.subject}`,
  'Date: Tue, 3 Nov 2026 10:15:20 +0900',
  'Message-ID: <abc.123@mail.relay.example>',
  '',
  SECRET.body,
].join('\r\n');

/** DNS over HTTPS (JSON API): cloudflare.com's NS, MX and A, all in ARIN's 13.64.0.0/11. */
function dohAnswer(req) {
  const query = new URL(req.url, 'https://dns.google').searchParams;
  const name = query.get('name');
  const type = query.get('type');
  const records = {
    'cloudflare.com NS': [2, 'ns3.cloudflare.com.'],
    'cloudflare.com MX': [15, '10 mx.cloudflare.com.'],
    'cloudflare.com A': [1, '13.64.20.32'],
    'ns3.cloudflare.com A': [1, '13.64.20.33'],
    'mx.cloudflare.com A': [1, '13.64.20.34'],
  }[`${name} ${type}`];
  return JSON.stringify({ Status: 0, Question: [{ name, type }], Answer: records ? [{ name: `${name}.`, type: records[0], TTL: 300, data: records[1] }] : [] });
}

const HOSTILE = '<img src=x onerror="window.__pwned=1">Evil<script>window.__pwned=2</script>';

let browser;
let www;
let replay;
before(async () => {
  assert.ok(existsSync(sample), `${sample} is missing: the recorded RDAP answers are read in place from ../shared (not copied into the repo)`);
  const recorded = readFileSync(sample, 'utf8');
  replay = await startReplayServer({
    routes: [
      // IANA plays itself with the real bootstrap files: the driver refreshes them in the background.
      ...BOOTSTRAP.map((name) => ({ host: 'data.iana.org', path: `/rdap/${name}.json`, file: join(ianaDir, `${name}.json`), headers: { 'content-type': 'application/json' } })),
      { host: 'rdap.arin.net', path: '/registry/ip/13.64.20.30', file: sample },
      { host: 'rdap.arin.net', path: '/registry/ip/13.64.66.66', body: recorded.replaceAll('Microsoft Corporation', JSON.stringify(HOSTILE).slice(1, -1)).replaceAll('"MSFT"', JSON.stringify(HOSTILE)) },
      { host: 'rdap.arin.net', path: '/registry/ip/13.64.77.77', status: 429, headers: { 'retry-after': '1', 'access-control-expose-headers': 'retry-after' }, body: '{"errorCode":429,"title":"Too Many Requests"}' },
      { host: 'rdap.arin.net', path: '/registry/ip/13.64.88.88', hang: true },
      // The full trace of the privacy test: JPNIC space at APNIC, the JPNIC gateway, a
      // .com domain at Verisign and its registrar, and DNS over HTTPS.
      { host: 'rdap.apnic.net', path: `/ip/${JP_IP}`, file: join(samples, 'ip-apnic-jp-101.203.88.0.json') },
      { host: 'whois.nic.ad.jp', prefix: '/cgi-bin/whois_gw', file: jpnicPage, headers: { 'content-type': 'text/html' } },
      { host: 'rdap.verisign.com', path: '/com/v1/domain/cloudflare.com', file: join(samples, 'domain-verisign-cloudflare.com.json') },
      { host: 'rdap.cloudflare.com', prefix: '/rdap/v1/domain/', file: join(samples, 'domain-registrar-cloudflare-cloudflare.com.json') },
      { host: 'dns.google', prefix: '/resolve', headers: { 'content-type': 'application/json' }, body: dohAnswer },
    ],
  });
  // Every other host fails to resolve: nothing leaves the machine.
  const args = [`${hostResolverRules(HOSTS, replay.port)}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`, '--ignore-certificate-errors'];
  browser = await launch({ args });
  www = await launchWww({ args });
});
after(async () => {
  await browser?.close();
  await www?.close();
  await replay?.close();
});

async function tracePasted(text, { options } = {}) {
  await browser.worker.evaluate((value) => (value ? chrome.storage.local.set({ traceOptions: value }) : chrome.storage.local.remove('traceOptions')), options ?? null);
  const popup = await browser.context.newPage();
  await popup.goto(browser.extensionUrl('popup/popup.html'));
  await popup.locator('[data-testid=page-status]').waitFor();
  await popup.locator('[data-testid=paste-input]').fill(text);
  await popup.locator('[data-testid=trace-button]').click();
  await popup.locator('[data-testid=origin-ip]').waitFor();
  await popup.locator('[data-testid=lookup-done]').waitFor({ timeout: 15000 });
  return popup;
}

test('the popup lists the network operator and its abuse address first, from the recorded ARIN answer', async () => {
  const before = replay.requests.length;
  const popup = await tracePasted(message('13.64.20.30'));
  const party = popup.locator('[data-testid=party]').first();
  assert.equal((await party.locator('[data-testid=party-role]').textContent()).trim(), 'Network operator');
  assert.match(await party.locator('[data-testid=party-name]').textContent(), /Microsoft|MSFT/);
  assert.match(await party.locator('[data-testid=contact]').first().textContent(), /abuse@microsoft\.com/);
  assert.equal(await popup.locator('[data-testid=lookup-checking]').count(), 0);
  // Privacy: only the IP (and registry handles) left the browser, plus the IANA
  // bootstrap refresh; nothing from the message.
  const all = replay.requests.slice(before);
  const bootstrap = all.filter((r) => r.host === 'data.iana.org');
  assert.ok(bootstrap.every((r) => /^\/rdap\/(dns|ipv4|ipv6|asn)\.json$/.test(r.path)), JSON.stringify(bootstrap.map((r) => r.path)));
  const sent = all.filter((r) => r.host !== 'data.iana.org');
  assert.ok(sent.some((r) => r.host === 'rdap.arin.net' && r.path === '/registry/ip/13.64.20.30'), JSON.stringify(sent.map((r) => r.path)));
  for (const r of sent) {
    const all = `${r.host}${r.path}${JSON.stringify(r.headers)}${r.body}`;
    for (const secret of [SUBJECT, 'hanako', FROM, 'watches-shop', 'relay.example.net', 'mx1.example.jp']) assert.ok(!all.includes(secret), `${secret} leaked in ${r.path}`);
    assert.match(r.path, /^\/registry\/(ip\/[0-9.]+|entity\/[A-Za-z0-9-]+)$/, r.path);
    assert.equal(r.headers.cookie, undefined);
    assert.equal(r.headers.referer, undefined);
  }
  // The list of requests made is on screen.
  assert.match(await popup.locator('[data-testid=request]').first().textContent(), /rdap\.arin\.net\/registry\/ip\/13\.64\.20\.30/);
  await popup.close();

  // The background refresh of the bootstrap lands in storage.local (7 days).
  const stored = await browser.worker.evaluate(async () => {
    for (let i = 0; i < 100; i += 1) {
      const all = await chrome.storage.local.get(null);
      const keys = Object.keys(all).filter((k) => k.includes('bootstrap:'));
      if (keys.length === 4) return keys.sort();
      await new Promise((r) => setTimeout(r, 50));
    }
    return Object.keys(await chrome.storage.local.get(null)).filter((k) => k.includes('bootstrap:')).sort();
  });
  assert.equal(stored.length, 4, `bootstrap files cached: ${stored.join(', ')}`);

  // Tracing the same message again is answered from storage.local: no request at all.
  const again = replay.requests.length;
  const second = await tracePasted(message('13.64.20.30'));
  assert.match(await second.locator('[data-testid=party-name]').first().textContent(), /Microsoft|MSFT/);
  assert.equal(replay.requests.length, again, 'the repeated trace made no request');
  await second.close();
  browser.assertClean();
});

test('privacy: a full trace (IP, JPNIC, domain, DoH) asks only the bootstrap, registries, JPNIC and the resolver, and sends nothing of the message', async () => {
  // A cold start: no cached answers and no cached bootstrap, so everything is asked.
  await browser.worker.evaluate(() => chrome.storage.local.clear());
  const from = replay.requests.length;
  const seen = [];
  const onRequest = (request) => seen.push({ url: request.url(), method: request.method(), headers: request.headers(), body: request.postData() ?? '' });
  browser.context.on('request', onRequest);
  let popup;
  try {
    popup = await tracePasted(fullMessage, { options: { timeout_ms: 5000 } });
    // The bootstrap refresh runs in the background after the trace; wait for it.
    for (let i = 0; i < 100 && !replay.requests.slice(from).some((r) => r.host === 'data.iana.org'); i += 1) await popup.waitForTimeout(50);
    await popup.waitForTimeout(300);
  } finally {
    browser.context.off('request', onRequest);
  }
  const sent = replay.requests.slice(from);

  // Where requests may go: the IANA bootstrap host, the RDAP servers the bootstrap
  // names, the registrar the registry's answer links to, the JPNIC gateway and the
  // configured DoH resolver (the default, dns.google).
  const rdapHosts = new Set();
  for (const name of ['dns', 'ipv4', 'ipv6', 'asn']) {
    for (const [, urls] of JSON.parse(readFileSync(join(ianaDir, `${name}.json`), 'utf8')).services) for (const url of urls) rdapHosts.add(new URL(url).hostname);
  }
  const registry = JSON.parse(readFileSync(join(samples, 'domain-verisign-cloudflare.com.json'), 'utf8'));
  const registrarHosts = new Set(registry.links.map((link) => new URL(link.href).hostname));
  const kind = (host) => host === 'data.iana.org' ? 'bootstrap' : host === 'whois.nic.ad.jp' ? 'jpnic' : host === 'dns.google' ? 'doh'
    : rdapHosts.has(host) || registrarHosts.has(host) ? 'rdap' : `UNEXPECTED ${host}`;
  const network = seen.filter((r) => /^https?:/.test(r.url) && new URL(r.url).hostname !== '127.0.0.1');
  const kinds = new Set([...sent.map((r) => kind(r.host)), ...network.map((r) => kind(new URL(r.url).hostname))]);
  assert.deepEqual([...kinds].sort(), ['bootstrap', 'doh', 'jpnic', 'rdap'], `destinations: ${[...new Set(sent.map((r) => r.host))].join(', ')}`);
  // The browser saw no request the replay server did not (nothing went elsewhere).
  for (const r of network) assert.ok(sent.some((s) => r.url.endsWith(s.path) && new URL(r.url).hostname === s.host), `browser request ${r.url} reached the replay server`);
  assert.ok(sent.some((r) => r.host === 'rdap.apnic.net') && sent.some((r) => r.host === 'rdap.cloudflare.com') && sent.some((r) => r.host === 'rdap.arin.net'), 'IP, registrar and hosting lookups were made');

  // What they carry: an IP, a domain or host name, a registry handle — nothing else.
  const secrets = [SECRET.subject, 'Quarterly', SECRET.body, 'SECRET BODY', SECRET.user, 'hanako', 'Yamada', 'mail.relay.example', 'mx1.example.jp', 'abc.123', 'Promotions', 'promo@'];
  const shapes = [
    /^\/rdap\/(dns|ipv4|ipv6|asn)\.json$/, /^\/(registry\/)?ip\/[0-9a-f.:]+$/, /^\/(registry\/)?entity\/[A-Za-z0-9-]+$/,
    /^\/com\/v1\/domain\/cloudflare\.com$/, /^\/rdap\/v1\/domain\/cloudflare\.com$/i,
    /^\/resolve\?name=[a-z0-9.-]+&type=(NS|MX|A|AAAA)$/, /^\/cgi-bin\/whois_gw\?lang=%2Fe&key=[A-Za-z0-9.%:-]+$/,
  ];
  for (const r of sent) {
    const everything = `${r.host}${r.path}${JSON.stringify(r.headers)}${r.body}`;
    for (const secret of secrets) assert.ok(!everything.toLowerCase().includes(secret.toLowerCase()), `"${secret}" leaked to ${r.host}${r.path}`);
    assert.ok(shapes.some((shape) => shape.test(r.path)), `unexpected request shape ${r.host}${r.path}`);
    assert.equal(r.method, 'GET');
    assert.equal(r.body, '');
    assert.equal(r.headers.cookie, undefined);
    assert.equal(r.headers.referer, undefined);
  }
  for (const r of network) {
    const everything = `${r.url}${JSON.stringify(r.headers)}${r.body}`;
    for (const secret of secrets) assert.ok(!everything.toLowerCase().includes(secret.toLowerCase()), `"${secret}" in the browser's request ${r.url}`);
  }
  assert.ok(sent.some((r) => r.host === 'whois.nic.ad.jp' && r.path.endsWith(`key=${JP_IP}`)), 'the JPNIC gateway was asked for the IP only');
  await popup.close();
  browser.assertClean();
});

test('markup in an answer is shown as text and never runs', async () => {
  const popup = await tracePasted(message('13.64.66.66'));
  const name = popup.locator('[data-testid=party-name]').first();
  assert.match(await name.textContent(), /<img src=x onerror=.*<script>/);
  assert.equal(await popup.locator('[data-testid=lookups] img, [data-testid=lookups] script').count(), 0, 'no element made from the answer');
  assert.equal(await popup.evaluate(() => window.__pwned ?? null), null, 'no script ran');
  await popup.close();
  browser.assertClean();
});

test('a rate-limited lookup ends with a translated message, not "checking…"', async () => {
  // The core retries twice (Retry-After: 1 s) before it gives up.
  const popup = await tracePasted(message('13.64.77.77'));
  const failure = popup.locator('[data-testid=lookup-failure]').first();
  assert.match(await failure.textContent(), /limiting our requests|HTTP 429/);
  assert.equal(await popup.locator('[data-testid=lookup-checking]').count(), 0);
  await popup.close();
  browser.assertClean();
});

test('a lookup that never answers times out with a translated message (Japanese)', async () => {
  await browser.worker.evaluate(() => chrome.storage.local.set({ lang: 'ja' }));
  try {
    const popup = await tracePasted(message('13.64.88.88'), { options: { timeout_ms: 1500 } });
    const failure = popup.locator('[data-testid=lookup-failure]').first();
    assert.match(await failure.textContent(), /rdap\.arin\.net.*1500 ミリ秒以内に応答がない/);
    assert.equal(await popup.locator('[data-testid=lookup-checking]').count(), 0);
    await popup.close();
  } finally {
    await browser.worker.evaluate(() => chrome.storage.local.remove(['lang', 'traceOptions']));
  }
  browser.assertClean();
});

test('the www page runs the same lookups and lists the same party', async () => {
  const page = await www.context.newPage();
  await page.goto(www.server.url);
  await page.locator('[data-testid=trace-button]:not(:empty)').waitFor();
  await page.locator('[data-testid=paste-input]').fill(message('13.64.20.30'));
  await page.locator('[data-testid=trace-button]').click();
  await page.locator('[data-testid=lookup-done]').waitFor({ timeout: 15000 });
  const party = page.locator('[data-testid=party]').first();
  assert.equal((await party.locator('[data-testid=party-role]').textContent()).trim(), 'Network operator');
  assert.match(await party.locator('[data-testid=contact]').first().textContent(), /abuse@microsoft\.com/);
  await page.close();
  www.assertClean();
});

test('contacts: unusable ones are flagged, forms are safe links, odd shapes do not throw', async () => {
  const page = await www.context.newPage();
  await page.goto(`${www.server.url}?lang=en`);
  await page.locator('[data-testid=trace-button]:not(:empty)').waitFor();
  const outcome = await page.evaluate(async () => {
    const { renderLookups } = await import('./ui/render.js');
    const { loadTranslator } = await import('./ui/i18n.js');
    const t = await loadTranslator(new URL('./', location.href), 'en');
    const box = document.createElement('div');
    document.body.append(box);
    for (const report of [null, {}, { parties: [null, {}], findings: [{}], requests: [null] }]) renderLookups(box, report, t, 'running');
    renderLookups(box, { done: true, requests: [{ id: 1, url: 'https://rdap.apnic.net/ip/1.2.3.4', purpose: 'rdap-ip', outcome: '200' }], findings: [], parties: [{
      role: 'network-operator', name: 'Example Net', subject: '1.2.3.4', confidence: 'high', notes: [],
      why: { id: 'why-network-operator', params: { cidr: '1.2.3.0/24', network: 'EX', ip: '1.2.3.4' }, text: 'English' },
      contacts: [
        { kind: 'email', value: 'hostmaster@nic.ad.jp', source: 'jpnic-whois', actionable: false, warning: { id: 'placeholder-contact', params: { email: 'hostmaster@nic.ad.jp', who: 'JPNIC' }, text: 'English' } },
        { kind: 'form', value: 'javascript:alert(1)', actionable: true },
        { kind: 'form', value: 'https://abuse.example/report', actionable: true },
      ],
    }] }, t, 'done');
    const contacts = [...box.querySelectorAll('[data-testid=contact]')];
    return {
      unusable: contacts[0].dataset.actionable, flag: contacts[0].querySelector('[data-testid=contact-unusable]')?.textContent,
      warning: contacts[0].textContent, copyOnUnusable: contacts[0].querySelectorAll('[data-testid=copy]').length,
      jsLink: contacts[1].querySelectorAll('a').length,
      link: contacts[2].querySelector('a') && { href: contacts[2].querySelector('a').href, rel: contacts[2].querySelector('a').rel },
      role: box.querySelector('[data-testid=party-role]').textContent,
    };
  });
  assert.deepEqual(outcome.link, { href: 'https://abuse.example/report', rel: 'noopener noreferrer' });
  assert.equal(outcome.jsLink, 0, 'a javascript: form stays text');
  assert.equal(outcome.unusable, 'false');
  assert.equal(outcome.copyOnUnusable, 0, 'no copy button for an address not to use');
  assert.match(outcome.flag, /Not an address to report to/);
  assert.match(outcome.warning, /not the operator's abuse desk/);
  assert.equal(outcome.role, 'Network operator');
  await page.close();
  www.assertClean();
});
