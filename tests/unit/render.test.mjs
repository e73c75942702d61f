// The pure parts of the renderer (the DOM parts run in the e2e tests).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { makeTranslator } from '../../extension/ui/i18n.js';
import { formatDelay, partyWhy, resultText, warningText } from '../../extension/ui/render.js';
import { englishLeft } from '../support/english.mjs';

const load = (lang) => JSON.parse(readFileSync(new URL(`../../extension/_locales/${lang}/messages.json`, import.meta.url), 'utf8'));
const en = makeTranslator('en', load('en'));
const ja = makeTranslator('ja', load('ja'), load('en'));

test('delays read naturally in both languages, negative ones keep their sign', () => {
  assert.equal(formatDelay(en, 2), '2 s');
  assert.equal(formatDelay(en, 185), '3 min 5 s');
  assert.equal(formatDelay(en, 7800), '2 h 10 min');
  assert.equal(formatDelay(en, 100800), '1 d 4 h');
  assert.equal(formatDelay(en, -30), '−30 s');
  assert.equal(formatDelay(ja, 185), '3分5秒');
  assert.equal(formatDelay(ja, 0), '0秒');
  assert.equal(formatDelay(en, null), '');
  assert.equal(formatDelay(en, Number.NaN), '');
});

test("a national channel's reason is the UI's own translation, not the core's English note", () => {
  const why = { id: 'why-national-channel', params: { note: 'Collects spam (English note)', provider: 'dekyo' }, text: 'Collects spam (English note)' };
  assert.match(partyWhy(ja, why), /特定電子メール法/);
  assert.doesNotMatch(partyWhy(ja, why), /English note/);
  assert.match(partyWhy(en, why), /Specified Electronic Mail/);
  // An unknown provider: English keeps the core's text; Japanese says so in Japanese, with the code.
  assert.equal(partyWhy(en, { ...why, params: { ...why.params, provider: 'unknown-x' } }), 'Collects spam (English note)');
  assert.equal(partyWhy(ja, { ...why, params: { ...why.params, provider: 'unknown-x' } }), ja('lookup_why_national_channel', { note: 'Collects spam (English note)' }));
  assert.match(warningText(ja, { id: 'brand-new-note', params: {}, text: 'English only' }), /brand-new-note/);
  assert.doesNotMatch(warningText(ja, { id: 'brand-new-note', params: {}, text: 'English only' }), /English only/);
});

test('codes inside params are said in words, the browser\'s error text is kept apart', () => {
  const registrar = { id: 'why-registrar', params: { domain: 'watch-deals.com', iana: 'none', why: 'return-path, dkim-signer' }, text: 'English' };
  assert.equal(warningText(ja, registrar), ja('lookup_why_registrar', { domain: 'watch-deals.com', iana: 'なし', why: '返送先（Return-Path）、DKIM 署名者' }));
  assert.doesNotMatch(warningText(ja, { id: 'registrant-privacy-proxy', params: { registrant: 'none' } }), /none/);
  // The core's stand-in name for a registrar without one is said in the UI language.
  const unnamed = resultText(ja, { ok: true, analysis: {} }, { done: true, parties: [{ role: 'registrar', name: 'unknown registrar', contacts: [] }], findings: [], requests: [] });
  assert.ok(unnamed.includes(ja('party_unnamed')) && !unnamed.includes('unknown registrar'), unnamed);
  assert.match(warningText(en, registrar), /return address \(Return-Path\), DKIM signer/);
  assert.match(warningText(ja, { id: 'known-provider', params: { subject: 'ns1.x.net', provider: 'X', kind: 'ns', pattern: '*.x.net' } }), /ネームサーバー/);
  assert.match(warningText(ja, { id: 'also-role', params: { name: 'X', role: 'dns-host', subject: 'a.com' } }), new RegExp(ja('role_dns_host')));
  const failed = warningText(ja, { id: 'request-failed', params: { host: 'rdap.arin.net', message: 'Failed to fetch' } });
  assert.match(failed, /rdap\.arin\.net/);
  assert.doesNotMatch(failed, /Failed to fetch/);
  // The driver's named failures (a token, or already in words) are said in words.
  for (const message of ['fetch-network', ja('lookup_fetch_network')]) {
    const named = warningText(ja, { id: 'request-failed', params: { host: 'rdap.apnic.net', message } });
    assert.equal(named, ja('lookup_request_failed', { host: 'rdap.apnic.net', message: ja('lookup_fetch_network') }));
  }
  assert.match(warningText(en, { id: 'request-failed', params: { host: 'x.example', message: 'fetch-redirects' } }), /its redirects could not be followed/);
});

