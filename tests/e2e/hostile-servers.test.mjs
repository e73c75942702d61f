// Hostile and broken registry servers (issue 8), against the real extension: the local
// HTTPS replay server plays rdap.arin.net and misbehaves in one way per origin IP,
// while the Return-Path domain (cloudflare.com, recorded answers read in place from
// ../shared) is answered properly. Every trace must end — "Finished", no "checking…"
// left — with the good part of the result (the registrar) and a translated message
// for the lookup that went wrong. All cases run at once in one browser.
//
// The markup case puts HTML and script in every string field of an RDAP answer and
// proves that none of it runs (no dialog, no global flag, no request to the beacon
// host, no CSP violation) and none of it becomes an element (text shows literally).

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launch, launchWww, root } from './harness.mjs';
import { startReplayServer } from '../support/replay-server.mjs';

const samples = join(root, '..', 'shared', 'data', 'rdap-samples');
const ianaDir = join(root, '..', 'shared', 'data', 'iana-bootstrap');
const TIMEOUT_MS = 2000;
const MiB = 1024 * 1024;

/** A payload per field: an element, an inline handler, a script, a frame, a beacon. */
const payload = (field) => `<b id="p-${field}">${field}</b><img src=x onerror="window.__pwned='${field}';alert(1)">`
  + `<script>window.__pwned='${field}'</script><iframe src="https://beacon.test/${field}"></iframe>`
  + `<a href="javascript:window.__pwned='${field}'">x</a><svg onload="fetch('https://beacon.test/svg')"></svg>`;

const vcard = (who) => ['vcard', [
  ['version', {}, 'text', '4.0'],
  ['fn', {}, 'text', payload(`${who}-fn`)],
  ['org', {}, 'text', payload(`${who}-org`)],
  ['kind', {}, 'text', payload(`${who}-kind`)],
  ['title', {}, 'text', payload(`${who}-title`)],
  ['role', {}, 'text', payload(`${who}-role`)],
  ['adr', { label: payload(`${who}-adr-label`) }, 'text', ['', '', payload(`${who}-street`), payload(`${who}-city`), '', payload(`${who}-zip`), payload(`${who}-country`)]],
  ['tel', { type: ['voice'] }, 'uri', `tel:${payload(`${who}-tel`)}`],
  ['email', {}, 'text', `${payload(`${who}-email`)}abuse@hostile.example`],
  ['email', {}, 'text', `<b>abuse@hostile.example</b>`],
  ['url', {}, 'uri', `javascript:alert('${who}')`],
]];

const notice = (field) => ({
  title: payload(`${field}-title`),
  description: [payload(`${field}-description`)],
  links: [{ value: payload(`${field}-link-value`), rel: 'related', href: `javascript:window.__pwned='${field}'`, type: payload(`${field}-link-type`), title: payload(`${field}-link-title`) }],
});

/** An RDAP ip network answer whose every string field carries markup. */
const hostileAnswer = (ip) => JSON.stringify({
  rdapConformance: ['rdap_level_0', payload('conformance')],
  objectClassName: 'ip network',
  handle: payload('handle'),
  startAddress: ip.replace(/\.\d+$/, '.0'),
  endAddress: ip.replace(/\.\d+$/, '.255'),
  ipVersion: 'v4',
  name: payload('name'),
  type: payload('type'),
  country: payload('country'),
  parentHandle: payload('parentHandle'),
  port43: payload('port43'),
  lang: payload('lang'),
  status: [payload('status')],
  cidr0_cidrs: [{ v4prefix: payload('cidr'), length: 24 }],
  remarks: [notice('remark')],
  notices: [notice('notice')],
  links: [{ value: payload('self-value'), rel: 'self', href: `https://rdap.arin.net/registry/ip/${payload('href')}`, type: 'application/rdap+json' }],
  events: [{ eventAction: payload('eventAction'), eventDate: payload('eventDate'), eventActor: payload('eventActor') }],
  entities: [
    { objectClassName: 'entity', handle: payload('registrant-handle'), roles: ['registrant', payload('role')], vcardArray: vcard('registrant'), remarks: [notice('registrant-remark')],
      entities: [{ objectClassName: 'entity', handle: payload('abuse-handle'), roles: ['abuse'], vcardArray: vcard('abuse'), events: [{ eventAction: payload('abuse-event'), eventDate: payload('abuse-date') }] }] },
    { objectClassName: 'entity', handle: payload('tech-handle'), roles: ['technical'], vcardArray: vcard('tech'), links: [{ href: `https://beacon.test/${payload('entity-link')}`, rel: 'self' }] },
  ],
});

