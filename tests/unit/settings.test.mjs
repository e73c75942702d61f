// The options page's settings: forwarder and DoH validation, defaults, TraceOptions mapping.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULTS, dohResolver, isValidDohUrl, isValidForwarder, normalizeSettings, parseForwarders } from '../../extension/ui/settings.js';

test('host names, IPs and CIDR ranges are valid forwarders', () => {
  for (const good of ['fwd.example.org', 'mx-1.mail.example.co.jp', 'fwd.example.org.', 'FWD.Example.ORG', '198.51.100.10', '10.0.0.0/8', '0.0.0.0/0',
    '192.0.2.0/24', '2001:db8::1', '2001:db8::/32', '::1', '::ffff:192.0.2.1', '2001:db8::/128']) {
    assert.ok(isValidForwarder(good), good);
  }
});

test('anything else is rejected', () => {
  for (const bad of ['', ' ', 'not a host!', 'localhost', 'a..b', '-a.example', 'a-.example', 'under_score.example', 'ex ample.org',
    '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0/8', '300.1.2.3', '1.2.3', '1.2.3.4.5', '01.2.3.4', '2001:db8::/129', '2001:db8:::1',
    'gggg::1', 'fwd.example.org/24', 'https://fwd.example.org', `${'a'.repeat(64)}.example`, `${'abcdefghi.'.repeat(26)}example`]) {
    assert.ok(!isValidForwarder(bad), bad);
  }
});

test('the text area splits on lines, commas and spaces; bad entries are listed', () => {
  assert.deepEqual(parseForwarders('fwd.example.org\n 10.0.0.0/8,2001:db8::/32\n\nfwd.example.org'),
    { entries: ['fwd.example.org', '10.0.0.0/8', '2001:db8::/32'], invalid: [] });
  assert.deepEqual(parseForwarders('fwd.example.org\n10.0.0.0/33').invalid, ['10.0.0.0/33']);
  assert.deepEqual(parseForwarders('').entries, []);
});

test('a custom DoH resolver must be https', () => {
  assert.ok(isValidDohUrl('https://doh.example.net/dns-query'));
  for (const bad of ['http://doh.example.net/resolve', 'doh.example.net', '', 'javascript:alert(1)', 'https://']) assert.ok(!isValidDohUrl(bad), bad);
});

test('stored settings are normalised; malformed values fall back to the defaults', () => {
  assert.deepEqual(normalizeSettings(undefined), { ...DEFAULTS });
  assert.deepEqual(normalizeSettings({ lang: 'fr', trustedForwarders: ['ok.example.org', 'bad host'], doh: 'http://x.example', includeBody: 'yes' }),
    { lang: 'auto', trustedForwarders: ['ok.example.org'], doh: 'google', includeBody: false });
  assert.deepEqual(normalizeSettings({ lang: 'ja', trustedForwarders: [], doh: 'https://doh.example.net/q', includeBody: true }),
    { lang: 'ja', trustedForwarders: [], doh: 'https://doh.example.net/q', includeBody: true });
});

test('the DoH setting maps to TraceOptions.doh_resolver (null = off)', () => {
  assert.equal(dohResolver('off'), null);
  assert.equal(dohResolver('google'), 'https://dns.google/resolve');
  assert.equal(dohResolver('cloudflare'), 'https://cloudflare-dns.com/dns-query');
  assert.equal(dohResolver('https://doh.example.net/q'), 'https://doh.example.net/q');
  assert.equal(dohResolver('http://doh.example.net/q'), 'https://dns.google/resolve');
});