// A full record and lookup report, shaped as docs/wire-format.md and lookup-wire-format.md.
const record = { ok: true, analysis: {
  origin: { ip: '13.64.20.30', host: 'relay.watch-deals.com', hop: 1, confidence: 'high', reasons: [{ code: 'origin-handoff', params: { ip: '13.64.20.30', provider: 'mx.example.jp' }, text: 'English' }] },
  hops: [
    { index: 0, from_rdns: 'mx.example.jp', from_ip: '10.20.0.5', by_host: 'mbox3.example.jp', class: 'internal', timestamp: 1793682934, delay_seconds: 2 },
    { index: 1, from_rdns: 'relay.watch-deals.com', from_ip: '13.64.20.30', by_host: 'mx.example.jp', class: 'handoff', timestamp: 1793682932, delay_seconds: null },
  ],
  auth: { verdict: 'forged', from_domain: 'bank.example', spf: 'pass', spf_domain: 'watch-deals.com', dkim: [], dmarc: 'fail', aligned: false, reasons: [] },
  findings: [{ code: 1003, id: 'timestamps-out-of-order', severity: 'warning', params: { hop: '2' }, text: 'English' }],
} };
const report = { done: true,
  parties: [{ role: 'network-operator', name: 'Microsoft Corporation', subject: '13.64.20.30',
    why: { id: 'why-network-operator', params: { cidr: '13.64.0.0/11', network: 'MSFT', ip: '13.64.20.30' }, text: 'English' },
    contacts: [{ kind: 'email', value: 'abuse@microsoft.com', actionable: true }, { kind: 'email', value: 'hostmaster@nic.ad.jp', actionable: false }], notes: [] }],
  findings: [{ id: 'request-timeout', params: { host: 'rdap.verisign.com', ms: '1500' }, text: 'English' }],
  requests: [{ id: 1, url: 'https://rdap.arin.net/registry/ip/13.64.20.30', purpose: 'rdap-ip', outcome: '200' },
    { id: 2, url: 'https://rdap.verisign.com/com/v1/domain/watch-deals.com', purpose: 'rdap-domain', outcome: 'timeout' }] };

test('the whole result as plain text: origin, parties with contacts, verdict, findings, hops, requests', () => {
  const text = resultText(en, record, report);
  for (const part of ['13.64.20.30 (relay.watch-deals.com)', 'Network operator: Microsoft Corporation (13.64.20.30)', 'abuse@microsoft.com',
    'hostmaster@nic.ad.jp — Not an address to report to', 'SPF: pass (watch-deals.com)', 'DMARC: fail', 'rdap.verisign.com',
    'https://rdap.verisign.com/com/v1/domain/watch-deals.com', 'no answer in time', 'HTTP 200', 'mx.example.jp [10.20.0.5]']) {
    assert.ok(text.includes(part), `${part} in:\n${text}`);
  }
  assert.ok(text.indexOf('Microsoft Corporation') < text.indexOf('SPF:'), 'parties before the verdict');
  assert.ok(text.indexOf('relay.watch-deals.com [13.64.20.30]') > text.indexOf('mx.example.jp [10.20.0.5]'), 'hops newest first');
  assert.equal(resultText(en, { ok: false, error: { name: 'empty' } }, null), '');
  // Before any lookup answered, the parties are "checking".
  assert.match(resultText(en, record, null), new RegExp(en('lookup_running')));
});

test('a finding or reason newer than the messages: English shows the core text, Japanese says so in Japanese', () => {
  const newer = { ...record, analysis: { ...record.analysis,
    findings: [{ code: 9999, id: 'brand-new-finding', severity: 'warning', params: {}, text: 'Core English sentence' }],
    origin: { ...record.analysis.origin, reasons: [{ code: 'brand-new-reason', params: {}, text: 'Another English sentence' }] } } };
  assert.match(resultText(en, newer, report), /Core English sentence/);
  const text = resultText(ja, newer, report);
  assert.doesNotMatch(text, /Core English sentence|Another English sentence/);
  assert.ok(text.includes(ja('finding_unknown', { code: 'brand-new-finding' })));
  assert.ok(text.includes(ja('reason_unknown', { code: 'brand-new-reason' })));
});

test('the copied result is in the UI language: no English left in Japanese but data', () => {
  const text = resultText(ja, record, report);
  assert.match(text, /ネットワーク|運用/);
  // The registry's own names are data (the popup marks them translate="no").
  const leftover = englishLeft(text.replaceAll('Microsoft Corporation', '').replaceAll('MSFT', ''));
  assert.deepEqual(leftover, []);
});

