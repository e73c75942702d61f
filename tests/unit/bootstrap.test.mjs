// Run-time refresh of the IANA bootstrap (extension/ui/bootstrap.js): stale files are
// fetched from data.iana.org and cached for 7 days, junk is not kept, and the real
// wasm Trace routes by the fresher file once it is handed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { makeCache, memoryStore } from '../../extension/ui/driver.js';
import { BOOTSTRAP_NAMES, cachedBootstrap, refreshBootstrap } from '../../extension/ui/bootstrap.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'build', 'pkg');
const wasm = await import(pathToFileURL(join(pkg, 'sendertrace_wasm.js')).href);
wasm.initSync({ module: readFileSync(join(pkg, 'sendertrace_wasm_bg.wasm')) });

// A registry that moved 13.0.0.0/8 to another server: only a fresher file knows it.
const FRESH_IPV4 = JSON.stringify({
  version: '1.0', publication: '2026-11-01T00:00:00Z', description: 'test',
  services: [[['13.0.0.0/8'], ['https://rdap.moved-registry.example/']]],
});

function fakeIana(answers) {
  const calls = [];
  const fetchImpl = async (url) => {
    calls.push(url);
    const name = url.match(/\/rdap\/([a-z0-9]+)\.json$/)?.[1];
    const body = answers[name];
    if (body === undefined) throw new TypeError('Failed to fetch');
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { calls, fetchImpl };
}

test('missing files are stale, refreshed from IANA over https, and junk is not cached', async () => {
  const cache = makeCache(memoryStore());
  const first = await cachedBootstrap(cache);
  assert.deepEqual(first.files, {});
  assert.deepEqual(first.stale, BOOTSTRAP_NAMES);

  const iana = fakeIana({ ipv4: FRESH_IPV4, ipv6: '<html>not a registry</html>', dns: '{"services": "nope"}' });
  const stored = await refreshBootstrap(cache, first.stale, iana.fetchImpl);
  assert.equal(stored, 1, 'only the real registry file is kept');
  assert.ok(iana.calls.every((u) => u.startsWith('https://data.iana.org/rdap/')), iana.calls.join(' '));
  assert.equal(iana.calls.length, BOOTSTRAP_NAMES.length);

  const second = await cachedBootstrap(cache);
  assert.deepEqual(Object.keys(second.files), ['ipv4']);
  assert.deepEqual(second.stale, ['dns', 'ipv6', 'asn']);
  assert.equal(JSON.parse(second.files.ipv4).services[0][1][0], 'https://rdap.moved-registry.example/');
});

test('the trace routes by the fresher file it is handed, and by the bundled one otherwise', async () => {
  const cache = makeCache(memoryStore());
  await refreshBootstrap(cache, ['ipv4'], fakeIana({ ipv4: FRESH_IPV4 }).fetchImpl);
  const { files } = await cachedBootstrap(cache);
  const analysis = wasm.analyze([
    'Received: from relay.example.net (relay.example.net [13.64.20.30]) by mx1.example.jp (Postfix) with ESMTP id 4A; Tue, 3 Nov 2026 10:15:30 +0900',
    'Subject: t', '', 'b',
  ].join('\r\n'));
  const options = { doh_resolver: null, hosting: false };
  const fresh = new wasm.Trace(analysis, { ...options, bootstrap_files: files }, 1_800_000_000).pollRequest();
  assert.match(fresh.url, /^https:\/\/rdap\.moved-registry\.example\/ip\/13\.64\.20\.30$/);
  const bundled = new wasm.Trace(analysis, options, 1_800_000_000).pollRequest();
  assert.match(bundled.url, /^https:\/\/rdap\.arin\.net\//);
});

test('an offline refresh stores nothing and does not throw', async () => {
  const cache = makeCache(memoryStore());
  assert.equal(await refreshBootstrap(cache, BOOTSTRAP_NAMES, fakeIana({}).fetchImpl), 0);
  assert.deepEqual((await cachedBootstrap(cache)).files, {});
});