/** A valid network object: if it shows up as a party, a refused answer was read. */
const plainNetwork = (ip, name) => JSON.stringify({
  objectClassName: 'ip network', handle: `NET-${name}`, name, startAddress: ip.replace(/\.\d+$/, '.0'), endAddress: ip.replace(/\.\d+$/, '.255'), ipVersion: 'v4',
  entities: [{ objectClassName: 'entity', handle: `ABUSE-${name}`, roles: ['abuse'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', name], ['email', {}, 'text', `abuse@${name.toLowerCase()}.example`]]] }],
});

// One origin IP per case, all in ARIN space (13.0.0.0/8) except the two whose registry
// host must fail: RIPE (DNS failure: 193.0.0.0/8) and APNIC (connection refused).
const CASES = {
  markup: { ip: '13.64.1.1', expect: { party: /^<b id="p-[a-z-]+">[a-z-]+<\/b><img src=x onerror=/ } },
  huge: { ip: '13.64.2.1', expect: { failure: 'reply-too-large', text: /larger than 1048576 bytes and was refused/ } },
  endless: { ip: '13.64.3.1', expect: { failure: 'reply-too-large', text: /larger than 1048576 bytes and was refused/ } },
  html: { ip: '13.64.4.1', expect: { finding: 'rdap-wrong-content-type', text: /sent 'text\/html; charset=utf-8' instead of RDAP JSON/, also: 'rdap-not-json' } },
  textJson: { ip: '13.64.5.1', expect: { finding: 'rdap-wrong-content-type', party: /^TEXT-PLAIN-NET$/ } },
  invalidJson: { ip: '13.64.6.1', expect: { finding: 'rdap-not-json', text: /The answer is not JSON/ } },
  loop: { ip: '13.64.7.1', expect: { failure: 'request-failed', text: /rdap\.arin\.net[^]*its redirects could not be followed \(a loop, too many, or away from HTTPS\)/ } },
  // The extension pages' CSP (connect-src 'self' https:) stops the browser itself from
  // following to http:, so the redirect fails before any request (the core would refuse
  // the answer too: redirect-not-https, see crates/core/src/trace.rs).
  toHttp: { ip: '13.64.8.1', expect: { failure: 'request-failed', text: /rdap\.arin\.net[^]*its redirects could not be followed/, notParty: 'PLAIN-HTTP-NET' } },
  toPrivate: { ip: '13.64.9.1', expect: { finding: 'redirect-private', text: /an address on a private or local network, which was not followed/, notParty: 'LOOPBACK-NET' } },
  drip: { ip: '13.64.10.1', expect: { failure: 'request-timeout', text: new RegExp(`No answer from rdap\\.arin\\.net within ${TIMEOUT_MS} ms`) } },
  hang: { ip: '13.64.11.1', expect: { failure: 'request-timeout', text: new RegExp(`within ${TIMEOUT_MS} ms`) } },
  retryAfter: { ip: '13.64.12.1', expect: { party: /^AFTER-RETRY-NET$/ } },
  noRetryAfter: { ip: '13.64.13.1', expect: { failure: 'rate-limited', text: /limiting our requests \(HTTP 429\); that lookup was given up\. Try again later\./ } },
  serverError: { ip: '13.64.14.1', expect: { failure: 'server-error', text: /rdap\.arin\.net answered with HTTP 503/ } },
  closed: { ip: '13.64.15.1', expect: { failure: 'request-failed', text: /rdap\.arin\.net[^]*the name does not resolve, or the connection was refused, cut off/ } },
  refused: { ip: '1.1.1.1', expect: { failure: 'request-failed', text: /rdap\.apnic\.net[^]*the name does not resolve, or the connection was refused, cut off/ } },
  dnsFailure: { ip: '193.0.6.139', expect: { failure: 'request-failed', text: /rdap\.db\.ripe\.net[^]*the name does not resolve/ } },
};

const message = (ip, subject) => [
  `Received: from relay.example.net (relay.example.net [${ip}]) by mx1.example.jp (Postfix) with ESMTP id 4A1B2C; Tue, 3 Nov 2026 10:15:30 +0900`,
  'Return-Path: <bounce@cloudflare.com>',
  'From: Shop <promo@cloudflare.com>',
  'To: hanako@example.jp',
  `Subject: ${subject}`,
  'Date: Tue, 3 Nov 2026 10:15:20 +0900',
  '',
  'body',
].join('\r\n');

const path = (ip) => `/registry/ip/${ip}`;

/** A port that nothing listens on. */
async function closedPort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

let browser;
let www;
let replay;
let plain;
const runs = {};
const beaconRequests = [];

before(async () => {
  for (const file of ['domain-verisign-cloudflare.com.json', 'domain-registrar-cloudflare-cloudflare.com.json']) {
    assert.ok(existsSync(join(samples, file)), `${file}: recorded RDAP answers are read in place from ../shared`);
  }
  plain = await startReplayServer({ https: false, routes: [{ prefix: '/registry/ip/', body: plainNetwork(CASES.toHttp.ip, 'PLAIN-HTTP-NET') }] });
  const dead = await closedPort();
  const json = { 'content-type': 'application/rdap+json' };
  // Its Location names the replay server itself by address, known once it listens.
  const toPrivate = { host: 'rdap.arin.net', path: path(CASES.toPrivate.ip), status: 302, headers: {} };
  replay = await startReplayServer({
    routes: [
      ...['dns', 'ipv4', 'ipv6', 'asn'].map((name) => ({ host: 'data.iana.org', path: `/rdap/${name}.json`, file: join(ianaDir, `${name}.json`), headers: { 'content-type': 'application/json' } })),
      { host: 'rdap.verisign.com', path: '/com/v1/domain/cloudflare.com', file: join(samples, 'domain-verisign-cloudflare.com.json') },
      { host: 'rdap.cloudflare.com', prefix: '/rdap/v1/domain/', file: join(samples, 'domain-registrar-cloudflare-cloudflare.com.json') },
      { host: 'rdap.arin.net', path: path(CASES.markup.ip), body: hostileAnswer(CASES.markup.ip) },
      { host: 'rdap.arin.net', path: path(CASES.huge.ip), body: Buffer.alloc(10 * MiB, 0x20) },
      { host: 'rdap.arin.net', path: path(CASES.endless.ip), endless: true },
      { host: 'rdap.arin.net', path: path(CASES.html.ip), headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><title>Login</title><h1>Please sign in</h1><script>window.__pwned=1</script>' },
      { host: 'rdap.arin.net', path: path(CASES.textJson.ip), headers: { 'content-type': 'text/plain' }, body: plainNetwork(CASES.textJson.ip, 'TEXT-PLAIN-NET') },
      { host: 'rdap.arin.net', path: path(CASES.invalidJson.ip), headers: json, body: '{"objectClassName": "ip network", "name": "TRUNC' },
      { host: 'rdap.arin.net', path: path(CASES.loop.ip), status: 302, headers: { location: '/loop/a' } },
      { host: 'rdap.arin.net', path: '/loop/a', status: 301, headers: { location: 'https://rdap.arin.net/loop/b' } },
      { host: 'rdap.arin.net', path: '/loop/b', status: 307, headers: { location: '/loop/a' } },
      { host: 'rdap.arin.net', path: path(CASES.toHttp.ip), status: 301, headers: { location: `http://plain.test${path(CASES.toHttp.ip)}` } },
      toPrivate,
      { host: '127.0.0.1', prefix: '/private/', body: plainNetwork(CASES.toPrivate.ip, 'LOOPBACK-NET') },
      { host: 'rdap.arin.net', path: path(CASES.drip.ip), dripMs: 400, body: plainNetwork(CASES.drip.ip, 'DRIP-NET') },
      { host: 'rdap.arin.net', path: path(CASES.hang.ip), hang: true },
      { host: 'rdap.arin.net', path: path(CASES.retryAfter.ip), body: plainNetwork(CASES.retryAfter.ip, 'AFTER-RETRY-NET'),
        sequence: [{ status: 429, headers: { 'retry-after': '1', 'access-control-expose-headers': 'retry-after' }, body: '{"errorCode":429}' }, {}] },
      // Retry-After sent but not exposed to the page (the usual case): the popup gives up at once.
      { host: 'rdap.arin.net', path: path(CASES.noRetryAfter.ip), status: 429, headers: { 'retry-after': '120' }, body: '{"errorCode":429,"title":"Too Many Requests"}' },
      { host: 'rdap.arin.net', path: path(CASES.serverError.ip), status: 503, headers: { 'content-type': 'text/html' }, body: '<h1>Service Unavailable</h1>' },
      { host: 'rdap.arin.net', path: path(CASES.closed.ip), destroy: true },
      { host: 'beacon.test', body: (req) => { beaconRequests.push(req.url); return ''; } },
    ],
  });
  toPrivate.headers.location = `https://127.0.0.1:${replay.port}/private${path(CASES.toPrivate.ip)}`;

  const map = (host, to) => `MAP ${host} ${to}`;
  const rules = [
    ...['rdap.arin.net', 'rdap.verisign.com', 'rdap.cloudflare.com', 'data.iana.org', 'beacon.test'].map((h) => map(h, `127.0.0.1:${replay.port}`)),
    map('plain.test', `127.0.0.1:${plain.port}`),
    map('rdap.apnic.net', `127.0.0.1:${dead}`),
    'MAP * ~NOTFOUND', 'EXCLUDE 127.0.0.1',
  ];
  const args = [`--host-resolver-rules=${rules.join(', ')}`, '--ignore-certificate-errors'];
  browser = await launch({ args });
  www = await launchWww({ args });
  for (const context of [browser.context, www.context]) {
    context.on('request', (request) => { if (new URL(request.url()).hostname === 'beacon.test') beaconRequests.push(request.url()); });
  }
  await browser.worker.evaluate((options) => chrome.storage.local.set({ traceOptions: options }), { timeout_ms: TIMEOUT_MS, hosting: false });
  for (const [name, { ip }] of Object.entries(CASES)) runs[name] = traceInPopup(name, ip);
  // Nothing may stay unhandled while the tests take the results in turn.
  for (const run of Object.values(runs)) run.catch(() => {});
});

after(async () => {
  await browser?.close();
  await www?.close();
  await replay?.close();
  await plain?.close();
});

/** Trace the case's message in a fresh popup; resolves when the lookups say "finished". */
async function traceInPopup(name, ip) {
  const popup = await browser.context.newPage();
  const events = { dialogs: [], violations: [] };
  popup.on('dialog', (dialog) => { events.dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });
  await popup.exposeBinding('__violation', (_source, text) => events.violations.push(text));
  await popup.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => window.__violation(`${event.violatedDirective} ${event.blockedURI}`));
  });
  await popup.goto(browser.extensionUrl('popup/popup.html'));
  await popup.locator('[data-testid=page-status]').waitFor();
  await popup.locator('[data-testid=paste-input]').fill(message(ip, `case ${name}`));
  await popup.locator('[data-testid=trace-button]').click();
  await popup.locator('[data-testid=origin-ip]').waitFor();
  await popup.locator('[data-testid=lookup-done]').waitFor({ timeout: 30000 });
  return { popup, events };
}

/** What the finished lookups block says. */
async function outcome(popup) {
  return popup.evaluate(() => {
    const box = document.querySelector('[data-testid=lookups]');
    const list = (selector) => [...box.querySelectorAll(selector)].map((node) => ({ id: node.dataset.id, text: node.textContent }));
    return {
      checking: box.querySelectorAll('[data-testid=lookup-checking], [data-testid=lookup-pending]').length,
      failures: list('[data-testid=lookup-failure]'),
      findings: list('[data-testid=lookup-finding]'),
      parties: [...box.querySelectorAll('[data-testid=party]')].map((p) => ({ role: p.dataset.role, name: p.querySelector('[data-testid=party-name]')?.textContent })),
      text: box.textContent,
    };
  });
}

for (const [name, { ip, expect }] of Object.entries(CASES)) {
  test(`hostile server, ${name} (${ip}): the trace finishes with the rest of the result and says what happened`, async () => {
    const { popup } = await runs[name];
    const seen = await outcome(popup);
    assert.equal(seen.checking, 0, 'no "checking…" left');
    // The good part: the Return-Path domain's registrar, from the recorded answers.
    assert.ok(seen.parties.some((p) => p.role === 'registrar' && /Cloudflare/i.test(p.name ?? '')), `registrar listed: ${JSON.stringify(seen.parties)}`);
    const notes = [...seen.failures, ...seen.findings];
    if (expect.failure) {
      const failure = seen.failures.find((f) => f.id === expect.failure);
      assert.ok(failure, `${expect.failure} among ${JSON.stringify(seen.failures)}`);
      assert.match(failure.text, expect.text);
    }
    if (expect.finding) {
      const finding = notes.find((f) => f.id === expect.finding);
      assert.ok(finding, `${expect.finding} among ${JSON.stringify(notes)}`);
      if (expect.text) assert.match(finding.text, expect.text);
    }
    if (expect.also) assert.ok(notes.some((f) => f.id === expect.also), `${expect.also} among ${JSON.stringify(notes)}`);
    if (expect.party) assert.ok(seen.parties.some((p) => p.role === 'network-operator' && expect.party.test(p.name ?? '')), `network party: ${JSON.stringify(seen.parties)}`);
    if (expect.notParty) assert.ok(!seen.text.includes(expect.notParty), `the refused answer (${expect.notParty}) was not used`);
    // The driver's failure tokens are translated, never shown raw.
    assert.doesNotMatch(seen.text, /fetch-network|fetch-redirects/);
    if (!expect.party) assert.ok(!seen.parties.some((p) => p.role === 'network-operator'), 'no network party from a failed lookup');
  });
}

test('markup in every field of an RDAP answer is shown as text: no element, no script, no request', async () => {
  const { popup, events } = await runs.markup;
  const found = await popup.evaluate(() => {
    const result = document.getElementById('result');
    return {
      elements: result.querySelectorAll('img, script, iframe, svg, b, a[href^="javascript:"], [id^="p-"], [onerror], [onload]').length,
      pwned: window.__pwned ?? null,
      name: document.querySelector('[data-testid=party][data-role=network-operator] [data-testid=party-name]')?.textContent ?? null,
      emails: [...document.querySelectorAll('[data-testid=party][data-role=network-operator] [data-testid=contact]')].map((c) => c.textContent),
    };
  });
  assert.equal(found.elements, 0, 'no element made from the answer');
  assert.equal(found.pwned, null, 'no script ran');
  assert.deepEqual(events.dialogs, [], 'no dialog opened');
  assert.deepEqual(events.violations, [], 'nothing even tried to run (no CSP violation)');
  assert.match(found.name ?? '', /^<b id="p-[a-z-]+">[a-z-]+<\/b><img src=x onerror="window\.__pwned=/, 'the name as literal text');
  assert.ok(!found.emails.some((text) => text.includes('<')), `no address wrapped in markup offered: ${found.emails}`);
  // Give a would-be beacon a moment, then check both the server and the browser saw none.
  await popup.waitForTimeout(300);
  assert.deepEqual(beaconRequests, [], 'no request to the beacon host');
  assert.equal(replay.requests.filter((r) => r.host === 'beacon.test').length, 0);
});

test('markup in every field: the standalone page (no extension CSP) shows it as text too', async () => {
  const page = await www.context.newPage();
  const dialogs = [];
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });
  await page.goto(`${www.server.url}?lang=en`);
  await page.locator('[data-testid=trace-button]:not(:empty)').waitFor();
  await page.evaluate(() => localStorage.clear());
  await page.locator('[data-testid=paste-input]').fill(message(CASES.markup.ip, 'www markup'));
  await page.locator('[data-testid=trace-button]').click();
  await page.locator('[data-testid=lookup-done]').waitFor({ timeout: 30000 });
  const found = await page.evaluate(() => ({
    elements: document.getElementById('result').querySelectorAll('img, script, iframe, svg, b, [id^="p-"]').length,
    pwned: window.__pwned ?? null,
    text: document.querySelector('[data-testid=party-name]')?.textContent ?? '',
  }));
  assert.equal(found.elements, 0);
  assert.equal(found.pwned, null);
  assert.deepEqual(dialogs, []);
  assert.match(found.text, /<script>window\.__pwned=/);
  assert.deepEqual(beaconRequests, []);
  await page.close();
  www.assertClean();
});

test('the request log: caps, retries and refusals are what the server saw', async () => {
  await Promise.all(Object.values(runs));
  const to = (ip) => replay.requests.filter((r) => r.host === 'rdap.arin.net' && r.path === path(ip));
  // 429 without a readable Retry-After: one request, no retry 30 s later.
  assert.equal(to(CASES.noRetryAfter.ip).length, 1);
  // 429 with an exposed Retry-After: asked again, and the second answer was used.
  assert.equal(to(CASES.retryAfter.ip).length, 2);
  // A redirect loop is given up (the browser's cap); nothing is asked forever.
  const loops = replay.requests.filter((r) => r.path.startsWith('/loop/')).length;
  assert.ok(loops > 0 && loops <= 42, `redirect loop requests: ${loops}`);
  // The CSP kept the browser off http: altogether. A private HTTPS target is reached
  // once by the browser (fetch follows before a script can see where), and its answer
  // is refused by the core (see above) — recorded here so the README states it truthfully.
  assert.equal(plain.requests.length, 0, 'no request over plain http');
  assert.equal(replay.requests.filter((r) => r.path.startsWith('/private/')).length, 1);
  for (const r of [...replay.requests, ...plain.requests]) {
    assert.equal(r.headers.cookie, undefined);
    assert.equal(r.headers.referer, undefined);
  }
  for (const { popup } of await Promise.all(Object.values(runs))) await popup.close();
  // Chromium reports the CSP's refusal of the http: redirect as a console error: the
  // one expected error of this file, and proof of who stopped it.
  const blocked = browser.problems.filter((text) => /Connecting to 'http:\/\/plain\.test\/.*violates the following Content Security Policy directive: "connect-src 'self' https:"/.test(text));
  assert.equal(blocked.length, 1, 'the CSP blocked the http: redirect');
  browser.problems.splice(0, browser.problems.length, ...browser.problems.filter((text) => !blocked.includes(text)));
  browser.assertClean();
});
